"""Terminal text views: aligned tables and the X-ray report.

Tables are rendered by rich to fit the terminal (``$COLUMNS`` honoured,
:func:`~kamgraph.views.formatting.terminal_width`), cutting long cells with
``…`` and measuring CJK characters as two cells. Colour is off unless the
command line turns it on (:func:`~kamgraph.views.formatting.use_color`), so
the text reads the same in a pipe, a log file or an e-mail.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .formatting import (
    STATUS_STYLES,
    color_enabled,
    fmt_figure,
    fmt_health,
    fmt_share,
    fmt_summary_figure,
    name_list,
    terminal_width,
)
from .xray import Thread, XRay

if TYPE_CHECKING:
    from ..analysis.matrix import CommunicationMatrix
    from ..analysis.person_profile import PersonProfile
    from ..analysis.pipeline import SummaryScores
    from ..analysis.shape import Shape
    from ..analysis.whatif import WhatIf
    from ..domain.dataset import AccountSummary
    from ..domain.models import CompetitorTie
    from ..portfolio.review import ReviewChange
    from ..portfolio.stage import StageResult
    from ..portfolio.table import Portfolio
    from .xray import ActionView, AttitudeView, BridgesView, CompetitorsView, FragilityView, GapsView

__all__ = [
    "table",
    "short_name",
    "fmt_date",
    "fmt_num",
    "render_xray",
    "render_summary",
    "xray_names",
    "render_gaps",
    "render_bridges",
    "render_fragility",
    "render_shape",
    "render_actions",
    "render_matrix",
    "render_whatif",
    "render_lost",
    "summary_figure_rows",
    "render_accounts",
    "render_profile",
    "render_portfolio",
    "render_scores",
    "render_review",
]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, right: Sequence[int] = (),
          max_col: int = 40, indent: str = "  ", width: int | None = None) -> str:
    """Format rows as an aligned text table that fits the terminal (cells measured, cut and coloured by rich).

    Parameters
    ----------
    headers : sequence of str
        Column titles.
    rows : sequence of sequences
        Cells; ``None`` shows as ``-``.
    right : sequence of int
        Indexes of right-aligned (numeric) columns.
    max_col : int
        No column is wider than this; longer cells are cut with an ellipsis (``…``).
    indent : str
        Put in front of every line.
    width : int, optional
        The width to fit, indent included (default :func:`~kamgraph.views.formatting.terminal_width`).
        When the table is wider, its widest columns are narrowed and their cells cut with ``…``.
        Widths are terminal cells: a CJK character takes two.

    Status words (``overdue``, ``never``, ``uncovered``, ...) are coloured when
    :func:`~kamgraph.views.formatting.use_color` turned colour on.

    Examples
    --------
    >>> print(table(["name", "n"], [["Ada", 3], ["Grace", None]], right=[1]))
      name   n
      -----  -
      Ada    3
      Grace  -
    >>> print(table(["name", "city"], [["Bartholomew Oberkirchner", "北京市朝阳区"]], width=24))
      name        city
      ----------  ----------
      Bartholom…  北京市朝 …
    """
    from rich.text import Text

    colour = color_enabled()
    width = width or terminal_width()

    def cell(value: object) -> Text:
        text = "-" if value is None else str(value)
        text = " ".join(text.split())
        style = STATUS_STYLES.get(text, "") if colour else ""
        return Text(text, style=style)

    cells = [[cell(v) for v in row] for row in rows]
    titles = [Text(h, style="bold" if colour else "") for h in headers]
    widths = _fit_widths([[titles[i], *(r[i] for r in cells)] for i in range(len(headers))], max_col,
                         width - len(indent), keep=right)
    rule = [Text("-" * w) for w in widths]
    lines = []
    for row in [titles, rule, *cells]:
        parts = []
        for i, text in enumerate(row):
            fitted = text.copy()
            fitted.truncate(widths[i], overflow="ellipsis")
            gap = widths[i] - fitted.cell_len
            if i in right:
                fitted.pad_left(gap)
            else:
                fitted.pad_right(gap)
            parts.append(fitted)
        line = Text(indent) + Text("  ").join(parts)
        lines.append(_TRAILING.sub(r"\1", _ansi(line) if colour else line.plain))
    return "\n".join(lines)


def _ansi(line: Any) -> str:
    """A rich Text as a string with terminal colour codes."""
    from rich.color import ColorSystem

    return "".join(seg.style.render(seg.text, color_system=ColorSystem.STANDARD) if seg.style else seg.text
                   for seg in line.render(_console(), end=""))


@functools.lru_cache(maxsize=1)
def _console() -> Any:
    from rich.console import Console

    return Console(width=100_000, color_system="standard", force_terminal=True, highlight=False, emoji=False,
                   markup=False, legacy_windows=False)


#: Trailing blanks of a line, also when colour codes follow them.
_TRAILING = re.compile(r"\s+((?:\x1b\[[0-9;]*m)*)$")


def _fit_widths(columns: Sequence[Sequence[Any]], max_col: int, room: int, keep: Sequence[int] = ()) -> list[int]:
    """Column widths (terminal cells) that fit ``room``, two cells apart: the widest column gives way first.

    Written by hand because rich narrows every column in proportion, which cuts
    short columns (dates, departments) as much as long ones (titles, names of threads).
    A column is narrowed below 6 cells (or its natural width, if smaller) only when all are that narrow,
    and the columns in ``keep`` (numbers: a cut number misleads) only then at all.

    Examples
    --------
    >>> from rich.text import Text
    >>> cols = [[Text("date"), Text("2025-06-30")], [Text("title"), Text("x" * 40)]]
    >>> _fit_widths(cols, 40, 80), _fit_widths(cols, 40, 30), _fit_widths(cols, 30, 80), _fit_widths(cols, 40, 8)
    ([10, 40], [10, 18], [10, 30], [3, 3])
    """
    natural = [min(max(max((c.cell_len for c in col), default=1), 1), max(max_col, col[0].cell_len))
               for col in columns]
    widths = list(natural)
    content = [max((c.cell_len for c in col[1:]), default=1) for col in columns]  # without the header
    floor = [min(n, content[i]) if i in keep else min(n, 6) for i, n in enumerate(natural)]
    excess = sum(widths) + 2 * (len(widths) - 1) - room
    for least in (floor, [1] * len(widths)):  # down to 6 cells first; below that only when nothing else fits
        while excess > 0:
            i = max(range(len(widths)), key=lambda k: (widths[k] - least[k] > 0, widths[k]))
            if widths[i] <= least[i]:
                break
            widths[i] -= 1
            excess -= 1
    return widths


def short_name(name: str) -> str:
    """``'Maya Lindqvist'`` -> ``'M. Lindqvist'`` (single names stay as they are).

    Examples
    --------
    >>> short_name("Maya Lindqvist"), short_name("Cher")
    ('M. Lindqvist', 'Cher')
    """
    parts = name.split()
    return name if len(parts) < 2 else f"{parts[0][0]}. {' '.join(parts[1:])}"


def fmt_date(value: object) -> str:
    """ISO date, or ``-``."""
    return "-" if value is None else str(value)


def fmt_num(value: float | None, digits: int = 2) -> str:
    """A number with ``digits`` decimals, or ``-``."""
    return "-" if value is None else f"{value:.{digits}f}"


def _threads(threads: Sequence[Thread]) -> str:
    return ", ".join(f"{short_name(t.name)} offline" if t.offline else f"{short_name(t.name)} {t.strength:.1f}"
                     for t in threads) or "none"


def fmt_attitude(value: int) -> str:
    """An attitude with its sign: ``+2``, ``0``, ``-1``."""
    return f"{value:+d}" if value else "0"


def render_summary(summary: SummaryScores, names: dict[str, str] | None = None) -> str:
    """The headline figures, two per line (``names`` maps ids to display names)."""
    s = summary
    names = names or {}

    def who(pid: str | None) -> str:
        return names.get(pid, pid) if pid else "-"

    rows = [
        ("health", f"{s.health:.0f}/100", "shape", s.shape),
        ("coverage", f"{s.covered}/{s.active_stakeholders} ({s.coverage:.0%}), weighted {s.weighted_coverage:.0%}",
         "key coverage", f"{s.key_covered}/{s.key_stakeholders} ({s.key_coverage:.0%})"),
        ("required roles covered", f"{s.required_roles_covered}/{s.required_roles}",
         "single-threaded key", str(s.single_threaded_key)),
        ("concentration", f"{s.concentration:.0%} ({who(s.top_staff)})",
         "fragility index", f"{s.fragility_index:.0%} ({who(s.most_critical_person)})"),
        ("key at connectivity <= 1", str(s.key_at_connectivity_1),
         "key overdue or never met", str(s.overdue_key)),
    ]
    width = max(len(r[0]) for r in rows)
    width2 = max(len(r[1]) for r in rows)
    return "\n".join(f"  {a:<{width}}  {b:<{width2}}   {c}: {d}" for a, b, c, d in rows)


def xray_names(xray: XRay) -> dict[str, str]:
    """Id -> name of everybody in an X-ray."""
    return {p.id: p.name for p in [*xray.stakeholders, *xray.staff, *xray.departed]}


def render_gaps(gaps: GapsView) -> str:
    """Coverage gaps as a short list."""
    out = [f"  uncovered key stakeholders: {name_list(gaps.uncovered_key)}",
           f"  uncovered (all, by importance): {name_list(gaps.uncovered)}"]
    if gaps.roles_uncovered:
        out.append(f"  required roles nobody covers: {', '.join(gaps.roles_uncovered)}")
    if gaps.roles_missing:
        out.append(f"  required roles nobody holds: {', '.join(gaps.roles_missing)}")
    if gaps.departments_uncovered:
        out.append(f"  departments with nobody covered: {', '.join(gaps.departments_uncovered)}")
    if gaps.levels_uncovered:
        out.append(f"  levels with nobody covered: {', '.join(gaps.levels_uncovered)}")
    single = ", ".join(f"{t.stakeholder.name} (only {t.staff.name})" for t in gaps.single_threaded_key)
    out.append(f"  single-threaded key stakeholders: {single or 'none'}")
    if gaps.opponents_uncovered:
        out.append("  detractors and blockers nobody covers: " + ", ".join(
            f"{g.stakeholder.name} ({', '.join(g.reasons)}; {g.severity})" for g in gaps.opponents_uncovered))
    if gaps.opponents_single_threaded:
        out.append("  detractors and blockers only one of us covers: " + ", ".join(
            f"{g.stakeholder.name} (only {g.staff.name if g.staff else '?'}; {', '.join(g.reasons)}; {g.severity})"
            for g in gaps.opponents_single_threaded))
    if gaps.top_staff:
        flag = "  <- concentrated" if gaps.concentrated else ""
        out.append(f"  concentration: {gaps.top_staff.name} holds {gaps.concentration:.0%} of the tie strength{flag}")
    return "\n".join(out)


def render_bridges(bridges: BridgesView, all_pairs: Sequence[tuple[str, str, float]] = ()) -> str:
    """Bridging contacts: betweenness, cut people and links, department gateways, brokers."""
    out = ["  team betweenness (share of our shortest paths into the client through them):",
           table(["name", "kind", "share"], [[b.name, b.kind, f"{b.value:.0%}"] for b in bridges.betweenness],
                 right=[2], indent="    ")]
    if all_pairs:
        out += ["  all-pairs betweenness (normalised, staff joined as one team):",
                table(["name", "kind", "betweenness"], [[n, k, f"{v:.3f}"] for n, k, v in all_pairs],
                      right=[2], indent="    ")]
    if bridges.department_gateways:
        out.append("  departments reached through one person:")
        out += [f"    {g.department}: only via {g.gateway.name} ({g.gateway_kind}); "
                f"{len(g.cut_off)} people cut off if they leave" for g in bridges.department_gateways]
    if bridges.cut_vertices:
        out.append("  people whose departure cuts others off from us (articulation points):")
        out += [f"    {c.name} ({c.kind}): {len(c.cut_off)} cut off: {name_list(c.cut_off, 5)}"
                for c in bridges.cut_vertices[:10]]
    if bridges.cut_links:
        out.append(f"  single links (bridges) holding people: {len(bridges.cut_links)}, e.g. "
                   + "; ".join(f"{e.a.name} - {e.b.name} ({e.kind}, {len(e.cut_off)})" for e in bridges.cut_links[:3]))
    if bridges.brokers:
        out.append("  brokers across departments (Burt's constraint, low = broker):")
        out.append(table(["name", "constraint", "departments"],
                         [[b.name, f"{b.constraint:.3f}", ", ".join(b.departments)] for b in bridges.brokers],
                         right=[1], indent="    ", max_col=60))
    return "\n".join(out)


def render_fragility(fragility: FragilityView, limit: int = 10) -> str:
    """Fragility: the index, who matters most, and the key stakeholders' connectivity."""
    crit = fragility.most_critical.name if fragility.most_critical else "nobody"
    out = [f"  fragility index {fmt_share(fragility.index)} (the largest share lost by one departure: {crit})"]
    if fragility.people:
        out.append("  stakeholders lost = uncovered (no thread left) + cut off (no path to our team left)")
        rows = []
        for r in fragility.people[:limit]:
            names = {p.id: p.name for p in r.lost}
            cut = set(r.lost_paths)
            uncovered = [names.get(i, i) for i in r.lost_threads if i not in cut]
            rows.append([r.name, r.kind, fmt_share(r.share, 1), name_list(uncovered, 3),
                         name_list([names.get(i, i) for i in r.lost_paths], 3)])
        out.append(table(["if this person leaves", "kind", "share lost", "uncovered", "cut off"], rows,
                         right=[2], indent="    ", max_col=50))
    if fragility.key_connectivity:
        out.append("  key stakeholders' connectivity (how many departures it takes to cut them off; "
                   "1 = one departure):")
        cap = fragility.connectivity_cap
        out.append("    " + ", ".join(f"{c.name} {c.connectivity}{'+' if cap and c.connectivity >= cap else ''}"
                                      for c in fragility.key_connectivity))
    return "\n".join(out)


