"""Configuration classes, picked by ``CTFLOW_ENV``, and the ``CTFLOW_*`` environment variables.

Each setting has its default on ``Config`` and, where it can be set from the environment, one
line in ``ENVIRONMENT``. The environment is read when the app is created, not at import time,
so tests and the CLI see the values of the moment. The README lists the variables.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from typing import Any


class Config:
    ENV_NAME = "development"
    TESTING = False
    # None means "SQLite in the instance folder"; create_app fills it in.
    SQLALCHEMY_DATABASE_URI: str | None = None
    # No pool_pre_ping: a PostgreSQL connection taken from the pool is checked without a round
    # trip (app/postgres.py).
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    # None: development and test keep a generated key in the instance folder; production refuses to start.
    SECRET_KEY: str | None = None
    # An ISO timestamp that freezes the app clock (tests, demonstrations). Refused in production.
    NOW: str | None = None
    COUNCILS_FILE: str | None = None
    # The councils' source documents the "to confirm" values cite; None: processes/sources/,
    # shipped with the project (the settings page links each value's line).
    SOURCES_DIR: str | None = None
    # Request bodies above this many bytes are refused with 413.
    MAX_CONTENT_LENGTH = 1024 * 1024
    TOKEN_TTL_SECONDS = 8 * 3600
    # The web's session cookie: not readable by scripts, not sent on cross-site POSTs, and
    # (production) only over HTTPS. A session lasts at most a working day, like a token.
    SESSION_COOKIE_NAME = "ctflow_session"
    # Where the public pages are reached from outside: letters print links under it.
    BASE_URL = "http://127.0.0.1:5000"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # A web session ends after this long however active (absolute), or after SESSION_IDLE_SECONDS
    # without a request (idle); both are checked on the server, against the session's record.
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    SESSION_IDLE_SECONDS = 30 * 60
    # CSRF tokens live as long as the session that holds them.
    WTF_CSRF_TIME_LIMIT = None
    # Failed sign-ins allowed in a window of LOGIN_WINDOW_SECONDS: for one e-mail address from one
    # network address, and from one network address whatever the e-mail. Further tries wait for
    # the window to end; the right password is checked only within the limits.
    LOGIN_FREE_FAILURES = 5
    LOGIN_FREE_FAILURES_PER_ADDRESS = 20
    LOGIN_WINDOW_SECONDS = 15 * 60
    # How long the one-time links e-mailed to set a password stay usable: an invitation waits for
    # its reader a week; a reset is asked for by someone at their screen.
    INVITATION_TTL_SECONDS = 7 * 86400
    PASSWORD_RESET_TTL_SECONDS = 3600
    # Reset e-mails one client may ask for in LOGIN_WINDOW_SECONDS, for one address and in all.
    PASSWORD_RESETS_PER_EMAIL = 3
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto (werkzeug's
    # ProxyFix); 0 trusts none. Throttling by network address needs the client's, not the proxy's.
    PROXY_COUNT = 0
    # Log lines: "json" (one object a line, for a log collector) or "text" (for a person);
    # None: json in production, text elsewhere. LOG_LEVEL is a logging level name.
    LOG_FORMAT: str | None = None
    LOG_LEVEL = "INFO"
    LOG_TO_STDERR = True
    # A bearer token that lets a scraper on another host read GET /metrics; None: this host only.
    METRICS_TOKEN: str | None = None
    # The proxies' addresses or networks: under `ctflow serve --workers`, X-Forwarded-* headers
    # from any other peer are dropped before ProxyFix reads them (app/serving.py).
    FORWARDED_ALLOW_IPS: tuple[str, ...] = ("127.0.0.1", "::1")
    SQLITE_BUSY_TIMEOUT_MS = 5000
    # The public form, per source address (app.services.apply_limits): (how many, in seconds).
    # Applications sent open statutory deadlines; a household or a support worker sends a few.
    APPLY_CASES_PER_SOURCE = (10, 24 * 3600)
    APPLY_DRAFTS_PER_SOURCE = (30, 3600)
    # werkzeug's default (scrypt) unless a config makes it cheaper.
    PASSWORD_HASH_METHOD = "scrypt"
    # E-mailing letters. No host: letters are kept on the case but not sent ("not_configured").
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    # Upgrade the connection with STARTTLS before sending (letters carry personal data).
    SMTP_STARTTLS = True
    # The From address; None: the council's own contact address.
    SMTP_FROM: str | None = None
    SMTP_TIMEOUT_SECONDS = 30
    # `ctflow worker`: seconds between passes over due timers and the outbox (a letter queued by
    # the web waits at most this long before it is sent).
    WORKER_INTERVAL_SECONDS = 10.0
    # GOV.UK Notify, for councils with sender = "notify" (app/services/notify.py). No key: their
    # letters are kept on the case but not sent ("not_configured").
    NOTIFY_API_KEY: str | None = None
    # The e-mail template with ((subject)), ((body)) and ((link_to_file)); none: no e-mail, post only.
    NOTIFY_EMAIL_TEMPLATE_ID: str | None = None
    NOTIFY_BASE_URL: str | None = None  # None: Notify's own API
    NOTIFY_TIMEOUT_SECONDS = 30
    # The access log (app/services/access_log.py): entries older than this many days are pruned
    # by the worker (daily) and `ctflow access-log prune`. Two years by default: long enough to
    # answer a complaint about who looked at a case; a council's DPIA may choose otherwise.
    ACCESS_LOG_RETENTION_DAYS = 730
    # The entries of requests that commit nothing wait at most this long (or until ACCESS_LOG_BATCH
    # of them are pending) before the process's writer thread writes them, one commit per batch.
    ACCESS_LOG_FLUSH_SECONDS = 5.0
    ACCESS_LOG_BATCH = 200
    # The writer thread; off in tests, which write pending entries themselves (access_log.write_pending)
    # so that no thread writes one test's entries into the next test's emptied tables.
    ACCESS_LOG_WRITER = True


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    # Cheap hashing keeps the suite fast; never used outside tests.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # pytest captures the records itself (caplog, and the report of a failed test).
    LOG_TO_STDERR = False
    ACCESS_LOG_WRITER = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def boolean(raw: str) -> bool:
    """true/false, yes/no, on/off or 1/0, in any case."""
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def json_or_text(raw: str) -> str:
    value = raw.strip().lower()
    if value not in ("json", "text"):
        raise ValueError(raw)
    return value


def seconds(raw: str) -> float:
    """A number of seconds above 0: 30, 2.5."""
    value = float(raw)
    if not value > 0 or value == float("inf"):
        raise ValueError(raw)
    return value


def days(raw: str) -> int:
    """A whole number of days above 0: 730."""
    value = int(raw)
    if value < 1:
        raise ValueError(raw)
    return value


def log_level_name(raw: str) -> str:
    value = raw.strip().upper()
    if value not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ValueError(raw)
    return value


def addresses(raw: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or networks: 127.0.0.1,::1,10.0.0.0/8."""
    return tuple(str(ipaddress.ip_network(part.strip())) for part in raw.split(",") if part.strip())


