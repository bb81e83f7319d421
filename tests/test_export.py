"""Graph exports: round trips through networkx and igraph, schema validation, neo4j-admin CSV headers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import networkx as nx
import pytest

from kamgraph.samples.demo import DEMO_PROBLEMS
from kamgraph.views.graph_export import (
    NODE_FIELDS,
    decode_token,
    encode_token,
    export_graph,
    portfolio_graph,
    to_csv,
    to_gexf,
    to_graphml,
    to_node_link,
    write_export,
)

from .accounts import AS_OF, six_people
from .conftest import require, skip_unless_ci
from .review_data import DEMO_AS_OF, SCHEMAS, demo_analysis, demo_snapshot, hostile_analysis

igraph = require("igraph")


@pytest.fixture(scope="module")
def demo_graph() -> nx.MultiDiGraph:
    return export_graph(demo_analysis())


@pytest.fixture(scope="module")
def schemas() -> Path:
    """The GraphML and GEXF schemas (fetched from Debian's libjgrapht-java by tests/fetch_schemas.py)."""
    from . import fetch_schemas

    if not fetch_schemas.present(SCHEMAS):
        subprocess.run([sys.executable, fetch_schemas.__file__, str(SCHEMAS)], check=False, timeout=900)
    if not fetch_schemas.present(SCHEMAS):
        skip_unless_ci("schemas not available (tests/fetch_schemas.py could not fetch libjgrapht-java)")
    return SCHEMAS


class _Schema:
    """An XML schema (libxml2 through lxml) with the two questions the tests ask."""

    def __init__(self, path: Path) -> None:
        from lxml import etree

        self.etree = etree
        self.schema = etree.XMLSchema(etree.parse(str(path)))

    def is_valid(self, text: str) -> bool:
        return bool(self.schema.validate(self.etree.fromstring(text.encode("utf-8"))))

    def validate(self, text: str) -> None:
        assert self.is_valid(text), self.schema.error_log.last_error


@pytest.fixture(scope="module")
def graphml_schema(schemas: Path) -> _Schema:
    return _Schema(schemas / "graphml.xsd")


def _edge_set(g: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    return {(str(u), str(v), d["kind"]) for u, v, d in g.edges(data=True)}


# --------------------------------------------------------------------------- the graph itself
def test_hand_built_account_graph() -> None:
    """Six people (tests/accounts.py): S1 meets A (10 days ago) and B, C (20 days ago); S2 meets D; D reports to A."""
    from kamgraph.analysis.pipeline import analyze

    g = export_graph(analyze(six_people(), AS_OF))
    assert _edge_set(g) == {("S1", "A", "met"), ("S1", "B", "met"), ("S1", "C", "met"), ("S2", "D", "met"),
                            ("D", "A", "reports_to")}
    met = g.edges["S1", "A", "met"]
    assert met["count"] == 1 and met["first"] == met["last"] == (AS_OF - dt.timedelta(days=10)).isoformat()
    assert met["strength"] == pytest.approx(2 ** (-10 / 90), abs=1e-6) and met["thread"] is True
    assert g.edges["D", "A", "reports_to"]["line"] == "solid"
    a = g.nodes["A"]
    assert (a["kind"], a["buying_role"], a["influence"], a["importance"], a["key"]) == (
        "stakeholder", "economic_buyer", 5, 10.0, True)
    assert {n: g.nodes[n]["coverage"] for n in "ABCD"} == dict.fromkeys("ABCD", "single_threaded")
    # S1 is the only thread of A, B and C: importance 10 + 6 + 1.6 of 20.6 is lost if S1 leaves.
    assert g.nodes["S1"]["fragility"] == pytest.approx(17.6 / 20.6, abs=1e-6)
    assert g.nodes["S1"]["kind"] == "staff" and g.nodes["S1"]["role"] == "kam"


def test_every_value_is_plain(demo_graph: nx.MultiDiGraph) -> None:
    kinds = (str, int, float, bool)
    for _, data in demo_graph.nodes(data=True):
        assert all(type(v) in kinds for v in data.values()), data
        for name, value in data.items():
            if name in NODE_FIELDS:
                assert isinstance(value, NODE_FIELDS[name]), (name, value)
    for _, _, data in demo_graph.edges(data=True):
        assert all(type(v) in kinds for v in data.values()), data


def test_demo_graph_matches_the_raw_records(demo_graph: nx.MultiDiGraph) -> None:
    snap = demo_snapshot()
    staff = {s.id for s in snap.staff}
    clients = {c.id for c in snap.stakeholders}
    assert set(demo_graph.nodes) == staff | clients
    pairs: dict[tuple[str, str], list[dt.date]] = {}
    for m in snap.meetings:
        if m.date <= DEMO_AS_OF:
            for s in staff & set(m.attendees):
                for c in clients & set(m.attendees):
                    pairs.setdefault((s, c), []).append(m.date)
    met = {(u, v): d for u, v, d in demo_graph.edges(data=True) if d["kind"] == "met"}
    assert set(met) == set(pairs)
    for pair, dates in pairs.items():
        assert (met[pair]["count"], met[pair]["first"], met[pair]["last"]) == (
            len(dates), min(dates).isoformat(), max(dates).isoformat())
    lines = {(c.id, c.reports_to) for c in snap.stakeholders if c.reports_to}
    lines |= {(c.id, m) for c in snap.stakeholders for m in c.dotted_to}
    assert {(u, v) for u, v, d in demo_graph.edges(data=True) if d["kind"] == "reports_to"} == lines
    gone = DEMO_PROBLEMS["departed_key_contact"]
    assert demo_graph.nodes[gone]["status"] == "left" and demo_graph.nodes[gone]["coverage"] == "left"
    assert demo_graph.nodes[DEMO_PROBLEMS["single_threaded_champion"]]["coverage"] == "single_threaded"
    assert demo_graph.nodes[DEMO_PROBLEMS["economic_buyer_unmet"]]["coverage"] in ("weak", "uncovered")
    assert demo_graph.nodes[DEMO_PROBLEMS["sole_bridge"]]["cut_vertex"] is True


# --------------------------------------------------------------------------- GraphML
def test_graphml_round_trip_networkx_and_igraph(demo_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "a.graphml"
    path.write_text(to_graphml(demo_graph), encoding="utf-8")

    back = nx.read_graphml(path)
    assert back.is_directed()
    assert set(back.nodes) == set(demo_graph.nodes)
    assert _edge_set(back) == _edge_set(demo_graph)
    for node, data in demo_graph.nodes(data=True):
        assert back.nodes[node] == data
    edges_back = {(u, v, d["kind"]): d for u, v, d in back.edges(data=True)}
    for u, v, data in demo_graph.edges(data=True):
        assert edges_back[(u, v, data["kind"])] == data

    ig = igraph.Graph.Read_GraphML(str(path))
    assert ig.is_directed() and ig.vcount() == demo_graph.number_of_nodes()
    ids = ig.vs["id"]
    assert set(ids) == set(demo_graph.nodes)
    assert {(ids[e.source], ids[e.target], e["kind"]) for e in ig.es} == _edge_set(demo_graph)
    for vertex in ig.vs:
        data = demo_graph.nodes[vertex["id"]]
        for name, value in data.items():
            got = vertex[name]
            assert (got == pytest.approx(value)) if isinstance(value, float) else (got == value), (name, got, value)
        for name in set(ig.vs.attributes()) - set(data) - {"id"}:  # attributes other people have: igraph's default
            expected_empty = False if NODE_FIELDS.get(name) is bool else ""
            assert vertex[name] == expected_empty or (isinstance(vertex[name], float) and math.isnan(vertex[name]))


def test_graphml_validates_against_the_schema(demo_graph: nx.MultiDiGraph, graphml_schema: _Schema) -> None:
    schema = graphml_schema
    schema.validate(to_graphml(demo_graph))
    schema.validate(to_graphml(export_graph(hostile_analysis())))
    broken = to_graphml(demo_graph).replace('edgedefault="directed"', 'edgedefault="sideways"', 1)
    assert not schema.is_valid(broken)  # the schema does check something
    dangling = to_graphml(demo_graph).replace('target="nw-ceo"', 'target="nobody"', 1)
    assert not schema.is_valid(dangling)  # ... including that edges join declared nodes


def test_graphml_ids_that_are_not_xml_tokens(graphml_schema: _Schema) -> None:
    g = nx.MultiDiGraph()
    g.add_node("c 1/x&y", kind="stakeholder", name="A")
    g.add_node("_x41_", kind="staff", name="B")
    g.add_edge("_x41_", "c 1/x&y", key="met", kind="met", count=1)
    text = to_graphml(g)
    graphml_schema.validate(text)
    back = nx.read_graphml(io.BytesIO(text.encode()))
    assert {decode_token(n) for n in back.nodes} == {"c 1/x&y", "_x41_"}
    assert encode_token("_x41_") != "_x41_"


# --------------------------------------------------------------------------- GEXF
def _check_gexf13(text: str) -> None:
    """GEXF 1.3 rules the 1.2draft schema cannot see: namespace, version, declared and typed attribute values,
    unique ids, edges between declared nodes."""
    ns = "{http://gexf.net/1.3}"
    root = ET.fromstring(text)
    assert root.tag == f"{ns}gexf" and root.get("version") == "1.3"
    graph = root.find(f"{ns}graph")
    assert graph is not None and graph.get("defaultedgetype") in ("directed", "undirected", "mutual")
    declared: dict[str, dict[str, str]] = {}
    for attrs in graph.findall(f"{ns}attributes"):
        declared[attrs.get("class", "")] = {a.get("id", ""): a.get("type", "") for a in attrs}
    parse = {"string": str, "integer": int, "double": float, "boolean": lambda v: {"true": 1, "false": 0}[v]}
    node_ids = [n.get("id") for n in graph.iter(f"{ns}node")]
    assert len(node_ids) == len(set(node_ids))
    for klass, tag in (("node", "node"), ("edge", "edge")):
        for element in graph.iter(f"{ns}{tag}"):
            for value in element.iter(f"{ns}attvalue"):
                kind = declared[klass][value.get("for", "")]
                parse[kind](value.get("value", ""))
    for edge in graph.iter(f"{ns}edge"):
        assert edge.get("source") in node_ids and edge.get("target") in node_ids


def test_gexf_round_trip_and_validation(demo_graph: nx.MultiDiGraph, schemas: Path) -> None:
    text = to_gexf(demo_graph)
    _check_gexf13(text)
    # The official schema of the static subset we write: GEXF 1.2draft (the only GEXF schema a package
    # registry carries); 1.3 changes the namespace and version of this subset, nothing else.
    as12 = text.replace('xmlns="http://gexf.net/1.3" version="1.3"',
                        'xmlns="http://www.gexf.net/1.2draft" version="1.2"', 1)
    assert as12 != text
    schema = _Schema(schemas / "gexf.xsd")
    schema.validate(as12)
    assert not schema.is_valid(as12.replace('type="double"', 'type="real"', 1))

    back = nx.read_gexf(io.BytesIO(text.encode()))
    assert set(back.nodes) == set(demo_graph.nodes)
    assert {(u, v, d["label"]) for u, v, d in back.edges(data=True)} == _edge_set(demo_graph)
    for node, data in demo_graph.nodes(data=True):
        got = dict(back.nodes[node])
        assert got.pop("label") == data["name"]
        assert got == data


def test_gexf_of_hostile_names_is_well_formed(schemas: Path) -> None:
    text = to_gexf(export_graph(hostile_analysis()))
    _check_gexf13(text)
    back = nx.read_gexf(io.BytesIO(text.encode()))
    assert back.nodes["h-boss"]["name"] == "<script>alert(1)</script>"
    assert "<script>" not in text


# --------------------------------------------------------------------------- JSON, CSV
def test_node_link_round_trip(demo_graph: nx.MultiDiGraph) -> None:
    data = json.loads(json.dumps(to_node_link(demo_graph)))
    try:
        back = nx.node_link_graph(data, edges="links")
    except TypeError:  # networkx < 3.4 reads "links" by default
        back = nx.node_link_graph(data)
    assert back.is_directed() and back.is_multigraph()
    assert dict(back.nodes(data=True)) == dict(demo_graph.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True)) == sorted(demo_graph.edges(keys=True, data=True))


def _read_csv(text: str) -> list[dict[str, Any]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_neo4j_admin_headers(demo_graph: nx.MultiDiGraph) -> None:
    nodes_text, edges_text = to_csv(demo_graph)
    nodes, edges = _read_csv(nodes_text), _read_csv(edges_text)
    node_header = nodes_text.splitlines()[0].split(",")
    edge_header = edges_text.splitlines()[0].split(",")
    assert node_header[:2] == ["id:ID", ":LABEL"]
    assert edge_header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert {"influence:int", "attitude:int", "key:boolean", "betweenness:float", "left_on:date"} <= set(node_header)
    assert {"count:int", "first:date", "last:date", "strength:float"} <= set(edge_header)
    valid_types = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "date",
                   "datetime", "localdatetime", "time", "localtime", "duration", "point"}
    for header in node_header[2:] + edge_header[3:]:
        name, _, kind = header.partition(":")
        assert name and (not kind or kind in valid_types), header
    ids = [row["id:ID"] for row in nodes]
    assert len(ids) == len(set(ids)) == demo_graph.number_of_nodes()
    assert {row[":LABEL"] for row in nodes} == {"Person;Staff", "Person;Stakeholder", "Person;Stakeholder;Left",
                                                "Person;Staff;Left"} & {row[":LABEL"] for row in nodes}
    assert len(edges) == demo_graph.number_of_edges()
    assert {row[":TYPE"] for row in edges} <= {"MET", "REPORTS_TO", "KNOWS", "INFLUENCES"}
    assert all(row[":START_ID"] in ids and row[":END_ID"] in ids for row in edges)
    for row in edges:
        if row[":TYPE"] == "MET":
            int(row["count:int"])
            dt.date.fromisoformat(row["first:date"])
            assert row["thread:boolean"] in ("true", "false")


def test_write_export_files(demo_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    _text, paths = write_export(demo_graph, "csv", str(tmp_path / "nw.csv"))
    assert paths == [str(tmp_path / "nw-nodes.csv"), str(tmp_path / "nw-edges.csv")]
    assert Path(paths[0]).read_text().startswith("id:ID,:LABEL,")
    assert Path(paths[1]).read_text().startswith(":START_ID,:END_ID,:TYPE")
    assert not list(tmp_path.glob("*.tmp"))
    with pytest.raises(ValueError, match="unknown export format"):
        write_export(demo_graph, "dot")


def test_portfolio_graph_merges_staff() -> None:
    from kamgraph.analysis.pipeline import analyze

    one = export_graph(analyze(six_people(), AS_OF))
    other = export_graph(analyze(six_people().__class__(**{**six_people().__dict__,
                                                          "account": six_people().account.model_copy(
                                                              update={"id": "acc2"})}), AS_OF))
    merged = portfolio_graph([one, other])
    assert merged.number_of_nodes() == one.number_of_nodes()  # same people in both
    assert merged.number_of_edges() == 2 * one.number_of_edges()
    assert {d["account"] for _, _, d in merged.edges(data=True)} == {"acc", "acc2"}
    assert merged.nodes["S1"]["fragility"] == one.nodes["S1"]["fragility"]
    assert merged.nodes["S1"]["strength"] == pytest.approx(2 * one.nodes["S1"]["strength"])


def test_writers_take_the_analysis_itself(demo_graph: nx.MultiDiGraph) -> None:
    analysis = demo_analysis()
    assert to_graphml(analysis) == to_graphml(demo_graph)
    assert to_csv(analysis) == to_csv(demo_graph)
    assert to_node_link(analysis) == to_node_link(demo_graph)
    assert to_gexf(analysis) == to_gexf(demo_graph)


#: The official GEXF 1.3 grammar (RelaxNG, from the gexf project, unchanged) in the steering repository's
#: shared/ beside this checkout, or $KAMGRAPH_GEXF13_SCHEMA. The upstream 1.3 XSD does not load (it uses an
#: attribute group as a type), so RelaxNG is the official grammar that can be checked against.
GEXF13_SCHEMA = Path(__file__).resolve().parent.parent.parent / "shared" / "schemas" / "gexf-1.3" / "gexf.rng"


def test_gexf_validates_against_the_official_1_3_grammar(demo_graph: nx.MultiDiGraph) -> None:
    import os

    from lxml import etree

    path = Path(os.environ.get("KAMGRAPH_GEXF13_SCHEMA", GEXF13_SCHEMA))
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"GEXF 1.3 grammar missing at {path} (CI must validate GEXF against it)")
        pytest.skip(f"GEXF 1.3 grammar not available (put gexf.rng and its includes in {path.parent})")
    grammar = etree.RelaxNG(etree.parse(str(path)))
    for text in (to_gexf(demo_graph), to_gexf(export_graph(hostile_analysis()))):
        document = etree.fromstring(text.encode("utf-8"))
        assert grammar.validate(document), grammar.error_log.last_error
    # The grammar is not a formality: a document that breaks it is refused.
    broken = etree.fromstring(to_gexf(demo_graph).encode("utf-8"))
    graph = broken.find("{http://gexf.net/1.3}graph")
    graph.set("defaultedgetype", "sideways")
    assert not grammar.validate(broken)
