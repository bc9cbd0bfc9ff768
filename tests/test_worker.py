"""`ctflow worker`: one pass fires what is due and sends the outbox; letters are claimed so that
two mailers at once send each one once, a sent letter is never sent again, and every attempt at
a letter carries the same Message-ID; SIGTERM and SIGINT stop a running worker after the step it
is in, with exit status 0 and nothing half-done."""

from __future__ import annotations

import signal
import threading

import pytest
from sqlalchemy import func, select

from app.clock import parse_instant
from app.extensions import db
from app.models import Document, HistoryEntry
from app.services import mail
from tests.kill import DUE, OPENED, document_ids, open_cases_with_letters
from tests.processes import Ctflow, ctflow_env
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)


def outbox(app) -> list[tuple[int, str, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(Document.id, Document.email_status, Document.email_attempts).order_by(Document.id)
        )
        return [tuple(row) for row in rows]


def history_count(app, event: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(HistoryEntry).where(HistoryEntry.event == event)
        )


def test_one_pass_fires_due_timers_and_sends_the_outbox(app, derby, clock, runner, smtp_server):
    cases = open_cases_with_letters(derby, clock, 2)
    clock.freeze(DUE)
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "timers fired on 2 case(s); 2 letter(s) e-mailed"
    assert [status for _id, status, _n in outbox(app)] == ["sent", "sent"]
    assert sorted(m["To"] for m in smtp_server.messages) == ["alex@example.org"] * 2
    for case in cases:
        escalated = [h for h in derby.case(case["id"])["history"] if h["event"] == "escalated"]
        assert len(escalated) == 1  # the records check; the acknowledgement was done
    result = runner.invoke(args=["worker", "--once"])
    assert (result.exit_code, result.output.strip()) == (0, "Nothing was due.")
    assert len(smtp_server.messages) == 2


def test_two_mailers_at_once_send_each_letter_once(app, derby, clock, smtp_server):
    open_cases_with_letters(derby, clock, 4)
    barrier = threading.Barrier(2)
    reports = []

    def mailer():
        with app.app_context():
            barrier.wait()
            reports.append(mail.send_pending_emails())

    threads = [threading.Thread(target=mailer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [i for i, _status, _n in outbox(app)]
    assert sorted(i for r in reports for i in r.sent) == ids
    assert document_ids(smtp_server.messages) == ids
    assert [(status, attempts) for _i, status, attempts in outbox(app)] == [("sent", 1)] * 4
    assert history_count(app, "letter_emailed") == 4


def test_a_letter_is_never_sent_again_once_recorded_and_every_attempt_has_its_message_id(
    app, derby, clock, smtp_server, monkeypatch
):
    """The one window SMTP leaves: the server accepted the letter, and the mailer died before
    writing ``sent``. The claim's lease runs out, the letter goes again, with the same Message-ID."""
    open_cases_with_letters(derby, clock, 1)

    def die(document, instant):
        raise KeyboardInterrupt  # the process ends between the server's reply and the commit

    with monkeypatch.context() as patch, app.app_context(), pytest.raises(KeyboardInterrupt):
        patch.setattr(mail, "_record_sent", die)
        mail.send_pending_emails()
    (first,) = smtp_server.messages
    assert outbox(app)[0][1:] == ("pending", 1)  # claimed, nothing recorded
    with app.app_context():
        assert mail.send_pending_emails().sent == []  # held by the lease
        clock.freeze(parse_instant(OPENED) + mail.LEASE)
        assert len(mail.send_pending_emails().sent) == 1
        assert mail.send_pending_emails().sent == []  # recorded sent: never claimed again
    again = smtp_server.messages[1]
    assert again["Message-ID"] == first["Message-ID"]
    assert first["Message-ID"].startswith(f"<ctflow.document-{outbox(app)[0][0]}.")
    assert first["Message-ID"].endswith("@ctflow.test>")
    assert outbox(app)[0][1:] == ("sent", 2)
    assert history_count(app, "letter_emailed") == 1


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_sigterm_mid_send_finishes_that_letter_and_exits_0(app, derby, clock, smtp_server, tmp_path):
    open_cases_with_letters(derby, clock, 3)
    smtp_server.hold()
    worker = Ctflow(
        ["worker", "--interval", "0.2"], ctflow_env(app, CTFLOW_NOW=OPENED), tmp_path / "worker.log"
    )
    try:
        smtp_server.wait_held(1)  # the worker is in the middle of sending the first letter
        worker.signal(signal.SIGTERM)
        smtp_server.release(accept=True)
        assert worker.wait(60) == 0, worker.output()
    finally:
        worker.stop()
    assert "ctflow worker stopped." in worker.output()
    (sent,) = smtp_server.messages
    first, *others = outbox(app)
    assert first[1:] == ("sent", 1) and document_ids([sent]) == [first[0]]
    assert [row[1:] for row in others] == [("pending", 0), ("pending", 0)]  # never claimed
    assert history_count(app, "letter_emailed") == 1


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_idle_worker_stops_at_once_on_a_signal(app, sig, tmp_path):
    worker = Ctflow(["worker", "--interval", "3600"], ctflow_env(app), tmp_path / "worker.log")
    try:
        worker.wait_for_output("a pass every 3600s")
        worker.signal(sig)
        assert worker.wait(20) == 0, worker.output()
    finally:
        worker.stop()
    assert "Traceback" not in worker.output()


def test_the_interval_is_checked(runner, monkeypatch, app):
    result = runner.invoke(args=["worker", "--interval", "0"])
    assert result.exit_code == 2 and "Invalid value for '--interval'" in result.output
    monkeypatch.setitem(app.config, "WORKER_INTERVAL_SECONDS", -5.0)
    result = runner.invoke(args=["worker"])
    assert (
        result.exit_code == 1 and "CTFLOW_WORKER_INTERVAL_SECONDS must be from 0.1 to 3600" in result.output
    )
