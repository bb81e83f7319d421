"""When someone leaves: record it, and see what it breaks and who to call.

:func:`record_departure` (behind ``kamgraph leave``) marks a stakeholder or
one of our staff as left on a date -- nothing is deleted, so an X-ray as of an
earlier date still sees them -- and returns the :class:`DepartureImpact`:

* for every account concerned (a stakeholder's own account; every account a
  staff member is on the team of or met), the what-if of the departure
  (:func:`kamgraph.analysis.whatif.what_if_analyses`, so the figures are exactly those
  of ``kamgraph whatif ACCOUNT --leave PERSON --as-of DATE``): threads lost,
  stakeholders left unreachable, required roles left without cover, fragility
  index and every other summary figure before and after;
* the ties lost, with our staff member (or stakeholder) and strength;
* key stakeholders whose connectivity to our team dropped (0 or 1 means at
  most one more departure loses them);
* for a stakeholder, a **re-threading plan**: the best successors to build a
  relationship with (:func:`kamgraph.analysis.actions.successors`: same title, manager,
  direct reports, peers, department, buying role, importance, and attitude toward us -- people
  positive toward us first among equals), each with the warmest path from our team *after* the departure;
* for a staff member, a **handover plan**: for every stakeholder they were a
  thread of (most important first), a colleague chosen by, in this order:
  **headroom** (their load -- stakeholders they hold threads to across the
  portfolio, :mod:`kamgraph.analysis.staff_load` -- plus what this plan already
  gave them stays within their capacity, ``[team]`` settings); an **existing
  tie** with the stakeholder; a **comparable level** (role levels at most
  ``comparable_levels`` apart from the leaver's); the stronger tie; the closer
  level; the colleague on the account team best suited to that stakeholder
  (:func:`kamgraph.analysis.actions.role_owner`). Candidates are the account
  team and everyone with a tie; when none of them has headroom, any other
  colleague of the portfolio who has; when nobody has, the plan says so
  (``over_capacity``) and still names the best candidate.

A holder of an opportunity role (default: champion) who moves to another
company, or anyone who moves to one of our accounts, is reported as an
**opportunity**.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, Field

from ..analysis.actions import WarmPaths, role_owner, successors
from ..analysis.pipeline import AccountAnalysis, PersonRef
from ..analysis.staff_load import account_holds, thread_load
from ..analysis.whatif import WhatIf, what_if_analyses
from ..domain.dataset import AccountSnapshot
from ..domain.models import Staff, Stakeholder
from ..domain.names import match_account
from ..errors import ConflictError, KamgraphError
from ..graph.account_graph import build_account_graph
from ..graph.importance import importance
from ..settings import Settings
from ..store.base import GraphStore

__all__ = ["AccountRef", "TieLost", "ConnectivityDrop", "RethreadCandidate", "Handover", "AccountImpact",
           "DepartureImpact", "TeamCapacity", "account_impact", "departure_impact", "record_departure",
           "record_return", "accounts_of_staff", "team_capacity"]


class AccountRef(BaseModel):
    """An account by id and name."""

    id: str
    name: str


class TieLost(BaseModel):
    """A tie the departure ends: the person on the other side, its strength and history."""

    id: str
    name: str
    strength: float
    meetings: int
    last: dt.date
    thread: bool = Field(description="At or above the thread threshold.")


class ConnectivityDrop(BaseModel):
    """A key stakeholder whose connectivity to our team drops (departures needed to cut them off)."""

    id: str
    name: str
    before: int
    after: int


class RethreadCandidate(BaseModel):
    """Someone to build a relationship with after a stakeholder left."""

    id: str
    name: str
    title: str | None = None
    department: str | None = None
    buying_role: str | None = None
    influence: int
    attitude: int = Field(default=0, description="Their attitude toward us, -2 (hostile) to +2 (supporter).")
    importance: float
    key: bool
    score: float
    reasons: list[str]
    covered: bool = Field(description="Somebody on our side already has a thread to them.")
    threads: list[PersonRef] = Field(default_factory=list, description="Our staff with a thread to them.")
    path: list[PersonRef] = Field(default_factory=list,
                                  description="Warmest path from our team to them (first: our staff member).")
    owner: PersonRef | None = Field(default=None, description="Who on our side should make the move.")


class Handover(BaseModel):
    """Who takes over a stakeholder from a staff member who leaves."""

    stakeholder: PersonRef
    importance: float
    key: bool
    strength: float = Field(description="The tie strength of the person who leaves.")
    to: PersonRef | None = None
    to_strength: float = Field(description="The new owner's own tie strength (0 when they never met).")
    basis: str = Field(description="Why this colleague: next-strongest tie, or the account team.")
    still_covered: bool = Field(description="Another colleague already has a thread to them.")
    to_load: int | None = Field(default=None, description=(
        "The new owner's load after this plan's handovers up to this one (stakeholders they hold threads to)."))
    to_capacity: int | None = Field(default=None, description="The new owner's capacity ([team] settings).")
    over_capacity: bool = Field(default=False, description="Nobody had headroom: the new owner goes over capacity.")


@dataclass(frozen=True)
class TeamCapacity:
    """Our staff's load across the portfolio on one date, for the handover plan (see :func:`team_capacity`)."""

    #: Stakeholders each active staff member holds threads to, across the portfolio.
    load: Mapping[str, int]
    #: Every active staff member of the portfolio (candidates from outside the account team), by id.
    people: Mapping[str, Staff]


