"""Graph files for account reviews: GraphML, GEXF 1.3, networkx node-link JSON, neo4j-admin CSV.

:func:`export_graph` turns an :class:`~kamgraph.analysis.pipeline.AccountAnalysis`
into one directed multigraph that every writer below reads. It holds
**everyone** in the account on the as-of date -- our staff and the client's
stakeholders, including people who have left (``status="left"``) -- and three
kinds of links:

* ``met`` -- staff member -> stakeholder, one per pair that ever met up to the
  as-of date: ``count`` (meetings), ``first`` and ``last`` (ISO dates),
  ``strength`` (decayed tie strength) and ``thread`` (strength at or above the
  thread threshold);
* ``reports_to`` -- stakeholder -> manager, with ``line`` ``solid`` or ``dotted``;
* ``knows`` / ``influences`` -- recorded ties, source -> target, with ``weight``.

Node attributes: ``kind`` (``staff`` / ``stakeholder``), ``name``, ``title``,
``status`` (``active`` / ``left``), ``left_on``, ``betweenness`` (team
betweenness, see :mod:`kamgraph.analysis.bridging`), ``fragility`` (the person's removal
share, see :mod:`kamgraph.analysis.fragility`) and ``cut_vertex`` (their departure cuts
someone off from our team). Stakeholders add ``account``, ``department``,
``seniority``, ``buying_role``, ``influence``, ``attitude``, ``importance``,
``key``, ``coverage`` (:data:`COVERAGE_STATUSES`), ``threads``, ``cadence``
and ``last_contact``; staff add ``role``, ``team``, ``strength`` and
``on_account_team``.

The writers (:func:`to_graphml`, :func:`to_gexf`, :func:`to_node_link`,
:func:`to_csv`) take that graph or the analysis itself.

Every value is a plain ``str``, ``int``, ``float`` or ``bool`` (no ``None``,
no enums, dates as ISO strings): an attribute that does not apply or is not
known is left out, so every writer accepts the graph as it is.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.analysis.pipeline import analyze
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> snap = AccountSnapshot(account=Account(id="a", name="A"),
...     stakeholders=[Stakeholder(id="c1", account="a", name="Ann", buying_role="champion"),
...                   Stakeholder(id="c2", account="a", name="Bo", reports_to="c1")],
...     staff=[Staff(id="s1", name="Sam", accounts=["a"])], reporting_lines=[], relationships=[],
...     meetings=[Meeting(id="m", date="2025-01-01", attendees=["s1", "c1"])])
>>> g = export_graph(analyze(snap, dt.date(2025, 1, 2)))
>>> sorted((u, v, d["kind"]) for u, v, d in g.edges(data=True))
[('c2', 'c1', 'reports_to'), ('s1', 'c1', 'met')]
>>> g.nodes["c1"]["coverage"], g.nodes["c2"]["coverage"], g.nodes["c1"]["cut_vertex"]
('single_threaded', 'uncovered', True)
>>> print(to_csv(g)[1].splitlines()[0])
:START_ID,:END_ID,:TYPE,count:int,first:date,last:date,strength:float,thread:boolean,line
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from ..domain.plans import PERSON_KINDS, Objective, ObjectiveStatus
from .csv_text import csv_text

if TYPE_CHECKING:
    import networkx as nx

    from ..analysis.pipeline import AccountAnalysis
    from ..settings import Settings
    from ..store.base import GraphStore

__all__ = [
    "COVERAGE_STATUSES",
    "EXPORT_FORMATS",
    "NODE_FIELDS",
    "EDGE_FIELDS",
    "export_graph",
    "export_accounts",
    "as_graph",
    "portfolio_graph",
    "add_objectives",
    "objective_node_id",
    "plain",
    "to_graphml",
    "to_gexf",
    "to_node_link",
    "to_csv",
    "encode_token",
    "decode_token",
    "csv_paths",
    "write_export",
    "write_portfolio_export",
]

#: Coverage of a stakeholder, best first: two or more threads, one thread, only weak contact
#: (met, but below the thread threshold), never met by anyone still with us, or left the company.
COVERAGE_STATUSES = ("multi_threaded", "single_threaded", "weak", "uncovered", "left")

#: The formats :func:`write_export` knows.
EXPORT_FORMATS = ("graphml", "gexf", "json", "csv")

#: Node attributes with their type (for GEXF and the neo4j-admin CSV header), in column order.
NODE_FIELDS: dict[str, type] = {
    "name": str, "title": str, "account": str, "accounts": str, "status": str, "left_on": str,
    "department": str, "seniority": str, "buying_role": str, "influence": int, "attitude": int,
    "importance": float, "key": bool, "coverage": str, "threads": int, "cadence": str, "last_contact": str,
    "role": str, "team": str, "strength": float, "on_account_team": bool,
    "betweenness": float, "fragility": float, "cut_vertex": bool,
    # account-plan objectives (kind "objective"; :func:`add_objectives`)
    "goal": str, "goal_kind": str, "subject": str, "target": float, "owner": str, "due": str, "state": str,
    "value": str, "days_left": int, "evidence": str,
}

#: Edge attributes with their type, in column order (``kind`` becomes the CSV ``:TYPE``).
EDGE_FIELDS: dict[str, type] = {
    "count": int, "first": str, "last": str, "strength": float, "thread": bool, "line": str, "weight": float,
    "account": str,
}

_DATE_FIELDS = {"left_on", "last_contact", "first", "last"}


def plain(value: Any) -> str | int | float | bool | None:
    """A value as a plain ``str``/``int``/``float``/``bool`` (enums by value, dates ISO); ``None`` stays ``None``.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamgraph.domain.models import BuyingRole
    >>> plain(BuyingRole.CHAMPION), plain(dt.date(2025, 1, 2)), plain(3), plain(None)
    ('champion', '2025-01-02', 3, None)
    """
    if value is None or (isinstance(value, bool | int | float | str) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return plain(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _put(attrs: dict[str, Any], **values: Any) -> dict[str, Any]:
    for name, value in values.items():
        shown = plain(value)
        if shown is not None:
            attrs[name] = shown
    return attrs


def _coverage(analysis: AccountAnalysis, cid: str) -> str:
    ag = analysis.ag
    if cid not in ag.stakeholders:
        return "left"
    threads = len(ag.threads.get(cid, ()))
    if threads >= 2:
        return "multi_threaded"
    if threads == 1:
        return "single_threaded"
    if any(c == cid and s in ag.staff for s, c in ag.ties):
        return "weak"
    return "uncovered"


def export_graph(analysis: AccountAnalysis) -> nx.MultiDiGraph:
    """The export graph of one analysed account (see the module docstring).

    Edge keys are the link kinds (a pair has at most one link of each kind).
    ``G.graph`` holds ``account``, ``account_name`` and ``as_of``.
    """
    import networkx as nx

    ag = analysis.ag
    snap = ag.snapshot
    account = snap.account.id
    g = nx.MultiDiGraph(account=account, account_name=snap.account.name, as_of=ag.as_of.isoformat())
    cut = {p for p, imp in analysis.impacts.items() if imp.lost_paths}
    strength = ag.staff_strength()
    thread_count: dict[str, int] = {}
    for ties in ag.threads.values():
        for s, _ in ties:
            thread_count[s] = thread_count.get(s, 0) + 1

    def common(person: Any, kind: str) -> dict[str, Any]:
        return _put({"kind": kind}, name=person.name, title=person.title or None,
                    left_on=person.left_on if person.left_on and person.left_on <= ag.as_of else None)

    for member in sorted(snap.staff, key=lambda s: s.id):
        attrs = common(member, "staff")
        active = member.id in ag.staff
        attrs["status"] = "active" if active else "left"
        _put(attrs, role=member.role, team=member.team or None,
             strength=round(strength.get(member.id, 0.0), 6), threads=thread_count.get(member.id, 0),
             on_account_team=account in member.accounts, accounts=";".join(member.accounts) or None)
        _analysis_figures(attrs, analysis, member.id, cut)
        g.add_node(member.id, **attrs)
    for person in sorted(snap.stakeholders, key=lambda p: p.id):
        attrs = common(person, "stakeholder")
        active = person.id in ag.stakeholders
        attrs["status"] = "active" if active else "left"
        cadence = analysis.cadence.get(person.id)
        _put(attrs, account=account, department=person.department or None, seniority=person.seniority,
             buying_role=person.buying_role, influence=person.influence, attitude=person.attitude,
             importance=round(analysis.importance[person.id], 6) if active else None,
             key=(person.id in analysis.key) if active else None, coverage=_coverage(analysis, person.id),
             threads=len(ag.threads.get(person.id, ())) if active else None,
             cadence=cadence.status if cadence else None, last_contact=ag.last_contact.get(person.id))
        _analysis_figures(attrs, analysis, person.id, cut)
        g.add_node(person.id, **attrs)

    threshold = ag.settings.strength.thread_threshold
    for (s, c), tie in sorted(ag.ties.items()):
        if s in g and c in g:
            g.add_edge(s, c, key="met", kind="met", count=tie.count, first=tie.first.isoformat(),
                       last=tie.last.isoformat(), strength=round(tie.strength, 6), thread=tie.strength >= threshold)
    for person in sorted(snap.stakeholders, key=lambda p: p.id):
        if person.reports_to and person.reports_to in g:
            g.add_edge(person.id, person.reports_to, key="reports_to", kind="reports_to", line="solid")
        for manager in person.dotted_to:
            if manager in g and manager != person.reports_to:
                g.add_edge(person.id, manager, key="reports_to", kind="reports_to", line="dotted")
    for rel in sorted(snap.relationships, key=lambda r: r.key):
        if rel.source in g and rel.target in g:
            kind = rel.kind.value
            g.add_edge(rel.source, rel.target, key=kind, kind=kind, weight=float(rel.weight))
    return g


def _analysis_figures(attrs: dict[str, Any], analysis: AccountAnalysis, pid: str, cut: set[str]) -> None:
    impact = analysis.impacts.get(pid)
    attrs["betweenness"] = round(float(analysis.team_betweenness.get(pid, 0.0)), 6)
    attrs["fragility"] = round(float(impact.share), 6) if impact else 0.0
    attrs["cut_vertex"] = pid in cut


def export_accounts(store: GraphStore, account_ids: Sequence[str] | None, as_of: dt.date, settings: Settings
                    ) -> nx.MultiDiGraph:
    """The export graph of some accounts of a store, or of all of them (``account_ids=None``).

    One account gives its :func:`export_graph`; several give their :func:`portfolio_graph`. Accounts are
    read a chunk at a time (:meth:`~kamgraph.store.base.GraphStore.load_accounts`), analysed one by one and
    merged as they come; only the merged graph grows with the portfolio.
    """
    from ..analysis.pipeline import analyze

    ids = store.account_ids() if account_ids is None else list(account_ids)
    plans = _plans_of(store, ids)
    graphs = (_with_plan(analyze(snapshot, as_of, settings), plans, settings)
              for snapshot in store.load_accounts(ids, as_of))
    if account_ids is not None and len(ids) == 1:
        return next(graphs)
    return portfolio_graph(graphs)  # merged as they come: one account's graph and analysis at a time


def objective_node_id(objective_id: str) -> str:
    """The export node id of an objective (``objective:ID``; person ids never start so)."""
    return f"objective:{objective_id}"


def add_objectives(g: nx.MultiDiGraph, statuses: Sequence[ObjectiveStatus]) -> None:
    """Add the evaluated objectives to the export graph ``g`` (see the module docstring)."""
    for s in statuses:
        o = s.objective
        node = objective_node_id(o.id)
        values = {"kind": "objective", "name": s.goal, "goal": s.goal, "goal_kind": o.kind.value,
                  "account": o.account, "subject": o.subject, "target": o.target, "owner": o.owner,
                  "due": o.due, "state": o.state, "status": s.status.value,
                  "value": None if s.value is None else str(s.value), "days_left": s.days_left,
                  "evidence": s.evidence}
        g.add_node(node, **{k: plain(v) for k, v in values.items() if plain(v) is not None})
        if o.kind in PERSON_KINDS and o.subject in g:
            g.add_edge(node, o.subject, key="for", kind="for")
        if o.owner and o.owner in g:
            g.add_edge(node, o.owner, key="owned_by", kind="owned_by")


def _plans_of(store: GraphStore, ids: Sequence[str]) -> dict[str, list[Objective]]:
    """The stored plan objectives of these accounts, by account."""
    plans: dict[str, list[Objective]] = {}
    for objective in store.load_objectives(ids, include_closed=True):
        plans.setdefault(objective.account, []).append(objective)
    return plans


def _with_plan(analysis: AccountAnalysis, plans: dict[str, list[Objective]], settings: Settings
               ) -> nx.MultiDiGraph:
    """:func:`export_graph` of the account, with its plan's objectives open on the date (evaluated)."""
    g = export_graph(analysis)
    objectives = plans.get(analysis.ag.snapshot.account.id)
    if objectives:
        from ..portfolio.plans import evaluate_objectives

        add_objectives(g, evaluate_objectives(objectives, analysis, settings))
    return g


