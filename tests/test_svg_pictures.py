"""The SVG pictures kamgraph writes itself (no matplotlib): geometry read back by parsing, escaping, fonts, speed path.

The no-crossing test parses the map's SVG and measures, with geometry written out here, whether any contact
polyline enters another person's marker (its polygon or circle, or the red ring around it).
"""

from __future__ import annotations

import dataclasses
import json
import math
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from kamgraph.views.plots.markers import SHAPES, outline, reach
from kamgraph.views.plots.svg_charts import matrix_svg, timeline_svg
from kamgraph.views.plots.svg_map import map_svg
from kamgraph.views.plots.textmetrics import WIDTHS_FILE, text_width, width_table
from kamgraph.views.xray import xray_from_analysis

from .review_data import DEMO_AS_OF, HOSTILE, demo_analysis, hostile_analysis, hostile_snapshot

NS = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent
#: What kamgraph's SVG writer may write (kamgraph/views/plots/svg.py).
ALLOWED = {"svg", "defs", "linearGradient", "stop", "pattern", "rect", "line", "polyline", "polygon", "circle", "text"}


def _points(text: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in text.split())]


def _seg_dist(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    n = dx * dx + dy * dy
    t = 0.0 if n == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / n))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def _cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _segments_meet(p1, p2, q1, q2) -> bool:  # type: ignore[no-untyped-def]
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    return (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0)


def _inside(p: tuple[float, float], poly: list[tuple[float, float]]) -> bool:
    hit = False
    for a, b in zip(poly, poly[1:] + poly[:1], strict=True):
        if (a[1] > p[1]) != (b[1] > p[1]) and p[0] < a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]):
            hit = not hit
    return hit


def _enters(path: list[tuple[float, float]], shape: tuple[str, object]) -> bool:
    kind, geo = shape
    for a, b in pairwise(path):
        if kind == "circle":
            (cx, cy), r = geo  # type: ignore[misc]
            if _seg_dist((cx, cy), a, b) < r * 0.98:
                return True
        else:
            poly = geo  # type: ignore[assignment]
            if _inside(a, poly) or _inside(b, poly):  # type: ignore[arg-type]
                return True
            if any(_segments_meet(a, b, p, q) for p, q in zip(poly, poly[1:] + poly[:1], strict=True)):  # type: ignore[operator]
                return True
    return False


def crossings(svg: str) -> tuple[int, list[str]]:
    """Contact lines entering a marker or ring other than their own two ends, read from the SVG."""
    root = ET.fromstring(svg)
    shapes: list[tuple[str, tuple[str, object]]] = []
    for el in root.iter():
        cls = el.get("class")
        if cls in ("marker", "ring"):
            pid = el.get("data-id") or ""
            if el.tag == NS + "circle":
                shapes.append((pid, ("circle", ((float(el.get("cx")), float(el.get("cy"))),  # type: ignore[arg-type]
                                                float(el.get("r")) + float(el.get("stroke-width", "0")) / 2))))  # type: ignore[arg-type]
            else:
                shapes.append((pid, ("polygon", _points(el.get("points") or ""))))
    bad, count = [], 0
    for el in root.iter(NS + "polyline"):
        if el.get("class") != "contact":
            continue
        count += 1
        ends = {el.get("data-staff"), el.get("data-stakeholder")}
        path = _points(el.get("points") or "")
        for pid, shape in shapes:
            if pid not in ends and _enters(path, shape):
                bad.append(f"{sorted(ends)} through {pid}")
    return count, bad


@pytest.fixture(scope="module")
def demo_svg() -> str:
    return map_svg(demo_analysis())


def _synth(size: int, seed: int):  # type: ignore[no-untyped-def]
    from kamgraph.analysis.pipeline import analyze
    from kamgraph.domain.dataset import AccountSnapshot
    from kamgraph.samples.synth import synth_account

    batch = synth_account("rand", seed=seed, stakeholders=size, staff=9, as_of=DEMO_AS_OF)
    snap = AccountSnapshot(account=batch.accounts[0], stakeholders=batch.stakeholders, staff=batch.staff,
                           reporting_lines=[], relationships=batch.relationships,
                           meetings=sorted(batch.meetings, key=lambda m: (m.date, m.id)))
    return analyze(snap, DEMO_AS_OF)


@pytest.mark.parametrize("source", ["demo", "demo-print", "synth-40-1", "synth-60-5", "synth-90-7"])
def test_no_contact_line_enters_another_persons_marker_in_the_svg(source: str, demo_svg: str) -> None:
    if source == "demo":
        svg, analysis = demo_svg, demo_analysis()
    elif source == "demo-print":  # the report's print layout: names only, rows wrapped to the page, legend below
        analysis = demo_analysis()
        svg = map_svg(analysis, fit_width=777)
    else:
        _, size, seed = source.split("-")
        analysis = _synth(int(size), int(seed))
        svg = map_svg(analysis)
    count, bad = crossings(svg)
    contacts = sum(len(v.threads) + len(v.weak_ties) for v in xray_from_analysis(analysis).stakeholders)
    assert count == contacts and count >= 10 and bad == []


def test_the_crossing_check_finds_straight_lines_through_markers() -> None:
    """With routing undone (every contact drawn straight), the same check finds crossings on the demo."""
    from kamgraph.views.plots.map_scene import map_scene
    from kamgraph.views.plots.svg_map import scene_svg

    scene = map_scene(xray_from_analysis(demo_analysis()), text_width)
    for c in scene.contacts:
        c.path = [c.path[0], c.path[-1]]
    _, bad = crossings(scene_svg(scene))
    assert len(bad) >= 10