def render_shape(shape: Shape) -> str:
    """The shape call and its figures."""
    return (f"  {shape.shape}: concentration {shape.concentration:.0%}, {shape.threaded_key_pairs} of "
            f"{shape.staff * shape.key_stakeholders} possible staff x key-stakeholder pairs threaded "
            f"({shape.pair_share:.0%}), {shape.mean_threads_per_key:.1f} threads per key stakeholder")


def render_attitude(attitude: AttitudeView) -> str:
    """Supporters, neutrals and detractors, and who of them we cover."""
    a = attitude
    return (f"  {a.supporters} supporters ({a.key_supporters} key, {a.supporters_covered} covered), {a.neutral} "
            f"neutral, {a.detractors} detractors ({a.key_detractors} key, {a.detractors_covered} covered); "
            f"importance-weighted attitude {a.weighted_attitude:+.2f}")


def render_competitors(competitors: CompetitorsView) -> str:
    """Key stakeholders leaning toward a competitor."""
    c = competitors
    if not c.competitors:
        return "  no competitor ties recorded"
    out = [f"  {c.stakeholders_with_ties} stakeholders with ties to {', '.join(c.competitors)}"]
    if not c.key_leaning:
        out.append(f"  no key stakeholder leans toward a competitor (strength >= {c.threshold:g})")
    else:
        out.append(f"  key stakeholders leaning toward a competitor (strength >= {c.threshold:g}):")
        for x in c.key_leaning:
            since = f", since {fmt_date(x.since)}" if x.since else ""
            out.append(f"    {x.stakeholder.name} -> {x.competitor} {x.strength:g}/5{since}"
                       + ("" if x.covered else "  <- nobody covers them"))
    return "\n".join(out)