def portfolio_graph(graphs: Iterable[nx.MultiDiGraph]) -> nx.MultiDiGraph:
    """One graph for several accounts (``export --all``).

    Stakeholders belong to one account each; a staff member who works on
    several accounts appears once, with ``accounts`` listing them and, for
    ``betweenness``, ``fragility``, ``strength`` and ``threads``, the largest
    (``strength`` and ``threads``: the sum) over their accounts. Every edge
    gets the ``account`` it belongs to.
    """
    import networkx as nx

    merged = nx.MultiDiGraph(account="*", account_name="portfolio")
    dates = []
    for g in graphs:
        account = g.graph.get("account", "")
        dates.append(g.graph.get("as_of", ""))
        for node, data in g.nodes(data=True):
            if node not in merged:
                merged.add_node(node, **data)
                continue
            if data.get("kind") == "staff":
                _merge_staff(merged.nodes[node], data)
        for u, v, key, data in g.edges(keys=True, data=True):
            merged.add_edge(u, v, key=f"{account}:{key}", **data, account=account)
    merged.graph["as_of"] = max(dates) if dates else ""
    return merged


def _merge_staff(old: dict[str, Any], data: dict[str, Any]) -> None:
    """Fold a staff member's attributes on one more account into ``old`` (see :func:`portfolio_graph`)."""
    for name in ("betweenness", "fragility"):
        old[name] = max(old.get(name, 0.0), data.get(name, 0.0))
    for name in ("strength", "threads"):
        old[name] = round(old.get(name, 0) + data.get(name, 0), 6)
    old["cut_vertex"] = bool(old.get("cut_vertex")) or bool(data.get("cut_vertex"))
    old["on_account_team"] = bool(old.get("on_account_team")) or bool(data.get("on_account_team"))


