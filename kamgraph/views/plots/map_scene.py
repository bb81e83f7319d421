"""The relationship map as a scene: every marker, line and label with its place, before anything draws it.

Pure Python (no matplotlib): :func:`map_scene` lays out the client's
organisation (:mod:`kamgraph.views.plots.layout`), stands our staff in a band on
the left, routes every contact around other people's markers
(:mod:`kamgraph.views.plots.routing`) and lists what the legend explains.
Two renderers draw the same scene: matplotlib (:func:`kamgraph.views.plots.relmap.plot_map`,
PNG, PDF and slides) and the SVG writer (:func:`kamgraph.views.plots.svg_map.map_svg`, the
report and ``plot -o FILE.svg``), which needs no matplotlib and so is fast.

Coordinates are points, ``y`` growing downwards; the legend column starts at
``scene.width``. Label sizes are the sizes the text is drawn at, so a map
shown at 100 % prints its labels at :data:`NAME_SIZE` and :data:`TITLE_SIZE`
points (at least 7).

Each stakeholder's **attitude** toward us (-2..+2) is a mark below-left of
their marker (``++``/``+`` in green, ``−``/``−−`` in red; nothing when neutral).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .layout import OrgPerson, org_layout
from .markers import reach
from .palette import (
    COVERAGE_COLORS,
    COVERAGE_LABELS,
    CUT_COLOR,
    RECENCY_DAYS,
    ROLE_LABELS,
    ROLE_MARKERS,
    STAFF_COLOR,
    attitude_mark,
    recency_colour,
)
from .routing import Obstacle, route_lines
from .textmetrics import short

if TYPE_CHECKING:
    from ..xray import XRay

__all__ = ["MapScene", "Marker", "Label", "Contact", "LegendEntry", "map_scene", "select_people", "coverage_of",
           "NAME_SIZE", "TITLE_SIZE", "ROW", "MARKER", "KEY_MARKER", "LEGEND_WIDTH", "Measure"]

#: The age given to a contact never met (an offline thread): past the end of every colour scale.
_NEVER_MET_DAYS = 10_000

#: Name and title sizes, in points (7 pt is the smallest text printed on a review page).
NAME_SIZE = 8.0
TITLE_SIZE = 7.0
ROW = 26.0
MARKER = 11.0
KEY_MARKER = 14.0
LEGEND_WIDTH = 190.0

#: Measures a label: (text, size in points, weight) -> width in points.
Measure = Callable[[str, float, str], float]


@dataclass
class Marker:
    """A person's marker: centre, matplotlib marker code, size (points), colours, red ring."""

    id: str
    x: float
    y: float
    shape: str
    size: float
    fill: str
    edge: str
    edge_width: float
    staff: bool = False
    ring: float = 0.0  #: diameter of the red articulation-point ring (0: none)


@dataclass
class Label:
    """A piece of text: anchor point, alignment (``ha``: left/right/center; ``va``: top/bottom/center)."""

    text: str
    x: float
    y: float
    size: float
    colour: str = "#111111"
    weight: str = "normal"
    style: str = "normal"
    ha: str = "left"
    va: str = "bottom"
    halo: bool = False
    role: str = "label"  #: name, title, heading, attitude, caption...


@dataclass
class Contact:
    """One contact line: staff id, stakeholder id, the routed polyline, width (points) and colour."""

    staff: str
    stakeholder: str
    path: list[tuple[float, float]]
    width: float
    colour: str
    days: int


@dataclass
class LegendEntry:
    """One legend row: a marker (``shape``), a line (``dash`` None for solid), a heading (``kind='text'``)."""

    label: str
    kind: str = "marker"
    shape: str = "o"
    size: float = 8.0
    fill: str = "#DDDDDD"
    edge: str = "#333333"
    edge_width: float = 0.8
    colour: str = "#9A9A9A"
    width: float = 0.8
    dash: tuple[float, float] | None = None
    text: str = ""  #: a text mark instead of a marker (the attitude entries)


@dataclass
class MapScene:
    """Everything the map shows, in drawing order."""

    title: str | None
    width: float
    height: float
    band: tuple[float, float, float, float]  #: our team's band (x, y, w, h)
    markers: list[Marker]
    labels: list[Label]
    contacts: list[Contact]
    connectors: list[list[tuple[float, float]]]
    dotted: list[list[tuple[float, float]]]
    badges: list[tuple[int, float, float]]  #: (rank, x, y) of the top-risk callouts
    legend: list[LegendEntry]
    legend_width: float = LEGEND_WIDTH
    #: Where the legend starts when it sits below the drawing (``None``: in a column on the right).
    legend_top: float | None = None
    obstacles: dict[str, Obstacle] = field(default_factory=dict)
    blocked: list[int] = field(default_factory=list)
    cut: set[str] = field(default_factory=set)

    @property
    def total_width(self) -> float:
        """Drawing plus legend."""
        return self.width if self.legend_top is not None else self.width + self.legend_width + 20


