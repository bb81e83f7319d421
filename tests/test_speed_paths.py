"""The fast paths of issue #15 give what the general paths give.

* the set-based SQLite/Neo4j chunk load equals the one-account load on the demo portfolio;
* the streaming ``export --all`` writer (:func:`~kamgraph.views.graph_export.write_portfolio_export`) writes the
  graph the in-memory writer writes (``write_export(export_accounts(...))``), read back with networkx or as
  CSV/JSON: the same nodes in the same order with the same attributes, the same multiset of edges, in every
  format, names with XML and CSV specials included; the GEXF validates against the official grammar;
* the streaming row insert (``_insert_flat``) writes every row for counts around its statement size.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.samples.demo import build_demo
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore
from kamgraph.views.graph_export import EXPORT_FORMATS, csv_paths, export_accounts, write_export, write_portfolio_export

AS_OF = dt.date(2026, 6, 30)


def test_chunk_load_equals_one_account_loads_on_the_demo(store: GraphStore) -> None:
    store.import_batch(build_demo(AS_OF))
    ids = store.account_ids()
    for as_of in (None, AS_OF, AS_OF - dt.timedelta(days=120)):
        bulk = list(store.load_accounts(ids, as_of, chunk_size=3))
        assert bulk == [store.load_account(i, as_of) for i in ids]
        assert sum(len(s.meetings) for s in bulk) > 0


def _hostile_batch() -> Batch:
    """Two accounts sharing a staff member, with names full of XML, CSV and JSON specials."""
    accounts = [Account(id="acc-1", name='Ac<me> & "Sons"'), Account(id="acc-2", name="=SUM(A1) ' Ltd")]
    staff = [Staff(id="s1", name="Ann <b>&amp;</b>", accounts=["acc-1", "acc-2"]),
             Staff(id="s2", name='Bo "quoted"', accounts=["acc-2"])]
    people = [Stakeholder(id="c1", account="acc-1", name="Cé & <Co>", buying_role="champion", influence=5),
              Stakeholder(id="c2", account="acc-1", name="=1+2", reports_to="c1", department="R&D <x>"),
              Stakeholder(id="c3", account="acc-2", name="Dee\u00a0'single'", buying_role="economic_buyer")]
    meetings = [Meeting(id="m1", date=AS_OF - dt.timedelta(days=10), attendees=["s1", "c1", "c2"]),
                Meeting(id="m2", date=AS_OF - dt.timedelta(days=40), attendees=["s1", "s2", "c3"]),
                Meeting(id="m3", date=AS_OF - dt.timedelta(days=5), attendees=["s2", "c3"])]
    return Batch(accounts=accounts, staff=staff, stakeholders=people, meetings=meetings)


def _read(fmt: str, target: Path) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """(nodes in file order with their attributes, sorted edges as JSON) of an export file."""
    if fmt in ("graphml", "gexf"):
        g = nx.read_graphml(target) if fmt == "graphml" else nx.read_gexf(target)
        edges = sorted(json.dumps([u, v, {k: d[k] for k in d if k != "id"}], sort_keys=True)
                       for u, v, d in g.edges(data=True))
        return list(g.nodes(data=True)), edges
    if fmt == "json":
        data = json.loads(target.read_text(encoding="utf-8"))
        edges = sorted(json.dumps(link, sort_keys=True) for link in data["links"])
        return [(n["id"], n) for n in data["nodes"]], edges
    nodes_file, edges_file = (Path(p) for p in csv_paths(str(target)))
    with nodes_file.open(encoding="utf-8", newline="") as handle:
        nodes = [(row["id:ID"], row) for row in csv.DictReader(handle)]
    with edges_file.open(encoding="utf-8", newline="") as handle:
        edges = sorted(json.dumps(row, sort_keys=True) for row in csv.DictReader(handle))
    return nodes, edges


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
@pytest.mark.parametrize("batch", [_hostile_batch, lambda: build_demo(AS_OF)], ids=["hostile", "demo"])
def test_streaming_export_writes_the_in_memory_graph(tmp_path: Path, fmt: str, batch: Any) -> None:
    settings = Settings()
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(batch())
        written = write_portfolio_export(store, None, AS_OF, settings, fmt, str(tmp_path / f"stream.{fmt}"))
        _text, expected = write_export(export_accounts(store, None, AS_OF, settings), fmt,
                                       str(tmp_path / f"graph.{fmt}"))
    assert len(written) == len(expected) == (2 if fmt == "csv" else 1)
    assert not list(tmp_path.glob("*.tmp"))
    streamed, reference = _read(fmt, tmp_path / f"stream.{fmt}"), _read(fmt, tmp_path / f"graph.{fmt}")
    assert streamed[0] == reference[0]  # nodes: same order, same attributes
    assert streamed[1] == reference[1]  # edges: same multiset
    assert len(streamed[0]) > 3 and len(streamed[1]) > 3
    if fmt == "csv":  # same header (columns that occur, in the same order)
        for stream_file, graph_file in zip(written, expected, strict=True):
            assert Path(stream_file).read_text().splitlines()[0] == Path(graph_file).read_text().splitlines()[0]


def test_streaming_export_keeps_staff_merged_across_accounts(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_hostile_batch())
        write_portfolio_export(store, None, AS_OF, Settings(), "json", str(tmp_path / "all.json"))
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    ids = [n["id"] for n in data["nodes"]]
    assert sorted(ids) == ["c1", "c2", "c3", "s1", "s2"]  # s1 works on both accounts and appears once
    s1 = next(n for n in data["nodes"] if n["id"] == "s1")
    # worked by hand: s1 holds threads to c1 and c2 (acc-1, m1 10 days ago) and to c3 (acc-2, m2 40 days ago)
    assert s1["threads"] == 3 and s1["on_account_team"] is True
    assert {link["account"] for link in data["links"]} == {"acc-1", "acc-2"}


def test_streamed_gexf_validates_against_the_official_1_3_grammar(tmp_path: Path) -> None:
    from lxml import etree

    from .test_export import GEXF13_SCHEMA

    path = Path(os.environ.get("KAMGRAPH_GEXF13_SCHEMA", GEXF13_SCHEMA))
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"GEXF 1.3 grammar missing at {path}")
        pytest.skip(f"GEXF 1.3 grammar not available (put gexf.rng and its includes in {path.parent})")
    grammar = etree.RelaxNG(etree.parse(str(path)))
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_hostile_batch())
        write_portfolio_export(store, None, AS_OF, Settings(), "gexf", str(tmp_path / "all.gexf"))
    document = etree.parse(str(tmp_path / "all.gexf"))
    assert grammar.validate(document), grammar.error_log.last_error


@pytest.mark.parametrize("n", [1, 128, 129, 300, 451])
def test_streaming_row_insert_writes_every_row(tmp_path: Path, n: int) -> None:
    # 900 parameters a statement: 128 meetings of 7 columns, 450 attendee pairs of 2 fill one exactly.
    staff = [Staff(id="s1", name="S", accounts=["a"])]
    people = [Stakeholder(id="c1", account="a", name="C")]
    meetings = [Meeting(id=f"m{i:04d}", date=AS_OF - dt.timedelta(days=i % 300), attendees=["s1", "c1"])
                for i in range(n)]
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(Batch(accounts=[Account(id="a", name="A")], staff=staff, stakeholders=people,
                                 meetings=meetings))
        assert store.counts()["meetings"] == n
        loaded = store.load_account("a")
    assert sorted(m.id for m in loaded.meetings) == [m.id for m in meetings]
    assert all(m.attendees == ["c1", "s1"] for m in loaded.meetings)


def test_export_all_to_a_file_streams_the_same_graph_as_standard_output(tmp_path: Path) -> None:
    """``export --all -o FILE`` goes through the streaming writer; to standard output the graph is built in
    memory. Both hold the same nodes (in order) and edges on the demo."""
    from click.testing import CliRunner

    from cli import cli

    store = str(tmp_path / "demo.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", store, "demo", "--as-of", AS_OF.isoformat()]).exit_code == 0
    args = ["--store", store, "export", "--all", "--format", "graphml", "--as-of", AS_OF.isoformat()]
    shown = runner.invoke(cli, args)
    assert shown.exit_code == 0
    (tmp_path / "shown.graphml").write_text(shown.output, encoding="utf-8")
    written = runner.invoke(cli, [*args, "-o", str(tmp_path / "file.graphml"), "--json"])
    assert written.exit_code == 0, written.output
    assert [w["path"] for w in json.loads(written.output)["written"]] == [str(tmp_path / "file.graphml")]
    assert _read("graphml", tmp_path / "file.graphml") == _read("graphml", tmp_path / "shown.graphml")
    assert not list(tmp_path.glob("*.tmp"))
