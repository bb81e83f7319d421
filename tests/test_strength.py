"""Tie strength against hand-worked half-life arithmetic."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from kamgraph.domain.models import Meeting
from kamgraph.graph.strength import decay, threads_of, tie_stats
from kamgraph.settings import StrengthSettings

T = dt.date(2025, 4, 1)


def test_two_meetings_with_known_dates() -> None:
    # A meeting (weight 1.0) on 1 Jan 2025 is 90 days before T: exactly one half-life -> 0.5.
    # A QBR (weight 2.0) on 1 Mar 2025 is 31 days before T: 2 * 2**(-31/90).
    # ln 2 * 31/90 = 0.238751...; e**-0.238751 = 0.787611...; so S = 0.5 + 1.575222 = 2.075222.
    meetings = [Meeting(id="a", date="2025-01-01", kind="meeting", attendees=["s", "c"]),
                Meeting(id="b", date="2025-03-01", kind="qbr", attendees=["s", "c"])]
    stats = tie_stats(meetings, {"s"}, {"c"}, T, StrengthSettings())
    tie = stats[("s", "c")]
    assert tie.strength == pytest.approx(2.075222, abs=1e-6)
    assert (tie.count, tie.first, tie.last) == (2, dt.date(2025, 1, 1), dt.date(2025, 3, 1))


def test_half_life_and_weights_are_settings() -> None:
    meetings = [Meeting(id="a", date="2025-03-02", kind="call", attendees=["s", "c"])]  # 30 days before T
    settings = StrengthSettings(half_life_days=30, kind_weights={"call": 0.8})
    assert tie_stats(meetings, {"s"}, {"c"}, T, settings)[("s", "c")].strength == pytest.approx(0.4)


def test_future_meetings_and_outsiders_are_ignored() -> None:
    meetings = [Meeting(id="a", date="2025-04-02", attendees=["s", "c"]),
                Meeting(id="b", date="2025-04-01", attendees=["s", "c", "x", "s2"])]
    stats = tie_stats(meetings, {"s", "s2"}, {"c"}, T, StrengthSettings())
    assert set(stats) == {("s", "c"), ("s2", "c")}
    assert stats[("s", "c")].strength == 1.0 and stats[("s", "c")].count == 1


def test_decay_values() -> None:
    assert decay(45, 90) == pytest.approx(1 / math.sqrt(2))
    assert decay(-5, 90) == 1.0


def test_threads_threshold_and_left_staff() -> None:
    meetings = [Meeting(id="a", date="2025-01-01", attendees=["s1", "c"]),  # 0.5: exactly the threshold
                Meeting(id="b", date="2024-12-01", attendees=["s2", "c"]),  # 121 days: 0.394 < 0.5
                Meeting(id="c", date="2025-03-31", attendees=["s3", "c"])]
    stats = tie_stats(meetings, {"s1", "s2", "s3"}, {"c"}, T, StrengthSettings())
    assert stats[("s2", "c")].strength == pytest.approx(2 ** (-121 / 90))
    assert [s for s, _ in threads_of(stats, 0.5)["c"]] == ["s3", "s1"]
    assert [s for s, _ in threads_of(stats, 0.5, active_staff=["s1"])["c"]] == ["s1"]
