"""What each of our staff holds on one account: threads, key threads, and the stakeholders they alone hold.

The staff-load table of the portfolio (:mod:`kamgraph.portfolio.team`) and the handover plan of a
departure (:mod:`kamgraph.monitor.departure`) both start from these counts, so they live here, below
both. A staff member **holds** a stakeholder when they are one of the stakeholder's threads
(:mod:`kamgraph.graph.strength`); they are the stakeholder's **only thread** when nobody else is.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> from kamgraph.graph.account_graph import build_account_graph
>>> from kamgraph.settings import Settings
>>> snap = AccountSnapshot(account=Account(id="a", name="A"),
...     staff=[Staff(id="s1", name="S1", accounts=["a"]), Staff(id="s2", name="S2", accounts=["a"])],
...     stakeholders=[Stakeholder(id="eb", account="a", name="EB", influence=5, buying_role="economic_buyer"),
...                   Stakeholder(id="u", account="a", name="U", influence=1)],
...     reporting_lines=[], relationships=[],
...     meetings=[Meeting(id="m1", date="2026-03-01", attendees=["s1", "eb", "u"]),
...               Meeting(id="m2", date="2026-03-02", attendees=["s2", "u"])])
>>> held = account_holds(build_account_graph(snap, dt.date(2026, 3, 10), Settings()))
>>> held["s1"].threads, held["s1"].sole_key, held["s2"].sole
(('eb', 'u'), ('eb',), ())
>>> thread_load([held])
{'s1': 2, 's2': 1}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..graph.account_graph import AccountGraph

__all__ = ["AccountHold", "account_holds", "thread_load"]


@dataclass(frozen=True)
class AccountHold:
    """The stakeholders of one account a staff member holds (ids, sorted)."""

    staff: str
    account: str
    threads: tuple[str, ...]
    key: tuple[str, ...]
    sole: tuple[str, ...]
    sole_key: tuple[str, ...]


def account_holds(ag: AccountGraph) -> dict[str, AccountHold]:
    """Every active staff member of the account graph and what they hold (empty tuples when nothing)."""
    threads: dict[str, list[str]] = {s: [] for s in ag.staff}
    sole: dict[str, list[str]] = {s: [] for s in ag.staff}
    for cid in sorted(ag.threads):
        ties = ag.threads[cid]
        for s, _ in ties:
            threads[s].append(cid)
        if len(ties) == 1:
            sole[ties[0][0]].append(cid)
    account = ag.snapshot.account.id
    return {s: AccountHold(staff=s, account=account, threads=tuple(threads[s]),
                           key=tuple(c for c in threads[s] if c in ag.key), sole=tuple(sole[s]),
                           sole_key=tuple(c for c in sole[s] if c in ag.key)) for s in ag.staff}


def thread_load(holds: Iterable[Mapping[str, AccountHold]]) -> dict[str, int]:
    """Stakeholders each staff member is a thread of, summed over accounts (a stakeholder is at one account)."""
    load: dict[str, int] = {}
    for by_staff in holds:
        for s, hold in by_staff.items():
            load[s] = load.get(s, 0) + len(hold.threads)
    return load
