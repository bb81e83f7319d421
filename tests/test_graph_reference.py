"""The relationship graph against edges built in the test from the raw records.

The expected graph is derived here from the snapshot's records alone -- who attended which meeting,
each stakeholder's solid and dotted managers, the recorded ties -- following the rules documented in
:mod:`kamgraph.graph.networkx_view` and :mod:`kamgraph.graph.strength`, without any kamgraph code.
Also here: a hand-worked weighted team betweenness and the documented tie-break of the most critical person.
"""

from __future__ import annotations

import datetime as dt
import itertools

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamgraph.analysis.bridging import team_betweenness
from kamgraph.analysis.fragility import fragility_index, removal_impacts
from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import Account, Meeting, Relationship, Staff, Stakeholder
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.graph.compact import CompactGraph
from kamgraph.graph.networkx_view import relationship_graph, staff_nodes, stakeholder_nodes, with_team_clique
from kamgraph.settings import Settings

from .accounts import AS_OF, met, person, snapshot, us

#: The documented defaults: half-life 90 days, thread threshold 0.5, one weight per meeting kind.
HALF_LIFE, THRESHOLD = 90.0, 0.5
WEIGHTS = {"meeting": 1.0, "call": 0.6, "email": 0.2, "workshop": 1.5, "qbr": 2.0, "event": 0.5}
PRECEDENCE = ["thread", "knows", "influences", "reports_to", "dotted", "met"]


def _active(person: Staff | Stakeholder, as_of: dt.date) -> bool:
    return person.left_on is None or as_of < person.left_on


def reference_graph(snap: AccountSnapshot, as_of: dt.date, threshold: float = THRESHOLD,
                    half_life: float = HALF_LIFE) -> tuple[dict[frozenset, tuple[set[str], float | None]], set]:
    """``{pair: (kinds, strength or None)}`` and the weak contacts, from the raw records."""
    all_staff = {s.id for s in snap.staff}
    all_clients = {p.id for p in snap.stakeholders} - all_staff
    active = {p.id for p in [*snap.staff, *snap.stakeholders] if _active(p, as_of)}
    staff_client: dict[tuple[str, str], float] = {}
    client_client: dict[tuple[str, str], float] = {}
    for m in sorted(snap.meetings, key=lambda m: (m.date, m.id)):
        if m.date > as_of:
            continue
        ours = sorted(set(m.attendees) & all_staff)
        theirs = sorted(set(m.attendees) & all_clients)
        if not ours or not theirs:
            continue  # only meetings with our staff and the client count
        value = WEIGHTS[m.kind.value] * 2 ** (-(as_of - m.date).days / half_life)
        for s in ours:
            for c in theirs:
                staff_client[(s, c)] = staff_client.get((s, c), 0.0) + value
        for a, b in itertools.combinations(theirs, 2):
            client_client[(a, b)] = client_client.get((a, b), 0.0) + value
    edges: dict[frozenset, tuple[set[str], float | None]] = {}

    def link(a: str, b: str, kind: str, strength: float | None = None) -> None:
        if a in active and b in active and a != b:
            kinds, old = edges.get(frozenset((a, b)), (set(), None))
            best = strength if old is None else old if strength is None else max(old, strength)
            edges[frozenset((a, b))] = (kinds | {kind}, best)

    weak = set()
    for (s, c), value in staff_client.items():
        if value >= threshold:
            link(s, c, "thread", value)
        elif s in active and c in active:
            weak.add((s, c))
    for (a, b), value in client_client.items():
        if value >= threshold:
            link(a, b, "met", value)
    for rel in snap.relationships:
        if not (rel.source in all_staff and rel.target in all_staff):  # no staff-staff edges
            link(rel.source, rel.target, rel.kind.value)
    for p in snap.stakeholders:
        if p.reports_to:
            link(p.id, p.reports_to, "reports_to")
        for boss in p.dotted_to:
            if boss != p.reports_to:
                link(p.id, boss, "dotted")
    return edges, weak


