"""GET /metrics: who may read it, and the figures moving as the service works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.observability import metrics
from tests.factories.cases import application
from tests.observability.reading import scrape, value
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)

ROOT = Path(__file__).resolve().parents[2]
ELSEWHERE = {"REMOTE_ADDR": "203.0.113.9"}


@pytest.mark.parametrize(
    ("environ", "headers", "token", "status"),
    [
        ({}, {}, None, 200),
        ({"REMOTE_ADDR": "::1"}, {}, None, 200),
        (ELSEWHERE, {}, None, 404),
        (ELSEWHERE, {"Authorization": "Bearer s3cret-token"}, None, 404),
        (ELSEWHERE, {"Authorization": "Bearer s3cret-token"}, "s3cret-token", 200),
        (ELSEWHERE, {"Authorization": "Bearer wrong-token"}, "s3cret-token", 404),
        (ELSEWHERE, {"Authorization": "s3cret-token"}, "s3cret-token", 404),
        ({}, {"X-Forwarded-For": "198.51.100.7"}, None, 404),
        ({}, {"Forwarded": "for=198.51.100.7"}, None, 404),
        (
            {},
            {"X-Forwarded-For": "198.51.100.7", "Authorization": "Bearer s3cret-token"},
            "s3cret-token",
            200,
        ),
    ],
    ids=[
        "this host",
        "this host over IPv6",
        "another host",
        "another host, no token configured",
        "another host with the token",
        "another host with a wrong token",
        "the token without Bearer",
        "through a proxy on this host",
        "through a proxy (RFC 7239)",
        "through a proxy with the token",
    ],
)
def test_only_this_host_or_the_token_reads_the_metrics(
    app, client, monkeypatch, environ, headers, token, status
):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", token)
    response = client.get("/metrics", environ_base=environ, headers=headers)
    assert response.status_code == status
    if status == 200:
        assert response.content_type.startswith("text/plain; version=")
        assert "ctflow_database_up 1.0" in response.get_data(as_text=True)
    else:
        assert "ctflow_" not in response.get_data(as_text=True)


def test_behind_proxy_fix_the_peer_not_the_forwarded_address_decides(tmp_path):
    """With CTFLOW_PROXY_COUNT the app believes X-Forwarded-For for remote_addr; a forwarded
    127.0.0.1 must not make an outside caller local."""
    from app import create_app

    app = create_app("test", INSTANCE_PATH=str(tmp_path), SECRET_KEY="k", SQLALCHEMY_DATABASE_URI="sqlite://",
                     PROXY_COUNT=1)  # fmt: skip
    client = app.test_client()
    spoofed = client.get("/metrics", environ_base=ELSEWHERE, headers={"X-Forwarded-For": "127.0.0.1"})
    assert spoofed.status_code == 404
    via_local_proxy = client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"})
    assert via_local_proxy.status_code == 404


def test_a_completion_moves_the_completions_the_latency_and_the_cases_by_stage(derby, client):
    case = derby.open_case(application(received_on="2026-11-20"))
    before = scrape(client)
    assert value(before, "ctflow_cases", council="derby-city", stage="acknowledgement") == 1
    derby.complete(case, "acknowledge", {"sent_on": "2026-11-20", "method": "email"})
    after = scrape(client)
    completions = ("ctflow_task_completions_total", {"council": "derby-city", "form": "acknowledge"})
    assert (
        value(after, completions[0], **completions[1]) == value(before, completions[0], **completions[1]) + 1
    )
    latency = {"route": "/api/v1/tasks/<int:task_id>/complete", "method": "POST", "status": "200"}
    assert value(after, "ctflow_http_request_duration_seconds_count", **latency) == (
        value(before, "ctflow_http_request_duration_seconds_count", **latency) + 1
    )
    stage = derby.case(case["id"])["stage"]
    assert value(after, "ctflow_cases", council="derby-city", stage=stage) == 1
    # Scrapes are not timed: they would swamp the requests people make.
    assert not any(labels and dict(labels).get("route") == "/metrics" for _name, labels in after)


def test_a_sweep_moves_the_timers_fired_and_records_its_duration_and_lag(app, derby, client, clock):
    from app.extensions import db
    from app.models import Case
    from app.services.timers import fire_due_timers

    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    before = scrape(client)
    clock.freeze("2026-12-22T00:00:01+00:00")
    with app.app_context():
        due_at = db.session.get(Case, case["id"]).next_timer_at
        report = fire_due_timers()
    assert report.fired == [case["reference"]]
    after = scrape(client)
    assert value(after, "ctflow_timers_fired_total") == value(before, "ctflow_timers_fired_total") + 1
    assert value(after, "ctflow_timer_sweep_duration_seconds_count") == (
        value(before, "ctflow_timer_sweep_duration_seconds_count") + 1
    )
    assert value(after, "ctflow_timer_sweep_lag_seconds") == (clock.now() - due_at).total_seconds() > 0
    with app.app_context():
        fire_due_timers()  # nothing left due: no lag
    assert value(scrape(client), "ctflow_timer_sweep_lag_seconds") == 0


def test_a_failed_letter_counts_as_a_failure_and_waits_in_the_outbox(app, derby, client, smtp_server):
    from app.services import mail

    smtp_server.refuse("451 4.3.0 Try again later")
    case = derby.open_case(application(received_on="2026-11-20"))
    derby.complete(case, "acknowledge", {"sent_on": "2026-11-20", "method": "email"})
    before = scrape(client)
    assert value(before, "ctflow_outbox_depth", status="pending") >= 1
    with app.app_context():
        report = mail.send_pending_emails()
    assert report.failed
    after = scrape(client)
    failures = value(after, "ctflow_outbox_failures_total", council="derby-city")
    assert failures == value(before, "ctflow_outbox_failures_total", council="derby-city") + len(
        report.failed
    )
    assert value(after, "ctflow_outbox_depth", status="retrying") == len(report.failed)
    assert value(after, "ctflow_outbox_depth", status="pending") == value(before, "ctflow_outbox_depth",
                                                                          status="pending") - len(report.failed)  # fmt: skip


def test_a_database_that_does_not_answer_is_a_figure_not_a_failed_scrape(app, client, monkeypatch):
    from app.store import observability as store

    def unreachable():
        raise ConnectionError("no route to host")

    monkeypatch.setattr(store, "outbox_depth", unreachable)
    samples = scrape(client)
    assert value(samples, "ctflow_database_up") == 0
    assert not any(name == "ctflow_outbox_depth" for name, _labels in samples)


RECORD_IN_A_PROCESS = """
import sys, types
from app.observability import metrics
metrics.record_task_completion(types.SimpleNamespace(council_id="derby-city", form_key="acknowledge", case_id=1))
metrics._record_sweep(0.5, float(sys.argv[1]), 3)
"""


def test_multiprocess_mode_adds_up_what_each_process_counted(app, client, tmp_path, monkeypatch):
    directory = tmp_path / "metrics"
    monkeypatch.delenv(metrics.MULTIPROC_DIR, raising=False)
    assert metrics.prepare_multiprocess_dir(tmp_path) == tmp_path / metrics.DEFAULT_MULTIPROC_DIR
    monkeypatch.setenv(metrics.MULTIPROC_DIR, str(directory))
    env = {**os.environ, metrics.MULTIPROC_DIR: str(directory)}
    for lag in ("7", "5"):  # two workers, one after the other: the later lag is the one shown
        subprocess.run([sys.executable, "-c", RECORD_IN_A_PROCESS, lag], env=env, cwd=ROOT, check=True)
    assert len(list(directory.glob("counter_*.db"))) == 2
    samples = scrape(client)
    assert value(samples, "ctflow_task_completions_total", council="derby-city", form="acknowledge") == 2
    assert value(samples, "ctflow_timers_fired_total") == 6
    assert value(samples, "ctflow_timer_sweep_duration_seconds_count") == 2
    assert value(samples, "ctflow_timer_sweep_lag_seconds") == 5
    assert value(samples, "ctflow_database_up") == 1  # read once, by the scraping process


def test_preparing_the_directory_keeps_running_processes_files_and_drops_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv(metrics.MULTIPROC_DIR, str(tmp_path))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    for name in (f"counter_{dead_pid}.db", f"counter_{os.getpid()}.db", f"gauge_livesum_{os.getpid()}.db"):
        (tmp_path / name).write_bytes(b"")
    assert metrics.prepare_multiprocess_dir("/unused") == tmp_path
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"counter_{os.getpid()}.db",
        f"gauge_livesum_{os.getpid()}.db",
    ]
    metrics.on_child_exit(os.getpid())  # a worker's death drops its live gauges, keeps its counts
    assert [p.name for p in tmp_path.iterdir()] == [f"counter_{os.getpid()}.db"]
