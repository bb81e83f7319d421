"""Import speed: a 100,000-row canonical meetings CSV and a 10,000-event calendar into SQLite.

The goal of issue 7: at least 50,000 meetings/s for canonical CSV into SQLite.
Both files are generated (seeded) against a synthetic portfolio that is
imported first; every run imports into a fresh copy of that store, so each run
creates every meeting. The script prints, per file, the median wall time and
the median CPU time of the process over ``--runs`` runs and meetings per second
for each. The import is ``import_files``, as ``kamgraph import`` runs it: a big
meetings file is read and written at once there (two threads), so on an idle
two-core machine the wall time is below the CPU time; on a machine shared with
other work the CPU time is the steadier figure.

Usage::

    python benchmarks/import_speed.py [--runs 5] [--rows 100000] [--events 10000] [--memory-rows 1000000]
    python benchmarks/import_speed.py --runs 5 --against /tmp/import-base

``--against DIR`` times another checkout (kernels built) on the same files and
the same base store, side by side: every run imports in a new process, the
two checkouts taking turns (this one, the other, this one, ...), so that the
load of a shared machine falls on both alike; it prints both medians and
their ratio, for wall and CPU time, and checks that the two checkouts stored
the same rows in every table (it stops if they did not).

Wall time beyond CPU time is split into ``waiting`` (ready, but other processes had the CPUs: a shared machine)
and ``blocked`` (neither: I/O such as fsync, and sleeps), from ``/proc/self/schedstat``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
#: The checkout whose kamgraph is timed: this one, or the other one of ``--against`` (set for a worker process).
ROOT = Path(os.environ.get("KAMGRAPH_BENCH_ROOT") or HERE)
sys.path.insert(0, str(ROOT))

from kamgraph.ingest import import_files  # noqa: E402
from kamgraph.samples.synth import synth_portfolio  # noqa: E402
from kamgraph.settings import IngestSettings  # noqa: E402
from kamgraph.store import open_store  # noqa: E402

AS_OF = dt.date(2025, 6, 30)
OURS = "ourco.example"


def build_base(path: Path) -> tuple[list[str], list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """A store with a synthetic portfolio; returns staff ids, client ids and their e-mail addresses."""
    batch = synth_portfolio(accounts=10, seed=7, as_of=AS_OF)
    staff = [s.model_copy(update={"email": f"{s.id}@{OURS}"}) for s in batch.staff]
    accounts = [a.model_copy(update={"domains": [f"{a.id}.example"]}) for a in batch.accounts]
    clients = [c.model_copy(update={"email": f"{c.id}@{c.account}.example"}) for c in batch.stakeholders]
    batch.staff, batch.accounts, batch.stakeholders, batch.meetings = staff, accounts, clients, []
    batch.relationships = []
    with open_store(str(path), create=True) as store:
        store.import_batch(batch)
    return ([s.id for s in staff], [c.id for c in clients], [(s.id, s.email or "") for s in staff],
            [(c.id, c.email or "") for c in clients])


def write_meetings(path: Path, rows: int, staff: list[str], clients: list[str]) -> None:
    rng = random.Random(1)
    kinds = ("meeting", "call", "email", "workshop", "qbr", "event")
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "date", "kind", "subject", "source", "source_id", "attendees"])
        for i in range(rows):
            people = rng.sample(staff, rng.randint(1, 2)) + rng.sample(clients, rng.randint(1, 3))
            day = AS_OF - dt.timedelta(days=rng.randint(0, 700))
            out.writerow([f"bm-{i:06d}", day.isoformat(), rng.choice(kinds), f"Meeting {i}", "crm", f"EV-{i}",
                          ";".join(people)])


def write_calendar(path: Path, events: int, staff: list[tuple[str, str]], clients: list[tuple[str, str]]) -> None:
    rng = random.Random(2)
    lines = ["BEGIN:VCALENDAR", "PRODID:-//kamgraph benchmark//EN", "VERSION:2.0", "X-WR-TIMEZONE:Europe/Berlin"]
    for i in range(events):
        start = dt.datetime(2024, 1, 1, 8) + dt.timedelta(days=rng.randint(0, 540), hours=rng.randint(0, 9))
        organiser = rng.choice(staff)
        lines += ["BEGIN:VEVENT", f"UID:bench-{i}@kamgraph.example",
                  f"DTSTART:{start:%Y%m%dT%H%M%S}Z", f"DTEND:{start + dt.timedelta(hours=1):%Y%m%dT%H%M%S}Z",
                  f"SUMMARY:Customer meeting {i}", f"ORGANIZER;CN={organiser[0]}:mailto:{organiser[1]}"]
        if i % 100 == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=10")
        for pid, email in rng.sample(clients, rng.randint(1, 3)):
            lines.append(f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN={pid}:mailto:{email}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())


def schedstat() -> tuple[float, float]:
    """(seconds on a CPU, seconds waiting in the run queue) of this process so far (Linux), or zeros."""
    try:
        on_cpu, waiting, _ = Path("/proc/self/schedstat").read_text().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def run(base: Path, work: Path, file: Path, settings: IngestSettings
        ) -> tuple[float, float, dict[str, float], int]:
    """One import into a fresh copy of the base store: (wall s, CPU s, seconds per part, meetings created).

    The import is :func:`kamgraph.ingest.import_files`, as ``kamgraph import`` runs it (a big meetings file
    takes the pipeline of :mod:`kamgraph.ingest.pipeline` there, reading and writing at once, so it has no
    separate read and write phases). The parts are ``cpu`` (all threads), ``waiting``, the time the process
    was ready but waiting for a CPU (other processes' turn), and ``blocked``: wall time neither on a CPU nor
    waiting, i.e. I/O (fsync, reads) and sleeps; with two threads on two cores, CPU time can exceed wall time
    and these two read as 0."""
    target = work / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copy(base, target)
    with open_store(str(target)) as store:
        s0 = schedstat()
        w0, c0 = time.perf_counter(), time.process_time()
        summary = import_files([file], store, settings=settings, since=dt.date(2024, 1, 1), until=AS_OF)
        c3, w3 = time.process_time(), time.perf_counter()
        s3 = schedstat()
    waiting = s3[1] - s0[1]
    phases = {"cpu": c3 - c0, "waiting": waiting, "blocked": max(w3 - w0 - (c3 - c0) - waiting, 0.0)}
    return w3 - w0, c3 - c0, phases, summary.kinds["meetings"].created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--memory-rows", type=int, default=0,
                        help="Also import a file of this many meetings with 'kamgraph import' in a new process and "
                             "print its peak RSS (issue #15's goal: 1,000,000 meetings under 1 GB).")
    parser.add_argument("--against", type=Path, default=None,
                        help="Another checkout (kernels built) to time side by side on the same files.")
    parser.add_argument("--worker", nargs=3, metavar=("BASE", "WORK", "FILE"), help=argparse.SUPPRESS)
    parser.add_argument("--build-base", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    settings = IngestSettings(our_domains=[OURS])
    if args.build_base:  # for --against: the other checkout writes its own base store (its own schema)
        build_base(args.build_base)
        return
    if args.worker:  # one run in this process, for --against: print the figures as JSON
        base, work, file = (Path(p) for p in args.worker)
        wall, cpu, parts, created = run(base, work, file, settings)
        print(json.dumps({"wall": wall, "cpu": cpu, "phases": parts, "created": created}))
        return
    checkouts = [("this", HERE)] + ([("other", args.against.resolve())] if args.against else [])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = work / "base.db"
        staff, clients, staff_mail, client_mail = build_base(base)
        meetings = work / "meetings.csv"
        write_meetings(meetings, args.rows, staff, clients)
        calendar = work / "calendar.ics"
        write_calendar(calendar, args.events, staff_mail, client_mail)
        if args.memory_rows:
            peak_import(base, work, args.memory_rows, staff, clients)
        bases = {"this": base}
        if args.against:
            bases["other"] = work / "base-other.db"
            subprocess.run([sys.executable, str(Path(__file__).resolve()), "--build-base", str(bases["other"])],
                           cwd=args.against, check=True, env={**os.environ, "PYTHONPATH": str(args.against.resolve()),
                                                               "KAMGRAPH_BENCH_ROOT": str(args.against.resolve())})
            print(f"this checkout {HERE} side by side with {checkouts[1][1]}; {args.runs} runs each, taking turns")
        for label, file in ((f"canonical CSV, {args.rows:,} meetings", meetings),
                            (f"ICS, {args.events:,} events", calendar)):
            results: dict[str, list[tuple[float, float, dict[str, float], int]]] = {name: [] for name, _ in checkouts}
            loads = []
            for _ in range(args.runs):
                for name, root in checkouts:
                    if args.against:
                        results[name].append(run_elsewhere(root, bases[name], work, file))
                        shutil.copy(work / "run.db", work / f"{name}.db")  # closed: the WAL is checkpointed
                    else:
                        results[name].append(run(base, work, file, settings))
                    loads.append(os.getloadavg()[0])
            medians = {}
            for name, _root in checkouts:
                walls = [r[0] for r in results[name]]
                cpus = [r[1] for r in results[name]]
                created = results[name][0][3]
                wall, cpu = statistics.median(walls), statistics.median(cpus)
                medians[name] = (wall, cpu)
                detail = ", ".join(f"{key} {statistics.median(r[2][key] for r in results[name]):.2f}"
                                   for key in results[name][0][2])
                who = f"[{name}] " if args.against else ""
                print(f"{who}{label}: {created:,} meetings; median over {args.runs} runs: wall {wall:.2f} s "
                      f"-> {created / wall:,.0f}/s; CPU {cpu:.2f} s -> {created / cpu:,.0f}/s "
                      f"(s: {detail}; load average {statistics.median(loads):.1f}, "
                      f"{min(loads):.1f}-{max(loads):.1f})")
            if args.against:
                same_rows(work / "this.db", work / "other.db", label)
                (w1, c1), (w2, c2) = medians["this"], medians["other"]
                print(f"  {label}: this checkout takes {w1 / w2:.2f}x the wall time and {c1 / c2:.2f}x the CPU time "
                      f"of the other (speed-up {w2 / w1:.2f}x wall, {c2 / c1:.2f}x CPU)")


def same_rows(one: Path, other: Path, label: str) -> None:
    """Stop unless the two stores hold the same rows in every table they both have (a table of a newer
    schema, in one only, is named)."""
    from tests.sqlite_rows import table_rows  # this checkout's (a worker of the other one never compares)

    mine, theirs = table_rows(one), table_rows(other)
    alone = sorted(set(mine) ^ set(theirs))
    mine = {k: v for k, v in mine.items() if k in theirs}
    theirs = {k: v for k, v in theirs.items() if k in mine}
    if alone:
        print(f"  {label}: tables in one store only, not compared: {', '.join(alone)}")
    if mine != theirs:
        differ = [name for name in sorted(set(mine) | set(theirs)) if mine.get(name) != theirs.get(name)]
        raise SystemExit(f"{label}: the two checkouts stored different rows (tables {', '.join(differ)})")
    print(f"  {label}: both checkouts stored the same rows ({sum(map(len, mine.values())):,} rows, "
          f"{len(mine)} tables)")


def run_elsewhere(root: Path, base: Path, work: Path, file: Path) -> tuple[float, float, dict[str, float], int]:
    """:func:`run` in a new process importing the kamgraph of checkout ``root``."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", str(base), str(work), str(file)],
                          cwd=root, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(root), "KAMGRAPH_BENCH_ROOT": str(root)})
    if done.returncode:
        raise SystemExit(f"run in {root} failed: {done.stderr.strip()[-500:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["wall"], out["cpu"], out["phases"], out["created"]


def peak_import(base: Path, work: Path, rows: int, staff: list[str], clients: list[str]) -> None:
    """``kamgraph import`` of ``rows`` meetings into a copy of the base store, in a new process: peak RSS."""
    big = work / "big-meetings.csv"
    write_meetings(big, rows, staff, clients)
    target = work / "big.db"
    shutil.copy(base, target)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--store", f"sqlite:///{target}", "import", "-q",
                           "--json", str(big)], cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"import failed: {done.stderr.strip()[-500:]}")
    created = json.loads(done.stdout)["kinds"]["meetings"]["created"]
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(f"kamgraph import of {created:,} meetings in a new process: peak RSS {after.ru_maxrss / 1024:,.0f} MB "
          f"({after.ru_maxrss * 1024 / created:,.0f} bytes per meeting), wall {wall:.1f} s, CPU {cpu:.1f} s "
          f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
