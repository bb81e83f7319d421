"""Import speed of the Neo4j store: a synthetic portfolio into a Bolt server, vs. the server's raw MERGE rate.

The goal (issue #4): kamgraph's import writes relationships at >= 0.8 times the rate at which the same
server MERGEs bare relationships between nodes looked up by id, measured in the same run.

* **Import**: :func:`kamgraph.samples.synth.synth_portfolio` (2,000 accounts by default) is imported the way a
  team would load it -- the accounts, the staff pool with its teams, then one ``import_batch`` (one
  all-or-nothing transaction, with id look-ups, upsert planning and MET edges) per account. The rate is every
  relationship in the database afterwards (ATTENDED, WORKS_AT, ON_TEAM, REPORTS_TO, KNOWS,
  INFLUENCES, MET) divided by the wall time of all the imports -- node writes, reads and planning
  included.
* **Raw MERGE**: in a scratch database, ``--raw-edges`` relationships are MERGEd between random pairs
  of ``BenchNode`` nodes (unique ids, looked up by index) with the same batch size, in transactions of
  ``--raw-tx`` relationships (the size of an average account import). After one warm-up run (not
  counted: the JVM compiles its hot paths), the imports are split into ``--rounds`` rounds with a
  raw run before each round and after the last, so that both see the same server (JIT, garbage
  collector, database size, other load on the machine). The median raw rate is compared, and the
  fastest run is reported too.

By default the script starts its own ArcadeDB (``tests/bolt_server.py``, needs the ``test`` extra) with
``--heap`` memory; ``--uri`` uses a running server instead (``KAMGRAPH_NEO4J_USER`` / ``_PASSWORD``;
the databases named by ``--database`` and ``--scratch-database`` must exist and be empty).

Usage::

    python benchmarks/bolt_import.py                 # 2,000 accounts: about 15-20 minutes on 2 cores
    python benchmarks/bolt_import.py --accounts 50   # a quick run
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

import neo4j

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kamgraph.domain.dataset import Batch  # noqa: E402
from kamgraph.samples.synth import synth_portfolio  # noqa: E402
from kamgraph.store.cypher import queries  # noqa: E402
from kamgraph.store.neo4j import Neo4jStore  # noqa: E402

AS_OF = dt.date(2026, 6, 30)


def split_by_account(portfolio: Batch) -> list[Batch]:
    """The accounts, then the staff pool with its teams, then one batch per account (people, meetings, ties)."""
    kinds = portfolio.person_kinds
    by_account: dict[str, Batch] = {a.id: Batch(person_kinds=kinds) for a in portfolio.accounts}
    home = {}
    for s in portfolio.stakeholders:
        by_account[s.account].stakeholders.append(s)
        home[s.id] = s.account
    for m in portfolio.meetings:
        by_account[m.account or home[next(p for p in m.attendees if p in home)]].meetings.append(m)
    for r in portfolio.relationships:
        by_account[home[r.source]].relationships.append(r)
    return [Batch(accounts=portfolio.accounts, person_kinds=kinds), Batch(staff=portfolio.staff, person_kinds=kinds),
            *by_account.values()]


def raw_merge_rate(driver: neo4j.Driver, database: str, edges: int, nodes: int, batch: int, per_tx: int,
                   seed: int) -> float:
    """Relationships per second MERGEd between existing nodes (fresh nodes for every measurement)."""
    book = queries()
    rng = random.Random(seed)
    prefix = f"r{seed}-"
    driver.execute_query(book["bench_schema"].text, database_=database)
    ids = [f"{prefix}{i}" for i in range(nodes)]
    with driver.session(database=database) as session:
        for start in range(0, nodes, 10_000):
            rows = [{"id": i} for i in ids[start:start + 10_000]]
            session.execute_write(lambda tx, rows=rows: tx.run(book["bench_create_nodes"].text, rows=rows).consume())
        pairs = [{"a": rng.choice(ids), "b": rng.choice(ids)} for _ in range(edges)]
        begin = time.perf_counter()
        for start in range(0, edges, per_tx):
            chunk = pairs[start:start + per_tx]

            def work(tx: neo4j.ManagedTransaction, chunk: list[dict[str, str]] = chunk) -> None:
                for b in range(0, len(chunk), batch):
                    tx.run(book["bench_merge_edges"].text, rows=chunk[b:b + batch]).consume()

            session.execute_write(work)
        return edges / (time.perf_counter() - begin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000, help="accounts in the portfolio (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=1000, help="rows per batched write (default 1000)")
    parser.add_argument("--raw-edges", type=int, default=20_000, help="relationships per raw MERGE measurement")
    parser.add_argument("--rounds", type=int, default=10,
                        help="the imports are split into this many rounds, with a raw MERGE run before each "
                             "and after the last (default 10)")
    parser.add_argument("--raw-nodes", type=int, default=20_000, help="nodes the raw MERGE links")
    parser.add_argument("--raw-tx", type=int, default=None,
                        help="relationships per raw MERGE transaction (default: those of an average account)")
    parser.add_argument("--heap", default="2g", help="JVM heap of the ArcadeDB started here (default 2g)")
    parser.add_argument("--uri", default=None, help="use this running Bolt server instead of starting ArcadeDB")
    parser.add_argument("--database", default="bench", help="database for the import (default bench)")
    parser.add_argument("--scratch-database", default="bench_raw", help="database for the raw MERGE")
    args = parser.parse_args()

    server = None
    if args.uri:
        uri, user, password = args.uri, os.environ.get("KAMGRAPH_NEO4J_USER", "neo4j"), os.environ[
            "KAMGRAPH_NEO4J_PASSWORD"]
        where = f"Bolt server {uri}"
    else:
        from tests.bolt_server import start_arcadedb

        server = start_arcadedb(heap=args.heap)
        for name in (args.database, args.scratch_database):
            server.create_database(name)
        uri, user, password = server.bolt_uri, server.user, server.password
        where = f"ArcadeDB (arcadedb-embedded) started here, -Xmx{args.heap}"
    try:
        begin = time.perf_counter()
        portfolio = synth_portfolio(args.accounts, seed=args.seed, as_of=AS_OF)
        parts = split_by_account(portfolio)
        made = time.perf_counter() - begin
        attendances = sum(len(m.attendees) for m in portfolio.meetings)
        print(f"server:    {where}; {os.cpu_count()} CPUs")
        print(f"portfolio: {len(portfolio.accounts):,} accounts, {len(portfolio.staff):,} staff, "
              f"{len(portfolio.stakeholders):,} stakeholders, {len(portfolio.meetings):,} meetings, "
              f"{attendances:,} attendances (generated in {made:.0f} s)", flush=True)
        per_tx = args.raw_tx or max(args.batch_size, round(attendances / max(1, args.accounts)))

        with neo4j.GraphDatabase.driver(uri, auth=(user, password)) as driver:
            def raw_run(seed: int) -> float:
                return raw_merge_rate(driver, args.scratch_database, args.raw_edges, args.raw_nodes, args.batch_size,
                                      per_tx, seed)

            warm = raw_run(0)  # the JVM compiles its hot paths during the first run: not counted
            store = Neo4jStore(f"{uri}/{args.database}", user=user, password=password,
                               batch_size=args.batch_size, env={})
            raw: list[float] = []
            took = 0.0
            written = 0
            groups = max(1, min(args.rounds, len(parts)))
            bounds = [round(i * len(parts) / groups) for i in range(groups + 1)]
            for g in range(groups):
                raw.append(raw_run(g + 1))
                begin = time.perf_counter()
                for part in parts[bounds[g]:bounds[g + 1]]:
                    store.import_batch(part)
                spent = time.perf_counter() - begin
                took += spent
                total = driver.execute_query(queries()["count_relationships"].text,
                                             database_=args.database).records[0]["relationships"]
                print(f"  round {g + 1}/{groups}: raw MERGE {raw[-1]:,.0f}/s, import "
                      f"{(total - written) / spent:,.0f}/s; {bounds[g + 1]:,}/{len(parts):,} imports done, "
                      f"{took:,.0f} s importing", file=sys.stderr, flush=True)
                written = total
            raw.append(raw_run(groups + 1))
            counts = store.counts()
            store.close()
            relationships = driver.execute_query(queries()["count_relationships"].text,
                                                 database_=args.database).records[0]["relationships"]
        expected = (len(portfolio.stakeholders), len(portfolio.meetings), attendances)
        got = (counts["stakeholders"], counts["meetings"], counts["attendances"])
        assert got == expected, f"store holds {got}, portfolio has {expected}"
        derived = relationships - (counts["attendances"] + counts["reporting_lines"] + counts["relationships"])
        nodes = sum(counts[k] for k in ("accounts", "staff", "stakeholders", "meetings"))
        rate = relationships / took
        median = statistics.median(raw)
        print(f"raw MERGE: median {median:,.0f} relationships/s over {len(raw)} runs (min {min(raw):,.0f}, max "
              f"{max(raw):,.0f}; warm-up run {warm:,.0f}/s not counted); {args.raw_edges:,} per run, "
              f"{per_tx:,} per transaction, batch {args.batch_size}")
        print(f"raw MERGE runs in order: {', '.join(f'{r:,.0f}' for r in raw)}")
        print(f"import:    {relationships:,} relationships ({counts['attendances']:,} ATTENDED, "
              f"{counts['reporting_lines']:,} REPORTS_TO, {counts['relationships']:,} KNOWS/INFLUENCES, "
              f"{derived:,} MET/WORKS_AT/ON_TEAM) and {nodes:,} nodes in {len(parts):,} transactions, {took:,.0f} s")
        print(f"import rate: {rate:,.0f} relationships/s; ratio to the median raw MERGE rate: {rate / median:.2f} "
              f"(goal >= 0.8); to the fastest raw run: {rate / max(raw):.2f}")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
