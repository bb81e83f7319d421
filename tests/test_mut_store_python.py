"""Tests written for the survivors of the mutation run of the Python code of ``kamgraph/store``
(``scripts/mutation.sh store``, docs/mutation.md): URL display, the Cypher catalogue's loader and errors,
account-name matching, and SQLite paths the contract suite did not pin. Every expectation is written out by
hand in the test; stored values are read back with plain SQL where the store's own reader could hide them.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from kamgraph.domain.alert_state import AlertRecord, Delivery
from kamgraph.domain.dataset import STORED_KINDS, Batch
from kamgraph.domain.erasure import Erasure, ErasureCounts
from kamgraph.domain.models import Account, CompetitorTie, Meeting, Relationship, Staff, Stakeholder
from kamgraph.domain.plans import Objective
from kamgraph.errors import ConflictError, InputError, NotFoundError, StoreError
from kamgraph.settings import ExecutorSettings
from kamgraph.store import cypher as cypher_module
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore, _best_name_matches
from kamgraph.store.cypher import CypherCatalogError, NamedQuery, load_queries, parse_queries, query_dir
from kamgraph.store.executor import DaskExecutor, ProcessExecutor, executor_for
from kamgraph.store.sqlite import SqliteStore
from kamgraph.store.transfer import copy_alert_state, copy_steps, copy_store
from kamgraph.store.url import is_neo4j_url, shown_url

ROOT = Path(__file__).resolve().parent.parent


# -- shown_url -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("url", "shown"), [
    ("kam.db", "kam.db"),                                               # no scheme: as given
    ("/tmp/a?b#c", "/tmp/a?b#c"),
    ("bolt://u:pw@db.example:7687", "bolt://db.example:7687"),          # user-info dropped
    ("bolt://neo4j:p@ss@db.example:7687/x", "bolt://db.example:7687/x"),  # a password with '@' in it
    ("bolt://db.example:7687/x?password=s3cret?x=1", "bolt://db.example:7687/x"),  # the whole query, two '?'
    ("bolt://db.example:7687/x?next=http://evil", "bolt://db.example:7687/x"),    # '://' again in the query
    ("neo4j://h/x#a#b", "neo4j://h/x"),                                 # the whole fragment, two '#'
    ("bolt://u:pw@h/a@b/c", "bolt://h/a@b/c"),                          # an '@' in the path stays
])
def test_shown_url_drops_user_info_query_and_fragment(url: str, shown: str) -> None:
    assert shown_url(url) == shown


def test_the_scheme_is_what_comes_before_the_first_separator() -> None:
    assert is_neo4j_url("bolt://db.example:7687/x?next=http://elsewhere")
    assert is_neo4j_url("NEO4J+S://db.example")
    assert not is_neo4j_url("http://db.example/x?next=bolt://db")
    assert not is_neo4j_url("kam.db")


# -- the Cypher catalogue -----------------------------------------------------------------------------

def test_parse_queries_keeps_every_field() -> None:
    source = ("// a comment before the first header\n"
              "// name: first\n"
              "// The first one.\n"
              "match (n)\n"
              "RETURN n\n"
              "\n"
              "// name: second\n"
              "//Tight description.\n"
              "RETURN 2\n"
              "// name: third\n"
              "//3\n"
              "RETURN 3\n")
    assert parse_queries(source, "x.cypher") == {
        "first": NamedQuery(name="first", description="The first one.", text="match (n)\nRETURN n",
                            file="x.cypher", line=2),
        "second": NamedQuery(name="second", description="Tight description.", text="RETURN 2",
                             file="x.cypher", line=7),
        "third": NamedQuery(name="third", description="3", text="RETURN 3", file="x.cypher", line=10),
    }


@pytest.mark.parametrize(("source", "message"), [
    ("// name: last", "x.cypher:1: query 'last' needs a one-line '// description' right after its name"),
    ("// name: a\n// name: b\n// B.\nRETURN 1", "x.cypher:1: query 'a' needs a one-line '// description' "
                                                "right after its name"),
    ("// name: a\n//   \nRETURN 1", "x.cypher:1: query 'a' needs a one-line '// description' right after its name"),
    ("// name: a\n// A.", "x.cypher:1: query 'a' has no statement"),
])
def test_parse_queries_errors_name_file_and_line(source: str, message: str) -> None:
    with pytest.raises(CypherCatalogError) as caught:
        parse_queries(source, "x.cypher")
    assert str(caught.value) == message


def test_an_unknown_query_name_lists_at_most_three_near_misses() -> None:
    source = "".join(f"// name: count_{w}\n// Count {w}.\nRETURN 1\n" for w in ("aa", "ab", "ac", "ad"))
    book = cypher_module.QueryBook(parse_queries(source, "x.cypher"))
    with pytest.raises(CypherCatalogError) as caught:
        book["count_a"]
    message = str(caught.value)
    hint = re.fullmatch(r"no Cypher query named 'count_a' in cypher/\*\.cypher \(did you mean (.*)\?\)", message)
    assert hint, message
    near = hint[1].split(", ")
    assert len(near) == 3 and set(near) <= {"count_aa", "count_ab", "count_ac", "count_ad"}
    with pytest.raises(CypherCatalogError) as caught:
        book["zzz"]
    assert str(caught.value) == "no Cypher query named 'zzz' in cypher/*.cypher"


def test_load_queries_reads_every_file_of_the_shipped_catalogue() -> None:
    # counted from the files themselves: every '// name:' header of cypher/*.cypher
    expected = {m for f in (ROOT / "cypher").glob("*.cypher")
                for m in re.findall(r"^//\s*name:\s*(\S+)\s*$", f.read_text(), re.MULTILINE)}
    assert set(load_queries()) == expected
    assert len(load_queries()) == len(expected)


def test_load_queries_from_a_directory_reads_only_cypher_files(tmp_path: Path) -> None:
    (tmp_path / "b.cypher").write_text("// name: bee\n// Größe.\nRETURN 'ß'\n", encoding="utf-8")
    (tmp_path / "a.cypher").write_text("// name: ay\n// A.\nRETURN 1\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("// name: not_a_query\n// No.\nRETURN 0\n")
    book = load_queries(tmp_path)
    assert list(book) == ["ay", "bee"]
    assert (book["bee"].description, book["bee"].text) == ("Größe.", "RETURN 'ß'")
    (tmp_path / "c.cypher").write_text("// name: ay\n// Again.\nRETURN 3\n")
    with pytest.raises(CypherCatalogError) as caught:
        load_queries(tmp_path)
    assert str(caught.value) == "c.cypher:1: duplicate query name 'ay' (first defined at a.cypher:1)"


def test_a_missing_query_directory_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an installed package without its cypher/ data: a real directory standing for the package, empty
    monkeypatch.setattr(cypher_module.resources, "files", lambda package: tmp_path)
    with pytest.raises(CypherCatalogError) as caught:
        query_dir()
    assert str(caught.value) == ("the Cypher query files are missing (kamgraph/cypher/ does not exist); "
                                 "reinstall kamgraph")


# -- account names -----------------------------------------------------------------------------------------

def test_best_name_matches_prefers_the_exact_name_and_sorts_by_id() -> None:
    accounts = [Account(id="2", name="Twin"), Account(id="0", name="X"), Account(id="1", name="twin")]
    assert [a.id for a in _best_name_matches(accounts, "Twin")] == ["2"]
    assert [a.id for a in _best_name_matches(accounts, "twin")] == ["1"]
    assert [a.id for a in _best_name_matches(accounts, "TWIN")] == ["1", "2"]
    assert _best_name_matches(accounts, "Twins") == []


def test_sqlite_finds_non_ascii_account_names_ignoring_case(tmp_path: Path) -> None:
    # NOCASE folds ASCII only; a non-ASCII name goes through the generic casefold() comparison
    accounts = [Account(id="k2", name="Ærø Fisk"), Account(id="k1", name="ærø fisk"), Account(id="k3", name="Ærø")]
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(Batch(accounts=accounts))
        assert [a.id for a in store.find_account_by_name("ÆRØ FISK")] == ["k1", "k2"]
        assert [a.id for a in store.find_account_by_name("Ærø Fisk")] == ["k2"]
        assert [a.id for a in store.find_account_by_name("acme")] == []


# -- SQLite paths --------------------------------------------------------------------------------------------

def _people() -> Batch:
    return Batch(accounts=[Account(id="acc", name="Acme", tier="A", segment="Retail")],
                 staff=[Staff(id="s1", name="Sam", email="Sam@Us.example", accounts=["acc"]),
                        Staff(id="s0", name="Zed", email="shared@x.example", accounts=["acc"])],
                 stakeholders=[Stakeholder(id="c1", account="acc", name="Cy", email="cy@them.example"),
                               Stakeholder(id="c2", account="acc", name="Di", email="shared@x.example")])


def test_people_by_email_finds_staff_and_stakeholders_case_blind(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_people())
        store.import_batch(Batch(staff=[Staff(id="s9", name="Not asked for", email="other@us.example")]))
        found = store.people_by_email(["SAM@us.example", "cy@them.example", "shared@x.example", "no@one.example"])
    # emails are stored lower-cased; a shared address goes to the lowest id ("c2" sorts before "s0")
    assert {email: person.id for email, person in found.items()} == {
        "sam@us.example": "s1", "cy@them.example": "c1", "shared@x.example": "c2"}


def test_list_accounts_carries_tier_and_segment(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_people())
        store.import_batch(Batch(accounts=[Account(id="b", name="Bare")]))
        rows = [(a.id, a.name, a.tier, a.segment, a.stakeholders, a.staff) for a in store.list_accounts()]
    assert rows == [("acc", "Acme", "A", "Retail", 2, 2), ("b", "Bare", None, None, 0, 0)]


def test_removing_a_competitor_tie_bumps_the_data_generation_once(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_people())
        store.import_batch(Batch(competitor_ties=[CompetitorTie(stakeholder="c1", competitor="Rival")]))
        before = store.data_generation()
        assert store.remove_competitor_tie("c1", "Rival") is True
        assert store.data_generation() == before + 1
        assert store.remove_competitor_tie("c1", "Rival") is False
        assert store.data_generation() == before + 1
        assert store.competitor_ties() == []


def test_objectives_store_closed_on_and_sorted_data_and_name_the_missing_id(tmp_path: Path) -> None:
    path = tmp_path / "kam.db"
    done = Objective(id="acc-1", account="acc", kind="cover_person", subject="c1", due=dt.date(2026, 6, 30),
                     created_on=dt.date(2026, 5, 1), state="done", closed_on=dt.date(2026, 5, 20),
                     data={"zeta": 1, "alpha": [2]})
    with open_store(f"sqlite:///{path}", create=True) as store:
        store.import_batch(_people())
        store.save_objective(done)
        assert store.get_objective("acc-1").closed_on == dt.date(2026, 5, 20)
        for call in (lambda: store.get_objective("nope"), lambda: store.delete_objective("nope"),
                     lambda: store.set_objective_state("nope", "done", dt.date(2026, 5, 2))):
            with pytest.raises(NotFoundError) as caught:
                call()
            assert str(caught.value) == "no objective with id 'nope'"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT closed_on, data FROM objective").fetchall() == [
            ("2026-05-20", '{"alpha": [2], "zeta": 1}')]


def test_departures_name_the_person_and_refuse_a_second_one(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_people())
        assert store.mark_left("c1", dt.date(2026, 3, 1)).left_on == dt.date(2026, 3, 1)
        with pytest.raises(ConflictError) as caught:
            store.mark_left("c1", dt.date(2026, 4, 1))
        assert str(caught.value) == "c1 is already recorded as left; 'kamgraph return c1' undoes that"
        assert store.mark_returned("c1").left_on is None
        for call in (lambda: store.mark_left("ghost", dt.date(2026, 3, 1)), lambda: store.mark_returned("ghost")):
            with pytest.raises(NotFoundError) as missing:
                call()
            assert str(missing.value) == "no person with id 'ghost'"
        with pytest.raises(NotFoundError) as caught_delivery:
            store.finish_delivery("nope", delivered=True)
        assert str(caught_delivery.value) == "no undelivered webhook payload with id 'nope'"


# -- copying a store -----------------------------------------------------------------------------------------

def test_copy_steps_write_each_kind_in_order_and_meetings_in_chunks() -> None:
    batch = Batch(accounts=[Account(id="a1", name="A"), Account(id="a2", name="B")],
                  staff=[Staff(id="s1", name="S")],
                  meetings=[Meeting(id=f"m{i}", date=dt.date(2026, 1, i), attendees=["s1", "c1"]) for i in range(1, 6)],
                  person_kinds={"s1": "staff"})
    steps = list(copy_steps(batch, chunk=2))
    # accounts in one step, staff in one, no stakeholders, meetings 2 + 2 + 1, nothing else
    assert [(kind, [r.id for r in getattr(step, kind)]) for step in steps for kind in STORED_KINDS
            if getattr(step, kind)] == [("accounts", ["a1", "a2"]), ("staff", ["s1"]), ("meetings", ["m1", "m2"]),
                                        ("meetings", ["m3", "m4"]), ("meetings", ["m5"])]
    assert [len(step) for step in steps] == [2, 1, 2, 2, 1]
    assert all(step.person_kinds == {"s1": "staff"} for step in steps)
    assert [len(step) for step in copy_steps(batch, chunk=1)] == [2, 1, 1, 1, 1, 1, 1]
    with pytest.raises(InputError) as caught:
        list(copy_steps(batch, chunk=0))
    assert (str(caught.value), caught.value.field) == ("chunk: chunk size must be at least 1 (got 0)", "chunk")


def test_copy_store_brings_objectives_open_and_closed_and_the_alert_state(tmp_path: Path) -> None:
    source = open_store(f"sqlite:///{tmp_path / 'a.db'}", create=True)
    target = open_store(f"sqlite:///{tmp_path / 'b.db'}", create=True)
    try:
        source.import_batch(_people())
        target.import_batch(_people())
        source.import_batch(Batch(meetings=[Meeting(id=f"m{i}", date=dt.date(2026, 2, i), attendees=["s1", "c1"])
                                            for i in (1, 2)]))
        kw = {"account": "acc", "kind": "cover_person", "subject": "c1", "created_on": dt.date(2026, 5, 1),
              "due": dt.date(2026, 6, 30)}
        source.save_objective(Objective(id="o1", note="source", **kw))
        source.save_objective(Objective(id="o2", state="dropped", closed_on=dt.date(2026, 5, 9), **kw))
        target.save_objective(Objective(id="o1", note="target's old one", **kw))
        alert = AlertRecord(key="overdue:acc:c1", rule="overdue", account="acc", subject="c1", severity="medium",
                            state="overdue", title="t", message="m", raised_on=dt.date(2026, 5, 1),
                            data={"zeta": 1, "alpha": 2})
        source.record_alert_check(dt.date(2026, 5, 1), {"acc": {"coverage": 1}}, raised=[alert],
                                  deliveries=[Delivery(id="d1", created_on=dt.date(2026, 5, 1), payload="{}")])
        source.record_alert_check(dt.date(2026, 5, 8), {"acc": {"zeta": 0, "coverage": 2}}, cleared=["overdue:acc:c1"])
        sizes: list[int] = []
        summary = copy_store(source, target, chunk=1, progress=sizes.append)
        assert sizes == [1, 2, 2, 1, 1]                # one account, two staff, two stakeholders, 2 x 1 meeting
        assert (summary.counts("accounts").unchanged, summary.counts("stakeholders").unchanged) == (1, 2)
        assert (summary.counts("meetings").created, summary.counts("meetings").updated) == (2, 0)
        assert summary.counts("accounts").created == 0
        assert [(o.id, o.note, o.state.value) for o in target.load_objectives(include_closed=True)] == [
            ("o1", "source", "open"), ("o2", None, "dropped")]
        # the alert state, read with the store's plain readers: the cleared alert, the last check, the payload
        assert [(a.key, a.cleared_on, a.data) for a in target.load_alerts(include_cleared=True)] == [
            ("overdue:acc:c1", dt.date(2026, 5, 8), {"alpha": 2, "zeta": 1})]
        assert {k: (c.checked_on, c.facts) for k, c in target.alert_checks().items()} == {
            "acc": (dt.date(2026, 5, 8), {"coverage": 2, "zeta": 0})}
        assert [d.id for d in target.pending_deliveries()] == ["d1"]
        with sqlite3.connect(tmp_path / "b.db") as db:  # stored as JSON with sorted keys
            assert db.execute("SELECT data FROM alert").fetchall() == [('{"alpha": 2, "zeta": 1}',)]
            assert db.execute("SELECT facts FROM alert_check").fetchall() == [('{"coverage": 2, "zeta": 0}',)]
        assert copy_alert_state(source, target) == 0           # all there already: nothing written
        # a second change to a stored meeting is an update, counted over the steps
        source.import_batch(Batch(meetings=[Meeting(id=f"m{i}", date=dt.date(2026, 2, i), subject="New",
                                                    attendees=["s1", "c1"]) for i in (1, 2)]))
        again = copy_store(source, target, chunk=1)
        assert (again.counts("meetings").updated, again.counts("meetings").unchanged) == (2, 0)
        assert again.counts("stakeholders").unchanged == 2
        with open_store(source.url) as twin:                    # the same file, opened twice
            for same in (source, twin):
                with pytest.raises(InputError) as caught:
                    copy_store(source, same)
                assert str(caught.value) == f"source and target are the same store ({source.url})"
    finally:
        source.close()
        target.close()


def test_two_throw_away_stores_may_be_copied_into_each_other() -> None:
    with open_store(":memory:", create=True) as source, open_store(":memory:", create=True) as target:
        source.import_batch(_people())
        assert source.url == target.url == ":memory:"
        assert copy_store(source, target).counts("stakeholders").created == 2
        assert [p.id for p in target.list_stakeholders()] == ["c1", "c2"]


# -- one account's snapshot, by hand ------------------------------------------------------------------------

def test_load_account_brings_the_right_people_lines_ties_and_attendees(tmp_path: Path) -> None:
    batch = Batch(
        accounts=[Account(id="acc", name="Acme"), Account(id="oth", name="Other")],
        staff=[Staff(id="s_team", name="On the team", accounts=["acc"]),   # no meeting: on the team
               Staff(id="s_meet", name="Met c1"),                          # not on the team: a meeting
               Staff(id="s_late", name="Met c1 later"),                    # only a meeting after the as-of date
               Staff(id="s_tie", name="Knows c1"),                         # only a KNOWS tie
               Staff(id="s_far", name="Knows cx")],                        # a tie with another account's person
        stakeholders=[Stakeholder(id="c1", account="acc", name="C1", reports_to="c2", dotted_to=["c3"]),
                      Stakeholder(id="c2", account="acc", name="C2"),
                      Stakeholder(id="c3", account="acc", name="C3", dotted_to=["c1"]),  # dotted only
                      Stakeholder(id="cx", account="oth", name="CX")],
        meetings=[Meeting(id="m1", date=dt.date(2026, 1, 10), attendees=["s_meet", "c1", "cx"]),
                  Meeting(id="m2", date=dt.date(2026, 3, 1), attendees=["s_late", "c1"])],
        relationships=[Relationship(source="s_tie", target="c1"), Relationship(source="c1", target="cx"),
                       Relationship(source="s_far", target="cx")])
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(batch)
        snap = store.load_account("acc", dt.date(2026, 2, 1))
        later = store.load_account("acc")
    assert [s.id for s in snap.staff] == ["s_meet", "s_team", "s_tie"]
    assert [s.id for s in later.staff] == ["s_late", "s_meet", "s_team", "s_tie"]
    assert [s.id for s in snap.stakeholders] == ["c1", "c2", "c3"]
    assert [(r.stakeholder, r.manager, r.line.value) for r in snap.reporting_lines] == [
        ("c1", "c2", "solid"), ("c1", "c3", "dotted"), ("c3", "c1", "dotted")]
    assert [(r.source, r.target) for r in snap.relationships] == [("s_tie", "c1")]   # not c1 -> cx (other account)
    assert [(m.id, m.attendees) for m in snap.meetings] == [("m1", ["c1", "s_meet"])]  # cx is not of this account
    assert (snap.as_of, later.as_of) == (dt.date(2026, 2, 1), None)


def test_load_account_keeps_the_one_tie_of_the_smallest_account(tmp_path: Path) -> None:
    # one stakeholder, one staff member known only through a tie: the pair is every person there is
    batch = Batch(accounts=[Account(id="acc", name="Acme")], staff=[Staff(id="s", name="S")],
                  stakeholders=[Stakeholder(id="c", account="acc", name="C")],
                  relationships=[Relationship(source="c", target="s")])
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(batch)
        snap = store.load_account("acc")
    assert ([(r.source, r.target) for r in snap.relationships], [s.id for s in snap.staff]) == ([("c", "s")], ["s"])


# -- executors ------------------------------------------------------------------------------------------------

def test_executor_for_reads_every_setting_and_both_dask_spellings() -> None:
    settings = ExecutorSettings(workers=3, chunk_size=50, min_accounts=7)
    local = executor_for("local", settings)
    assert isinstance(local, ProcessExecutor)
    assert (local.chunk_size, local.workers, local.min_accounts) == (50, 3, 7)
    for spec in ("dask://sched.example:8786", "tcp://sched.example:8786", " dask://sched.example:8786 "):
        dask = executor_for(spec, settings)
        assert isinstance(dask, DaskExecutor)
        assert (dask.address, dask.chunk_size) == ("tcp://sched.example:8786", 50)
    with pytest.raises(InputError) as caught:
        executor_for("TCP://x:1", settings)
    assert caught.value.field == "executor"
    assert str(caught.value) == ("executor: unknown executor 'TCP://x:1' (use 'local', 'serial' or "
                                 "'dask://HOST:PORT')")


# -- erasure (kamgraph forget), counted by hand ------------------------------------------------------------------

def _erasure_batch() -> Batch:
    return Batch(
        accounts=[Account(id="acc", name="Acme"), Account(id="gone", name="Gone Ltd")],
        staff=[Staff(id="s1", name="Sam", accounts=["acc"]), Staff(id="s2", name="Sue", accounts=["acc", "gone"])],
        stakeholders=[Stakeholder(id="c1", account="acc", name="Cy Smith", reports_to="c2"),
                      Stakeholder(id="c2", account="acc", name="Di", dotted_to=["c1"]),
                      Stakeholder(id="g1", account="gone", name="Gil")],
        meetings=[Meeting(id="m1", date=dt.date(2026, 1, 5), attendees=["s1", "c1"]),          # only c1: goes
                  Meeting(id="m2", date=dt.date(2026, 1, 6), attendees=["s1", "s2", "c1", "c2"],
                          subject="Review with Cy Smith"),                                     # stays, scrubbed
                  Meeting(id="m3", date=dt.date(2026, 1, 7), attendees=["s2", "g1"])],        # only g1: goes
        relationships=[Relationship(source="s2", target="c1")])


def _erase(store: GraphStore) -> ErasureCounts:
    return store.erase(Erasure(people=["c1", "g1"], accounts=["gone"], needles=["Cy Smith"]), lambda state: state)


def test_erasure_counts_every_kind_of_record_it_removes(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_erasure_batch())
        counts = _erase(store)
        kept_meetings = {m.id: (m.subject, m.attendees) for m in store.load_account("acc").meetings}
    # attendances: c1 in m1 and m2, g1 in m3 (3), then our staff in the two meetings that go, s1 in m1 and
    # s2 in m3 (2); reporting lines c1 -> c2 and c2 -> c1 (dotted); the subject of m2 loses the name
    assert (counts.accounts, counts.stakeholders, counts.staff, counts.meetings, counts.attendances) == (1, 2, 0, 2, 5)
    assert (counts.reporting_lines, counts.relationships, counts.objectives, counts.texts_scrubbed) == (2, 1, 0, 1)
    assert (counts.alerts, counts.checks_scrubbed, counts.outbox) == (0, 0, 0)
    assert list(kept_meetings) == ["m2"] and kept_meetings["m2"][1] == ["c2", "s1", "s2"]
    assert "Cy Smith" not in (kept_meetings["m2"][0] or "")


def test_an_erasure_that_leaves_an_account_stakeholders_writes_nothing(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_erasure_batch())
        with pytest.raises(StoreError) as caught:                      # g1 of 'gone' is not in the erasure
            store.erase(Erasure(people=["c1"], accounts=["gone"]), lambda state: state)
        assert str(caught.value) == "an erased account still has stakeholders; nothing erased"
        assert [a.id for a in store.all_accounts()] == ["acc", "gone"]
        assert [p.id for p in store.list_stakeholders()] == ["c1", "c2", "g1"]


def test_a_dump_names_the_kind_of_every_person(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_erasure_batch())
        dump = store.dump()
    assert dump.person_kinds == {"s1": "staff", "s2": "staff", "c1": "stakeholder", "c2": "stakeholder",
                                 "g1": "stakeholder"}


def test_erasure_removes_the_objectives_about_the_erased(tmp_path: Path) -> None:
    kw = {"created_on": dt.date(2026, 1, 1), "due": dt.date(2026, 6, 30)}
    objectives = [Objective(id="o1", account="acc", kind="cover_person", subject="c1", **kw),     # about c1
                  Objective(id="o2", account="acc", kind="cover_person", subject="c2", note="ask Cy Smith", **kw),
                  Objective(id="o3", account="acc", kind="cover_person", subject="c2", **kw),    # kept
                  Objective(id="o4", account="gone", kind="concentration", target=0.4, **kw)]  # the erased account
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_erasure_batch())
        for objective in objectives:
            store.save_objective(objective)
        counts = _erase(store)
        kept = [o.id for o in store.load_objectives(include_closed=True)]
    assert (counts.objectives, kept) == (3, ["o3"])    # o1 (its subject), o2 (its note), o4 (its account)


def test_find_mentions_counts_needles_in_the_file_ignoring_case(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_erasure_batch())
        # "Cy Smith" as written, "CY SMITH" in another case, "Di" (two letters): 3; "x" is too short to count
        # (one letter is in any file) and "Nobody Here" is not there
        needles = ["Cy Smith", "CY SMITH", "Di", "x", "Nobody Here"]
        assert store.find_mentions(Erasure(needles=needles)) == 3
    with open_store(":memory:", create=True) as memory:
        with pytest.raises(StoreError) as caught:
            memory.find_mentions(Erasure(needles=["Cy Smith"]))
        assert str(caught.value) == "an in-memory store has no file to search"


def test_missing_records_are_named_in_the_error(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_people())
        no_account = "no account with id 'nope' (see 'kamgraph accounts')"
        for call, message in ((lambda: store.get_account("nope"), no_account),
                              (lambda: store.get_person("nope"), "no person with id 'nope'"),
                              (lambda: store.load_account("nope"), no_account)):
            with pytest.raises(NotFoundError) as caught:
                call()
            assert str(caught.value) == message
    with pytest.raises(CypherCatalogError) as catalogue:
        load_queries().in_file("nope")
    assert str(catalogue.value) == "no Cypher file nope.cypher (or it holds no queries)"


# -- the generic versions in GraphStore (a backend that does not override them gets these) ------------------

class _GenericReads(SqliteStore):
    """A real SQLite store whose set-based reads are GraphStore's generic versions, built on its other methods."""

    people_by_email = GraphStore.people_by_email
    list_stakeholders = GraphStore.list_stakeholders
    get_people = GraphStore.get_people
    stakeholder_accounts = GraphStore.stakeholder_accounts
    load_accounts = GraphStore.load_accounts
    all_accounts = GraphStore.all_accounts
    find_account_by_name = GraphStore.find_account_by_name


