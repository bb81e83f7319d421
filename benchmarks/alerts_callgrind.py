"""Instructions per alert check, this checkout against another: valgrind's callgrind counts, not seconds.

On a shared machine wall and CPU times of the same run vary by 10 % or more; callgrind counts the
instructions a run executes, the same for the same code and inputs whatever else the machine does. A
synthetic SQLite store (``--store-size`` accounts of :func:`kamgraph.samples.synth.synth_portfolio`) is
built once; for each checkout, on fresh copies of it, a first alert check of ``--accounts`` accounts runs
untimed, then a second check of the same accounts (``run_alerts``, serial executor) runs under callgrind,
and again with no accounts: the difference is the checks' own instructions, start-up left out.
``--touch`` writes one change no figure reads (an account's alias) between the two checks: the data
generation moves on, so the second check cannot reuse the past points the first one kept.

Usage::

    python benchmarks/alerts_callgrind.py --against ../base
    python benchmarks/alerts_callgrind.py --against ../base --touch --accounts 30 --store-size 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: One alert check: python -c CHECK STORE N DAY [touch-first].
CHECK = r'''
import datetime as dt, sys
from kamgraph.domain.dataset import Batch
from kamgraph.monitor.alerts import run_alerts
from kamgraph.settings import Settings
from kamgraph.store import open_store
path, n, day = sys.argv[1], int(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
with open_store(f"sqlite:///{path}") as store:
    if len(sys.argv) > 4:
        first = store.get_account(store.account_ids()[0])
        store.import_batch(Batch(accounts=[first.model_copy(update={"aliases": ["touched"]})]))
    else:
        ids = store.account_ids()[:n]
        if ids:
            run_alerts(store, day, Settings(executor={"url": "serial"}), accounts=ids)
'''


def run(tree: Path, *args: str, callgrind: Path | None = None) -> int:
    """Run :data:`CHECK` in ``tree``; the instructions collected when under callgrind (else 0)."""
    command = [sys.executable, "-c", CHECK, *args]
    if callgrind is not None:
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={callgrind}", *command]
    done = subprocess.run(command, cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{tree}: {done.stderr.strip()[-1500:]}")
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, required=True, help="the other checkout (kernels built)")
    parser.add_argument("--accounts", type=int, default=30)
    parser.add_argument("--store-size", type=int, default=200)
    parser.add_argument("--day", default="2026-12-03", help="the date of both checks")
    parser.add_argument("--touch", action="store_true", help="a write between the two checks")
    args = parser.parse_args()
    from kamgraph.domain.dataset import Batch
    from kamgraph.samples.synth import synth_portfolio
    from kamgraph.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "store.db"
        batch = synth_portfolio(args.store_size, seed=1, as_of=dt.date(2026, 6, 30))
        with open_store(f"sqlite:///{base}", create=True) as store:
            store.import_batch(Batch(accounts=batch.accounts, staff=batch.staff))
            store.import_batch(batch)
        counts = {}
        for name, tree in (("this", ROOT), ("other", args.against.resolve())):
            totals = []
            for n in (0, args.accounts):
                copy = Path(tmp) / f"{name}-{n}.db"
                shutil.copy(base, copy)
                run(tree, str(copy), str(args.accounts), args.day)  # the first check, not counted
                if args.touch:
                    run(tree, str(copy), "0", args.day, "touch")
                totals.append(run(tree, str(copy), str(n), args.day, callgrind=Path(tmp) / f"{name}-{n}.out"))
            counts[name] = totals[1] - totals[0]
            print(f"{name:5s} ({tree}): {counts[name] / 1e6:,.1f} M instructions for {args.accounts} accounts "
                  f"({counts[name] / args.accounts / 1e6:.1f} M each; start-up {totals[0] / 1e6:,.0f} M)", flush=True)
        print(f"this / other: {counts['this'] / counts['other']:.3f}"
              f"{'  (a write between the checks)' if args.touch else ''}")


if __name__ == "__main__":
    main()
