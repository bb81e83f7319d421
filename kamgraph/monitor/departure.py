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
  direct reports, peers, department, buying role, importance), each with the
  warmest path from our team *after* the departure;
* for a staff member, a **handover plan**: for every stakeholder they were a
  thread of, the colleague with the next-strongest tie, else the colleague on
  the account team best suited to that stakeholder
  (:func:`kamgraph.analysis.actions.role_owner`).

A holder of an opportunity role (default: champion) who moves to another
company, or anyone who moves to one of our accounts, is reported as an
**opportunity**.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from ..analysis.actions import WarmPaths, role_owner, successors
from ..analysis.pipeline import AccountAnalysis, PersonRef
from ..analysis.whatif import WhatIf, what_if_analyses
from ..domain.dataset import AccountSnapshot
from ..domain.models import Staff, Stakeholder
from ..domain.names import match_account
from ..errors import KamgraphError
from ..graph.importance import importance
from ..settings import Settings
from ..store.base import GraphStore

__all__ = ["AccountRef", "TieLost", "ConnectivityDrop", "RethreadCandidate", "Handover", "AccountImpact",
           "DepartureImpact", "account_impact", "departure_impact", "record_departure", "record_return",
           "accounts_of_staff"]


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
                   settings: Settings | None = None) -> AccountImpact:
    """What ``person_id`` leaving on ``on`` does to the account of ``snapshot``.

    The person may already be recorded as left: the comparison is always with
    them against without them (see :mod:`kamgraph.analysis.whatif`).
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
        impact.handover_plan = _handover(first, second, person_id)
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
            importance=after.importance[p.id], key=p.id in after.key, score=round(cand.score, 6),
            reasons=list(cand.reasons), covered=bool(ag.threads.get(p.id)),
            threads=[_ref(after, s) for s, _ in ag.threads.get(p.id, [])],
            path=[_ref(after, x) for x in chain], owner=_ref(after, owner) if owner else None))
    return plan


def _handover(before: AccountAnalysis, after: AccountAnalysis, leaver: str) -> list[Handover]:
    ag = before.ag
    account = ag.snapshot.account.id
    plan = []
    held = [c for c, threads in ag.threads.items() if any(s == leaver for s, _ in threads)]
    for cid in sorted(held, key=lambda c: (-before.importance[c], c)):
        own = ag.ties[(leaver, cid)].strength
        others = [(ag.ties[(s, cid)].strength, s) for s in ag.staff
                  if s != leaver and (s, cid) in ag.ties and ag.ties[(s, cid)].strength > 0]
        if others:
            strength, to = min(others, key=lambda pair: (-pair[0], pair[1]))
            basis = "next-strongest tie"
        else:
            to = role_owner(after, cid, {leaver})
            strength = 0.0
            member = to is not None and account in ag.staff[to].accounts
            basis = (f"account team ({ag.staff[to].role.value})" if member
                     else "met the account before" if to else "nobody left on the account: find a colleague")
        plan.append(Handover(stakeholder=_ref(before, cid), importance=before.importance[cid], key=cid in before.key,
                             strength=round(own, 6), to=_ref(before, to) if to else None,
                             to_strength=round(strength, 6), basis=basis,
                             still_covered=bool(after.ag.threads.get(cid))))
    return plan


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
    impacts = [account_impact(store.load_account(acc, on), person_id, on, settings) for acc in account_ids]
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
        raise KamgraphError(f"{person.name} ({person.id}) is already recorded as left on {person.left_on}; "
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