def assert_same_graph(snap: AccountSnapshot, as_of: dt.date, s: Settings | None = None) -> nx.Graph:
    s = s or Settings()
    g = relationship_graph(build_account_graph(snap, as_of, s))
    edges, weak = reference_graph(snap, as_of, s.strength.thread_threshold, s.strength.half_life_days)
    got = {frozenset((u, v)): d for u, v, d in g.edges(data=True)}
    assert set(got) == set(edges)
    for pair, (kinds, strength) in edges.items():
        d = got[pair]
        order = [k for k in PRECEDENCE if k in kinds]
        assert list(d["kinds"]) == order and d["kind"] == order[0], pair
        if strength is None:
            assert "strength" not in d and d["weight"] == 1.0, pair
        else:
            assert d["strength"] == pytest.approx(strength, rel=1e-9), pair
            assert d["weight"] == pytest.approx(1 / strength, rel=1e-9), pair
    assert {(a, b) for a, b, _ in g.graph["weak"]} == weak
    active = {p.id for p in [*snap.staff, *snap.stakeholders] if _active(p, as_of)}
    assert set(g.nodes) == active
    assert set(staff_nodes(g)) == {p.id for p in snap.staff if p.id in active}
    assert_node_attributes(snap, g, s)
    assert_round_trip(snap, as_of, s)
    return g


def assert_node_attributes(snap: AccountSnapshot, g: nx.Graph, s: Settings) -> None:
    """Each node's attributes are its record's fields (importance = influence x role weight, by hand)."""
    for member in snap.staff:
        if member.id in g:
            assert g.nodes[member.id] == {"kind": "staff", "name": member.name, "title": member.title,
                                          "role": member.role.value, "team": snap.account.id in member.accounts}
    weights = s.importance.role_weights
    for p in snap.stakeholders:
        if p.id in g:
            weight = weights.get(p.buying_role, 1.0) if p.buying_role else 1.0
            importance = round(p.influence * weight, 6)
            assert g.nodes[p.id] == {
                "kind": "stakeholder", "name": p.name, "title": p.title, "department": p.department,
                "seniority": p.seniority.value if p.seniority else None,
                "buying_role": p.buying_role.value if p.buying_role else None, "influence": p.influence,
                "attitude": p.attitude, "importance": importance, "key": importance >= 5.0}


def assert_round_trip(snap: AccountSnapshot, as_of: dt.date, s: Settings) -> None:
    """The compact graph read back from its networkx view equals the one built from the account."""
    fresh = CompactGraph.from_account(build_account_graph(snap, as_of, s))
    by_search = [[fresh.kinds_of(v, w) for w in range(fresh.n)] for v in range(fresh.n)]  # before .edges is built
    direct = CompactGraph.from_account(build_account_graph(snap, as_of, s))
    back = CompactGraph.from_networkx(direct.to_networkx())
    for name in ("ids", "n_staff", "importance", "key", "department", "weak"):
        assert getattr(back, name) == getattr(direct, name), name
    for name in ("indptr", "indices", "rev", "sole", "lengths", "masks", "strengths"):
        assert getattr(back, name).tolist() == getattr(direct, name).tolist(), name
    assert back.edges == direct.edges and back.adj == direct.adj and back.threads == direct.threads
    assert by_search == [[direct.edges.get((min(v, w), max(v, w)), ((),))[0] for w in range(direct.n)]
                         for v in range(direct.n)]
    for v in range(direct.n):
        assert back.degree(v) == direct.degree(v) == len(direct.adj[v])
        for w in range(direct.n):
            assert back.kinds_of(v, w) == direct.kinds_of(v, w) == (direct.edges.get((min(v, w), max(v, w)),
                                                                                    ((),))[0])


def hand_built() -> AccountSnapshot:
    left = AS_OF - dt.timedelta(days=10)
    return snapshot(
        stakeholders=[person("boss", 5, "economic_buyer", seniority="vp"),
                      person("mgr", 4, "decision_maker", reports_to="boss", dotted_to=["cto"]),
                      person("cto", 4, "technical_buyer"),
                      person("eng", 2, "user", reports_to="mgr", dotted_to=["mgr"]),  # dotted = solid: one line
                      person("new", 2, "user", dotted_to=["cto", "gone"]),
                      person("gone", 4, "champion", left_on=left, status="left", reports_to="boss")],
        staff=[us("S1"), us("S2"), Staff(id="S3", name="Staff S3", accounts=["acc"], left_on=left)],
        meetings=[met("exact", 90, "S1", "mgr", "cto"),      # 2**-1 = 0.5: a thread, and a 'met' pair, at the threshold
                  met("weak", 91, "S2", "eng"),               # 0.496: a weak contact
                  met("qbr", 30, "S2", "boss", kind="qbr"),   # 2 x 2**(-1/3)
                  met("clients", 5, "mgr", "eng"),            # no staff there: nothing
                  met("left", 3, "S3", "boss", "gone"),       # people who left: no edges
                  met("future", -3, "S1", "new")],            # after the as-of date: ignored
        relationships=[Relationship(source="S1", target="S2", kind="knows"),   # staff-staff: never an edge
                       Relationship(source="S1", target="boss", kind="knows"),  # staff to the first stakeholder
                       Relationship(source="S2", target="new", kind="influences"),
                       Relationship(source="cto", target="boss", kind="knows")])


