"""Escaping, checked by parsing: the hostile-name account's HTML, Markdown, GraphML and GEXF outputs.

Every name of :func:`tests.review_data.hostile_snapshot` is markup, Markdown or both. Each output is
parsed with a real parser (the standard library's HTML parser, markdown-it's CommonMark renderer, an
XML parser); only the elements we write may occur, and every name must come back as text, character for
character, in every place it is shown -- the page title, headings, tables and the SVG pictures' text.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamgraph.views.graph_export import decode_token, export_graph, to_gexf, to_graphml
from kamgraph.views.report.content import review_content
from kamgraph.views.report.html import esc, inline_svg, render_html_report
from kamgraph.views.report.markdown import content_markdown, md_escape

from .review_data import HOSTILE, hostile_analysis, hostile_snapshot

#: Elements the report's own HTML uses (kamgraph/views/report/templates/*.j2).
HTML_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "time", "nav", "a",
             "section", "div", "b", "table", "thead", "tbody", "tr", "th", "td", "figure", "footer", "ol", "li",
             "span", "small", "br"}
#: Elements kamgraph's SVG writer (kamgraph/views/plots/svg.py) writes: shapes, text, the colour bar's gradient
#: and the timeline's hatch pattern -- no <script>, <foreignObject>, <image>, <use> or <a>.
SVG_TAGS = {"svg", "defs", "lineargradient", "stop", "pattern", "rect", "line", "polyline", "polygon", "circle",
            "text"}
#: What CommonMark makes of the report's Markdown.
MD_TAGS = {"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "img", "a", "em", "strong", "code",
           "ul", "ol", "li", "br", "hr"}
NAMES = {p.name for p in [*hostile_snapshot().stakeholders, *hostile_snapshot().staff]}
ACCOUNT = hostile_snapshot().account.name


class Page(HTMLParser):
    """Every start tag (with its attributes) and every text node with the elements it sits in."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.stack: list[str] = []
        self.text: list[tuple[tuple[str, ...], str]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag not in ("meta", "img", "br", "hr", "use", "path", "rect", "image"):
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append((tuple(self.stack), data))

    def texts_in(self, tag: str) -> list[str]:
        return [t for where, t in self.text if tag in where]


def assert_only(page: Page, allowed: set[str]) -> None:
    assert {tag for tag, _ in page.tags} <= allowed, {tag for tag, _ in page.tags} - allowed
    for tag, attrs in page.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "xlink:href") and value:
                assert value.startswith(("#", "data:image/png;base64,")) or value.endswith(".png"), (tag, value)


@pytest.fixture(scope="module")
def html_page() -> Page:
    return Page(render_html_report(hostile_analysis()))


def test_html_has_only_our_elements(html_page: Page) -> None:
    assert_only(html_page, HTML_TAGS | SVG_TAGS)
    assert sum(1 for tag, _ in html_page.tags if tag == "svg") == 4  # the map for the screen and for print


def test_the_account_name_is_text_in_the_title_heading_and_pictures(html_page: Page) -> None:
    assert html_page.texts_in("title") == [f"{ACCOUNT} – account review 2026-11-22"]
    assert html_page.texts_in("h1") == [f"{ACCOUNT}: account review"]
    svg_text = html_page.texts_in("svg")
    for caption in ("relationship map", "communication matrix", "meetings per month"):
        assert any(t.startswith(f"{ACCOUNT}: {caption}") for t in svg_text), caption


def test_every_name_is_text_in_tables_and_pictures(html_page: Page) -> None:
    cells = " ".join(html_page.texts_in("td"))
    svg_text = html_page.texts_in("text")
    for name in NAMES:
        assert name in cells, name
    assert HOSTILE in svg_text and "Sam <i>Smith</i>" in svg_text  # the map and matrix labels
    assert "If Sam <i>Smith</i> left" in html_page.texts_in("h3")


def markdown_page() -> tuple[str, Page]:
    from markdown_it import MarkdownIt

    md = content_markdown(review_content(hostile_analysis()), {k: f"review-{k}.png"
                                                               for k in ("map", "matrix", "timeline")})
    return md, Page(MarkdownIt("commonmark").enable("table").render(md))


def test_markdown_renders_only_markdown_elements_and_names_as_text() -> None:
    md, page = markdown_page()
    assert_only(page, MD_TAGS)
    assert page.texts_in("h1") == [f"{ACCOUNT}: account review"]
    cells = page.texts_in("td")
    for name in NAMES:
        assert any(name in cell for cell in cells), name
    # the only emphasis is our own ("none", the footer): no name turned into emphasis, code or a link
    assert set(page.texts_in("em")) <= {"none", "Generated by kamgraph as of 2026-11-22."}
    assert not page.texts_in("code") and "a" not in {tag for tag, _ in page.tags}
    assert md.count("](review-") == 3


def xml_tags(text: str) -> set[str]:
    return {el.tag.split("}", 1)[1] for el in ET.fromstring(text.encode()).iter()}


def test_graphml_parses_and_keeps_every_name() -> None:
    text = to_graphml(export_graph(hostile_analysis()))
    assert xml_tags(text) <= {"graphml", "key", "graph", "node", "edge", "data", "default"}
    g = nx.read_graphml(__import__("io").BytesIO(text.encode()))
    names = {decode_token(n): d.get("name") for n, d in g.nodes(data=True)}
    assert set(names.values()) >= NAMES and names["h-boss"] == HOSTILE
    assert g.graph.get("account_name", ACCOUNT) == ACCOUNT


