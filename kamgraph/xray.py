"""The relationship X-ray of one account: a pydantic report model and its builder.

The report is data first: ``kamgraph xray --json`` prints ``XRay.model_dump``
as is, and the terminal view (:mod:`kamgraph.textview`) only formats it.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from .account_graph import AccountGraph, build_account_graph
from .dataset import AccountSnapshot
from .models import BuyingRole, Seniority
from .settings import Settings

__all__ = [
    "AccountHeader",
    "Thread",
    "StakeholderView",
    "DepartedView",
    "StaffView",
    "RoleCoverage",
    "CoverageSummary",
    "XRay",
    "build_xray",
]


class AccountHeader(BaseModel):
    """Who the account is."""

    id: str
    name: str
    tier: str | None = None
    segment: str | None = None
    revenue: float | None = None
    potential: float | None = None
    currency: str | None = None


class Thread(BaseModel):
    """One of our staff and their tie to a stakeholder."""

    staff: str
    name: str
    strength: float
    meetings: int
    last: dt.date


class StakeholderView(BaseModel):
    """An active stakeholder as the X-ray shows them."""

    id: str
    name: str
    title: str | None = None
    department: str | None = None
    seniority: Seniority | None = None
    buying_role: BuyingRole | None = None
    influence: int
    attitude: int
    verified: bool = True
    covered: bool
    threads: list[Thread] = Field(description="Active staff at or above the thread threshold, strongest first.")
    weak_ties: list[Thread] = Field(default_factory=list,
                                    description="Staff who met them, but below the thread threshold.")
    last_contact: dt.date | None = None
    days_since_contact: int | None = None


class DepartedView(BaseModel):
    """A stakeholder who left on or before the as-of date."""

    id: str
    name: str
    title: str | None = None
    department: str | None = None
    buying_role: BuyingRole | None = None
    influence: int
    left_on: dt.date
    moved_to: str | None = None
    last_contact: dt.date | None = None


class StaffView(BaseModel):
    """One of our people on this account."""

    id: str
    name: str
    title: str | None = None
    role: str
    on_account_team: bool
    threads: int = Field(description="Stakeholders for whom this person is a thread.")
    strength: float = Field(description="Sum of this person's tie strengths with active stakeholders.")
    share_of_strength: float = Field(description="Their share of the account's total tie strength.")


class RoleCoverage(BaseModel):
    """How one buying role is held and covered."""

    role: BuyingRole
    holders: list[str]
    covered_holders: list[str]


class CoverageSummary(BaseModel):
    """Headline coverage figures."""

    active_stakeholders: int
    covered: int
    uncovered: int
    coverage: float = Field(description="Covered / active stakeholders (0 when there are none).")
    roles: list[RoleCoverage]
    roles_uncovered: list[BuyingRole] = Field(description="Roles that someone holds but nobody covers.")


class XRay(BaseModel):
    """The relationship X-ray of one account on one date."""

    account: AccountHeader
    as_of: dt.date
    coverage: CoverageSummary
    stakeholders: list[StakeholderView]
    departed: list[DepartedView]
    staff: list[StaffView]


def _thread(ag: AccountGraph, staff_id: str, client_id: str) -> Thread:
    tie = ag.ties[(staff_id, client_id)]
    return Thread(staff=staff_id, name=ag.name(staff_id), strength=round(tie.strength, 6),
                  meetings=tie.count, last=tie.last)


def _stakeholder_views(ag: AccountGraph) -> list[StakeholderView]:
    ties_by_client: dict[str, list[str]] = {}
    for s, c in ag.ties:
        ties_by_client.setdefault(c, []).append(s)
    views = []
    for sid, person in ag.stakeholders.items():
        threaded = [s for s, _ in ag.threads.get(sid, [])]
        weak = sorted((s for s in ties_by_client.get(sid, []) if s not in threaded and s in ag.staff),
                      key=lambda s: (-ag.ties[(s, sid)].strength, s))
        last = ag.last_contact.get(sid)
        views.append(StakeholderView(
            id=sid, name=person.name, title=person.title, department=person.department,
            seniority=person.seniority, buying_role=person.buying_role, influence=person.influence,
            attitude=person.attitude, verified=person.verified, covered=bool(threaded),
            threads=[_thread(ag, s, sid) for s in threaded], weak_ties=[_thread(ag, s, sid) for s in weak],
            last_contact=last, days_since_contact=(ag.as_of - last).days if last else None))
    views.sort(key=lambda v: (v.department or "~", -v.influence, v.name, v.id))
    return views


def _coverage(views: list[StakeholderView]) -> CoverageSummary:
    covered = sum(v.covered for v in views)
    roles = []
    for role in BuyingRole:
        holders = [v.id for v in views if v.buying_role is role]
        if holders:
            roles.append(RoleCoverage(role=role, holders=holders,
                                      covered_holders=[v.id for v in views if v.buying_role is role and v.covered]))
    return CoverageSummary(
        active_stakeholders=len(views), covered=covered, uncovered=len(views) - covered,
        coverage=round(covered / len(views), 6) if views else 0.0, roles=roles,
        roles_uncovered=[r.role for r in roles if not r.covered_holders])


def _staff_views(ag: AccountGraph) -> list[StaffView]:
    strength: dict[str, float] = {}
    for (s, c), tie in ag.ties.items():
        if c in ag.stakeholders and s in ag.staff:
            strength[s] = strength.get(s, 0.0) + tie.strength
    total = sum(strength.values())
    thread_count: dict[str, int] = {}
    for ties in ag.threads.values():
        for s, _ in ties:
            thread_count[s] = thread_count.get(s, 0) + 1
    account_id = ag.snapshot.account.id
    views = [StaffView(id=sid, name=p.name, title=p.title, role=p.role.value,
                       on_account_team=account_id in p.accounts, threads=thread_count.get(sid, 0),
                       strength=round(strength.get(sid, 0.0), 6),
                       share_of_strength=round(strength.get(sid, 0.0) / total, 6) if total else 0.0)
             for sid, p in ag.staff.items()]
    views.sort(key=lambda v: (-v.strength, v.id))
    return views


def build_xray(snapshot: AccountSnapshot, as_of: dt.date, settings: Settings | None = None) -> XRay:
    """Build the X-ray of the account in ``snapshot`` on ``as_of``.

    Parameters
    ----------
    snapshot : AccountSnapshot
        From :meth:`kamgraph.store.base.GraphStore.load_account`.
    as_of : datetime.date
        The date the report describes; meetings after it are ignored and people
        who left on or before it are listed as departed.
    settings : Settings, optional
        Defaults when not given.
    """
    settings = settings or Settings()
    ag = build_account_graph(snapshot, as_of, settings)
    views = _stakeholder_views(ag)
    acc = snapshot.account
    departed = [DepartedView(id=p.id, name=p.name, title=p.title, department=p.department,
                             buying_role=p.buying_role, influence=p.influence, left_on=p.left_on,  # type: ignore[arg-type]
                             moved_to=p.moved_to, last_contact=ag.last_contact.get(p.id))
                for p in sorted(ag.departed.values(), key=lambda p: (p.left_on, p.id))]
    return XRay(
        account=AccountHeader(id=acc.id, name=acc.name, tier=acc.tier, segment=acc.segment,
                              revenue=acc.revenue, potential=acc.potential, currency=acc.currency),
        as_of=as_of, coverage=_coverage(views), stakeholders=views, departed=departed,
        staff=_staff_views(ag))