# --------------------------------------------------------------------------- streaming (export --all)
class _Spool:
    """The portfolio graph of :func:`portfolio_graph`, kept on disk as it is built.

    Stakeholders and edges go to temporary files (one JSON array a line) as each account's graph arrives;
    staff members, who may work on several accounts, stay in memory (merged as in :func:`portfolio_graph`)
    and are written in the place they first appeared. Attribute names and types are collected for the
    formats that declare them before the data (GraphML keys, GEXF attributes, CSV columns).
    """

    def __init__(self) -> None:
        import tempfile

        self.nodes = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self.edges = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self.staff: dict[str, dict[str, Any]] = {}
        self.node_types: dict[str, type] = {}
        self.edge_types: dict[str, type] = {}
        self.n_nodes = self.n_edges = 0
        self.dates: list[str] = []

    def close(self) -> None:
        self.nodes.close()
        self.edges.close()

    def add(self, g: nx.MultiDiGraph) -> None:
        account = g.graph.get("account", "")
        self.dates.append(g.graph.get("as_of", ""))
        for node, data in g.nodes(data=True):
            for name, value in data.items():
                self.node_types.setdefault(name, type(value))
            if data.get("kind") == "staff":
                if node in self.staff:
                    _merge_staff(self.staff[node], data)
                    continue
                self.staff[node] = dict(data)
                self.nodes.write(json.dumps([node, None]) + "\n")
            else:
                self.nodes.write(json.dumps([node, data], ensure_ascii=False) + "\n")
            self.n_nodes += 1
        for u, v, key, data in g.edges(keys=True, data=True):
            data = {**data, "account": account}
            for name, value in data.items():
                self.edge_types.setdefault(name, type(value))
            self.edges.write(json.dumps([u, v, f"{account}:{key}", data], ensure_ascii=False) + "\n")
            self.n_edges += 1

    def graph_attrs(self) -> dict[str, Any]:
        return {"account": "*", "account_name": "portfolio", "as_of": max(self.dates) if self.dates else ""}

    def each_node(self) -> Iterable[tuple[str, dict[str, Any]]]:
        self.nodes.seek(0)
        for line in self.nodes:
            node, data = json.loads(line)
            yield node, data if data is not None else self.staff[node]

    def each_edge(self) -> Iterable[tuple[str, str, str, dict[str, Any]]]:
        self.edges.seek(0)
        for line in self.edges:
            u, v, key, data = json.loads(line)
            yield u, v, key, data


