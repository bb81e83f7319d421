"""Next actions: what to do about the gaps, bridges and risks an X-ray finds.

Each rule turns one finding into an action with a reason, the person to act
on, a suggested owner on our side and, where it helps, the **warmest path**:
the strongest chain of relationships from our team to the person (who can
introduce whom). Paths run over live links and weak contacts alike, with
distance 1/strength per link (1 for reporting lines, 1/weight for recorded
ties), found with one Dijkstra search from the team.

Priority is the importance at stake times a factor per rule:

============================  =====================================================  ======
rule                          importance at stake                                    factor
============================  =====================================================  ======
``meet`` (uncovered)          the stakeholder's (x1.5 for a required buying role)    1.0
``add_thread`` (single)       the key stakeholder's                                  0.9
``spread`` (concentration)    everyone who loses their only thread with that person  1.0
``bridge_department``         the people of the department cut off                   0.8
``rethread`` (departure)      the person who left (x1.5 for a required role)         1.2
``reconnect`` (cadence)       the key stakeholder's, x min(2, days since / target)   0.5
============================  =====================================================  ======

Actions on the same person merge (reasons joined, highest priority kept);
the list is sorted by priority, then by the person's id.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.analysis.pipeline import analyze
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> snap = AccountSnapshot(account=Account(id="a", name="A"),
...     staff=[Staff(id="s1", name="Sam", accounts=["a"]), Staff(id="s2", name="Sue", accounts=["a"])],
...     stakeholders=[Stakeholder(id="cfo", account="a", name="Cleo", influence=5, buying_role="economic_buyer"),
...                   Stakeholder(id="fd", account="a", name="Finn", influence=3, reports_to="cfo")],
...     reporting_lines=[], relationships=[],
...     meetings=[Meeting(id="m", date="2025-03-03", attendees=["s1", "s2", "fd"])])
>>> [(x.kind, x.target, x.path) for x in next_actions(analyze(snap, dt.date(2025, 3, 10)))]
[('meet', 'cfo', ['s1', 'fd', 'cfo'])]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import kernels
from ..domain.models import BuyingRole, StaffRole
from ..graph.compact import CompactGraph
from ..kernels import WarmPathTree
from ..kernels.gc_pause import paused_gc
from .pipeline import AccountAnalysis

__all__ = ["Action", "Successor", "WarmPaths", "warm_paths", "next_actions", "successors", "role_owner",
           "RULE_FACTORS"]

RULE_FACTORS = {"meet": 1.0, "add_thread": 0.9, "spread": 1.0, "bridge_department": 0.8, "rethread": 1.2,
                "reconnect": 0.5}


@dataclass
class Action:
    """One recommended action."""

    kind: str
    priority: float
    title: str
    reason: str
    target: str | None = None
    owner: str | None = None
    path: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)


class WarmPaths:
    """Warmest paths from our team: one Dijkstra search from all staff, run on the first query.

    The search (the kernel :func:`kamgraph.kernels.python.warm_paths`, compiled
    when available) covers the live links and the weak contacts; each
    :meth:`path` then follows predecessors back to a staff member.
    """

    def __init__(self, cg: CompactGraph) -> None:
        self.cg = cg
        self._index: dict[str, int] | None = None
        self._tree: WarmPathTree | None = None

    @property
    def tree(self) -> WarmPathTree:
        """Every node's distance from our team and predecessor (searched once, when first needed)."""
        if self._tree is None:
            cg = self.cg
            self._tree = kernels.warm_paths(cg.n, cg.n_staff, cg.indptr, cg.indices, cg.lengths, cg.weak)
        return self._tree

    def path(self, person: str) -> list[str]:
        """Ids from a staff member to ``person`` (empty when there is no path)."""
        if self._index is None:
            self._index = self.cg.index
        v = self._index.get(person)
        if v is None:
            return []
        dist, prev = self.tree
        if dist[v] == float("inf"):
            return []
        chain = []
        while v != -1:
            chain.append(self.cg.ids[v])
            v = prev[v]
        return chain[::-1]


def warm_paths(analysis: AccountAnalysis) -> WarmPaths:
    """The warmest-path finder of an analysed account."""
    return WarmPaths(analysis.cg)