def render_stage(stage: StageResult) -> str:
    """The relationship stage, its evidence and what the next stage still needs."""
    e = stage.evidence
    out = [f"  {stage.stage} (stage {stage.level} of 5)",
           f"  evidence: {e.threaded} threaded, {e.departments} departments, {e.levels} levels, {e.staff} of our "
           f"staff, {e.exec_ties} executive ties, {e.multi_threaded_share:.0%} multi-threaded, concentration "
           f"{e.concentration:.0%}, {e.months:g} months"]
    if stage.next_stage:
        out.append(f"  {stage.next_stage} still needs: {'; '.join(stage.missing) or 'nothing'}")
    return "\n".join(out)


def render_competitor_ties(ties: Sequence[CompetitorTie], names: dict[str, str]) -> str:
    """Stored competitor ties as a table (``kamgraph competitors list``)."""
    if not ties:
        return "no competitor ties recorded"
    return table(["stakeholder", "name", "competitor", "strength", "since", "note"],
                 [[t.stakeholder, names.get(t.stakeholder, t.stakeholder), t.competitor, f"{t.strength:g}",
                   fmt_date(t.since), t.note] for t in ties], right=[3], max_col=40)


def render_actions(actions: Sequence[ActionView]) -> str:
    """The ranked actions."""
    if not actions:
        return "  nothing urgent"
    out = []
    for a in actions:
        out.append(f"  {a.rank:>2}. {a.title}  [{a.kind}, priority {a.priority:g}]")
        out.append(f"      {a.reason}")
        if a.owner:
            out.append(f"      owner: {a.owner.name}" + (f"; path: {' -> '.join(p.name for p in a.path)}"
                                                          if len(a.path) > 1 else ""))
    return "\n".join(out)


