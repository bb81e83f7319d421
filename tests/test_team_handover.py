"""The handover plan of ``kamgraph leave`` respects capacity and level (hand-worked accounts)."""

from __future__ import annotations

import pytest

from kamgraph.domain.models import Account, Staff
from kamgraph.monitor.departure import TeamCapacity, account_impact, departure_impact
from kamgraph.settings import Settings
from kamgraph.store.base import GraphStore

from .accounts import AS_OF, as_batch, met, person, snapshot, us


def _settings(kam: int = 40) -> Settings:
    settings = Settings()
    settings.team.capacity = {"kam": kam}
    settings.team.default_capacity = 40
    return settings


def _plan(impact):  # type: ignore[no-untyped-def]
    return [(h.stakeholder.id, h.to.id if h.to else None, h.basis, h.to_load, h.over_capacity)
            for h in impact.handover_plan]


def test_a_stronger_tie_at_capacity_loses_to_a_weaker_one_with_headroom() -> None:
    # A (economic buyer): S1 leaves; S2 met A 30 days ago (0.79), S3 90 days ago (0.5). Both KAMs.
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1"), us("S2"), us("S3")],
                    [met("m1", 1, "S1", "A"), met("m2", 30, "S2", "A"), met("m3", 90, "S3", "A")])
    free = TeamCapacity(load={"S2": 5, "S3": 5}, people={})
    assert _plan(account_impact(snap, "S1", AS_OF, _settings(10), capacity=free)) == [
        ("A", "S2", "next-strongest tie", 5, False)]  # S2 is already a thread: no new load
    # S2's thread to A costs nothing, so S2 keeps A even at capacity; S3 is not a thread (0.5 is, 2^-1 = 0.5).
    full = TeamCapacity(load={"S2": 10, "S3": 5}, people={})
    assert _plan(account_impact(snap, "S1", AS_OF, _settings(10), capacity=full))[0][1] == "S2"


def test_capacity_decides_between_colleagues_without_a_thread() -> None:
    # S1 alone holds A, B, C (importance 10, 6, 3); S2 and S3 (KAMs, on the team) never met them.
    # Capacity 2: S2 (load 0) takes A and B, then is full; C goes to S3 (load 1).
    snap = snapshot([person("A", 5, "economic_buyer"), person("B", 4, "champion"), person("C", 3)],
                    [us("S1"), us("S2"), us("S3")],
                    [met("m1", 1, "S1", "A"), met("m2", 1, "S1", "B"), met("m3", 1, "S1", "C")])
    cap = TeamCapacity(load={"S2": 0, "S3": 1}, people={})
    assert _plan(account_impact(snap, "S1", AS_OF, _settings(2), capacity=cap)) == [
        ("A", "S2", "account team (kam)", 1, False), ("B", "S2", "account team (kam)", 2, False),
        ("C", "S3", "account team (kam)", 2, False)]
    # Nobody has headroom: the plan says so, and still names the best candidate.
    full = TeamCapacity(load={"S2": 2, "S3": 2}, people={})
    plan = _plan(account_impact(snap, "S1", AS_OF, _settings(2), capacity=full))
    assert plan[0] == ("A", "S2", "nobody has headroom: account team (kam)", 3, True)
    assert all(over for *_, over in plan)


def test_a_comparable_level_beats_a_stronger_tie_at_a_distant_level() -> None:
    # The KAM (level 2) leaves. Support (level 4, two apart) met A 5 days ago, sales (level 2) 60 days ago.
    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1"), us("S2", "support"), us("S3", "sales")],
                    [met("m1", 1, "S1", "A"), met("m2", 5, "S2", "A"), met("m3", 60, "S3", "A")])
    plan = _plan(account_impact(snap, "S1", AS_OF, _settings()))
    assert plan == [("A", "S3", "tie at a comparable level", 1, False)]
    # Allow two levels apart: the stronger tie wins again.
    settings = _settings()
    settings.team.comparable_levels = 2
    assert _plan(account_impact(snap, "S1", AS_OF, settings))[0][:3] == ("A", "S2", "next-strongest tie")