def role_owner(analysis: AccountAnalysis, target: str, exclude: set[str]) -> str | None:
    """A colleague on the account team suited to ``target`` (staff in ``exclude`` are left out).

    An exec sponsor for C-level and VP stakeholders, solution engineers or
    delivery for technical buyers, champions and users, else the KAM; failing
    those anyone on the account team, then anyone who met the account.
    """
    ag = analysis.ag
    person = ag.stakeholders.get(target)
    wanted: list[StaffRole] = [StaffRole.KAM]
    if person is not None:
        if person.seniority is not None and person.seniority.rank <= 1:
            wanted = [StaffRole.EXEC_SPONSOR, StaffRole.KAM]
        elif person.buying_role in (BuyingRole.TECHNICAL_BUYER, BuyingRole.CHAMPION, BuyingRole.USER):
            wanted = [StaffRole.SOLUTION_ENGINEER, StaffRole.DELIVERY, StaffRole.KAM]
    account = ag.snapshot.account.id
    pool = sorted(s for s in ag.staff if s not in exclude)
    for role in wanted:
        for s in pool:
            if ag.staff[s].role is role and account in ag.staff[s].accounts:
                return s
    team = [s for s in pool if account in ag.staff[s].accounts]
    return team[0] if team else (pool[0] if pool else None)


def next_actions(analysis: AccountAnalysis) -> list[Action]:
    """Ranked recommended actions for an analysed account (see the module docstring)."""
    with paused_gc():
        return _next_actions(analysis)


def _next_actions(analysis: AccountAnalysis) -> list[Action]:
    ag = analysis.ag
    settings = ag.settings
    imp = analysis.importance
    paths = warm_paths(analysis)
    name = ag.name
    required = set(settings.coverage.required_roles)
    actions: list[Action] = []

    def role_of(pid: str) -> str:
        p = ag.stakeholders.get(pid) or ag.departed.get(pid)
        role = p.buying_role.value.replace("_", " ") if p and p.buying_role else "stakeholder"
        return f"{p.title}, {role}" if p and p.title else role

    def via(chain: list[str]) -> str:
        if len(chain) <= 2:
            return ""
        return " via " + " -> ".join(name(x) for x in chain[1:-1])

    # Uncovered people who matter.
    for cid in analysis.gaps.uncovered:
        person = ag.stakeholders[cid]
        in_required = person.buying_role in required
        if cid not in analysis.key and not in_required:
            continue
        chain = paths.path(cid)
        last = ag.last_contact.get(cid)
        history = f"last met {(ag.as_of - last).days} days ago" if last else "never met"
        actions.append(Action(
            kind="meet", priority=imp[cid] * (1.5 if in_required else 1.0) * RULE_FACTORS["meet"],
            title=f"Meet {person.name} ({role_of(cid)})",
            reason=f"no thread: {history}" + (f"; warmest route{via(chain)}" if via(chain) else ""),
            target=cid, owner=chain[0] if chain else role_owner(analysis, cid, set()), path=chain))
    # Single-threaded key stakeholders.
    for cid, staff in analysis.gaps.single_threaded_key:
        owner = role_owner(analysis, cid, {staff})
        actions.append(Action(
            kind="add_thread", priority=imp[cid] * RULE_FACTORS["add_thread"],
            title=f"Add a second thread to {ag.stakeholders[cid].name} ({role_of(cid)})",
            reason=f"only {name(staff)} meets them; ask {name(staff)} to introduce "
                   f"{name(owner) if owner else 'a colleague'}",
            target=cid, owner=owner, path=[staff, cid], related=[staff]))
    # One staff member holds most of the relationship.
    gaps = analysis.gaps
    top_impact = analysis.impacts.get(gaps.top_staff) if gaps.top_staff else None
    if gaps.concentrated and gaps.top_staff and top_impact is not None and top_impact.lost:
        top = gaps.top_staff
        impact = analysis.impacts.get(top)
        orphans = list(impact.lost) if impact else []
        at_stake = sum(imp.get(c, 0.0) for c in orphans)
        keys = [c for c in orphans if c in analysis.key]
        actions.append(Action(
            kind="spread", priority=at_stake * RULE_FACTORS["spread"],
            title=f"Spread {name(top)}'s relationships",
            reason=f"{name(top)} holds {gaps.concentration:.0%} of the account's tie strength; "
                   f"{len(orphans)} stakeholders would lose every thread or path if they left"
                   + (f", including {', '.join(name(c) for c in keys[:4])}" if keys else ""),
            target=top, owner=top, related=orphans))
    # Departments reached through one stakeholder.
    for gw in analysis.gateways:
        if gw.gateway not in ag.stakeholders:
            continue
        at_stake = sum(imp.get(c, 0.0) for c in gw.cut_off)
        best = max(gw.cut_off, key=lambda c: (imp.get(c, 0.0), c))
        chain = paths.path(best)
        actions.append(Action(
            kind="bridge_department", priority=at_stake * RULE_FACTORS["bridge_department"],
            title=f"Build direct ties into {gw.department}",
            reason=f"every path to {len(gw.cut_off)} people of {gw.department} runs through "
                   f"{name(gw.gateway)}; start with {name(best)}{via(chain)}",
            target=best, owner=chain[0] if chain else None, path=chain, related=[gw.gateway, *gw.cut_off]))
    # Key contacts who left recently.
    window = settings.actions.departed_window_days
    recent = [(pid, person) for pid, person in sorted(ag.departed.items())
              if person.left_on is not None and (ag.as_of - person.left_on).days <= window]
    for pid, person in recent:
        had_threads = ag.met_with_strength(pid)
        weight = person.influence * settings.importance.role_weights.get(person.buying_role, 1.0) \
            if person.buying_role else float(person.influence)
        if weight < settings.importance.key_threshold and not had_threads:
            continue
        candidates = [c.person for c in successors(analysis, pid, limit=5)]
        first = candidates[0] if candidates else None
        chain = paths.path(first) if first else []
        moved = f" to {person.moved_to}" if person.moved_to else ""
        actions.append(Action(
            kind="rethread", priority=weight * (1.5 if person.buying_role in required else 1.0)
            * RULE_FACTORS["rethread"],
            title=f"Re-thread after {person.name} left{moved}",
            reason=f"{person.name} ({role_of(pid)}) left on {person.left_on}; "
                   + (f"build a relationship with {', '.join(name(c) for c in candidates[:3])}" if candidates
                      else "no successor identified yet: find out who took over")
                   + (f"{via(chain)}" if chain else ""),
            target=first, owner=chain[0] if chain else None, path=chain, related=[pid, *candidates[:5]]))
    # Key stakeholders overdue.
    for cid in sorted(analysis.key):
        cad = analysis.cadence[cid]
        if cad.status != "overdue" or not ag.threads.get(cid):
            continue
        lateness = min(2.0, (cad.days_since or 0) / cad.target_days)
        actions.append(Action(
            kind="reconnect", priority=imp[cid] * lateness * RULE_FACTORS["reconnect"],
            title=f"Reconnect with {ag.stakeholders[cid].name}",
            reason=f"last met {cad.days_since} days ago; target every {cad.target_days} days",
            target=cid, owner=ag.threads[cid][0][0]))
    return _rank(actions, settings.actions.max_actions)


