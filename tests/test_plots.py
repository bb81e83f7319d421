"""Review pictures: files written and non-trivial, drawn on given axes, no overlapping labels, escaped text."""

from __future__ import annotations

import datetime as dt
import io
from itertools import combinations, pairwise
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from PIL import Image

from kamgraph.views.plots import figure_bytes, plot_figure, plot_map, plot_matrix, plot_timeline, write_plot
from kamgraph.views.plots.layout import OrgPerson, org_layout
from kamgraph.views.plots.timeline import monthly_meetings
from kamgraph.views.xray import xray_from_analysis

from .review_data import DEMO_AS_OF, HOSTILE, demo_analysis, demo_snapshot, hostile_analysis, synth_analysis

#: Importance weights per buying role, as documented in the README (independent of the code).
ROLE_WEIGHT = {"economic_buyer": 2.0, "decision_maker": 1.8, "champion": 1.5, "technical_buyer": 1.3, "coach": 1.2,
               "blocker": 1.2, "influencer": 1.1, "gatekeeper": 1.0, "user": 0.8, None: 1.0}


def _png_stats(data: bytes) -> tuple[int, int, int]:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    small = image.resize((image.width // 4, image.height // 4))
    return image.width, image.height, len(small.getcolors(maxcolors=1 << 24) or ())


@pytest.fixture(scope="module")
def demo_map() -> Axes:
    """The demo account's map, drawn once for the tests that only look at it."""
    return plot_map(demo_analysis())


@pytest.mark.parametrize("kind", ["map", "matrix", "timeline"])
def test_pictures_are_written_and_not_trivial(kind: str, tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    analysis = demo_analysis()
    png = write_plot(analysis, kind, tmp_path / f"{kind}.png", dpi=60)
    width, height, colours = _png_stats(png.read_bytes())
    assert png.stat().st_size > 10_000 and width > 400 and height > 200 and colours > 20
    from kamgraph.views.plots.raster import available
    from kamgraph.views.plots.save import plot_svg

    fig = plot_figure(analysis, kind)
    if available():  # the PNG is the SVG picture rasterised: its size in points at 60 dpi
        svg_root = ET.fromstring(plot_svg(analysis, kind))
        assert abs(width - float(svg_root.get("width", "")[:-2]) * 60 / 72) <= 1
        assert abs(height - float(svg_root.get("height", "")[:-2]) * 60 / 72) <= 1
    else:
        assert abs(width - fig.get_figwidth() * 60) <= 1 and abs(height - fig.get_figheight() * 60) <= 1
    svg = tmp_path / f"{kind}.svg"
    svg.write_bytes(figure_bytes(fig, "svg"))
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Northwind Logistics" in texts
    if kind == "timeline":  # PDF is the same drawing through another backend: once is enough
        pdf = write_plot(analysis, kind, tmp_path / f"{kind}.pdf")
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5_000
    assert plt.get_fignums() == []  # nothing left open in pyplot
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        write_plot(analysis, kind, tmp_path / f"{kind}.gif")


def test_plots_draw_on_given_axes() -> None:
    import matplotlib.pyplot as plt

    fig = Figure(figsize=(16, 12))
    axes = fig.subplots(3, 1)
    assert plot_map(demo_analysis(), ax=axes[0]) is axes[0]
    assert plot_matrix(demo_analysis(), ax=axes[1]) is axes[1]
    assert plot_timeline(demo_analysis(), ax=axes[2], by="buying_role") is axes[2]
    assert all(ax.figure is fig for ax in axes) and plt.get_fignums() == []
    assert len(figure_bytes(fig, "png", dpi=40)) > 10_000


def _overlaps(fig: Figure, texts: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [(t.get_text(), t.get_window_extent(renderer).shrunk(0.98, 0.9)) for t in texts if t.get_text()]
    return [(a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2) if box_a.overlaps(box_b)]


@pytest.mark.parametrize("source", ["demo", "synthetic 60"])
def test_map_labels_do_not_overlap(source: str, demo_map: Axes) -> None:
    analysis = demo_analysis() if source == "demo" else synth_analysis(60)
    assert len(analysis.ag.stakeholders) + len(analysis.ag.departed) >= (45 if source == "demo" else 60)
    ax = demo_map if source == "demo" else plot_map(analysis)
    fig = ax.figure
    texts = list(ax.texts)
    legend = ax.get_legend()
    assert legend is not None and len(legend.get_texts()) > 10  # the legend is there
    shown = {t.get_text() for t in texts}
    people = [*analysis.ag.stakeholders.values(), *analysis.ag.departed.values(), *analysis.ag.staff.values()]
    assert all(p.name in shown for p in people)  # every person is named (names here are short)
    assert _overlaps(fig, texts + list(legend.get_texts())) == []
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = legend.get_window_extent(renderer)
    assert not any(t.get_window_extent(renderer).overlaps(frame) for t in texts)
    fig_box = fig.bbox
    assert all(fig_box.contains(*t.get_window_extent(renderer).p0) and fig_box.contains(
        *t.get_window_extent(renderer).p1) for t in texts)  # nothing cut off


def test_staff_and_stakeholders_are_drawn_differently(demo_map: Axes) -> None:
    ax = demo_map
    analysis = demo_analysis()
    staff_names = {s.name for s in analysis.ag.staff.values()}
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    staff_colours = {colours[n] for n in staff_names}
    client_colours = {colours[p.name] for p in analysis.ag.stakeholders.values()}
    assert len(staff_colours) == 1 and not staff_colours & client_colours
    halign = {t.get_text(): t.get_horizontalalignment() for t in ax.texts}
    assert {halign[n] for n in staff_names} == {"right"}  # our band is left of the client, labels face it


def test_layout_is_top_down_along_reporting_lines_without_overlap() -> None:
    snap = demo_snapshot()
    people = [OrgPerson(p.id, p.reports_to, 8.0 * len(p.name)) for p in snap.stakeholders]
    for spread in range(4):
        lay = org_layout(people, spread=spread)
        ids = {p.id for p in snap.stakeholders}
        for p in snap.stakeholders:
            if p.reports_to in ids:
                assert lay.positions[p.id][1] > lay.positions[p.reports_to][1], (spread, p.id)
        boxes = list(lay.boxes.items())
        for (a, (ax0, ay0, ax1, ay1)), (b, (bx0, by0, bx1, by1)) in combinations(boxes, 2):
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, (spread, a, b)
        assert max(x1 for _, _, x1, _ in lay.boxes.values()) <= lay.width + 1e-6


@pytest.mark.parametrize("max_width", [700.0, 450.0, 300.0])
def test_layout_wrapped_to_a_width_stays_within_it_top_down_without_overlap(max_width: float) -> None:
    snap = synth_analysis(60).ag.snapshot
    people = [OrgPerson(p.id, p.reports_to, 6.0 * len(p.name), p.department or "") for p in snap.stakeholders]
    free = org_layout(people)
    lay = org_layout(people, max_width=max_width)
    widest_person = max(x1 - x0 for x0, _, x1, _ in lay.boxes.values())
    assert lay.width <= max(max_width, widest_person + 16 * 6) + 1e-6  # (a deep list can be wider than the page)
    assert lay.width < free.width or free.width <= max_width
    ids = {p.id for p in snap.stakeholders}
    for p in snap.stakeholders:
        if p.reports_to in ids:
            assert lay.positions[p.id][1] > lay.positions[p.reports_to][1], p.id
    for (a, (ax0, ay0, ax1, ay1)), (b, (bx0, by0, bx1, by1)) in combinations(lay.boxes.items(), 2):
        assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, (a, b)
    # every report is joined to their manager: a connector ends just above each report's marker
    ends = {(round(line[-1][0], 3), round(line[-1][1], 3)) for line in lay.connectors}
    for p in snap.stakeholders:
        if p.reports_to in ids:
            x, y = lay.positions[p.id]
            assert (round(x, 3), round(y - lay.marker / 2, 3)) in ends or \
                (round(x - lay.marker / 2, 3), round(y, 3)) in ends, p.id


def test_layout_survives_cycles_and_unknown_managers() -> None:
    lay = org_layout([OrgPerson("a", "b", 10), OrgPerson("b", "a", 10), OrgPerson("c", "ghost", 10),
                      OrgPerson("d", None, 10, group="Ops")])
    assert set(lay.positions) == {"a", "b", "c", "d"}
    assert ("Ops", 0.0, 0.0) in lay.headings or any(h[0] == "Ops" for h in lay.headings)


def test_matrix_counts_and_order() -> None:
    analysis = demo_analysis()
    snap = demo_snapshot()
    ax = plot_matrix(analysis)
    staff = {s.id for s in analysis.ag.staff.values()}
    maya, lena = "st-maya", "nw-arch"
    meetings = sum(1 for m in snap.meetings if m.date <= DEMO_AS_OF and {maya, lena} <= set(m.attendees))
    assert meetings > 0
    texts = ax.texts
    names = [t.get_text() for t in texts if t.get_rotation() == 90][:-1]  # column labels, without "total"
    importance = {p.name: p.influence * ROLE_WEIGHT[p.buying_role.value if p.buying_role else None]
                  for p in analysis.ag.stakeholders.values()}
    assert names and [importance[n] for n in names] == sorted((importance[n] for n in names), reverse=True)
    # the cell of Maya x Lena shows their number of meetings
    col = names.index("Lena Fischer")
    row_y = next(t.get_position()[1] for t in texts if t.get_text() == "Maya Lindqvist")
    col_x = next(t.get_position()[0] for t in texts if t.get_text() == "Lena Fischer" and t.get_rotation() == 90)
    cell = [t.get_text() for t in texts if t.get_position() == (col_x, row_y)]
    assert cell == [str(meetings)], (col, cell)
    assert staff


def test_timeline_counts_every_meeting_once_and_marks_departures() -> None:
    analysis = demo_analysis()
    snap = demo_snapshot()
    months, counts = monthly_meetings(analysis, "department", months=24)
    staff = {s.id for s in snap.staff}
    clients = {c.id for c in snap.stakeholders}
    expected = sum(1 for m in snap.meetings if months[0] <= m.date <= DEMO_AS_OF
                   and staff & set(m.attendees) and clients & set(m.attendees))
    assert sum(sum(v) for v in counts.values()) == expected
    _, by_role = monthly_meetings(analysis, "buying_role", months=24)
    assert sum(sum(v) for v in by_role.values()) == expected
    ax = plot_timeline(analysis)
    gone = [p for p in snap.stakeholders if p.left_on and months[0] <= p.left_on <= DEMO_AS_OF]
    assert gone and all(any(t.get_text().startswith(f"{p.name} left") for t in ax.texts) for p in gone)
    with pytest.raises(ValueError, match="department"):
        monthly_meetings(analysis, "colour")
    assert months[-1] == dt.date(2026, 11, 1)


def test_hostile_names_are_text_not_markup() -> None:
    analysis = hostile_analysis()
    ax = plot_map(analysis)
    star = next(t for t in ax.texts if t.get_text().startswith("*Star*"))
    assert star.get_text() == "*Star* [link](http://x) $a$ _u_"  # no math parsing of $a$
    svg = figure_bytes(ax.figure, "svg").decode()
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    texts = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert HOSTILE in texts
    for draw in (plot_matrix, plot_timeline):
        svg = figure_bytes(draw(analysis).figure, "svg").decode()
        assert "<script>" not in svg and "<img" not in svg


def test_empty_and_tiny_accounts_draw() -> None:
    from kamgraph.analysis.pipeline import analyze
    from kamgraph.domain.dataset import AccountSnapshot
    from kamgraph.domain.models import Account, Staff, Stakeholder

    day = dt.date(2026, 1, 1)
    empty = AccountSnapshot(account=Account(id="e", name="Empty"), stakeholders=[], staff=[], reporting_lines=[],
                            relationships=[], meetings=[])
    one = AccountSnapshot(account=Account(id="o", name="One"),
                          stakeholders=[Stakeholder(id="c", account="o", name="C")],
                          staff=[Staff(id="s", name="S")], reporting_lines=[], relationships=[], meetings=[])
    for snap in (empty, one):
        analysis = analyze(snap, day)
        for draw in (plot_map, plot_matrix, plot_timeline):
            assert figure_bytes(draw(analysis).figure, "png", dpi=30).startswith(b"\x89PNG")


def _marker_extent(line: object) -> float:
    """How far a drawn marker reaches from its centre, in points (from matplotlib's own marker path)."""
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(line.get_marker())  # type: ignore[attr-defined]
    vertices = style.get_path().transformed(style.get_transform()).vertices
    return float(max((x * x + y * y) ** 0.5 for x, y in vertices)) * line.get_markersize()  # type: ignore[attr-defined]


def _distance(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    """Point to segment, written out here (independent of kamgraph.views.plots.routing)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - a[0]) * dx + (py - a[1]) * dy) / length))
    return ((px - a[0] - t * dx) ** 2 + (py - a[1] - t * dy) ** 2) ** 0.5


def _contact_crossings(ax: Axes) -> tuple[int, list[str]]:
    """Contact polylines that pass through a marker other than their own two ends (read from the drawing)."""
    from matplotlib.collections import LineCollection

    markers: dict[tuple[float, float], float] = {}
    for line in ax.lines:
        if line.get_marker() in (None, "None", "none", ""):
            continue
        x, y = line.get_xdata()[0], line.get_ydata()[0]
        markers[(float(x), float(y))] = max(markers.get((float(x), float(y)), 0.0), _marker_extent(line) * 0.98)
    contacts = next(c for c in ax.collections if isinstance(c, LineCollection) and c.get_zorder() == 2)
    bad = []
    paths = [[(float(x), float(y)) for x, y in seg] for seg in contacts.get_segments()]
    for path in paths:
        ends = {path[0], path[-1]}
        for (mx, my), reach in markers.items():
            if any(((mx - ex) ** 2 + (my - ey) ** 2) < 1 for ex, ey in ends):
                continue
            if any(_distance(mx, my, a, b) < reach for a, b in pairwise(path)):
                bad.append(f"line {path[0]}->{path[-1]} through marker at {(mx, my)}")
    return len(paths), bad


@pytest.mark.parametrize("source", ["demo", "synth-40-seed-1", "synth-60", "synth-90-seed-7"])
def test_no_contact_line_passes_through_another_persons_marker(source: str, demo_map: Axes) -> None:
    if source == "demo":
        ax, analysis = demo_map, demo_analysis()
    else:
        from kamgraph.analysis.pipeline import analyze
        from kamgraph.domain.dataset import AccountSnapshot
        from kamgraph.samples.synth import synth_account

        parts = source.split("-")
        size, seed = int(parts[1]), int(parts[3]) if len(parts) > 3 else 5
        batch = synth_account("rand", seed=seed, stakeholders=size, staff=9, as_of=DEMO_AS_OF)
        snap = AccountSnapshot(account=batch.accounts[0], stakeholders=batch.stakeholders, staff=batch.staff,
                               reporting_lines=[], relationships=batch.relationships,
                               meetings=sorted(batch.meetings, key=lambda m: (m.date, m.id)))
        analysis = analyze(snap, DEMO_AS_OF)
        ax = plot_map(analysis)
    count, bad = _contact_crossings(ax)
    contacts = sum(len(v.threads) + len(v.weak_ties) for v in xray_from_analysis(analysis).stakeholders)
    assert count == contacts and count >= 10 and bad == []



def _names_on(ax: Axes) -> set[str]:
    return {t.get_text() for t in ax.texts}


def test_map_only_key_uncovered_or_one_department() -> None:
    analysis = demo_analysis()
    x = xray_from_analysis(analysis)
    key = {v.name for v in x.stakeholders if v.key}
    uncovered = {v.name for v in x.stakeholders if not v.threads}  # no thread: not met, or weak contact only
    supply = {v.name for v in x.stakeholders if v.department == "Supply Chain"}
    supply |= {d.name for d in x.departed if d.department == "Supply Chain"}
    everyone = {v.name for v in x.stakeholders} | {d.name for d in x.departed}
    for only, expected in (("key", key), ("uncovered", uncovered), ("department supply chain", supply)):
        names = _names_on(plot_map(analysis, only=only))
        assert expected <= names and not (everyone - expected) & names, only
    count, bad = _contact_crossings(plot_map(analysis, only="department Supply Chain"))
    assert bad == [] and count == sum(len(v.threads) + len(v.weak_ties) for v in x.stakeholders
                                      if v.department == "Supply Chain")
    with pytest.raises(ValueError, match="--only"):
        plot_map(analysis, only="vip")


def test_slide_map_is_wider_than_the_square_one(demo_map: Axes) -> None:
    wide = plot_map(demo_analysis(), aspect=16 / 9).figure.get_size_inches()
    square = demo_map.figure.get_size_inches()
    assert wide[0] / wide[1] >= square[0] / square[1]


def test_partial_month_is_hatched_and_starred() -> None:
    from kamgraph.views.plots.timeline import PARTIAL_HATCH

    ax = plot_timeline(demo_analysis())  # as of 2026-11-22: November is not over
    hatched = [p for p in ax.patches if p.get_hatch() == PARTIAL_HATCH]
    series, counts = monthly_meetings(demo_analysis())
    assert len(hatched) == sum(1 for values in counts.values() if values)  # one per stacked group, last month
    assert all(abs(p.get_x() + p.get_width() / 2 - (len(series) - 1)) < 1e-9 for p in hatched)
    assert ax.get_xticklabels()[-1].get_text() == "Nov 26*"


def test_portfolio_dots_are_sized_by_revenue_and_quadrants_labelled() -> None:
    from kamgraph.portfolio.table import build_portfolio
    from kamgraph.samples.demo import build_demo
    from kamgraph.settings import Settings
    from kamgraph.store.sqlite import SqliteStore
    from kamgraph.views.plots import plot_portfolio
    from kamgraph.views.plots.portfolio import QUADRANTS

    store = SqliteStore(":memory:")
    store.import_batch(build_demo(DEMO_AS_OF))
    result = build_portfolio(store, DEMO_AS_OF, Settings())
    revenue = {a.id: a.revenue for a in store.all_accounts()}
    ax = plot_portfolio(result, revenue=revenue, thresholds=Settings().portfolio.tiers)
    sizes: dict[tuple[float, float], float] = {}
    for collection in ax.collections:
        if collection.get_label() == "near miss":
            continue
        for (x, y), s in zip(collection.get_offsets(), collection.get_sizes(), strict=True):
            sizes[(round(float(x), 6), round(float(y), 6))] = float(s)
    by_account = {r.account: sizes[(round(r.score, 6), round(r.fragility_index, 6))] for r in result.rows}
    known = {a: v for a, v in revenue.items() if v}
    assert len(known) >= 2
    a, b = sorted(known, key=known.get)[:2]  # type: ignore[arg-type]
    # areas in proportion to revenue (unless the smaller one is at the minimum dot size)
    if by_account[a] > 30:
        assert abs(by_account[a] / by_account[b] - known[a] / known[b]) < 1e-6
    assert max(by_account.values()) == 600.0
    labels = {t.get_text() for t in ax.texts}
    assert set(QUADRANTS.values()) <= labels


def test_font_list_has_fallbacks_and_only_installed_families() -> None:
    from matplotlib import font_manager

    from kamgraph.views.plots.style import FONT, FONT_PREFERENCE, installed_fonts

    installed = {f.name for f in font_manager.fontManager.ttflist}
    assert FONT[0] == "DejaVu Sans" and set(FONT) <= installed
    assert installed_fonts(("DejaVu Sans", "No Such Font 123", "DejaVu Serif")) == ["DejaVu Sans", "DejaVu Serif"]
    assert len(FONT_PREFERENCE) > 5
    ax = plot_map(hostile_analysis())
    assert all(list(t.get_fontfamily()) == FONT for t in ax.texts if t.get_text())  # every label gets the list


def test_department_headings_above_blocks_of_another_department() -> None:
    people = [OrgPerson("ceo", None, 40, "Executive"), OrgPerson("cfo", "ceo", 40, "Finance"),
              OrgPerson("cio", "ceo", 40, "IT"), OrgPerson("ea", "ceo", 40, "Executive"),
              OrgPerson("a1", "cfo", 30, "Finance"), OrgPerson("a2", "cio", 30, "IT")]
    lay = org_layout(people, spread=1)
    heads = {text: (x, y) for text, x, y in lay.headings}
    assert set(heads) == {"Finance", "IT"}  # the assistant's list is in the CEO's own department: no heading
    for pid, dept in (("cfo", "Finance"), ("cio", "IT")):
        mx, my = lay.positions[pid]
        hx, hy = heads[dept]
        assert hy < my - lay.marker / 2 and hx > mx  # above the manager, right of the line coming down to them
    ceo_y = lay.positions["ceo"][1]
    assert all(hy > ceo_y for _, hy in heads.values())
    names = {t.get_text() for t in plot_map(demo_analysis()).texts}
    assert {"Finance", "IT"} <= names


def test_top_risks_are_numbered_beside_their_markers(demo_map: Axes) -> None:
    analysis = demo_analysis()
    top = sorted(((i.share, p) for p, i in analysis.impacts.items() if i.share > 0), reverse=True)[:3]
    badges = {t.get_text(): t.get_position() for t in demo_map.texts if t.get_text() in {"1", "2", "3"}}
    assert set(badges) == {"1", "2", "3"}
    label_at = {t.get_text(): t.get_position() for t in demo_map.texts}
    for rank, (_, pid) in enumerate(top, 1):
        name = analysis.ag.name(pid)
        bx, by = badges[str(rank)]
        nx, ny = label_at[name]
        assert abs(by - ny) < 15 and abs(bx - nx) < 40  # beside that person's marker and name
    assert not any(t.get_text() in {"1", "2", "3"} for t in plot_map(analysis, callouts=0).texts)
