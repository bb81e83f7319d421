"""``kamgraph analyze --write``: the X-ray inside the graph, on SQLite and on the Bolt server.

The figures stored are read back with plain SQL (sqlite3) and plain Cypher (the neo4j driver) -- the recipes of
docs/analysis-in-the-graph.md, run as written -- and compared with ``kamgraph xray --json`` computed separately.
Staleness: a stored snapshot is used only while the as-of date, the settings fingerprint and the store's data
are those it was computed from; otherwise the portfolio recomputes, and equals a fresh run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from click.testing import CliRunner, Result

from cli import cli
from kamgraph.analysis.snapshot import FINGERPRINT_SECTIONS, analysis_fingerprint
from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Meeting
from kamgraph.portfolio.snapshots import current_metrics, write_snapshots
from kamgraph.portfolio.table import build_portfolio, portfolio_rows
from kamgraph.samples.demo import build_demo
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore
from kamgraph.store.cypher import parse_queries
from kamgraph.store.executor import SerialExecutor

from .conftest import BoltServer

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "analysis-in-the-graph.md"
GRASS = ROOT / "docs" / "neo4j" / "kamgraph.grass"
TEST_QUERIES = parse_queries((Path(__file__).parent / "data" / "writeback.cypher").read_text(), "writeback.cypher")
ANCHOR = "2026-11-22"
DAY = dt.date.fromisoformat(ANCHOR)


def recipes(lang: str) -> dict[str, str]:
    """The recipes of the docs page in one language: ``<!-- recipe: NAME -->`` then the next code block."""
    found = re.findall(r"<!-- recipe: ([\w-]+) -->\n.*?```(\w+)\n(.*?)```", PAGE.read_text(), re.S)
    return {name: code for name, kind, code in found if kind == lang}


def invoke(runner: CliRunner, args: list[str], env: dict[str, str] | None = None) -> Result:
    clean: dict[str, str | None] = {"KAMGRAPH_STORE": None, "KAMGRAPH_NEO4J_PASSWORD": None,
                                    "KAMGRAPH_NEO4J_USER": None, "KAMGRAPH_NEO4J_DATABASE": None}
    return runner.invoke(cli, args, env={**clean, **(env or {})})


def ok_json(runner: CliRunner, args: list[str], env: dict[str, str] | None = None) -> Any:
    result = invoke(runner, [*args, "--json"], env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def xray_figures(xray: dict[str, Any]) -> tuple[dict[str, tuple[float, bool]], set[str], float]:
    """(importance, covered) per active stakeholder, the cut vertices, the coverage -- of ``xray --json``."""
    people = {s["id"]: (s["importance"], s["covered"]) for s in xray["stakeholders"]}
    return people, {v["id"] for v in xray["bridges"]["cut_vertices"]}, xray["summary"]["coverage"]


# --------------------------------------------------------------------------- the fingerprint
def test_the_fingerprint_is_the_sha256_of_the_analysis_settings() -> None:
    settings = Settings()
    sections = {name: json.loads(getattr(settings, name).model_dump_json()) for name in FINGERPRINT_SECTIONS}
    canonical = json.dumps(sections, sort_keys=True, separators=(",", ":"))
    assert analysis_fingerprint(settings) == hashlib.sha256(canonical.encode()).hexdigest()[:16]
    assert analysis_fingerprint(Settings(web={"cache_seconds": 5}, alerts={})) == analysis_fingerprint(settings)
    for changed in ({"strength": {"half_life_days": 30}}, {"importance": {"key_threshold": 4}},
                    {"stage": {"basic": {"threaded": 2}}}, {"fragility": {"connectivity_cap": 3}}):
        assert analysis_fingerprint(Settings(**changed)) != analysis_fingerprint(settings), changed


# --------------------------------------------------------------------------- SQLite, through the command line
@pytest.fixture(scope="module")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """The demo in an SQLite file, with its Northwind X-ray computed *before* anything is written back."""
    runner = CliRunner()
    db = str(tmp_path_factory.mktemp("writeback") / "demo.db")
    ok_json(runner, ["--store", db, "demo", "--as-of", ANCHOR])
    xray = ok_json(runner, ["--store", db, "xray", "northwind", "--as-of", ANCHOR])
    plain_portfolio = ok_json(runner, ["--store", db, "portfolio", "--as-of", ANCHOR])
    run = ok_json(runner, ["--store", db, "analyze", "--all", "--as-of", ANCHOR, "--write"])
    assert run["stored"] and sorted(run["written"]) == ["helios", "northwind", "orbit", "quarry"]
    yield db, {"xray": xray, "portfolio": plain_portfolio}


def sql_rows(db: str) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(db) as con:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall())
                for t in ("account_metrics", "person_metrics", "tie_metrics", "data_generation")}


def test_plain_sql_gives_the_xray_figures(sqlite_demo: tuple[str, dict[str, Any]]) -> None:
    db, seen = sqlite_demo
    people, cut_vertices, coverage = xray_figures(seen["xray"])
    sql = recipes("sql")
    with sqlite3.connect(db) as con:
        stored = {r[0]: (r[2], bool(r[4])) for r in con.execute(sql["sql-northwind-stakeholders"])}
        articulation = {r[0] for r in con.execute(sql["sql-northwind-articulation-points"])}
        stored_coverage = con.execute("SELECT coverage FROM account_metrics "
                                      "WHERE account_id = 'northwind'").fetchone()[0]
        types = dict(con.execute("SELECT name, type FROM pragma_table_info('person_metrics')").fetchall())
    assert stored == people and len(people) == 44
    assert articulation == cut_vertices and cut_vertices
    assert stored_coverage == coverage
    assert types["importance"] == "REAL" and types["articulation_point"] == "INTEGER"  # typed, one column a figure


def test_every_sql_recipe_runs(sqlite_demo: tuple[str, dict[str, Any]]) -> None:
    db, _ = sqlite_demo
    found = recipes("sql")
    assert len(found) >= 5
    with sqlite3.connect(db) as con:
        for name, code in found.items():
            assert con.execute(code).fetchall(), name


def test_a_second_run_changes_nothing_and_force_only_the_stamp(sqlite_demo: tuple[str, dict[str, Any]]) -> None:
    db, _ = sqlite_demo
    runner = CliRunner()
    before = sql_rows(db)
    again = ok_json(runner, ["--store", db, "analyze", "--all", "--as-of", ANCHOR, "--write"])
    assert again["written"] == [] and len(again["current"]) == 4
    assert sql_rows(db) == before
    ok_json(runner, ["--store", db, "analyze", "northwind", "--as-of", ANCHOR, "--write", "--force"])
    after = sql_rows(db)
    assert after["person_metrics"] == before["person_metrics"] and after["tie_metrics"] == before["tie_metrics"]
    with sqlite3.connect(db) as con:
        computed_at = [n for _, n, *_ in con.execute("PRAGMA table_info(account_metrics)")].index("computed_at")
    strip = [[v for i, v in enumerate(r) if i != computed_at] for r in after["account_metrics"]]
    assert strip == [[v for i, v in enumerate(r) if i != computed_at] for r in before["account_metrics"]]


def test_portfolio_with_stored_snapshots_equals_a_fresh_run(sqlite_demo: tuple[str, dict[str, Any]]) -> None:
    db, seen = sqlite_demo
    assert ok_json(CliRunner(), ["--store", db, "portfolio", "--as-of", ANCHOR]) == seen["portfolio"]


def test_errors_are_one_line_with_exit_codes(sqlite_demo: tuple[str, dict[str, Any]], tmp_path: Path) -> None:
    db, _ = sqlite_demo
    runner = CliRunner()
    unknown = invoke(runner, ["--store", db, "analyze", "nobody", "--write"])
    assert unknown.exit_code == 2
    assert unknown.output.strip() == "Error: no account with id 'nobody' (see 'kamgraph accounts')"
    missing = tmp_path / "none.db"
    no_store = invoke(runner, ["--store", str(missing), "analyze", "--all", "--write"])
    assert no_store.exit_code == 3 and "no store at" in no_store.output
    assert len(no_store.output.strip().splitlines()) == 1
    assert not missing.exists()
    neither = invoke(runner, ["--store", db, "analyze", "--write"])
    assert neither.exit_code == 2 and "name one or more ACCOUNTs, or --all" in neither.output
    assert "--write" in invoke(runner, ["analyze", "--help"]).output


def test_history_is_kept_per_as_of_date(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "h.db"), create=True) as store:
        store.import_batch(build_demo(DAY))
        settings = Settings(executor={"url": "serial"})
        write_snapshots(store, DAY, settings, accounts=["northwind"])
        write_snapshots(store, DAY - dt.timedelta(days=90), settings, accounts=["northwind"])
        earlier = store.account_metrics(["northwind"], DAY - dt.timedelta(days=90))["northwind"]
        later = store.account_metrics(["northwind"], DAY)["northwind"]
    with sqlite3.connect(tmp_path / "h.db") as con:
        dates = [r[0] for r in con.execute("SELECT as_of FROM account_metrics ORDER BY as_of")]
    assert dates == [(DAY - dt.timedelta(days=90)).isoformat(), ANCHOR]
    assert earlier.meetings < later.meetings


# --------------------------------------------------------------------------- staleness, both stores
class RecordingExecutor(SerialExecutor):
    """The serial executor, remembering which accounts it was asked to analyse."""

    def __init__(self) -> None:
        super().__init__()
        self.analysed: list[str] = []

    def map(self, store, task, ids, payload):  # type: ignore[no-untyped-def, override]
        if task is portfolio_rows:
            self.analysed.extend(ids)
        return super().map(store, task, ids, payload)


def portfolio_of(store: GraphStore, day: dt.date, settings: Settings, **kw: Any) -> tuple[Any, list[str]]:
    executor = RecordingExecutor()
    result = build_portfolio(store, day, settings, executor=executor, **kw)
    return result.model_dump(mode="json"), executor.analysed


@pytest.mark.parametrize("change", ["meeting", "settings", "as_of", "departure"])
def test_a_stale_snapshot_is_never_used(store: GraphStore, change: str) -> None:
    settings = Settings(executor={"url": "serial"})
    store.import_batch(build_demo(DAY))
    write_snapshots(store, DAY, settings)
    ids = store.account_ids()
    assert set(current_metrics(store, ids, DAY, settings)) == set(ids)
    stored, analysed = portfolio_of(store, DAY, settings)
    assert analysed == []  # every row read from its snapshot ...
    assert stored == portfolio_of(store, DAY, settings, use_snapshots=False)[0]  # ... and equal to a fresh run
    day = DAY
    if change == "meeting":
        store.import_batch(Batch(meetings=[Meeting(id="wb-one-more", date=DAY, kind="qbr",
                                                   attendees=["st-maya", "nw-cfo"])]))
    elif change == "settings":
        settings = Settings(executor={"url": "serial"}, strength={"half_life_days": 30})
    elif change == "as_of":
        day = DAY - dt.timedelta(days=1)
    else:
        store.mark_left("nw-cfo", DAY - dt.timedelta(days=2))
    assert current_metrics(store, ids, day, settings) == {}
    again, analysed = portfolio_of(store, day, settings)
    assert sorted(analysed) == sorted(ids)
    assert again == portfolio_of(store, day, settings, use_snapshots=False)[0]
    if change in ("meeting", "departure"):
        assert again != stored  # the change shows: the snapshot would have been wrong


def test_every_data_write_bumps_the_generation_and_nothing_else_does(store: GraphStore) -> None:
    from kamgraph.errors import ConflictError, NotFoundError

    demo = build_demo(DAY)
    start = store.data_generation()
    store.import_batch(demo, dry_run=True)
    assert store.data_generation() == start
    store.import_batch(demo)
    assert store.data_generation() == start + 1
    store.import_batch(demo)  # unchanged records: nothing written
    assert store.data_generation() == start + 1
    write_snapshots(store, DAY, Settings(executor={"url": "serial"}), accounts=["orbit"])
    assert store.data_generation() == start + 1
    store.mark_left("nw-cfo", DAY)
    with pytest.raises(ConflictError):  # recorded already: nothing changes
        store.mark_left("nw-cfo", DAY)
    assert store.data_generation() == start + 2
    store.mark_returned("nw-cfo")
    assert store.data_generation() == start + 3
    with pytest.raises(NotFoundError):
        store.mark_returned("nobody")
    assert store.data_generation() == start + 3
    store.clear()
    assert store.data_generation() == start + 4


def test_an_unknown_account_writes_nothing(store: GraphStore) -> None:
    from kamgraph.errors import NotFoundError

    settings = Settings(executor={"url": "serial"})
    store.import_batch(build_demo(DAY))
    run = write_snapshots(store, DAY, settings, accounts=["orbit"], dry_run=True)
    assert run.written == ["orbit"] and store.account_metrics(["orbit"], DAY) == {}
    from kamgraph.portfolio.snapshots import snapshot_task

    snaps = snapshot_task(store, ["orbit"], (DAY, settings, "f", 0, dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    ghost = snaps[0].model_copy(update={"account": snaps[0].account.model_copy(update={"account": "ghost"})})
    with pytest.raises(NotFoundError, match="ghost"):
        store.write_metrics([snaps[0], ghost])
    assert store.account_metrics(["orbit", "ghost"], DAY) == {}


# --------------------------------------------------------------------------- Neo4j, through the command line
@pytest.fixture(scope="module")
def bolt_demo(bolt: BoltServer) -> Iterator[tuple[str, dict[str, str], dict[str, Any]]]:
    """The demo on the Bolt server, written back, with its X-ray and portfolio computed before."""
    runner = CliRunner()
    name = bolt.new_database()
    env = bolt.env(name)
    ok_json(runner, ["demo", "--as-of", ANCHOR], env)
    xray = ok_json(runner, ["xray", "northwind", "--as-of", ANCHOR], env)
    plain_portfolio = ok_json(runner, ["portfolio", "--as-of", ANCHOR], env)
    run = ok_json(runner, ["analyze", "--all", "--as-of", ANCHOR, "--write"], env)
    assert sorted(run["written"]) == ["helios", "northwind", "orbit", "quarry"]
    yield name, env, {"xray": xray, "portfolio": plain_portfolio}
    bolt.release(name)


def cypher(bolt: BoltServer, database: str, text: str, **params: Any) -> list[dict[str, Any]]:
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver, \
            driver.session(database=database) as session:
        return session.run(text, params).data()


def graph_state(bolt: BoltServer, database: str) -> tuple[list[Any], list[Any]]:
    nodes = cypher(bolt, database, TEST_QUERIES["wb_nodes"].text)
    met = cypher(bolt, database, TEST_QUERIES["wb_met"].text)
    key = lambda row: json.dumps(row, sort_keys=True, default=str)  # noqa: E731
    return sorted((r for r in nodes if "KamgraphMeta" not in r["labels"]), key=key), sorted(met, key=key)


@pytest.mark.bolt
def test_plain_cypher_gives_the_xray_figures(bolt: BoltServer, bolt_demo: tuple[str, dict[str, str], Any]) -> None:
    name, _env, seen = bolt_demo
    people, cut_vertices, coverage = xray_figures(seen["xray"])
    found = recipes("cypher")
    stored = {r["id"]: (r["importance"], r["covered"])
              for r in cypher(bolt, name, found["cypher-northwind-stakeholders"])}
    articulation = {r["id"] for r in cypher(bolt, name, found["cypher-northwind-articulation-points"])}
    accounts = {r["id"]: r["coverage"] for r in cypher(bolt, name, found["cypher-weakest-accounts"])}
    assert stored == people and len(people) == 44
    assert articulation == cut_vertices
    assert accounts["northwind"] == coverage


@pytest.mark.bolt
def test_every_cypher_recipe_runs(bolt: BoltServer, bolt_demo: tuple[str, dict[str, str], Any]) -> None:
    name, _env, _ = bolt_demo
    found = recipes("cypher")
    assert len(found) >= 8
    for recipe, code in found.items():
        assert cypher(bolt, name, code), recipe


@pytest.mark.bolt
def test_neo4j_portfolio_with_snapshots_equals_a_fresh_run(bolt_demo: tuple[str, dict[str, str], Any]) -> None:
    _name, env, seen = bolt_demo
    assert ok_json(CliRunner(), ["portfolio", "--as-of", ANCHOR], env) == seen["portfolio"]


@pytest.mark.bolt
def test_neo4j_second_run_changes_nothing_and_user_properties_stay(bolt: BoltServer, bolt_database: str) -> None:
    runner = CliRunner()
    env = bolt.env(bolt_database)
    ok_json(runner, ["demo", "--as-of", ANCHOR], env)
    cypher(bolt, bolt_database, TEST_QUERIES["wb_set_user_property"].text, id="nw-cfo", value="the user's own")
    ok_json(runner, ["analyze", "--all", "--as-of", ANCHOR, "--write"], env)
    first = graph_state(bolt, bolt_database)
    ok_json(runner, ["analyze", "--all", "--as-of", ANCHOR, "--write"], env)
    assert graph_state(bolt, bolt_database) == first
    ok_json(runner, ["analyze", "--all", "--as-of", ANCHOR, "--write", "--force"], env)
    forced = graph_state(bolt, bolt_database)
    unstamped = [[{k: v for k, v in r["props"].items() if k != "kg_computed_at"} for r in rows]
                 for rows in (first[0], forced[0])]
    assert unstamped[0] == unstamped[1] and forced[1] == first[1]
    cfo = cypher(bolt, bolt_database, TEST_QUERIES["wb_person"].text, id="nw-cfo")[0]
    assert cfo["props"]["importance"] == "the user's own" and cfo["props"]["kgx_note"] == "the user's own"
    assert cfo["props"]["kg_importance"] == 10.0 and sorted(cfo["labels"]) == ["Person", "Stakeholder"]
    only_northwind = sorted(r["props"]["id"] for r in first[0]
                            if "Staff" in r["labels"] and r["props"].get("kg_accounts") == ["northwind"])
    assert only_northwind
    with bolt.open(bolt_database) as store:
        store.mark_left("nw-cfo", DAY - dt.timedelta(days=1))
        store.mark_left(only_northwind[0], DAY - dt.timedelta(days=1))
    ok_json(runner, ["analyze", "--all", "--as-of", ANCHOR, "--write"], env)
    for person in ("nw-cfo", only_northwind[0]):  # no longer in the analysis: their figures are removed
        gone = cypher(bolt, bolt_database, TEST_QUERIES["wb_person"].text, id=person)[0]
        assert not [k for k in gone["props"] if k.startswith("kg_")], person
    assert gone["props"]["name"]  # their own properties stay
    cfo = cypher(bolt, bolt_database, TEST_QUERIES["wb_person"].text, id="nw-cfo")[0]
    assert cfo["props"]["importance"] == "the user's own"


# --------------------------------------------------------------------------- the style sheet
GRASS_PROPERTIES = {"diameter", "color", "border-color", "border-width", "text-color-internal", "text-color-external",
                    "font-size", "caption", "shaft-width", "padding"}


def parse_grass(text: str) -> list[tuple[str, dict[str, str]]]:
    """The rules of a GraSS file read the way Neo4j Browser reads them: character by character, braces
    outside single-quoted strings open and close a rule, ``;`` ends a declaration, ``key: value``."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules: list[tuple[str, dict[str, str]]] = []
    selector, body, inside, quoted = "", "", False, False
    for char in text:
        if char == "'" and inside:
            quoted = not quoted
        if char == "{" and not quoted:
            assert not inside, "a rule inside a rule"
            inside = True
        elif char == "}" and not quoted:
            assert inside, "a brace that closes nothing"
            props = {}
            for decl in filter(None, (d.strip() for d in body.split(";"))):
                key, colon, value = decl.partition(":")
                assert colon, decl
                props[key.strip()] = value.strip()
            rules.append((selector.strip(), props))
            selector, body, inside = "", "", False
        elif inside:
            body += char
        else:
            selector += char
    assert not inside and not quoted and not selector.strip(), "an unfinished rule"
    return rules


