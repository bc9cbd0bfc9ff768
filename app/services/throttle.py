"""Throttling repeated attempts by one client: a fixed window of attempts per key.

``take`` counts the attempt before the work it guards is done, and commits the count, so that
concurrent attempts cannot all slip under the limit while the first is still being checked
(issue 13: "concurrent guesses must not get past the count"). Keys name the use and the client,
e.g. ``sign-in:address:203.0.113.7``; callers choose the limit and window.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import timedelta

from app import clock
from app.extensions import db
from app.store import throttle as throttle_store


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Until the window ends; 0 when allowed.
    retry_after_seconds: int


def client_network(address: str | None) -> str:
    """What to throttle a client by: its IPv4 address, or its IPv6 /64 (one subscriber's
    allocation, so walking through the addresses of a /64 does not escape the count)."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def take(key: str, limit: int, window_seconds: int) -> Verdict:
    """Count one attempt under ``key``; allowed while the window holds at most ``limit``.

    Commits, also any change the caller has pending: the count must hold before the slow work.
    Refused attempts count too, but never lengthen the window.
    """
    now = clock.now()
    throttle_store.delete_throttles_ended_by(now)
    attempts, ends_at = throttle_store.count_attempt(key, now, now + timedelta(seconds=window_seconds))
    db.session.commit()
    if attempts <= limit:
        return Verdict(True, 0)
    return Verdict(False, max(1, math.ceil((ends_at - now).total_seconds())))


def give_back(key: str) -> None:
    """Uncount one attempt that turned out legitimate (e.g. a sign-in with the right password)."""
    throttle_store.uncount_attempt(key)
    db.session.commit()


def reset(key: str) -> None:
    throttle_store.delete_throttle(key)
    db.session.commit()
