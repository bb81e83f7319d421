"""The streamed portfolio export (``export --all``) with ids that are not XML name tokens, worked by hand.

GraphML ids must be ``NMTOKEN`` s: a space becomes ``_x0020_`` and a literal ``_x`` is written ``_x005F_x``
(:func:`kamgraph.views.graph_export.encode_token`); GEXF keeps the ids as they are and labels each node with
the person's name. The files are read back with an XML parser and networkx.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import networkx as nx
import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.views.graph_export import GEXF_NS, decode_token, write_portfolio_export

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
NMTOKEN = re.compile(r"^[\w.\-:]+$")


@pytest.fixture
def store_path(tmp_path: Path) -> str:
    path = str(tmp_path / "kam.db")
    with open_store(path, create=True) as store:
        store.import_batch(Batch(
            accounts=[Account(id="acc one", name="A & B")],
            staff=[Staff(id="s 1", name="Sam", accounts=["acc one"])],
            stakeholders=[Stakeholder(id="c 1", account="acc one", name="Cy"),
                          Stakeholder(id="c_x2", account="acc one", name="Di", reports_to="c 1")],
            meetings=[Meeting(id="m", date=dt.date(2026, 1, 5), attendees=["s 1", "c 1", "c_x2"])]))
    return path


def _export(store_path: str, fmt: str, target: Path) -> None:
    with open_store(store_path) as store:
        write_portfolio_export(store, None, dt.date(2026, 1, 10), Settings(), fmt, str(target))


def test_streamed_graphml_ids_are_name_tokens_that_decode_back(store_path: str, tmp_path: Path) -> None:
    target = tmp_path / "all.graphml"
    _export(store_path, "graphml", target)
    graph = ET.parse(target).getroot().find(f"{GRAPHML}graph")
    assert graph is not None
    nodes = [n.get("id") for n in graph.iter(f"{GRAPHML}node")]
    # by hand: "s 1" -> s_x0020_1, "c 1" -> c_x0020_1, "c_x2" -> c_x005F_x2
    assert sorted(nodes) == ["c_x0020_1", "c_x005F_x2", "s_x0020_1"]
    assert all(NMTOKEN.match(n) for n in nodes)
    edges = {(e.get("source"), e.get("target")) for e in graph.iter(f"{GRAPHML}edge")}
    # s 1 met c 1 and c_x2 (threads), c_x2 reports to c 1
    assert {(decode_token(a), decode_token(b)) for a, b in edges} == {("s 1", "c 1"), ("s 1", "c_x2"),
                                                                     ("c_x2", "c 1")}
    read = nx.read_graphml(target)
    assert sorted(decode_token(n) for n in read.nodes) == ["c 1", "c_x2", "s 1"]


def test_streamed_gexf_keeps_ids_and_labels_nodes_with_names(store_path: str, tmp_path: Path) -> None:
    target = tmp_path / "all.gexf"
    _export(store_path, "gexf", target)
    nodes = {(n.get("id"), n.get("label")) for n in ET.parse(target).getroot().iter(f"{{{GEXF_NS}}}node")}
    assert nodes == {("s 1", "Sam"), ("c 1", "Cy"), ("c_x2", "Di")}