class _NoExtras(SqliteStore):
    """A store without account plans, alert state, provenance or erasure (GraphStore's defaults)."""

    load_objectives = GraphStore.load_objectives
    save_objective = GraphStore.save_objective
    load_alerts = GraphStore.load_alerts
    erase = GraphStore.erase
    find_mentions = GraphStore.find_mentions
    record_provenance = GraphStore.record_provenance


def test_the_generic_reads_give_the_documented_answers(tmp_path: Path) -> None:
    store = _GenericReads(tmp_path / "kam.db")
    try:
        store.import_batch(_erasure_batch())
        store.import_batch(Batch(accounts=[Account(id="twin", name="acme")],
                                 staff=[Staff(id="s0", name="Zed", email="di@x.example"),
                                        Staff(id="s8", name="Not asked for", email="s8@x.example")],
                                 stakeholders=[Stakeholder(id="c9", account="twin", name="Ann", email="Di@X.example")]))
        # a shared address goes to the smallest id: "c9" sorts before "s0"
        assert {e: p.id for e, p in store.people_by_email(["DI@x.example", "none@x.example"]).items()} == {
            "di@x.example": "c9"}
        assert store.people_by_email([]) == {}
        assert [p.id for p in store.list_stakeholders()] == ["c1", "c2", "c9", "g1"]
        assert [p.id for p in store.list_stakeholders(["acc", "twin"])] == ["c1", "c2", "c9"]
        assert list(store.get_people(["s1", "nope", "c1", "s1"])) == ["s1", "c1"]
        assert store.stakeholder_accounts(["c1", "s1", "g1"]) == {"c1": "acc", "g1": "gone"}
        assert [s.account.id for s in store.load_accounts(["gone", "acc"])] == ["gone", "acc"]
        early = next(store.load_accounts(["acc"], dt.date(2026, 1, 5)))   # m2 (6 January) not yet
        assert (early.as_of, [m.id for m in early.meetings]) == (dt.date(2026, 1, 5), ["m1"])
        assert [a.id for a in store.all_accounts()] == ["acc", "gone", "twin"]
        assert [a.id for a in store.find_account_by_name("ACME")] == ["acc", "twin"]
        assert [a.id for a in store.find_account_by_name("acme")] == ["twin"]
    finally:
        store.close()


