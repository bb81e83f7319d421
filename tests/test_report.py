"""The account-review report: every section, self-contained, escaped; rendered by headless Chromium where installed."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kamgraph.samples.demo import DEMO_PROBLEMS
from kamgraph.views.report.content import SECTIONS, review_content
from kamgraph.views.report.html import render_html_report
from kamgraph.views.report.markdown import md_escape, write_markdown_report
from kamgraph.views.report.pdf import CHROMIUM_FLAGS, html_to_pdf
from kamgraph.views.report.slides import SLIDE_TITLES, write_slides

from .review_data import DEMO_AS_OF, HOSTILE, demo_analysis, hostile_analysis

CHROMIUM = Path("/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


def _need_chromium() -> None:
    """Skip without Chromium on a developer machine; in CI (CI=true) a missing Chromium is a failure."""
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("CI=true but headless Chromium (/usr/bin/chromium) is not installed")
        pytest.skip("headless Chromium (Debian package chromium) is not installed")


def _previous():  # type: ignore[no-untyped-def]
    from kamgraph.analysis.pipeline import analyze
    from kamgraph.samples.demo import MAIN_ACCOUNT, build_demo
    from kamgraph.store.sqlite import SqliteStore

    day = DEMO_AS_OF - dt.timedelta(days=91)
    store = SqliteStore(":memory:")
    store.import_batch(build_demo(DEMO_AS_OF))
    return analyze(store.load_account(MAIN_ACCOUNT, day), day, detail=False)


class _Page(HTMLParser):
    """Collects tags, ids, attributes and text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((tag, name, value))
            if name == "id" and value:
                self.ids.add(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def demo_page() -> str:
    return render_html_report(demo_analysis(), previous=_previous())


@pytest.fixture(scope="module")
def hostile_page() -> str:
    return render_html_report(hostile_analysis())


def test_page_has_every_section_and_no_external_asset(demo_page: str) -> None:
    page = _parse(demo_page)
    assert {sid for sid, _ in SECTIONS} <= page.ids
    assert page.tags.count("svg") == 4  # the map twice: for the screen, and laid out for the printed page
    assert {"map-picture", "map-print", "matrix-picture", "timeline-picture"} <= page.ids
    assert next(sid for sid, _ in SECTIONS) == "decisions" and demo_page.index('id="decisions"') < \
        demo_page.index('id="map"')
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    for tag, name, value in page.attrs:
        if name in ("src", "href", "xlink:href") and value:
            assert value.startswith(("#", "data:image/png;base64,")), (tag, name, value[:40])  # nothing outside
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", demo_page) and "@import" not in demo_page
    text = " ".join(page.text)
    assert "Northwind Logistics: account review" in text and "2026-11-22" in text
    for name in ("Ingrid Solberg", "Lena Fischer", "Jonas Berg", "Maya Lindqvist"):  # the demo's planted problems
        assert name in text
    decisions = " ".join(_parse(demo_page[demo_page.index('id="decisions"'):demo_page.index('id="summary"')]).text)
    assert all(f"Fix: {r.fix}" in " ".join(decisions.split()) for r in review_content(demo_analysis()).risks)
    # the what-if covers the most critical people, the first being the one whose departure costs most
    analysis = demo_analysis()
    most = max(analysis.impacts.values(), key=lambda i: i.share).person
    assert f"If {analysis.ag.name(most)} left" in text
    assert DEMO_PROBLEMS["dominant_staff"] in {most, *analysis.impacts}


def test_hostile_names_are_escaped_in_html_and_svg(hostile_page: str) -> None:
    assert "<script" not in hostile_page.lower() and "<img" not in hostile_page.lower()
    assert "<b>CEO" not in hostile_page and "<i>Smith" not in hostile_page
    svg_parts = re.findall(r"<svg.*?</svg>", hostile_page, flags=re.S)
    assert len(svg_parts) == 4
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg_parts[0]  # the map names her, escaped
    outside = re.sub(r"<svg.*?</svg>", "", hostile_page, flags=re.S)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in outside  # and so do the tables
    page = _parse(hostile_page)
    assert "script" not in page.tags and "img" not in page.tags
    assert any(HOSTILE in chunk for chunk in page.text)  # shown to the reader as text
    assert "Evil <Corp> & Co: account review" in " ".join(page.text)


def test_markdown_report_links_its_pictures_and_escapes(tmp_path: Path) -> None:
    written = write_markdown_report(hostile_analysis(), tmp_path / "review.md")
    md = (tmp_path / "review.md").read_text()
    assert [p.name for p in written] == ["review.md", "review-map.png", "review-matrix.png", "review-timeline.png"]
    for picture in written[1:]:
        assert picture.read_bytes().startswith(b"\x89PNG") and f"]({picture.name})" in md
    assert "<script" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    assert "<img" not in md and "<i>" not in md
    assert "\\*Star\\* \\[link\\](http://x) \\$a\\$ \\_u\\_" in md
    for _, title in SECTIONS:
        assert f"## {title}".replace("?", "?") in md.replace("\\", "")
    # a pipe in a name cannot break a table row
    row = next(line for line in md.splitlines() if "O'Brien" in line and line.startswith("|"))
    assert "\\|" in row


def _blank(png: bytes) -> bool:
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()  # grey levels 0-255, every pixel (text is thin: no downscaling)
    dark = sum(histogram[:160])
    return dark < 0.01 * image.width * image.height


def test_decisions_name_the_top_risks_with_fix_owner_and_change() -> None:
    analysis, previous = demo_analysis(), _previous()
    content = review_content(analysis, previous=previous)
    # the top risks are the three largest removal shares, computed here from the analysis' impacts
    shares = sorted(((i.share, analysis.ag.name(p)) for p, i in analysis.impacts.items() if i.share > 0),
                    reverse=True)[:3]
    assert [r.person for r in content.risks] == [n for _, n in shares]
    assert content.risks[0].person == "Maya Lindqvist" and all(r.fix and r.owner for r in content.risks)
    # the change column is now minus 91 days earlier, each figure as the two summaries have it
    health = next(c for c in content.changes if c.figure.startswith("health"))
    assert health.before == f"{previous.summary.health:.1f}" and health.now == f"{analysis.summary.health:.1f}"
    assert health.change == f"{analysis.summary.health - previous.summary.health:+.1f}"
    assert health.better is (analysis.summary.health > previous.summary.health)
    assert content.compared_on == DEMO_AS_OF - dt.timedelta(days=91)
    # a what-if where health rises is explained in words
    rising = [w for w in content.whatifs if w.after.health > w.before.health + 0.05]
    assert len([n for n in content.notes if n.startswith("Health rises")]) == len(rising)


def test_markdown_escapes_names_not_ordinary_punctuation() -> None:
    assert md_escape("Health 72 / 100. Re-thread (now)!") == "Health 72 / 100. Re-thread (now)!"
    assert md_escape("84.4") == "84.4" and md_escape("-12.7") == "-12.7"
    assert md_escape("*Star* [link](x) _u_ `c` a|b ~s~ $m$") == \
        "\\*Star\\* \\[link\\](x) \\_u\\_ \\`c\\` a\\|b \\~s\\~ \\$m\\$"
    assert md_escape("# Title") == "\\# Title" and md_escape("1. first") == "1\\. first"
    assert md_escape("- item") == "\\- item"


def test_branded_template_folder_overrides_and_still_escapes(tmp_path: Path) -> None:
    (tmp_path / "report.css").write_text("body{color:#123456}", encoding="utf-8")
    (tmp_path / "report.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block footer %}<footer>ACME Corp · {{ x.account.name }}</footer>'
        "{% endblock %}", encoding="utf-8")
    page = render_html_report(hostile_analysis(), template_dir=tmp_path)
    assert "body{color:#123456}" in page and "<footer>ACME Corp · Evil &lt;Corp&gt; &amp; Co</footer>" in page
    assert "<script" not in page.lower()


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory, demo_page: str) -> Path:
    _need_chromium()
    return html_to_pdf(demo_page, tmp_path_factory.mktemp("pdf") / "review.pdf")


