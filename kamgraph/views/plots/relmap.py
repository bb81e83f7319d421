"""The relationship map: the client's organisation, our team beside it, and who meets whom.

The client's people are laid out top-down along their solid reporting lines
(:mod:`kamgraph.views.plots.layout`, no Graphviz); our staff stand in a band on the
left. Each contact between one of our people and a stakeholder is a line whose
**width** is the tie strength and whose **colour** is its recency (days since
their last meeting). Stakeholders are **filled** by coverage status (two or
more threads, one thread, weak contact only, not met, left) and **shaped** by
buying role; key stakeholders are drawn larger with their names in bold;
**articulation points** -- people whose departure cuts others off from our
team -- get a red ring. Dotted reporting lines are dashed. A legend and a
colour bar explain it all.

Drawing coordinates are points, so with the figure :func:`plot_map` makes
itself (``ax=None``) text is drawn at its real size and no two labels
overlap; on an axes of your own the picture is scaled to fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.lines import Line2D

from ..xray import XRay
from .layout import OrgPerson, org_layout
from .routing import Obstacle, route_lines
from .style import (
    COVERAGE_COLORS,
    COVERAGE_LABELS,
    CUT_COLOR,
    FONT,
    ROLE_LABELS,
    ROLE_MARKERS,
    STAFF_COLOR,
    new_figure,
    short,
    text_width,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ...analysis.pipeline import AccountAnalysis

__all__ = ["plot_map", "as_xray", "coverage_of", "marker_obstacles", "RECENCY_DAYS"]

NAME_SIZE = 8.0
TITLE_SIZE = 6.5
ROW = 25.0
MARKER = 11.0
KEY_MARKER = 14.0
#: Contacts older than this many days get the palest colour.
RECENCY_DAYS = 365
LEGEND_WIDTH = 190.0
_RECENCY = LinearSegmentedColormap.from_list(
    "recency", ["#08306B", "#2171B5", "#6BAED6", "#C6DBEF", "#E3E3E3"])


def as_xray(source: XRay | AccountAnalysis) -> XRay:
    """The X-ray of an analysis (an X-ray is returned as it is)."""
    if isinstance(source, XRay):
        return source
    from ..xray import xray_from_analysis

    return xray_from_analysis(source)


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


def _people(xray: XRay) -> list[_Person]:
    people = [_Person(v.id, v.name, v.title or "", v.buying_role.value if v.buying_role else None, coverage_of(v),
                      v.key, v.reports_to, list(v.dotted_to), v.department or "", v.importance)
              for v in xray.stakeholders]
    people += [_Person(d.id, d.name, f"left {d.left_on.isoformat()}", d.buying_role.value if d.buying_role else None,
                       "left", False, d.reports_to, [], d.department or "", 0.0) for d in xray.departed]
    return people


def _marker_size(p: _Person) -> float:
    """Drawn marker size (points) of a stakeholder: key larger, stars a quarter larger."""
    size = KEY_MARKER if p.key else MARKER
    return size * 0.8 * (1.25 if ROLE_MARKERS.get(p.role, "o") == "*" else 1.0)


@cache
def marker_reach(marker: str) -> float:
    """How far a marker of size 1 reaches from its centre (0.5 for a circle, about 0.71 for a square's corner)."""
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(marker)
    vertices = style.get_path().transformed(style.get_transform()).vertices
    return float(max(math.hypot(x, y) for x, y in vertices))


def marker_obstacles(people: list[_Person], staff: list[Any], pos: dict[str, tuple[float, float]],
                     cut: set[str], pad: float = 1.5) -> dict[str, Obstacle]:
    """Every person's marker (and its red ring for articulation points) as an obstacle contact lines avoid."""
    out = {}
    for p in people:
        reach = _marker_size(p) * marker_reach(ROLE_MARKERS.get(p.role, "o"))
        if p.id in cut:
            reach = max(reach, (KEY_MARKER if p.key else MARKER) * 1.25 / 2)
        out[p.id] = Obstacle(*pos[p.id], reach + pad)
    for s in staff:
        reach = MARKER * (1.5 if s.id in cut else 0.9) / 2
        out[s.id] = Obstacle(*pos[s.id], reach + pad)
    return out


def _label_width(name: str, title: str, bold: bool) -> float:
    return max(text_width(name, NAME_SIZE, "bold" if bold else "normal"), text_width(title, TITLE_SIZE)) + 2


def select_people(people: list[_Person], only: str | None) -> list[_Person]:
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


def plot_map(source: XRay | AccountAnalysis, ax: Axes | None = None, *, title: bool = True, only: str | None = None,
             aspect: float = 1.0, callouts: int = 3) -> Axes:
    """Draw the relationship map of an account and return the axes.

    Parameters
    ----------
    source : XRay or AccountAnalysis
        The account (an analysis is turned into its X-ray).
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure sized so that every label has
        room (``ax.figure``; nothing is shown, and no pyplot state is touched).
    title : bool
        Put the account name and date above the map.
    only : str, optional
        Show only ``key`` stakeholders, the ``uncovered`` ones, or one ``department NAME`` (and the staff who
        meet them).
    aspect : float
        Wanted width / height of the client organisation (16 / 9 for a slide).
    callouts : int
        Number the top risks (the people whose departure costs most, as the report's decisions list them)
        with a red badge beside their marker; 0 for none.
    """
    xray = as_xray(source)
    people = select_people(_people(xray), only)
    shown_ids = {p.id for p in people}
    risks = [r.id for r in xray.fragility.people if r.share > 0][:callouts]
    names = {p.id: short(p.name, 34) for p in people}
    titles = {p.id: short(p.title, 34) for p in people}
    org = org_layout([OrgPerson(p.id, p.manager, _label_width(names[p.id], titles[p.id], p.key), p.department,
                                (p.department, -p.importance, p.name)) for p in people],
                     row=ROW, marker=KEY_MARKER, aspect=aspect)

    staff = list(xray.staff)
    staff_names = {s.id: short(s.name, 30) for s in staff}
    staff_roles = {s.id: short((s.title or s.role.replace("_", " ")), 30) for s in staff}
    staff_w = max((_label_width(staff_names[s.id], staff_roles[s.id], True) for s in staff), default=60.0)
    band = staff_w + KEY_MARKER + 16
    gap = 60.0
    ox = band + gap
    head = 46.0 if title else 16.0
    oy = head + 18
    pos = {pid: (ox + x, oy + y) for pid, (x, y) in org.positions.items()}

    # Staff: ordered by where their contacts are (fewer crossings), spread over the height of the chart.
    contacts: list[tuple[str, str, float, int]] = []
    for view in xray.stakeholders:
        if view.id not in shown_ids:
            continue
        for t in [*view.threads, *view.weak_ties]:
            contacts.append((t.staff, view.id, t.strength, (xray.as_of - t.last).days))
    if only:
        met = {s for s, _, _, _ in contacts}
        staff = [s for s in staff if s.id in met]
    mean_y: dict[str, list[float]] = {}
    for s, c, _, _ in contacts:
        mean_y.setdefault(s, []).append(pos[c][1])
    staff.sort(key=lambda s: (sum(mean_y.get(s.id, [1e9])) / len(mean_y.get(s.id, [1])), s.id))
    height = max(org.height, len(staff) * ROW)
    step = min(max(ROW, org.height / max(len(staff), 1)), 2.2 * ROW)
    top = oy + (height - step * len(staff)) / 2 + step / 2
    sx = band - KEY_MARKER / 2 - 6
    for i, s in enumerate(staff):
        pos[s.id] = (sx, top + i * step)
    width = ox + org.width + 10
    handles, labels = _legend_entries({p.coverage for p in people}, {p.role for p in people})
    if risks:
        handles.append(Line2D([], [], marker="o", markersize=9, markerfacecolor=CUT_COLOR, markeredgecolor="white",
                              linestyle="none"))
        labels.append(f"1-{len(risks)}: top risks (as in the report)" if len(risks) > 1 else "1: top risk")
    legend_h = 28 + 11.2 * len(handles)
    total_h = max(oy + height + 12, legend_h + 130)

    if ax is None:
        fig = new_figure(width + LEGEND_WIDTH + 20, total_h)
        ax = fig.add_axes((0, 0, width / (width + LEGEND_WIDTH + 20), 1))
    ax.set_xlim(0, width)
    ax.set_ylim(total_h, 0)
    ax.set_axis_off()

    text = dict(parse_math=False, fontfamily=FONT)
    halo = dict(boxstyle="square,pad=0.08", facecolor="white", edgecolor="none", alpha=0.85)
    # Bands.
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((4, oy - 14), band - 8, height + 20, boxstyle="round,pad=0,rounding_size=6",
                                facecolor="#EEF2FB", edgecolor="#C5D0EE", linewidth=0.8, zorder=0))
    ax.text(band / 2, oy - 20, "OUR TEAM", ha="center", va="bottom", fontsize=8, color=STAFF_COLOR,
            fontweight="bold", **text)
    ax.text(ox, oy - 20, "CLIENT ORGANISATION (reporting lines)", ha="left", va="bottom", fontsize=8,
            color="#444444", fontweight="bold", **text)
    if title:
        ax.text(4, 6, f"{xray.account.name}: relationship map", ha="left", va="top", fontsize=12,
                fontweight="bold", **text)
        ax.text(4, 22, f"as of {xray.as_of.isoformat()} · {len(xray.stakeholders)} stakeholders · "
                f"{len(xray.staff)} of our staff", ha="left", va="top", fontsize=8, color="#555555", **text)

    # Reporting lines.
    ax.add_collection(LineCollection([[(ox + x, oy + y) for x, y in line] for line in org.connectors],
                                     colors="#9A9A9A", linewidths=0.8, zorder=1, capstyle="butt"))
    dotted = [[pos[p.id], pos[m]] for p in people for m in p.dotted if m in pos and m != p.manager]
    if dotted:
        ax.add_collection(LineCollection(dotted, colors="#9A9A9A", linewidths=0.8, linestyles=(0, (3, 2)),
                                         zorder=1))
    for group, x, y in org.headings:  # department headings, above the lines that may cross them
        ax.text(ox + x, oy + y + 2, group, ha="left", va="top", fontsize=7, color="#555555",
                fontstyle="italic", zorder=6, bbox=halo, **text)

    # Contacts, routed around every other person's marker (kamgraph.views.plots.routing).
    cut = {c.id for c in xray.bridges.cut_vertices}
    norm = Normalize(0, RECENCY_DAYS)
    drawn = [t for t in sorted(contacts, key=lambda t: -t[3]) if t[0] in pos and t[1] in pos]
    routes = route_lines([(s, c) for s, c, _, _ in drawn], marker_obstacles(people, staff, pos, cut))
    ax.add_collection(LineCollection(
        routes.paths,
        colors=[_RECENCY(norm(min(days, RECENCY_DAYS))) for _, _, _, days in drawn],
        linewidths=[0.5 + 2.5 * min(strength, 4.0) / 4.0 for _, _, strength, _ in drawn], alpha=0.75, zorder=2,
        capstyle="round", joinstyle="round"))

    # Stakeholders.
    for p in people:
        x, y = pos[p.id]
        size = KEY_MARKER if p.key else MARKER
        marker = ROLE_MARKERS.get(p.role, "o")
        ax.plot([x], [y], marker=marker, markersize=_marker_size(p), markerfacecolor=COVERAGE_COLORS[p.coverage],
                markeredgecolor="#333333" if p.coverage != "left" else "#888888", markeredgewidth=0.8,
                linestyle="none", zorder=4)
        if p.id in cut:
            ax.plot([x], [y], marker="o", markersize=size * 1.25, markerfacecolor="none", markeredgecolor=CUT_COLOR,
                    markeredgewidth=1.8, linestyle="none", zorder=5)
        lx = x + KEY_MARKER / 2 + 4
        colour = "#777777" if p.coverage == "left" else "#111111"
        ax.text(lx, y - 1, names[p.id], ha="left", va="bottom", fontsize=NAME_SIZE, color=colour,
                fontweight="bold" if p.key else "normal", fontstyle="italic" if p.coverage == "left" else "normal",
                zorder=6, bbox=halo, **text)
        if titles[p.id]:
            ax.text(lx, y + 1, titles[p.id], ha="left", va="top", fontsize=TITLE_SIZE, color="#666666", zorder=6,
                    bbox=halo, **text)

    # Staff.
    for s in staff:
        x, y = pos[s.id]
        ax.plot([x], [y], marker="o", markersize=MARKER * 0.9, markerfacecolor=STAFF_COLOR, markeredgecolor="white",
                markeredgewidth=1.2, linestyle="none", zorder=4)
        if s.id in cut:
            ax.plot([x], [y], marker="o", markersize=MARKER * 1.5, markerfacecolor="none", markeredgecolor=CUT_COLOR,
                    markeredgewidth=1.8, linestyle="none", zorder=5)
        ax.text(x - KEY_MARKER / 2 - 3, y - 1, staff_names[s.id], ha="right", va="bottom", fontsize=NAME_SIZE,
                color=STAFF_COLOR, fontweight="bold", zorder=6, **text)
        ax.text(x - KEY_MARKER / 2 - 3, y + 1, staff_roles[s.id], ha="right", va="top", fontsize=TITLE_SIZE,
                color="#4A5A8A", zorder=6, **text)

    # Callouts: the report's top risks, numbered as in its decisions (1 = the departure that costs most).
    staff_ids = {st.id for st in staff}
    for rank, pid in enumerate(risks, 1):
        if pid in pos:
            x, y = pos[pid]
            dx = 10 if pid in staff_ids else -10  # away from the name: staff names are left of their marker
            ax.text(x + dx, y - 10, str(rank), ha="center", va="center", fontsize=7, fontweight="bold",
                    color="white", zorder=7, bbox=dict(boxstyle="circle,pad=0.25", facecolor=CUT_COLOR,
                                                       edgecolor="white", linewidth=0.8), **text)

    legend = ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7,
                       handlelength=2.2, borderaxespad=0.6, title="Legend", title_fontsize=8, alignment="left")
    legend.set_zorder(10)
    bar = ax.inset_axes((1.04, (total_h - legend_h - 115) / total_h, 12 / width, 100 / total_h),
                        transform=ax.transAxes)
    cbar = ax.figure.colorbar(ScalarMappable(norm=norm, cmap=_RECENCY), cax=bar)
    cbar.set_label("days since last meeting", fontsize=7)
    cbar.ax.tick_params(labelsize=6)
    cbar.set_ticks([0, 90, 180, 270, 365])
    cbar.set_ticklabels(["0", "90", "180", "270", "365+"])
    return ax


