"""The account-review report: every section, self-contained, escaped; rendered by headless Chromium where installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kamgraph.samples.demo import DEMO_PROBLEMS
from kamgraph.views.report.content import SECTIONS
from kamgraph.views.report.html import render_html_report
from kamgraph.views.report.markdown import write_markdown_report

from .review_data import HOSTILE, demo_analysis, hostile_analysis

CHROMIUM = Path("/usr/bin/chromium")


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
    return render_html_report(demo_analysis())


@pytest.fixture(scope="module")
def hostile_page() -> str:
    return render_html_report(hostile_analysis())


def test_page_has_every_section_and_no_external_asset(demo_page: str) -> None:
    page = _parse(demo_page)
    assert {sid for sid, _ in SECTIONS} <= page.ids
    assert page.tags.count("svg") == 3 and {"map-picture", "matrix-picture", "timeline-picture"} <= page.ids
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    for tag, name, value in page.attrs:
        if name in ("src", "href", "xlink:href") and value:
            assert value.startswith(("#", "data:image/png;base64,")), (tag, name, value[:40])  # nothing outside
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", demo_page) and "@import" not in demo_page
    text = " ".join(page.text)
    assert "Northwind Logistics: account review" in text and "2026-11-22" in text
    for name in ("Ingrid Solberg", "Lena Fischer", "Jonas Berg", "Maya Lindqvist"):  # the demo's planted problems
        assert name in text
    # the what-if covers the most critical people, the first being the one whose departure costs most
    analysis = demo_analysis()
    most = max(analysis.impacts.values(), key=lambda i: i.share).person
    assert f"If {analysis.ag.name(most)} left" in text
    assert DEMO_PROBLEMS["dominant_staff"] in {most, *analysis.impacts}


def test_hostile_names_are_escaped_in_html_and_svg(hostile_page: str) -> None:
    assert "<script" not in hostile_page.lower() and "<img" not in hostile_page.lower()
    assert "<b>CEO" not in hostile_page and "<i>Smith" not in hostile_page
    svg_parts = re.findall(r"<svg.*?</svg>", hostile_page, flags=re.S)
    assert len(svg_parts) == 3
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
    assert "<script" not in md and "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in md
    assert "<img" not in md and "<i>" not in md
    assert "\\*Star\\* \\[link\\]\\(http://x\\) \\$a\\$ \\_u\\_" in md
    for _, title in SECTIONS:
        assert f"## {title}".replace("?", "?") in md.replace("\\", "")
    # a pipe in a name cannot break a table row
    row = next(line for line in md.splitlines() if "O'Brien" in line and line.startswith("|"))
    assert "\\|" in row


def _blank(png: bytes) -> bool:
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    small = image.resize((max(1, image.width // 8), max(1, image.height // 8)))
    histogram = small.histogram()  # grey levels 0-255
    dark = sum(histogram[:160])
    return dark < 0.01 * small.width * small.height


@pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium (Debian package chromium) is not installed")
def test_report_renders_in_headless_chromium(demo_page: str, tmp_path: Path) -> None:
    page = tmp_path / "review.html"
    page.write_text(demo_page, encoding="utf-8")
    shot = tmp_path / "review.png"
    profile = tmp_path / "profile"
    cmd = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--hide-scrollbars", "--window-size=1280,2400",
           f"--screenshot={shot}", page.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    assert shot.exists(), "Chromium wrote no screenshot"
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG") and not _blank(png)
    shutil.rmtree(profile, ignore_errors=True)