class AccountImpact(BaseModel):
    """What one departure does to one account."""

    account: AccountRef
    whatif: WhatIf = Field(description="The what-if of the departure (same figures as `kamgraph whatif`).")
    ties_lost: list[TieLost]
    connectivity_drops: list[ConnectivityDrop] = Field(
        description="Key stakeholders whose connectivity to our team drops, most fragile first.")
    rethread_plan: list[RethreadCandidate] = Field(default_factory=list)
    handover_plan: list[Handover] = Field(default_factory=list)


class DepartureImpact(BaseModel):
    """A departure and what it breaks, on every account concerned."""

    id: str
    name: str
    kind: str = Field(description="stakeholder or staff.")
    title: str | None = None
    role: str | None = Field(default=None, description="Buying role (stakeholder) or role on our side (staff).")
    department: str | None = None
    account: AccountRef | None = Field(default=None, description="The stakeholder's account.")
    influence: int | None = None
    importance: float | None = None
    key: bool = False
    left_on: dt.date
    moved_to: str | None = None
    moved_to_account: AccountRef | None = Field(default=None, description="Our account they moved to, if any.")
    note: str | None = None
    opportunity: str | None = None
    recorded: bool = Field(description="False for a dry run: nothing was written.")
    accounts: list[AccountImpact]


def _ref(analysis: AccountAnalysis, pid: str) -> PersonRef:
    return PersonRef(id=pid, name=analysis.ag.name(pid))


def account_impact(snapshot: AccountSnapshot, person_id: str, on: dt.date,
                   settings: Settings | None = None, *, capacity: TeamCapacity | None = None) -> AccountImpact:
    """What ``person_id`` leaving on ``on`` does to the account of ``snapshot``.

    The person may already be recorded as left: the comparison is always with
    them against without them (see :mod:`kamgraph.analysis.whatif`).
    ``capacity`` is the portfolio's staff load for the handover plan
    (:func:`team_capacity`); without it, the load is counted on this account only.
    """
    settings = settings or Settings()
    report, first, second = what_if_analyses(snapshot, on, [person_id], settings)
    ag = first.ag
    threshold = settings.strength.thread_threshold
    is_staff = person_id in ag.staff
    ties = []
    for (s, c), tie in ag.ties.items():
        other = c if is_staff else s
        if (s if is_staff else c) != person_id or other not in (ag.stakeholders if is_staff else ag.staff):
            continue
        ties.append(TieLost(id=other, name=ag.name(other), strength=round(tie.strength, 6), meetings=tie.count,
                            last=tie.last, thread=tie.strength >= threshold))
    ties.sort(key=lambda t: (-t.strength, t.id))
    drops = [ConnectivityDrop(id=c, name=ag.name(c), before=k, after=second.connectivity.get(c, 0))
             for c, k in first.connectivity.items() if c != person_id and second.connectivity.get(c, 0) < k]
    drops.sort(key=lambda d: (d.after, -first.importance.get(d.id, 0.0), d.id))
    impact = AccountImpact(account=AccountRef(id=snapshot.account.id, name=snapshot.account.name), whatif=report,
                           ties_lost=ties, connectivity_drops=drops)
    if is_staff:
        impact.handover_plan = _handover(first, second, person_id, settings, capacity)
    elif person_id in second.ag.departed:
        impact.rethread_plan = _rethread(second, person_id, settings.departures.plan_size)
    return impact


