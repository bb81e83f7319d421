"""Coverage gaps: where the relationship with an account is thin.

All figures read the threads of an :class:`~kamgraph.graph.account_graph.AccountGraph`:

* **uncovered** stakeholders (no thread), most important first;
* **required roles** (settings: economic buyer, decision maker, champion,
  technical buyer) that nobody holds, or whose holders are all uncovered;
* **departments** and **levels** (seniority) with active people but nobody covered;
* **single-threaded key stakeholders**: key people with exactly one thread;
* **concentration**: the share of the account's total tie strength (with
  active stakeholders) held by the strongest staff member;
* **opponents** nobody covers, or only one of us covers: detractors (attitude
  below ``[attitude] detractor_below``, default 0) and blockers (buying role).

Why opponents are gaps, and how severe: a detractor or blocker argues against
us where we are not in the room; without a thread nobody hears the objection
in time, with one thread its handling hangs on one person. So

* ``high``   -- uncovered, and key or hostile (attitude -2): the objection of
  someone who weighs on the decision reaches it unanswered;
* ``medium`` -- uncovered otherwise, or single-threaded and key;
* ``low``    -- single-threaded, not key.

Each list runs by severity, then importance (highest first), then id.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> from kamgraph.settings import Settings
>>> from kamgraph.graph.account_graph import build_account_graph
>>> snap = AccountSnapshot(account=Account(id="a", name="A"),
...     stakeholders=[Stakeholder(id="eb", account="a", name="EB", influence=5, buying_role="economic_buyer",
...                               department="Finance"),
...                   Stakeholder(id="ch", account="a", name="CH", influence=4, buying_role="champion",
...                               department="IT")],
...     staff=[Staff(id="s1", name="S1")], reporting_lines=[], relationships=[],
...     meetings=[Meeting(id="m", date="2025-01-01", attendees=["s1", "ch"])])
>>> gaps = coverage_gaps(build_account_graph(snap, dt.date(2025, 1, 2), Settings()))
>>> gaps.uncovered, gaps.roles_uncovered, gaps.departments_uncovered, gaps.single_threaded_key
(['eb'], ['economic_buyer'], ['Finance'], [('ch', 's1')])
>>> gaps.roles_missing, gaps.concentration, gaps.top_staff
(['decision_maker', 'technical_buyer'], 1.0, 's1')
>>> snap.stakeholders[0] = snap.stakeholders[0].model_copy(update={"attitude": -1})
>>> [(g.stakeholder, g.severity, g.reasons) for g in coverage_gaps(
...     build_account_graph(snap, dt.date(2025, 1, 2), Settings())).opponents_uncovered]
[('eb', 'high', ('detractor (-1)',))]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.models import BuyingRole, Seniority, Stakeholder
from ..graph.account_graph import AccountGraph

__all__ = ["CoverageGaps", "OpponentGap", "coverage_gaps", "staff_strength", "is_detractor", "opponent_reasons",
           "required_role_gaps", "top_staff_share", "SEVERITY_ORDER"]

#: Severities of an opponent gap, worst first.
SEVERITY_ORDER = ("high", "medium", "low")


@dataclass(frozen=True)
class OpponentGap:
    """A detractor or blocker nobody covers (``staff`` None) or only ``staff`` covers."""

    stakeholder: str
    severity: str
    reasons: tuple[str, ...]
    staff: str | None = None


def is_detractor(person: Stakeholder, below: int) -> bool:
    """True when the person's attitude toward us is below ``below``."""
    return person.attitude < below


def opponent_reasons(person: Stakeholder, below: int) -> tuple[str, ...]:
    """Why a stakeholder counts as an opponent (empty when they do not): detractor, blocker, or both."""
    reasons = []
    if is_detractor(person, below):
        reasons.append(f"detractor ({person.attitude:+d})")
    if person.buying_role is BuyingRole.BLOCKER:
        reasons.append("blocker")
    return tuple(reasons)


@dataclass
class CoverageGaps:
    """The gaps of one account (ids, most important first where it matters)."""

    uncovered: list[str] = field(default_factory=list)
    roles_uncovered: list[str] = field(default_factory=list)
    roles_missing: list[str] = field(default_factory=list)
    departments_uncovered: list[str] = field(default_factory=list)
    levels_uncovered: list[str] = field(default_factory=list)
    single_threaded_key: list[tuple[str, str]] = field(default_factory=list)
    concentration: float = 0.0
    top_staff: str | None = None
    concentrated: bool = False
    opponents_uncovered: list[OpponentGap] = field(default_factory=list)
    opponents_single_threaded: list[OpponentGap] = field(default_factory=list)


def staff_strength(ag: AccountGraph) -> dict[str, float]:
    """Each active staff member's summed tie strength with active stakeholders."""
    return ag.staff_strength()