def write_portfolio_export(store: GraphStore, account_ids: Sequence[str] | None, as_of: dt.date,
                           settings: Settings, fmt: str, target: str) -> list[str]:
    """Write the export of several accounts (``export --all``) to ``target`` as the accounts are analysed.

    The same graph as ``write_export(export_accounts(store, account_ids, ...), fmt, target)`` -- the same
    nodes in the same order, the same edges (grouped by account rather than by source node), the same
    attributes -- but memory holds one account's analysis and the staff, not the whole portfolio: each
    account's stakeholders and links go to a temporary spool file as soon as it is analysed
    (:class:`_Spool`), and the file is written from the spool at the end. Returns the paths written.
    Written by hand (with the standard library's incremental XML writer) because networkx's writers and
    ElementTree both hold the whole document in memory.
    """
    from pathlib import Path

    from ..analysis.pipeline import analyze

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    ids = store.account_ids() if account_ids is None else list(account_ids)
    spool = _Spool()
    try:
        plans = _plans_of(store, ids)
        for snapshot in store.load_accounts(ids, as_of, chunk_size=_STREAM_CHUNK):
            spool.add(_with_plan(analyze(snapshot, as_of, settings), plans, settings))
        paths = list(csv_paths(target)) if fmt == "csv" else [target]
        temps = [path + ".tmp" for path in paths]
        try:
            handles = [open(temp, "w", encoding="utf-8", newline="") for temp in temps]  # noqa: SIM115
            try:
                {"graphml": _stream_graphml, "gexf": _stream_gexf, "json": _stream_node_link,
                 "csv": _stream_csv}[fmt](spool, *handles)
            finally:
                for handle in handles:
                    handle.close()
            for temp, path in zip(temps, paths, strict=True):
                Path(temp).replace(path)
        finally:
            for temp in temps:
                Path(temp).unlink(missing_ok=True)
    finally:
        spool.close()
    return paths


