"""Test-wide settings.

Hypothesis: no per-example deadline and no "slow generation" health check. Both measure
the machine's speed, not the code's correctness: on a shared two-core machine (CI, or
several test runs at once) they fail at random. Every property keeps its own number of
examples; the fuzzers bound their own time per example where time is what they test.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "citeslab",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("citeslab")
