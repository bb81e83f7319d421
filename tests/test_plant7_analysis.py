"""Analysis rules the seventh round of planted bugs found unchecked, worked out by hand.

- ``key_at_connectivity_1`` counts the key stakeholders at connectivity 1 *or 0* (documented in
  docs/trends-and-team.md): a key person nobody can reach any more is counted, not only one hanging on one person.
- The handover plan's headroom: a colleague whose load after the handover *equals* their capacity still has room
  ("stays within their capacity", kamgraph.monitor.departure).
- Each staff member's summed strength counts the ties with *active* stakeholders only (``tie_views``, the
  Python twin and the compiled kernel alike): the meetings with someone who left add nothing to the
  concentration.
- The decay rule raises an alert only for a tie that was watched (at or above the threshold) at the last check:
  a key tie that was already weak then gives a finding that keeps an open alert open but raises none.
- The overdue rule's owner is the stakeholder's *strongest* thread (threads run strongest first).
"""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from kamgraph import kernels
from kamgraph.analysis.gaps import top_staff_share
from kamgraph.analysis.pipeline import analyze, summary_figure
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.graph.networkx_view import relationship_graph
from kamgraph.monitor.alerts import evaluate_account, run_alerts
from kamgraph.monitor.departure import account_impact
from kamgraph.settings import Settings
from kamgraph.store import open_store

from .accounts import AS_OF, as_batch, met, min_cut_by_enumeration, person, snapshot, us
from .test_alerts import only


def test_a_key_stakeholder_nobody_reaches_counts_at_connectivity_1() -> None:
    # Importance (influence x role weight, key from 5): c-eb 5 x 2.0 = 10 and c-ch 4 x 1.5 = 6 are key, c-us
    # 2 x 0.8 = 1.6 is not. c-ch is met by both staff (two disjoint paths: connectivity 2); c-us by s-ann only
    # (connectivity 1, but not key); c-eb by nobody and tied to nobody (connectivity 0). Key at connectivity <= 1:
    # c-eb alone, so 1 (and the smallest key connectivity is 0).
    snap = snapshot(stakeholders=[person("c-eb", 5, "economic_buyer"), person("c-ch", 4, "champion"),
                                  person("c-us", 2, "user")],
                    staff=[us("s-ann"), us("s-bob")],
                    meetings=[met("m1", 3, "s-ann", "c-ch"), met("m2", 4, "s-bob", "c-ch"),
                              met("m3", 5, "s-ann", "c-us")])
    full = analyze(snap, AS_OF)
    assert full.key == {"c-eb", "c-ch"}
    # the connectivities by brute force (every set of people removed, smallest first) on the plain graph
    g = relationship_graph(full.ag)
    assert "c-eb" in g and not any(nx.has_path(g, s, "c-eb") for s in ("s-ann", "s-bob"))
    assert min_cut_by_enumeration(g, "c-ch") == 2
    assert full.connectivity == {"c-eb": 0, "c-ch": 2}
    assert full.summary.key_at_connectivity_1 == 1
    assert analyze(snap, AS_OF, detail=False).summary.key_at_connectivity_1 == 1
    assert summary_figure(snap, AS_OF, Settings(), "key_at_connectivity_1") == 1


def test_a_colleague_at_exactly_their_capacity_after_the_handover_has_headroom() -> None:
    # s-ann (leaving) holds the only thread to c1 (met yesterday: strength 2 ** (-1/90) > 0.5); s-bob is on the
    # account team with no thread at all (load 0). With a capacity of 1 for a KAM, handing c1 to s-bob gives
    # s-bob a load of 0 + 1 = 1 <= 1: within capacity, so the plan names s-bob as an account-team colleague with
    # headroom, not "nobody has headroom".
    snap = snapshot(stakeholders=[person("c1", 4, "champion")], staff=[us("s-ann"), us("s-bob")],
                    meetings=[met("m1", 1, "s-ann", "c1")])
    settings = Settings.model_validate({"team": {"capacity": {"kam": 1}}})
    impact = account_impact(snap, "s-ann", AS_OF, settings)
    [step] = impact.handover_plan
    assert step.stakeholder.id == "c1" and step.to is not None and step.to.id == "s-bob"
    assert (step.to_load, step.to_capacity, step.over_capacity) == (1, 1, False)
    assert step.basis == "account team (kam)"
    # one thread more than the capacity allows: s-bob already holds c2 (met yesterday: a thread)
    busy = snapshot(stakeholders=[person("c1", 4, "champion"), person("c2", 1)], staff=[us("s-ann"), us("s-bob")],
                    meetings=[met("m1", 1, "s-ann", "c1"), met("m2", 1, "s-bob", "c2")])
    [step] = [h for h in account_impact(busy, "s-ann", AS_OF, settings).handover_plan if h.stakeholder.id == "c1"]
    # s-bob's load after: 1 (c2) + 1 (c1) = 2 > 1
    assert step.to is not None and step.to.id == "s-bob"
    assert (step.to_load, step.to_capacity, step.over_capacity) == (2, 1, True)
    assert step.basis == "nobody has headroom: account team (kam)"


