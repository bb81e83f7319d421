"""What the account-review report says, independent of how it is written (HTML or Markdown).

:func:`review_content` gathers the X-ray, the what-if of the top risks and the
rows of every table once; :mod:`kamgraph.views.report.html` and
:mod:`kamgraph.views.report.markdown` only format it. Values here are plain text, *not*
escaped: each writer escapes for its own format.

The report **leads with decisions** (section ``decisions``): health, the
**top risks** -- the people whose departure would cost the account the
largest importance-weighted share of stakeholders (their removal share, see
:mod:`kamgraph.analysis.fragility`) -- each with the recommended action that
fixes it and that action's owner, and the change of every headline figure
since the comparison date (``previous``: the analysis of the same account
``compare_days`` earlier, 91 by default, as ``kamgraph xray --as-of`` would
give it). The what-if (:func:`kamgraph.analysis.whatif.what_if`) shows every
summary figure before and after each of the top risks leaves, alone, and says
in words why a figure moves the "wrong" way (health can rise when someone
leaves).

The summary names the account's **relationship stage**
(:func:`kamgraph.portfolio.stage.relationship_stage`): the evidence it is read
from and each condition still missing for the next stage. The ``people``
section lists every active stakeholder with buying role, influence,
**attitude** toward us (-2..+2, as recorded), threads and cadence.

The ``trend`` section is where a trend analysis plugs in: fill
``content.tables["trend"]`` (and ``content.intro["trend"]``); the writers show
whatever is there above the meetings-per-month picture.

Examples
--------
>>> change_text(71.7, 64.2, "health")
'+7.5'
>>> change_text(0.25, 0.5, "coverage"), change_text(3, 3, "single_threaded_key")
('-25 pts', 'no change')
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...analysis.whatif import WhatIf, what_if
from ...domain.plans import Objective
from ...portfolio.stage import STAGES, StageResult, relationship_stage
from ..formatting import name_list
from ..plans_text import plan_summary, plan_table
from ..xray import XRay, xray_from_analysis

if TYPE_CHECKING:
    from ...analysis.pipeline import AccountAnalysis

__all__ = ["Table", "Risk", "Change", "ReviewContent", "review_content", "change_text", "SECTIONS",
           "HEADLINE_FIGURES"]

#: Section ids and headings, in report order (decisions first).
SECTIONS = (
    ("decisions", "Decisions for this review"),
    ("summary", "Summary scores"),
    ("map", "Relationship map"),
    ("people", "Stakeholders"),
    ("matrix", "Communication matrix"),
    ("trend", "Trends"),
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
    #: Detail left out of the printed page (PDF, slides): the screen shows it.
    detail: bool = False


@dataclass
class Risk:
    """One of the top risks: who, what their departure cuts off, the fix and who owns it."""

    person: str
    kind: str
    share: float
    lost: str
    fix: str
    owner: str


@dataclass
class Change:
    """One headline figure now and at the comparison date."""

    figure: str
    before: str
    now: str
    change: str
    #: True when the change is good news, False when bad, None when unchanged or unknown.
    better: bool | None


#: Headline figures: (summary field, label, higher is better).
HEADLINE_FIGURES = (
    ("health", "health (0-100)", True),
    ("key_coverage", "key stakeholders covered", True),
    ("coverage", "stakeholders covered", True),
    ("weighted_coverage", "importance-weighted coverage", True),
    ("reachable", "reachable (weighted)", True),
    ("single_threaded_key", "single-threaded key stakeholders", False),
    ("concentration", "concentration on one of us", False),
    ("fragility_index", "fragility index", False),
    ("overdue_key", "key stakeholders overdue or never met", False),
)
_COUNTS = {"single_threaded_key", "overdue_key"}


@dataclass
class ReviewContent:
    """Everything the report shows, as text."""

    xray: XRay
    whatifs: list[WhatIf]
    tables: dict[str, list[Table]] = field(default_factory=dict)
    #: One line per section, above its tables.
    intro: dict[str, str] = field(default_factory=dict)
    #: The top risks, largest first, each with its fix and owner.
    risks: list[Risk] = field(default_factory=list)
    #: Headline figures now vs the comparison date (empty without a previous analysis).
    changes: list[Change] = field(default_factory=list)
    compared_on: object = None
    #: Counter-intuitive figures explained in words.
    notes: list[str] = field(default_factory=list)


#: Names in a report cell: at most 12, then "and N more".
names_of = functools.partial(name_list, limit=12, more=" and {n} more")


def _pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def change_text(now: float, before: float, figure: str) -> str:
    """The change of one headline figure as text: points for scores, percentage points for shares."""
    if figure in _COUNTS:
        diff = int(now) - int(before)
        return "no change" if diff == 0 else f"{diff:+d}"
    if figure == "health":
        diff = now - before
        return "no change" if abs(diff) < 0.05 else f"{diff:+.1f}"
    diff = 100 * (now - before)
    return "no change" if abs(diff) < 0.5 else f"{diff:+.0f} pts"


def _figure(summary: object, figure: str) -> str:
    value = getattr(summary, figure)
    if figure in _COUNTS:
        return str(value)
    return f"{value:.1f}" if figure == "health" else _pct(value)


def _changes(now: object, before: object) -> list[Change]:
    rows = []
    for figure, label, higher_better in HEADLINE_FIGURES:
        a, b = getattr(now, figure), getattr(before, figure)
        text = change_text(a, b, figure)
        better = None if text == "no change" else (a > b) == higher_better
        rows.append(Change(label, _figure(before, figure), _figure(now, figure), text, better))
    return rows


def _risks(xray: XRay, count: int) -> list[Risk]:
    """The top ``count`` departure risks, each with the best-ranked action that fixes it."""
    risks = []
    for r in [r for r in xray.fragility.people if r.share > 0][:count]:
        concerned = {r.id, *(p.id for p in r.lost)}
        action = next((a for a in xray.actions if a.target is not None and a.target.id in concerned), None)
        if action is None:
            fix = f"Add a second thread to everyone only {r.name} connects us to"
            owner = "account team"
        else:
            fix = action.title
            owner = action.owner.name if action.owner else "account team"
        lost = names_of(r.lost) if r.lost else "nobody"
        risks.append(Risk(r.name, "our staff" if r.kind == "staff" else "stakeholder", r.share, lost, fix, owner))
    return risks


def _notes(whatifs: list[WhatIf]) -> list[str]:
    """Explain what-if figures that move the counter-intuitive way."""
    notes = []
    for w in whatifs:
        who = w.leave[0].name
        if w.after.health > w.before.health + 0.05:
            notes.append(
                f"Health rises ({w.before.health:.1f} to {w.after.health:.1f}) if {who} left: health is computed "
                "over the stakeholders still there, so when a departure takes away people we never covered, the "
                "covered share goes up even though the relationship is not stronger.")
        if w.after.concentration < w.before.concentration - 0.005:
            notes.append(
                f"Concentration falls ({_pct(w.before.concentration)} to {_pct(w.after.concentration)}) if {who} "
                "left: the remaining ties are spread more evenly only because the strongest holder is gone.")
        if w.after.fragility_index < w.before.fragility_index - 0.005:
            notes.append(
                f"The fragility index falls if {who} left: what only they held is already lost, so the next "
                "departure can cut off less.")
    return notes


def review_content(analysis: AccountAnalysis, *, top_risks: int = 3,
                   previous: AccountAnalysis | None = None, objectives: Sequence[Objective] = ()) -> ReviewContent:
    """Build the report content of an analysed account (runs the what-if of the ``top_risks`` people).

    Parameters
    ----------
    analysis : AccountAnalysis
        The account on the report's date.
    top_risks : int
        How many of the most critical people are named as risks and get a what-if.
    previous : AccountAnalysis, optional
        The same account at the comparison date ("since last quarter"); without it the report has no
        change column.
    objectives : sequence of Objective
        The account's plan (``kamgraph plan``): those open on the report's date are evaluated and shown
        after the recommended actions.
    """
    xray = xray_from_analysis(analysis, objectives=objectives, settings=analysis.ag.settings)
    ag = analysis.ag
    name = ag.name
    s = xray.summary
    risks = [r for r in xray.fragility.people if r.share > 0][:top_risks]
    whatifs = [what_if(ag.snapshot, ag.as_of, [r.id], ag.settings, before=analysis) for r in risks]
    content = ReviewContent(xray=xray, whatifs=whatifs, risks=_risks(xray, top_risks), notes=_notes(whatifs))
    t = content.tables
    intro = content.intro
    if previous is not None:
        content.changes = _changes(analysis.summary, previous.summary)
        content.compared_on = previous.ag.as_of
    intro["decisions"] = (f"Health {analysis.summary.health:.0f} / 100. "
                          + (f"The {len(content.risks)} biggest risks, each with its fix and owner."
                             if content.risks else "No single departure cuts anyone off."))

    intro["summary"] = (f"Health {s.health:.0f} / 100; the relationship is {s.shape.replace('_', ' ')}. "
                        f"{s.covered} of {s.active_stakeholders} active stakeholders are covered.")
    t["summary"] = [Table("Scores", ["figure", "value"], detail=True, rows=[
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

    stage = relationship_stage(ag)
    intro["summary"] += f" Relationship stage: {stage.stage} ({stage.level} of {len(STAGES)})."
    t["summary"].append(stage_table(stage))

    intro["map"] = ("Client organisation along reporting lines with our team on the left; line width = tie "
                    "strength, colour = recency; fill = coverage, shape = buying role, red ring = articulation "
                    "point.")
    intro["people"] = ("Every active stakeholder, most important first; attitude toward us from -2 (opponent) to "
                       "+2 (strong supporter), as recorded; on the map a +/− mark beside the marker.")
    t["people"] = [Table("Stakeholders", ["stakeholder", "title", "department", "buying role", "influence",
                                          "attitude", "threads", "cadence"], detail=True, rows=[
        [v.name, v.title or "", v.department or "", v.buying_role.value.replace("_", " ") if v.buying_role else "",
         str(v.influence), attitude_text(v.attitude), names_of(v.threads) if v.threads else "none", v.cadence]
        for v in sorted(xray.stakeholders, key=lambda v: (-v.importance, v.name))])]
    intro["matrix"] = "Meetings per staff member and stakeholder, coloured by the pair's cadence."
    intro["trend"] = "Meetings per month by department; dashed lines mark departures."
    t["trend"] = []  # the place for a trend analysis (see the module docstring)

    g = xray.gaps
    intro["gaps"] = (f"{len(g.uncovered)} stakeholders without a thread, {len(g.uncovered_key)} of them key; "
                     f"concentration {_pct(g.concentration)}"
                     + (f" on {g.top_staff.name}." if g.top_staff else "."))
    t["gaps"] = [
        Table("Uncovered key stakeholders", ["stakeholder", "id"], [[p.name, p.id] for p in g.uncovered_key]),
        Table("Single-threaded key stakeholders", ["stakeholder", "only thread"],
              [[x.stakeholder.name, x.staff.name] for x in g.single_threaded_key]),
        Table("Roles and areas without cover", ["gap", "which"], detail=True, rows=[
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
              [[r.name, r.kind, _pct(r.share), names_of(r.lost)] for r in f.people[:8]]),
        Table("Key stakeholders' connectivity (departures that cut them off)", ["stakeholder", "connectivity"],
              [[c.name, str(c.connectivity)] for c in f.key_connectivity], detail=True),
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
    if xray.plan:
        intro["actions"] += f" Account plan: {plan_summary(xray.plan)}."
        t["actions"].append(Table("Account plan", *plan_table(xray.plan)))
    return content


#: Words for the attitude scale (-2..+2).
ATTITUDE_WORDS = {2: "strong supporter", 1: "supporter", 0: "neutral", -1: "sceptic", -2: "opponent"}


def attitude_text(attitude: int) -> str:
    """An attitude as its sign and word.

    Examples
    --------
    >>> attitude_text(2), attitude_text(0), attitude_text(-1)
    ('+2 strong supporter', '0 neutral', '−1 sceptic')
    """
    sign = "+" if attitude > 0 else ("\u2212" if attitude < 0 else "")
    return f"{sign}{abs(attitude)} {ATTITUDE_WORDS.get(attitude, '')}".strip()


_EVIDENCE = {"threaded": "stakeholders threaded", "departments": "departments threaded",
             "levels": "seniority levels threaded", "staff": "our staff with a thread",
             "exec_ties": "executive ties", "multi_threaded_share": "share multi-threaded",
             "concentration": "concentration on one of us", "months": "months since the first meeting"}


def condition_text(text: str) -> str:
    """A missing condition as :mod:`kamgraph.portfolio.stage` states it (``FIGURE HAVE </> NEED``), in words.

    Examples
    --------
    >>> condition_text("threaded 5 < 8"), condition_text("concentration 0.520955 > 0.4")
    ('stakeholders threaded 5, needs 8 or more', 'concentration on one of us 52 %, needs 40 % or less')
    >>> condition_text("months 13.73 < 24")
    'months since the first meeting 13.7, needs 24 or more'
    """
    name, have, op, need = text.split(" ")

    def shown(value: str) -> str:
        number = float(value)
        return _pct(number) if name in ("multi_threaded_share", "concentration") else f"{number:.3g}"

    return f"{_EVIDENCE.get(name, name)} {shown(have)}, needs {shown(need)} or {'more' if op == '<' else 'less'}"


def stage_table(stage: StageResult) -> Table:
    """The relationship stage, its evidence and what the next stage still needs, as a table."""
    e = stage.evidence
    evidence = (f"{e.threaded} stakeholders threaded in {e.departments} departments and {e.levels} levels by "
                f"{e.staff} of our staff; {e.exec_ties} executive ties; {_pct(e.multi_threaded_share)} "
                f"multi-threaded; concentration {_pct(e.concentration)}; {e.months:.0f} months of meetings")
    rows = [["stage", f"{stage.stage} ({stage.level} of {len(STAGES)})"], ["evidence", evidence]]
    if stage.next_stage:
        missing = "; ".join(condition_text(m) for m in stage.missing) or "nothing: every condition is met"
        rows.append([f"missing for {stage.next_stage}", missing])
    return Table("Relationship stage", ["", "value"], rows)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if value > 1 else f"{100 * value:.0f} %"
    return "-" if value is None else str(value)