def coverage_gaps(ag: AccountGraph) -> CoverageGaps:
    """Compute every coverage gap of an account (see the module docstring)."""
    settings = ag.settings
    people = ag.stakeholders
    weight = ag.importance
    covered = {c for c in people if ag.threads.get(c)}
    gaps = CoverageGaps()
    gaps.uncovered = sorted((c for c in people if c not in covered), key=lambda c: (-weight[c], c))
    departments: dict[str, bool] = {}
    levels: dict[Seniority, bool] = {}
    for c, p in people.items():
        if p.department:
            departments[p.department] = departments.get(p.department, False) or c in covered
        if p.seniority:
            levels[p.seniority] = levels.get(p.seniority, False) or c in covered
    gaps.roles_missing, gaps.roles_uncovered = required_role_gaps(ag, covered)
    gaps.departments_uncovered = sorted(d for d, ok in departments.items() if not ok)
    gaps.levels_uncovered = [lvl.value for lvl in Seniority if lvl in levels and not levels[lvl]]
    gaps.single_threaded_key = sorted(
        ((c, ag.threads[c][0][0]) for c in ag.key if len(ag.threads.get(c, ())) == 1),
        key=lambda pair: (-weight[pair[0]], pair[0]))
    _opponent_gaps(ag, gaps)
    top, share = top_staff_share(ag)
    if top is not None:
        gaps.top_staff, gaps.concentration = top, share
        gaps.concentrated = share >= settings.coverage.concentration_threshold
    return gaps


def required_role_gaps(ag: AccountGraph, covered: set[str]) -> tuple[list[str], list[str]]:
    """The required roles (settings' order) that no active stakeholder holds, and those whose holders are all
    uncovered (``covered``: the stakeholders with a thread).

    Examples
    --------
    >>> import datetime as dt
    >>> from kamgraph.domain.models import Account, Stakeholder
    >>> from kamgraph.domain.dataset import AccountSnapshot
    >>> from kamgraph.settings import Settings
    >>> from kamgraph.graph.account_graph import build_account_graph
    >>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[], reporting_lines=[], relationships=[],
    ...     meetings=[], stakeholders=[Stakeholder(id="ch", account="a", name="CH", buying_role="champion")])
    >>> missing, uncovered = required_role_gaps(build_account_graph(snap, dt.date(2025, 1, 2), Settings()), set())
    >>> missing, uncovered
    (['economic_buyer', 'decision_maker', 'technical_buyer'], ['champion'])
    """
    required = ag.settings.coverage.required_roles
    held: dict[object, bool] = {}  # a required role someone holds -> whether a holder is covered
    if required:
        wanted = set(required)
        for c, p in ag.stakeholders.items():
            role = p.buying_role
            if role in wanted:
                held[role] = held.get(role, False) or c in covered
    missing = [role.value for role in required if role not in held]
    uncovered = [role.value for role in required if role in held and not held[role]]
    return missing, uncovered


def top_staff_share(ag: AccountGraph) -> tuple[str | None, float]:
    """The staff member with the largest summed tie strength with active stakeholders (the smaller id on a
    tie) and their share of the account's total, rounded to 6 places; ``(None, 0.0)`` when the total is 0.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
    >>> from kamgraph.domain.dataset import AccountSnapshot
    >>> from kamgraph.settings import Settings
    >>> from kamgraph.graph.account_graph import build_account_graph
    >>> snap = AccountSnapshot(account=Account(id="a", name="A"), reporting_lines=[], relationships=[],
    ...     staff=[Staff(id="s1", name="S1"), Staff(id="s2", name="S2")],
    ...     stakeholders=[Stakeholder(id="c", account="a", name="C")],
    ...     meetings=[Meeting(id=f"m{i}", date="2025-01-01", attendees=[s, "c"])
    ...               for i, s in enumerate(["s1", "s2", "s2"])])
    >>> top_staff_share(build_account_graph(snap, dt.date(2025, 1, 1), Settings()))  # 2 of the 3 meetings
    ('s2', 0.666667)
    """
    totals = staff_strength(ag)
    total = sum(totals.values())
    if total <= 0:
        return None, 0.0
    top = min(totals, key=lambda s: (-totals[s], s))
    return top, round(totals[top] / total, 6)


def _opponent_gaps(ag: AccountGraph, gaps: CoverageGaps) -> None:
    """Fill the opponent gaps (see the module docstring for the severities)."""
    below = ag.settings.attitude.detractor_below
    weight = ag.importance
    blocker = BuyingRole.BLOCKER
    for cid, person in ag.stakeholders.items():
        if person.attitude >= below and person.buying_role is not blocker:
            continue  # neither a detractor nor a blocker: no reasons (most people; checked without a call)
        reasons = opponent_reasons(person, below)
        if not reasons:
            continue
        threads = ag.threads.get(cid, ())
        key = cid in ag.key
        if not threads:
            severity = "high" if key or person.attitude <= -2 else "medium"
            gaps.opponents_uncovered.append(OpponentGap(cid, severity, reasons))
        elif len(threads) == 1:
            gaps.opponents_single_threaded.append(OpponentGap(cid, "medium" if key else "low", reasons,
                                                              threads[0][0]))
    for found in (gaps.opponents_uncovered, gaps.opponents_single_threaded):
        found.sort(key=lambda g: (SEVERITY_ORDER.index(g.severity), -weight[g.stakeholder], g.stakeholder))
