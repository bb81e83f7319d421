"""The compiled kernels (kamgraph/kernels/_compiled.pyx) give exactly what their plain Python twins give.

The twins (kamgraph/kernels/python.py) are the definitions: every other test
of the analysis checks them (and, through whichever backend runs, the
compiled ones) against independent references. Here the two modules are
compared through their public names only: they have the same kernels with
the same signatures, and on the same inputs -- synthetic accounts of several
sizes and random graphs from hypothesis -- both return the same results:
integers and lists exactly, floats to 1e-12 where the two may sum in a
different order. The whole analysis is then run on both backends, the other
one in a child process started with the other ``KAMGRAPH_PURE_PYTHON``.

These tests run on both backends: the compiled module is loaded explicitly
(:func:`kamgraph.kernels.compiled_module`) whatever ``KAMGRAPH_PURE_PYTHON`` says.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import os
import pickle
import subprocess
import sys
from array import array
from pathlib import Path
from types import ModuleType

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamgraph import kernels
from kamgraph.analysis.actions import next_actions
from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.graph.compact import KIND_BITS, CompactGraph
from kamgraph.kernels import BridgeTable, BrokerTable, EdgeLayout, Impacts, PairTable, TieTable, WarmPathTree
from kamgraph.samples.synth import synth_account
from kamgraph.settings import Settings

AS_OF = dt.date(2026, 6, 30)
ROOT = Path(__file__).resolve().parent.parent

PYTHON = kernels.python
COMPILED = kernels.compiled_module()
if COMPILED is None:
    if os.environ.get("CI") == "true":
        pytest.fail("the compiled kernels are missing under CI: run `python hatch_build.py` (see .ci/run)",
                    pytrace=False)
    pytest.skip("compiled kernels not built (python hatch_build.py)", allow_module_level=True)
BOTH = {"python": PYTHON, "compiled": COMPILED}


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


def _run(name: str, *args: object) -> tuple[object, object]:
    """Kernel ``name`` on ``args`` in both modules: (python's result, compiled's result)."""
    return getattr(PYTHON, name)(*args), getattr(COMPILED, name)(*args)


# --------------------------------------------------------------------------- one interface, one switch
def _defined_public(module: ModuleType) -> set[str]:
    """The public functions a module defines itself (not the ones it imports)."""
    return {name for name, value in vars(module).items()
            if not name.startswith("_") and callable(value) and getattr(value, "__module__", None) == module.__name__}


def test_both_modules_define_the_same_kernels() -> None:
    assert sorted(PYTHON.__all__) == sorted(COMPILED.__all__)
    assert _defined_public(PYTHON) == set(PYTHON.__all__)
    assert _defined_public(COMPILED) == set(COMPILED.__all__)
    assert len(PYTHON.__all__) == 8


@pytest.mark.parametrize("name", PYTHON.__all__)
def test_kernels_have_the_same_signature(name: str) -> None:
    ours, theirs = (inspect.signature(getattr(module, name)) for module in (PYTHON, COMPILED))
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == \
        [(p.name, p.kind, p.default) for p in theirs.parameters.values()]


def test_the_package_binds_every_kernel_to_one_module() -> None:
    pure = kernels.load_compiled() is None  # KAMGRAPH_PURE_PYTHON, as this process was started
    assert pure == bool(os.environ.get("KAMGRAPH_PURE_PYTHON"))
    assert kernels.backend() == ("python" if pure else "compiled")
    chosen = PYTHON if pure else COMPILED
    assert all(getattr(kernels, name) is getattr(chosen, name) for name in PYTHON.__all__)
    assert set(PYTHON.__all__) <= set(kernels.__all__)
    assert kernels.load_compiled({"KAMGRAPH_PURE_PYTHON": "1"}) is None
    assert kernels.load_compiled({"KAMGRAPH_PURE_PYTHON": ""}) is COMPILED


# --------------------------------------------------------------------------- kernels on accounts
def test_tie_aggregation_and_views_agree(account: AccountSnapshot) -> None:
    settings = Settings()
    ag = build_account_graph(account, AS_OF, settings)
    index = {pid: i for i, pid in enumerate(ag.ids)}
    n_staff, n_active = len(ag.staff), len(ag.staff) + len(ag.stakeholders)
    is_staff = bytes(1 if pid in ag.staff or pid in ag.departed_staff else 0 for pid in ag.ids)
    args = (ag.meetings, index, is_staff, AS_OF.toordinal(), settings.strength.half_life_days,
            settings.strength.kind_weights)
    python, compiled = _run("aggregate_ties", *args)
    assert python == compiled  # summed in meeting order by both: exactly equal
    assert all(isinstance(t, TieTable) and isinstance(t.pairs, PairTable) for t in (python, compiled))
    assert len(python.pairs.staff) > 50 and len(python.client_pairs.a) > 10  # the account has real work in it
    # an earlier as-of date drops later meetings in both
    early = (*args[:3], (AS_OF - dt.timedelta(days=200)).toordinal(), *args[4:])
    assert _run("aggregate_ties", *early)[0] == _run("aggregate_ties", *early)[1]
    shuffled = (list(reversed(ag.meetings)), *args[1:])
    assert _run("aggregate_ties", *shuffled) == (None, None)  # the caller must sort
    views = _run("tie_views", python.pairs, ag.ids, n_staff, n_active, settings.strength.thread_threshold)
    assert views[0] == views[1]
    assert views[0].threads == ag.threads


def test_edge_layout_agrees(account: AccountSnapshot) -> None:
    ag = build_account_graph(account, AS_OF, Settings())
    cg = CompactGraph.from_account(ag)
    # The account's links beyond threads and meetings, rebuilt from the graph: laying them out again
    # with the same tie tables must give the graph's own arrays, in both modules.
    made_here = KIND_BITS["thread"] | KIND_BITS["met"]
    extra = [(v, w, cg.masks[e] & ~made_here) for v in range(cg.n) for e in range(cg.indptr[v], cg.indptr[v + 1])
             if v < (w := cg.indices[e]) and cg.masks[e] & ~made_here]
    assert len(extra) > 10
    pairs, client_pairs = ag.table
    args = (cg.n, cg.n_staff, pairs, client_pairs, ag.settings.strength.thread_threshold,
            [a for a, _, _ in extra], [b for _, b, _ in extra], [m for _, _, m in extra])
    python, compiled = _run("build_edges", *args)
    assert isinstance(python, EdgeLayout) and isinstance(compiled, EdgeLayout)
    assert python == compiled
    assert compiled == EdgeLayout(cg.weak, cg.indptr, cg.indices, cg.rev, cg.sole, cg.lengths, cg.masks,
                                  cg.strengths)
    assert all(cg.kinds_of(a, b) == kinds and cg.kinds_of(b, a) == kinds for (a, b), (kinds, _) in cg.edges.items())
    assert cg.adj == [list(cg.indices[cg.indptr[v]:cg.indptr[v + 1]]) for v in range(cg.n)]


def _departments(cg: CompactGraph) -> tuple[array, int]:
    codes: dict[str, int] = {}
    numbers = array("i", [codes.setdefault(d, len(codes) + 1) if d else 0 for d in cg.department])
    return numbers, len(codes)


def _graph_kernels_agree(cg: CompactGraph) -> None:
    csr = (cg.n, cg.n_staff, cg.indptr, cg.indices)
    for want_bridges in (False, True):
        python, compiled = _run("impacts", *csr, cg.sole, cg.importance, want_bridges)
        assert python == compiled
        for found in (python, compiled):
            assert isinstance(found, Impacts) and isinstance(found.bridges, BridgeTable)
            assert all(len(column) == cg.n for column in found[:4])
            assert want_bridges or found.bridges == ([], [], [])
    for target in range(cg.n):
        for cap in (-1, 0, 1, 2, 10):
            python, compiled = _run("connectivity", *csr, cg.rev, target, cap)
            assert python == compiled, (target, cap)
    python, compiled = _run("team_betweenness", *csr)
    assert len(python) == cg.n and python == pytest.approx(compiled, abs=1e-12)
    python, compiled = _run("brokers", *csr, *_departments(cg))
    assert isinstance(python, BrokerTable) and isinstance(compiled, BrokerTable)
    assert (python.node, python.departments) == (compiled.node, compiled.departments)
    assert python.constraint == pytest.approx(compiled.constraint, abs=1e-12)
    python, compiled = _run("warm_paths", *csr, cg.lengths, cg.weak)
    assert isinstance(python, WarmPathTree) and isinstance(compiled, WarmPathTree)
    assert python == compiled


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


# --------------------------------------------------------------------------- the whole analysis
def _figures(snapshot: AccountSnapshot) -> dict[str, object]:
    """Everything the X-ray reads of an account's analysis, and its actions."""
    a = analyze(snapshot, AS_OF)
    return {"backend": kernels.backend(), "summary": a.summary, "impacts": a.impacts,
            "connectivity": a.connectivity, "cut_edges": a.cut_edges, "gateways": a.gateways, "brokers": a.brokers,
            "team_betweenness": a.team_betweenness, "threads": a.ag.threads, "ties": a.ag.ties,
            "actions": next_actions(a)}


