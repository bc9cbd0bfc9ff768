"""Every request writes one log line (JSON in production) with its request id, route, method,
status, duration, user, council and case, and no personal data."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from app import create_app
from app.observability import logs
from tests.factories.cases import application

REQUESTS_LOGGER = "app.observability.requests"


@pytest.fixture
def log_lines():
    """The request log's lines, formatted as production formats them (JSON), parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.json_formatter())
    handler.addFilter(logs.RequestIdFilter())
    logger = logging.getLogger(REQUESTS_LOGGER)
    level = logger.level
    logger.setLevel(logging.INFO)  # the test config logs warnings only
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()], stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_completion_logs_route_user_council_case_status_and_duration(derby, client, log_lines):
    read, _stream = log_lines
    case = derby.open_case(application(received_on="2026-11-20"))
    task = derby.open_task(case, "acknowledge")
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"sent_on": "2026-11-20", "method": "email"},
        headers=derby.as_("officer"),
    )
    assert response.status_code == 200, response.get_json()
    line = read()[-1]
    assert line["level"] == "INFO" and line["logger"] == REQUESTS_LOGGER
    assert line["route"] == "/api/v1/tasks/<int:task_id>/complete"
    assert line["method"] == "POST" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert line["task_id"] == task["id"] and line["case_id"] == case["id"]
    assert line["council"] == "derby-city"
    assert line["user_id"] == client.get("/api/v1/me", headers=derby.as_("officer")).get_json()["id"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", line["time"])


def test_a_case_route_logs_its_case_and_a_council_route_its_council(derby, client, log_lines):
    read, _stream = log_lines
    case = derby.open_case(application(received_on="2026-11-20"))
    client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("officer"))
    opened, viewed = read()[-2:]
    assert (opened["route"], opened["council"], opened["status"]) == (
        "/api/v1/councils/<council_id>/cases",
        "derby-city",
        201,
    )
    assert (viewed["route"], viewed["case_id"]) == ("/api/v1/cases/<int:case_id>", case["id"])


def test_searches_and_status_links_log_the_rule_never_the_query_or_the_path(derby, client, log_lines):
    read, stream = log_lines
    derby.open_case(application(received_on="2026-11-20"))
    client.get("/api/v1/cases?q=Alex+Victim&council=derby-city", headers=derby.as_("officer"))
    client.get("/status/a-secret-status-token")
    client.post("/api/v1/auth/token", json={"email": "someone@example.org", "password": "hunter2-secret"})
    search, status, token = read()[-3:]
    assert search["route"] == "/api/v1/cases" and search["status"] == 200
    assert status["route"] == "/status/<token>"
    assert token["route"] == "/api/v1/auth/token"
    written = stream.getvalue()
    for personal in ("Alex", "Victim", "a-secret-status-token", "someone@example.org", "hunter2"):
        assert personal not in written


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("3f2a9c1e-7b4d-4e8a-9c1f-0a1b2c3d4e5f", True),
        ("nginx.1234:abc_DEF", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("", False),
        ("two words", False),
        ('"}{"forged": 1', False),
        ("é-accented", False),
    ],
    ids=["uuid", "letters-digits-._:", "128 long", "129 long", "empty", "space", "json", "non-ascii"],
)
def test_a_request_id_from_the_proxy_is_kept_when_well_formed_else_one_is_made(
    app, client, log_lines, given, kept
):
    read, _stream = log_lines
    response = client.get("/api/v1/health", headers={"X-Request-Id": given} if given else {})
    echoed = response.headers["X-Request-Id"]
    if kept:
        assert echoed == given
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", echoed), echoed
    assert read()[-1]["request_id"] == echoed


def test_without_a_header_each_request_gets_its_own_id(app, client):
    first = client.get("/api/v1/health").headers["X-Request-Id"]
    second = client.get("/api/v1/health").headers["X-Request-Id"]
    assert first != second and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in (first, second))


def test_an_unknown_path_is_logged_under_one_route_name(app, client, log_lines):
    read, _stream = log_lines
    client.get("/wp-admin/setup-config.php?step=1")
    assert read()[-1]["route"] == "<unmatched>" and read()[-1]["status"] == 404


def test_records_written_during_a_request_carry_its_id(app, client, log_lines, monkeypatch):
    read, stream = log_lines
    from app.services import readiness

    def broken(connection):
        raise RuntimeError("the database driver fell over")

    monkeypatch.setattr(readiness.MigrationContext, "configure", broken)
    errors = logging.getLogger("app.services.readiness")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.json_formatter())
    handler.addFilter(logs.RequestIdFilter())
    errors.addHandler(handler)
    try:
        response = client.get("/api/v1/health/ready", headers={"X-Request-Id": "req-42"})
    finally:
        errors.removeHandler(handler)
    lines = read()
    warning = next(line for line in lines if line["logger"] == "app.services.readiness")
    assert response.status_code == 503
    assert warning["request_id"] == "req-42" and warning["level"] == "WARNING"