_BACKENDS = {"python": kernels.python, "compiled": kernels.compiled_module()}


@pytest.mark.parametrize("backend", ["python", "compiled"])
def test_staff_strength_leaves_out_the_stakeholders_who_left(backend: str) -> None:
    module = _BACKENDS[backend]
    if module is None:
        pytest.skip("compiled kernels not built")
    # Every meeting is on the as-of day (decay 1) and of kind "meeting" (weight 1), two or three people (no size
    # discount). s-ann met c-now once and c-old, who left 10 days ago, three times (30, 40 and 50 days ago: still
    # in the job then); s-bob met c-now twice. Active strengths: s-ann 1.0, s-bob 2.0, total 3.0, so s-bob holds
    # the most, 2 / 3 = 0.666667. Counting c-old would give s-ann 1 + 2 ** (-30/90) + 2 ** (-40/90) + 2 ** (-50/90)
    # = 1 + 0.7937 + 0.7349 + 0.6804 = 3.209 and make her the top.
    snap = snapshot(stakeholders=[person("c-now", 3), person("c-old", 3, left_on=AS_OF - dt.timedelta(days=10))],
                    staff=[us("s-ann"), us("s-bob")],
                    meetings=[met("m1", 0, "s-ann", "c-now"), met("m2", 0, "s-bob", "c-now"),
                              met("m3", 0, "s-bob", "c-now"), met("o1", 30, "s-ann", "c-old"),
                              met("o2", 40, "s-ann", "c-old"), met("o3", 50, "s-ann", "c-old")])
    ag = build_account_graph(snap, AS_OF, Settings())
    assert list(ag.stakeholders) == ["c-now"] and list(ag.departed) == ["c-old"]
    n_staff, n_active = len(ag.staff), len(ag.staff) + len(ag.stakeholders)
    threads, _last, strength = module.tie_views(ag.table[0], ag.ids, n_staff, n_active, 0.5)
    assert strength == {"s-ann": pytest.approx(1.0), "s-bob": pytest.approx(2.0)}
    assert threads == {"c-now": [("s-bob", pytest.approx(2.0)), ("s-ann", pytest.approx(1.0))]}
    # and through whichever backend this process runs
    assert ag.staff_strength() == {"s-ann": pytest.approx(1.0), "s-bob": pytest.approx(2.0)}
    assert top_staff_share(ag) == ("s-bob", 0.666667)


def test_a_key_tie_weak_at_the_last_check_too_raises_no_decay_alert() -> None:
    # Key stakeholders (importance from 5): A 5 x 2.0 = 10, B 4 x 1.5 = 6. The first run compares with the data
    # as of first_check_days (30) before the as-of date. S1 met A 200 days ago: 2 ** (-170/90) = 0.270 at that
    # check and 2 ** (-200/90) = 0.214 now -- below 0.5 both times, so it never decayed. S1 met B 100 days ago:
    # 2 ** (-70/90) = 0.583 then (watched), 2 ** (-100/90) = 0.463 now: B's tie decayed, A's did not.
    snap = snapshot([person("A", 5, "economic_buyer"), person("B", 4, "champion")], [us("S1")],
                    [met("m1", 200, "S1", "A"), met("m2", 100, "S1", "B")])
    settings = only("decay")
    findings, _ = evaluate_account(snap, AS_OF, AS_OF - dt.timedelta(days=30), settings)
    assert sorted((f.subject, f.trigger) for f in findings) == [("S1>A", False), ("S1>B", True)]
    with open_store(":memory:", create=True) as store:
        store.import_batch(as_batch(snap))
        run = run_alerts(store, AS_OF, settings)
        assert [(a.rule, a.subject) for a in run.new] == [("decay", "S1>B")]


def test_the_owner_of_an_overdue_stakeholder_is_their_strongest_thread() -> None:
    # B: champion, influence 4 -> importance 6 (key), target 21 days. S1 met B 25 and 26 days ago:
    # 2 ** (-25/90) + 2 ** (-26/90) = 0.825 + 0.819 = 1.643; S2 met B 30 days ago: 2 ** (-30/90) = 0.794. Both are
    # threads (>= 0.5), S1 the stronger. Last met 25 days ago > 21: overdue, owned by S1.
    snap = snapshot([person("B", 4, "champion")], [us("S1"), us("S2", "delivery")],
                    [met("m1", 25, "S1", "B"), met("m2", 26, "S1", "B"), met("m3", 30, "S2", "B")])
    findings, _ = evaluate_account(snap, AS_OF, AS_OF, only("overdue"))
    assert [(f.subject, f.message, f.data["owner"]) for f in findings] == [
        ("B", "target every 21 days; threads: Staff S1 1.6, Staff S2 0.8; owner: Staff S1", "S1")]