# environment variable -> (config key, parser)
ENVIRONMENT: dict[str, tuple[str, Callable[[str], Any]]] = {
    "CTFLOW_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "CTFLOW_BASE_URL": ("BASE_URL", str),
    "CTFLOW_SECRET_KEY": ("SECRET_KEY", str),
    "CTFLOW_NOW": ("NOW", str),
    "CTFLOW_COUNCILS_FILE": ("COUNCILS_FILE", str),
    "CTFLOW_SOURCES_DIR": ("SOURCES_DIR", str),
    "CTFLOW_MAX_BODY_BYTES": ("MAX_CONTENT_LENGTH", int),
    "CTFLOW_TOKEN_TTL_SECONDS": ("TOKEN_TTL_SECONDS", int),
    "CTFLOW_SESSION_LIFETIME_SECONDS": ("PERMANENT_SESSION_LIFETIME", int),
    "CTFLOW_SESSION_IDLE_SECONDS": ("SESSION_IDLE_SECONDS", int),
    "CTFLOW_LOGIN_FREE_FAILURES": ("LOGIN_FREE_FAILURES", int),
    "CTFLOW_LOGIN_FREE_FAILURES_PER_ADDRESS": ("LOGIN_FREE_FAILURES_PER_ADDRESS", int),
    "CTFLOW_LOGIN_WINDOW_SECONDS": ("LOGIN_WINDOW_SECONDS", int),
    "CTFLOW_INVITATION_TTL_SECONDS": ("INVITATION_TTL_SECONDS", int),
    "CTFLOW_PASSWORD_RESET_TTL_SECONDS": ("PASSWORD_RESET_TTL_SECONDS", int),
    "CTFLOW_PROXY_COUNT": ("PROXY_COUNT", int),
    "CTFLOW_LOG_FORMAT": ("LOG_FORMAT", json_or_text),
    "CTFLOW_LOG_LEVEL": ("LOG_LEVEL", log_level_name),
    "CTFLOW_METRICS_TOKEN": ("METRICS_TOKEN", str),
    "CTFLOW_FORWARDED_ALLOW_IPS": ("FORWARDED_ALLOW_IPS", addresses),
    "CTFLOW_SMTP_HOST": ("SMTP_HOST", str),
    "CTFLOW_SMTP_PORT": ("SMTP_PORT", int),
    "CTFLOW_SMTP_USERNAME": ("SMTP_USERNAME", str),
    "CTFLOW_SMTP_PASSWORD": ("SMTP_PASSWORD", str),
    "CTFLOW_SMTP_STARTTLS": ("SMTP_STARTTLS", boolean),
    "CTFLOW_SMTP_FROM": ("SMTP_FROM", str),
    "CTFLOW_SMTP_TIMEOUT_SECONDS": ("SMTP_TIMEOUT_SECONDS", seconds),
    "CTFLOW_WORKER_INTERVAL_SECONDS": ("WORKER_INTERVAL_SECONDS", float),
    "CTFLOW_NOTIFY_API_KEY": ("NOTIFY_API_KEY", str),
    "CTFLOW_NOTIFY_EMAIL_TEMPLATE_ID": ("NOTIFY_EMAIL_TEMPLATE_ID", str),
    "CTFLOW_NOTIFY_BASE_URL": ("NOTIFY_BASE_URL", str),
    "CTFLOW_NOTIFY_TIMEOUT_SECONDS": ("NOTIFY_TIMEOUT_SECONDS", seconds),
    "CTFLOW_ACCESS_LOG_RETENTION_DAYS": ("ACCESS_LOG_RETENTION_DAYS", days),
    "CTFLOW_ACCESS_LOG_FLUSH_SECONDS": ("ACCESS_LOG_FLUSH_SECONDS", seconds),
}

