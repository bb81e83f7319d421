"""Staff load: per member of our staff, what they hold across the whole portfolio, against their capacity.

For every active staff member on one date (``kamgraph team``):

* the **accounts** they are on (account teams) or hold threads at;
* **threads held** -- client stakeholders for whom they are a thread -- and how many of them are key;
* **only thread** -- stakeholders (and key stakeholders) nobody else on our side holds;
* **meetings per month** -- meetings they attended in the last ``window_days`` days (each meeting once,
  even when it touched two accounts), per 30.4375 days;
* **load** -- threads held against their **capacity** (:class:`kamgraph.settings.TeamSettings`: by role,
  default 40 customers per account manager, the figure the practice quotes; a "customer" here is a client
  stakeholder they hold a thread to), with the headroom left;
* flags: **overloaded** (threads held above capacity) and **single point of failure** (the only thread to at
  least one key stakeholder, anywhere in the portfolio).

The counts come from :mod:`kamgraph.analysis.staff_load`, one account graph per account. With an account
given, the table lists only the people on that account (on its team or in its meetings), but every figure
is still counted over the whole portfolio: load is a person's, not an account's.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> from kamgraph.graph.account_graph import build_account_graph
>>> from kamgraph.settings import Settings
>>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s1", name="Sam", accounts=["a"])],
...     stakeholders=[Stakeholder(id="eb", account="a", name="EB", influence=5, buying_role="economic_buyer")],
...     reporting_lines=[], relationships=[],
...     meetings=[Meeting(id="m1", date="2026-03-01", attendees=["s1", "eb"])])
>>> day = dt.date(2026, 3, 10)
>>> team = team_load([build_account_graph(snap, day, Settings())], day, Settings())
>>> m = team.members[0]
>>> m.threads, m.sole_key, m.capacity, m.headroom, m.single_point_of_failure, team.most_sole_key.id
(1, 1, 40, 39, True, 's1')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel, Field

from ..analysis.pipeline import PersonRef
from ..analysis.staff_load import account_holds
from ..domain.models import Staff
from ..graph.account_graph import AccountGraph, build_account_graph
from ..settings import Settings
from ..store.base import GraphStore

__all__ = ["StaffAccount", "StaffLoad", "TeamLoad", "team_load", "build_team"]

_MONTH_DAYS = 30.4375


class StaffAccount(BaseModel):
    """What one staff member holds at one account."""

    account: str
    name: str
    on_team: bool
    threads: int
    key_threads: int
    sole_threads: int
    sole_key: int
    meetings: int = Field(description="Meetings at this account in the window.")


class StaffLoad(BaseModel):
    """One staff member across the portfolio."""

    id: str
    name: str
    title: str | None = None
    role: str
    level: int = Field(description="Seniority level of the role (1 = most senior; [team] levels).")
    accounts: list[str] = Field(description="Accounts whose team they are on or where they hold a thread.")
    threads: int = Field(description="Client stakeholders for whom they are a thread (their load).")
    key_threads: int
    sole_threads: int = Field(description="Stakeholders for whom they are the only thread.")
    sole_key: int = Field(description="Key stakeholders for whom they are the only thread.")
    meetings_per_month: float
    capacity: int
    load: float = Field(description="threads / capacity.")
    headroom: int = Field(description="capacity - threads (negative when overloaded).")
    overloaded: bool
    single_point_of_failure: bool = Field(description="The only thread to at least one key stakeholder.")
    per_account: list[StaffAccount]


class TeamLoad(BaseModel):
    """The staff-load table on one date."""

    as_of: dt.date
    account: str | None = Field(default=None, description="The account the table was limited to, if any.")
    window_days: int
    members: list[StaffLoad] = Field(description="Most key stakeholders held alone first, then most threads.")
    overloaded: list[PersonRef]
    single_points_of_failure: list[PersonRef]
    most_sole_key: PersonRef | None = Field(default=None,
                                            description="Who is the only thread to the most key stakeholders.")
    most_sole_key_count: int = 0


def team_load(graphs: Sequence[AccountGraph], as_of: dt.date, settings: Settings, *,
              account: str | None = None) -> TeamLoad:
    """The staff-load table of the accounts in ``graphs`` (all built on ``as_of``).

    Parameters
    ----------
    graphs : sequence of AccountGraph
        One per account of the portfolio.
    as_of : datetime.date
        Their date (the meetings window ends on it).
    settings : Settings
        Capacity, levels and window ([team]).
    account : str, optional
        List only the people on this account (figures stay portfolio-wide).
    """
    team = settings.team
    since = as_of - dt.timedelta(days=team.window_days)
    people: dict[str, Staff] = {}
    rows: dict[str, list[StaffAccount]] = {}
    meetings: dict[str, set[str]] = {}
    listed: set[str] | None = None
    for ag in graphs:
        acc = ag.snapshot.account
        if account is not None and acc.id == account:
            listed = set(ag.staff)
        counts: dict[str, int] = {}
        for m in ag.meetings:
            if since < m.date <= as_of:
                for p in m.attendees:
                    if p in ag.staff:
                        counts[p] = counts.get(p, 0) + 1
                        meetings.setdefault(p, set()).add(m.id)
        for sid, hold in account_holds(ag).items():
            people.setdefault(sid, ag.staff[sid])
            on_team = acc.id in ag.staff[sid].accounts
            if not (on_team or hold.threads or counts.get(sid)):
                continue
            rows.setdefault(sid, []).append(StaffAccount(
                account=acc.id, name=acc.name, on_team=on_team, threads=len(hold.threads),
                key_threads=len(hold.key), sole_threads=len(hold.sole), sole_key=len(hold.sole_key),
                meetings=counts.get(sid, 0)))
    members = []
    for sid, per in rows.items():
        if listed is not None and sid not in listed:
            continue
        member = people[sid]
        threads = sum(r.threads for r in per)
        capacity = team.capacity_of(member.role)
        sole_key = sum(r.sole_key for r in per)
        members.append(StaffLoad(
            id=sid, name=member.name, title=member.title, role=member.role.value, level=team.level_of(member.role),
            accounts=sorted(r.account for r in per if r.on_team or r.threads), threads=threads,
            key_threads=sum(r.key_threads for r in per), sole_threads=sum(r.sole_threads for r in per),
            sole_key=sole_key,
            meetings_per_month=round(len(meetings.get(sid, ())) * _MONTH_DAYS / team.window_days, 2),
            capacity=capacity, load=round(threads / capacity, 6), headroom=capacity - threads,
            overloaded=threads > capacity, single_point_of_failure=sole_key > 0,
            per_account=sorted(per, key=lambda r: r.account)))
    members.sort(key=lambda m: (-m.sole_key, -m.threads, m.id))
    top = min(members, key=lambda m: (-m.sole_key, -m.sole_threads, m.id), default=None)
    if top is not None and top.sole_key == 0:
        top = None
    return TeamLoad(
        as_of=as_of, account=account, window_days=team.window_days, members=members,
        overloaded=[PersonRef(id=m.id, name=m.name) for m in members if m.overloaded],
        single_points_of_failure=[PersonRef(id=m.id, name=m.name) for m in members if m.single_point_of_failure],
        most_sole_key=PersonRef(id=top.id, name=top.name) if top else None,
        most_sole_key_count=top.sole_key if top else 0)


def build_team(store: GraphStore, as_of: dt.date, settings: Settings, *, account: str | None = None) -> TeamLoad:
    """Load every account of ``store`` on ``as_of`` and build the staff-load table (see :func:`team_load`).

    ``account`` (id or exact name) limits the people listed, not the figures.
    """
    only = store.find_account(account).id if account is not None else None
    graphs = [build_account_graph(store.load_account(a.id, as_of), as_of, settings) for a in store.list_accounts()]
    return team_load(graphs, as_of, settings, account=only)