@pytest.fixture
def root_logger():
    """The root logger as it was, restored after an app outside the test config set it up."""
    root, ours = logging.getLogger(), logging.getLogger("app")
    handlers, levels = list(root.handlers), (root.level, ours.level)
    yield root
    root.handlers[:] = handlers
    root.setLevel(levels[0])
    ours.setLevel(levels[1])


def test_the_test_config_leaves_the_records_to_pytest(tmp_path, root_logger):
    create_app("test", INSTANCE_PATH=str(tmp_path), SECRET_KEY="k", SQLALCHEMY_DATABASE_URI="sqlite://")
    assert not [h for h in root_logger.handlers if h.name == logs.HANDLER_NAME]


@pytest.mark.parametrize(
    ("env", "overrides", "expected"),
    [("production", {}, "json"), ("development", {}, "text"), ("production", {"LOG_FORMAT": "text"}, "text")],
    ids=["production-default-json", "development-default-text", "production-set-to-text"],
)
def test_the_format_follows_the_environment_unless_set(
    tmp_path, capsys, root_logger, env, overrides, expected
):
    app = create_app(
        env, INSTANCE_PATH=str(tmp_path), SECRET_KEY="k", SQLALCHEMY_DATABASE_URI="sqlite://", **overrides
    )
    # A background loop's record, outside any request: the same format as the requests'.
    logging.getLogger("app.services.background").info("ctflow-timers: timers fired on %s", ["DER-1"])
    logging.getLogger("weasyprint.progress").info("Step 5 - Creating layout - Page 1")  # a library's chatter
    written = capsys.readouterr().err.strip()
    assert "weasyprint" not in written
    if expected == "json":
        line = json.loads(written.splitlines()[-1])
        assert line["logger"] == "app.services.background" and line["level"] == "INFO"
        assert line["message"] == "ctflow-timers: timers fired on ['DER-1']"
        assert "request_id" not in line  # no request, no id
    else:
        assert "INFO app.services.background ctflow-timers: timers fired on ['DER-1']" in written
        with pytest.raises(json.JSONDecodeError):
            json.loads(written)
    assert app.config["ENV_NAME"] == env


def test_the_log_format_setting_is_checked(monkeypatch):
    from app.config import ConfigError

    monkeypatch.setenv("CTFLOW_LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match="CTFLOW_LOG_FORMAT"):
        create_app("development", SECRET_KEY="k", SQLALCHEMY_DATABASE_URI="sqlite://")


def test_a_migration_run_by_the_command_logs_in_the_configured_format(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "CTFLOW_ENV": "development",
        "CTFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'ctflow.sqlite3'}",
        "CTFLOW_SECRET_KEY": "k",
        "CTFLOW_LOG_FORMAT": "json",
    }
    ctflow = Path(sys.executable).with_name("ctflow")
    done = subprocess.run([ctflow, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert any(line["message"].startswith("Running upgrade") for line in lines), lines


@pytest.fixture
def gunicorn_loggers():
    """gunicorn's loggers as they were (a test that sets gunicorn's logging up changes them)."""
    saved = [(log, list(log.handlers), log.propagate, log.level)
             for log in map(logging.getLogger, ("gunicorn.error", "gunicorn.access"))]  # fmt: skip
    yield
    for log, handlers, propagate, level in saved:
        log.handlers[:], log.propagate = handlers, propagate
        log.setLevel(level)


def test_gunicorns_own_lines_are_in_the_apps_format(tmp_path, capsys, root_logger, gunicorn_loggers):
    from gunicorn.config import Config

    from app.serving import ServeOptions, gunicorn_settings

    app = create_app(
        "production", INSTANCE_PATH=str(tmp_path), SECRET_KEY="k", SQLALCHEMY_DATABASE_URI="sqlite://"
    )
    config = Config()
    for key, value in gunicorn_settings(app, ServeOptions(workers=2)).items():
        config.set(key, value)
    logger = config.logger_class(config)
    logger.info("Booting worker with pid: %s", 4242)
    logger.critical("WORKER TIMEOUT (pid:%s)", 4242)
    lines = [json.loads(line) for line in capsys.readouterr().err.strip().splitlines()]
    assert [(line["logger"], line["level"], line["message"]) for line in lines] == [
        ("gunicorn.error", "INFO", "Booting worker with pid: 4242"),
        ("gunicorn.error", "CRITICAL", "WORKER TIMEOUT (pid:4242)"),
    ]