def _rethread(after: AccountAnalysis, departed: str, size: int) -> list[RethreadCandidate]:
    ag = after.ag
    paths = WarmPaths(after.cg)
    plan = []
    for cand in successors(after, departed, limit=size):
        p = ag.stakeholders[cand.person]
        chain = paths.path(cand.person)
        owner = chain[0] if chain else role_owner(after, cand.person, set())
        plan.append(RethreadCandidate(
            id=p.id, name=p.name, title=p.title, department=p.department,
            buying_role=p.buying_role.value if p.buying_role else None, influence=p.influence,
            attitude=p.attitude, importance=after.importance[p.id], key=p.id in after.key, score=round(cand.score, 6),
            reasons=list(cand.reasons), covered=bool(ag.threads.get(p.id)),
            threads=[_ref(after, s) for s, _ in ag.threads.get(p.id, [])],
            path=[_ref(after, x) for x in chain], owner=_ref(after, owner) if owner else None))
    return plan


def _handover(before: AccountAnalysis, after: AccountAnalysis, leaver: str, settings: Settings,
              capacity: TeamCapacity | None) -> list[Handover]:
    """The handover plan (see the module docstring for the order of preference)."""
    ag = before.ag
    team = settings.team
    account = ag.snapshot.account.id
    if capacity is None:
        capacity = TeamCapacity(load=thread_load([account_holds(ag)]), people=dict(ag.staff))
    people = {**capacity.people, **ag.staff}
    level = {s: team.level_of(p.role) for s, p in people.items()}
    own_level = level[leaver]
    given: dict[str, int] = {}  # stakeholders this plan hands to each colleague (who was not a thread yet)
    plan = []
    held = [c for c, threads in ag.threads.items() if any(s == leaver for s, _ in threads)]
    for cid in sorted(held, key=lambda c: (-before.importance[c], c)):
        tie = ag.ties.get((leaver, cid))  # none for an offline thread ([analysis] knows_ties_are_threads)
        own = tie.strength if tie is not None else 0.0
        threads_now = {s for s, _ in after.ag.threads.get(cid, [])}
        ties = {s: ag.ties[(s, cid)].strength for s in ag.staff
                if s != leaver and (s, cid) in ag.ties and ag.ties[(s, cid)].strength > 0}
        local = sorted({*ties, *(s for s in ag.staff if s != leaver and account in ag.staff[s].accounts)})
        if not local:
            local = sorted(s for s in ag.staff if s != leaver)
        suited = role_owner(after, cid, {leaver})

        def load_after(s: str, cid: str = cid, threads_now: set[str] = threads_now) -> int:
            return capacity.load.get(s, 0) + given.get(s, 0) + (0 if s in threads_now else 1)

        def fits(s: str) -> bool:
            return load_after(s) <= team.capacity_of(people[s].role)

        def rank(s: str, ties: dict[str, float] = ties, suited: str | None = suited) -> tuple[object, ...]:
            apart = abs(level[s] - own_level)
            return (not fits(s), s not in ties, apart > team.comparable_levels, -ties.get(s, 0.0), apart,
                    s != suited, s)

        pool = local
        if local and not any(fits(s) for s in local):
            outside = sorted(s for s in capacity.people if s != leaver and s not in local and fits(s))
            pool = outside or local
        to = min(pool, key=rank) if pool else None
        over = to is not None and not fits(to)
        if to is None:
            basis = "nobody left on the account: find a colleague"
        elif to in ties:
            strongest = min(ties, key=lambda s: (-ties[s], s))
            basis = ("next-strongest tie" if to == strongest
                     else "next-strongest tie with headroom" if not fits(strongest)
                     else "tie at a comparable level")
        elif to not in ag.staff:
            basis = f"colleague with headroom ({people[to].role.value}), new to the account"
        elif account in ag.staff[to].accounts:
            basis = f"account team ({ag.staff[to].role.value})"
        else:
            basis = "met the account before"
        if over and to is not None:
            basis = f"nobody has headroom: {basis}"
        to_load = to_cap = None
        if to is not None:
            to_load, to_cap = load_after(to), team.capacity_of(people[to].role)
            if to not in threads_now:
                given[to] = given.get(to, 0) + 1
        plan.append(Handover(stakeholder=_ref(before, cid), importance=before.importance[cid], key=cid in before.key,
                             strength=round(own, 6),
                             to=PersonRef(id=to, name=people[to].name) if to else None,
                             to_strength=round(ties.get(to, 0.0), 6) if to else 0.0, basis=basis,
                             still_covered=bool(after.ag.threads.get(cid)), to_load=to_load, to_capacity=to_cap,
                             over_capacity=over))
    return plan