#: Accounts per read while streaming: a chunk's snapshots are held together, so a small chunk keeps memory flat.
_STREAM_CHUNK = 20
_GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}


def _stream_graphml(spool: _Spool, out: Any) -> None:
    from xml.sax.saxutils import XMLGenerator

    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.startElement("graphml", {
        "xmlns": "http://graphml.graphdrawing.org/xmlns",
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:schemaLocation": "http://graphml.graphdrawing.org/xmlns "
                              "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"})
    keys: dict[tuple[str, str], str] = {}
    graph = {k: v for k, v in spool.graph_attrs().items() if plain(v) is not None}
    for scope, types in (("graph", {k: type(v) for k, v in graph.items()}), ("node", spool.node_types),
                         ("edge", spool.edge_types)):
        for name, kind in types.items():
            key = keys[(scope, name)] = f"d{len(keys)}"
            out.write("\n")
            xml.startElement("key", {"id": key, "for": scope, "attr.name": name,
                                     "attr.type": _GRAPHML_TYPES.get(kind, "string")})
            xml.endElement("key")
    out.write("\n")
    xml.startElement("graph", {"edgedefault": "directed"})

    def data(scope: str, values: dict[str, Any]) -> None:
        for name, value in values.items():
            out.write("\n  ")
            xml.startElement("data", {"key": keys[(scope, name)]})
            xml.characters(_gexf_value(value) if isinstance(value, bool) else str(value))
            xml.endElement("data")

    data("graph", graph)
    for node, values in spool.each_node():
        out.write("\n")
        xml.startElement("node", {"id": encode_token(str(node))})
        data("node", values)
        out.write("\n")
        xml.endElement("node")
    for i, (u, v, _key, values) in enumerate(spool.each_edge()):
        out.write("\n")
        xml.startElement("edge", {"source": encode_token(str(u)), "target": encode_token(str(v)), "id": f"e{i}"})
        data("edge", values)
        out.write("\n")
        xml.endElement("edge")
    out.write("\n")
    xml.endElement("graph")
    xml.endElement("graphml")
    xml.endDocument()
    out.write("\n")


def _stream_gexf(spool: _Spool, out: Any) -> None:
    from xml.sax.saxutils import XMLGenerator

    xml = XMLGenerator(out, encoding="UTF-8", short_empty_elements=True)
    xml.startDocument()
    graph = spool.graph_attrs()
    xml.startElement("gexf", {"xmlns": GEXF_NS, "version": "1.3"})
    xml.startElement("meta", {"lastmodifieddate": str(graph["as_of"])} if graph["as_of"] else {})
    for tag, text in (("creator", "kamgraph"),
                      ("description", f"Relationship graph of {graph['account_name']} on {graph['as_of']}")):
        xml.startElement(tag, {})
        xml.characters(text)
        xml.endElement(tag)
    xml.endElement("meta")
    xml.startElement("graph", {"defaultedgetype": "directed", "mode": "static"})
    node_fields = {"kind": str, **NODE_FIELDS}
    edge_fields = {"kind": str, **EDGE_FIELDS}
    used_nodes = [f for f in node_fields if f in spool.node_types]
    used_edges = [f for f in edge_fields if f in spool.edge_types]
    for klass, used, fields in (("node", used_nodes, node_fields), ("edge", used_edges, edge_fields)):
        xml.startElement("attributes", {"class": klass, "mode": "static"})
        for field in used:
            xml.startElement("attribute", {"id": field, "title": field, "type": _GEXF_TYPES[fields[field]]})
            xml.endElement("attribute")
        xml.endElement("attributes")

    def values(used: list[str], data: dict[str, Any]) -> None:
        xml.startElement("attvalues", {})
        for field in used:
            if field in data:
                xml.startElement("attvalue", {"for": field, "value": _gexf_value(data[field])})
                xml.endElement("attvalue")
        xml.endElement("attvalues")

    xml.startElement("nodes", {"count": str(spool.n_nodes)})
    for node, data in spool.each_node():
        out.write("\n")
        xml.startElement("node", {"id": str(node), "label": str(data.get("name", node))})
        values(used_nodes, data)
        xml.endElement("node")
    xml.endElement("nodes")
    xml.startElement("edges", {"count": str(spool.n_edges)})
    for i, (u, v, _key, data) in enumerate(spool.each_edge()):
        attrs = {"id": f"e{i}", "source": str(u), "target": str(v), "label": str(data.get("kind", ""))}
        if "strength" in data:
            attrs["weight"] = repr(float(data["strength"]))
        out.write("\n")
        xml.startElement("edge", attrs)
        values(used_edges, data)
        xml.endElement("edge")
    xml.endElement("edges")
    xml.endElement("graph")
    xml.endElement("gexf")
    xml.endDocument()
    out.write("\n")


