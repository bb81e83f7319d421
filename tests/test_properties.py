"""Property-based tests (hypothesis) on random small accounts."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.whatif import what_if, without_people
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import Account, Meeting, Relationship, Staff, Stakeholder
from kamgraph.graph.networkx_view import relationship_graph
from kamgraph.views.xray import xray_from_analysis

from .accounts import min_cut_by_enumeration

AS_OF = dt.date(2025, 6, 30)
ROLES = [None, "economic_buyer", "decision_maker", "champion", "user", "influencer"]


@st.composite
def accounts(draw: st.DrawFn, max_staff: int = 4, max_clients: int = 7) -> AccountSnapshot:
    n_staff = draw(st.integers(1, max_staff))
    n_clients = draw(st.integers(1, max_clients))
    staff = [Staff(id=f"s{i}", name=f"S{i}", accounts=["a"]) for i in range(n_staff)]
    clients = []
    for i in range(n_clients):
        manager = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        clients.append(Stakeholder(
            id=f"c{i}", account="a", name=f"C{i}", influence=draw(st.integers(1, 5)),
            buying_role=draw(st.sampled_from(ROLES)), department=draw(st.sampled_from(["X", "Y", "Z"])),
            reports_to=f"c{manager}" if manager is not None else None,
            dotted_to=[f"c{j}" for j in draw(st.sets(st.integers(0, i - 1), max_size=2)) if j != manager] if i else []))
    meetings = []
    for m in range(draw(st.integers(0, 14))):
        ours = draw(st.sets(st.sampled_from([s.id for s in staff]), min_size=1, max_size=2))
        theirs = draw(st.sets(st.sampled_from([c.id for c in clients]), min_size=1, max_size=3))
        meetings.append(Meeting(id=f"m{m}", date=AS_OF - dt.timedelta(days=draw(st.integers(0, 400))),
                                kind=draw(st.sampled_from(["meeting", "call", "qbr", "email"])),
                                attendees=[*ours, *theirs]))
    ties = []
    if n_clients >= 2:
        for _ in range(draw(st.integers(0, 3))):
            a, b = draw(st.lists(st.sampled_from([c.id for c in clients]), min_size=2, max_size=2, unique=True))
            ties.append(Relationship(source=a, target=b, kind="knows"))
    return AccountSnapshot(account=Account(id="a", name="A"), stakeholders=clients, staff=staff,
                           reporting_lines=[], relationships=ties,
                           meetings=sorted(meetings, key=lambda m: (m.date, m.id)))


PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(accounts(), st.data())
def test_a_departure_never_raises_coverage(snap: AccountSnapshot, data: st.DataObject) -> None:
    people = [p.id for p in snap.staff] + [c.id for c in snap.stakeholders]
    leaver = data.draw(st.sampled_from(people))
    before = analyze(snap, AS_OF)
    result = what_if(snap, AS_OF, [leaver], before=before)
    covered_before = {c for c in before.ag.stakeholders if before.ag.threads.get(c)} - {leaver}
    after = analyze(without_people(snap, [leaver], AS_OF), AS_OF)
    covered_after = {c for c in after.ag.stakeholders if after.ag.threads.get(c)}
    assert covered_after <= covered_before
    assert result.after.covered <= result.before.covered
    assert result.after.key_covered <= result.before.key_covered


@PROFILE
@given(accounts())
def test_fragility_index_is_a_share(snap: AccountSnapshot) -> None:
    a = analyze(snap, AS_OF)
    assert 0.0 <= a.fragility_index <= 1.0
    assert all(0.0 <= i.share <= 1.0 for i in a.impacts.values())
    assert 0.0 <= a.summary.health <= 100.0


@PROFILE
@given(accounts(max_staff=3, max_clients=6))
def test_connectivity_equals_brute_forcemin_cut_by_enumeration(snap: AccountSnapshot) -> None:
    a = analyze(snap, AS_OF)
    g = relationship_graph(a.ag)
    for person, value in a.connectivity.items():
        assert value == min_cut_by_enumeration(g, person)


@PROFILE
@given(accounts(), st.integers(0, 10_000))
def test_results_do_not_depend_on_load_order(snap: AccountSnapshot, seed: int) -> None:
    rng = random.Random(seed)
    shuffled = AccountSnapshot(
        account=snap.account, stakeholders=rng.sample(snap.stakeholders, len(snap.stakeholders)),
        staff=rng.sample(snap.staff, len(snap.staff)), reporting_lines=[],
        relationships=rng.sample(snap.relationships, len(snap.relationships)),
        meetings=rng.sample(snap.meetings, len(snap.meetings)))
    first = xray_from_analysis(analyze(snap, AS_OF)).model_dump_json()
    second = xray_from_analysis(analyze(shuffled, AS_OF)).model_dump_json()
    assert first == second


@PROFILE
@given(accounts(max_staff=4, max_clients=8))
def test_summary_path_gives_the_same_summary(snap: AccountSnapshot) -> None:
    full = analyze(snap, AS_OF)
    lean = analyze(snap, AS_OF, detail=False)
    assert lean.summary == full.summary
    for person, value in lean.connectivity.items():
        assert value == full.connectivity[person] or (value >= 2 and full.connectivity[person] >= value)