def test_the_portfolio_load_comes_from_every_account(store: GraphStore) -> None:
    """S2 holds three stakeholders at another account: at capacity 3, S1's client goes to S3 instead."""
    acc = snapshot([person("A", 5, "economic_buyer")], [us("S1"), us("S2"), us("S3")], [met("m1", 1, "S1", "A")])
    other = [p.model_copy(update={"account": "acc2"}) for p in (person("X"), person("Y"), person("Z"))]
    s2 = Staff(id="S2", name="Staff S2", role="kam", accounts=["acc", "acc2"])
    acc2 = snapshot(other, [s2], [met("m2", 3, "S2", "X", "Y", "Z")], account="acc2")
    acc2.account = Account(id="acc2", name="Second")
    batch = as_batch(acc, acc2)
    batch.staff = [s for s in batch.staff if s.id != "S2"] + [s2]
    store.import_batch(batch)
    impact = departure_impact(store, "S1", AS_OF, _settings(3))
    assert _plan(impact.accounts[0]) == [("A", "S3", "account team (kam)", 1, False)]
    impact = departure_impact(store, "S1", AS_OF, _settings(4))  # now S2 has headroom: ids decide
    assert _plan(impact.accounts[0]) == [("A", "S2", "account team (kam)", 4, False)]


def test_when_the_account_team_is_full_a_colleague_with_headroom_elsewhere_takes_over(store: GraphStore) -> None:
    acc = snapshot([person("A", 5, "economic_buyer")], [us("S1"), us("S2")],
                   [met("m1", 1, "S1", "A"), met("m0", 2, "S2", "A")])
    busy = [p.model_copy(update={"account": "acc2"}) for p in (person("X"), person("Y"))]
    s9 = Staff(id="S9", name="Nine", role="kam", accounts=["acc2"])
    acc2 = snapshot(busy, [us("S2"), s9], [met("m2", 3, "S2", "X", "Y")], account="acc2")
    acc2.account = Account(id="acc2", name="Second")
    batch = as_batch(acc, acc2)
    batch.staff = [Staff(id="S1", name="Staff S1", role="kam", accounts=["acc"]),
                   Staff(id="S2", name="Staff S2", role="kam", accounts=["acc", "acc2"]), s9]
    store.import_batch(batch)
    # S2 is a thread of A already (no new load): S2 keeps A even with X, Y and A at capacity 3.
    assert _plan(departure_impact(store, "S1", AS_OF, _settings(3)).accounts[0])[0][1] == "S2"
    # A second client B, only S1's: S2 (load 3) is full at capacity 3; S9 at the other account has headroom.
    batch.stakeholders.append(person("B", 4, "champion"))
    batch.person_kinds["B"] = "stakeholder"
    batch.meetings.append(met("m3", 1, "S1", "B"))
    store.import_batch(batch)
    plan = _plan(departure_impact(store, "S1", AS_OF, _settings(3)).accounts[0])
    assert plan == [("A", "S2", "next-strongest tie", 3, False),
                    ("B", "S9", "colleague with headroom (kam), new to the account", 1, False)]


@pytest.mark.parametrize("capacity", [1, 2, 5])
def test_never_beyond_capacity_while_someone_has_headroom(capacity: int) -> None:
    """Every load of S2 and S3 up to capacity + 1: whenever a colleague can take a stakeholder within capacity,
    the one chosen can, and ``over_capacity`` is set exactly when nobody could (counted here independently)."""
    import itertools

    people = [person(c, 3) for c in "ABCD"]
    snap = snapshot(people, [us("S1"), us("S2"), us("S3")],
                    [met(f"m{c}", 1, "S1", c) for c in "ABCD"] + [met("mx", 40, "S2", "A")])
    for l2, l3 in itertools.product(range(capacity + 2), repeat=2):
        plan = account_impact(snap, "S1", AS_OF, _settings(capacity),
                              capacity=TeamCapacity(load={"S2": l2, "S3": l3}, people={})).handover_plan
        given = {"S2": l2, "S3": l3}
        for h in plan:
            assert h.to is not None
            could = [s for s in given if given[s] + (0 if (s, h.stakeholder.id) == ("S2", "A") else 1)
                     <= capacity]
            assert h.over_capacity == (not could)
            if could:
                assert h.to.id in could
            if (h.to.id, h.stakeholder.id) != ("S2", "A"):
                given[h.to.id] += 1
