"""``GET /metrics`` for Prometheus: only from this host, or with the metrics token.

"This host" is the direct peer (the address the connection came from, before any proxy's
X-Forwarded-For is believed) on the loopback, and no proxy header: a reverse proxy on the same
host connects from 127.0.0.1 too, and what it forwards comes from anywhere. Anyone else needs
``Authorization: Bearer <CTFLOW_METRICS_TOKEN>`` (compared in constant time).

A refused caller gets 404, as for any unknown path: the figures (case counts per council, the
outbox) are not for the internet, and neither is knowing that they are here.
"""

from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, abort, current_app, request

from app.observability import metrics

observability_bp = Blueprint("observability", __name__)

PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-Ip")


@observability_bp.get("/metrics", endpoint="metrics")
def metrics_view() -> Response:
    if not (_from_this_host() or _has_token()):
        abort(404)
    body, content_type = metrics.exposition()
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def _from_this_host() -> bool:
    # werkzeug's ProxyFix (CTFLOW_PROXY_COUNT) keeps the peer's own address here.
    original = request.environ.get("werkzeug.proxy_fix.orig", {})
    peer = original.get("REMOTE_ADDR", request.environ.get("REMOTE_ADDR", ""))
    try:
        address = ipaddress.ip_address(peer)
        loopback = (getattr(address, "ipv4_mapped", None) or address).is_loopback  # ::ffff:127.0.0.1 too
    except ValueError:
        return False
    return loopback and not any(header in request.headers for header in PROXY_HEADERS)


def _has_token() -> bool:
    expected = current_app.config.get("METRICS_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())
