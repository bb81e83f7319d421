"""The Neo4j store's bulk read, this checkout against another, on one Bolt test server: who reads faster.

Both checkouts read every account of the same database with
:meth:`~kamgraph.store.base.GraphStore.load_accounts`, each in a process of its own, taking turns (the order
swapped every round, so that a busy moment on a shared machine hits both), one warm-up read per process
before the timed one. Printed per round and as medians: the wall time, the CPU time of the reading process
(kamgraph and the driver) and the CPU time the server spent meanwhile (its JVM's ``/proc`` counters), and the
ratios of this checkout over the other. The database is the one ``benchmarks/bolt_read.py --root DIR
--accounts N`` builds and keeps (``read{N}s1``); build it first. Each read takes what an alert check or
``kamgraph portfolio`` takes of a snapshot: its packed meeting rows where the store gives them
(:class:`~kamgraph.domain.dataset.PackedSnapshot`), else its records; ``--records`` builds every record
(what a report reads).

Usage::

    python benchmarks/bolt_read.py --root /tmp/bolt-read --accounts 500 --repeat 1 --backends bolt
    python benchmarks/bolt_read_against.py --root /tmp/bolt-read --accounts 500 --against ../base --rounds 5
    python benchmarks/bolt_read_against.py --root /tmp/bolt-read --accounts 500 --against ../base --records
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: One timed read in a new process: prints wall, own CPU and the server's CPU (seconds) and the meetings read.
READ = r'''
import datetime as dt, os, sys, time
from kamgraph.store import open_store
pid = int(sys.argv[2])
def server_cpu():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
store = open_store(sys.argv[1], password=sys.stdin.read(), env={})
ids, day = store.account_ids(), dt.date(2026, 6, 30)
sum(1 for _ in store.load_accounts(ids, day))  # warm-up: the server's caches, the JIT
s0, c0, w0 = server_cpu(), time.process_time(), time.perf_counter()
records = sys.argv[3] == "records"  # read every meeting's record, or only what the analysis reads
n = sum(len(s.meetings) if records or s.meeting_rows is None else len(s.meeting_rows)
        for s in store.load_accounts(ids, day))
print(time.perf_counter() - w0, time.process_time() - c0, server_cpu() - s0, n)
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="bolt_read.py's --root (the server's files)")
    parser.add_argument("--accounts", type=int, default=500, help="bolt_read.py's --accounts")
    parser.add_argument("--against", type=Path, required=True, help="the other checkout (kernels built)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--records", action="store_true",
                        help="build every meeting's record (what a report reads); by default only what the "
                             "analysis reads: a snapshot's packed rows when it has them")
    args = parser.parse_args()
    from tests.bolt_server import start_arcadedb

    trees = {"this": ROOT, "other": args.against.resolve()}
    server = start_arcadedb(root=args.root / "arcadedb", heap=args.heap)
    url = f"{server.bolt_uri}/read{args.accounts}s1".replace("://", f"://{server.user}@", 1)
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trees}
    try:
        for r in range(args.rounds):
            for name in (list(trees) if r % 2 == 0 else list(trees)[::-1]):
                tree = trees[name]
                done = subprocess.run([sys.executable, "-c", READ, url, str(server.process.pid),
                                       "records" if args.records else "rows"],
                                      input=server.password, text=True, capture_output=True, cwd=tree,
                                      env={**os.environ, "PYTHONPATH": str(tree)})
                if done.returncode:
                    raise SystemExit(f"{tree}: {done.stderr.strip()[-1000:]}")
                wall, cpu, server_cpu, meetings = done.stdout.split()
                runs[name].append((float(wall), float(cpu), float(server_cpu)))
                print(f"round {r + 1} {name:5s}: wall {float(wall):6.2f} s, CPU {float(cpu):5.2f} s, server CPU "
                      f"{float(server_cpu):5.2f} s ({meetings} meetings), load average {os.getloadavg()[0]:.1f}",
                      flush=True)
    finally:
        server.stop()
    medians = {name: [statistics.median(run[i] for run in runs[name]) for i in range(3)] for name in trees}
    for name, (wall, cpu, server_cpu) in medians.items():
        print(f"{name:5s} ({trees[name]}): median wall {wall:.2f} s, CPU {cpu:.2f} s, server CPU {server_cpu:.2f} s")
    print("this / other: " + ", ".join(f"{what} {medians['this'][i] / medians['other'][i]:.3f}"
                                       for i, what in enumerate(("wall", "CPU", "server CPU"))))


if __name__ == "__main__":
    main()