def coverage_of(view: Any) -> str:
    """Coverage status of a stakeholder view (see :data:`kamgraph.views.graph_export.COVERAGE_STATUSES`)."""
    threads = getattr(view, "threads", None)
    if threads is None:
        return "left"
    if len(threads) >= 2:
        return "multi_threaded"
    if threads:
        return "single_threaded"
    return "weak" if view.weak_ties else "uncovered"


@dataclass
class _Person:
    id: str
    name: str
    title: str
    role: str | None
    coverage: str
    key: bool
    manager: str | None
    dotted: list[str]
    department: str
    importance: float
    attitude: int = 0


def people_of(xray: XRay) -> list[_Person]:
    """Active stakeholders and those who left, as the map shows them."""
    people = [_Person(v.id, v.name, v.title or "", v.buying_role.value if v.buying_role else None, coverage_of(v),
                      v.key, v.reports_to, list(v.dotted_to), v.department or "", v.importance, v.attitude)
              for v in xray.stakeholders]
    people += [_Person(d.id, d.name, f"left {d.left_on.isoformat()}", d.buying_role.value if d.buying_role else None,
                       "left", False, d.reports_to, [], d.department or "", 0.0) for d in xray.departed]
    return people


def select_people(people: list[Any], only: str | None) -> list[Any]:
    """The people ``only`` keeps: ``key``, ``uncovered`` (not met or weak contact only) or ``department NAME``."""
    if not only:
        return people
    word, _, rest = only.strip().partition(" ")
    if word == "key":
        return [p for p in people if p.key]
    if word == "uncovered":
        return [p for p in people if p.coverage in ("uncovered", "weak")]
    if word == "department" and rest.strip():
        name = rest.strip().casefold()
        return [p for p in people if p.department.casefold() == name]
    raise ValueError(f"--only: expected key, uncovered or 'department NAME', not {only!r}")


def marker_size(key: bool, role: str | None) -> float:
    """Drawn marker size (points) of a stakeholder: key larger, stars a quarter larger."""
    size = KEY_MARKER if key else MARKER
    return size * 0.8 * (1.25 if ROLE_MARKERS.get(role, "o") == "*" else 1.0)


def _legend(used: set[str], roles: set[str | None], risks: int, attitudes: set[int]) -> list[LegendEntry]:
    out = [LegendEntry("our staff", fill=STAFF_COLOR, edge="white"), LegendEntry("stakeholder fill = coverage:",
                                                                                  kind="text")]
    out += [LegendEntry(COVERAGE_LABELS[s], fill=c) for s, c in COVERAGE_COLORS.items() if s in used]
    out.append(LegendEntry("shape = buying role:", kind="text"))
    out += [LegendEntry(ROLE_LABELS[r], shape=m, size=9 if m == "*" else 7) for r, m in ROLE_MARKERS.items()
            if r in roles]
    marks = [a for a in (2, 1, -1, -2) if a in attitudes]
    if marks:
        out.append(LegendEntry("mark = attitude toward us:", kind="text"))
        words = {2: "strong supporter", 1: "supporter", -1: "sceptic", -2: "opponent"}
        for a in marks:
            text, colour = attitude_mark(a) or ("", "")
            out.append(LegendEntry(f"{a:+d} {words[a]}", kind="mark", text=text, colour=colour))
    out.append(LegendEntry("", kind="text"))
    out += [LegendEntry("key stakeholder (large, bold)", size=10),
            LegendEntry("articulation point (cuts people off)", fill="none", size=12, edge=CUT_COLOR,
                        edge_width=1.8),
            LegendEntry("reporting line", kind="line"),
            LegendEntry("dotted reporting line", kind="line", dash=(3, 2)),
            LegendEntry("contact, strength 0.5", kind="line", colour="#2171B5", width=0.5 + 2.5 * 0.125),
            LegendEntry("contact, strength 2", kind="line", colour="#2171B5", width=0.5 + 2.5 * 0.5),
            LegendEntry("contact, strength 4 or more", kind="line", colour="#2171B5", width=3.0)]
    if risks:
        out.append(LegendEntry(f"1-{risks}: top risks (as in the report)" if risks > 1 else "1: the top risk",
                               kind="badge", fill=CUT_COLOR, edge="white", size=9))
    return out


def marker_obstacles(markers: list[Marker], pad: float = 1.5) -> dict[str, Obstacle]:
    """Every person's marker (and its red ring for articulation points) as an obstacle contact lines avoid."""
    return {m.id: Obstacle(m.x, m.y, max(m.size * reach(m.shape), m.ring / 2) + pad) for m in markers}


