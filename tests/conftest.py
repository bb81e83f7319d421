"""Shared fixtures: stores on real files, the canonical sample files, a CLI runner."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

DATA = Path(__file__).parent / "data"
CANONICAL = DATA / "canonical"

#: The as-of date the canonical sample files are read at in tests.
SAMPLE_AS_OF = dt.date(2025, 3, 15)


@pytest.fixture
def canonical_dir(tmp_path: Path) -> Path:
    """A private copy of tests/data/canonical that a test may modify."""
    target = tmp_path / "canonical"
    shutil.copytree(CANONICAL, target)
    return target


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a new SQLite store file in a temporary directory."""
    return f"sqlite:///{tmp_path / 'kam.db'}"


@pytest.fixture(params=["sqlite"])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], GraphStore]]:
    """Make empty stores of each backend; every test using it runs once per backend."""
    opened: list[GraphStore] = []
    counter = iter(range(1000))

    def make() -> GraphStore:
        store = open_store(f"sqlite:///{tmp_path / f'store{next(counter)}.db'}", create=True)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(store_factory: Callable[[], GraphStore]) -> GraphStore:
    """One empty store per backend."""
    return store_factory()


@pytest.fixture
def runner() -> CliRunner:
    """Click's in-process runner."""
    return CliRunner()
