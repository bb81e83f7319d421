"""Seeded synthetic accounts and portfolios, for benchmarks and property-based tests.

Unlike :mod:`kamgraph.samples.demo`, which is hand-written to tell a story, these
accounts are random but shaped like real ones: a reporting tree under a chief
executive, departments with heads, buying roles and influence by level, staff
who each look after a part of the client, meetings over two years with more
of them recently, a few departures and known ties.

Examples
--------
>>> import datetime as dt
>>> b = synth_account("acc", seed=3, stakeholders=40, staff=6, as_of=dt.date(2025, 1, 1))
>>> len(b.stakeholders), len(b.staff), len(b.meetings) > 0
(40, 6, True)
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from ..domain.dataset import Batch
from ..domain.models import Account, Meeting, Relationship, Staff, Stakeholder

__all__ = ["synth_account", "synth_portfolio", "portfolio_plan", "DEPARTMENTS"]

DEPARTMENTS = ("Finance", "IT", "Operations", "Procurement", "Supply Chain", "Sales", "Marketing", "Legal",
               "HR", "R&D", "Quality", "Customer Service")

_FIRST = ("Ada", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jin", "Kai", "Lea", "Max", "Nia",
          "Oto", "Pia", "Quinn", "Rae", "Sol", "Tia", "Uma", "Vik", "Wen", "Xia", "Yan", "Zoe")
_LAST = ("Abe", "Berg", "Cruz", "Diaz", "Eng", "Fox", "Gray", "Holm", "Ito", "Jung", "Kahn", "Lund", "Moss",
         "Nakamura", "Ortiz", "Park", "Quist", "Ruiz", "Sato", "Tan", "Ueda", "Vogel", "Wolf", "Xu", "Young", "Zeller")
_STAFF_ROLES = ("solution_engineer", "delivery", "support", "sales", "product", "delivery", "support")
_KINDS = ("meeting", "meeting", "meeting", "call", "call", "email", "email", "workshop", "qbr", "event")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def _stakeholders(account: str, n: int, rng: random.Random, as_of: dt.date, days: int) -> list[Stakeholder]:
    n_depts = max(2, min(len(DEPARTMENTS), 2 + n // 30))
    depts = rng.sample(DEPARTMENTS, n_depts)
    people: list[dict[str, object]] = [{"id": f"{account}-c000", "department": "Executive", "seniority": "c_level",
                                        "reports_to": None, "buying_role": "decision_maker", "influence": 5}]
    heads = {}
    for i, dept in enumerate(depts, start=1):
        pid = f"{account}-c{i:03d}"
        heads[dept] = pid
        people.append({"id": pid, "department": dept, "seniority": "c_level" if i <= 2 else "vp",
                       "reports_to": people[0]["id"], "influence": 5 if i <= 2 else 4,
                       "buying_role": "economic_buyer" if i == 1 else ("decision_maker" if i == 2 else None)})
    by_dept: dict[str, list[dict[str, object]]] = {d: [people[i + 1]] for i, d in enumerate(depts)}
    levels = ("director", "manager", "individual")
    for i in range(len(people), n):
        dept = rng.choice(depts)
        pool = [p for p in by_dept[dept] if p["seniority"] != "individual"] or by_dept[dept]
        manager = rng.choice(pool[-6:])  # recent managers: realistic span of control
        level_index = min(2, (levels.index(manager["seniority"]) + 1) if manager["seniority"] in levels else 0)
        level = levels[level_index]
        influence = {"director": rng.choice((3, 4)), "manager": rng.choice((2, 3)), "individual": rng.choice((1, 2))}
        person = {"id": f"{account}-c{i:03d}", "department": dept, "seniority": level,
                  "reports_to": manager["id"], "influence": influence[level], "buying_role": None}
        people.append(person)
        by_dept[dept].append(person)
    people = people[:n]
    roles = ["champion", "champion", "technical_buyer", "coach", "gatekeeper", "blocker"]
    candidates = [p for p in people[1:] if p["buying_role"] is None and p["seniority"] in ("vp", "director")]
    rng.shuffle(candidates)
    for person, role in zip(candidates, roles, strict=False):
        person["buying_role"] = role
    for person in people:
        if person["buying_role"] is None:
            roll = rng.random()
            person["buying_role"] = "influencer" if roll < 0.12 else ("user" if roll < 0.45 else None)
    result = []
    for p in people:
        left = None
        if p["id"] != people[0]["id"] and rng.random() < 0.05:
            left = as_of - dt.timedelta(days=rng.randrange(1, days))
        result.append(Stakeholder(
            id=p["id"], account=account, name=_name(rng), department=p["department"], seniority=p["seniority"],
            buying_role=p["buying_role"], influence=p["influence"], attitude=rng.choice((-1, 0, 0, 1, 1, 2)),
            reports_to=p["reports_to"], left_on=left))
    return result


def _meetings(account: str, clients: Sequence[Stakeholder], staff: Sequence[Staff], rng: random.Random,
              as_of: dt.date, days: int, per_stakeholder: float) -> list[Meeting]:
    # Each staff member looks after a slice of the client: the KAM (first) the top, others departments.
    depts = sorted({c.department or "" for c in clients})
    cover: dict[str, list[str]] = {}
    for i, member in enumerate(staff):
        if i == 0:
            chosen = [c for c in clients if c.influence >= 4] + rng.sample(list(clients), min(len(clients), 8))
        else:
            mine = {rng.choice(depts) for _ in range(rng.randint(1, 2))}
            chosen = [c for c in clients if c.department in mine and rng.random() < 0.6]
        cover[member.id] = sorted({c.id for c in chosen}) or [rng.choice(clients).id]
    staff_weights = [6.0] + [1.0 + rng.random() * 2 for _ in staff[1:]]
    left = {c.id: c.left_on for c in clients if c.left_on}
    total = int(len(clients) * per_stakeholder)
    meetings = []
    for i in range(total):
        age = int(days * (rng.random() ** 1.6))  # more meetings recently
        date = as_of - dt.timedelta(days=age)
        lead = rng.choices(staff, weights=staff_weights)[0]
        ours = {lead.id}
        if rng.random() < 0.3:
            ours.add(rng.choice(staff).id)
        pool = [c for c in cover[lead.id] if c not in left or date < left[c]]
        if not pool:
            continue
        theirs = rng.sample(pool, min(len(pool), rng.choice((1, 1, 1, 2, 2, 3, 4))))
        meetings.append(Meeting(id=f"{account}-m{i:05d}", account=account, date=date, kind=rng.choice(_KINDS),
                                subject="Synthetic meeting", source="synth", attendees=[*ours, *theirs]))
    return meetings


def synth_account(account: str, *, seed: int, stakeholders: int, staff: int | Sequence[Staff],
                  as_of: dt.date, days: int = 730, meetings_per_stakeholder: float = 3.0) -> Batch:
    """One random account.

    Parameters
    ----------
    account : str
        Account id (also the prefix of its people and meetings).
    seed : int
        The same seed gives the same account.
    stakeholders : int
        Number of client people (at least 3).
    staff : int or sequence of Staff
        Number of our people to create for this account, or existing staff to use.
    as_of : datetime.date
        The last day of the meeting history.
    days : int
        Length of the meeting history.
    meetings_per_stakeholder : float
        Meetings per client person over the whole history.
    """
    rng = random.Random(f"{seed}:{account}")
    clients = _stakeholders(account, max(3, stakeholders), rng, as_of, days)
    if isinstance(staff, int):
        roles = ["kam", "exec_sponsor", *(_STAFF_ROLES[i % len(_STAFF_ROLES)] for i in range(max(0, staff - 2)))]
        team = [Staff(id=f"{account}-s{i:02d}", name=_name(rng), role=roles[i], accounts=[account])
                for i in range(max(1, staff))]
        new_staff = team
    else:
        team, new_staff = list(staff), []
    meetings = _meetings(account, clients, team, rng, as_of, days, meetings_per_stakeholder)
    ids = [c.id for c in clients]
    ties = {}
    for _ in range(len(clients) // 10):
        a, b = rng.sample(ids, 2)
        ties[(a, b)] = Relationship(source=a, target=b, kind=rng.choice(("knows", "influences")),
                                    weight=round(0.3 + rng.random() * 0.7, 2))
    acc = Account(id=account, name=f"Account {account}", tier=rng.choice(("key", "strategic", "development")),
                  revenue=float(rng.randrange(50, 5000) * 1000), potential=float(rng.randrange(100, 9000) * 1000),
                  category_spend=float(rng.randrange(1000, 20000) * 1000), currency="EUR",
                  criteria={"growth_potential": rng.randrange(0, 11), "product_fit": rng.randrange(0, 11),
                            "strategic_value": rng.randrange(0, 11)})
    kinds = {s.id: "staff" for s in team} | {c.id: "stakeholder" for c in clients}
    return Batch(accounts=[acc], staff=new_staff, stakeholders=clients, meetings=meetings,
                 relationships=list(ties.values()), person_kinds=kinds)


def portfolio_plan(accounts: int = 2000, *, seed: int = 1, min_stakeholders: int = 30,
                   max_stakeholders: int = 300, min_staff: int = 5, max_staff: int = 40
                   ) -> tuple[list[Staff], list[tuple[str, int, list[str]]]]:
    """The staff pool and, per account, ``(id, stakeholders, team staff ids)`` of a portfolio.

    Lets a worker process build only its share of :func:`synth_portfolio`'s accounts.
    """
    rng = random.Random(seed)
    pool = [Staff(id=f"st-{i:05d}", name=_name(rng), role=("kam" if i % 10 == 0 else _STAFF_ROLES[i % 7]))
            for i in range(max(60, accounts // 3))]
    plan = []
    for i in range(accounts):
        size = rng.randint(min_stakeholders, max_stakeholders)
        team = rng.sample(pool, rng.randint(min_staff, min(max_staff, len(pool))))
        plan.append((f"a{i:05d}", size, [s.id for s in team]))
    teams: dict[str, list[str]] = {}
    for account, _, team_ids in plan:
        for sid in team_ids:
            teams.setdefault(sid, []).append(account)
    pool = [s.model_copy(update={"accounts": sorted(teams.get(s.id, []))}) for s in pool]
    return pool, plan


def synth_portfolio(accounts: int = 2000, *, seed: int = 1, as_of: dt.date, min_stakeholders: int = 30,
                    max_stakeholders: int = 300, min_staff: int = 5, max_staff: int = 40, days: int = 730,
                    meetings_per_stakeholder: float = 3.0) -> Batch:
    """A portfolio of random accounts sharing one pool of staff.

    Sizes are drawn uniformly from the given ranges; the staff pool has
    ``max(60, accounts // 3)`` people, each account team a sample of it
    (see :func:`portfolio_plan`).

    Examples
    --------
    >>> import datetime as dt
    >>> p = synth_portfolio(3, seed=1, as_of=dt.date(2025, 1, 1), max_stakeholders=40)
    >>> len(p.accounts), all(30 <= sum(s.account == a.id for s in p.stakeholders) <= 40 for a in p.accounts)
    (3, True)
    """
    pool, plan = portfolio_plan(accounts, seed=seed, min_stakeholders=min_stakeholders,
                                max_stakeholders=max_stakeholders, min_staff=min_staff, max_staff=max_staff)
    by_id = {s.id: s for s in pool}
    result = Batch()
    for account, size, team_ids in plan:
        result.extend(synth_account(account, seed=seed, stakeholders=size, staff=[by_id[s] for s in team_ids],
                                    as_of=as_of, days=days, meetings_per_stakeholder=meetings_per_stakeholder))
    result.staff = pool
    result.person_kinds.update({s.id: "staff" for s in pool})
    return result
