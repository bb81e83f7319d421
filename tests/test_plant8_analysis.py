"""Analysis rules the third round of planted bugs found unchecked, worked out by hand.

- next actions of equal priority are ranked by their target's id, then by kind (so that the order does not
  depend on which rule made an action first).
"""

from __future__ import annotations

from kamgraph.analysis.actions import Action, _rank


def test_actions_of_equal_priority_are_ranked_by_target_then_kind() -> None:
    actions = [Action("cover_role", 12.0, "Cover the economic buyer", "no thread", target="c-zed"),
               Action("meet", 12.0, "Meet Amy", "never met", target="c-amy"),
               Action("meet", 15.0, "Meet Bo", "overdue", target="c-bo"),
               Action("cover_role", 12.0, "Cover the champion", "no thread", target="c-amy-2")]
    ranked = [(a.priority, a.target, a.kind) for a in _rank(actions, 10)]
    assert ranked == [(15.0, "c-bo", "meet"), (12.0, "c-amy", "meet"), (12.0, "c-amy-2", "cover_role"),
                      (12.0, "c-zed", "cover_role")]
