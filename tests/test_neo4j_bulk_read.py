"""The Neo4j store's bulk read (``load_accounts``, ``cypher/bulk.cypher``) on the real Bolt test server.

Every snapshot it yields is checked three ways: against the one-account load of the same store
(:meth:`~kamgraph.store.neo4j.Neo4jStore.load_account`, other queries), against the SQLite store holding the
same batch, and -- for what a snapshot holds (stakeholders, staff, meetings and their attendees, ties,
reporting lines) -- against a brute-force reading of the batch itself, written here. On the demo portfolio
and on a synthetic one with people who left, dotted lines (one to another account), offline ties (to our
staff, across accounts, to people who left), a meeting of two accounts, competitor ties and every optional
field set somewhere; with and without an as-of cut. The positional queries are checked against the models'
fields, and the read is repeated with the driver's Rust extension hidden.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamgraph.domain.dataset import AccountSnapshot, Batch
from kamgraph.domain.models import (
    Account,
    CompetitorTie,
    Meeting,
    Relationship,
    Staff,
    Stakeholder,
)
from kamgraph.errors import NotFoundError
from kamgraph.samples.demo import build_demo
from kamgraph.samples.synth import synth_portfolio
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore
from kamgraph.store.cypher import queries
from kamgraph.store.neo4j import Neo4jStore

from .conftest import BoltServer

pytestmark = pytest.mark.bolt

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 6, 30)
CUTS = (None, AS_OF, AS_OF - dt.timedelta(days=90))


def _rich_portfolio() -> Batch:
    """A small synthetic portfolio with every case the bulk read must get right added by hand."""
    batch = synth_portfolio(7, seed=11, as_of=AS_OF, min_stakeholders=8, max_stakeholders=24, min_staff=2,
                            max_staff=5, days=300, meetings_per_stakeholder=2.0)
    by_account: dict[str, list[Stakeholder]] = {}
    for person in batch.stakeholders:
        by_account.setdefault(person.account, []).append(person)
    first, second = batch.accounts[0].id, batch.accounts[1].id
    a, b = by_account[first], by_account[second]
    edited = {}

    def others(person: Stakeholder, n: int) -> list[str]:
        return [p.id for p in by_account[person.account] if p.id not in (person.id, person.reports_to)][:n]
    # dotted lines inside the account, and one to a stakeholder of another account
    edited[a[3].id] = {"dotted_to": others(a[3], 2)}
    edited[a[4].id] = {"dotted_to": [b[0].id]}
    edited[b[5].id] = {"dotted_to": others(b[5], 1)}
    # people who left (one moved on), and every optional field of a stakeholder set somewhere
    edited[a[5].id] = {"left_on": AS_OF - dt.timedelta(days=30), "moved_to": "Rival AG", "note": "line 1\nline 2"}
    edited[b[6].id] = {"left_on": AS_OF - dt.timedelta(days=200)}
    edited[a[6].id] = {"title": "Head of Things", "email": "Someone@Example.com", "verified": False,
                       "cadence_days": 45, "attitude": -2, "influence": 5, "department": None, "seniority": None,
                       "buying_role": None}
    batch.stakeholders = [Stakeholder.model_validate({**p.model_dump(), **edited[p.id]}) if p.id in edited else p
                          for p in batch.stakeholders]
    # a staff member who left, with every field set; one with no account team at all
    staff = batch.staff[0].model_dump()
    staff.update(title="Account Director", email="kam@ourcompany.example", team="EMEA", role="kam",
                 left_on=AS_OF - dt.timedelta(days=10), moved_to="Sabbatical", note="back in 2027")
    loner = Staff(id="st-loner", name="Lone Ranger", role="delivery")
    batch.staff = [Staff.model_validate(staff), *batch.staff[1:], loner]
    team_a = next(s.id for s in batch.staff if first in s.accounts)
    # offline ties: stakeholder -> our staff, our staff -> stakeholder, across accounts, to someone who left,
    # staff -> staff (no stakeholder end: in no snapshot), and to the staff member on no team
    batch.relationships += [
        Relationship(source=a[7].id, target=team_a, kind="knows", weight=0.9),
        Relationship(source="st-loner", target=a[1].id, kind="influences", weight=0.5),
        Relationship(source=a[2].id, target=b[3].id, kind="influences", weight=0.7),
        Relationship(source=a[5].id, target=a[0].id, kind="knows", weight=0.6),
        Relationship(source=team_a, target="st-loner", kind="knows", weight=0.3),
        Relationship(source=a[0].id, target=a[5].id, kind="influences", weight=0.2),
    ]
    # one meeting of two accounts with the staff member on no team; one without an account
    batch.meetings += [
        Meeting(id="mx-shared", date=AS_OF - dt.timedelta(days=5), kind="workshop", subject="Joint workshop",
                attendees=["st-loner", a[0].id, b[0].id, b[1].id]),
        Meeting(id="mx-noaccount", date=AS_OF - dt.timedelta(days=120), kind="email", source="mail",
                source_id="msg-1", attendees=[team_a, a[1].id]),
    ]
    # an account with a team but nobody at the client yet
    batch.accounts.append(Account(id="zz-empty", name="Empty Ltd", tier="development"))
    batch.staff = [s.model_copy(update={"accounts": sorted([*s.accounts, "zz-empty"])}) if s.id == loner.id else s
                   for s in batch.staff]
    batch.competitor_ties = [
        CompetitorTie(stakeholder=a[1].id, competitor="Rival AG", strength=4, since=AS_OF - dt.timedelta(days=60),
                      note="prefers their pricing"),
        CompetitorTie(stakeholder=b[2].id, competitor="Other Inc"),
    ]
    batch.person_kinds.update({loner.id: "staff"})
    return batch


def _expected(batch: Batch, account: str, as_of: dt.date | None) -> dict[str, object]:
    """What the snapshot of ``account`` holds, read off the batch by brute force (no store involved)."""
    clients = {p.id for p in batch.stakeholders if p.account == account}
    ours = {s.id for s in batch.staff}
    meetings = sorted((m.date, m.id, sorted(p for p in m.attendees if p in clients or p in ours))
                       for m in batch.meetings if clients & set(m.attendees) and (as_of is None or m.date <= as_of))
    ties = sorted((r.source, r.target, r.kind.value) for r in batch.relationships
                  if (r.source in clients or r.target in clients) and {r.source, r.target} <= clients | ours)
    staff = {s.id for s in batch.staff if account in s.accounts}
    staff |= {p for _, _, people in meetings for p in people if p in ours}
    staff |= {p for tie in ties for p in tie[:2] if p in ours}
    lines = sorted((p.id, m, "solid" if m == p.reports_to else "dotted") for p in batch.stakeholders
                   if p.account == account for m in {*p.dotted_to, *([p.reports_to] if p.reports_to else [])}
                   if m in clients)
    leans = sorted((t.stakeholder, t.competitor) for t in batch.competitor_ties if t.stakeholder in clients)
    return {"stakeholders": sorted(clients), "staff": sorted(staff), "meetings": meetings, "ties": ties,
            "lines": lines, "leans": leans}


def _seen(snapshot: AccountSnapshot) -> dict[str, object]:
    return {"stakeholders": [p.id for p in snapshot.stakeholders], "staff": [s.id for s in snapshot.staff],
            "meetings": [(m.date, m.id, m.attendees) for m in snapshot.meetings],
            "ties": [(r.source, r.target, r.kind.value) for r in snapshot.relationships],
            "lines": sorted((r.stakeholder, r.manager, r.line.value) for r in snapshot.reporting_lines),
            "leans": [(t.stakeholder, t.competitor) for t in snapshot.competitor_ties]}


@pytest.fixture(scope="module", params=["demo", "rich"])
def stores(request: pytest.FixtureRequest, bolt: BoltServer, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[tuple[Batch, GraphStore, GraphStore, str]]:
    """(the batch, a Neo4j store and a SQLite store holding it, the Neo4j database's name)."""
    batch = build_demo(AS_OF) if request.param == "demo" else _rich_portfolio()
    name = bolt.new_database()
    neo = bolt.open(name)
    lite = open_store(f"sqlite:///{tmp_path_factory.mktemp('bulk') / 'kam.db'}", create=True)
    for store in (neo, lite):
        store.import_batch(batch)
    yield batch, neo, lite, name
    neo.close()
    lite.close()
    bolt.release(name)


@pytest.mark.parametrize("as_of", CUTS, ids=["all", "as-of", "cut"])
def test_bulk_snapshots_equal_one_account_loads_sqlite_and_the_batch(
        stores: tuple[Batch, GraphStore, GraphStore, str], as_of: dt.date | None) -> None:
    batch, neo, lite, _ = stores
    ids = neo.account_ids()
    assert ids == sorted(a.id for a in batch.accounts) == lite.account_ids()
    order = [*reversed(ids), ids[0]]  # the order given is kept, a repeated id comes twice
    bulk = list(neo.load_accounts(order, as_of, chunk_size=3))
    assert [s.account.id for s in bulk] == order
    assert bulk == [neo.load_account(i, as_of) for i in order]
    assert bulk == list(lite.load_accounts(order, as_of))
    for snapshot in bulk:
        assert _seen(snapshot) == _expected(batch, snapshot.account.id, as_of), snapshot.account.id
    # every stakeholder in exactly one snapshot; every meeting with a stakeholder in one at least, up to the cut
    assert sorted(p.id for s in bulk[:-1] for p in s.stakeholders) == sorted(p.id for p in batch.stakeholders)
    clients = {p.id for p in batch.stakeholders}
    with_clients = {m.id: m.date for m in batch.meetings if clients & set(m.attendees)}
    seen = {m.id for s in bulk for m in s.meetings}
    assert seen == {i for i, day in with_clients.items() if as_of is None or day <= as_of}
    if as_of == CUTS[-1]:
        assert 0 < len(seen) < len(with_clients)  # the cut leaves some out: the check is not vacuous


@pytest.mark.parametrize("stores", ["rich"], indirect=True)
def test_the_rich_portfolio_holds_the_cases_it_is_for(stores: tuple[Batch, GraphStore, GraphStore, str]) -> None:
    batch, neo, _, _ = stores
    by_id = {s.account.id: s for s in neo.load_accounts(neo.account_ids(), AS_OF)}
    first = by_id[batch.accounts[0].id]
    people = {p.id: p for p in first.stakeholders}
    assert any(p.dotted_to and len(p.dotted_to) == 2 for p in people.values())
    assert any(p.status.value == "left" and p.moved_to == "Rival AG" for p in people.values())
    odd = next(p for p in people.values() if p.cadence_days == 45)
    assert (odd.email, odd.verified, odd.attitude, odd.title) == ("someone@example.com", False, -2, "Head of Things")
    assert "st-loner" in {s.id for s in first.staff}  # from the shared meeting and an offline tie
    assert by_id["zz-empty"].stakeholders == [] and [s.id for s in by_id["zz-empty"].staff] == ["st-loner"]
    shared = next(m for m in first.meetings if m.id == "mx-shared")
    assert len(shared.attendees) == 2  # st-loner and this account's one stakeholder, not the other account's
    assert first.competitor_ties[0].note == "prefers their pricing"


def test_pure_python_driver_reads_the_same(stores: tuple[Batch, GraphStore, GraphStore, str],
                                           bolt: BoltServer) -> None:
    """With ``neo4j-rust-ext`` hidden the driver decodes in Python; the snapshots are the same."""
    _, neo, _, name = stores
    ids = neo.account_ids()
    digest = hashlib.sha256(repr(list(neo.load_accounts(ids, AS_OF))).encode()).hexdigest()
    script = (
        "import sys, hashlib, datetime as dt; sys.modules['neo4j._rust'] = None\n"
        "from neo4j._codec.packstream import v1\n"
        "from kamgraph.store import open_store\n"
        f"store = open_store({bolt.url(name)!r}, password=sys.stdin.read(), env={{}})\n"
        "snaps = list(store.load_accounts(store.account_ids(), dt.date.fromisoformat(sys.argv[1])))\n"
        "print(v1._rust_unpack is None, hashlib.sha256(repr(snaps).encode()).hexdigest())\n")
    done = subprocess.run([sys.executable, "-c", script, AS_OF.isoformat()], input=bolt.password, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", digest]


def _columns(query: str, var: str) -> list[str]:
    """The ``var.field`` names of the first list literal of ``query`` after its RETURN, in order."""
    text = queries()[query].text
    body = text[text.index("[", text.index("RETURN")):]
    return re.findall(rf"\b{var}\.(\w+)", body)


def test_the_positional_queries_read_every_field_in_the_constants_order() -> None:
    fields = {Stakeholder: {"account", "reports_to", "dotted_to"}, Staff: {"accounts"}, Meeting: {"attendees"}}
    columns = {Stakeholder: Neo4jStore._BULK_STAKEHOLDER, Staff: Neo4jStore._BULK_STAFF,
               Meeting: Neo4jStore._BULK_MEETING}
    for model, links in fields.items():
        assert sorted(columns[model]) == sorted(set(model.model_fields) - links), model.__name__
    # the query's list holds those properties in the constants' order (dates as text: toString(c.left_on))
    assert _columns("bulk_people", "c")[:len(Neo4jStore._BULK_STAKEHOLDER)] == list(Neo4jStore._BULK_STAKEHOLDER)
    assert _columns("bulk_staff", "s") == list(Neo4jStore._BULK_STAFF)
    assert _columns("bulk_meetings", "m") == list(Neo4jStore._BULK_MEETING)
    assert _columns("bulk_people", "c")[len(Neo4jStore._BULK_STAKEHOLDER):] == []


def test_read_ahead_stops_cleanly_and_reports_an_unknown_id_where_it_is(
        stores: tuple[Batch, GraphStore, GraphStore, str]) -> None:
    """The next step is read on a thread while one is used: stopping early leaves no thread behind, and an
    unknown id fails when its step is reached, after the snapshots before it."""
    _, neo, _, _ = stores
    ids = neo.account_ids()
    steps = neo.load_accounts(ids * 3, AS_OF, chunk_size=1)
    assert next(steps) == neo.load_account(ids[0], AS_OF)
    assert _read_ahead_threads()  # reading the next step while this one is used
    steps.close()
    assert not _read_ahead_threads()
    got = []
    with pytest.raises(NotFoundError, match="'nope'"):
        for snapshot in neo.load_accounts([ids[1], ids[0], "nope", ids[2]], AS_OF, chunk_size=1):
            got.append(snapshot.account.id)
    assert got == [ids[1], ids[0]]
    assert not _read_ahead_threads()


def _read_ahead_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("kamgraph-read-ahead")]


def test_each_staff_member_is_read_once_per_call_and_the_snapshots_stay_the_same(
        stores: tuple[Batch, GraphStore, GraphStore, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A staff member on many accounts' teams is asked of the server once per ``load_accounts`` call, not
    once per step; the snapshots are still those of the one-account loads (each staff member's own
    accounts included)."""
    batch, neo, _, _ = stores
    ids = neo.account_ids()
    expected = [neo.load_account(i, AS_OF) for i in ids]
    asked: list[str] = []
    values = Neo4jStore._values

    def counting(t: object, name: str, **params: object) -> list[list[object]]:
        if name == "bulk_staff":
            asked.extend(params["ids"])  # type: ignore[arg-type]
        return values(t, name, **params)  # type: ignore[arg-type]

    monkeypatch.setattr(Neo4jStore, "_values", staticmethod(counting))
    got = list(neo.load_accounts(ids, AS_OF, chunk_size=1))  # one step per account
    assert got == expected
    on_many = {s.id for snap in expected for s in snap.staff
               if sum(s.id in {m.id for m in other.staff} for other in expected) > 1}
    assert on_many  # the check is not vacuous: some staff member is in several accounts' snapshots
    assert sorted(asked) == sorted(set(asked))  # nobody asked twice
    staff = {s.id for snap in expected for s in snap.staff}
    assert set(asked) >= staff
    # the others asked are the ends of ties to other accounts' stakeholders: not staff, and not asked again
    assert set(asked) - staff <= {p.id for p in batch.stakeholders}