def test_hand_built_account_edges_written_out() -> None:
    g = assert_same_graph(hand_built(), AS_OF)
    kinds = {tuple(sorted((u, v))): d["kinds"] for u, v, d in g.edges(data=True)}
    assert kinds == {
        ("S1", "mgr"): ("thread",), ("S1", "cto"): ("thread",), ("cto", "mgr"): ("dotted", "met"),
        ("S2", "boss"): ("thread",), ("S2", "new"): ("influences",), ("S1", "boss"): ("knows",),
        ("boss", "cto"): ("knows",),
        ("boss", "mgr"): ("reports_to",), ("eng", "mgr"): ("reports_to",), ("cto", "new"): ("dotted",)}
    assert g["S2"]["boss"]["strength"] == pytest.approx(2 * 2 ** (-30 / 90), abs=1e-12)
    assert g["S1"]["mgr"]["strength"] == 0.5 and g["S1"]["mgr"]["weight"] == 2.0
    assert g["cto"]["mgr"]["strength"] == 0.5  # joint attendance at the threshold
    assert [(s, c) for s, c, _ in g.graph["weak"]] == [("S2", "eng")]
    assert g.graph["weak"][0][2] == pytest.approx(2 ** (-91 / 90), abs=1e-12)
    assert stakeholder_nodes(g) == ["boss", "cto", "eng", "mgr", "new"] and staff_nodes(g) == ["S1", "S2"]


def test_dotted_lines_carry_reach() -> None:
    # c2 hangs off c1 only by a dotted line: without it, c2 would be unreachable.
    snap = snapshot(stakeholders=[person("c1", 4, "champion"), person("c2", 5, "economic_buyer", dotted_to=["c1"])],
                    staff=[us("S1")], meetings=[met("m", 1, "S1", "c1")])
    a = analyze(snap, AS_OF)
    assert a.reach == {"c1", "c2"} and a.cg.kinds_of(a.cg.index["c1"], a.cg.index["c2"]) == ("dotted",)
    assert a.impacts["c1"].lost == ("c2",) and a.connectivity == {"c1": 1, "c2": 1}
    assert a.summary.reachable == 1.0


def test_thresholds_from_the_settings() -> None:
    s = Settings(strength={"thread_threshold": 0.6, "half_life_days": 30})
    assert_same_graph(hand_built(), AS_OF, s)
    g = relationship_graph(build_account_graph(hand_built(), AS_OF, s))
    assert not g.has_edge("S1", "mgr")  # 2**-3 = 0.125 < 0.6


def test_team_clique_links_every_two_staff() -> None:
    g = with_team_clique(relationship_graph(build_account_graph(hand_built(), AS_OF, Settings())))
    assert g["S1"]["S2"] == {"kind": "colleague", "kinds": ("colleague",), "weight": 1.0}


# --------------------------------------------------------------------------- random accounts
KINDS = list(WEIGHTS)


@st.composite
def accounts(draw: st.DrawFn) -> AccountSnapshot:
    n_staff, n_clients = draw(st.integers(1, 3)), draw(st.integers(1, 6))

    def left_on() -> dt.date | None:
        return draw(st.one_of(st.none(), st.none(), st.integers(-5, 5).map(lambda d: AS_OF + dt.timedelta(days=d))))

    staff = [Staff(id=f"s{i}", name=f"S{i}", accounts=["a"], left_on=left_on()) for i in range(n_staff)]
    ids = [f"c{i}" for i in range(n_clients)]
    clients = []
    for cid in ids:
        manager = draw(st.one_of(st.none(), st.sampled_from(ids)))
        manager = None if manager == cid else manager
        dotted = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
        clients.append(Stakeholder(id=cid, account="a", name=cid.upper(), influence=draw(st.integers(1, 5)),
                                   reports_to=manager, dotted_to=[d for d in dotted if d != cid], left_on=left_on()))
    everyone = [s.id for s in staff] + ids
    meetings = []
    for m in range(draw(st.integers(0, 10))):
        people = draw(st.lists(st.sampled_from(everyone), min_size=2, max_size=4, unique=True))
        meetings.append(Meeting(id=f"m{m}", date=AS_OF - dt.timedelta(days=draw(st.integers(-3, 200))),
                                kind=draw(st.sampled_from(KINDS)), attendees=people))
    ties = []
    for _ in range(draw(st.integers(0, 3))):
        a, b = draw(st.lists(st.sampled_from(everyone), min_size=2, max_size=2, unique=True))
        ties.append(Relationship(source=a, target=b, kind=draw(st.sampled_from(["knows", "influences"]))))
    return AccountSnapshot(account=Account(id="a", name="A"), stakeholders=clients, staff=staff,
                           reporting_lines=[], relationships=ties, meetings=meetings)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts())
