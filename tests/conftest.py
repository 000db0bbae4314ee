"""Test-wide settings and shared fixtures.

Hypothesis: no per-example deadline and no "slow generation" health check. Both measure
the machine's speed, not the code's correctness: on a shared two-core machine (CI, or
several test runs at once) they fail at random. Every property keeps its own number of
examples; the fuzzers bound their own time per example where time is what they test.

``browser``: the system Chromium for the HTML checks, with axe-core and the layout probe
(tests/browser.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from browser import Browser, launch

settings.register_profile(
    "citeslab",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("citeslab")


@pytest.fixture(scope="session")
def _chromium() -> Iterator[Browser]:
    yield from launch()


@pytest.fixture
def browser(_chromium: Browser) -> Iterator[Browser]:
    """Chromium with axe-core and the layout probe (tests/browser.py); skipped when the
    browser is missing, failing under CI."""
    yield _chromium
    _chromium.close_pages()