def legend_column(legend: list[LegendEntry], measure: Measure) -> float:
    """Width of one column of a legend laid out below the drawing (its longest entry)."""
    return max((measure(e.label, 7, "normal") + (0 if e.kind == "text" else 28) for e in legend), default=100) + 10


def legend_columns(legend: list[LegendEntry], width: float, measure: Measure) -> int:
    """How many legend columns fit ``width`` (the colour bar needs a column of 190 points)."""
    return max(1, int(width // max(legend_column(legend, measure), 190.0)))
#: Name length (characters) and row height of a map fitted to a width (a printed page: names only).
FIT_NAME, FIT_ROW = 24, 17.0


def map_scene(xray: XRay, measure: Measure, *, title: bool = True, only: str | None = None, aspect: float = 1.0,
              callouts: int = 3, fit_width: float | None = None) -> MapScene:
    """Lay out, route and label the relationship map of an X-ray (options as :func:`~.relmap.plot_map`).

    ``measure(text, size, weight)`` gives a label's width in points: the
    renderer's own text measure, so labels never overlap in its drawing.

    ``fit_width`` (points) makes the map for a page of that width, to be shown
    at 100 % so that its labels print at their size (the report's A4 landscape
    page): names only (cut at :data:`FIT_NAME` characters; no job titles),
    rows of :data:`FIT_ROW` points, a manager's reports put in rows when side
    by side they would be too wide (:func:`~.layout.org_layout`'s
    ``max_width``), the subtitle on the title's line and the legend in columns
    below the drawing. On the demo account this fits one A4 landscape page at
    100 %: names print at 8 pt, every other label at 7 pt or more.
    """
    fit = fit_width is not None
    row = FIT_ROW if fit else ROW
    people = select_people(people_of(xray), only)
    shown_ids = {p.id for p in people}
    risks = [r.id for r in xray.fragility.people if r.share > 0][:callouts]
    names = {p.id: short(p.name, FIT_NAME if fit else 34) for p in people}
    titles = {p.id: "" if fit else short(p.title, 34) for p in people}

    def label_width(name: str, sub: str, bold: bool) -> float:
        return max(measure(name, NAME_SIZE, "bold" if bold else "normal"), measure(sub, TITLE_SIZE, "normal")) + 2

    staff = list(xray.staff)
    staff_names = {s.id: short(s.name, FIT_NAME if fit else 30) for s in staff}
    staff_roles = {s.id: "" if fit else short((s.title or s.role.replace("_", " ")), 30) for s in staff}
    staff_w = max((label_width(staff_names[s.id], staff_roles[s.id], True) for s in staff), default=60.0)
    band = staff_w + KEY_MARKER + 16
    ox = band + (34.0 if fit else 60.0)
    room = None if fit_width is None else max(fit_width - ox - 10, 120.0)
    org = org_layout([OrgPerson(p.id, p.manager, label_width(names[p.id], titles[p.id], p.key), p.department,
                                (p.department, -p.importance, p.name)) for p in people],
                     row=row, marker=KEY_MARKER, aspect=aspect, max_width=room, hgap=12.0 if fit else 18.0)
    head = (28.0 if fit else 46.0) if title else 16.0
    oy = head + (14 if fit else 18)
    pos = {pid: (ox + x, oy + y) for pid, (x, y) in org.positions.items()}

    # Staff: ordered by where their contacts are (fewer crossings), spread over the height of the chart.
    contacts: list[tuple[str, str, float, int]] = []
    for view in xray.stakeholders:
        if view.id not in shown_ids:
            continue
        for t in [*view.threads, *view.weak_ties]:
            # An offline thread (a recorded 'knows' tie counted as a thread) has no meeting: drawn as not met
            # for longer than the colour scale reaches.
            age = (xray.as_of - t.last).days if t.last is not None else _NEVER_MET_DAYS
            contacts.append((t.staff, view.id, t.strength, age))
    if only:
        met = {s for s, _, _, _ in contacts}
        staff = [s for s in staff if s.id in met]
    mean_y: dict[str, list[float]] = {}
    for s, c, _, _ in contacts:
        mean_y.setdefault(s, []).append(pos[c][1])
    staff.sort(key=lambda s: (sum(mean_y.get(s.id, [1e9])) / len(mean_y.get(s.id, [1])), s.id))
    height = max(org.height, len(staff) * row)
    step = min(max(row, org.height / max(len(staff), 1)), 2.2 * row)
    top = oy + (height - step * len(staff)) / 2 + step / 2
    sx = band - KEY_MARKER / 2 - 6
    for i, s in enumerate(staff):
        pos[s.id] = (sx, top + i * step)
    width = ox + org.width + 10
    legend = _legend({p.coverage for p in people}, {p.role for p in people}, len(risks),
                     {p.attitude for p in people if p.coverage != "left"})
    legend_top = None
    if fit_width is not None:
        columns = legend_columns(legend, width, measure)
        per_column = -(-(len(legend) + 1) // columns)
        legend_top = oy + height + 12
        total_h = legend_top + 24 + 11.2 * max(per_column, 4)
    else:
        legend_h = 28 + 11.2 * len(legend)
        total_h = max(oy + height + 12, legend_h + 130)
    cut = {c.id for c in xray.bridges.cut_vertices}

    cap = oy - (16 if fit else 20)
    labels: list[Label] = [
        Label("OUR TEAM", band / 2, cap, 8, STAFF_COLOR, "bold", ha="center", role="caption"),
        Label("CLIENT ORGANISATION (reporting lines)", ox, cap, 8, "#444444", "bold", role="caption")]
    heading = None
    if title:
        heading = f"{xray.account.name}: relationship map"
        sub = (f"as of {xray.as_of.isoformat()} · {len(xray.stakeholders)} stakeholders · "
               f"{len(xray.staff)} of our staff")
        labels.append(Label(heading, 4, 6, 12, weight="bold", va="top", role="title"))
        if fit:
            labels.append(Label(sub, 4 + measure(heading, 12, "bold") + 10, 8, 8, "#555555", va="top",
                                role="caption"))
        else:
            labels.append(Label(sub, 4, 22, 8, "#555555", va="top", role="caption"))
    for group, x, y in org.headings:  # department headings, above the lines that may cross them
        labels.append(Label(group, ox + x, oy + y + 2, 7, "#555555", style="italic", va="top", halo=True,
                            role="heading"))

    markers: list[Marker] = []
    for p in people:
        x, y = pos[p.id]
        size = KEY_MARKER if p.key else MARKER
        markers.append(Marker(p.id, x, y, ROLE_MARKERS.get(p.role, "o"), marker_size(p.key, p.role),
                              COVERAGE_COLORS[p.coverage], "#333333" if p.coverage != "left" else "#888888", 0.8,
                              ring=size * 1.25 if p.id in cut else 0.0))
        lx = x + KEY_MARKER / 2 + 4
        colour = "#777777" if p.coverage == "left" else "#111111"
        labels.append(Label(names[p.id], lx, y - 1, NAME_SIZE, colour, "bold" if p.key else "normal",
                            "italic" if p.coverage == "left" else "normal", halo=True, role="name"))
        if titles[p.id]:
            labels.append(Label(titles[p.id], lx, y + 1, TITLE_SIZE, "#666666", va="top", halo=True, role="title"))
        mark = attitude_mark(p.attitude) if p.coverage != "left" else None
        if mark:
            labels.append(Label(mark[0], x - size / 2 - 1, y + size / 2 + 1, 7, mark[1], "bold", ha="right",
                                va="center", role="attitude"))
    for s in staff:
        x, y = pos[s.id]
        markers.append(Marker(s.id, x, y, "o", MARKER * 0.9, STAFF_COLOR, "white", 1.2, staff=True,
                              ring=MARKER * 1.5 if s.id in cut else 0.0))
        labels.append(Label(staff_names[s.id], x - KEY_MARKER / 2 - 3, y - 1, NAME_SIZE, STAFF_COLOR, "bold",
                            ha="right", role="name"))
        labels.append(Label(staff_roles[s.id], x - KEY_MARKER / 2 - 3, y + 1, TITLE_SIZE, "#4A5A8A", ha="right",
                            va="top", role="title"))

    dotted = [[pos[p.id], pos[m]] for p in people for m in p.dotted if m in pos and m != p.manager]
    obstacles = marker_obstacles(markers)
    drawn = [t for t in sorted(contacts, key=lambda t: -t[3]) if t[0] in pos and t[1] in pos]
    routes = route_lines([(s, c) for s, c, _, _ in drawn], obstacles)
    lines = [Contact(s, c, path, 0.5 + 2.5 * min(strength, 4.0) / 4.0, recency_colour(min(days, RECENCY_DAYS)), days)
             for (s, c, strength, days), path in zip(drawn, routes.paths, strict=True)]
    staff_ids = {st.id for st in staff}
    badges = []
    for rank, pid in enumerate(risks, 1):
        if pid in pos:
            x, y = pos[pid]
            badges.append((rank, x + (10 if pid in staff_ids else -10), y - 10))
    return MapScene(title=heading, width=width, height=total_h, band=(4, oy - 14, band - 8, height + 20),
                    markers=markers, labels=labels, contacts=lines,
                    connectors=[[(ox + x, oy + y) for x, y in line] for line in org.connectors], dotted=dotted,
                    badges=badges, legend=legend, obstacles=obstacles, blocked=routes.blocked, cut=cut,
                    legend_top=legend_top)