def test_random_accounts_match_the_records(snap: AccountSnapshot) -> None:
    assert_same_graph(snap, AS_OF)


# --------------------------------------------------------------------------- weighted team betweenness
def weighted_example() -> nx.Graph:
    """S is our only staff member; distances are 1/strength (1 where no strength is known).

    S-A 4 (0.25), S-B 1 (1), A-C none (1), B-C 2 (0.5), A-E none (1), B-E 4 (0.25), C-D none (1).
    Shortest: A 0.25, B 1, C 1.25 via A only (via B 1.5), E 1.25 via A and via B (two paths), D 2.25 via C.
    """
    g = nx.Graph()
    g.add_node("S", kind="staff")
    for c in "ABCDE":
        g.add_node(c, kind="stakeholder")
    g.add_edge("S", "A", kind="thread", strength=4.0)
    g.add_edge("S", "B", kind="thread", strength=1.0)
    g.add_edge("A", "C", kind="knows")
    g.add_edge("B", "C", kind="met", strength=2.0)
    g.add_edge("A", "E", kind="knows")
    g.add_edge("B", "E", kind="met", strength=4.0)
    g.add_edge("C", "D", kind="reports_to")
    return g


def test_weighted_team_betweenness_hand_worked() -> None:
    # Paths from the team to the 5 stakeholders: A (S-A), B (S-B), C (S-A-C), E (S-A-E and S-B-E, half each),
    # D (S-A-C-D). Through A: C, D and half of E = 2.5; through B: half of E = 0.5; through C: D = 1;
    # through S: all 5. Each divided by the 5 reachable stakeholders.
    assert team_betweenness(weighted_example(), weight="weight") == pytest.approx(
        {"S": 1.0, "A": 0.5, "B": 0.1, "C": 0.2, "D": 0.0, "E": 0.0}, abs=1e-12)


def test_hop_team_betweenness_hand_worked() -> None:
    # By hops C and E are both two away through A and through B (half each); D three away through C.
    # Through A: half of C, half of E, half of D = 1.5; same through B; through C: D = 1.
    assert team_betweenness(weighted_example()) == pytest.approx(
        {"S": 1.0, "A": 0.3, "B": 0.3, "C": 0.2, "D": 0.0, "E": 0.0}, abs=1e-12)


def test_weighted_betweenness_in_the_pipeline() -> None:
    # From records: threads of several strengths, 'met' pairs and recorded ties; the reference enumerates
    # every shortest path of the graph the records make (distance 1/strength, or hops).
    snap = snapshot(stakeholders=[person(c, 3, None, reports_to="C" if c == "D" else None) for c in "ABCDE"],
                    staff=[us("S1")],
                    meetings=[*(met(f"a{i}", 0, "S1", "A") for i in range(4)), met("b", 0, "S1", "B", "C"),
                              met("e", 0, "S1", "B", "E"), *(
                                  met(f"e{i}", 0, "S1", "B", "E") for i in range(3))],
                    relationships=[Relationship(source="A", target="C", kind="knows"),
                                   Relationship(source="A", target="E", kind="knows")])
    weighted = analyze(snap, AS_OF, Settings(bridges={"weighted_betweenness": True})).team_betweenness
    hops = analyze(snap, AS_OF).team_betweenness
    g = relationship_graph(build_account_graph(snap, AS_OF, Settings()))
    assert weighted == pytest.approx(brute_team_betweenness(g, "weight"), abs=1e-12)
    assert hops == pytest.approx(brute_team_betweenness(g, None), abs=1e-12)


