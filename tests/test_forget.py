"""kamgraph forget: nothing of an erased person is left -- not in the SQLite file's bytes (free pages and WAL
included), not in a full dump of the Neo4j database, not in the alert state or the webhook outbox."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.domain.dataset import Batch
from kamgraph.domain.erasure import Erasure
from kamgraph.domain.models import Meeting, Relationship, Staff, Stakeholder
from kamgraph.errors import InputError
from kamgraph.monitor.alerts import run_alerts
from kamgraph.monitor.departure import record_departure
from kamgraph.monitor.forget import forget
from kamgraph.samples.demo import build_demo
from kamgraph.settings import load_settings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore
from kamgraph.store.cypher import parse_queries, queries

from .conftest import BoltServer

ANCHOR = dt.date(2026, 11, 1)
#: No retries of the refused webhook (each would wait a second or two).
QUICK = load_settings(None, env={"KAMGRAPH_ALERTS__WEBHOOK__RETRIES": "0"})
NAME, EMAIL = "Zuzanna Quillfeather", "zuzanna.quillfeather@northwind-logistics.example"
STAFF_NAME, STAFF_EMAIL = "Ottoline Brackenbury", "ottoline.brackenbury@ours.example"


def _secret_person(store: GraphStore) -> None:
    """The demo, plus one stakeholder whose name and address appear nowhere else, with a bit of everything."""
    store.import_batch(build_demo(ANCHOR))
    day = ANCHOR - dt.timedelta(days=20)
    store.import_batch(Batch(
        stakeholders=[Stakeholder(id="nw-zq", account="northwind", name=NAME, email=EMAIL, title="Head of Fleet",
                                  buying_role="champion", influence=5, reports_to="nw-coo",
                                  note="Met at the depot; prefers calls"),
                      Stakeholder(id="nw-zq-report", account="northwind", name="Harald Okonkwo", influence=2,
                                  reports_to="nw-zq")],
        staff=[Staff(id="st-ob", name=STAFF_NAME, email=STAFF_EMAIL, role="kam", accounts=["northwind"])],
        meetings=[Meeting(id="zq-1", account="northwind", date=day, kind="meeting", subject=f"Fleet plan with {NAME}",
                          source="ics", source_id=f"uid-1-{EMAIL}", attendees=["nw-zq", "st-maya"]),
                  Meeting(id="zq-2", account="northwind", date=day, kind="qbr",
                          subject=f"QBR: {NAME} and the COO", attendees=["nw-zq", "nw-coo", "st-maya", "st-ob"]),
                  Meeting(id="ob-1", account="northwind", date=day, kind="call", subject="Ottoline's intro call",
                          attendees=["st-ob", "nw-cfo"])],
        relationships=[Relationship(source="nw-zq", target="nw-cfo", kind="knows", weight=0.5)]))
    coo = store.get_person("nw-coo")
    store.import_batch(Batch(stakeholders=[coo.model_copy(update={"note": f"Close to {NAME}; ask her first"})]))


def _raise_alerts(store: GraphStore) -> None:
    """Alerts and a queued webhook payload that name her (the webhook's port refuses connections)."""
    run_alerts(store, ANCHOR - dt.timedelta(days=10))
    record_departure(store, "nw-zq", ANCHOR)
    run = run_alerts(store, ANCHOR, webhook_url="http://127.0.0.1:9/hook", settings=QUICK)
    assert any(a.subject == "nw-zq" for a in run.new)  # her departure alert


def _everything_text(store: GraphStore) -> str:
    """Every record and the alert state, as text (what the library can still read)."""
    batch = store.dump()
    records = [r.model_dump(mode="json") for kind in ("accounts", "staff", "stakeholders", "meetings",
                                                      "relationships") for r in getattr(batch, kind)]
    return json.dumps([records, store.dump_alert_state().model_dump(mode="json")], ensure_ascii=False)


def _sqlite_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def _neo4j_dump(bolt: BoltServer, database: str) -> str:
    """Every node and relationship with all its properties, through the plain driver."""
    import neo4j

    book = queries()
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
        found = [driver.execute_query(book[name].text, database_=database).records
                 for name in ("erase_verify_nodes", "erase_verify_links")]
    return json.dumps([[r.data() for r in records] for records in found], default=str, ensure_ascii=False)


def _add_schema4_rows_sqlite(path: Path) -> None:
    """Objective, competitor tie, provenance and metrics rows about her (their store methods live elsewhere)."""
    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT INTO objective (id, account_id, kind, subject, target, owner_id, due, created_on, note) "
                   "VALUES ('o-1', 'northwind', 'meet', 'nw-zq', NULL, 'st-maya', '2026-12-01', '2026-10-01', ?)",
                   (f"Win {NAME} back",))
        db.execute("INSERT INTO objective (id, account_id, kind, subject, due, created_on) "
                   "VALUES ('o-keep', 'northwind', 'meet', 'nw-cfo', '2026-12-01', '2026-10-01')")
        db.execute("INSERT INTO competitor_tie (stakeholder_id, competitor, strength, note) "
                   "VALUES ('nw-zq', 'Globex', 4.0, ?)", (f"{EMAIL} took their demo",))
        db.execute("INSERT INTO provenance VALUES ('stakeholder', 'nw-zq', 'crm', ?, '2026-01-01', '2026-10-01')",
                   (EMAIL,))
        db.execute("INSERT INTO person_metrics (account_id, person_id, as_of, kind, name, threads, articulation_point, "
                   "cut_off, removal_share, bridging) VALUES ('northwind', 'nw-zq', '2026-10-01', 'stakeholder', ?, "
                   "1, 0, 0, 0.0, 0.0)", (NAME,))
        db.execute("INSERT INTO tie_metrics (account_id, staff_id, stakeholder_id, as_of, strength, meetings, "
                   "first_met, last_met, thread, sole_thread) VALUES ('northwind', 'st-maya', 'nw-zq', '2026-10-01', "
                   "0.5, 2, '2026-09-01', '2026-09-20', 1, 1)")
    db.close()