def test_the_generic_stakeholder_accounts_leaves_unknown_ids_out(tmp_path: Path) -> None:
    store = _GenericReads(tmp_path / "kam.db")
    try:
        store.import_batch(_erasure_batch())
        assert store.stakeholder_accounts(["c1", "nope"]) == {"c1": "acc"}
    finally:
        store.close()


def test_a_store_without_the_extras_says_so(tmp_path: Path) -> None:
    store = _NoExtras(tmp_path / "kam.db")
    try:
        store.import_batch(_people())
        calls = [
            (store.load_objectives, "this store (_NoExtras) does not keep account plans"),
            (lambda: store.save_objective(Objective(id="o", account="acc", kind="cover_person", subject="c1",
                                                    created_on=dt.date(2026, 1, 1), due=dt.date(2026, 2, 1))),
             "this store (_NoExtras) does not keep account plans"),
            (store.load_alerts, "this store (_NoExtras) does not keep alert state yet"),
            (lambda: store.record_provenance([]), "this store (_NoExtras) does not keep provenance"),
            (lambda: store.erase(Erasure(people=["c1"]), lambda s: s),
             "this store (_NoExtras) cannot erase people yet"),
            (lambda: store.find_mentions(Erasure(needles=["Cy"])), "this store (_NoExtras) cannot verify an erasure"),
        ]
        for call, message in calls:
            with pytest.raises(StoreError) as caught:
                call()
            assert str(caught.value) == message
    finally:
        store.close()