def test_marker_outlines_are_matplotlibs_shapes() -> None:
    from matplotlib.markers import MarkerStyle

    for code in SHAPES:
        style = MarkerStyle(code)
        theirs = [tuple(v) for v in style.get_path().transformed(style.get_transform()).vertices]
        theirs = [(round(float(x), 3), round(float(y), 3)) for x, y in theirs]
        if theirs[0] == theirs[-1]:
            theirs = theirs[:-1]
        ours = [(round(x, 3), round(y, 3)) for x, y in outline(code)]
        assert set(ours) == set(theirs), code
        assert reach(code) == pytest.approx(max(math.hypot(x, y) for x, y in theirs), abs=1e-3)


def test_width_table_is_read_from_the_font_files() -> None:
    assert json.loads(WIDTHS_FILE.read_text(encoding="utf-8")) == width_table()
    # against matplotlib's own text measure (hinted at 72 dpi, so a few per cent apart)
    from kamgraph.views.plots.style import text_width as mpl_width

    for text in ("Ingrid Solberg", "Chief Financial Officer", "Warehouse Lead Barcelona", "Ærøskøbing Ltd"):
        for weight in ("normal", "bold"):
            assert text_width(text, 8, weight) == pytest.approx(mpl_width(text, 8, weight), rel=0.06), text


def test_svg_pictures_parse_hold_only_our_elements_and_names_as_text() -> None:
    analysis = hostile_analysis()
    names = {p.name for p in [*hostile_snapshot().stakeholders, *hostile_snapshot().staff]}
    for svg in (map_svg(analysis), matrix_svg(analysis), timeline_svg(analysis)):
        root = ET.fromstring(svg)
        tags = {el.tag.replace(NS, "") for el in root.iter()}
        assert tags <= ALLOWED, tags - ALLOWED
        for el in root.iter():
            assert not any(k.lower().startswith("on") or k.endswith("href") for k in el.attrib), el.attrib
            assert el.get("fill", "").startswith(("#", "none", "white", "url(#")) or not el.get("fill")
        assert root.get("aria-label", "").startswith("Evil <Corp> & Co")
    texts = {t.text for t in ET.fromstring(map_svg(analysis)).iter(NS + "text")}
    assert HOSTILE in texts and "Sam <i>Smith</i>" in texts and "Gone </div><img src=x onerror=ale…" in texts
    matrix_texts = {t.text for t in ET.fromstring(matrix_svg(analysis)).iter(NS + "text")}
    for name in (n for n in names if "Gone" not in n):  # who left has no column; labels cut at 26 characters
        assert name in matrix_texts or f"{name[:25]}…" in matrix_texts, name


def test_bidi_controls_cannot_reorder_the_svg() -> None:
    from kamgraph.analysis.pipeline import analyze

    snap = hostile_snapshot()
    evil = [p.model_copy(update={"name": "Eve \u202etnemyap\u202c \u2066x\u2069 \u202a\u202b\u202d"})
            if p.id == "h-boss" else p for p in snap.stakeholders]
    analysis = analyze(dataclasses.replace(snap, stakeholders=evil), DEMO_AS_OF)
    for svg in (map_svg(analysis), matrix_svg(analysis)):
        assert not any(chr(c) in svg for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
        assert "Eve tnemyap x" in {(t.text or "").strip() for t in ET.fromstring(svg).iter(NS + "text")}


def test_map_labels_are_at_least_7_points_and_the_svg_is_sized_in_points(demo_svg: str) -> None:
    root = ET.fromstring(demo_svg)
    sizes = [float(t.get("font-size")) for t in root.iter(NS + "text")]  # type: ignore[arg-type]
    assert min(sizes) >= 7 and len(sizes) > 100
    width, view = root.get("width", ""), (root.get("viewBox") or "").split()
    assert width.endswith("pt") and float(width[:-2]) == float(view[2])  # 1 drawing unit = 1 point


def test_attitude_marks_sit_beside_the_stakeholders_who_have_one(demo_svg: str) -> None:
    x = xray_from_analysis(demo_analysis())
    root = ET.fromstring(demo_svg)
    marks = [t for t in root.iter(NS + "text") if t.get("class") == "attitude"]
    expected = {v.attitude for v in x.stakeholders if v.attitude}
    assert len(marks) == sum(1 for v in x.stakeholders if v.attitude) and expected
    glyphs = {t.text for t in marks}
    assert glyphs <= {"+", "++", "\u2212", "\u2212\u2212"}
    legend = " ".join(t.text or "" for t in root.iter(NS + "text") if t.get("class") == "legend")
    assert "attitude toward us" in legend


def test_svg_plot_and_html_report_do_not_import_matplotlib(tmp_path: Path) -> None:
    code = ("import sys\n"
            "from tests.review_data import demo_analysis\n"
            "from kamgraph.views.plots import write_plot\n"
            "from kamgraph.views.report.html import render_html_report\n"
            f"write_plot(demo_analysis(), 'map', {str(tmp_path / 'map.svg')!r})\n"
            f"write_plot(demo_analysis(), 'timeline', {str(tmp_path / 't.svg')!r})\n"
            "page = render_html_report(demo_analysis())\n"
            "assert page.count('<svg') == 4, page.count('<svg')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    count, bad = crossings((tmp_path / "map.svg").read_text(encoding="utf-8"))
    assert count > 10 and bad == []
