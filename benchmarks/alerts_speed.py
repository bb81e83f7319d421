"""Speed of the departure and alert work on a synthetic portfolio in an SQLite store.

Measured, store load included (a real file in a temporary directory):

* ``kamgraph alerts`` on every account: the first run (no check recorded: the
  comparing rules also analyse every account as of ``first_check_days`` ago)
  and a second run the same day (the facts of the first run are read back, so
  one analysis per account); accounts per second and the ratio between them;
* the departure impact (``kamgraph leave --dry-run``) of the most critical
  person of the largest account: two analyses plus the plans;
* a contact sync of that account's full export (every row matching).

Usage::

    python benchmarks/alerts_speed.py               # 200 accounts (30-300 stakeholders, 5-40 staff)
    python benchmarks/alerts_speed.py --accounts 50 --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kamgraph.analysis.pipeline import analyze
from kamgraph.monitor.alerts import run_alerts
from kamgraph.monitor.departure import departure_impact
from kamgraph.monitor.sync import plan_sync
from kamgraph.samples.synth import synth_portfolio
from kamgraph.settings import Settings
from kamgraph.store import open_store

AS_OF = dt.date(2026, 6, 30)


def timed(func, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    """Median wall time of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "bench.db"), create=True)
        batch = synth_portfolio(args.accounts, seed=1, as_of=AS_OF)
        start = time.perf_counter()
        store.import_batch(batch)
        print(f"portfolio: {args.accounts} accounts, {len(batch.stakeholders)} stakeholders, "
              f"{len(batch.meetings)} meetings; import {time.perf_counter() - start:.1f} s")

        start = time.perf_counter()
        first = run_alerts(store, AS_OF, settings)
        t_first = time.perf_counter() - start
        start = time.perf_counter()
        second = run_alerts(store, AS_OF, settings)
        t_second = time.perf_counter() - start
        n = len(first.accounts)
        print(f"alerts, first run:  {t_first:6.2f} s  {n / t_first:7.1f} accounts/s  {len(first.new)} new alerts")
        print(f"alerts, second run: {t_second:6.2f} s  {n / t_second:7.1f} accounts/s  {len(second.new)} new, "
              f"{second.ongoing} ongoing  (first/second = {t_first / t_second:.2f})")

        largest = max(store.list_accounts(), key=lambda a: a.stakeholders)
        snapshot = store.load_account(largest.id, AS_OF)
        critical = analyze(snapshot, AS_OF, settings).most_critical or snapshot.stakeholders[0].id
        t_leave, impact = timed(lambda: departure_impact(store, critical, AS_OF, settings), args.repeat)
        print(f"leave --dry-run {critical} ({largest.id}, {largest.stakeholders} stakeholders): "
              f"median {t_leave * 1000:.0f} ms over {args.repeat} runs, "
              f"{len(impact.accounts)} account(s)")  # type: ignore[union-attr]

        export = Path(tmp) / "contacts.csv"
        with export.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(["id", "name", "email", "company", "title"])
            for p in snapshot.stakeholders:
                if p.left_on is None:
                    out.writerow([p.id, p.name.upper(), p.email or "", f"{largest.name}, Inc.", p.title or ""])
        t_sync, (plan, _) = timed(lambda: plan_sync(store, export, largest.id, AS_OF, settings),  # type: ignore[misc]
                                  args.repeat)
        print(f"sync plan of {plan.rows} rows: median {t_sync * 1000:.0f} ms, "  # type: ignore[union-attr]
              f"{len(plan.departures)} departures proposed")  # type: ignore[union-attr]
        store.close()


if __name__ == "__main__":
    main()
