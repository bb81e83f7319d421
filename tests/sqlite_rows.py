"""Every row of every table of a SQLite file, for tests and benchmarks that compare two stores."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


def table_rows(path: Path, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """``{table: its rows, sorted}`` of the SQLite file at ``path`` (row order does not count); with ``columns``,
    only those columns of the tables it names (a table a newer schema widened, compared with an older one)."""
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        wanted = columns or {}
        return {name: sorted(db.execute(f"SELECT {', '.join(wanted.get(name, ['*']))} FROM {name}").fetchall(),
                             key=repr) for name in names}
    finally:
        db.close()


def table_columns(path: Path) -> dict[str, list[str]]:
    """``{table: its column names}`` of the SQLite file at ``path``."""
    db = sqlite3.connect(path)
    try:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: [r[1] for r in db.execute(f"PRAGMA table_info({name})")] for name in names}
    finally:
        db.close()
