"""Shared fixtures: stores on real files and a real Bolt server, the canonical sample files, a CLI runner."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

# A developer's own per-user settings file (platformdirs) must not change what the tests see.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="kamgraph-test-config-")

def skip_unless_ci(reason: str) -> None:
    """Skip on a developer's machine, but fail under ``CI=true``: CI must run every test it has."""
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes", "on"):
        pytest.fail(f"CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


def require(module: str):  # type: ignore[no-untyped-def]
    """``pytest.importorskip`` that fails instead of skipping under ``CI=true``."""
    try:
        return __import__(module)
    except ImportError:
        skip_unless_ci(f"{module} is not installed")


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


#: Set to 1 to skip (not fail) the Neo4j-store tests when the Bolt test server cannot start.
NO_BOLT_ENV = "KAMGRAPH_TEST_NO_BOLT"
#: A real Neo4j 5 server to run the suite against instead of the ArcadeDB test server.
BOLT_URI_ENV = "KAMGRAPH_TEST_BOLT_URI"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--no-bolt", action="store_true",
                     help=f"skip the Neo4j-store tests when the Bolt test server cannot start (also {NO_BOLT_ENV}=1; "
                          "refused when CI=true)")


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class BoltServer:
    """The Bolt server the Neo4j tests use: our own ArcadeDB, or the Neo4j 5 of ``KAMGRAPH_TEST_BOLT_URI``."""

    uri: str
    user: str
    password: str
    arcadedb: object | None = None  # tests.bolt_server.ArcadeServer
    spare: list[str] = field(default_factory=list)  # databases of an external server the suite may wipe
    _names: Iterator[int] = field(default_factory=itertools.count)

    def url(self, database: str) -> str:
        """The store URL of one database (user in the URL, password never)."""
        return f"{self.uri.rstrip('/')}/{database}".replace("://", f"://{self.user}@", 1)

    def new_database(self) -> str:
        """An empty database for one store: created on ArcadeDB, taken from the spare list on Neo4j."""
        if self.arcadedb is not None:
            name = f"kt{next(self._names):04d}"
            self.arcadedb.create_database(name)  # type: ignore[attr-defined]
            return name
        if not self.spare:
            pytest.skip("this test needs more databases than KAMGRAPH_TEST_BOLT_DATABASES lists")
        name = self.spare.pop(0)
        with self.open(name) as store:
            store.clear()
        return name

    def release(self, name: str) -> None:
        """Give a database back (dropped on ArcadeDB, emptied on Neo4j)."""
        if self.arcadedb is not None:
            self.arcadedb.drop_database(name)  # type: ignore[attr-defined]
        else:
            with self.open(name) as store:
                store.clear()
            self.spare.append(name)

    def open(self, database: str, **options: object) -> GraphStore:
        """A store on one database; the developer's own KAMGRAPH_NEO4J_* variables are ignored."""
        return open_store(self.url(database), password=self.password, env={}, **options)

    def env(self, database: str) -> dict[str, str]:
        """Environment for CLI runs against one database."""
        return {"KAMGRAPH_STORE": self.url(database), "KAMGRAPH_NEO4J_PASSWORD": self.password}


@pytest.fixture(scope="session")
def bolt(request: pytest.FixtureRequest) -> Iterator[BoltServer]:
    """The Bolt server, started once per session (see the docs, Development: "Testing against Neo4j")."""
    external = os.environ.get(BOLT_URI_ENV)
    if external:
        spare = [d.strip() for d in os.environ.get("KAMGRAPH_TEST_BOLT_DATABASES", "neo4j").split(",") if d.strip()]
        yield BoltServer(uri=external, user=os.environ.get("KAMGRAPH_TEST_BOLT_USER", "neo4j"),
                         password=os.environ.get("KAMGRAPH_TEST_BOLT_PASSWORD", ""), spare=spare)
        return
    opted_out = request.config.getoption("--no-bolt") or _truthy(os.environ.get(NO_BOLT_ENV))
    in_ci = _truthy(os.environ.get("CI"))
    if opted_out and in_ci:
        pytest.fail("CI=true: the Neo4j-store tests cannot be opted out of (--no-bolt / KAMGRAPH_TEST_NO_BOLT)",
                    pytrace=False)
    if opted_out:
        pytest.skip("Neo4j-store tests skipped on request (--no-bolt / KAMGRAPH_TEST_NO_BOLT=1)")
    from .bolt_server import BoltServerError, start_arcadedb

    try:
        server = start_arcadedb(quick_start=True)
    except BoltServerError as exc:
        pytest.fail(f"THE BOLT TEST SERVER COULD NOT BE STARTED, so the Neo4j store is untested: {exc}\n"
                    "Install the test extra (pip install -e '.[test]'), or point KAMGRAPH_TEST_BOLT_URI at a "
                    "Neo4j 5 server, or -- outside CI -- opt out with --no-bolt or KAMGRAPH_TEST_NO_BOLT=1.",
                    pytrace=False)
    try:
        yield BoltServer(uri=server.bolt_uri, user=server.user, password=server.password, arcadedb=server)
    finally:
        server.stop()


@pytest.fixture
def bolt_database(bolt: BoltServer) -> Iterator[str]:
    """One empty database on the Bolt server, for the length of a test."""
    name = bolt.new_database()
    yield name
    bolt.release(name)


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.bolt)])
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], GraphStore]]:
    """Make empty stores of each backend; every test using it runs once per backend."""
    opened: list[GraphStore] = []
    databases: list[str] = []
    counter = iter(range(1000))
    server: BoltServer | None = request.getfixturevalue("bolt") if request.param == "neo4j" else None

    def make() -> GraphStore:
        if server is None:
            store = open_store(f"sqlite:///{tmp_path / f'store{next(counter)}.db'}", create=True)
        else:
            databases.append(server.new_database())
            store = server.open(databases[-1])
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()
    for name in databases:
        assert server is not None
        server.release(name)


@pytest.fixture
def store(store_factory: Callable[[], GraphStore]) -> GraphStore:
    """One empty store per backend."""
    return store_factory()


@pytest.fixture
def runner() -> CliRunner:
    """Click's in-process runner."""
    return CliRunner()
