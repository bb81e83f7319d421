"""The report writers pass their options through and print shares as worked out by hand (written for the
survivors of the `escaping` mutation run that are not about escaping: docs/mutation.md, fourth round).

The account: four stakeholders without a buying role, influence (= importance) 5, 4, 3 and 2 (14 in all),
each met by one of four staff members only, ten days before the report's date. Each staff member's leaving
cuts off their stakeholder: 5/14 = 36 %, 4/14 = 29 %, 3/14 = 21 %, 2/14 = 14 %.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kamgraph.analysis.pipeline import AccountAnalysis, analyze
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.domain.plans import Objective
from kamgraph.settings import Settings
from kamgraph.views.graph_export import plain
from kamgraph.views.report.content import review_content
from kamgraph.views.report.html import content_html, draw_pictures, inline_svg, render_html_report
from kamgraph.views.report.markdown import write_markdown_report

AS_OF = dt.date(2025, 6, 30)
PLAN = Objective(id="o1", account="acc", kind="cover_person", subject="A", created_on=dt.date(2025, 6, 1),
                 due=dt.date(2025, 9, 1))


def _analysis(as_of: dt.date = AS_OF) -> AccountAnalysis:
    snap = AccountSnapshot(
        account=Account(id="acc", name="Acme", tier="Gold", segment="Retail"), relationships=[], reporting_lines=[],
        staff=[Staff(id=f"S{i}", name=f"Staff {i}", accounts=["acc"]) for i in range(1, 5)],
        stakeholders=[Stakeholder(id=c, account="acc", name=f"Client {c}", influence=n)
                      for c, n in zip("ABCD", (5, 4, 3, 2), strict=True)],
        meetings=[Meeting(id=f"m{i}", date=dt.date(2025, 6, 20), attendees=[f"S{i}", c])
                  for i, c in zip(range(1, 5), "ABCD", strict=True)])
    return analyze(snap, as_of, Settings())


RISKS = ["1. **Staff 1** (our staff): leaving would cut off 36 % ", "2. **Staff 2** (our staff): leaving would cut off "
         "29 % ", "3. **Staff 3** (our staff): leaving would cut off 21 % ", "4. **Staff 4** (our staff): leaving "
         "would cut off 14 % "]


def _risks(text: str) -> list[str]:
    """The start of each numbered risk line, as long as the expected one."""
    found = [line for line in text.splitlines() if re.match(r"\d+\. \*\*", line)]
    return [line[:len(expected)] for line, expected in zip(found, RISKS, strict=False)] + found[len(RISKS):]


def test_the_markdown_report_by_default_and_with_every_option(tmp_path: Path) -> None:
    analysis = _analysis()
    files = write_markdown_report(analysis, tmp_path / "r.md")
    assert [f.name for f in files] == ["r.md", "r-map.png", "r-matrix.png", "r-timeline.png"]
    assert all(f.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for f in files[1:])
    plain = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert plain.splitlines()[2] == "As of **2025-06-30** · Gold · Retail"
    assert _risks(plain) == RISKS[:3]                                   # three risks by default
    assert "| figure | 2025-06-25 |" not in plain and "**Account plan**" not in plain

    write_markdown_report(analysis, tmp_path / "all.md", top_risks=4, previous=_analysis(dt.date(2025, 6, 25)),
                          objectives=[PLAN])
    full = (tmp_path / "all.md").read_text(encoding="utf-8")
    assert _risks(full) == RISKS
    assert "| figure | 2025-06-25 | 2025-06-30 | change |" in full.splitlines()
    assert "**Account plan**" in full and "| cover Client A |" in full


def test_the_html_report_by_default_and_with_every_option() -> None:
    analysis = _analysis()
    plain = render_html_report(analysis)
    assert plain.count("leaving would cut off") == 3
    assert "leaving would cut off 21 %" in plain and "Account plan" not in plain and "2025-06-25" not in plain
    full = render_html_report(analysis, top_risks=4, previous=_analysis(dt.date(2025, 6, 25)), objectives=[PLAN])
    assert full.count("leaving would cut off") == 4
    assert "leaving would cut off 14 %" in full and "Account plan" in full and "2025-06-25" in full


def test_the_pictures_of_the_page_and_of_the_print() -> None:
    analysis = _analysis()
    pictures = draw_pictures(review_content(analysis), analysis)
    assert sorted(pictures) == ["map", "map_print", "matrix", "timeline"]
    assert all(inline_svg(v).startswith("<svg") for v in pictures.values())
    # the page without the printed map: only the three pictures, no print copy
    shown = {k: inline_svg(v) for k, v in pictures.items() if k != "map_print"}
    page = content_html(review_content(analysis), shown)
    assert page.count("<svg") == 3


def test_inline_svg_keeps_the_outer_element_and_says_what_is_wrong() -> None:
    nested = '<?xml version="1.0"?>\n<!-- a comment -->\n<svg a="1"><svg b="2"></svg><!-- x --></svg>\n'
    assert inline_svg(nested.encode("utf-8")) == '<svg a="1"><svg b="2"></svg></svg>'
    with pytest.raises(ValueError, match=r"^not an SVG document$"):
        inline_svg("<html></html>")


def test_a_custom_style_sheet_cannot_close_the_style_element(tmp_path: Path) -> None:
    # [report] template_dir may replace report.css; a '</' in it must not end the page's <style> element
    (tmp_path / "report.css").write_text("p { color: red } </style><script>alert(1)</script>", encoding="utf-8")
    page = render_html_report(_analysis(), template_dir=tmp_path)
    assert page.count("</style") == 1 and "</script" not in page   # the element ends once, after the sheet
    assert "p { color: red } <\\/style><script>alert(1)<\\/script>" in page


def test_plain_writes_any_other_value_as_its_text() -> None:
    assert plain(Path("a") / "b") == str(Path("a") / "b")
    assert plain(dt.datetime(2025, 1, 2, 3, 4)) == "2025-01-02T03:04:00"


def test_the_cards_of_the_page() -> None:
    analysis = _analysis()
    cards = dict((label, value) for value, label in
                 re.findall(r'<div class="card"><b>(.*?)</b>(.*?)</div>', render_html_report(analysis)))
    # key: Client A alone (influence 5); all four covered; 5/14 cut off by Staff 1; each staff member a quarter
    assert (cards["key covered"], cards["coverage"], cards["fragility"], cards["concentration"]) == (
        "1/1", "100 %", "36 %", "25 %")
