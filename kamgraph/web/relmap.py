"""The interactive relationship map of one account: positions, routed lines and warm paths.

Our team sits in a band at the top; the client's organisation below it, laid out along its
reporting lines by :func:`kamgraph.views.plots.layout.org_layout`. Every tie between one of our
staff and a stakeholder (threads and weaker ties) and every known stakeholder-to-stakeholder link
is a line routed around the other people's markers (:mod:`kamgraph.web.routing`); a line that
cannot be routed clear is left out of the drawing (the tables still list it), and on an account with more
than :data:`MAX_LINES` ties only the threads are drawn. For each
stakeholder the map also carries their warmest path to our team
(:func:`kamgraph.analysis.actions.warm_paths`), which the page's script lights up on hover or tap.

The model is plain data: the account page draws it as inline SVG (a Jinja2 template, every name
escaped; names, titles and departments here already without bidirectional controls, so a name cannot
reorder the map's other labels) and ``/accounts/ID/map.json`` returns it as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..analysis.actions import warm_paths
from ..analysis.pipeline import AccountAnalysis
from ..views.formatting import no_bidi_controls
from ..views.plots.layout import OrgPerson, org_layout
from .routing import Router

__all__ = ["MapNode", "MapLine", "RelationshipMap", "relationship_map", "CHAR_WIDTH", "MARKER"]

#: Approximate width of one label character at the map's font size (points).
CHAR_WIDTH = 6.2
#: Marker diameter (points).
MARKER = 11.0
_ROW = 24.0
_TEAM_BAND = 64.0
#: Above this many ties only the threads are drawn.
MAX_LINES = 150


@dataclass
class MapNode:
    """One person on the map."""

    id: str
    name: str
    kind: str
    x: float
    y: float
    title: str | None = None
    department: str | None = None
    key: bool = False
    covered: bool = False
    path: list[str] = field(default_factory=list)


@dataclass
class MapLine:
    """A tie between two people, as a polyline."""

    a: str
    b: str
    kind: str  # thread, weak or link
    points: list[tuple[float, float]]
    clear: bool = True

    @property
    def d(self) -> str:
        """The SVG path data."""
        head, *rest = self.points
        return f"M{head[0]:.1f} {head[1]:.1f}" + "".join(f" L{x:.1f} {y:.1f}" for x, y in rest)


@dataclass
class RelationshipMap:
    """Everything the account page draws."""

    account: str
    width: float
    height: float
    marker: float
    nodes: list[MapNode]
    lines: list[MapLine]
    org_lines: list[str]
    headings: list[tuple[str, float, float]]
    departments: list[str]

    def as_json(self) -> dict[str, object]:
        """JSON-ready data (``/accounts/ID/map.json``)."""
        data = asdict(self)
        for line, raw in zip(self.lines, data["lines"], strict=True):
            raw["d"] = line.d
        return data


def _label(name: str) -> float:
    return len(name) * CHAR_WIDTH


def relationship_map(analysis: AccountAnalysis) -> RelationshipMap:
    """Lay out and route the map of an analysed account.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamgraph.samples.demo import build_demo
    >>> from kamgraph.analysis.pipeline import analyze
    >>> from kamgraph.store import open_store
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "demo.db")
    >>> with open_store(path, create=True) as store:
    ...     _ = store.import_batch(build_demo(dt.date(2025, 6, 1)))
    ...     snap = store.load_account("northwind", dt.date(2025, 6, 1))
    >>> m = relationship_map(analyze(snap, dt.date(2025, 6, 1)))
    >>> len(m.lines) > 20, {n.kind for n in m.nodes} == {"staff", "stakeholder"}
    (True, True)
    """
    ag = analysis.ag
    people = [OrgPerson(p.id, p.reports_to if p.reports_to in ag.stakeholders else None, _label(p.name),
                        group=p.department or "", order=(p.department or "~", -analysis.importance.get(p.id, 0.0)))
              for p in ag.stakeholders.values()]
    lay = org_layout(people, row=_ROW, marker=MARKER, aspect=1.8)
    half = MARKER / 2
    nodes: list[MapNode] = []
    positions: dict[str, tuple[float, float]] = {}
    x = half
    for sid in sorted(ag.staff, key=lambda s: (-ag.staff_strength().get(s, 0.0), s)):
        member = ag.staff[sid]
        positions[sid] = (x, half + 8)
        nodes.append(MapNode(id=sid, name=no_bidi_controls(member.name), kind="staff", x=x, y=half + 8,
                             title=no_bidi_controls(member.title or "") or None))
        x += MARKER + 4 + _label(member.name) + 18
    team_width = x
    paths = warm_paths(analysis)
    for pid, (px, py) in lay.positions.items():
        person = ag.stakeholders[pid]
        y = py + _TEAM_BAND
        positions[pid] = (px, y)
        nodes.append(MapNode(id=pid, name=no_bidi_controls(person.name), kind="stakeholder", x=px, y=y,
                             title=no_bidi_controls(person.title or "") or None,
                             department=no_bidi_controls(person.department or "") or None, key=pid in analysis.key,
                             covered=bool(ag.threads.get(pid)), path=paths.path(pid)))
    width = max(lay.width, team_width) + 8
    height = lay.height + _TEAM_BAND + 8
    router = Router(positions, radius=half, width=width, height=height)
    threshold = ag.settings.strength.thread_threshold
    lines: list[MapLine] = []
    ties = [(s, c, tie.strength >= threshold) for (s, c), tie in sorted(ag.ties.items())
            if s in positions and c in positions]
    if len(ties) > MAX_LINES:  # a big account: threads only (the tables list every tie)
        ties = [t for t in ties if t[2]][:MAX_LINES]
    for s, c, thread in ties:
        route = router.route(s, c)
        lines.append(MapLine(s, c, "thread" if thread else "weak", route.points, route.clear))
    seen: set[tuple[str, str]] = set()
    for rel in ag.snapshot.relationships:
        a, b = sorted((rel.source, rel.target))
        if a in ag.stakeholders and b in ag.stakeholders and (a, b) not in seen:
            seen.add((a, b))
            route = router.route(a, b)
            lines.append(MapLine(a, b, "link", route.points, route.clear))
    lines = [line for line in lines if line.clear]  # a line that cannot keep clear of markers is left out
    org_lines = [MapLine("", "", "org", [(px, py + _TEAM_BAND) for px, py in line]).d for line in lay.connectors]
    headings = [(text, hx, hy + _TEAM_BAND + 10) for text, hx, hy in lay.headings]
    departments = sorted({p.department for p in ag.stakeholders.values() if p.department})
    return RelationshipMap(account=ag.snapshot.account.id, width=round(width, 1), height=round(height, 1),
                           marker=MARKER, nodes=nodes, lines=lines, org_lines=org_lines, headings=headings,
                           departments=departments)
