"""Ties recorded as two kinds between the same two people, one updated: read back without the store's code.

SQLite is read with plain ``sqlite3`` SQL, Neo4j with the official driver and the catalogue's plain read of
every tie (``all_ties``, not the store's code): the update must change the tie of its own kind and nothing
else, and the store's own loaders must agree.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import neo4j
import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Relationship
from kamgraph.store import open_store
from kamgraph.store.cypher import queries

from .conftest import BoltServer
from .test_store import sample_batch

PAIR = ("a-eng", "a-ceo")


def with_ties(*ties: tuple[str, float]) -> Batch:
    batch = sample_batch()
    batch.relationships = [Relationship(source=PAIR[0], target=PAIR[1], kind=kind, weight=w) for kind, w in ties]
    return batch


def sqlite_ties(path: Path) -> list[tuple[str, str, str, float]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT source_id, target_id, kind, weight FROM relationship ORDER BY kind").fetchall()


def neo4j_ties(bolt: BoltServer, database: str) -> list[tuple[str, str, str, float]]:
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
        # the dump's read (every Cypher statement lives in cypher/): not the write path under test
        records = driver.execute_query(queries()["all_ties"].text, database_=database).records
    return sorted((r["source"], r["target"], r["kind"], r["weight"]) for r in records)


def check_store(store: object, read_back: object) -> None:
    first = store.import_batch(with_ties(("knows", 0.5), ("influences", 2.0)))  # type: ignore[attr-defined]
    assert first.kinds["relationships"].created == 2
    assert read_back() == [(*PAIR, "influences", 2.0), (*PAIR, "knows", 0.5)]  # type: ignore[operator]
    # update the KNOWS tie only; the INFLUENCES one between the same two people keeps its weight
    second = store.import_batch(with_ties(("knows", 0.9)))  # type: ignore[attr-defined]
    assert (second.kinds["relationships"].created, second.kinds["relationships"].updated) == (0, 1)
    assert read_back() == [(*PAIR, "influences", 2.0), (*PAIR, "knows", 0.9)]  # type: ignore[operator]
    # and the other way round
    third = store.import_batch(with_ties(("influences", 3.0), ("knows", 0.9)))  # type: ignore[attr-defined]
    assert (third.kinds["relationships"].updated, third.kinds["relationships"].unchanged) == (1, 1)
    assert read_back() == [(*PAIR, "influences", 3.0), (*PAIR, "knows", 0.9)]  # type: ignore[operator]
    snap = store.load_account("acme", dt.date(2025, 6, 1))  # type: ignore[attr-defined]
    assert sorted((r.source, r.target, r.kind.value, r.weight) for r in snap.relationships) == \
        [(*PAIR, "influences", 3.0), (*PAIR, "knows", 0.9)]
    dumped = store.dump()  # type: ignore[attr-defined]
    assert sorted((r.kind.value, r.weight) for r in dumped.relationships) == [("influences", 3.0), ("knows", 0.9)]
    assert store.counts()["relationships"] == 2  # type: ignore[attr-defined]


def test_two_kinds_of_tie_in_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "kam.db"
    with open_store(f"sqlite:///{path}", create=True) as store:
        check_store(store, lambda: sqlite_ties(path))


@pytest.mark.bolt
def test_two_kinds_of_tie_in_neo4j(bolt: BoltServer, bolt_database: str) -> None:
    with bolt.open(bolt_database) as store:
        check_store(store, lambda: neo4j_ties(bolt, bolt_database))
