"""Peak memory of ``export --all``: the streaming writer against the in-memory graph (issue #15).

Each measurement runs in a new process (its peak resident set size, ``ru_maxrss``, is what it reports), on the
first N accounts of a store built with :func:`kamgraph.samples.synth.synth_portfolio`:

* ``stream`` -- :func:`kamgraph.views.graph_export.write_portfolio_export` (what ``kamgraph export --all`` runs);
* ``graph`` -- ``write_export(export_accounts(...))``, the whole portfolio as one networkx graph, then the file.

Printed per size and mode: peak RSS, wall and CPU time, and the growth per account between the smallest and
the largest size (the goal: the streaming writer's does not grow with the portfolio). Pairs run side by side.

Usage::

    python benchmarks/export_memory.py                          # 50, 200 accounts, graphml, a new store
    python benchmarks/export_memory.py --sizes 100 400 --format csv --store sqlite:////tmp/s2000.db
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2026, 6, 30)

CHILD = """
import datetime as dt, json, resource, sys, time
sys.path.insert(0, {root!r})
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.views.graph_export import export_accounts, write_export, write_portfolio_export
mode, n, fmt, target = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
as_of = dt.date.fromisoformat({as_of!r})
wall, cpu = time.perf_counter(), time.process_time()
with open_store({url!r}) as store:
    ids = store.account_ids()[:n]
    if mode == "stream":
        write_portfolio_export(store, ids, as_of, Settings(), fmt, target)
    else:
        write_export(export_accounts(store, ids, as_of, Settings()), fmt, target)
print(json.dumps({{"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}}))
"""


def measure(url: str, mode: str, n: int, fmt: str, target: Path) -> dict[str, float]:
    code = CHILD.format(root=str(ROOT), as_of=AS_OF.isoformat(), url=url)
    done = subprocess.run([sys.executable, "-c", code, mode, str(n), fmt, str(target)], capture_output=True,
                          text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{mode} {n}: {done.stderr.strip()[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--format", default="graphml", choices=["graphml", "gexf", "json", "csv"])
    parser.add_argument("--modes", nargs="+", default=["stream", "graph"], choices=["stream", "graph"])
    parser.add_argument("--store", help="A store with at least max(--sizes) accounts (default: build one).")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.store
        if url is None:
            from kamgraph.samples.synth import synth_portfolio
            from kamgraph.store import open_store

            url = f"sqlite:///{tmp}/bench.db"
            batch = synth_portfolio(sizes[-1], seed=1, as_of=AS_OF)
            with open_store(url, create=True) as store:
                store.import_batch(batch)
        print(f"export_memory: format {args.format}, sizes {sizes}, load average "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        peaks: dict[str, dict[int, float]] = {mode: {} for mode in args.modes}
        for n in sizes:
            for mode in args.modes:
                found = measure(url, mode, n, args.format, Path(tmp) / f"out-{mode}.{args.format}")
                peaks[mode][n] = found["rss_mb"]
                print(f"{n:6d} accounts  {mode:6s}  peak RSS {found['rss_mb']:8.1f} MB  wall {found['wall']:7.2f} s"
                      f"  CPU {found['cpu']:7.2f} s", flush=True)
        if len(sizes) > 1:
            for mode, by_size in peaks.items():
                growth = (by_size[sizes[-1]] - by_size[sizes[0]]) / (sizes[-1] - sizes[0])
                print(f"{mode}: {growth * 1024:.0f} KB more peak RSS per account from {sizes[0]} to {sizes[-1]}")


if __name__ == "__main__":
    main()
