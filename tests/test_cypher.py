"""The named-query catalogue: the loader, every query against the Bolt server, and a Neo4j 5 lint.

ArcadeDB (the test server) accepts some Cypher that Neo4j 5 rejects; :data:`NEO4J5_REJECTS` keeps
it out of cypher/. And no Cypher may live anywhere else: :func:`test_no_cypher_outside_the_catalogue`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from kamgraph.store.cypher import CypherCatalogError, NamedQuery, load_queries, parse_queries, queries, query_dir

from .conftest import BoltServer

ROOT = Path(__file__).parent.parent
CYPHER = ROOT / "cypher"

#: Constructs ArcadeDB runs but Neo4j 5 refuses (or that need a plugin): pattern -> why.
NEO4J5_REJECTS = {
    r"(?i)(?<![\w.])exists\s*\(": "exists(n.prop) was removed in Neo4j 5: use n.prop IS NOT NULL or EXISTS { }",
    r"(?i)\bapoc\.": "APOC is a plugin, not Cypher",
    r"(?i)\bgds\.": "Graph Data Science is a plugin, not Cypher",
    r"(?i)(?:date\s*\([^)]*\)|\b\w+\.(?:date|first|last|left_on)\b|\$as_of\b|\$left_on\b)\s*-\s*"
    r"(?:date\s*\(|\w+\.(?:date|first|last|left_on)\b|\$\w+)":
        "date - date: ArcadeDB lacks it, use duration.between() / duration.inDays()",
    r"(?i)(?<![\w.])(?:toInt|lower|upper|rels|filter|extract|str)\s*\(": "a function removed in Neo4j 5",
    r"(?i)(?<![\w.])id\s*\(": "id() is deprecated in Neo4j 5: use the record's own id property",
    r"(?i)\bASSERT\b": "CREATE CONSTRAINT ... ASSERT is Neo4j 4 syntax: use REQUIRE",
    r"(?i)\b(?:CREATE|DROP)\s+INDEX\s+ON\b": "INDEX ON :Label(prop) is Neo4j 3/4 syntax",
    r"(?i)\bUSING\s+PERIODIC\s+COMMIT\b": "removed in Neo4j 5",
    r"(?i)\[\s*null\b|,\s*null\s*[,\]]": "lists holding nulls cannot be stored",
    r"(?<![\w:$])\{\s*\w+\s*\}": "{param} is the old parameter syntax: use $param",
    r"(?i)\bCALL\s+db\.": "procedures differ between servers: keep to plain Cypher",
}

#: A value for each parameter name, to run every query on an empty database.
SAMPLE_PARAMS: dict[str, object] = {
    "ids": ["nobody"], "rows": [], "id": "nobody", "key": "nothing-here", "version": 1, "as_of": None,
    "account_name": "Nobody Inc", "limit": 1, "status": "left", "left_on": None, "moved_to": None, "note": None,
    "active": "active",
    "left": "left", "probe": "kamgraph-test-probe", "keys": ["nothing-here"], "day": None, "n": 0,
    "cleared_too": False, "accounts": None, "error": None, "emails": ["nobody@example.com"],
}


def lint(text: str) -> list[str]:
    """The Neo4j 5 problems of one query text (comments left out)."""
    code = "\n".join(line.split("//", 1)[0] for line in text.splitlines())
    code = re.sub(r"'[^']*'", "''", code)  # string literals can say anything
    return [why for pattern, why in NEO4J5_REJECTS.items() if re.search(pattern, code)]


# -- the loader ------------------------------------------------------------------------

def test_the_shipped_catalogue_loads_and_is_described() -> None:
    book = queries()
    assert len(book) >= 40
    for query in book.values():
        assert query.description and not query.description.startswith("//"), query.name
        assert query.text and "// name:" not in query.text, query.name
    assert next(q.name for q in book.in_file("schema")) == "schema_account_id"
    assert Path(str(query_dir())).name == "cypher"


def test_duplicate_missing_and_unknown_names_fail_loudly(tmp_path: Path) -> None:
    with pytest.raises(CypherCatalogError, match=r"a.cypher:4: duplicate query name 'q'"):
        parse_queries("// name: q\n// One.\nRETURN 1\n// name: q\n// Two.\nRETURN 2\n", "a.cypher")
    with pytest.raises(CypherCatalogError, match=r"a.cypher:1: query 'q' needs a one-line '// description'"):
        parse_queries("// name: q\nRETURN 1\n", "a.cypher")
    with pytest.raises(CypherCatalogError, match=r"a.cypher:1: query 'q' has no statement"):
        parse_queries("// name: q\n// Nothing.\n\n", "a.cypher")
    with pytest.raises(CypherCatalogError, match=r"a.cypher:1: statement before the first"):
        parse_queries("RETURN 1\n// name: q\n// One.\nRETURN 1\n", "a.cypher")
    with pytest.raises(CypherCatalogError, match="bad query name"):
        parse_queries("// name: Bad-Name\n// One.\nRETURN 1\n", "a.cypher")
    (tmp_path / "a.cypher").write_text("// name: q\n// One.\nRETURN 1\n")
    (tmp_path / "b.cypher").write_text("// Header comment.\n\n// name: r\n// Two.\nRETURN 2\n\n// name: q\n// Again.\n"
                                       "RETURN 3\n")
    with pytest.raises(CypherCatalogError, match=r"b.cypher:7: duplicate query name 'q' \(first defined at a.cypher:1"):
        load_queries(tmp_path)
    (tmp_path / "b.cypher").write_text("// name: r\n// Two.\nRETURN 2\n")
    book = load_queries(tmp_path)
    assert sorted(book) == ["q", "r"] and book["r"].text == "RETURN 2" and book["r"].line == 1
    with pytest.raises(CypherCatalogError, match=r"no Cypher query named 'qq'.*did you mean q"):
        book["qq"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CypherCatalogError, match="no named Cypher queries"):
        load_queries(empty)


def test_every_query_is_used() -> None:
    code = "\n".join(p.read_text() for p in [*(ROOT / "kamgraph").rglob("*.py"), *(ROOT / "benchmarks").glob("*.py")])
    schema = {q.name for q in queries().in_file("schema")}
    unused = [name for name in queries() if name not in schema and f'"{name}"' not in code]
    assert not unused, f"named queries nobody runs: {unused}"


# -- Neo4j 5 only ------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(queries()))
def test_no_cypher_that_neo4j5_rejects(name: str) -> None:
    assert lint(queries()[name].text) == [], name


@pytest.mark.parametrize(("text", "problem"), [
    ("MATCH (n) WHERE exists(n.email) RETURN n", "exists(n.prop)"),
    ("CALL apoc.periodic.iterate('a', 'b', {})", "APOC"),
    ("MATCH (m:Meeting) RETURN date($as_of) - m.date AS age", "date - date"),
    ("MATCH (m:Meeting) RETURN $as_of - m.date AS age", "date - date"),
    ("MATCH (n) RETURN toInt(n.x)", "removed in Neo4j 5"),
    ("MATCH (n) RETURN id(n)", "id()"),
    ("CREATE CONSTRAINT ON (a:A) ASSERT a.id IS UNIQUE", "ASSERT"),
    ("CREATE INDEX ON :Meeting(date)", "INDEX ON"),
    ("RETURN [1, null, 2] AS xs", "nulls"),
    ("MATCH (n {id: {id}}) RETURN n", "old parameter syntax"),
])
def test_the_lint_catches(text: str, problem: str) -> None:
    found = lint(text)
    assert found and problem in found[0]


def test_the_lint_lets_neo4j5_cypher_through() -> None:
    fine = ("MATCH (c:Person {id: $id}) WHERE EXISTS { MATCH (c)-[:ATTENDED]->(:Meeting) } "
            "AND c.left_on IS NULL RETURN duration.inDays(c.first, c.last).days AS span, toLower(type(r)) AS kind, "
            "'exists(x) - apoc.y' AS text, {manager: m.id} AS m, count(*) AS n")
    assert lint(fine) == []


def test_no_cypher_outside_the_catalogue() -> None:
    """No Cypher statements in Python or shell files: they all belong in cypher/*.cypher."""
    pattern = re.compile(r"\b(?:MATCH|MERGE|CREATE)\s*\(|\bUNWIND\b|\bDETACH\s+DELETE\b|"
                         r"\bCREATE\s+(?:CONSTRAINT|INDEX)\b[^\n]*\bFOR\s*\(|\bRETURN\s+count\s*\(")
    files = [*(ROOT / "kamgraph").rglob("*.py"), *(ROOT / "kamgraph_commands").rglob("*.py"), ROOT / "cli.py",
             *(ROOT / "tests").rglob("*.py"),
             *(ROOT / "benchmarks").rglob("*.py"), *(ROOT / "scripts").glob("*")]
    offenders = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
                 for path in files if path.is_file() and path.resolve() != Path(__file__).resolve()
                 for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1) if pattern.search(line)]
    assert offenders == []


# -- against the server ------------------------------------------------------------------

@pytest.fixture(scope="module")
def empty_db(bolt: BoltServer) -> Iterator[tuple[neo4j.Driver, str]]:
    """An empty database (schema applied by opening a store on it) and a plain driver."""
    name = bolt.new_database()
    bolt.open(name).close()
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
        yield driver, name
    bolt.release(name)


def params_of(query: NamedQuery) -> dict[str, object]:
    names = set(re.findall(r"\$(\w+)", query.text))
    missing = names - set(SAMPLE_PARAMS)
    assert not missing, f"{query.name}: add sample values for {sorted(missing)} to SAMPLE_PARAMS"
    return {name: SAMPLE_PARAMS[name] for name in names}


class _RolledBackError(Exception):
    pass


@pytest.mark.bolt
@pytest.mark.parametrize("name", sorted(queries()))
def test_every_query_explains_and_runs_on_an_empty_database(empty_db: tuple[neo4j.Driver, str], name: str) -> None:
    driver, database = empty_db
    query = queries()[name]
    params = params_of(query)
    with driver.session(database=database) as session:
        if query.file != "schema.cypher":
            session.run("EXPLAIN " + query.text, params).consume()

        def run(tx: neo4j.ManagedTransaction) -> None:
            tx.run(query.text, params).consume()
            raise _RolledBackError

        with pytest.raises(_RolledBackError):
            session.execute_write(run)