def _stream_node_link(spool: _Spool, out: Any) -> None:
    out.write('{"directed": true, "multigraph": true, "graph": ')
    out.write(json.dumps({k: plain(v) for k, v in spool.graph_attrs().items()}, ensure_ascii=False))
    out.write(',\n "nodes": [')
    for i, (node, data) in enumerate(spool.each_node()):
        out.write(("," if i else "") + "\n  " + json.dumps({"id": node, **data}, ensure_ascii=False))
    out.write('\n ],\n "links": [')
    for i, (u, v, key, data) in enumerate(spool.each_edge()):
        out.write(("," if i else "") + "\n  " + json.dumps({"source": u, "target": v, "key": key, **data},
                                                          ensure_ascii=False))
    out.write("\n ]\n}\n")


def _stream_csv(spool: _Spool, nodes_out: Any, edges_out: Any) -> None:
    import csv

    node_cols = [f for f in NODE_FIELDS if f in spool.node_types]
    edge_cols = [f for f in EDGE_FIELDS if f in spool.edge_types]
    nodes = csv.writer(nodes_out, lineterminator="\n")
    nodes.writerow(["id:ID", ":LABEL", *(_typed(f, NODE_FIELDS[f]) for f in node_cols)])
    for node, d in spool.each_node():
        nodes.writerow([node, _label(d), *(_csv_value(d.get(f)) for f in node_cols)])
    edges = csv.writer(edges_out, lineterminator="\n")
    edges.writerow([":START_ID", ":END_ID", ":TYPE", *(_typed(f, EDGE_FIELDS[f]) for f in edge_cols)])
    for u, v, _key, d in spool.each_edge():
        edges.writerow([u, v, str(d.get("kind", "")).upper(), *(_csv_value(d.get(f)) for f in edge_cols)])


def as_graph(source: nx.MultiDiGraph | AccountAnalysis) -> nx.MultiDiGraph:
    """The export graph of an analysis (:func:`export_graph`); a graph is returned as it is."""
    if hasattr(source, "ag") and hasattr(source, "impacts"):
        return export_graph(source)  # type: ignore[arg-type]
    return source  # type: ignore[return-value]


# --------------------------------------------------------------------------- GraphML
_NMTOKEN_CHAR = re.compile(r"[\w.\-:\u00B7\u0300-\u036F\u203F-\u2040]")


def encode_token(value: str) -> str:
    """An XML ``NMTOKEN`` for an id (GraphML ids must be one): other characters become ``_xHHHH_``.

    Injective (a literal ``_x`` is written ``_x005F_x``), undone by :func:`decode_token`.

    Examples
    --------
    >>> encode_token("nw-ceo"), encode_token("a b/c"), decode_token(encode_token("a b_x/c"))
    ('nw-ceo', 'a_x0020_b_x002F_c', 'a b_x/c')
    """
    out = []
    for i, char in enumerate(value):
        if char == "_" and value[i + 1:i + 2] == "x":
            out.append("_x005F_")
        elif _NMTOKEN_CHAR.fullmatch(char):
            out.append(char)
        else:
            out.append(f"_x{ord(char):04X}_")
    return "".join(out)


def decode_token(token: str) -> str:
    """Undo :func:`encode_token`."""
    return re.sub(r"_x([0-9A-F]{4,6})_", lambda m: chr(int(m.group(1), 16)), token)


