"""Speed of the X-ray analysis: one large account, a plain-networkx baseline, and a 2,000-account portfolio.

Goals (issue #3), on this 2-core machine:

* full X-ray analysis of a 300-stakeholder account, store load excluded: p95 <= 10 ms;
* analysis of a 2,000-account portfolio: >= 500 accounts/s on 2 cores.

For one account, "analysis" is :func:`kamgraph.analysis.pipeline.analyze` plus
:func:`kamgraph.analysis.actions.next_actions`: every figure the X-ray shows. The
pydantic report model built from it (:func:`kamgraph.views.xray.xray_from_analysis`)
is timed separately, as "report". For the portfolio, "analysis" is what a
portfolio view needs of each account: its summary scores
(``analyze(..., detail=False)``, whose summary is identical to the full one).

Store load is excluded: the snapshots are built before the clock starts. For
the single-account figures the process's long-lived objects -- the imported
modules and the five preloaded snapshots, some 50,000 objects -- are then
moved out of the cyclic collector's view with ``gc.freeze()`` (CPython's
remedy for long-lived data): otherwise an occasional full collection
re-scans them in the middle of a timed run, a cost of the harness's heap,
not of the analysis. The collections the analysis's own allocations cause are
still timed. ``--no-freeze`` measures without it.

The plain-networkx baseline computes the same measures the obvious way: a
networkx graph, one copy of it per what-if (every person removed in turn),
networkx's own betweenness, constraint and node connectivity.

The figures depend on which kernels run (:mod:`kamgraph.kernels`: compiled,
or the plain Python twins with ``KAMGRAPH_PURE_PYTHON=1``); the first line
says which.

Usage::

    python benchmarks/analysis_speed.py              # full run (a few minutes)
    python benchmarks/analysis_speed.py --quick      # 200 accounts, fewer repetitions
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kamgraph import kernels
from kamgraph.analysis.actions import next_actions
from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.dataset import AccountSnapshot, Batch
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.graph.networkx_view import relationship_graph
from kamgraph.samples.synth import portfolio_plan, synth_account
from kamgraph.settings import Settings
from kamgraph.views.xray import xray_from_analysis

AS_OF = dt.date(2026, 6, 30)
SEED = 1


def snapshot_of(batch: Batch, pool: dict[str, object] | None = None) -> AccountSnapshot:
    """The snapshot a store would load for the (single) account of ``batch``."""
    staff = batch.staff or [pool[s] for s in sorted({p for m in batch.meetings for p in m.attendees
                                                      if batch.person_kinds.get(p) == "staff"})]  # type: ignore[index]
    return AccountSnapshot(account=batch.accounts[0], stakeholders=sorted(batch.stakeholders, key=lambda s: s.id),
                           staff=sorted(staff, key=lambda s: s.id), reporting_lines=[],  # type: ignore[arg-type]
                           relationships=batch.relationships,
                           meetings=sorted(batch.meetings, key=lambda m: (m.date, m.id)))


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]


def naive_analysis(snapshot: AccountSnapshot, settings: Settings) -> dict[str, object]:
    """The same measures, computed the plain-networkx way (the baseline, not used by kamgraph)."""
    import networkx as nx

    ag = build_account_graph(snapshot, AS_OF, settings)
    g = relationship_graph(ag)
    staff = [n for n, k in g.nodes(data="kind") if k == "staff"]
    clients = [n for n, k in g.nodes(data="kind") if k == "stakeholder"]

    def reach(h: nx.Graph) -> set[str]:
        found: set[str] = set()
        for s in staff:
            if s in h and s not in found:
                found |= nx.node_connected_component(h, s)
        return found & set(clients)

    before = reach(g)
    impacts = {}
    for person in g.nodes:  # one copy of the graph per what-if
        h = g.copy()
        h.remove_node(person)
        lost = before - reach(h) - {person}
        impacts[person] = sum(g.nodes[c]["importance"] for c in lost)
    h = g.copy()
    h.add_edges_from(("TEAM", s) for s in staff)
    between = nx.betweenness_centrality_subset(h, sources=["TEAM"], targets=clients)
    keys = [c for c in clients if g.nodes[c]["key"]]
    connectivity = {c: nx.node_connectivity(h, "TEAM", c) for c in keys if nx.has_path(h, "TEAM", c)}
    client_graph = g.subgraph(clients)
    constraint = nx.constraint(client_graph)
    points = list(nx.articulation_points(h))
    paths = nx.single_source_dijkstra_path(h, "TEAM")
    return {"impacts": impacts, "betweenness": between, "connectivity": connectivity, "constraint": constraint,
            "articulation": points, "paths": len(paths)}


def single_account(runs: int, naive_runs: int, freeze: bool = True) -> None:
    settings = Settings()
    sizes = [5, 12, 20, 30, 40]  # staff on the account, from the 5-40 range
    accounts = [snapshot_of(synth_account(f"big{i}", seed=SEED, stakeholders=300, staff=n, as_of=AS_OF))
                for i, n in enumerate(sizes)]
    for snap in accounts:  # warm up
        next_actions(analyze(snap, AS_OF, settings))
    if freeze:
        gc.freeze()  # the fixtures and imported modules are long-lived (see the module docstring)
    analysis_ms, report_ms = [], []
    for _ in range(runs):
        for snap in accounts:
            start = time.perf_counter()
            result = analyze(snap, AS_OF, settings)
            next_actions(result)
            middle = time.perf_counter()
            xray_from_analysis(result)
            end = time.perf_counter()
            analysis_ms.append((middle - start) * 1000)
            report_ms.append((end - middle) * 1000)
    meetings = statistics.mean(len(s.meetings) for s in accounts)
    print(f"300-stakeholder accounts (staff {sizes}, mean {meetings:.0f} meetings), {runs} runs each:")
    print(f"  analysis  median {statistics.median(analysis_ms):6.2f} ms   p95 {percentile(analysis_ms, 0.95):6.2f} ms"
          "   (goal p95 <= 10 ms)")
    print(f"  report    median {statistics.median(report_ms):6.2f} ms   p95 {percentile(report_ms, 0.95):6.2f} ms"
          "   (pydantic report model, on top)")
    naive_ms = []
    for _ in range(naive_runs):
        for snap in accounts[:2]:
            start = time.perf_counter()
            naive_analysis(snap, settings)
            naive_ms.append((time.perf_counter() - start) * 1000)
    fast = statistics.median(t for i, t in enumerate(analysis_ms) if i % len(accounts) < 2)
    print(f"  plain networkx  median {statistics.median(naive_ms):8.1f} ms "
          f"-> kamgraph is {statistics.median(naive_ms) / fast:.0f}x faster")


def _worker(args: tuple[int, int, list[int]]) -> tuple[int, float, list[float]]:
    accounts, seed, indexes = args
    pool, plan = portfolio_plan(accounts, seed=seed)
    by_id = {s.id: s for s in pool}
    snapshots = []
    for i in indexes:
        account, size, team = plan[i]
        batch = synth_account(account, seed=seed, stakeholders=size, staff=[by_id[s] for s in team], as_of=AS_OF)
        snapshots.append(snapshot_of(batch, by_id))  # type: ignore[arg-type]
    settings = Settings()
    times = []
    start = time.perf_counter()
    for snap in snapshots:
        t0 = time.perf_counter()
        analyze(snap, AS_OF, settings, detail=False)
        times.append((time.perf_counter() - t0) * 1000)
    return len(snapshots), time.perf_counter() - start, times


def portfolio(accounts: int, workers: int) -> None:
    chunks = [(accounts, SEED, list(range(w, accounts, workers))) for w in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_worker, chunks)
    done = sum(r[0] for r in results)
    wall = max(r[1] for r in results)
    per_account = [t for r in results for t in r[2]]
    print(f"portfolio of {done} accounts (30-300 stakeholders, 5-40 staff), summary scores, {workers} processes:")
    print(f"  {done / wall:6.0f} accounts/s (analysis wall time {wall:.2f} s; per account median "
          f"{statistics.median(per_account):.2f} ms, p95 {percentile(per_account, 0.95):.2f} ms)"
          "   (goal >= 500 accounts/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="repetitions per large account")
    parser.add_argument("--naive-runs", type=int, default=2)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="200 accounts, 10 runs")
    parser.add_argument("--no-freeze", action="store_true", help="leave the preloaded snapshots to the collector")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.accounts, args.naive_runs = 10, 200, 1
    print(f"kernels: {kernels.backend()}")
    single_account(args.runs, args.naive_runs, freeze=not args.no_freeze)
    portfolio(args.accounts, args.workers)


if __name__ == "__main__":
    main()
