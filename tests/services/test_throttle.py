"""The throttle counts attempts atomically: racing attempts never all slip under the limit."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from app.services import throttle
from tests.factories.users import PASSWORD, create_user


def test_a_window_allows_its_limit_then_refuses_until_it_ends(app, clock):
    with app.app_context():
        assert [throttle.take("k", 2, 60).allowed for _ in range(3)] == [True, True, False]
        clock.freeze(clock.now() + timedelta(seconds=45))
        assert throttle.take("k", 2, 60) == throttle.Verdict(False, 15)
        assert throttle.take("other", 2, 60).allowed
        clock.freeze(clock.now() + timedelta(seconds=15))
        assert throttle.take("k", 2, 60).allowed  # a new window


def test_give_back_and_reset(app):
    with app.app_context():
        throttle.take("k", 1, 60)
        throttle.give_back("k")
        assert throttle.take("k", 1, 60).allowed
        assert not throttle.take("k", 1, 60).allowed
        throttle.reset("k")
        assert throttle.take("k", 1, 60).allowed


def test_concurrent_wrong_passwords_cannot_get_past_the_count(app, monkeypatch):
    """Issue 13: the count was read before the (slow) password check and written after it, so
    guesses sent together were all checked. Each thread is a separate request and connection."""
    from werkzeug.security import check_password_hash

    from app.services import auth

    email = create_user(app)
    free = app.config["LOGIN_FREE_FAILURES"]
    guesses = free + 7
    barrier = threading.Barrier(guesses)

    def slow_check(pwhash: str, password: str) -> bool:
        time.sleep(0.2)  # as slow as a real scrypt check, so the guesses overlap
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(auth, "check_password_hash", slow_check)

    def guess(number: int) -> int:
        barrier.wait(timeout=30)
        response = app.test_client().post(
            "/api/v1/auth/token", json={"email": email, "password": f"guess {number}"}
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=guesses) as pool:
        statuses = sorted(pool.map(guess, range(guesses)))
    assert statuses == [401] * free + [429] * (guesses - free)
    # The real user, from another address, is not locked out by them.
    response = app.test_client().post(
        "/api/v1/auth/token",
        json={"email": email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.5"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        (None, "unknown"),
        ("not an address", "unknown"),
    ],
    ids=["ipv4", "ipv6", "same-ipv6-64", "ipv4-mapped", "none", "garbage"],
)
def test_clients_are_throttled_by_address_or_ipv6_64(address, network):
    assert throttle.client_network(address) == network
