"""A Salesforce Event export whose people are mostly unknown ids: the import's look-ups, side by side.

An Event export names every event's contact or lead (``WhoId``) and owner by Salesforce id. Ids this import
did not make are looked up in the store -- the person by that id, then the provenance an earlier import or
pull noted for it (a user or contact matched by e-mail is stored under the id it matched). This times
``kamgraph import Event.csv`` of ``--events`` events at Globex, owned by Lena, half of them with Hank and the
other half with a lead of its own (an id with no record of ours), into a store holding the canonical sample and
the Salesforce users, accounts and contacts. Lena and Hank are stored by their Salesforce ids, so both
checkouts find the same people and write the same meetings: what differs is how the ids are looked up (and
this checkout notes each event's provenance).

Each import runs in a new process (``PYTHONPATH`` = the checkout), the checkouts taking turns; SQLite imports
into a fresh copy of the same prepared file each time; on the Bolt test server (``--backends bolt``) one
untimed import first, so every timed one finds the meetings written (unchanged) in both checkouts.

Usage::

    python benchmarks/salesforce_lookups.py --against ../base --rounds 5
    python benchmarks/salesforce_lookups.py --against ../base --backends sqlite bolt
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
FIRST = [DATA / "salesforce" / name for name in ("User.csv", "Account.csv", "Contact.csv")]
IMPORT = ("import os, sys\n"
          "from kamgraph.ingest import import_files\n"
          "from kamgraph.store import open_store\n"
          "password = os.environ.get('KAMGRAPH_NEO4J_PASSWORD')\n"
          "with (open_store(sys.argv[1], password=password, env={}) if password else open_store(sys.argv[1])) as s:\n"
          "    summary = import_files(sys.argv[2:], s)\n"
          "print(sum(k.total for k in summary.kinds.values()), len(summary.skipped))\n")


def events_file(path: Path, count: int) -> None:
    """``count`` events: Lena the owner, Hank on the even ones, a lead of its own (lower-case ids: 18-character
    form ``...AAA``) on the odd ones."""
    lines = ["Id,ActivityDate,Type,WhoId,OwnerId,AccountId"]
    for n in range(count):
        who = "0035g00000HnkS1AAJ" if n % 2 == 0 else f"00q5g0{n:09d}AAA"
        lines.append(f"00u5g0{n:09d}AAA,2025-{1 + n % 12:02d}-{1 + n % 28:02d},Meeting,{who},0055g00000LenP2AAJ,"
                     "0015g00000Glbx1AAB")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(root: Path, url: str, files: list[Path], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", IMPORT, url, *map(str, files)], cwd=root, capture_output=True,
                          text=True, env={**env, "PYTHONPATH": str(root)}, check=False)
    if done.returncode:
        sys.exit(f"{root}: {done.stderr.strip().splitlines()[-1]}")
    return time.perf_counter() - start, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", type=Path, help="Another checkout, timed in turn on the same files.")
    parser.add_argument("--backends", nargs="+", choices=["sqlite", "bolt"], default=["sqlite"])
    args = parser.parse_args()
    roots = [ROOT] + ([args.against.resolve()] if args.against else [])
    with tempfile.TemporaryDirectory(prefix="kamgraph-sf-") as folder:
        tmp = Path(folder)
        events = tmp / "Event.csv"
        events_file(events, args.events)
        canonical = sorted((DATA / "canonical").glob("*.csv"))
        print(f"{args.events} events, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}", flush=True)
        for backend in args.backends:
            env = dict(os.environ)
            urls: dict[Path, str] = {}
            server = None
            if backend == "bolt":
                sys.path.insert(0, str(ROOT))
                from tests.bolt_server import start_arcadedb

                server = start_arcadedb()
                env["KAMGRAPH_NEO4J_PASSWORD"] = server.password
            try:
                for i, root in enumerate(roots):
                    if server is None:
                        base = tmp / f"base{i}.db"
                        subprocess.run([sys.executable, "-c", "import sys\nfrom kamgraph.store import open_store\n"
                                        "open_store(sys.argv[1], create=True).close()", str(base)], cwd=ROOT,
                                       env={**env, "PYTHONPATH": str(ROOT)}, check=True)
                        run(root, str(base), canonical, env)
                        run(root, str(base), FIRST, env)
                        urls[root] = str(base)
                    else:
                        name = f"sf{i}"
                        server.create_database(name)
                        urls[root] = f"{server.bolt_uri}/{name}".replace("://", f"://{server.user}@", 1)
                        run(root, urls[root], canonical, env)
                        run(root, urls[root], FIRST, env)
                        run(root, urls[root], [events], env)  # untimed: the meetings are written once
                times: dict[Path, list[float]] = {root: [] for root in roots}
                outputs: dict[Path, str] = {}
                for _ in range(args.rounds):
                    for root in roots:
                        url = urls[root]
                        if server is None:
                            url = str(tmp / "run.db")
                            shutil.copyfile(urls[root], url)
                        seconds, outputs[root] = run(root, url, [events], env)
                        times[root].append(seconds)
                medians = {root: statistics.median(found) for root, found in times.items()}
                line = f"[{backend}] this checkout {medians[ROOT]:.2f} s (records, skipped: {outputs[ROOT]})"
                if args.against:
                    other = roots[1]
                    line += (f"   {other.name} {medians[other]:.2f} s ({outputs[other]})   "
                             f"ratio {medians[ROOT] / medians[other]:.2f}")
                print(line + f"   medians of {args.rounds}, load {os.getloadavg()[0]:.1f}", flush=True)
            finally:
                if server is not None:
                    server.stop()


if __name__ == "__main__":
    main()