def render_xray(xray: XRay) -> str:
    """The X-ray as terminal text: summary, stakeholders, departures, team, gaps, bridges, fragility, actions."""
    acc = xray.account
    cov = xray.coverage
    facts = [f"tier {acc.tier}" if acc.tier else None, acc.segment,
             f"revenue {acc.revenue:,.0f} {acc.currency or ''}".rstrip() if acc.revenue is not None else None]
    out = [f"RELATIONSHIP X-RAY  {acc.name} ({acc.id})  as of {xray.as_of}",
           "  " + " · ".join(f for f in facts if f) if any(facts) else "",
           "", "SUMMARY", render_summary(xray.summary, xray_names(xray)),
           "",
           f"COVERAGE  {cov.covered} of {cov.active_stakeholders} active stakeholders covered "
           f"({cov.coverage:.0%}), {cov.uncovered} uncovered",
           "  roles: " + ", ".join(f"{r.role.value} {len(r.covered_holders)}/{len(r.holders)}" for r in cov.roles),
           ]
    if cov.roles_uncovered:
        out.append("  roles nobody covers: " + ", ".join(r.value for r in cov.roles_uncovered))
    own = "; cadence* = their own target" if any(v.cadence_source == "person" for v in xray.stakeholders) else ""
    out += ["", f"STAKEHOLDERS ({len(xray.stakeholders)} active; * = key; att = attitude toward us{own})"]
    rows = [[v.department, ("* " if v.key else "  ") + v.name, v.title,
             v.buying_role.value if v.buying_role else None, v.influence, fmt_attitude(v.attitude),
             _threads(v.threads), fmt_date(v.last_contact), v.days_since_contact,
             v.cadence + ("*" if v.cadence_source == "person" else "")]
            for v in xray.stakeholders]
    out.append(table(["department", "name", "title", "buying role", "infl", "att", "threads (strength)",
                      "last contact", "days", "cadence"], rows, right=[4, 5, 8], max_col=44))
    if xray.departed:
        out += ["", f"DEPARTED ({len(xray.departed)})"]
        out.append(table(["name", "title", "buying role", "infl", "left on", "moved to", "threads lost"],
                         [[d.name, d.title, d.buying_role.value if d.buying_role else None, d.influence,
                           fmt_date(d.left_on), d.moved_to, _threads(d.threads_lost)] for d in xray.departed],
                         right=[3]))
    out += ["", f"OUR TEAM ({len(xray.staff)})"]
    out.append(table(["name", "role", "team", "threads", "strength", "share", "if they leave"],
                     [[s.name, s.role, "yes" if s.on_account_team else "no", s.threads, fmt_num(s.strength),
                       f"{s.share_of_strength:.0%}", f"{s.removal_share:.0%} lost"] for s in xray.staff],
                     right=[3, 4, 5]))
    out += ["", "GAPS", render_gaps(xray.gaps),
            "", "BRIDGES", render_bridges(xray.bridges),
            "", "FRAGILITY", render_fragility(xray.fragility),
            "", "SHAPE", render_shape(xray.shape)]
    if xray.attitude is not None:
        out += ["", "ATTITUDE", render_attitude(xray.attitude)]
    if xray.competitors is not None:
        out += ["", "COMPETITORS", render_competitors(xray.competitors)]
    if xray.stage is not None:
        out += ["", "RELATIONSHIP STAGE", render_stage(xray.stage)]
    out += ["", "NEXT ACTIONS", render_actions(xray.actions)]
    return "\n".join(out)