_CHILD = """
import pickle, sys
from tests.test_kernels import ACCOUNTS, _figures, _snapshot
sys.stdout.buffer.write(pickle.dumps({params: _figures(_snapshot(*params)) for params in ACCOUNTS}))
"""


@pytest.fixture(scope="module")
def other_backend() -> dict[tuple[int, int, int], dict[str, object]]:
    """Each account's figures computed by a process running the other backend."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env["KAMGRAPH_PURE_PYTHON"] = "" if kernels.backend() == "python" else "1"
    done = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True, check=False,
                          timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return pickle.loads(done.stdout)  # our own child's output


@pytest.mark.parametrize("params", ACCOUNTS, ids=lambda p: f"{p[1]}x{p[2]}")
def test_whole_analysis_is_the_same_on_both_backends(params: tuple[int, int, int],
                                                     other_backend: dict[tuple[int, int, int], dict]) -> None:
    here, there = _figures(_snapshot(*params)), other_backend[params]
    assert {here["backend"], there["backend"]} == {"python", "compiled"}
    for name in ("summary", "impacts", "connectivity", "cut_edges", "gateways", "threads", "ties", "actions"):
        assert here[name] == there[name], name
    mine, theirs = here["brokers"], there["brokers"]
    assert [(b.person, b.departments) for b in mine] == [(b.person, b.departments) for b in theirs]
    assert all(math.isclose(a.constraint, b.constraint, abs_tol=1e-6) for a, b in zip(mine, theirs, strict=True))
    assert here["team_betweenness"] == pytest.approx(there["team_betweenness"], abs=1e-12)


@pytest.mark.parametrize("full_size", [0, 8, 3])
def test_meeting_size_weighting_agrees_and_matches_the_hand_worked_figures(full_size: int) -> None:
    from types import SimpleNamespace

    day = dt.date(2025, 1, 10)
    big = SimpleNamespace(id="big", date=day, kind="meeting", attendees=["s", *[f"c{i}" for i in range(11)]])
    small = SimpleNamespace(id="small", date=day, kind="meeting", attendees=["s", "c0", "c1"])
    index = {"s": 0, **{f"c{i}": i + 1 for i in range(11)}}
    is_staff = bytes([1] + [0] * 11)
    python, compiled = _run("aggregate_ties", [big, small], index, is_staff, day.toordinal(), 90.0,
                            {"meeting": 1.0}, full_size)
    assert python == compiled
    # by hand: 12 attendees count k/12 when 0 < k < 12; 3 attendees count fully unless k < 3 (never here)
    share = 1.0 if full_size == 0 else full_size / 12
    strengths = dict(zip(python.pairs.stakeholder, python.pairs.strength, strict=True))
    assert strengths[1] == pytest.approx(share + 1.0) and strengths[2] == pytest.approx(share + 1.0)
    assert strengths[5] == pytest.approx(share)


def test_meeting_size_weighting_agrees_on_a_real_account(account: AccountSnapshot) -> None:
    settings = Settings()
    ag = build_account_graph(account, AS_OF, settings)
    index = {pid: i for i, pid in enumerate(ag.ids)}
    is_staff = bytes(1 if pid in ag.staff or pid in ag.departed_staff else 0 for pid in ag.ids)
    args = (ag.meetings, index, is_staff, AS_OF.toordinal(), settings.strength.half_life_days,
            settings.strength.kind_weights, 2)
    python, compiled = _run("aggregate_ties", *args)
    assert python == compiled
    full = _run("aggregate_ties", *args[:-1])[0]
    assert sum(python.pairs.strength) < sum(full.pairs.strength)  # meetings of 3 or more count less
