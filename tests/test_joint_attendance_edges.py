"""Joint attendance counts only meetings with our staff in them: the tie kernels, both twins, by hand.

The kernel's documentation: the stakeholder pairs are "the pairs of stakeholders who attended the same
meeting with our staff". A meeting of two stakeholders alone (an internal meeting of the client, say, or
one whose staff attendee is not on the books) makes no pair, and no staff tie.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from kamgraph import kernels
from kamgraph.kernels import python as twin

DAY = dt.date(2025, 1, 1)
INDEX = {"s": 0, "a": 1, "b": 2, "c": 3}
IS_STAFF = bytes([1, 0, 0, 0])


def _meeting(mid: str, *people: str) -> SimpleNamespace:
    return SimpleNamespace(id=mid, date=DAY, attendees=list(people), kind="meeting")


@pytest.mark.parametrize("aggregate", [twin.aggregate_ties, kernels.aggregate_ties], ids=["python", "kernel"])
def test_a_meeting_without_our_staff_makes_no_pair(aggregate) -> None:  # type: ignore[no-untyped-def]
    # m1: a and b alone; m2: a and c with an attendee nobody knows ("x", not in the index)
    meetings = [_meeting("m1", "a", "b"), _meeting("m2", "a", "c", "x")]
    pairs, together = aggregate(meetings, INDEX, IS_STAFF, DAY.toordinal(), 90.0, {"meeting": 1.0})
    assert (list(pairs.staff), list(together.a), list(together.b)) == ([], [], [])


@pytest.mark.parametrize("aggregate", [twin.aggregate_ties, kernels.aggregate_ties], ids=["python", "kernel"])
def test_the_same_pair_with_our_staff_counts_once_per_such_meeting(aggregate) -> None:  # type: ignore[no-untyped-def]
    # m1: a and b alone (no pair); m2: s with a and b today: weight 1, so the pair a-b has strength 1.0
    meetings = [_meeting("m1", "a", "b"), _meeting("m2", "s", "a", "b")]
    pairs, together = aggregate(meetings, INDEX, IS_STAFF, DAY.toordinal(), 90.0, {"meeting": 1.0})
    assert (list(together.a), list(together.b), list(together.strength)) == ([1], [2], [1.0])
    # staff ties: s-a and s-b once each, at position 1 (m2)
    assert (list(pairs.stakeholder), list(pairs.count), list(pairs.first)) == ([1, 2], [1, 1], [1, 1])