def test_gexf_parses_and_keeps_every_name() -> None:
    text = to_gexf(export_graph(hostile_analysis()))
    assert xml_tags(text) <= {"gexf", "meta", "creator", "description", "graph", "attributes", "attribute", "nodes",
                              "node", "attvalues", "attvalue", "edges", "edge"}
    root = ET.fromstring(text.encode())
    labels = {el.get("id"): el.get("label") for el in root.iter("{http://gexf.net/1.3}node")}
    assert set(labels.values()) >= NAMES and labels["h-boss"] == HOSTILE
    description = root.find("{http://gexf.net/1.3}meta/{http://gexf.net/1.3}description")
    assert description is not None and ACCOUNT in (description.text or "")


# --------------------------------------------------------------------------- the escapers, on any text


NASTY = st.text(alphabet=st.sampled_from(list("ab <>&\"'`*_{}[]()#+-.!|~^$\\=:/;\t\n1x")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(NASTY)
def test_html_escape_reads_back_as_the_same_text(text: str) -> None:
    page = Page(f"<td>{esc(text)}</td><a title=\"{esc(text)}\">x</a>")
    assert [tag for tag, _ in page.tags] == ["td", "a"]
    assert "".join(t for where, t in page.text if "td" in where) == (text if text.strip() else "")
    assert page.tags[1][1] == [("title", text)]  # quotes escaped: the attribute holds the whole text


@settings(max_examples=300, deadline=None)
@given(NASTY)
def test_markdown_escape_reads_back_as_the_same_text_in_a_paragraph_and_a_cell(text: str) -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    one_line = " ".join(text.split())
    paragraph = Page(md.render(f"x {md_escape(text)} x"))
    assert {tag for tag, _ in paragraph.tags} == {"p"}
    assert "".join(t for _, t in paragraph.text).strip() == f"x {one_line} x".strip()
    table = Page(md.render(f"| h | k |\n|---|---|\n| {md_escape(text)} | z |\n"))
    cells = [t for where, t in table.text if "td" in where]
    assert cells[-1] == "z" and "".join(cells[:-1]) == one_line.strip()  # a pipe does not split the cell


def test_inline_svg_keeps_the_element_only() -> None:
    doc = b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "x" "y">\n<!-- made by -->\n<svg a="1"><!-- c\n--><g/></svg>\n'
    assert inline_svg(doc) == '<svg a="1"><g/></svg>'
    assert inline_svg("<svg/>") == "<svg/>"
    with pytest.raises(ValueError, match="not an SVG document"):
        inline_svg("<html></html>")


# --------------------------------------------------------------------------- bidirectional controls

BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]


def _bidi_analysis():  # type: ignore[no-untyped-def]
    """The hostile account with a right-to-left override (and every other bidi control) in names."""
    import dataclasses

    from kamgraph.analysis.pipeline import analyze

    from .review_data import DEMO_AS_OF

    snap = hostile_snapshot()
    people = [p.model_copy(update={"name": "Eve \u202etnemyap\u202c " + "".join(BIDI), "department": "Ops\u2067x"})
              if p.id == "h-boss" else p for p in snap.stakeholders]
    staff = [s.model_copy(update={"name": "Sam\u202d Smith"}) if s.id == "h-s1" else s for s in snap.staff]
    account = snap.account.model_copy(update={"name": "Evil\u202e Corp"})
    return analyze(dataclasses.replace(snap, stakeholders=people, staff=staff, account=account), DEMO_AS_OF)


def test_bidi_controls_are_neutralised_in_html_markdown_and_svg() -> None:
    from markdown_it import MarkdownIt

    analysis = _bidi_analysis()
    page = render_html_report(analysis)
    md = content_markdown(review_content(analysis), {k: f"review-{k}.png" for k in ("map", "matrix", "timeline")})
    for text in (page, md, MarkdownIt("commonmark").enable("table").render(md)):
        assert not any(c in text for c in BIDI)
        assert "Eve tnemyap" in text and "Sam Smith" in text and "Evil Corp" in text
    parsed = Page(page)
    assert parsed.texts_in("title") == ["Evil Corp – account review 2026-11-22"]
    assert any(t.strip() == "Eve tnemyap" for t in parsed.texts_in("text"))  # the map label
    assert esc("a\u202eb\u2066c") == "abc" and md_escape("a\u202eb") == "ab"


def test_bidi_controls_are_neutralised_in_the_slides_and_the_web_app(tmp_path: Path) -> None:
    """The deck (read back with python-pptx: every run of every shape and table cell) and the web app's
    templates (their environment's finalize) print names without bidirectional controls, still escaped."""
    from pptx import Presentation

    from kamgraph.views.report.slides import write_slides
    from kamgraph.web.app import _environment

    deck = Presentation(str(write_slides(_bidi_analysis(), tmp_path / "evil.pptx")))
    texts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for cell in shape.table.iter_cells()]
    whole = "\n".join(texts)
    assert "Evil Corp" in whole and "Eve tnemyap" in whole  # the hostile names are there, cleaned
    assert not any(c in whole for c in BIDI)
    page = _environment().from_string("<p>{{ name }}</p><p>{{ other }}</p>").render(
        name="Evil\u202e <b>Corp</b>" + "".join(BIDI), other=42)
    assert page == "<p>Evil &lt;b&gt;Corp&lt;/b&gt;</p><p>42</p>"
