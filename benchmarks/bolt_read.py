"""Bulk read of the Neo4j store against SQLite, in one process: ``load_accounts`` over a synthetic portfolio.

What ``kamgraph portfolio`` and ``kamgraph alerts`` spend reading the store, without start-up, analysis or
output (``benchmarks/portfolio_cli.py`` times the commands end to end). The same
:func:`kamgraph.samples.synth.synth_portfolio` batch goes into a SQLite file and into a database on the Bolt
test server (ArcadeDB from ``tests/bolt_server.py``, needs the ``test`` extra); then every account's snapshot
is read with :meth:`~kamgraph.store.base.GraphStore.load_accounts`, the two stores taking turns
(``--repeat`` rounds, so a busy moment on a shared machine hits both). Printed per store: the median wall
time and the median CPU time of this process (``time.process_time``: kamgraph and the driver decoding, not
the server), per account, and the ratio Bolt / SQLite of each.

``--pure-driver`` hides the driver's Rust extension
(``neo4j-rust-ext``) to measure the pure-Python decoder; ``--chunk`` sets ``load_accounts``' chunk size;
``--root DIR`` keeps the server's databases and the SQLite file in DIR, so that a second run skips building
them.

Usage::

    python benchmarks/bolt_read.py                         # 100 accounts, 5 rounds
    python benchmarks/bolt_read.py --accounts 300 --repeat 3 --chunk 100
    python benchmarks/bolt_read.py --root /tmp/bolt-read --pure-driver
"""

from __future__ import annotations

import sys

if "--pure-driver" in sys.argv:  # before the driver is imported: it falls back to its Python decoder
    sys.modules["neo4j._rust"] = None  # type: ignore[assignment]

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kamgraph.domain.dataset import Batch  # noqa: E402
from kamgraph.samples.synth import synth_portfolio  # noqa: E402
from kamgraph.store import open_store  # noqa: E402
from kamgraph.store.base import DEFAULT_CHUNK, GraphStore  # noqa: E402

AS_OF = dt.date(2026, 6, 30)


def rust_decoder() -> bool:
    """Whether the driver decodes with its Rust extension."""
    from neo4j._codec.packstream import v1

    return v1._rust_unpack is not None


def build(store: GraphStore, batch: Batch) -> None:
    """Import ``batch`` the way the CLI benchmark does: accounts and staff first, then everything."""
    store.import_batch(Batch(accounts=batch.accounts, staff=batch.staff))
    store.import_batch(batch)


def read_all(store: GraphStore, as_of: dt.date | None, chunk: int) -> tuple[float, float, int]:
    """Wall and CPU seconds of reading every account's snapshot; the number of meetings read."""
    wall, cpu = time.perf_counter(), time.process_time()
    ids = store.account_ids()
    meetings = sum(len(snap.meetings) for snap in store.load_accounts(ids, as_of, chunk_size=chunk))
    return time.perf_counter() - wall, time.process_time() - cpu, meetings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help="load_accounts' chunk size")
    parser.add_argument("--root", type=Path, default=None, help="keep the stores here between runs")
    parser.add_argument("--heap", default="2g", help="the server's JVM heap")
    parser.add_argument("--pure-driver", action="store_true", help="hide neo4j-rust-ext (see above)")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "bolt"], choices=["sqlite", "bolt"])
    args = parser.parse_args()
    from tests.bolt_server import start_arcadedb

    with tempfile.TemporaryDirectory() as tmp:
        root = args.root or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        server = start_arcadedb(root=root / "arcadedb", heap=args.heap) if "bolt" in args.backends else None
        try:
            name = f"read{args.accounts}s{args.seed}"
            batch = None
            urls, options = {}, {}
            if "sqlite" in args.backends:
                urls["sqlite"] = f"sqlite:///{root / (name + '.db')}"
                options["sqlite"] = {"create": True}
            if server is not None:
                urls["bolt"] = f"{server.bolt_uri}/{name}".replace("://", f"://{server.user}@", 1)
                options["bolt"] = {"password": server.password, "env": {}}
            for backend in args.backends:
                marker = root / f"{name}.{backend}.built"
                if marker.exists():
                    continue
                if backend == "bolt":
                    assert server is not None
                    server.create_database(name)
                batch = batch or synth_portfolio(args.accounts, seed=args.seed, as_of=AS_OF)
                start = time.perf_counter()
                with open_store(urls[backend], **options[backend]) as store:
                    build(store, batch)
                marker.touch()
                print(f"[{backend}] built {args.accounts} accounts ({len(batch.meetings)} meetings) in "
                      f"{time.perf_counter() - start:.0f} s", flush=True)
            stores = {b: open_store(urls[b], **options[b]) for b in args.backends}
            print(f"bolt_read: {args.accounts} accounts, chunk {args.chunk}, medians of {args.repeat} rounds, "
                  f"Rust decoder {'on' if rust_decoder() else 'off'}, {os.cpu_count()} CPUs, load average "
                  + ", ".join(f"{x:.1f}" for x in os.getloadavg()), flush=True)
            for store in stores.values():  # warm-up (server caches, JIT), not counted
                read_all(store, AS_OF, args.chunk)
            walls: dict[str, list[float]] = {b: [] for b in stores}
            cpus: dict[str, list[float]] = {b: [] for b in stores}
            counted = {}
            for _ in range(args.repeat):
                for backend, store in stores.items():
                    wall, cpu, counted[backend] = read_all(store, AS_OF, args.chunk)
                    walls[backend].append(wall)
                    cpus[backend].append(cpu)
            n = args.accounts
            for backend in stores:
                wall, cpu = statistics.median(walls[backend]), statistics.median(cpus[backend])
                print(f"[{backend:6s}] load_accounts: wall {wall:6.2f} s ({1000 * wall / n:6.1f} ms/account, "
                      f"{n / wall:6.1f} accounts/s)  CPU {cpu:6.2f} s ({1000 * cpu / n:6.1f} ms/account)  "
                      f"{counted[backend]} meetings", flush=True)
            if len(stores) == 2:
                wall_ratio = statistics.median(walls["bolt"]) / statistics.median(walls["sqlite"])
                cpu_ratio = statistics.median(cpus["bolt"]) / statistics.median(cpus["sqlite"])
                print(f"ratio bolt/sqlite: wall {wall_ratio:.2f}  CPU {cpu_ratio:.2f}")
            for store in stores.values():
                store.close()
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
