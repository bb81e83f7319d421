"""The relationship shape's pair share when the team and the client differ in size, worked by hand.

The pair share is the threaded (staff member, key stakeholder) pairs over *staff x key stakeholders* (the
module docstring): an account whose team has as many people as the client has stakeholders cannot tell a
count of staff from a count of stakeholders, so these accounts have two staff and four or five stakeholders.
"""

from __future__ import annotations

from kamgraph.analysis.shape import relationship_shape
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.settings import Settings

from .accounts import AS_OF, met, person, snapshot, us


def test_pair_share_counts_staff_times_key_stakeholders() -> None:
    # Key (importance >= 5): k1 (5, no role: 5.0), k2 (4, decision maker 1.8: 7.2), k3 (5: 5.0).
    # Not key: u1, u2 (2, user 0.8: 1.6). Staff S1, S2 (the account team).
    # Meetings today (strength 1 each, at or above the thread threshold 0.5): S1 with k1 and k2, S2 with k2.
    snap = snapshot(stakeholders=[person("k1", 5), person("k2", 4, "decision_maker"), person("k3", 5),
                                  person("u1", 2, "user"), person("u2", 2, "user")],
                    staff=[us("S1"), us("S2")],
                    meetings=[met("a", 0, "S1", "k1", "k2"), met("b", 0, "S2", "k2")])
    shape = relationship_shape(build_account_graph(snap, AS_OF, Settings()))
    # threaded key pairs: (S1, k1), (S1, k2), (S2, k2) = 3 of 2 staff x 3 key = 6 -> 0.5
    assert (shape.staff, shape.key_stakeholders, shape.threaded_key_pairs) == (2, 3, 3)
    assert shape.pair_share == 0.5
    # concentration: S1 holds 2 of the 3 strength units -> 0.666667; mean threads per key 3 / 3 = 1
    assert (shape.concentration, shape.mean_threads_per_key) == (0.666667, 1.0)
    assert shape.shape == "bow-tie"  # concentration >= 0.5


def test_pair_share_with_more_staff_than_stakeholders() -> None:
    # Three staff, one key stakeholder k (5.0) and nobody else: S1 and S2 thread k, S3 does not meet.
    # pair share 2 of 3 x 1 = 0.666667 (a count of stakeholders, 1, would give 2.0)
    snap = snapshot(stakeholders=[person("k", 5)], staff=[us("S1"), us("S2"), us("S3")],
                    meetings=[met("a", 0, "S1", "k"), met("b", 0, "S2", "k")])
    shape = relationship_shape(build_account_graph(snap, AS_OF, Settings()))
    assert (shape.threaded_key_pairs, shape.pair_share, shape.concentration) == (2, 0.666667, 0.5)
