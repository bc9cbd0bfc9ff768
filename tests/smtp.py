"""A real SMTP server on localhost for tests (aiosmtpd), capturing what arrives.

Use the ``smtp_server`` fixture: it starts a server on a free port of 127.0.0.1, points the
app's SMTP settings at it (plain SMTP, no STARTTLS, no login) and gives the messages that
arrived, parsed. ``smtp_server.refuse(code, text)`` makes it refuse recipients from then on;
``smtp_server.accept()`` undoes that. ``smtp_server.hold(after=n)`` makes every message after the next
n wait, unanswered, after its data has arrived; ``smtp_server.release(accept=...)`` answers the
waiting ones (250, or 451 and not kept: what a server does when the client has gone before its
reply). Import the fixture into a test module:
``from tests.smtp import smtp_server_fixture  # noqa: F401`` (it is named ``smtp_server``).
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller


class CapturingHandler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refusal: str | None = None
        self._lock = threading.Lock()
        self.holding = False
        self.hold_after = 0  # hold() lets this many more messages through first
        self.held = 0  # messages waiting for release()
        self.released = threading.Event()
        self.accept_held = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refusal:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.holding and len(self.messages) >= self.hold_after:
            with self._lock:
                self.held += 1
            while not self.released.is_set():
                await asyncio.sleep(0.02)
            with self._lock:
                self.held -= 1
            if not self.accept_held:
                return "451 4.3.0 Not kept: the client went before the reply"
        message = email.message_from_bytes(
            envelope.original_content or envelope.content, policy=default_policy
        )
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = CapturingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self.handler.messages)

    @property
    def envelopes(self) -> list[tuple[str, list[str]]]:
        return list(self.handler.envelopes)

    def refuse(self, reply: str = "451 4.3.0 Try again later") -> None:
        self.handler.refusal = reply

    def accept(self) -> None:
        self.handler.refusal = None

    def hold(self, after: int = 0) -> None:
        """Hold every message once ``after`` more have been accepted."""
        self.handler.released.clear()
        self.handler.hold_after = len(self.handler.messages) + after
        self.handler.holding = True

    def wait_held(self, count: int = 1, timeout_seconds: float = 60.0) -> None:
        """Until ``count`` messages are waiting (a sender is in the middle of a send)."""
        deadline = time.monotonic() + timeout_seconds
        while self.handler.held < count:
            assert time.monotonic() < deadline, f"{self.handler.held} message(s) held, not {count}"
            time.sleep(0.02)

    def release(self, accept: bool = True) -> None:
        self.handler.holding = False
        self.handler.accept_held = accept
        self.handler.released.set()

    def wait_for(self, count: int, timeout_seconds: float = 15.0) -> list[EmailMessage]:
        """The messages once ``count`` have arrived (for a mailer running in a thread)."""
        deadline = time.monotonic() + timeout_seconds
        while len(self.handler.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(name="smtp_server")
def smtp_server_fixture(app, monkeypatch) -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    monkeypatch.setitem(app.config, "SMTP_FROM", "letters@ctflow.test")
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT_SECONDS", 5)
    try:
        yield server
    finally:
        server.controller.stop()