@dataclass(frozen=True)
class Successor:
    """A stakeholder to build a relationship with after someone left, with why."""

    person: str
    score: float
    reasons: tuple[str, ...]


def successors(analysis: AccountAnalysis, departed: str, limit: int | None = None) -> list[Successor]:
    """Who to build a relationship with after ``departed`` left, best first (the best ``limit`` when given).

    ``departed`` must be among the analysis' departed stakeholders. Each active
    stakeholder scores: 4 for the same title (or one containing it: an
    "Interim Head of Procurement" after the "Head of Procurement"), 2 for
    being their manager, 2 for being one of their direct reports, 1 for a
    peer under the same manager, 1.5 for the same department; with any of
    those, 1 more for the same buying role, then importance / 10, 1 more
    when nobody on our side covers them yet, and ``[attitude]
    successor_weight`` (default 0.5) times their attitude toward us -- so
    people positive toward us come first among equals: +1 for a +2 supporter,
    -0.5 for a -1 detractor (the reason says "supporter (+2)" or "detractor
    (-1)"). People scoring nothing on the first five are left out; ties are
    broken by id.

    Examples
    --------
    Two peers of a departed head of procurement, alike but for their attitude:

    >>> import datetime as dt
    >>> from kamgraph.analysis.pipeline import analyze
    >>> from kamgraph.domain.models import Account, Staff, Stakeholder
    >>> from kamgraph.domain.dataset import AccountSnapshot
    >>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s1", name="S")],
    ...     stakeholders=[Stakeholder(id="cfo", account="a", name="CFO", influence=5),
    ...                   Stakeholder(id="old", account="a", name="Old", reports_to="cfo", status="left",
    ...                               left_on="2025-01-01"),
    ...                   Stakeholder(id="p1", account="a", name="P1", reports_to="cfo", attitude=-1),
    ...                   Stakeholder(id="p2", account="a", name="P2", reports_to="cfo", attitude=2)],
    ...     reporting_lines=[], relationships=[], meetings=[])
    >>> for c in successors(analyze(snap, dt.date(2025, 2, 1)), "old"):
    ...     print(c.person, c.score, c.reasons)
    cfo 3.5 ('their manager',)
    p2 3.3 ('peer under the same manager', 'supporter (+2)')
    p1 1.8 ('peer under the same manager', 'detractor (-1)')
    """
    ag = analysis.ag
    person = ag.departed[departed]
    title, manager, department, role = person.title, person.reports_to, person.department, person.buying_role
    people = _people_index(analysis)
    candidates = set(people.by_department.get(department, ()) if department else ())
    candidates.update(people.by_manager.get(departed, ()))
    if manager:
        candidates.update(people.by_manager.get(manager, ()))
        candidates.add(manager)
    if title:
        candidates.update(cid for cid, their in people.titles if their == title or title in their)
    per_step = ag.settings.attitude.successor_weight
    scored: list[tuple[float, str, tuple[bool, ...]]] = []
    for cid in candidates:
        p = ag.stakeholders.get(cid)
        if p is None:
            continue
        holds = (bool(title and p.title and (p.title == title or title in p.title)), cid == manager,
                 p.reports_to == departed, bool(manager and p.reports_to == manager),
                 bool(department and p.department == department))
        if not any(holds):
            continue
        same_role = bool(role and p.buying_role is role)
        uncovered = 1.0 if not ag.threads.get(cid) else 0.0
        score = sum(points for points, held in zip(_SUCCESSOR_POINTS, holds, strict=True) if held) + same_role
        score += analysis.importance.get(cid, 0.0) / 10 + uncovered + per_step * p.attitude
        scored.append((-round(score, 9), cid, (*holds, same_role)))
    scored.sort()
    return [Successor(person=cid, score=-score, reasons=(
        *(reason for reason, held in zip(_SUCCESSOR_REASONS, holds, strict=True) if held),
        *_attitude_reason(ag.stakeholders[cid].attitude)))
            for score, cid, holds in scored[:limit]]


