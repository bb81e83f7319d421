"""How many account analyses ``kamgraph alerts`` runs per account (issue #15): a count, not a time.

Builds a synthetic SQLite store (:func:`kamgraph.samples.synth.synth_portfolio`), runs the alert rules once
(the first check) and again a day later -- the steady case -- with the serial executor, and counts the calls of
the analysis (:func:`kamgraph.analysis.pipeline._analyze`) in the second run. The count does not depend on the
machine's load, so it compares two checkouts exactly: ``--against DIR`` counts there too (in a new process).

Usage::

    python benchmarks/alert_analyses.py --accounts 100
    python benchmarks/alert_analyses.py --accounts 100 --against ../base

Measured 2026-12-01, 100 accounts: 2.28 analyses per account (the code at 9a1b526: 5.00).
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 30)


def count(root: Path, store_path: Path) -> float:
    """Analyses per account of the second alert run, counted in ``root``'s code (this process)."""
    sys.path.insert(0, str(root))
    import kamgraph.analysis.pipeline as pipeline
    from kamgraph.monitor.alerts import run_alerts
    from kamgraph.store import open_store
    from kamgraph.store.executor import executor_for

    calls = [0]
    original = pipeline._analyze

    def counting(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        return original(*args, **kwargs)

    pipeline._analyze = counting  # type: ignore[assignment]
    with open_store(f"sqlite:///{store_path}") as store:
        serial = executor_for("serial")
        run_alerts(store, AS_OF - dt.timedelta(days=1), executor=serial)
        calls[0] = 0
        run_alerts(store, AS_OF, executor=serial)
        return calls[0] / len(store.account_ids())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100)
    parser.add_argument("--against", type=Path, default=None, help="Another checkout (kernels built) to count too.")
    parser.add_argument("--worker", nargs=2, metavar=("ROOT", "STORE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(count(Path(args.worker[0]), Path(args.worker[1])))
        return
    sys.path.insert(0, str(ROOT))
    from kamgraph.samples.synth import synth_portfolio
    from kamgraph.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.db"
        with open_store(f"sqlite:///{base}", create=True) as store:
            store.import_batch(synth_portfolio(args.accounts, seed=1, as_of=AS_OF))
        for label, root in [("this", ROOT), *([("other", args.against.resolve())] if args.against else [])]:
            copy = Path(tmp) / f"{label}.db"
            copy.write_bytes(base.read_bytes())
            out = subprocess.run([sys.executable, __file__, "--worker", str(root), str(copy)], check=True,
                                 capture_output=True, text=True).stdout.split()[-1]
            print(f"[{label}] {root}: {float(out):.2f} analyses per account in an alert run a day after the first "
                  f"check ({args.accounts} accounts)")


if __name__ == "__main__":
    main()