def render_accounts(rows: Sequence[AccountSummary]) -> str:
    """The account list of ``kamgraph accounts``."""
    if not rows:
        return "no accounts in this store (import some with 'kamgraph import', or run 'kamgraph demo')"
    return table(["id", "name", "tier", "segment", "stakeholders", "left", "staff", "meetings", "last meeting"],
                 [[a.id, a.name, a.tier, a.segment, a.stakeholders, a.stakeholders_left, a.staff, a.meetings,
                   fmt_date(a.last_meeting)] for a in rows], right=[4, 5, 6, 7])


def render_profile(profile: PersonProfile) -> str:
    """One person, their ties and their recent meetings (``kamgraph show``)."""
    p = profile.person
    status = "active" if profile.active else f"left on {p.left_on}" + (f" for {p.moved_to}" if p.moved_to else "")
    out = [f"{p.name} ({p.id}) · {profile.kind} · {status}"]
    facts: list[str] = []
    if p.title:
        facts.append(p.title)
    if profile.kind == "stakeholder":
        facts += [f"account {p.account}", f"department {p.department or '-'}",  # type: ignore[union-attr]
                  f"buying role {p.buying_role.value if p.buying_role else '-'}",  # type: ignore[union-attr]
                  f"influence {p.influence}", f"attitude {p.attitude:+d}"]  # type: ignore[union-attr]
    else:
        facts += [f"role {p.role.value}", f"accounts {', '.join(p.accounts) or '-'}"]  # type: ignore[union-attr]
    out.append("  " + " · ".join(facts))
    if p.email:
        out.append(f"  {p.email}")
    if profile.manager:
        out.append(f"  reports to {profile.manager}")
    if profile.reports:
        out.append(f"  direct reports: {', '.join(profile.reports)}")
    out += ["", f"TIES as of {profile.as_of} ({len(profile.ties)})"]
    if profile.ties:
        out.append(table(["name", "account", "strength", "meetings", "first", "last", "thread"],
                         [[t.name, t.account, fmt_num(t.strength), t.meetings, fmt_date(t.first), fmt_date(t.last),
                           "yes" if t.thread else "no"] for t in profile.ties], right=[2, 3]))
    else:
        out.append("  nobody met yet")
    out += ["", f"RECENT MEETINGS ({len(profile.meetings)} shown)"]
    if profile.meetings:
        out.append(table(["date", "kind", "subject", "with"],
                         [[fmt_date(m.date), m.kind, m.subject, ", ".join(m.attendees)] for m in profile.meetings],
                         max_col=60))
    return "\n".join(out)