def to_graphml(source: nx.MultiDiGraph | AccountAnalysis) -> str:
    """The graph as GraphML 1.0 (directed; node ids made ``NMTOKEN`` by :func:`encode_token`).

    Reads back with ``networkx.read_graphml`` and ``igraph.Graph.Read_GraphML``;
    attribute types are GraphML's ``string``, ``int``, ``double`` and ``boolean``.
    """
    import networkx as nx

    graph = as_graph(source)
    h = nx.MultiDiGraph()
    h.graph.update({k: v for k, v in graph.graph.items() if plain(v) is not None})
    for node, data in graph.nodes(data=True):
        h.add_node(encode_token(str(node)), **data)
    for i, (u, v, data) in enumerate(graph.edges(data=True)):
        h.add_edge(encode_token(str(u)), encode_token(str(v)), key=f"e{i}", **data)
    out = io.BytesIO()
    nx.write_graphml(h, out, encoding="utf-8", prettyprint=True, infer_numeric_types=False)
    return out.getvalue().decode("utf-8")


# --------------------------------------------------------------------------- GEXF
GEXF_NS = "http://gexf.net/1.3"
_GEXF_TYPES = {str: "string", int: "integer", float: "double", bool: "boolean"}


def _gexf_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_gexf(source: nx.MultiDiGraph | AccountAnalysis) -> str:
    """The graph as a static, directed GEXF 1.3 document (Gephi, Gephi Lite, networkx).

    Node labels are names; edge labels the link kinds; every attribute of
    :data:`NODE_FIELDS` / :data:`EDGE_FIELDS` that occurs is declared once with
    its type, plus ``kind``. The ``met`` links carry their strength as ``weight``.
    """
    graph = as_graph(source)
    ET.register_namespace("", GEXF_NS)
    ns = f"{{{GEXF_NS}}}"
    root = ET.Element(f"{ns}gexf", {"version": "1.3"})
    meta = ET.SubElement(root, f"{ns}meta", {"lastmodifieddate": str(graph.graph.get("as_of") or "")} if
                         graph.graph.get("as_of") else {})
    ET.SubElement(meta, f"{ns}creator").text = "kamgraph"
    ET.SubElement(meta, f"{ns}description").text = (
        f"Relationship graph of {graph.graph.get('account_name', '')} on {graph.graph.get('as_of', '')}")
    g_el = ET.SubElement(root, f"{ns}graph", {"defaultedgetype": "directed", "mode": "static"})
    node_fields = {"kind": str, **NODE_FIELDS}
    edge_fields = {"kind": str, **EDGE_FIELDS}
    used_nodes = [f for f in node_fields if any(f in d for _, d in graph.nodes(data=True))]
    used_edges = [f for f in edge_fields if any(f in d for _, _, d in graph.edges(data=True))]
    for klass, used, fields in (("node", used_nodes, node_fields), ("edge", used_edges, edge_fields)):
        attrs = ET.SubElement(g_el, f"{ns}attributes", {"class": klass, "mode": "static"})
        for field in used:
            ET.SubElement(attrs, f"{ns}attribute", {"id": field, "title": field, "type": _GEXF_TYPES[fields[field]]})
    nodes = ET.SubElement(g_el, f"{ns}nodes", {"count": str(graph.number_of_nodes())})
    for node, data in graph.nodes(data=True):
        n_el = ET.SubElement(nodes, f"{ns}node", {"id": str(node), "label": str(data.get("name", node))})
        values = ET.SubElement(n_el, f"{ns}attvalues")
        for field in used_nodes:
            if field in data:
                ET.SubElement(values, f"{ns}attvalue", {"for": field, "value": _gexf_value(data[field])})
    edges = ET.SubElement(g_el, f"{ns}edges", {"count": str(graph.number_of_edges())})
    for i, (u, v, data) in enumerate(graph.edges(data=True)):
        attrs_e = {"id": f"e{i}", "source": str(u), "target": str(v), "label": str(data.get("kind", ""))}
        if "strength" in data:
            attrs_e["weight"] = repr(float(data["strength"]))
        e_el = ET.SubElement(edges, f"{ns}edge", attrs_e)
        values = ET.SubElement(e_el, f"{ns}attvalues")
        for field in used_edges:
            if field in data:
                ET.SubElement(values, f"{ns}attvalue", {"for": field, "value": _gexf_value(data[field])})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --------------------------------------------------------------------------- node-link JSON