def test_deleting_meetings_in_two_chunks_counts_both_and_bumps_the_generation(tmp_path: Path) -> None:
    # 901 meetings are deleted in two chunks (900, then 1): 901 deleted, one generation bump; none: no bump
    meetings = [Meeting(id=f"m{i:04d}", date=dt.date(2026, 1, 1), attendees=["s1", "c1"]) for i in range(902)]
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        assert store.data_generation() == 0                    # a new store: nothing written yet
        store.import_batch(_people())
        store.import_batch(Batch(meetings=meetings))
        before = store.data_generation()
        assert store.delete_meetings([m.id for m in meetings[:901]] + ["m0000", "ghost"]) == 901
        assert store.data_generation() == before + 1
        assert store.delete_meetings(["ghost"]) == 0
        assert store.data_generation() == before + 1
        assert [m.id for m in store.load_account("acc").meetings] == ["m0901"]


def test_restored_alert_state_is_stored_as_sorted_json(tmp_path: Path) -> None:
    from kamgraph.domain.alert_state import AccountCheck
    from kamgraph.domain.erasure import AlertState

    alert = AlertRecord(key="overdue:acc:c1", rule="overdue", account="acc", subject="c1", severity="medium",
                        state="overdue", title="t", message="m", raised_on=dt.date(2026, 5, 1),
                        data={"zeta": 1, "alpha": 2})
    check = AccountCheck(account="acc", checked_on=dt.date(2026, 5, 1), facts={"zeta": 0, "coverage": 2})
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_people())
        assert store.restore_alert_state(AlertState(alerts=[alert], checks=[check], outbox=[])) == 2
    with sqlite3.connect(tmp_path / "kam.db") as db:
        assert db.execute("SELECT data FROM alert").fetchall() == [('{"alpha": 2, "zeta": 1}',)]
        assert db.execute("SELECT facts FROM alert_check").fetchall() == [('{"coverage": 2, "zeta": 0}',)]


def test_an_unverified_stakeholder_reads_back_unverified(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(Batch(accounts=[Account(id="acc", name="Acme")],
                                 stakeholders=[Stakeholder(id="c1", account="acc", name="C1", verified=False),
                                               Stakeholder(id="c2", account="acc", name="C2")]))
        # verified is True unless an import says otherwise
        assert [(p.id, p.verified) for p in store.list_stakeholders()] == [("c1", False), ("c2", True)]
