"""The background worker (``ctflow worker``): fires due timers, then sends the outbox, in a loop;
once a day (whichever worker claims the day's run: app/services/scheduled_jobs.py) it also runs
``ctflow retention`` (app/services/retention.py).

Any number of workers may run at once, on any machines, beside any number of web processes:
each timer is fired in a transaction that locks its case (FOR UPDATE SKIP LOCKED on PostgreSQL)
and checks its version, and each letter is claimed before it is sent (``app.services.mail``),
so nothing is done twice. A worker killed at any moment leaves nothing half-done: what it was
firing rolls back and is fired by the next pass; a letter it was sending is retried when its
claim's lease runs out.

SIGTERM or SIGINT asks the worker to stop: it finishes the transaction it is in (the chunk of
timers it is firing, or the letter it is sending and recording), starts no other, and returns.
"""

from __future__ import annotations

import logging
import os
import select
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType

from flask import Flask

from app.extensions import db
from app.services import access_log
from app.services.account_links import LinkMailReport, send_due_emails
from app.services.mail import MailReport, send_pending_emails
from app.services.retention import RetentionReport, run_daily
from app.services.timers import SweepReport, fire_due_timers

logger = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass
class PassReport:
    timers: SweepReport
    mail: MailReport
    # The e-mails with a link to set a password (invitations, resets).
    links: LinkMailReport = field(default_factory=LinkMailReport)
    # The day's retention run, on the pass of the worker that claimed it; else None.
    retention: RetentionReport | None = None
    # Access log entries pruned past their retention, on the pass that claimed the day's pruning.
    access_log_pruned: int | None = None

    def summary(self) -> str | None:
        parts = []
        if self.timers.fired:
            parts.append(f"timers fired on {len(self.timers.fired)} case(s)")
        if self.timers.skipped:
            parts.append(f"{len(self.timers.skipped)} case(s) left to another sweep")
        if self.timers.failed:
            parts.append("timers FAILED on " + ", ".join(f"{r} ({e})" for r, e in self.timers.failed))
        if self.mail.sent:
            parts.append(f"{len(self.mail.sent)} letter(s) e-mailed")
        if self.mail.failed:
            parts.append(f"{len(self.mail.failed)} letter(s) not e-mailed (retried later)")
        if self.links.sent:
            parts.append(f"{len(self.links.sent)} invitation or reset e-mail(s) sent")
        if self.links.failed:
            parts.append(f"{len(self.links.failed)} invitation or reset e-mail(s) not sent")
        if self.retention is not None and self.retention.summary():
            parts.append(f"retention: {self.retention.summary()}")
        if self.access_log_pruned:
            parts.append(f"{self.access_log_pruned} access log entr(ies) pruned")
        return "; ".join(parts) or None


class StopRequest:
    """Set by SIGTERM or SIGINT. The handler only sets a flag (and the interpreter writes to the
    wake-up pipe), so a signal never interrupts a transaction; ``wait`` sleeps until the next pass
    or a signal, whichever comes first."""

    def __init__(self) -> None:
        self.requested: signal.Signals | None = None
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def __call__(self) -> bool:
        return self.requested is not None

    def handle(self, signum: int, _frame: FrameType | None) -> None:
        self.requested = signal.Signals(signum)

    def wait(self, seconds: float) -> None:
        if self.requested is None:
            select.select([self._read], [], [], seconds)
        try:
            while os.read(self._read, 512):
                pass
        except BlockingIOError:
            pass

    @contextmanager
    def installed(self) -> Iterator[StopRequest]:
        """The signal handlers for the duration of the block (main thread only), then the old ones."""
        previous = {sig: signal.signal(sig, self.handle) for sig in STOP_SIGNALS}
        previous_fd = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        try:
            yield self
        finally:
            signal.set_wakeup_fd(previous_fd)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            os.close(self._read)
            os.close(self._write)


def run_pass(should_stop: Callable[[], bool] = lambda: False) -> PassReport:
    """One pass: fire what is due, then send what is due (timers first: a timer may issue a letter),
    then the day's retention run if no other worker has claimed it."""
    timers = fire_due_timers(should_stop=should_stop)
    mail = MailReport() if should_stop() else send_pending_emails(should_stop=should_stop)
    links = LinkMailReport() if should_stop() else send_due_emails(should_stop=should_stop)
    retention = None if should_stop() else run_daily(should_stop=should_stop)
    pruned = None if should_stop() else access_log.prune_daily()
    return PassReport(timers=timers, mail=mail, links=links, retention=retention, access_log_pruned=pruned)


def run_worker(
    app: Flask,
    interval_seconds: float,
    once: bool = False,
    on_start: Callable[[], None] | None = None,
    on_pass: Callable[[PassReport], None] | None = None,
) -> int:
    """Run passes every ``interval_seconds`` until SIGTERM or SIGINT (or one pass, ``once``).
    ``on_start`` is called once the signals are handled. The exit status: 0, or 1 when ``once``
    and the pass or a timer failed.

    A pass that fails (the database restarting, say) is logged and the next one tries again, so a
    worker outlives the blips of what it depends on."""
    stop = StopRequest()
    with stop.installed():
        if on_start is not None:
            on_start()
        while True:
            failed = False
            with app.app_context():
                try:
                    report = run_pass(stop)
                except Exception:  # logged with its traceback; the next pass tries again
                    logger.exception("worker pass failed")
                    failed = True
                else:
                    failed = bool(report.timers.failed)
                    message = report.summary()
                    if message:
                        logger.info("worker: %s", message)
                    if on_pass is not None:
                        on_pass(report)
                finally:
                    db.session.remove()
            if once:
                return 1 if failed else 0
            if stop():
                break
            stop.wait(interval_seconds)
            if stop():
                break
    logger.info("worker: stopped by %s", stop.requested.name if stop.requested else "request")
    return 0