def to_node_link(source: nx.MultiDiGraph | AccountAnalysis) -> dict[str, Any]:
    """networkx's node-link data: ``{"directed", "multigraph", "graph", "nodes", "links"}``.

    Each node is ``{"id": ..., **attributes}``, each link ``{"source", "target",
    "key", **attributes}``; read it back with
    ``networkx.node_link_graph(data, edges="links")``.
    """
    graph = as_graph(source)
    return {
        "directed": True,
        "multigraph": True,
        "graph": {k: plain(v) for k, v in graph.graph.items()},
        "nodes": [{"id": node, **data} for node, data in graph.nodes(data=True)],
        "links": [{"source": u, "target": v, "key": key, **data} for u, v, key, data in
                  graph.edges(keys=True, data=True)],
    }


# --------------------------------------------------------------------------- neo4j-admin CSV
_NEO4J_TYPES = {str: "", int: ":int", float: ":float", bool: ":boolean"}


def _csv_value(value: Any) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _typed(name: str, kind: type) -> str:
    return f"{name}:date" if name in _DATE_FIELDS else name + _NEO4J_TYPES[kind]


def _label(data: dict[str, Any]) -> str:
    if data.get("kind") == "objective":
        return "Objective"
    labels = ["Person", "Staff" if data.get("kind") == "staff" else "Stakeholder"]
    if data.get("status") == "left":
        labels.append("Left")
    return ";".join(labels)


def to_csv(source: nx.MultiDiGraph | AccountAnalysis) -> tuple[str, str]:
    """Two CSV files, ``(nodes, edges)``, with ``neo4j-admin database import`` headers.

    Nodes: ``id:ID``, ``:LABEL`` (``Person;Staff`` or ``Person;Stakeholder``,
    plus ``Left`` for people who left) and one typed column per attribute
    (``influence:int``, ``key:boolean``, ``last_contact:date`` ...). Edges:
    ``:START_ID``, ``:END_ID``, ``:TYPE`` (``MET``, ``REPORTS_TO``, ``KNOWS``,
    ``INFLUENCES``) and typed columns. An empty cell means "not set".
    """
    graph = as_graph(source)
    typed, label = _typed, _label
    node_cols = [f for f in NODE_FIELDS if any(f in d for _, d in graph.nodes(data=True))]
    edge_cols = [f for f in EDGE_FIELDS if any(f in d for _, _, d in graph.edges(data=True))]
    node_header = ["id:ID", ":LABEL", *(typed(f, NODE_FIELDS[f]) for f in node_cols)]
    edge_header = [":START_ID", ":END_ID", ":TYPE", *(typed(f, EDGE_FIELDS[f]) for f in edge_cols)]

    # neo4j-admin is a database loader, not a spreadsheet: a formula guard would put apostrophes in the data.
    nodes = csv_text(node_header, ([node, label(d), *(_csv_value(d.get(f)) for f in node_cols)]
                                   for node, d in graph.nodes(data=True)), neutralise=False)
    edges = csv_text(edge_header, ([u, v, str(d.get("kind", "")).upper(), *(_csv_value(d.get(f)) for f in edge_cols)]
                                   for u, v, d in graph.edges(data=True)), neutralise=False)
    return nodes, edges


# --------------------------------------------------------------------------- files
def csv_paths(target: str) -> tuple[str, str]:
    """Where :func:`write_export` puts the two CSV files for ``-o target``.

    Examples
    --------
    >>> csv_paths("out/northwind.csv")
    ('out/northwind-nodes.csv', 'out/northwind-edges.csv')
    """
    stem = target[:-4] if target.lower().endswith(".csv") else target
    return f"{stem}-nodes.csv", f"{stem}-edges.csv"


def write_export(graph: nx.MultiDiGraph, fmt: str, target: str | None = None) -> tuple[str, list[str]]:
    """Render ``graph`` in ``fmt`` and write it to ``target`` (nothing written when ``None``).

    Returns ``(text, paths written)``; for CSV without a target the text is the
    nodes file, a blank line, then the edges file.
    """
    from pathlib import Path

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "csv":
        nodes, edges = to_csv(graph)
        if target is None:
            return nodes + "\n" + edges, []
        paths = list(csv_paths(target))
        temps = [Path(path + ".tmp") for path in paths]
        try:
            for temp, text in zip(temps, (nodes, edges), strict=True):
                temp.write_text(text, encoding="utf-8")
            for temp, path in zip(temps, paths, strict=True):
                temp.replace(path)
        finally:
            for temp in temps:
                temp.unlink(missing_ok=True)
        return nodes + "\n" + edges, paths
    if fmt == "graphml":
        text = to_graphml(graph)
    elif fmt == "gexf":
        text = to_gexf(graph)
    else:
        text = json.dumps(to_node_link(graph), indent=1, ensure_ascii=False) + "\n"
    if target is None:
        return text, []
    Path(target).write_text(text, encoding="utf-8")
    return text, [target]
