"""Tests written for mutation testing of the escaping code (docs/mutation.md): CSV formula
neutralisation, Markdown and HTML escaping, the inline SVG.

mutmut does not run the doctests, so behaviour pinned only by a doctest is pinned here too, against
independent references: the standard library's csv reader, markdown-it's CommonMark renderer and
HTML parser, and values worked out by hand.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import jinja2
import networkx as nx
import pytest
from markdown_it import MarkdownIt

from kamgraph.views.csv_text import csv_text, safe_cell
from kamgraph.views.graph_export import decode_token, encode_token, to_csv, to_gexf, to_graphml
from kamgraph.views.report.html import esc, inline_svg, render_html_report
from kamgraph.views.report.markdown import md_escape


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_gets_an_apostrophe(start: str) -> None:
    assert safe_cell(f"{start}HYPERLINK(x)") == f"'{start}HYPERLINK(x)"


@pytest.mark.parametrize("value", ["-12", "+3", "-0.5", "1e5", "Dana", "a=b", " =x", "", "'already"])
def test_numbers_and_plain_text_stay_as_they_are(value: str) -> None:
    assert safe_cell(value) == value


def test_safe_cell_of_other_values() -> None:
    assert (safe_cell(None), safe_cell(-12), safe_cell(2.5)) == ("", -12, 2.5)


def test_csv_text_read_back_with_the_csv_module() -> None:
    text = csv_text(["=name", "score"], [["=1+1", -0.5], ["@SUM(A1)", None], ['Ana "A", B', 3]])
    assert text.endswith("\n") and "\r" not in text
    assert list(csv.reader(io.StringIO(text))) == [["'=name", "score"], ["'=1+1", "-0.5"], ["'@SUM(A1)", ""],
                                                    ['Ana "A", B', "3"]]
    plain = csv_text(["h"], [["=1"], [None]], neutralise=False)
    assert list(csv.reader(io.StringIO(plain))) == [["h"], ["=1"], [""]]


class _Text(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


HOSTILE = ["# heading", "- item", "+ item", "= rule", "> quote", "2024. A year", "1) first", "<b>bold</b>",
           "a | b", "*stars* and _under_", "`code`", "[link](http://x)", "~~gone~~", "$x$", "&amp; co", '"quoted"',
           "back\\slash", "two\nlines", "  spaced   out  ", "<script>alert(1)</script>", "-", "#", "7."]


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_renders_back_as_the_same_text(text: str) -> None:
    rendered = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(md_escape(text))
    page = _Text(rendered)
    assert page.tags == ["p"]  # one paragraph: no heading, list, quote, rule, emphasis, code, link
    assert "".join(page.parts).strip() == " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_in_a_table_cell(text: str) -> None:
    table = f"| a | b |\n|---|---|\n| {md_escape(text)} | end |\n"
    page = _Text(MarkdownIt("commonmark").enable("table").render(table))
    cells = [t for t in page.tags if t == "td"]
    assert len(cells) == 2  # a "|" in the text did not make a third cell
    assert " ".join(text.split()) in "".join(page.parts)


def test_md_escape_by_hand() -> None:
    assert md_escape("2024. A year") == "2024\\. A year"
    assert md_escape("# x") == "\\# x"
    assert md_escape('<a "b">&') == "&lt;a &quot;b&quot;&gt;&amp;"
    assert md_escape("a|b*c") == "a\\|b\\*c"
    assert md_escape("plain") == "plain"


def test_esc_by_hand() -> None:
    assert esc("<a href=\"x\">&'</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;&lt;/a&gt;"
    assert esc(3) == "3"


def test_inline_svg_keeps_only_the_svg_element() -> None:
    doc = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n'
           '<svg xmlns="http://www.w3.org/2000/svg"><!-- made by\nmatplotlib --><text>A</text></svg>\n')
    expected = '<svg xmlns="http://www.w3.org/2000/svg"><text>A</text></svg>'
    assert inline_svg(doc) == expected == inline_svg(doc.encode())
    with pytest.raises(ValueError, match="not an SVG document"):
        inline_svg("<html></html>")


def small_export_graph() -> nx.MultiDiGraph:
    """A hand-made export graph: staff S (no name), stakeholder "=Ann <b>" who left, one MET link."""
    g = nx.MultiDiGraph(account_name="Acme & Co", as_of="2025-06-30")
    g.add_node("S", kind="staff", key=False)
    g.add_node("A", kind="stakeholder", name="=Ann <b>", status="left", influence=5, key=True,
               last_contact="2025-06-01")
    g.add_edge("S", "A", kind="met", strength=0.75, count=2, thread=True, first="2025-01-02")
    return g


def test_gexf_by_hand_and_read_by_networkx() -> None:
    text = to_gexf(small_export_graph())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<gexf') and text.endswith("</gexf>\n")
    ns = {"g": "http://gexf.net/1.3"}
    root = ET.fromstring(text)
    meta = root.find("g:meta", ns)
    assert meta is not None and meta.get("lastmodifieddate") == "2025-06-30"
    assert (meta.findtext("g:creator", namespaces=ns), meta.findtext("g:description", namespaces=ns)) == (
        "kamgraph", "Relationship graph of Acme & Co on 2025-06-30")
    nodes = root.find("g:graph/g:nodes", ns)
    assert nodes is not None and nodes.get("count") == "2"
    labels = {n.get("id"): n.get("label") for n in nodes}
    assert labels == {"S": "S", "A": "=Ann <b>"}  # no name: the id; names as text, not markup
    values = {(n.get("id"), v.get("for")): v.get("value") for n in nodes for v in n.find("g:attvalues", ns)}
    assert values[("A", "key")] == "true" and values[("S", "key")] == "false" and values[("A", "influence")] == "5"
    (edge,) = root.find("g:graph/g:edges", ns)
    assert (edge.get("label"), edge.get("weight"), edge.get("source"), edge.get("target")) == ("met", "0.75", "S", "A")
    declared = {(group.get("class"), a.get("id")): a.get("type")
                for group in root.iter("{http://gexf.net/1.3}attributes") for a in group}
    assert declared[("node", "kind")] == "string" and declared[("edge", "kind")] == "string"
    assert declared[("node", "key")] == "boolean" and declared[("edge", "strength")] == "double"
    back = nx.read_gexf(io.BytesIO(text.encode()))  # networkx reads it back (an independent reader)
    assert back.nodes["A"]["label"] == "=Ann <b>" and back.nodes["A"]["key"] is True
    assert next(iter(back.edges(data=True)))[2]["weight"] == 0.75


def test_neo4j_admin_csv_by_hand() -> None:
    nodes, edges = to_csv(small_export_graph())
    node_rows = list(csv.reader(io.StringIO(nodes)))
    assert node_rows[0] == ["id:ID", ":LABEL", "name", "status", "influence:int", "key:boolean",
                            "last_contact:date"]
    # a database loader reads these: no formula apostrophe, empty cells for "not set", booleans as words
    assert node_rows[1:] == [["S", "Person;Staff", "", "", "", "false", ""],
                             ["A", "Person;Stakeholder;Left", "=Ann <b>", "left", "5", "true", "2025-06-01"]]
    assert list(csv.reader(io.StringIO(edges))) == [
        [":START_ID", ":END_ID", ":TYPE", "count:int", "first:date", "strength:float", "thread:boolean"],
        ["S", "A", "MET", "2", "2025-01-02", "0.75", "true"]]


def test_template_folder_errors(tmp_path: Path) -> None:
    from kamgraph.errors import InputError
    from kamgraph.views.report.html import template_environment

    missing = tmp_path / "nowhere"
    with pytest.raises(InputError) as error:
        template_environment(missing)
    assert str(error.value) == f"report.template_dir: {missing}: not a folder of report templates"
    # a branded template naming something that does not exist fails instead of printing nothing
    (tmp_path / "report.html.j2").write_text("<p>{{ no_such_value }}</p>", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        template_environment(tmp_path).get_template("report.html.j2").render()


def test_exports_of_a_bare_graph() -> None:
    # no account name, no date, an edge without a kind, and values a spreadsheet would run
    g = nx.MultiDiGraph()
    g.add_node("a_b", kind="staff", influence=3)
    g.add_node("a_xb", kind="stakeholder", name="=B")
    g.add_edge("a_b", "a_xb", count=2, account="=acc")
    root = ET.fromstring(to_gexf(g))
    ns = {"g": "http://gexf.net/1.3"}
    meta = root.find("g:meta", ns)
    assert meta is not None and meta.get("lastmodifieddate") is None
    assert meta.findtext("g:description", namespaces=ns) == "Relationship graph of  on "
    edges = root.find("g:graph/g:edges", ns)
    assert edges is not None and edges.get("count") == "1"
    (edge,) = edges
    assert edge.get("label") == ""
    assert {v.get("for"): v.get("value") for v in edge.find("g:attvalues", ns)} == {"count": "2", "account": "=acc"}
    nodes, edge_csv = to_csv(g)
    assert list(csv.reader(io.StringIO(edge_csv))) == [[":START_ID", ":END_ID", ":TYPE", "count:int", "account"],
                                                       ["a_b", "a_xb", "", "2", "=acc"]]  # a loader: no apostrophe
    assert list(csv.reader(io.StringIO(nodes)))[2][2] == "=B"


def test_graphml_keeps_graph_data_types_and_ids() -> None:
    g = small_export_graph()
    g.add_node("a_b", kind="staff")
    g.add_node("a_xb", kind="staff")
    text = to_graphml(g)
    back = nx.read_graphml(io.StringIO(text), force_multigraph=True)
    assert back.graph["account_name"] == "Acme & Co" and back.graph["as_of"] == "2025-06-30"
    keys = ET.fromstring(text).iter("{http://graphml.graphdrawing.org/xmlns}key")
    types = {k.get("attr.name"): k.get("attr.type") for k in keys}
    assert types["influence"] == "long" and types["strength"] == "double" and types["key"] == "boolean"
    # ids are NMTOKENs, and a literal "_x" is escaped so that decoding is exact
    assert (encode_token("a_b"), encode_token("a_xb"), encode_token("a b")) == ("a_b", "a_x005F_xb", "a_x0020_b")
    assert {decode_token(n) for n in back.nodes} == {"S", "A", "a_b", "a_xb"}


@pytest.mark.parametrize("which", ["hostile", "demo"])
def test_report_cards_by_hand(which: str) -> None:
    from .review_data import demo_analysis, hostile_analysis

    analysis = hostile_analysis() if which == "hostile" else demo_analysis()
    s = analysis.summary
    if which == "demo":  # shares strictly between 0 and 1, so a wrong scale shows
        assert 0 < s.coverage < 1 and 0 < s.fragility_index < 1 and 0 < s.concentration < 1
    page = render_html_report(analysis)
    cards = re.findall(r'<div class="card"><b>([^<]*)</b>([^<]*)</div>', page)
    assert cards == [(f"{s.health:.0f}", "health"), (f"{s.key_covered}/{s.key_stakeholders}", "key covered"),
                     (f"{round(100 * s.coverage)} %", "coverage"), (f"{round(100 * s.fragility_index)} %", "fragility"),
                     (f"{round(100 * s.concentration)} %", "concentration"), (s.shape.replace("_", " "), "shape")]
