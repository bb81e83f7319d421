"""Analysis snapshots (issue #21): what ``analyze --write`` costs, and what reading current snapshots saves.

On an SQLite store built with :func:`kamgraph.samples.synth.synth_portfolio` (default 200 accounts, 30-300
stakeholders, 5-40 staff each), measured side by side in one run, medians of ``--repeat`` runs, serial
executor (one process, so the ratio is the work saved, not the parallelism):

* ``write_snapshots(force=True)``: full analysis and write of every account (accounts/s);
* ``build_portfolio`` with current stored snapshots (every row read from its snapshot) and with
  ``use_snapshots=False`` (every account loaded and analysed), and their ratio;
* ``build_portfolio`` after one more meeting is imported (every snapshot stale: recomputed), which must cost
  about as much as ``use_snapshots=False``.

The two portfolios are checked to be equal before anything is timed.

Usage::

    python benchmarks/writeback_speed.py                 # 200 accounts
    python benchmarks/writeback_speed.py --accounts 50 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kamgraph.domain.dataset import Batch  # noqa: E402
from kamgraph.domain.models import Meeting  # noqa: E402
from kamgraph.portfolio.snapshots import write_snapshots  # noqa: E402
from kamgraph.portfolio.table import build_portfolio  # noqa: E402
from kamgraph.samples.synth import synth_portfolio  # noqa: E402
from kamgraph.settings import Settings  # noqa: E402
from kamgraph.store import open_store  # noqa: E402

AS_OF = dt.date(2026, 6, 30)


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    settings = Settings(executor={"url": "serial"})
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(str(Path(folder) / "bench.db"), create=True)
        batch = synth_portfolio(args.accounts, seed=1, as_of=AS_OF)
        store.import_batch(batch)
        print(f"{args.accounts} accounts, {len(batch.stakeholders)} stakeholders, {len(batch.meetings)} meetings")
        write = median_seconds(lambda: write_snapshots(store, AS_OF, settings, force=True), args.repeat)
        stored = build_portfolio(store, AS_OF, settings)
        fresh = build_portfolio(store, AS_OF, settings, use_snapshots=False)
        assert stored == fresh, "a portfolio read from snapshots differs from a fresh one"
        read = median_seconds(lambda: build_portfolio(store, AS_OF, settings), args.repeat)
        recompute = median_seconds(lambda: build_portfolio(store, AS_OF, settings, use_snapshots=False), args.repeat)
        client = batch.stakeholders[0]
        member = next(s for s in batch.staff if client.account in s.accounts)
        store.import_batch(Batch(meetings=[Meeting(id="bench-one-more", date=AS_OF, attendees=[member.id, client.id])]))
        stale = median_seconds(lambda: build_portfolio(store, AS_OF, settings), args.repeat)
        store.close()
    n = args.accounts
    print(f"analyze --write (force): {write:.2f} s, {n / write:.0f} accounts/s")
    print(f"portfolio from current snapshots: {read * 1000:.0f} ms; recomputed: {recompute * 1000:.0f} ms; "
          f"ratio {recompute / read:.1f}x")
    print(f"portfolio after one import (all stale, recomputed): {stale * 1000:.0f} ms "
          f"({stale / recompute:.2f}x the recomputation)")


if __name__ == "__main__":
    main()
