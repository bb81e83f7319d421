"""Hypothesis profiles for the fuzz harness.

``ci`` (the default): a short run in every test session. ``long`` (on demand):
``pytest -m fuzz --hypothesis-profile=long tests/fuzz`` -- over 10,000 cases in all.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                                       HealthCheck.function_scoped_fixture],
           "derandomize": False, "print_blob": True}
settings.register_profile("ci", max_examples=150, **_COMMON)
settings.register_profile("long", max_examples=1500, **_COMMON)
settings.load_profile("ci")
