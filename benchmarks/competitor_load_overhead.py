"""Cost of reading competitor ties and per-person cadence overrides with every portfolio load (issue #16, item 4).

``SqliteStore.load_accounts`` reads, per chunk of accounts, the chunk's competitor ties and the stakeholders'
``cadence_days`` in two extra queries. This times the portfolio-wide load side by side with and without those
two reads (replaced by no-ops in the same process, alternating run by run), on a synthetic portfolio with a
competitor tie on every 50th stakeholder and a cadence override on every 40th, and prints the medians and
their ratio, and -- less exposed to a busy machine -- the two reads timed on their own over the same accounts.
Both ways must load the same stakeholders; only the one with the reads carries the ties.

Usage::

    python benchmarks/competitor_load_overhead.py               # 300 accounts, 7 runs per way
    python benchmarks/competitor_load_overhead.py --accounts 100 --runs 3
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kamgraph.domain.models import CompetitorTie
from kamgraph.samples.synth import synth_portfolio
from kamgraph.store.sqlite import SqliteStore


def build(path: Path, accounts: int) -> None:
    batch = synth_portfolio(accounts, seed=3, as_of=dt.date(2026, 1, 1))
    batch.competitor_ties = [CompetitorTie(stakeholder=s.id, competitor="Contoso", strength=4)
                             for s in batch.stakeholders[::50]]
    batch.stakeholders = [s.model_copy(update={"cadence_days": 30}) if i % 40 == 0 else s
                          for i, s in enumerate(batch.stakeholders)]
    with SqliteStore(path) as store:
        store.import_batch(batch)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "portfolio.db"
        build(path, args.accounts)
        store = SqliteStore(path)
        ids = store.account_ids()
        real = SqliteStore._competitor_ties_by_account, SqliteStore._with_cadence_days

        def skip_ties(self: SqliteStore, account_ids: object) -> dict[str, list[CompetitorTie]]:
            return {}

        def skip_days(self: SqliteStore, stakeholders: list, account_ids: object = None) -> None:  # type: ignore[type-arg]
            for person in stakeholders:
                person.__dict__["cadence_days"] = None

        def timed() -> tuple[float, int, int]:
            start = time.perf_counter()
            snaps = list(store.load_accounts(ids))
            return (time.perf_counter() - start, sum(len(s.stakeholders) for s in snaps),
                    sum(len(s.competitor_ties) for s in snaps))

        with_reads, without = [], []
        for _ in range(args.runs):
            SqliteStore._competitor_ties_by_account, SqliteStore._with_cadence_days = real
            seconds, people, ties = timed()
            with_reads.append(seconds)
            SqliteStore._competitor_ties_by_account, SqliteStore._with_cadence_days = skip_ties, skip_days
            seconds, same_people, no_ties = timed()
            without.append(seconds)
            assert same_people == people and no_ties == 0 and ties > 0
        SqliteStore._competitor_ties_by_account, SqliteStore._with_cadence_days = real
        unique = sorted(set(ids))
        everyone = [p for snap in store.load_accounts(ids) for p in snap.stakeholders]
        reads = []
        for _ in range(args.runs):
            start = time.perf_counter()
            store._competitor_ties_by_account(unique)
            store._with_cadence_days(everyone, unique)
            reads.append(time.perf_counter() - start)
        store.close()
    a, b = statistics.median(with_reads), statistics.median(without)
    print(f"{len(ids)} accounts, {people} stakeholders, {ties} competitor ties, {args.runs} runs per way")
    print(f"load_accounts with the reads: median {a * 1000:.0f} ms; without: {b * 1000:.0f} ms; ratio {a / b:.3f}")
    print(f"the two reads alone, all accounts: median {statistics.median(reads) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
