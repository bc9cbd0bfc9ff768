"""`ctflow serve --workers N` (gunicorn): refused outside production and PostgreSQL, with a
message saying why; gunicorn's settings; forwarded headers reach the app only from the proxies.
(A real `ctflow serve --workers 2` is started, killed and restarted in tests/test_kill.py.)"""

from __future__ import annotations

import pytest
from flask import g
from werkzeug.test import Client

from app import create_app
from app.config import ConfigError, read_environment
from app.serving import OwnContextPerRequest, ServeOptions, TrustedProxyHeaders, gunicorn_settings


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_workers_need_production(runner):
    result = runner.invoke(args=["serve", "--workers", "2"])
    assert result.exit_code == 1
    assert "ctflow serve --workers is the production server and needs CTFLOW_ENV=production (it is test)" in (
        result.output
    )


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
def test_workers_need_postgresql(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    result = runner.invoke(args=["serve", "--workers", "2"])
    assert result.exit_code == 1
    assert "ctflow serve --workers needs PostgreSQL (CTFLOW_DATABASE_URL=postgresql://...), not sqlite" in (
        result.output
    )


@pytest.mark.parametrize("app", ["sqlite"], indirect=True)
@pytest.mark.parametrize("option", [["--timeout", "30"], ["--graceful-timeout", "10"]])
def test_gunicorn_options_need_workers(runner, option):
    result = runner.invoke(args=["serve", *option])
    assert result.exit_code == 2
    assert "--timeout and --graceful-timeout go with --workers N." in result.output


def test_gunicorn_settings():
    app = create_app(
        "test", SECRET_KEY="k", SQLALCHEMY_DATABASE_URI="sqlite://", FORWARDED_ALLOW_IPS=("10.0.0.0/8",)
    )
    settings = gunicorn_settings(app, ServeOptions(workers=3, host="::", port=8000, timeout=45))
    assert settings["bind"] == ["[::]:8000"]
    assert (settings["workers"], settings["worker_class"], settings["timeout"]) == (3, "sync", 45)
    assert settings["preload_app"] is True
    # ProxyFix alone reads forwarded headers; gunicorn trusts the same proxies and reads none itself.
    assert settings["forwarded_allow_ips"] == "10.0.0.0/8"
    assert settings["secure_scheme_headers"] == {} and settings["forwarder_headers"] == ""
    assert settings["accesslog"] is None  # the app logs each request itself
    threaded = gunicorn_settings(app, ServeOptions(workers=2, threads=4))
    assert (threaded["worker_class"], threaded["threads"]) == ("gthread", 4)


def _environ_seen_by_app(peer: str) -> dict:
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return []

    filtered = TrustedProxyHeaders(app, ["127.0.0.1/32", "::1/128", "10.1.0.0/16"])
    filtered(
        {
            "REMOTE_ADDR": peer,
            "HTTP_X_FORWARDED_FOR": "203.0.113.9",
            "HTTP_X_FORWARDED_PROTO": "https",
            "HTTP_FORWARDED": "for=203.0.113.9",
            "HTTP_X_REQUEST_ID": "abc",
        },
        None,
    )
    return seen


@pytest.mark.parametrize("peer", ["127.0.0.1", "::1", "10.1.200.3", "::ffff:10.1.0.1"])
def test_forwarded_headers_from_a_proxy_reach_the_app(peer):
    seen = _environ_seen_by_app(peer)
    assert (seen["HTTP_X_FORWARDED_FOR"], seen["HTTP_X_FORWARDED_PROTO"]) == ("203.0.113.9", "https")


@pytest.mark.parametrize("peer", ["10.2.0.1", "192.0.2.7", "2001:db8::1", "", "not-an-address"])
def test_forwarded_headers_from_anyone_else_are_dropped(peer):
    seen = _environ_seen_by_app(peer)
    assert not {"HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_FORWARDED"} & seen.keys()
    assert seen["HTTP_X_REQUEST_ID"] == "abc"  # other headers are left alone


def test_forwarded_allow_ips_setting():
    assert read_environment({"CTFLOW_FORWARDED_ALLOW_IPS": " 10.0.0.0/8, ::1 "}) == {
        "FORWARDED_ALLOW_IPS": ("10.0.0.0/8", "::1/128")
    }
    with pytest.raises(ConfigError, match="CTFLOW_FORWARDED_ALLOW_IPS must be addresses, not 'nginx'"):
        read_environment({"CTFLOW_FORWARDED_ALLOW_IPS": "nginx"})


def test_councils_import_prepares_a_production_database_and_is_idempotent(app, runner, monkeypatch):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import ProcessVersion
    from app.store import processes as process_store

    monkeypatch.setitem(app.config, "ENV_NAME", "production")  # seed-demo is refused there; this is not
    first = runner.invoke(args=["councils", "import"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Councils: 11 (derby-city, amber-valley,")
    assert "community_trigger v1" in first.output
    assert "Settings: derby-city v1, amber-valley v1," in first.output
    with app.app_context():
        versions = db.session.scalar(select(func.count()).select_from(ProcessVersion))
        assert process_store.active_version_for("east-herts").process_key == "community_trigger_east_herts"
    second = runner.invoke(args=["councils", "load"])  # its first name, kept for deployments
    assert second.exit_code == 0, second.output
    assert "Settings: unchanged (the database's are kept)" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == versions
    result = runner.invoke(
        args=["users", "create", "--email", "admin@derby.gov.uk", "--password", "long enough pw",
              "--council", "derby-city", "--role", "admin"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_the_prometheus_multiprocess_hooks(monkeypatch, tmp_path):
    """Before the fork the metrics directory is prepared; a worker that exits is marked dead."""
    from types import SimpleNamespace

    from app.observability import metrics

    calls = []
    monkeypatch.setattr(
        metrics, "prepare_multiprocess_dir", lambda path=None: calls.append(("prepare", path))
    )
    monkeypatch.setattr(metrics, "on_child_exit", lambda pid: calls.append(("exit", pid)))
    app = create_app("test", SECRET_KEY="k", SQLALCHEMY_DATABASE_URI="sqlite://", INSTANCE_PATH=str(tmp_path))
    settings = gunicorn_settings(app, ServeOptions(workers=2))
    settings["on_starting"](None)
    settings["child_exit"](None, SimpleNamespace(pid=4242))
    assert calls == [("prepare", str(tmp_path)), ("exit", 4242)]


@pytest.mark.parametrize("wrapped", [True, False])
def test_each_request_has_an_app_context_of_its_own_under_the_clis(wrapped):
    """A sync worker serves requests in the thread where the CLI pushed its app context before the
    fork; each request must still get a fresh one (its own g, its session removed after it)."""
    app = create_app("test", SECRET_KEY="k", SQLALCHEMY_DATABASE_URI="sqlite://")
    seen, teardowns = [], []
    app.add_url_rule("/probe", "probe", lambda: seen.append(getattr(g, "left", None)) or "ok")
    app.teardown_appcontext(lambda exc: teardowns.append(1))
    with app.app_context():  # what `ctflow serve` runs in
        g.left = "the CLI's g"
        client = Client(OwnContextPerRequest(app) if wrapped else app)
        for _ in range(2):
            assert client.get("/probe").status_code == 200
        torn_down = len(teardowns)
    expected = ([None, None], 2) if wrapped else (["the CLI's g", "the CLI's g"], 0)
    assert (seen, torn_down) == expected  # unwrapped: the CLI's context leaks into requests
