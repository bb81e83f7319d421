"""What the two rules of issue 16 cost ``kamgraph alerts``: ``sustained_fall`` and ``objective_missed``.

On a synthetic portfolio in an SQLite file, serial executor, the same day's alert run is timed side by side
(alternating, medians of ``--runs``) three ways: both rules off; ``sustained_fall`` on (the trend rule
analyses each account on ``periods + 1`` more dates, the summary path); and both on with three objectives
per account (evaluated on the run's own analysis). Each run starts from a fresh copy of the store, so
every run is a first run.

Usage::

    python benchmarks/alerts_new_rules.py                 # 40 accounts, 5 runs
    python benchmarks/alerts_new_rules.py --accounts 100 --runs 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kamgraph.domain.plans import Objective
from kamgraph.monitor.alerts import run_alerts
from kamgraph.portfolio.plans import evaluate_objectives
from kamgraph.samples.synth import synth_portfolio
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.store.executor import SerialExecutor

AS_OF = dt.date(2026, 6, 30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        seed = Path(tmp) / "seed.db"
        with open_store(str(seed), create=True) as store:
            store.import_batch(synth_portfolio(args.accounts, seed=3, as_of=AS_OF, min_stakeholders=20,
                                               max_stakeholders=120, days=400))
            for snapshot in store.load_accounts(store.account_ids(), AS_OF):
                people = [p.id for p in snapshot.stakeholders][:2]
                goals = [dict(kind="cover_person", subject=people[0]), dict(kind="cadence", subject=people[-1],
                                                                             target=30),
                         dict(kind="stage", subject="cooperative")]
                for n, goal in enumerate(goals, start=1):
                    store.save_objective(Objective(
                        id=f"{snapshot.account.id}-{n}", account=snapshot.account.id, due=AS_OF - dt.timedelta(days=n),
                        created_on=AS_OF - dt.timedelta(90), **goal))  # type: ignore[arg-type]
        off, fall, both = Settings(), Settings(), Settings()
        off.trend.sustained_fall.enabled = False
        ways = {"both rules off": (off, None), "sustained_fall on": (fall, None),
                "both on (3 objectives/account)": (both, evaluate_objectives)}
        times: dict[str, list[float]] = {name: [] for name in ways}
        for run in range(args.runs):
            for name, (settings, evaluator) in ways.items():
                copy = Path(tmp) / f"run{run}-{len(times[name])}-{name[:4]}.db"
                shutil.copy(seed, copy)
                with open_store(str(copy)) as store:
                    start = time.perf_counter()
                    run_alerts(store, AS_OF, settings, executor=SerialExecutor(), evaluate_plans=evaluator)
                    times[name].append(time.perf_counter() - start)
        base = statistics.median(times["both rules off"])
        print(f"{args.accounts} accounts, serial, medians of {args.runs} runs:")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"  {name:32s} {median:6.2f} s   x{median / base:.2f}")


if __name__ == "__main__":
    main()