def _legend_entries(used: set[str], roles: set[str | None]) -> tuple[list[Any], list[str]]:
    def dot(colour: str, marker: str = "o", size: float = 8, edge: str = "#333333", face: str | None = None,
            width: float = 0.8) -> Line2D:
        return Line2D([], [], marker=marker, markersize=size, markerfacecolor=face or colour, markeredgecolor=edge,
                      markeredgewidth=width, linestyle="none")

    handles: list[Any] = [dot(STAFF_COLOR, edge="white")]
    labels = ["our staff"]
    handles.append(Line2D([], [], linestyle="none"))
    labels.append("stakeholder fill = coverage:")
    for status, colour in COVERAGE_COLORS.items():
        if status in used:
            handles.append(dot(colour))
            labels.append(COVERAGE_LABELS[status])
    handles.append(Line2D([], [], linestyle="none"))
    labels.append("shape = buying role:")
    for role, marker in ROLE_MARKERS.items():
        if role in roles:
            handles.append(dot("#DDDDDD", marker, 9 if marker == "*" else 7))
            labels.append(ROLE_LABELS[role])
    handles.append(Line2D([], [], linestyle="none"))
    labels.append("")
    handles += [dot("#DDDDDD", size=10), dot("none", size=12, edge=CUT_COLOR, width=1.8),
                Line2D([], [], color="#9A9A9A", linewidth=0.8),
                Line2D([], [], color="#9A9A9A", linewidth=0.8, linestyle=(0, (3, 2))),
                Line2D([], [], color="#2171B5", linewidth=0.5 + 2.5 * 0.125),
                Line2D([], [], color="#2171B5", linewidth=0.5 + 2.5 * 0.5),
                Line2D([], [], color="#2171B5", linewidth=3.0)]
    labels += ["key stakeholder (large, bold)", "articulation point: leaving cuts people off",
               "reporting line", "dotted reporting line", "contact, strength 0.5", "contact, strength 2",
               "contact, strength 4 or more"]
    return handles, labels
