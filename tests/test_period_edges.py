"""Meetings counted per trend period at the period ends, and departures of people who already left (what-if),
worked by hand.

A trend point's ``meetings`` are those after the previous date (exclusive) up to its own date (inclusive);
the first point's period starts after the end of the period before it. A meeting on a period's last day
counts in that period only. :func:`~kamgraph.analysis.whatif.without_people` leaves people who had left
already as they were (their own date of leaving).
"""

from __future__ import annotations

import datetime as dt

from kamgraph.analysis.trend import trend_points
from kamgraph.analysis.whatif import without_people
from kamgraph.domain.models import Meeting

from .accounts import person, snapshot, us

D = dt.date


def test_a_meeting_on_a_period_end_counts_in_that_period_only() -> None:
    meetings = [Meeting(id="m0", date=D(2025, 12, 31), attendees=["S1", "A"]),  # the end of the period before
                Meeting(id="m1", date=D(2026, 1, 31), attendees=["S1", "A"]),   # the last day of January
                Meeting(id="m2", date=D(2026, 2, 1), attendees=["S1", "A"]),    # the first day of February
                Meeting(id="m3", date=D(2026, 2, 28), attendees=["S1", "A"]),   # the last day of February
                Meeting(id="m4", date=D(2026, 3, 31), attendees=["S1", "A"])]   # the last day of March
    snap = snapshot([person("A", 5)], [us("S1")], meetings)
    points = trend_points(snap, [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31)], every="month")
    # January: m1 (m0 is December's); February: m2 and m3 (not m1 again); March: m4
    assert [(p.date, p.meetings) for p in points] == [(D(2026, 1, 31), 1), (D(2026, 2, 28), 2),
                                                      (D(2026, 3, 31), 1)]


def test_a_week_point_on_a_sunday_counts_its_own_week() -> None:
    # weeks end on Sundays: 4 and 11 January 2026; a meeting on each Sunday and one on Monday the 5th
    meetings = [Meeting(id=f"m{i}", date=day, attendees=["S1", "A"])
                for i, day in enumerate([D(2026, 1, 4), D(2026, 1, 5), D(2026, 1, 11)])]
    snap = snapshot([person("A", 5)], [us("S1")], meetings)
    points = trend_points(snap, [D(2026, 1, 4), D(2026, 1, 11)], every="week")
    assert [p.meetings for p in points] == [1, 2]


def test_without_people_keeps_an_earlier_departure() -> None:
    gone = person("B", 3, status="left", left_on=D(2026, 1, 15))
    snap = snapshot([person("A", 5), gone], [us("S1")], [])
    after = without_people(snap, ["A", "B"], D(2026, 3, 1))
    people = {p.id: (str(p.status), p.left_on) for p in after.stakeholders}
    # A leaves on the day asked; B had left on 15 January and keeps that date
    assert people == {"A": ("left", D(2026, 3, 1)), "B": ("left", D(2026, 1, 15))}