def brute_team_betweenness(g: nx.Graph, weight: str | None) -> dict[str, float]:
    """Enumerate every shortest team-to-stakeholder path (a super-source joined to all staff at distance 0)."""
    h = nx.Graph()
    h.add_nodes_from(g)
    for u, v, d in g.edges(data=True):
        h.add_edge(u, v, w=1.0 if weight is None else 1.0 / d["strength"] if "strength" in d else 1.0)
    for s in staff_nodes(g):
        h.add_edge("<team>", s, w=0.0)
    share = dict.fromkeys(g, 0.0)
    targets = [c for c in stakeholder_nodes(g) if nx.has_path(h, "<team>", c)]
    for c in targets:
        paths = list(nx.all_shortest_paths(h, "<team>", c, weight="w"))
        for path in paths:
            for v in path[1:-1]:
                share[v] += 1 / len(paths)
    return {v: x / len(targets) for v, x in share.items()} if targets else share


# --------------------------------------------------------------------------- most critical person
def test_most_critical_tie_is_broken_by_smallest_id() -> None:
    # "zed" and "amy" are each the only thread of one of two stakeholders of equal importance: equal shares 0.5.
    # Documented: ties broken by id, the smallest wins -- whatever order the records come in.
    for order in (1, -1):
        staff = [Staff(id="zed", name="Z", accounts=["acc"]), Staff(id="amy", name="A", accounts=["acc"])][::order]
        snap = snapshot(stakeholders=[person("c1", 4, "champion"), person("c2", 4, "champion")], staff=staff,
                        meetings=[met("m1", 1, "zed", "c1"), met("m2", 1, "amy", "c2")][::order])
        a = analyze(snap, AS_OF)
        assert a.impacts["zed"].share == a.impacts["amy"].share == 0.5
        assert (a.most_critical, a.fragility_index) == ("amy", 0.5)
        assert a.summary.most_critical_person == "amy"
        impacts = removal_impacts(relationship_graph(a.ag))
        assert fragility_index(impacts) == (0.5, "amy")


def test_a_larger_share_beats_a_smaller_id() -> None:
    snap = snapshot(stakeholders=[person("c1", 4, "champion"), person("c2", 5, "champion")],
                    staff=[us("amy"), us("zed")], meetings=[met("m1", 1, "amy", "c1"), met("m2", 1, "zed", "c2")])
    a = analyze(snap, AS_OF)
    # importance 6 and 7.5: zed's share 7.5 / 13.5
    assert a.most_critical == "zed" and a.fragility_index == pytest.approx(7.5 / 13.5, abs=1e-12)
    assert fragility_index(removal_impacts(relationship_graph(a.ag))) == (pytest.approx(7.5 / 13.5), "zed")


def test_no_impact_names_nobody() -> None:
    snap = snapshot(stakeholders=[person("c1", 4, "champion")], staff=[us("a"), us("b")],
                    meetings=[met("m1", 1, "a", "b", "c1")])
    a = analyze(snap, AS_OF)
    assert (a.most_critical, a.fragility_index) == (None, 0.0)
    assert fragility_index({}) == (0.0, None)


# --------------------------------------------------------------------------- small helpers, by hand
def test_graph_attributes_and_node_lists() -> None:
    ag = build_account_graph(hand_built(), AS_OF, Settings())
    g = relationship_graph(ag)
    assert (g.graph["account"], g.graph["as_of"]) == ("acc", AS_OF)
    assert stakeholder_nodes(g, ["S1", "mgr", "boss"]) == ["boss", "mgr"]
    assert stakeholder_nodes(g, []) == [] and staff_nodes(nx.Graph()) == []


def test_names_of_everyone() -> None:
    ag = build_account_graph(hand_built(), AS_OF, Settings())
    assert [ag.name(p) for p in ("S1", "S3", "gone", "boss", "ghost")] == [
        "Staff S1", "Staff S3", "Client gone", "Client boss", "ghost"]  # S3 and gone left; ghost is unknown
    assert (sorted(ag.departed_staff), sorted(ag.departed)) == (["S3"], ["gone"])


