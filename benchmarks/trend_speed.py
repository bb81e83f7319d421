"""Speed of ``kamgraph trend``: 24 monthly points of a 300-stakeholder account.

Goal (issue #16): under 0.5 s for the 24 points, on this 2-core machine.

Three ways to the same 24 points, timed side by side in one run (medians of ``--runs`` runs):

* **trend** -- :func:`kamgraph.portfolio.trend.account_trend` on a snapshot already in memory: the account
  cut per date (:func:`kamgraph.analysis.trend.snapshot_on`) and analysed on the summary path, with the stage;
* **load once + trend** -- the same, with the store load (SQLite file, the whole history) inside the clock:
  what the command does;
* **load per point** -- the obvious way: ``load_account(account, date)`` from the store for every point, then
  the same analysis and stage (the baseline the issue asks to beat).

The script checks that the three give the same figures before printing the times. The first line says
which kernels ran (compiled, or the plain Python twins with ``KAMGRAPH_PURE_PYTHON=1``).

Usage::

    python benchmarks/trend_speed.py            # 7 runs per way, 5 accounts (staff 5-40)
    python benchmarks/trend_speed.py --runs 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kamgraph import kernels
from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.trend import default_start, point_of, trend_dates
from kamgraph.portfolio.stage import relationship_stage
from kamgraph.portfolio.trend import account_trend
from kamgraph.samples.synth import synth_account
from kamgraph.settings import Settings
from kamgraph.store import open_store

AS_OF = dt.date(2026, 6, 30)
SEED = 1
GOAL_S = 0.5


def per_point(store, account: str, dates: list[dt.date], settings: Settings) -> list[tuple]:  # type: ignore[no-untyped-def]
    """The baseline: one store query and one analysis per point."""
    found = []
    for day in dates:
        analysis = analyze(store.load_account(account, day), day, settings, detail=False)
        stage = relationship_stage(analysis.ag)
        found.append((point_of(day, analysis, 0).model_dump(exclude={"meetings"}), stage.stage))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    settings = Settings()
    print(f"kernels: {kernels.backend()}")
    sizes = [5, 12, 20, 30, 40]
    start = default_start(AS_OF, "month", 23)
    dates = trend_dates(start, AS_OF, "month")
    assert len(dates) == 24, len(dates)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/bench.db", create=True)
        ids = []
        for i, n in enumerate(sizes):
            batch = synth_account(f"big{i}", seed=SEED, stakeholders=300, staff=n, as_of=AS_OF)
            store.import_batch(batch)
            ids.append(f"big{i}")
        snapshots = {a: store.load_account(a, AS_OF) for a in ids}
        for a in ids:  # warm up, and the three ways agree
            trend = account_trend(snapshots[a], start, AS_OF, "month", settings)
            same = [(p.model_dump(exclude={"meetings", "stage", "stage_level"}), p.stage) for p in trend.points]
            assert same == per_point(store, a, dates, settings), a
        timings: dict[str, list[float]] = {"trend": [], "load once + trend": [], "load per point": []}
        for _ in range(args.runs):
            for a in ids:
                t0 = time.perf_counter()
                account_trend(snapshots[a], start, AS_OF, "month", settings)
                t1 = time.perf_counter()
                account_trend(store.load_account(a, AS_OF), start, AS_OF, "month", settings)
                t2 = time.perf_counter()
                per_point(store, a, dates, settings)
                t3 = time.perf_counter()
                timings["trend"].append(t1 - t0)
                timings["load once + trend"].append(t2 - t1)
                timings["load per point"].append(t3 - t2)
        store.close()
    meetings = statistics.mean(len(s.meetings) for s in snapshots.values())
    print(f"24 monthly points ({dates[0]} .. {dates[-1]}), 300-stakeholder accounts (staff {sizes}, "
          f"mean {meetings:.0f} meetings), {args.runs} runs each:")
    base = statistics.median(timings["load per point"])
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"  {name:18s} median {median * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms   "
              f"x{base / median:4.1f} vs load per point")
    worst = max(timings["load once + trend"])
    print(f"goal: 24 points in under {GOAL_S} s with the store load: slowest run {worst:.3f} s -> "
          f"{'met' if worst < GOAL_S else 'NOT met'}")


if __name__ == "__main__":
    main()