def test_the_style_sheet_is_grass_browser_reads() -> None:
    rules = parse_grass(GRASS.read_text())
    selectors = [s for s, _ in rules]
    assert selectors[:2] == ["node", "relationship"] and len(set(selectors)) == len(selectors)
    for selector, props in rules:
        assert re.fullmatch(r"(node|relationship)(\.[A-Za-z_][A-Za-z0-9_]*)?", selector), selector
        assert props and set(props) <= GRASS_PROPERTIES, selector
        for key, value in props.items():
            if "color" in key:
                assert re.fullmatch(r"#[0-9A-Fa-f]{6}", value), (selector, key)
            elif key == "caption":
                assert re.fullmatch(r"'(\{[a-z_]+\}|<type>|<id>)'", value), (selector, value)
            else:
                assert re.fullmatch(r"\d+px", value), (selector, key)
    styled = dict(rules)
    assert len({styled[f"node.{label}"]["color"] for label in ("Account", "Staff", "Stakeholder", "Meeting")}) == 4
    assert styled["relationship.MET"]["caption"] == "'{kg_strength}'"


@pytest.mark.bolt
def test_the_style_sheet_names_what_the_graph_holds(bolt: BoltServer,
                                                    bolt_demo: tuple[str, dict[str, str], Any]) -> None:
    name, _env, _ = bolt_demo
    nodes = cypher(bolt, name, TEST_QUERIES["wb_nodes"].text)
    labels = {label for r in nodes for label in r["labels"]}
    keys: dict[str, set[str]] = {}
    for r in nodes:
        for label in r["labels"]:
            keys.setdefault(label, set()).update(r["props"])
    met_keys = {k for r in cypher(bolt, name, TEST_QUERIES["wb_met"].text) for k in r["props"]}
    for selector, props in parse_grass(GRASS.read_text()):
        kind, _, label = selector.partition(".")
        if kind == "node" and label:
            assert label in labels, selector
        caption = re.fullmatch(r"'\{(\w+)\}'", props.get("caption", ""))
        if caption and kind == "node" and label:
            assert caption.group(1) in keys[label], selector
        if caption and selector == "relationship.MET":
            assert caption.group(1) in met_keys