def _add_schema4_nodes_neo4j(bolt: BoltServer, database: str) -> None:
    """An objective about her, one about somebody else, and her leaning to a competitor (tests/data/erase)."""
    import neo4j

    seed = parse_queries((Path(__file__).parent / "data" / "erase" / "seed.cypher").read_text(), "seed.cypher")
    notes = {"objective_about_her": f"Win {NAME} back", "leaning_to_a_competitor": f"{EMAIL} took their demo"}
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(bolt.user, bolt.password)) as driver:
        for name, query in seed.items():
            driver.execute_query(query.text, {"note": notes.get(name)}, database_=database)


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.bolt)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """(store, raw text of everything the backend holds) for each backend."""
    if request.param == "sqlite":
        path = tmp_path / "kam.db"
        store = open_store(f"sqlite:///{path}", create=True)
        _secret_person(store)
        _add_schema4_rows_sqlite(path)

        def raw() -> bytes:
            return _sqlite_bytes(path)

        yield store, raw
        store.close()
        return
    bolt: BoltServer = request.getfixturevalue("bolt")
    database = bolt.new_database()
    store = bolt.open(database)
    _secret_person(store)
    _add_schema4_nodes_neo4j(bolt, database)

    def dump() -> bytes:
        return _neo4j_dump(bolt, database).encode("utf-8")

    yield store, dump
    store.close()
    bolt.release(database)


def _holds(raw: bytes, text: str) -> bool:
    return text.encode("utf-8") in raw or text.lower().encode("utf-8") in raw.lower()


def test_forget_a_person_leaves_nothing_of_them(backend: Any) -> None:
    store, raw = backend
    _raise_alerts(store)
    before_meetings = {m.id for m in store.dump().meetings}
    assert _holds(raw(), NAME) and _holds(raw(), EMAIL)  # the search below can fail
    assert NAME in json.dumps([d.payload for d in store.pending_deliveries()], ensure_ascii=False)
    result = forget(store, people=["nw-zq"])
    c = result.counts
    assert (result.people, c.stakeholders, c.staff, c.accounts) == (1, 1, 0, 0)
    # zq-1 had no other stakeholder: it goes; zq-2 keeps the COO (its subject loses her name).
    assert c.meetings == 1 and {m.id for m in store.dump().meetings} == before_meetings - {"zq-1"}
    assert c.reporting_lines == 2 and c.relationships == 1 and c.competitor_ties == 1
    assert c.objectives == 1 and c.alerts >= 1 and c.outbox >= 1 and c.texts_scrubbed >= 2
    dumped = _everything_text(store)
    assert NAME not in dumped and EMAIL not in dumped and '"nw-zq"' not in dumped
    assert not _holds(raw(), NAME) and not _holds(raw(), EMAIL)
    assert store.find_mentions(Erasure(needles=[NAME, EMAIL])) == 0
    assert store.find_mentions(Erasure(needles=["Harald Okonkwo"])) >= 1  # the search finds what is there
    # What stays is intact: her report, the COO (note scrubbed, not lost), the kept meeting.
    assert store.get_person("nw-zq-report").reports_to is None
    assert store.get_person("nw-coo").note == "Close to [erased]; ask her first"
    kept = next(m for m in store.dump().meetings if m.id == "zq-2")
    assert kept.subject == "QBR: [erased] and the COO" and "nw-zq" not in kept.attendees
    # The next alert run finds nothing new about her, and nothing fails.
    again = run_alerts(store, ANCHOR)
    assert not any("nw-zq" in a.key for a in again.new)


