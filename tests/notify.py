"""A local stand-in for GOV.UK Notify's REST API (v2), for tests: GOV.UK Notify cannot be reached
from here. It answers as Notify's documentation and its Python client describe:

- every request must carry ``Authorization: Bearer <JWT>``, signed with HS256 by the API key's
  secret, with ``iss`` = the service id and ``iat`` within 30 seconds of now; otherwise
  403 ``AuthError`` (as Notify does);
- ``POST /v2/notifications/email`` (``email_address``, ``template_id``, ``personalisation``,
  ``reference``) and ``POST /v2/notifications/letter`` (precompiled: ``reference``, ``content``
  as base64 PDF) answer 201 with the notification's id;
- ``GET /v2/notifications?reference=R`` lists the notifications with that reference;
- errors are ``{"status_code": N, "errors": [{"error": "...", "message": "..."}]}``.

``fake_notify.fail_next(status, error, message)`` makes the next POST fail that way;
``accept_then_fail_next()`` takes the next notification and then answers 500, as when Notify's
answer is lost on the way back.

Use the ``fake_notify`` fixture (import ``fake_notify_fixture``): it points the app at the
server with a fresh API key and template id, and makes Derby City send through Notify.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest

from app.extensions import db
from app.models import Council


@dataclass
class Received:
    path: str
    body: dict[str, Any]
    notification_id: str


@dataclass
class FakeNotify:
    service_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    secret: str = field(default_factory=lambda: str(uuid.uuid4()))
    template_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    received: list[Received] = field(default_factory=list)  # notifications taken
    requests: list[tuple[str, str]] = field(default_factory=list)  # method, path of every request
    refused_tokens: int = 0
    _failures: list[tuple[int, str, str, bool]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def api_key(self) -> str:
        return f"ctflow_test-{self.service_id}-{self.secret}"

    def fail_next(self, status: int, error: str, message: str) -> None:
        self._failures.append((status, error, message, False))

    def accept_then_fail_next(self) -> None:
        self._failures.append((500, "Exception", "Internal server error", True))

    # -- the server side ----------------------------------------------------------------------

    def check_token(self, header: str | None) -> str | None:
        """Why the Authorization header is refused, or None (Notify's own checks)."""
        if not header or not header.startswith("Bearer "):
            return "Unauthorized: authentication token must be provided"
        try:
            claims = jwt.decode(
                header[len("Bearer ") :], self.secret, algorithms=["HS256"], options={"verify_iat": False}
            )
        except jwt.InvalidTokenError:
            return "Invalid token: signature, api token not found"
        if claims.get("iss") != self.service_id:
            return "Invalid token: service not found"
        if abs(time.time() - int(claims.get("iat", 0))) > 30:
            return "Error: Your system clock must be accurate to within 30 seconds"
        return None

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        failure = self._failures.pop(0) if self._failures else None
        if failure and not failure[3]:
            return failure[0], _error(failure[0], failure[1], failure[2])
        if path == "/v2/notifications/email":
            missing = [k for k in ("email_address", "template_id") if not body.get(k)]
            if missing:
                return 400, _error(400, "ValidationError", f"{missing[0]} is a required property")
            if body["template_id"] != self.template_id:
                return 400, _error(400, "BadRequestError", "Template not found")
        elif path == "/v2/notifications/letter":
            if "content" not in body or not body.get("reference"):
                return 400, _error(400, "ValidationError", "reference is a required property")
            if not base64.b64decode(body["content"]).startswith(b"%PDF"):
                return 400, _error(400, "ValidationError", "Letter content is not a valid PDF")
        else:
            return 404, _error(404, "NotFound", "Not found")
        notification_id = str(uuid.uuid4())
        with self._lock:
            self.received.append(Received(path, body, notification_id))
        if failure:  # taken, but the answer does not arrive
            return failure[0], _error(failure[0], failure[1], failure[2])
        answer = {
            "id": notification_id,
            "reference": body.get("reference"),
            "uri": f"/v2/notifications/{notification_id}",
        }
        if path.endswith("/letter"):
            answer["postage"] = body.get("postage", "second")
        return 201, answer

    def get(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        if path != "/v2/notifications":
            return 404, _error(404, "NotFound", "Not found")
        reference = (query.get("reference") or [None])[0]
        found = [
            {"id": r.notification_id, "reference": r.body.get("reference"), "status": "created",
             "type": "email" if r.path.endswith("email") else "letter"}
            for r in self.received
            if reference is None or r.body.get("reference") == reference
        ]  # fmt: skip
        return 200, {"notifications": found, "links": {"current": "/v2/notifications"}}


def _error(status: int, error: str, message: str) -> dict[str, Any]:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


def _handler(fake: FakeNotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            problem = fake.check_token(self.headers.get("Authorization"))
            if problem:
                fake.refused_tokens += 1
                self._answer(403, _error(403, "AuthError", problem))
                return False
            return True

        def do_POST(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            fake.requests.append(("POST", url.path))
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if not self._authorised():
                return
            if self.headers.get("Content-Type") != "application/json":
                self._answer(400, _error(400, "BadRequestError", "Content-Type must be application/json"))
                return
            self._answer(*fake.post(url.path, json.loads(raw or b"{}")))

        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            fake.requests.append(("GET", url.path))
            if self._authorised():
                self._answer(*fake.get(url.path, parse_qs(url.query)))

    return Handler


@pytest.fixture(name="fake_notify")
def fake_notify_fixture(app, monkeypatch) -> Iterator[FakeNotify]:
    fake = FakeNotify()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", fake.api_key)
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setitem(app.config, "NOTIFY_EMAIL_TEMPLATE_ID", fake.template_id)
    monkeypatch.setitem(app.config, "NOTIFY_TIMEOUT_SECONDS", 5)
    with app.app_context():
        db.session.get(Council, "derby-city").sender = "notify"
        db.session.commit()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
