"""Every row of every table of a SQLite file, and its indexes, for tests and benchmarks that compare stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


def table_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """``{table: its rows, sorted}`` of the SQLite file at ``path`` (row order does not count)."""
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: sorted(db.execute(f"SELECT * FROM {name}").fetchall(), key=repr) for name in names}
    finally:
        db.close()


def index_names(path: Path) -> set[str]:
    """The names of the indexes created by a schema in the SQLite file at ``path`` (not the automatic ones)."""
    db = sqlite3.connect(path)
    try:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    finally:
        db.close()


def query_rows(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """The rows of one plain SQL query on the SQLite file at ``path``, in the order the query gives them."""
    db = sqlite3.connect(path)
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()