def _attitude_reason(attitude: int) -> tuple[str, ...]:
    if attitude > 0:
        return (f"supporter ({attitude:+d})",)
    if attitude < 0:
        return (f"detractor ({attitude:+d})",)
    return ()


_SUCCESSOR_POINTS = (4.0, 2.0, 2.0, 1.0, 1.5)
_SUCCESSOR_REASONS = ("same title", "their manager", "their direct report", "peer under the same manager",
                      "same department", "same buying role")


@dataclass
class _People:
    """Active stakeholders by department and by manager, and their titles (for :func:`successors`)."""

    by_department: dict[str, list[str]]
    by_manager: dict[str, list[str]]
    titles: list[tuple[str, str]]


def _people_index(analysis: AccountAnalysis) -> _People:
    cached = analysis.cache.get("people")
    if cached is None:
        cached = _People({}, {}, [])
        for cid, p in analysis.ag.stakeholders.items():
            if p.department:
                cached.by_department.setdefault(p.department, []).append(cid)
            if p.reports_to:
                cached.by_manager.setdefault(p.reports_to, []).append(cid)
            if p.title:
                cached.titles.append((cid, p.title))
        analysis.cache["people"] = cached
    return cached  # type: ignore[return-value]


def _rank(actions: list[Action], limit: int) -> list[Action]:
    merged: dict[tuple[str, str], Action] = {}
    by_target: dict[str, Action] = {}
    for action in sorted(actions, key=lambda a: -a.priority):
        key = action.target or action.title
        if action.kind in ("spread", "bridge_department", "rethread"):
            merged.setdefault((action.kind, action.title), action)
            continue
        existing = by_target.get(key)
        if existing is None:
            by_target[key] = action
        else:
            existing.reason += f"; also: {action.reason}"
    ranked = sorted([*merged.values(), *by_target.values()],
                    key=lambda a: (-round(a.priority, 9), a.target or "", a.kind))
    for action in ranked:
        action.priority = round(action.priority, 3)
    return ranked[:limit]
