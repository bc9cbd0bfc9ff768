"""Work that runs beside the web server in a daemon thread: the timer sweep, the mailer."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from app.extensions import db

logger = logging.getLogger(__name__)


@dataclass
class BackgroundLoop:
    thread: threading.Thread
    wake: threading.Event  # set it to run a round now instead of at the next interval
    stopping: threading.Event

    def stop(self, timeout_seconds: float = 10.0) -> None:
        self.stopping.set()
        self.wake.set()
        self.thread.join(timeout_seconds)


def start_loop(
    app: Flask, name: str, interval_seconds: float, work: Callable[[], str | None]
) -> BackgroundLoop:
    """Run ``work()`` in the app's context every ``interval_seconds``, or as soon as the loop is
    woken. What it returns is logged; an exception is logged and the loop goes on, so one bad
    round cannot stop the timers or the mail."""
    stopping, wake = threading.Event(), threading.Event()

    def loop() -> None:
        while not stopping.is_set():
            wake.wait(interval_seconds)
            wake.clear()
            if stopping.is_set():
                return
            with app.app_context():
                try:
                    message = work()
                    if message:
                        logger.info("%s: %s", name, message)
                except Exception:  # logged with its traceback; the next round tries again
                    logger.exception("%s failed", name)
                finally:
                    db.session.remove()

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return BackgroundLoop(thread=thread, wake=wake, stopping=stopping)
