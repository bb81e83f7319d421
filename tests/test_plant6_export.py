"""Graph-export rules the sixth round of planted bugs found unchecked, worked out by hand and read back with the
csv module and an XML parser (not the exporter's own graph).

- A dotted reporting line is exported with ``line`` ``dotted``, a solid one with ``solid``;
- a dotted line to the person's own solid-line manager adds nothing: the one edge to that manager stays solid.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from kamgraph.analysis.pipeline import analyze
from kamgraph.views.graph_export import decode_token, export_graph, to_csv, to_graphml

from .accounts import AS_OF, met, person, snapshot, us

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"

#: c-cto reports to c-ceo; c-eng reports to c-cto (solid, and listed as dotted too) and to c-cfo (dotted).
LINES = {("c-cto", "c-ceo", "solid"), ("c-eng", "c-cfo", "dotted"), ("c-eng", "c-cto", "solid")}


def _analysis():  # type: ignore[no-untyped-def]
    snap = snapshot(stakeholders=[person("c-ceo", 5, "decision_maker"), person("c-cfo", 4, "economic_buyer"),
                                  person("c-cto", 4, "champion", reports_to="c-ceo"),
                                  person("c-eng", 2, "user", reports_to="c-cto", dotted_to=["c-cto", "c-cfo"])],
                    staff=[us("s1")], meetings=[met("m1", 3, "s1", "c-ceo", "c-eng")])
    return analyze(snap, AS_OF)


def test_reporting_lines_in_the_neo4j_admin_csv() -> None:
    _, edges = to_csv(export_graph(_analysis()))
    rows = list(csv.DictReader(io.StringIO(edges)))
    lines = [(r[":START_ID"], r[":END_ID"], r["line"]) for r in rows if r[":TYPE"] == "REPORTS_TO"]
    assert sorted(lines) == sorted(LINES)  # one edge per pair: no second, dotted, edge to c-cto


def test_reporting_lines_in_graphml() -> None:
    root = ET.fromstring(to_graphml(export_graph(_analysis())))
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(f"{GRAPHML}key")}
    found = []
    for edge in root.iter(f"{GRAPHML}edge"):
        data = {keys[d.get("key")]: d.text for d in edge.iter(f"{GRAPHML}data")}
        if data.get("kind") == "reports_to":
            found.append((decode_token(edge.get("source")), decode_token(edge.get("target")), data["line"]))
    assert sorted(found) == sorted(LINES)