def team_capacity(store: GraphStore, on: dt.date, settings: Settings,
                  loaded: Mapping[str, AccountSnapshot] | None = None) -> TeamCapacity:
    """Every active staff member's load across the portfolio on ``on`` (snapshots in ``loaded`` are reused)."""
    holds = []
    people: dict[str, Staff] = {}
    for acc in store.list_accounts():
        snapshot = (loaded or {}).get(acc.id) or store.load_account(acc.id, on)
        ag = build_account_graph(snapshot, on, settings)
        holds.append(account_holds(ag))
        people.update(ag.staff)
    return TeamCapacity(load=thread_load(holds), people=people)


def accounts_of_staff(store: GraphStore, member: Staff, on: dt.date) -> list[str]:
    """The accounts a staff member's departure concerns: their account teams and every account they met."""
    found = set(member.accounts)
    unplaced: set[str] = set()
    for meeting in store.person_meetings(member.id, on):
        if meeting.account:
            found.add(meeting.account)
        else:
            unplaced.update(p for p in meeting.attendees if p != member.id)
    if unplaced:
        found.update(store.stakeholder_accounts(unplaced).values())
    return sorted(found)


def departure_impact(store: GraphStore, person_id: str, on: dt.date, settings: Settings | None = None, *,
                     moved_to: str | None = None, note: str | None = None, recorded: bool = False
                     ) -> DepartureImpact:
    """The impact of ``person_id`` leaving on ``on`` (nothing is written; see :func:`record_departure`)."""
    settings = settings or Settings()
    person = store.get_person(person_id)
    account_ids = [person.account] if isinstance(person, Stakeholder) else accounts_of_staff(store, person, on)
    snapshots = {acc: store.load_account(acc, on) for acc in account_ids}
    capacity = None if isinstance(person, Stakeholder) else team_capacity(store, on, settings, snapshots)
    impacts = [account_impact(snapshots[acc], person_id, on, settings, capacity=capacity) for acc in account_ids]
    accounts = [store.get_account(a.id) for a in store.list_accounts()] if moved_to else []
    target = match_account(accounts, moved_to, settings.departures.legal_suffixes) if moved_to else None
    if isinstance(person, Stakeholder) and target is not None and target.id == person.account:
        target = None
    result = DepartureImpact(id=person.id, name=person.name, kind=person.kind, title=person.title, left_on=on,
                             moved_to=moved_to, note=note, recorded=recorded, accounts=impacts,
                             moved_to_account=AccountRef(id=target.id, name=target.name) if target else None)
    if isinstance(person, Stakeholder):
        own = impacts[0].account if impacts else AccountRef(id=person.account, name=person.account)
        result.account = own
        result.role = person.buying_role.value if person.buying_role else None
        result.department = person.department
        result.influence = person.influence
        result.importance = importance(person, settings.importance)
        result.key = result.importance >= settings.importance.key_threshold
        if moved_to and person.buying_role in settings.departures.opportunity_roles:
            where = f"{target.name} ({target.id}), one of our accounts" if target else moved_to
            result.opportunity = (f"{person.name} ({person.buying_role.value.replace('_', ' ')}) moved to {where}: "
                                  "a warm contact at a new company")
        elif target is not None:
            result.opportunity = f"{person.name} moved to {target.name} ({target.id}), one of our accounts"
    else:
        result.role = person.role.value
        if target is not None:
            result.opportunity = f"{person.name} joined {target.name} ({target.id}), one of our accounts"
    return result


def record_departure(store: GraphStore, person_id: str, on: dt.date, *, moved_to: str | None = None,
                     note: str | None = None, settings: Settings | None = None, dry_run: bool = False
                     ) -> DepartureImpact:
    """Mark ``person_id`` as left on ``on`` and return the impact (with ``dry_run``, only the impact).

    The impact is computed first, so a failure writes nothing. A person whose
    departure is already recorded is refused (``kamgraph return`` undoes it).
    """
    person = store.get_person(person_id)
    if person.left_on is not None:
        raise ConflictError(f"{person.name} ({person.id}) is already recorded as left on {person.left_on}; "
                            f"'kamgraph return {person.id}' undoes that")
    impact = departure_impact(store, person_id, on, settings, moved_to=moved_to, note=note)
    if not dry_run:
        store.mark_left(person_id, on, moved_to=moved_to, note=note)
        impact.recorded = True
    return impact


def record_return(store: GraphStore, person_id: str) -> Stakeholder | Staff:
    """Undo a departure recorded by mistake (refused when none is recorded)."""
    person = store.get_person(person_id)
    if person.left_on is None:
        raise KamgraphError(f"{person.name} ({person.id}) is not recorded as having left")
    return store.mark_returned(person_id)