def test_met_with_strength() -> None:
    ag = build_account_graph(hand_built(), AS_OF, Settings())
    # eng: a weak contact still has strength; gone: met S3 (both left) 3 days ago; new: only a future meeting
    assert [ag.met_with_strength(p) for p in ("eng", "mgr", "boss", "gone", "cto")] == [True] * 5
    assert not ag.met_with_strength("new") and not ag.met_with_strength("nobody")
    zero = Settings(strength={"kind_weights": {"meeting": 0.0, "qbr": 2.0}})
    ag = build_account_graph(hand_built(), AS_OF, zero)
    assert not ag.met_with_strength("mgr") and ag.met_with_strength("boss")  # weight 0: met, but no strength


def test_importance_and_key_by_hand() -> None:
    from kamgraph.graph.importance import importance, is_key
    from kamgraph.settings import ImportanceSettings

    s = ImportanceSettings()
    assert importance(person("a", 5, "economic_buyer"), s) == 10.0 and importance(person("b", 3, None), s) == 3.0
    assert importance(person("c", 3, "user"), s) == 2.4  # 3 x 0.8 = 2.4000000000000004, rounded
    custom = ImportanceSettings(role_weights={"champion": 2.5}, no_role_weight=0.5, key_threshold=5.0)
    assert importance(person("d", 2, "champion"), custom) == 5.0 and is_key(person("d", 2, "champion"), custom)
    assert importance(person("e", 4, "user"), custom) == 2.0  # a role left out of the table: no-role weight
    assert importance(person("f", 4, None), custom) == 2.0 and not is_key(person("f", 4, None), custom)
    assert not is_key(person("g", 4, "user"), s) and is_key(person("h", 5, None), s)  # 3.2 < 5 <= 5
    fine = ImportanceSettings(role_weights={"coach": 1.23456789})
    assert importance(person("i", 1, "coach"), fine) == 1.234568  # rounded to 6 places


def test_team_clique_with_three_staff_and_an_existing_link() -> None:
    g = nx.Graph()
    for s in ("s1", "s2", "s3"):
        g.add_node(s, kind="staff")
    g.add_node("c", kind="stakeholder")
    g.add_edge("s1", "s3", kind="knows", kinds=("knows",), weight=1.0)
    g.add_edge("s2", "c", kind="thread", kinds=("thread",), weight=0.5)
    h = with_team_clique(g)
    assert sorted(tuple(sorted(e)) for e in h.edges) == [("c", "s2"), ("s1", "s2"), ("s1", "s3"), ("s2", "s3")]
    assert h["s1"]["s3"]["kind"] == "knows" and h["s1"]["s2"]["kind"] == h["s2"]["s3"]["kind"] == "colleague"
    assert nx.number_of_selfloops(h) == 0 and not g.has_edge("s1", "s2")  # a copy: g unchanged


def test_from_networkx_defaults_and_staff_links() -> None:
    g = nx.Graph()
    g.add_node("s1", kind="staff", importance=9.0, key=True, department="X")  # staff: never importance or key
    g.add_node("s2", kind="staff")
    g.add_node("c1", kind="stakeholder")  # no importance, key or department: 1.0, False, None
    g.add_node("c2", kind="stakeholder", importance=6.0, key=True, department="IT")
    g.add_edge("s1", "s2", kind="knows")  # between two staff: ignored (the team is one source)
    g.add_edge("c1", "c2")  # no kind: 'met'
    g.add_edge("s1", "c1", kind="thread", strength=2.0)
    g.add_edge("c2", "c2", kind="knows")  # a self-loop: ignored
    g.graph["weak"] = [("s2", "c2", 0.25), ("s2", "ghost", 0.3)]  # a contact outside the graph: dropped
    cg = CompactGraph.from_networkx(g)
    assert cg.weak == [(1, 3, 0.25)]
    back = cg.to_networkx()
    assert back.nodes["c2"] == g.nodes["c2"] and back.nodes["s1"] == g.nodes["s1"]  # attributes kept
    assert back["c1"]["c2"] == {"kind": "met", "kinds": ("met",), "weight": 1.0}
    assert cg.ids == ["s1", "s2", "c1", "c2"] and cg.n_staff == 2
    assert (cg.importance, cg.key, cg.department) == ([0.0, 0.0, 1.0, 6.0], [False, False, False, True],
                                                     [None, None, None, "IT"])
    assert cg.edges == {(0, 2): (("thread",), 2.0), (2, 3): (("met",), None)}
    assert cg.kinds_of(0, 1) == () and cg.kinds_of(3, 2) == ("met",) and cg.kinds_of(3, 3) == ()
    assert cg.sole.tolist() == [-1, -1, 0, -1] and cg.lengths.tolist() == [0.5, 0.5, 1.0, 1.0]
    assert cg.is_staff(1) and not cg.is_staff(2) and cg.total_importance == 7.0


