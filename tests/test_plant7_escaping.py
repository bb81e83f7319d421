"""Escaping the seventh round of planted bugs found unchecked, read back with markdown-it (CommonMark).

- The Markdown report links its pictures by file name, and a report named with a space or parentheses
  (``my review (v2).md``) names its pictures so too: each link's destination is percent-encoded (a space as
  ``%20``, the parentheses as ``%28``/``%29``), or CommonMark reads no image at all.
- The web app's departure page (after ``POST /people/ID/leave``) links each tie lost to that person's page
  with the id percent-encoded as one path segment, as every other link to a person: an id may hold ``#``,
  ``?``, ``%`` and spaces (read back with lxml).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html
from markdown_it import MarkdownIt

from kamgraph.views.report.content import review_content
from kamgraph.views.report.markdown import content_markdown, picture_paths, write_markdown_report

from .review_data import demo_analysis
from .test_web import _client
from .web_support import DAY, ODD_ID, build_store_with_odd_id, csrf_token


def _images(markdown: str) -> list[tuple[str, str]]:
    """``(src, alt)`` of every image markdown-it finds, in order."""
    found = []
    for token in MarkdownIt("commonmark").parse(markdown):
        for child in token.children or []:
            if child.type == "image":
                found.append((str(child.attrs["src"]), child.content))
    return found


def test_picture_links_with_spaces_and_parentheses_are_images() -> None:
    names = {kind: path.name for kind, path in picture_paths("out/my review (v2).md").items()}
    # the pictures are named after the report: "my review (v2)-map.png" and so on
    assert names["map"] == "my review (v2)-map.png"
    markdown = content_markdown(review_content(demo_analysis()), names)
    # worked by hand: " " -> %20, "(" -> %28, ")" -> %29; one image in each of the three picture sections
    assert _images(markdown) == [("my%20review%20%28v2%29-map.png", "Relationship map"),
                                 ("my%20review%20%28v2%29-matrix.png", "Communication matrix"),
                                 ("my%20review%20%28v2%29-timeline.png", "Trends")]


def test_picture_links_of_a_report_named_with_a_hash_a_question_mark_and_a_percent_sign(tmp_path: Path) -> None:
    report = tmp_path / "review #3 ?50%.md"
    written = write_markdown_report(demo_analysis(), report)
    markdown = report.read_text(encoding="utf-8")
    # worked by hand: " " -> %20, "#" -> %23, "?" -> %3F, "%" -> %25 (else a fragment, a query, an escape)
    assert [src for src, _ in _images(markdown)] == [f"review%20%233%20%3F50%25-{kind}.png"
                                                      for kind in ("map", "matrix", "timeline")]
    # and each link, decoded as a browser does, names a picture that was written beside the report
    for src, _ in _images(markdown):
        assert (tmp_path / unquote(src)).is_file() and tmp_path / unquote(src) in written


def test_the_departure_page_links_each_tie_lost_by_its_encoded_id(tmp_path: Path) -> None:
    client = _client(build_store_with_odd_id(tmp_path), "boss")  # stakeholder "c#1 ?50%", met by Maya
    csrf = csrf_token(client.get("/people/st-maya").text)
    page = client.post("/people/st-maya/leave", data={"date": DAY.isoformat(), "csrf": csrf})
    assert page.status_code == 200
    doc = lxml_html.fromstring(page.text)
    tie = next(li for li in doc.iter("li") if (li.text or "").startswith("tie lost") and "Odd Id" in li.text_content())
    # st-maya met the odd-id stakeholder two days before: a tie lost, linked by hand-encoded id
    # ('#' -> %23, ' ' -> %20, '?' -> %3F, '%' -> %25)
    [href] = [a.get("href") for a in tie.iter("a")]
    assert href == "/people/c%231%20%3F50%25"
    assert unquote(urlsplit(href).path) == f"/people/{ODD_ID}"
