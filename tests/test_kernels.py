"""The compiled kernels (kamgraph/kernels/_compiled.pyx) give exactly what their plain Python twins give.

The twins are the definitions: every other test of the analysis checks them
(and, through whichever backend runs, the compiled ones) against independent
references. Here both run on the same inputs -- synthetic accounts of several
sizes and random graphs from hypothesis -- and must agree: integers and lists
exactly, floats to 1e-12 where the two sum in a different order.
"""

from __future__ import annotations

import datetime as dt
import math
import os

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamgraph import kernels
from kamgraph.analysis.actions import WarmPaths, next_actions
from kamgraph.analysis.bridging import _compact_team_betweenness_python, compact_brokers, compact_team_betweenness
from kamgraph.analysis.fragility import (
    _compact_connectivity_python,
    _compact_impacts_python,
    compact_connectivity,
    compact_impacts,
)
from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.graph.compact import CompactGraph, _build_edges_python, build_edges
from kamgraph.graph.strength import _aggregate_ties_python, _tie_views_python, aggregate_ties, tie_views
from kamgraph.samples.synth import synth_account
from kamgraph.settings import Settings

AS_OF = dt.date(2026, 6, 30)

if kernels.compiled is None:
    if os.environ.get("CI") == "true":
        pytest.fail("the compiled kernels are missing under CI: run `python hatch_build.py` (see .ci/run)",
                    pytrace=False)
    pytest.skip("compiled kernels not built (python hatch_build.py)", allow_module_level=True)


def _snapshot(seed: int, stakeholders: int, staff: int) -> AccountSnapshot:
    batch = synth_account(f"k{seed}", seed=seed, stakeholders=stakeholders, staff=staff, as_of=AS_OF)
    return AccountSnapshot(account=batch.accounts[0], stakeholders=sorted(batch.stakeholders, key=lambda s: s.id),
                           staff=sorted(batch.staff, key=lambda s: s.id), reporting_lines=[],
                           relationships=batch.relationships,
                           meetings=sorted(batch.meetings, key=lambda m: (m.date, m.id)))


ACCOUNTS = [(1, 30, 5), (2, 80, 12), (3, 150, 20), (4, 300, 40)]


@pytest.fixture(scope="module", params=ACCOUNTS, ids=lambda p: f"{p[1]}x{p[2]}")
def account(request: pytest.FixtureRequest) -> AccountSnapshot:
    return _snapshot(*request.param)


def test_the_compiled_backend_is_the_one_running() -> None:
    assert kernels.backend() == "compiled"
    assert kernels.load_compiled({"KAMGRAPH_PURE_PYTHON": "1"}) is None


def test_tie_aggregation_and_views_agree(account: AccountSnapshot) -> None:
    settings = Settings()
    ag = build_account_graph(account, AS_OF, settings)
    index = {pid: i for i, pid in enumerate(ag.ids)}
    n_staff, n_active = len(ag.staff), len(ag.staff) + len(ag.stakeholders)
    is_staff = bytes(1 if pid in ag.staff or pid in ag.departed_staff else 0 for pid in ag.ids)
    args = (ag.meetings, index, is_staff, AS_OF.toordinal(), settings.strength.half_life_days,
            settings.strength.kind_weights)
    compiled = aggregate_ties(*args)
    assert compiled == _aggregate_ties_python(*args)
    assert len(compiled[0][0]) > 50 and len(compiled[1][0]) > 10  # the account has real work in it
    # an earlier as-of date drops later meetings in both
    early = (*args[:3], (AS_OF - dt.timedelta(days=200)).toordinal(), *args[4:])
    assert aggregate_ties(*early) == _aggregate_ties_python(*early)
    shuffled = (list(reversed(ag.meetings)), *args[1:])
    assert aggregate_ties(*shuffled) is None and _aggregate_ties_python(*shuffled) is None  # caller must sort
    views = tie_views(compiled[0], ag.ids, n_staff, n_active, settings.strength.thread_threshold)
    assert views == _tie_views_python(compiled[0], ag.ids, n_staff, n_active, settings.strength.thread_threshold)


def test_edge_layout_agrees(account: AccountSnapshot) -> None:
    ag = build_account_graph(account, AS_OF, Settings())
    cg = CompactGraph.from_account(ag)
    # rebuild the extra links the way from_account does, through both twins
    n, n_staff = cg.n, cg.n_staff
    extra = [(a, b, 2) for (a, b), (kinds, _) in cg.edges.items() if "knows" in kinds]
    args = (n, n_staff, *ag.table, ag.settings.strength.thread_threshold,
            [a for a, _, _ in extra], [b for _, b, _ in extra], [m for _, _, m in extra])
    compiled, python = build_edges(*args), _build_edges_python(*args)
    assert compiled[0] == python[0]
    assert [list(x) for x in compiled[1:]] == [list(x) for x in python[1:]]
    assert all(cg.kinds_of(a, b) == kinds and cg.kinds_of(b, a) == kinds for (a, b), (kinds, _) in cg.edges.items())
    assert cg.adj == [list(cg.indices[cg.indptr[v]:cg.indptr[v + 1]]) for v in range(n)]


