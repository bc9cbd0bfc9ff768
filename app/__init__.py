"""The ctflow Flask application: ``create_app`` and nothing else."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import ConfigError, config_class, config_name_from_env, read_environment

if TYPE_CHECKING:
    from flask import Flask


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the app for ``config_name`` (default: ``CTFLOW_ENV``), then apply ``overrides``.

    Raises ``ConfigError`` or ``CouncilConfigError`` with a message fit for an operator when the
    configuration cannot work; nothing is started in that case.
    """
    # Imported here so that `import app.domain` (the BPMN script environment, letters, reports)
    # does not load Flask.
    from flask import Flask

    name = config_name or config_name_from_env()
    app = Flask(__name__, instance_path=overrides.pop("INSTANCE_PATH", None))
    app.config.from_object(config_class(name))
    app.config.update(read_environment())
    app.config.update(overrides)
    app.json.sort_keys = False  # keep fields in the order the schemas give them

    _configure_proxies(app)
    _configure_database_url(app)
    _configure_secret_key(app)
    _configure_notify(app)
    _configure_clock(app)
    _load_councils(app)
    _warm_calendars(app)

    from app import models  # noqa: F401  (registers every table with the metadata)
    from app.extensions import csrf, db, migrate
    from app.web.jinja import init_jinja

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        from app import postgres

        with app.app_context():
            postgres.install_connection_events(db.engine)
    csrf.init_app(app)
    init_jinja(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))

    from app import boundary, observability
    from app.errors import register_error_handlers

    observability.init_app(app)  # first: its request hooks run before (and log after) all others

    register_error_handlers(app)
    boundary.bound_integers(app)  # before the routes: each rule resolves <int:> when it is added
    _register_blueprints(app)
    # After the blueprints' own app-wide hooks, so a refusal page has the signed-in user and CSP nonce.
    app.before_request(boundary.refuse_unstorable_values)

    from app.commands import register_commands

    register_commands(app)
    return app


def _register_blueprints(app: Flask) -> None:
    # Imported here so that importing a blueprint never needs a half-built app.
    from app.api import api_bp
    from app.extensions import csrf
    from app.public import public_bp
    from app.web import web_bp

    # The API authenticates each request with a bearer token, never a cookie, so it has no CSRF.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(web_bp)
    app.register_blueprint(public_bp)


def _configure_proxies(app: Flask) -> None:
    count = app.config["PROXY_COUNT"]
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # request.remote_addr becomes the client's address, as the throttles need.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def _configure_database_url(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        os.makedirs(app.instance_path, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'ctflow.sqlite3'}"
    elif url.startswith(("postgresql://", "postgres://")):
        # We ship psycopg 3; a bare postgresql:// URL would ask SQLAlchemy for psycopg2.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        # sqlite3's timeout is its busy timeout: wait for a writer instead of failing at once.
        options["connect_args"] = {"timeout": app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
        from app import sqlite

        sqlite.install_pragmas()


def _configure_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config["ENV_NAME"] == "production":
        raise ConfigError("CTFLOW_SECRET_KEY must be set in production.")
    # Development and tests keep one generated key in the instance folder, so tokens survive a restart.
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        os.makedirs(app.instance_path, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _configure_notify(app: Flask) -> None:
    from app.config import notify_problems

    problems = notify_problems(app.config)
    if problems:
        raise ConfigError("\n".join(problems))


def _configure_clock(app: Flask) -> None:
    from app.clock import Clock

    clock = Clock()
    if app.config.get("NOW"):
        if app.config["ENV_NAME"] == "production":
            raise ConfigError("CTFLOW_NOW freezes the clock and is refused when CTFLOW_ENV=production.")
        try:
            clock.freeze(app.config["NOW"])
        except ValueError as exc:
            raise ConfigError(f"CTFLOW_NOW: {exc}") from None
    app.extensions["ctflow.clock"] = clock


def _warm_calendars(app: Flask) -> None:
    from app.domain.calendar import warm_bank_holidays

    this_year = app.extensions["ctflow.clock"].today().year
    warm_bank_holidays(range(this_year - 2, this_year + 3))


def _load_councils(app: Flask) -> None:
    from app.councils import DEFAULT_COUNCILS_PATH, load_councils

    app.extensions["ctflow.councils_file"] = load_councils(
        app.config.get("COUNCILS_FILE") or DEFAULT_COUNCILS_PATH
    )
