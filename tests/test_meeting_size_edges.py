"""A big meeting's discount counts every listed attendee, known or not: the tie kernels, both twins, by hand.

``[meeting_size]``: a meeting of *n* attendees counts ``w * min(1, k / n)`` per pair. An attendee the
account does not know (not in the index: ignored as a person) is still one of the *n*.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from kamgraph import kernels
from kamgraph.kernels import python as twin

DAY = dt.date(2025, 1, 1)


@pytest.mark.parametrize("aggregate", [twin.aggregate_ties, kernels.aggregate_ties], ids=["python", "kernel"])
def test_an_unknown_attendee_counts_in_the_meeting_size(aggregate) -> None:  # type: ignore[no-untyped-def]
    # s and a with x (someone of another account) and y: 4 attendees, k = 2 -> each pair counts 2/4 = 0.5;
    # a second meeting of s and a alone (2 attendees, not more than k): counts fully (1.0); 0.5 + 1.0 = 1.5
    meetings = [SimpleNamespace(id="m1", date=DAY, attendees=["s", "a", "x", "y"], kind="meeting"),
                SimpleNamespace(id="m2", date=DAY, attendees=["s", "a"], kind="meeting")]
    pairs, _ = aggregate(meetings, {"s": 0, "a": 1}, bytes([1, 0]), DAY.toordinal(), 90.0, {"meeting": 1.0}, 2)
    assert (list(pairs.count), list(pairs.strength)) == ([2], [1.5])
