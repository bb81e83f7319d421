"""What the account-review report says, independent of how it is written (HTML or Markdown).

:func:`review_content` gathers the X-ray, the what-if of the top risks and the
rows of every table once; :mod:`kamgraph.views.report.html` and
:mod:`kamgraph.views.report.markdown` only format it. Values here are plain text, *not*
escaped: each writer escapes for its own format.

The **top risks** are the people whose departure would cost the account the
largest importance-weighted share of stakeholders (their removal share, see
:mod:`kamgraph.analysis.fragility`); the what-if (:func:`kamgraph.analysis.whatif.what_if`) shows
every summary figure before and after each of them leaves, alone.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...analysis.whatif import WhatIf, what_if
from ..formatting import name_list
from ..xray import XRay, xray_from_analysis

if TYPE_CHECKING:
    from ...analysis.pipeline import AccountAnalysis

__all__ = ["Table", "ReviewContent", "review_content", "SECTIONS"]

#: Section ids and headings, in report order.
SECTIONS = (
    ("summary", "Summary scores"),
    ("map", "Relationship map"),
    ("matrix", "Communication matrix"),
    ("timeline", "Meetings over time"),
    ("gaps", "Coverage gaps"),
    ("bridges", "Bridges"),
    ("fragility", "Fragility"),
    ("whatif", "What if the top risks left?"),
    ("actions", "Recommended actions"),
)


@dataclass
class Table:
    """A titled table of plain-text cells (``note`` is shown when it has no rows)."""

    title: str
    headers: list[str]
    rows: list[list[str]]
    note: str = "none"


@dataclass
class ReviewContent:
    """Everything the report shows, as text."""

    xray: XRay
    whatifs: list[WhatIf]
    tables: dict[str, list[Table]] = field(default_factory=dict)
    #: One line per section, above its tables.
    intro: dict[str, str] = field(default_factory=dict)


#: Names in a report cell: at most 12, then "and N more".
names_of = functools.partial(name_list, limit=12, more=" and {n} more")


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def review_content(analysis: AccountAnalysis, *, top_risks: int = 3) -> ReviewContent:
    """Build the report content of an analysed account (runs the what-if of the ``top_risks`` people)."""
    xray = xray_from_analysis(analysis)
    ag = analysis.ag
    name = ag.name
    s = xray.summary
    risks = [r for r in xray.fragility.people if r.share > 0][:top_risks]
    whatifs = [what_if(ag.snapshot, ag.as_of, [r.id], ag.settings, before=analysis) for r in risks]
    content = ReviewContent(xray=xray, whatifs=whatifs)
    t = content.tables
    intro = content.intro

    intro["summary"] = (f"Health {s.health:.0f} / 100; the relationship is {s.shape.replace('_', ' ')}. "
                        f"{s.covered} of {s.active_stakeholders} active stakeholders are covered.")
    t["summary"] = [Table("Scores", ["figure", "value"], [
        ["health (0-100)", f"{s.health:.1f}"],
        ["stakeholders covered", f"{s.covered} / {s.active_stakeholders} ({_pct(s.coverage)})"],
        ["importance-weighted coverage", _pct(s.weighted_coverage)],
        ["key stakeholders covered", f"{s.key_covered} / {s.key_stakeholders} ({_pct(s.key_coverage)})"],
        ["reachable (weighted)", _pct(s.reachable)],
        ["required roles covered", f"{s.required_roles_covered} / {s.required_roles}"],
        ["single-threaded key stakeholders", str(s.single_threaded_key)],
        ["concentration", f"{_pct(s.concentration)} ({name(s.top_staff) if s.top_staff else '-'})"],
        ["fragility index", f"{_pct(s.fragility_index)} "
                            f"({name(s.most_critical_person) if s.most_critical_person else '-'})"],
        ["key stakeholders one departure cuts off", str(s.key_at_connectivity_1)],
        ["key stakeholders overdue or never met", str(s.overdue_key)],
        ["shape", s.shape.replace("_", " ")],
    ])]

    intro["map"] = ("Client organisation along reporting lines with our team on the left; line width = tie "
                    "strength, colour = recency; fill = coverage, shape = buying role, red ring = articulation "
                    "point.")
    intro["matrix"] = "Meetings per staff member and stakeholder, coloured by the pair's cadence."
    intro["timeline"] = "Meetings per month by department; dashed lines mark departures."

    g = xray.gaps
    intro["gaps"] = (f"{len(g.uncovered)} stakeholders without a thread, {len(g.uncovered_key)} of them key; "
                     f"concentration {_pct(g.concentration)}"
                     + (f" on {g.top_staff.name}." if g.top_staff else "."))
    t["gaps"] = [
        Table("Uncovered key stakeholders", ["stakeholder", "id"], [[p.name, p.id] for p in g.uncovered_key]),
        Table("Single-threaded key stakeholders", ["stakeholder", "only thread"],
              [[x.stakeholder.name, x.staff.name] for x in g.single_threaded_key]),
        Table("Roles and areas without cover", ["gap", "which"], [
            [label, ", ".join(v.replace("_", " ") for v in values)]
            for label, values in (("required roles held but not covered", g.roles_uncovered),
                                  ("required roles nobody holds", g.roles_missing),
                                  ("departments with nobody covered", g.departments_uncovered),
                                  ("levels with nobody covered", g.levels_uncovered)) if values]),
    ]
    b = xray.bridges
    intro["bridges"] = (f"{len(b.cut_vertices)} people whose departure cuts others off, "
                        f"{len(b.department_gateways)} departments reached through one person.")
    t["bridges"] = [
        Table("Articulation points", ["person", "side", "cuts off"],
              [[c.name, c.kind, names_of(c.cut_off)] for c in b.cut_vertices]),
        Table("Department gateways", ["department", "only way in", "cut off if they leave"],
              [[d.department, d.gateway.name, names_of(d.cut_off)] for d in b.department_gateways]),
        Table("Brokers across departments (low constraint = broker)", ["stakeholder", "constraint", "departments"],
              [[k.name, f"{k.constraint:.2f}", ", ".join(k.departments)] for k in b.brokers]),
        Table("Team betweenness (share of our paths into the client through them)", ["person", "side", "share"],
              [[x.name, x.kind, _pct(x.value)] for x in b.betweenness]),
    ]
    f = xray.fragility
    intro["fragility"] = (f"Fragility index {_pct(f.index)}"
                          + (f": {f.most_critical.name} is the most critical person." if f.most_critical else "."))
    t["fragility"] = [
        Table("What each departure would cut off", ["person", "side", "removal share", "stakeholders lost"],
              [[r.name, r.kind, _pct(r.share), names_of(r.lost)] for r in f.people[:15]]),
        Table("Key stakeholders' connectivity (departures that cut them off)", ["stakeholder", "connectivity"],
              [[c.name, str(c.connectivity)] for c in f.key_connectivity]),
    ]
    intro["whatif"] = ("Each of the people whose departure costs most leaves, alone; the account the day after."
                       if whatifs else "No single departure cuts anyone off.")
    figures = ("health", "covered", "key_covered", "weighted_coverage", "reachable", "fragility_index",
               "concentration", "single_threaded_key")
    t["whatif"] = []
    for w in whatifs:
        before, after = w.before.model_dump(), w.after.model_dump()
        rows = [[fig.replace("_", " "), _fmt(before[fig]), _fmt(after[fig])] for fig in figures]
        rows.append(["stakeholders lost", "", names_of(w.unreachable)])
        if w.roles_uncovered:
            rows.append(["required roles left uncovered", "", ", ".join(w.roles_uncovered)])
        t["whatif"].append(Table(f"If {w.leave[0].name} left", ["figure", "before", "after"], rows))
    intro["actions"] = f"{len(xray.actions)} actions, most valuable first."
    t["actions"] = [Table("Next actions", ["#", "action", "why", "warmest path"],
                          [[str(a.rank), a.title, a.reason, " → ".join(p.name for p in a.path)]
                           for a in xray.actions])]
    return content


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if value > 1 else f"{100 * value:.0f} %"
    return "-" if value is None else str(value)