_STATUS_MARK = {"ok": "", "due": "~", "overdue": "!", "never": "?"}


def render_matrix(matrix: CommunicationMatrix, value: str | None = None, *, width: int | None = None) -> str:
    """The communication matrix for a terminal: stakeholders as rows, staff as columns (as its CSV with
    ``rows="stakeholders"``).

    Without ``value`` a cell shows ``meetings/strength`` of the pair, marked
    ``~`` when due and ``!`` when overdue against the stakeholder's cadence;
    with ``value`` (``strength``, ``count``, ``last``, ``status``) it shows that alone.
    When the staff columns do not fit ``width`` (default: the terminal's), they
    are printed in blocks, each repeating the stakeholder column.
    """
    staff = matrix.staff

    def show(cell: object) -> str:
        if cell is None:
            return ""
        if value is None:
            mark = _STATUS_MARK.get(getattr(cell, "status", None) or "ok", "")
            return f"{cell.count}/{cell.strength:.1f}{mark}"  # type: ignore[attr-defined]
        shown = getattr(cell, value)
        if shown is None:
            return ""
        return f"{shown:.1f}" if value == "strength" else str(shown)

    def plain_total(total: object) -> str:
        if value is None:
            return f"{total.count}/{total.strength:.1f}"  # type: ignore[attr-defined]
        return show(total)

    what = {None: "meetings/strength; ~ due, ! overdue", "strength": "tie strength", "count": "meetings",
            "last": "last meeting", "status": "cadence status"}[value]
    legend = f"  cells: {what} against the stakeholder's target interval; as of {matrix.as_of}" if value in (
        None, "status") else f"  cells: {what}; as of {matrix.as_of}"
    # Staff columns in blocks that fit the terminal (each block repeats the stakeholder column), as wide
    # data frames are printed; the totals close the last block.
    room = (width or terminal_width()) - 2
    per_block = max(1, (room - 22 - 20) // 10)
    blocks = [staff[i:i + per_block] for i in range(0, len(staff), per_block)] or [[]]
    out = []
    for number, block in enumerate(blocks, 1):
        last = number == len(blocks)
        headers = ["stakeholder", *(short_name(matrix.names[s]) for s in block)] + (["total", "cadence"] if last
                                                                                      else [])
        rows = []
        for c in matrix.stakeholders:
            total = matrix.column_totals[c]
            rows.append([matrix.names[c], *(show(matrix.cells.get((s, c))) for s in block)]
                        + ([plain_total(total), total.status] if last else []))
        rows.append(["total", *(plain_total(matrix.row_totals[s]) if value != "status" else "" for s in block)]
                    + (["", ""] if last else []))
        if len(blocks) > 1:
            first = (number - 1) * per_block + 1
            out.append(f"  staff {first}-{first + len(block) - 1} of {len(staff)}")
        out.append(table(headers, rows, right=list(range(1, len(block) + 2)), max_col=28, width=width))
        out.append("")
    return "\n".join(out) + legend


def render_lost(lost: Sequence[object], uncovered: Sequence[object], cut_off: Sequence[object], share: float,
                limit: int = 30, indent: str = "") -> list[str]:
    """The stakeholders a departure loses, named as in the docs (Concepts, "Lost, uncovered, cut off").

    *Lost* = *uncovered* (no thread left) or *cut off* (no path to our team left); ``share`` is the
    importance-weighted share of the account they weigh (the removal share).

    Examples
    --------
    >>> print("\\n".join(render_lost(["Ana", "Ben"], ["Ana", "Ben"], ["Ben"], 0.114)))
    STAKEHOLDERS LOST (2): Ana, Ben  [share lost 11.4%]
      uncovered, no thread left (2): Ana, Ben
      cut off, no path to our team left (1): Ben
    """
    return [f"{indent}STAKEHOLDERS LOST ({len(lost)}): {name_list(lost, limit)}  [share lost {share:.1%}]",
            f"{indent}  uncovered, no thread left ({len(uncovered)}): {name_list(uncovered, limit)}",
            f"{indent}  cut off, no path to our team left ({len(cut_off)}): {name_list(cut_off, limit)}"]


def summary_figure_rows(before: dict[str, object], after: dict[str, object], changed: set[str],
                        names: dict[str, str] | None = None) -> list[list[str]]:
    """Rows of figure, before, after, change mark: each figure with its unit, people by name."""
    names = names or {}

    def show(key: str, value: object) -> str:
        if key in ("top_staff", "most_critical_person") and isinstance(value, str):
            return names.get(value, value)
        return fmt_summary_figure(key, value)

    return [[k, show(k, before[k]), show(k, after[k]), "<-" if k in changed else ""] for k in before]


def render_whatif(result: WhatIf, names: dict[str, str] | None = None) -> str:
    """Before/after of every summary figure (shares in %, health out of 100), and the stakeholders lost."""
    who = ", ".join(p.name for p in result.leave)
    out = [f"WHAT IF {who} left on {result.as_of}  ({result.account})", ""]
    if result.already_left:
        out[-1:] = [f"  ({name_list(result.already_left)}: departure already recorded; "
                    "'before' counts them as present)", ""]
    names = {**{p.id: p.name for p in [*result.leave, *result.unreachable]}, **(names or {})}
    before, after = result.before.model_dump(), result.after.model_dump()
    changed = {c.figure for c in result.changes}
    out.append(table(["figure", "before", "after", ""], summary_figure_rows(before, after, changed, names),
                     right=[1, 2]))
    out += ["", *render_lost(result.unreachable, result.uncovered, result.cut_off, result.lost_importance_share)]
    if result.roles_uncovered:
        out.append(f"required roles left without cover: {', '.join(result.roles_uncovered)}")
    return "\n".join(out)


def render_portfolio(portfolio: Portfolio) -> str:
    """The portfolio table."""
    if not portfolio.rows:
        return "no accounts in this store"
    alerts = any(r.open_alerts is not None for r in portfolio.rows)
    plans = any(r.objectives_missed or r.objectives_at_risk for r in portfolio.rows)
    headers = ["account", "name", "tier", "score", "near miss", "stage", "shape", "coverage", "key cov",
               "fragility", "health", "overdue key"] + (["alerts"] if alerts else []) + (["plan"] if plans else [])
    rows = [[r.account, r.name, r.tier + ("" if r.declared_tier in (None, r.tier) else f" (was {r.declared_tier})"),
             f"{r.score:.1f}", r.near_miss, r.stage, r.shape, fmt_share(r.coverage), fmt_share(r.key_coverage),
             fmt_share(r.fragility_index), fmt_health(r.health), r.overdue_key] + ([r.open_alerts] if alerts else [])
            + ([_plan_cell(r.objectives_missed, r.objectives_at_risk)] if plans else [])
            for r in portfolio.rows]
    return (f"PORTFOLIO as of {portfolio.as_of} ({len(rows)} accounts)\n"
            + table(headers, rows, right=[3, 7, 8, 9, 10, 11, 12]))


def _plan_cell(missed: int, at_risk: int) -> str:
    """``1 missed, 2 at risk`` (empty when the account's plan is on track)."""
    return ", ".join(part for part in (f"{missed} missed" if missed else "", f"{at_risk} at risk" if at_risk else "")
                     if part)


def render_scores(portfolio: Portfolio) -> str:
    """Each account's score broken down by criterion, then the near misses with their lifts."""
    rows = sorted(portfolio.qualifications.values(), key=lambda q: (-q.score, q.account))
    if not rows:
        return "no accounts in this store"
    names = [c.name for c in rows[0].criteria]
    out = [f"QUALIFICATION as of {portfolio.as_of} (points out of 100 per criterion)",
           table(["account", "tier", "score", *names],
                 [[q.account, q.tier, f"{q.score:.1f}", *(f"{c.points:.1f}" for c in q.criteria)] for q in rows],
                 right=list(range(2, 3 + len(names))))]
    near = [q for q in rows if q.near_miss]
    out += ["", f"NEAR MISSES ({len(near)})"]
    for q in near:
        nm = q.near_miss
        assert nm is not None
        lifts = "; ".join(f"{lift.criterion} {fmt_figure(lift.from_value)} -> {fmt_figure(lift.to_value)}"
                          for lift in nm.lifts[:4]) or "no single criterion can close the gap"
        out.append(f"  {q.name} ({q.account}): {nm.gap:.1f} points below {nm.tier} ({nm.threshold:g}); "
                   f"any one of: {lifts}")
    if not near:
        out.append("  none")
    return "\n".join(out)


def render_review(changes: Sequence[ReviewChange], since: object, as_of: object) -> str:
    """Accounts whose tier, stage or fragility changed."""
    head = f"PORTFOLIO REVIEW {since} -> {as_of}: {len(changes)} accounts changed"
    if not changes:
        return head
    return head + "\n" + table(["account", "name", "changes"], [[c.account, c.name, "; ".join(c.changes)]
                                                               for c in changes], max_col=80)