# --------------------------------------------------------------------------- the web app's caches
def test_web_caches_notice_a_write_from_outside_the_app(tmp_path: Path) -> None:
    from kamgraph.web.service import Reports

    db = str(tmp_path / "web.db")
    with open_store(db, create=True) as store:
        store.import_batch(build_demo(DAY))
        write_snapshots(store, DAY, Settings(executor={"url": "serial"}))
    settings = Settings(executor={"url": "serial"})
    reports = Reports(lambda: open_store(db), settings)
    ids = reports.account_ids()
    first = reports.portfolio_rows(ids, DAY)
    with open_store(db) as store:
        fresh = build_portfolio(store, DAY, settings, use_snapshots=False, sort="name").rows
    assert first == sorted(fresh, key=lambda r: r.account)
    reports.figures("northwind", DAY)
    assert reports.stats()["computed"] == 1
    reports.figures("northwind", DAY)
    assert reports.stats()["computed"] == 1  # cached
    with open_store(db) as other:  # another process imports a meeting: the store's data generation moves on
        other.import_batch(Batch(meetings=[Meeting(id="wb-web", date=DAY, kind="qbr",
                                                   attendees=["st-maya", "nw-cfo"])]))
    reports.figures("northwind", DAY)
    assert reports.stats()["computed"] == 2  # the cached analysis was dropped
    reports.portfolio_rows(ids, DAY)  # rows aged: served once more, recomputed in the background
    if reports._refreshing is not None:
        reports._refreshing.join(timeout=60)
    assert reports.row_builds == 2 * len(ids)
    with open_store(db) as store:
        now = build_portfolio(store, DAY, settings, use_snapshots=False, sort="name").rows
    assert reports.portfolio_rows(ids, DAY) == sorted(now, key=lambda r: r.account) != first
    reports.close()


def test_worker_processes_write_the_same_snapshots(tmp_path: Path) -> None:
    from kamgraph.store.executor import ProcessExecutor

    when = dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC)
    tables = []
    for name, executor in (("serial", SerialExecutor(chunk_size=2)),
                           ("workers", ProcessExecutor(chunk_size=1, workers=2, min_accounts=0))):
        db = str(tmp_path / f"{name}.db")
        with open_store(db, create=True) as store:
            store.import_batch(build_demo(DAY))
            run = write_snapshots(store, DAY, Settings(), executor=executor, now=lambda: when)
        assert sorted(run.written) == ["helios", "northwind", "orbit", "quarry"]
        tables.append(sql_rows(db))
    assert tables[0] == tables[1] and tables[0]["person_metrics"]
