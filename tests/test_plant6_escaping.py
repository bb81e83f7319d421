"""Escaping the sixth round of planted bugs found unchecked: the report's notes, parsed.

The hostile-name account of :mod:`tests.test_escaping` raises no note (its what-if departures move no figure the
counter-intuitive way), so the notes' list was never parsed. The demo's main account raises some, each naming
the person whose departure it explains; here every person of it gets a name that is markup and Markdown, and the
HTML report (the standard library's HTML parser, only the elements we write) and the Markdown report
(markdown-it's CommonMark renderer) must show each name in its note as text, character for character.
"""

from __future__ import annotations

import dataclasses

from markdown_it import MarkdownIt

from kamgraph.analysis.pipeline import analyze
from kamgraph.views.report.content import review_content
from kamgraph.views.report.html import render_html_report
from kamgraph.views.report.markdown import content_markdown

from .review_data import DEMO_AS_OF, demo_snapshot
from .test_escaping import HTML_TAGS, MD_TAGS, SVG_TAGS, Page, assert_only


def _hostile(pid: str) -> str:
    return f"<img src=x onerror=alert('{pid}')> *{pid}* & <b>co</b>"


def _analysis():  # type: ignore[no-untyped-def]
    snap = demo_snapshot()
    renamed = dataclasses.replace(
        snap, stakeholders=[p.model_copy(update={"name": _hostile(p.id)}) for p in snap.stakeholders],
        staff=[s.model_copy(update={"name": _hostile(s.id)}) for s in snap.staff])
    return analyze(renamed, DEMO_AS_OF)


def test_the_notes_show_the_names_as_text_in_html_and_markdown() -> None:
    analysis = _analysis()
    content = review_content(analysis)
    # the demo raises notes on its what-if departures, each naming who leaves (four with these names)
    leavers = {_hostile(w.leave[0].id) for w in content.whatifs}
    assert content.notes and all(any(f"if {name} left" in n for name in leavers) for n in content.notes)
    page = Page(render_html_report(analysis))
    assert_only(page, HTML_TAGS | SVG_TAGS | {"ul"})
    # each note comes back from the parser as the very text written, the names' markup as characters
    assert [text for where, text in page.text if "ul" in where and "li" in where] == content.notes
    md = MarkdownIt("commonmark").enable("table")
    rendered = Page(md.render(content_markdown(content, {})))
    assert_only(rendered, MD_TAGS)
    assert [text for where, text in rendered.text if "ul" in where and "li" in where] == content.notes