def test_demo_pdf_has_at_most_four_landscape_pages_naming_the_top_risks(demo_pdf: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(str(demo_pdf))
    assert 1 <= len(reader.pages) <= 4
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height) and abs(float(box.width) - 842) < 2  # A4 landscape, in points
    first = "".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())  # NFKC: ligatures
    content = review_content(demo_analysis())
    for risk in content.risks:
        assert "".join(risk.person.split()) in first and "".join(risk.fix.split()) in first
    # pdftoppm (poppler, independent of pypdf) renders every page, none blank
    out = demo_pdf.with_name("page")
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(demo_pdf), str(out)], check=True, timeout=120)
    pages = sorted(demo_pdf.parent.glob("page-*.png"))
    assert len(pages) == len(reader.pages) and not any(_blank(p.read_bytes()) for p in pages)


def test_pptx_reads_back_with_titles_text_and_pictures(tmp_path: Path) -> None:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    path = write_slides(demo_analysis(), tmp_path / "review.pptx", previous=_previous())
    deck = Presentation(str(path))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles == ["Northwind Logistics: account review", *SLIDE_TITLES]
    summary = " ".join(sh.text_frame.text for sh in deck.slides[1].shapes if sh.has_text_frame)
    assert all(r.person in summary for r in review_content(demo_analysis()).risks)
    for slide in list(deck.slides)[2:5]:
        pictures = [sh for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        picture = pictures[0]
        assert picture.left + picture.width <= deck.slide_width and picture.top + picture.height <= deck.slide_height
        import io

        from PIL import Image

        image = Image.open(io.BytesIO(picture.image.blob))
        inches = picture.width / 914400
        assert 120 <= image.width / inches <= 200  # slide resolution (SLIDE_DPI), not screen or print size
    actions = deck.slides[5].shapes
    table = next(sh for sh in actions if sh.has_table).table
    from kamgraph.views.xray import xray_from_analysis

    assert table.cell(1, 1).text == xray_from_analysis(demo_analysis()).actions[0].title


def test_report_renders_in_headless_chromium(demo_page: str, tmp_path: Path) -> None:
    _need_chromium()
    page = tmp_path / "review.html"
    page.write_text(demo_page, encoding="utf-8")
    shot = tmp_path / "review.png"
    profile = tmp_path / "profile"
    cmd = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--hide-scrollbars", "--window-size=1280,2400",
           f"--screenshot={shot}", page.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert shot.exists(), "Chromium wrote no screenshot"
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and not _blank(png)
    shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.parametrize("width", [1280, 900])
def test_no_element_is_wider_than_the_page_in_chromium(demo_page: str, tmp_path: Path, width: int) -> None:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "review.html"
    page_file.write_text(demo_page, encoding="utf-8")
    args = [f for f in CHROMIUM_FLAGS if f not in ("--headless", "--no-pdf-header-footer")]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(page_file.as_uri())
            wide = page.evaluate("""() => {
                const limit = document.documentElement.clientWidth + 0.5;
                return [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > limit)
                    .map(e => e.tagName + '#' + (e.id || '') + ' ' + Math.round(e.getBoundingClientRect().right));
            }""")
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
        finally:
            browser.close()
    assert wide == [] and scroll <= width


def test_people_table_shows_each_stakeholders_recorded_attitude_and_the_stage_its_missing_conditions(
        demo_page: str) -> None:
    from kamgraph.portfolio.stage import relationship_stage

    analysis = demo_analysis()
    content = review_content(analysis)
    recorded = {p.name: p.attitude for p in analysis.ag.snapshot.stakeholders if p.status.value == "active"}
    table = content.tables["people"][0]
    column = table.headers.index("attitude")
    shown = {row[0]: row[column] for row in table.rows}
    assert set(shown) == set(recorded)
    words = {2: "+2 strong supporter", 1: "+1 supporter", 0: "0 neutral", -1: "\u22121 sceptic", -2: "\u22122 opponent"}
    assert shown == {name: words[a] for name, a in recorded.items()}
    assert {a for a in recorded.values()} - {0}  # the demo has people who are not neutral
    # the stage: name, evidence and one phrase per missing condition, on the page
    stage = relationship_stage(analysis.ag)
    rows = {r[0]: r[1] for r in content.tables["summary"][-1].rows}
    assert rows["stage"].startswith(stage.stage)
    missing = rows[f"missing for {stage.next_stage}"].split("; ")
    assert len(missing) == len(stage.missing) >= 1
    threaded = sum(1 for c in analysis.ag.stakeholders if analysis.ag.threads.get(c))  # counted here
    assert rows["evidence"].startswith(f"{threaded} stakeholders threaded")
    text = " ".join(_parse(demo_page).text)
    assert f"Relationship stage: {stage.stage}" in " ".join(text.split())
    assert all(m in " ".join(text.split()) for m in missing)
    assert "\u22121 sceptic" in text or "+2 strong supporter" in text


def _text_sizes(pdf: Path) -> list[list[tuple[float, str]]]:
    """Per page, every piece of text with the size it is printed at (points): the font size times the vertical
    scale of the text matrix and the current transformation matrix (pypdf's text visitor)."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(str(pdf)).pages:
        found: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size, found=found) -> None:  # type: ignore[no-untyped-def]
            if text.strip():
                c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
                found.append((size * (c * c + d * d) ** 0.5, text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def test_printed_map_labels_are_at_least_7_points(demo_pdf: Path, demo_page: str, tmp_path: Path) -> None:
    pages = _text_sizes(demo_pdf)
    mapped = [p for p in pages if any(t == "OUR TEAM" for _, t in p)]
    assert len(mapped) == 1  # one page holds the map, and only the print layout of it
    sizes = dict((t, s) for s, t in mapped[0])
    people = demo_analysis().ag.stakeholders.values()
    names = [p.name for p in people if p.name in sizes]
    assert len(names) >= 30  # the stakeholders' names are there, as text
    assert min(s for s, _ in mapped[0]) >= 6.95
    assert all(sizes[n] >= 7.95 for n in names)  # names at their 8 points: the map is printed at 100 %
    # the check can fail: the screen's map (legend on the right, titles), scaled to the page, prints smaller
    screen_only = re.sub(r'<figure id="map-print".*?</figure>', "", demo_page, flags=re.S)
    screen_only = screen_only.replace('id="map-picture" class="screen"', 'id="map-picture"')
    other = [p for p in _text_sizes(html_to_pdf(screen_only, tmp_path / "screen.pdf")) if any(
        t == "OUR TEAM" for _, t in p)]
    assert other and min(s for s, _ in other[0]) < 6