def test_tie_stats_fills_the_stakeholder_pairs() -> None:
    import datetime as dt

    from kamgraph.graph.strength import tie_stats
    from kamgraph.settings import StrengthSettings

    day = dt.date(2025, 4, 1)
    ms = [Meeting(id="m1", date=day, attendees=["s1", "b", "a"]),
          Meeting(id="m2", date=day - dt.timedelta(days=90), kind="call", attendees=["s1", "s2", "a", "b"]),
          Meeting(id="m3", date=day, attendees=["a", "b"])]  # no staff: not counted
    pairs: dict[tuple[str, str], float] = {}
    stats = tie_stats(ms, {"s1", "s2"}, {"a", "b"}, day, StrengthSettings(), client_pairs=pairs)
    assert pairs == {("a", "b"): pytest.approx(1 + 0.6 * 0.5, abs=1e-12)}
    assert stats[("s1", "a")].strength == pytest.approx(1.3) and stats[("s2", "b")].strength == pytest.approx(0.3)
    assert stats[("s1", "a")].count == 2 and stats[("s2", "a")].count == 1
    assert (stats[("s1", "b")].first, stats[("s1", "b")].last) == (day - dt.timedelta(days=90), day)
    assert tie_stats(ms, {"s1"}, {"a"}, day, StrengthSettings()).keys() == {("s1", "a")}


def test_kinds_are_kept_as_given_and_unknown_kinds_have_no_bit() -> None:
    g = nx.Graph()
    g.add_node("s", kind="staff")
    for c in ("a", "b", "c"):
        g.add_node(c, kind="stakeholder")
    g.add_edge("a", "b", kinds=("met", "knows"), strength=0.8)
    g.add_edge("b", "c", kind="colleague")  # not a kind of ours: no kind bit
    g.add_edge("a", "c", kind="thread")  # a "thread" between two stakeholders makes nobody a thread
    cg = CompactGraph.from_networkx(g)
    a, b, c = (cg.index[x] for x in "abc")
    assert cg.kinds_of(a, b) == ("met", "knows") and cg.edges[(a, b)] == (("met", "knows"), 0.8)
    assert cg.masks.tolist()[cg.indptr[b]:cg.indptr[b + 1]] == [34, 0]  # b's links: a (knows 2 + met 32), c
    assert cg.threads == [[], [], [], []] and cg.sole.tolist() == [-1, -1, -1, -1]


def test_csr_arrays_are_c_ints_and_doubles() -> None:
    """The compiled kernels read these arrays as C int / double buffers."""
    ag = build_account_graph(hand_built(), AS_OF, Settings())
    for cg in (CompactGraph.from_account(ag), CompactGraph.from_networkx(relationship_graph(ag))):
        codes = [getattr(cg, n).typecode for n in ("indptr", "indices", "rev", "sole", "lengths", "masks",
                                                   "strengths")]
        assert codes == ["i", "i", "i", "i", "d", "i", "d"]


def test_a_bare_compact_graph_converts_without_attributes() -> None:
    from array import array

    cg = CompactGraph(ids=["s", "c"], n_staff=1, importance=[0.0, 1.0], key=[False, False], department=[None, None],
                      indptr=array("i", [0, 0, 0]))
    g = cg.to_networkx()
    assert dict(g.nodes(data=True)) == {"s": {}, "c": {}} and g.number_of_edges() == 0 and g.graph["weak"] == []


def test_threads_of_ties_by_id() -> None:
    import datetime as dt

    from kamgraph.graph.strength import TieStats, threads_of

    d = dt.date(2025, 1, 1)
    stats = {("s2", "c"): TieStats(1, d, d, 0.7), ("s1", "c"): TieStats(1, d, d, 0.7),
             ("s3", "c"): TieStats(1, d, d, 0.9), ("s4", "c"): TieStats(1, d, d, 0.5)}
    assert threads_of(stats, 0.5) == {"c": [("s3", 0.9), ("s1", 0.7), ("s2", 0.7), ("s4", 0.5)]}
    assert threads_of(stats, 0.5, active_staff=["s2", "s4"]) == {"c": [("s2", 0.7), ("s4", 0.5)]}