_UUID = r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}"
# A Notify API key: its name, then the service id and the secret key, hyphen-joined.
NOTIFY_API_KEY_RE = re.compile(rf"^.+-{_UUID}-{_UUID}$")


def notify_problems(config: Mapping[str, Any]) -> list[str]:
    """What is wrong with the GOV.UK Notify settings (never quoting the key: it is a secret)."""
    problems = []
    key = config.get("NOTIFY_API_KEY")
    if key and not NOTIFY_API_KEY_RE.match(key):
        problems.append(
            "CTFLOW_NOTIFY_API_KEY is not a GOV.UK Notify API key: it must end with the service id and "
            "the secret key, each of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, after the key's name."
        )
    template = config.get("NOTIFY_EMAIL_TEMPLATE_ID")
    if template and not re.fullmatch(_UUID, template):
        problems.append(
            f"CTFLOW_NOTIFY_EMAIL_TEMPLATE_ID must be a template id (xxxxxxxx-xxxx-...), not {template!r}."
        )
    url = config.get("NOTIFY_BASE_URL")
    if url and not re.match(r"^https?://[^/\s]+", url):
        problems.append(f"CTFLOW_NOTIFY_BASE_URL must be an http(s) URL, not {url!r}.")
    return problems


class ConfigError(RuntimeError):
    """The configuration is unusable; the message says which setting and why."""


def config_name_from_env() -> str:
    return os.getenv("CTFLOW_ENV") or "development"


def config_class(name: str) -> type[Config]:
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(f"CTFLOW_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None


def read_environment(environ: os._Environ[str] | dict[str, str] = os.environ) -> dict[str, Any]:
    """The settings given by CTFLOW_* variables, parsed; empty values are ignored."""
    settings: dict[str, Any] = {}
    for variable, (key, parse) in ENVIRONMENT.items():
        raw = environ.get(variable, "")
        if raw == "":
            continue
        try:
            settings[key] = parse(raw)
        except ValueError:
            raise ConfigError(f"{variable} must be {parse.__name__}, not {raw!r}") from None
    return settings