def test_forget_a_staff_member(backend: Any) -> None:
    store, raw = backend
    result = forget(store, people=["st-ob"])
    assert (result.counts.staff, result.counts.meetings) == (1, 0)  # ob-1 keeps the CFO
    ob = next(m for m in store.dump().meetings if m.id == "ob-1")
    assert ob.attendees == ["nw-cfo"]
    assert not _holds(raw(), STAFF_NAME) and not _holds(raw(), STAFF_EMAIL)


def test_forget_an_account(backend: Any) -> None:
    store, raw = backend
    _raise_alerts(store)
    theirs = {p.id for p in store.list_stakeholders(["northwind"])}
    staff_before = {s.id for s in store.dump().staff}
    others = {a: len(store.load_account(a).meetings) for a in ("helios", "orbit", "quarry")}
    result = forget(store, accounts=["Northwind Logistics"])
    assert result.accounts == 1 and result.counts.stakeholders == len(theirs) and result.counts.accounts == 1
    assert "northwind" not in store.account_ids() and not store.get_people(theirs)
    assert {s.id for s in store.dump().staff} == staff_before  # our staff stay (st-tom is on helios too)
    assert {a: len(store.load_account(a).meetings) for a in others} == others
    assert not [a for a in store.dump_alert_state().alerts if a.account == "northwind"]
    assert "northwind" not in {c.account for c in store.dump_alert_state().checks}
    assert not _holds(raw(), NAME) and not _holds(raw(), "Northwind Logistics")


def test_unknown_people_are_an_input_error(store: GraphStore) -> None:
    with pytest.raises(InputError, match="no person with id 'nobody'"):
        forget(store, people=["nobody"])
    with pytest.raises(InputError, match="name a person"):
        forget(store)


def test_forget_command_asks_first_and_prints_counts(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "kam.db"
    with open_store(f"sqlite:///{path}", create=True) as store:
        _secret_person(store)
    args = ["--store", f"sqlite:///{path}", "forget"]
    no = runner.invoke(cli, [*args, EMAIL], input="n\n")
    assert no.exit_code == 1 and f"{NAME} (nw-zq, stakeholder at northwind)" in no.output
    assert _holds(_sqlite_bytes(path), NAME)
    yes = runner.invoke(cli, [*args, NAME, "--yes", "--verify", "--json"])
    assert yes.exit_code == 0, yes.output
    data = json.loads(yes.output)
    assert (data["people"], data["counts"]["stakeholders"], data["counts"]["meetings"], data["remaining"]) == (
        1, 1, 1, 0)
    assert NAME not in yes.output and EMAIL not in yes.output
    assert not _holds(_sqlite_bytes(path), NAME) and not _holds(_sqlite_bytes(path), EMAIL)
    text = runner.invoke(cli, [*args, "--account", "orbit", "--yes"])
    assert text.exit_code == 0 and "Erased 1 account and" in text.output
    none = runner.invoke(cli, args)
    assert none.exit_code == 2 and none.output.startswith("Error: ") and len(none.output.splitlines()) == 1


def test_forget_the_people_a_stored_snapshot_names(backend: Any) -> None:
    """After ``analyze --write``, Northwind's stored snapshot names its top staff member and its most critical
    person by id; erasing them leaves no snapshot property or row holding either id (both stores)."""
    from kamgraph.portfolio.snapshots import write_snapshots
    from kamgraph.settings import Settings

    store, raw = backend
    write_snapshots(store, ANCHOR, Settings(), accounts=["northwind"])
    stored = store.account_metrics(["northwind"], ANCHOR)["northwind"]
    named = {stored.top_staff, stored.most_critical_person} - {None}
    assert named and all(pid.encode() in raw() for pid in named)  # the search below can fail
    result = forget(store, people=sorted(named))
    assert result.counts.metrics >= 1
    assert store.account_metrics(["northwind"], ANCHOR) == {}  # the snapshot that named them is gone
    left = raw()
    for pid in named:
        assert pid.encode() not in left, pid
