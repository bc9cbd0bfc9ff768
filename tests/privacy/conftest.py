"""Fixtures of the data protection tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def at(clock):
    """Move the frozen clock: ``at("2026-12-14T09:00:00+00:00")``."""
    return clock.freeze
