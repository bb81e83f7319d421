"""End-to-end speed of the portfolio-wide commands, and of one account in a big store (issue #15).

Measured as a user runs them: ``python cli.py portfolio --json`` and ``python cli.py alerts --json`` in a new
process each time (start-up, store reads, analysis and output included), on stores built with
:func:`kamgraph.samples.synth.synth_portfolio` (30-300 stakeholders, 5-40 staff per account):

* accounts/s for ``portfolio`` and ``alerts`` at each size (default 100, 500 and 2,000 accounts), on SQLite
  and on the Bolt test server (ArcadeDB from ``tests/bolt_server.py``, needs the ``test`` extra), and the
  scaling ratio: time per account at the largest size over that at the smallest (goal <= 1.2);
  ``alerts`` is timed on runs after the first (the first of a store also analyses every account as of
  ``first_check_days`` earlier; it is printed apart), and again on runs that each follow a write to the
  store (an alias of one account: no figure changes, but the data generation does, so the check computes
  the sustained-fall rule's past points afresh instead of reading those the last check kept);
* ``xray`` of one account by id and by exact name (upper-cased: the look-up ignoring case) on a 4-account
  store and on the largest store holding the same 4 accounts and more, runs interleaved (goal: within 1.1x).

Medians of ``--repeat`` runs, measured side by side in one run, each with its CPU time (user + system of the
command and its worker processes, from ``getrusage`` of children) and the load average: on a shared machine
the CPU time is the steadier figure. ``--against DIR`` times another checkout (kernels built) on the same
records, run by run beside this one (on stores that checkout writes itself, so that a schema change between
the two does not stop it). The executor is the default (local worker processes;
``KAMGRAPH_EXECUTOR__URL`` picks another).

Usage::

    python benchmarks/portfolio_cli.py                                   # 100, 500, 2,000 on both stores
    python benchmarks/portfolio_cli.py --sizes 100 500 --backends sqlite # a quicker run
    python benchmarks/portfolio_cli.py --sizes 100 2000 --backends sqlite --skip-xray --against /tmp/base
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kamgraph.domain.dataset import Batch  # noqa: E402
from kamgraph.samples.synth import synth_portfolio  # noqa: E402
from kamgraph.store import open_store  # noqa: E402

AS_OF = dt.date(2026, 6, 30)
SEED = 1


def subset(batch: Batch, keep: set[str]) -> Batch:
    """The records of ``batch`` that belong to the accounts ``keep`` (staff teams cut to them)."""
    clients = [s for s in batch.stakeholders if s.account in keep]
    ids = {s.id for s in clients}
    staff = [s.model_copy(update={"accounts": [a for a in s.accounts if a in keep]}) for s in batch.staff]
    meetings = [m for m in batch.meetings if ids & set(m.attendees)]
    ours = {s.id for s in staff}
    meetings = [m.model_copy(update={"attendees": [p for p in m.attendees if p in ids or p in ours]})
                for m in meetings]
    ties = [r for r in batch.relationships if {r.source, r.target} <= ids | ours]
    kinds = {k: v for k, v in batch.person_kinds.items() if k in ids or k in ours}
    return Batch(accounts=[a for a in batch.accounts if a.id in keep], staff=staff, stakeholders=clients,
                 meetings=meetings, relationships=ties, person_kinds=kinds)


#: Accounts per transaction when the benchmark writes a store on the Bolt test server.
BOLT_SLICE = 500


def slices(batch: Batch, size: int) -> list[Batch]:
    """``batch``'s stakeholders, meetings and ties in parts of ``size`` accounts (its accounts and staff are
    written before), in order: each meeting and tie goes with the last part holding one of its stakeholders,
    so that every person it names is written by then."""
    ids = [a.id for a in batch.accounts]
    part_of = {a: i // size for i, a in enumerate(ids)}
    home = {s.id: part_of[s.account] for s in batch.stakeholders}
    n = -(-len(ids) // size)
    people: list[list] = [[] for _ in range(n)]
    meetings: list[list] = [[] for _ in range(n)]
    ties: list[list] = [[] for _ in range(n)]
    for s in batch.stakeholders:
        people[home[s.id]].append(s)
    for m in batch.meetings:
        meetings[max((home[p] for p in m.attendees if p in home), default=0)].append(m)
    for r in batch.relationships:
        ends = [home[p] for p in (r.source, r.target) if p in home]
        ties[max(ends) if ends else 0].append(r)
    return [Batch(stakeholders=people[i], meetings=meetings[i], relationships=ties[i], person_kinds=batch.person_kinds)
            for i in range(n)]


#: CPU seconds (user + system) of the last :func:`cli` run, its worker processes included.
LAST_CPU = [0.0]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(args: list[str], env: dict[str, str], root: Path = ROOT) -> float:
    """Wall time of one ``kamgraph`` command in a new process (exit 0 or 1 accepted); its CPU time goes to
    :data:`LAST_CPU` (``getrusage`` of children: the command and the worker processes it waited for)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(root / "cli.py"), *args], env={**env, "PYTHONPATH": str(root)},
                          cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    LAST_CPU[0] = _children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise SystemExit(f"kamgraph {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return wall


def median(args: list[str], env: dict[str, str], repeat: int, root: Path = ROOT) -> tuple[float, float]:
    """Median wall and median CPU time of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        walls.append(cli(args, env, root))
        cpus.append(LAST_CPU[0])
    return statistics.median(walls), statistics.median(cpus)


#: Writes one change to the store that no figure reads (an alias of the first account): the data generation
#: moves on, so an alert check after it finds no past points it may reuse (see ``past_points_key``).
TOUCH = ("import os, sys\n"
         "from kamgraph.domain.dataset import Batch\n"
         "from kamgraph.store import open_store\n"
         "password = os.environ.get('KAMGRAPH_NEO4J_PASSWORD')\n"
         "url = os.environ['KAMGRAPH_STORE']\n"
         "with (open_store(url, password=password, env={}) if password else open_store(url)) as store:\n"
         "    first = store.get_account(store.account_ids()[0])\n"
         "    store.import_batch(Batch(accounts=[first.model_copy(update={'aliases': [sys.argv[1]]})]))\n")


def touch(env: dict[str, str], root: Path, mark: str) -> None:
    """One write of :data:`TOUCH` (not timed)."""
    subprocess.run([sys.executable, "-c", TOUCH, mark], env={**env, "PYTHONPATH": str(root)}, cwd=root, check=True)


def after_writes(args: list[str], env: dict[str, str], repeat: int, root: Path) -> tuple[float, float]:
    """Median wall and CPU time of ``repeat`` runs of ``args``, each after a write (:func:`touch`)."""
    walls, cpus = [], []
    for i in range(repeat):
        touch(env, root, f"bench-touch-{i}")
        walls.append(cli(args, env, root))
        cpus.append(LAST_CPU[0])
    return statistics.median(walls), statistics.median(cpus)


def load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


class Stores:
    """Where the benchmark stores live: SQLite files in a temporary directory, or databases on ArcadeDB."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend, self.tmp, self.server, self.n = backend, tmp, None, 0
        if backend == "bolt":
            from tests.bolt_server import start_arcadedb

            self.server = start_arcadedb(heap=os.environ.get("KAMGRAPH_BENCH_HEAP", "2g"))

    def new(self, batch: Batch, root: Path = ROOT, size: int = 0) -> dict[str, str]:
        """A store holding ``batch``; the environment that points the CLI at it.

        With another checkout as ``root``, that checkout writes the store itself, in a process of its own
        (``synth_portfolio(size)`` with the same seed: the same records): its code may read only a schema
        as old as its own.
        """
        self.n += 1
        env = {**os.environ, "PYTHONPATH": str(root)}
        if self.server is None:
            url = f"sqlite:///{self.tmp / f'bench{self.n}.db'}"
        else:
            name = f"bench{self.n}"
            self.server.create_database(name)
            url = f"{self.server.bolt_uri}/{name}".replace("://", f"://{self.server.user}@", 1)
            env["KAMGRAPH_NEO4J_PASSWORD"] = self.server.password
        if root == ROOT:
            with (open_store(url, create=True) if self.server is None
                  else open_store(url, password=self.server.password, env={})) as store:
                store.import_batch(Batch(accounts=batch.accounts, staff=batch.staff))
                # The Bolt test server's JVM (2 GB) holds about half a million meetings in one transaction:
                # a store of 2,000 accounts (a million) is written 500 accounts at a time there.
                for part in ([batch] if self.server is None else slices(batch, BOLT_SLICE)):
                    store.import_batch(part)
        else:
            builder = ("import datetime as dt, os, sys\n"
                       f"sys.path.insert(0, {str(root)!r})\n"
                       "from kamgraph.domain.dataset import Batch\n"
                       "from kamgraph.samples.synth import synth_portfolio\n"
                       "from kamgraph.store import open_store\n"
                       f"batch = synth_portfolio({size:d}, seed={SEED:d}, "
                       f"as_of=dt.date.fromisoformat({AS_OF.isoformat()!r}))\n"
                       "password = os.environ.get('KAMGRAPH_NEO4J_PASSWORD')\n"
                       "with (open_store(sys.argv[1], password=password, env={}) if password else "
                       "open_store(sys.argv[1], create=True)) as store:\n"
                       "    store.import_batch(Batch(accounts=batch.accounts, staff=batch.staff))\n"
                       "    store.import_batch(batch)\n")
            subprocess.run([sys.executable, "-c", builder, url], env=env, cwd=root, check=True)
        env["KAMGRAPH_STORE"] = url
        return env

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "bolt"], choices=["sqlite", "bolt"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", type=Path, default=None,
                        help="Another checkout (with its kernels built) to time side by side on the same stores.")
    parser.add_argument("--skip-xray", action="store_true", help="Leave out the xray pairing.")
    args = parser.parse_args()
    roots = [("", ROOT)] + ([(" other", args.against.resolve())] if args.against else [])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the Bolt server on kill, too
    sizes = sorted(args.sizes)
    day = ["--as-of", AS_OF.isoformat(), "--json"]
    print(f"portfolio_cli: sizes {sizes}, backends {args.backends}, medians of {args.repeat} runs, "
          f"executor {os.environ.get('KAMGRAPH_EXECUTOR__URL', 'local (default)')}, {os.cpu_count()} CPUs, {load()}"
          + (f", side by side with {args.against}" if args.against else ""))
    for backend in args.backends:
        with tempfile.TemporaryDirectory() as tmp:
            stores = Stores(backend, Path(tmp))
            try:
                per_account: dict[str, dict[int, float]] = {"portfolio": {}, "alerts": {}}
                big_env, big = None, None
                for n in sizes:
                    start = time.perf_counter()
                    batch = synth_portfolio(n, seed=SEED, as_of=AS_OF)
                    env = stores.new(batch)
                    print(f"[{backend}] {n} accounts: store built in {time.perf_counter() - start:.0f} s "
                          f"({len(batch.meetings)} meetings)", flush=True)
                    envs = {ROOT: env}
                    for _label, root in roots[1:]:
                        envs[root] = stores.new(batch, root, n)
                    for label, root in roots:
                        env = envs[root]
                        t_port, c_port = median(["portfolio", *day], env, args.repeat, root)
                        t_first = cli(["alerts", *day], env, root)
                        t_alerts, c_alerts = median(["alerts", *day], env, args.repeat, root)
                        t_wrote, c_wrote = after_writes(["alerts", *day], env, args.repeat, root)
                        if root == ROOT:
                            per_account["portfolio"][n], per_account["alerts"][n] = t_port / n, t_alerts / n
                        print(f"[{backend}]{label} {n:5d} accounts  portfolio {t_port:7.2f} s {n / t_port:7.1f} "
                              f"accounts/s (CPU {c_port:6.2f} s, {1000 * c_port / n:5.1f} ms/account)   "
                              f"alerts {t_alerts:7.2f} s {n / t_alerts:7.1f} accounts/s (CPU {c_alerts:6.2f} s, "
                              f"{1000 * c_alerts / n:5.1f} ms/account)   alerts after a write {t_wrote:7.2f} s "
                              f"{n / t_wrote:7.1f} accounts/s (CPU {1000 * c_wrote / n:5.1f} ms/account)   "
                              f"(first alerts run {t_first:.2f} s)   {load()}", flush=True)
                    big_env, big = envs[ROOT], batch
                for job, costs in per_account.items():
                    if len(costs) > 1:
                        print(f"[{backend}] {job}: per-account time at {sizes[-1]} / at {sizes[0]} accounts = "
                              f"{costs[sizes[-1]] / costs[sizes[0]]:.2f}  (goal <= 1.2)")
                if big is not None and big_env is not None and not args.skip_xray:
                    keep = {a.id for a in big.accounts[:4]}
                    small_env = stores.new(subset(big, keep))
                    target = big.accounts[1]
                    for label, key in (("id", target.id), ("name", target.name.upper())):
                        times: dict[str, list[float]] = {"small": [], "large": []}
                        for _ in range(2 * args.repeat + 1):  # interleaved, so a busy moment hits both
                            times["small"].append(cli(["xray", key, *day], small_env))
                            times["large"].append(cli(["xray", key, *day], big_env))
                        small, large = (statistics.median(times[k]) for k in ("small", "large"))
                        print(f"[{backend}] xray by {label}: 4 accounts {small:.3f} s, {len(big.accounts)} accounts "
                              f"{large:.3f} s, ratio {large / small:.2f}  (goal <= 1.1)", flush=True)
            finally:
                stores.close()


if __name__ == "__main__":
    main()