def _graph_kernels_agree(cg: CompactGraph) -> None:
    bridges_c: list = []
    bridges_p: list = []
    reach_c: set = set()
    reach_p: set = set()
    assert compact_impacts(cg, bridges_c, reach_c) == _compact_impacts_python(cg, bridges_p, reach_p)
    assert bridges_c == bridges_p and reach_c == reach_p
    for target in range(cg.n):
        for cap in (None, 1, 2, 10):
            assert compact_connectivity(cg, target, cap) == _compact_connectivity_python(cg, target, cap), \
                (target, cap)
    assert compact_team_betweenness(cg) == pytest.approx(_compact_team_betweenness_python(cg), abs=1e-12)
    saved, kernels.compiled = kernels.compiled, None
    try:
        brokers_p = compact_brokers(cg)
    finally:
        kernels.compiled = saved
    brokers_c = compact_brokers(cg)
    assert [(v, d) for v, _, d in brokers_c] == [(v, d) for v, _, d in brokers_p]
    assert [c for _, c, _ in brokers_c] == pytest.approx([c for _, c, _ in brokers_p], abs=1e-12)
    saved, kernels.compiled = kernels.compiled, None
    try:
        python_paths = [WarmPaths(cg).path(pid) for pid in cg.ids]
    finally:
        kernels.compiled = saved
    assert [WarmPaths(cg).path(pid) for pid in cg.ids] == python_paths


def test_graph_kernels_agree_on_accounts(account: AccountSnapshot) -> None:
    _graph_kernels_agree(CompactGraph.from_account(build_account_graph(account, AS_OF, Settings())))


@st.composite
def random_graphs(draw: st.DrawFn) -> nx.Graph:
    n_staff = draw(st.integers(1, 4))
    n_clients = draw(st.integers(1, 14))
    g = nx.Graph()
    for s in range(n_staff):
        g.add_node(f"s{s}", kind="staff")
    depts = ["a", "b", "c", None]
    for c in range(n_clients):
        g.add_node(f"c{c:02d}", kind="stakeholder", importance=draw(st.floats(0.1, 5.0)),
                   key=draw(st.booleans()), department=draw(st.sampled_from(depts)))
    nodes = list(g.nodes)
    for u, v in draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)), max_size=40)):
        if u != v:
            thread = g.nodes[u]["kind"] != g.nodes[v]["kind"]
            g.add_edge(u, v, kind="thread" if thread else "knows", strength=draw(st.sampled_from([0.5, 1.0, 2.0])))
    weak = draw(st.lists(st.tuples(st.sampled_from(nodes[:n_staff]), st.sampled_from(nodes[n_staff:]),
                                   st.floats(0.0, 0.49)), max_size=6))
    g.graph["weak"] = sorted(set(weak))
    return g


@settings(max_examples=150, deadline=None)
@given(random_graphs())
def test_graph_kernels_agree_on_random_graphs(g: nx.Graph) -> None:
    _graph_kernels_agree(CompactGraph.from_networkx(g))


def test_whole_analysis_is_the_same_on_both_backends(account: AccountSnapshot) -> None:
    compiled = analyze(account, AS_OF)
    compiled_actions = next_actions(compiled)
    saved, kernels.compiled = kernels.compiled, None
    try:
        python = analyze(account, AS_OF)
        python_actions = next_actions(python)
    finally:
        kernels.compiled = saved
    assert compiled.summary == python.summary
    assert compiled.impacts == python.impacts
    assert compiled.connectivity == python.connectivity
    assert compiled.cut_edges == python.cut_edges and compiled.gateways == python.gateways
    assert [(b.person, b.departments) for b in compiled.brokers] == [(b.person, b.departments) for b in python.brokers]
    assert all(math.isclose(a.constraint, b.constraint, abs_tol=1e-6)
               for a, b in zip(compiled.brokers, python.brokers, strict=True))
    assert compiled.team_betweenness == pytest.approx(python.team_betweenness, abs=1e-12)
    assert compiled.ag.threads == python.ag.threads and compiled.ag.ties == python.ag.ties
    assert compiled_actions == python_actions
