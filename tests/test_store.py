"""Store behaviour every backend must share (run once per backend by the store fixtures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Relationship, Staff, Stakeholder, Status
from kamgraph.errors import InputError, NotFoundError, StoreError
from kamgraph.store.base import GraphStore


def sample_batch() -> Batch:
    """Two accounts, three staff, five stakeholders, four meetings -- written out by hand."""
    return Batch(
        accounts=[Account(id="acme", name="Acme", tier="key", criteria={"fit": 7.5}, domains=["acme.example"]),
                  Account(id="beta", name="Beta Corp")],
        staff=[Staff(id="s1", name="Sam One", role="kam", accounts=["acme"]),
               Staff(id="s2", name="Sue Two", role="solution_engineer", accounts=["acme", "beta"]),
               Staff(id="s3", name="Sid Three", role="support")],
        stakeholders=[
            Stakeholder(id="a-ceo", account="acme", name="Ann Boss", seniority="c_level",
                        buying_role="decision_maker", influence=5),
            Stakeholder(id="a-cfo", account="acme", name="Carl Money", buying_role="economic_buyer",
                        influence=5, reports_to="a-ceo"),
            Stakeholder(id="a-eng", account="acme", name="Eve Code", influence=2, reports_to="a-cfo",
                        dotted_to=["a-ceo"]),
            Stakeholder(id="a-old", account="acme", name="Olga Gone", influence=3, left_on="2025-02-01",
                        moved_to="Globex"),
            Stakeholder(id="b-cto", account="beta", name="Bo Tech", influence=4),
        ],
        meetings=[
            Meeting(id="m1", date="2025-01-10", kind="meeting", attendees=["s1", "a-ceo", "a-cfo"]),
            Meeting(id="m2", date="2025-02-10", kind="call", attendees=["s2", "a-eng"]),
            Meeting(id="m3", date="2025-03-10", kind="qbr", account="acme", attendees=["s1", "s3", "a-ceo"]),
            Meeting(id="m4", date="2025-01-20", kind="email", attendees=["s2", "b-cto"]),
        ],
        relationships=[Relationship(source="a-eng", target="a-ceo", kind="knows", weight=0.5)],
        person_kinds={"s1": "staff", "s2": "staff", "s3": "staff", "a-ceo": "stakeholder",
                      "a-cfo": "stakeholder", "a-eng": "stakeholder", "a-old": "stakeholder",
                      "b-cto": "stakeholder"},
    )


def test_new_store_is_empty_with_a_schema_version(store: GraphStore) -> None:
    assert store.is_empty()
    assert store.schema_version() >= 1
    assert store.list_accounts() == []


def test_import_counts_and_reimport_changes_nothing(store: GraphStore) -> None:
    first = store.import_batch(sample_batch())
    assert (first.created, first.updated, first.unchanged) == (15, 0, 0)
    counts = store.counts()
    assert counts["accounts"] == 2 and counts["stakeholders"] == 5 and counts["meetings"] == 4
    assert counts["attendances"] == 3 + 2 + 3 + 2
    assert counts["reporting_lines"] == 3
    second = store.import_batch(sample_batch())
    assert (second.created, second.updated, second.unchanged) == (0, 0, 15)
    assert store.counts() == counts
    assert store.dump().stakeholders == sample_batch().stakeholders


def test_update_is_counted_and_stored(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    batch = sample_batch()
    batch.stakeholders[2] = batch.stakeholders[2].model_copy(update={"influence": 4, "dotted_to": []})
    batch.meetings[1] = batch.meetings[1].model_copy(update={"attendees": ["s1", "s2", "a-eng"]})
    summary = store.import_batch(batch)
    assert summary.kinds["stakeholders"].updated == 1 and summary.kinds["meetings"].updated == 1
    eng = store.get_person("a-eng")
    assert isinstance(eng, Stakeholder) and eng.influence == 4 and eng.dotted_to == []
    assert store.counts()["reporting_lines"] == 2
    assert [m.attendees for m in store.person_meetings("a-eng")] == [["a-eng", "s1", "s2"]]


def test_dry_run_writes_nothing(store: GraphStore) -> None:
    summary = store.import_batch(sample_batch(), dry_run=True)
    assert summary.created == 15 and summary.dry_run
    assert store.is_empty()


def test_failure_half_way_writes_nothing(store: GraphStore) -> None:
    store.import_batch(Batch(accounts=[Account(id="zeta", name="Zeta")]))
    before = store.counts()
    batch = sample_batch()
    batch.meetings.append(Meeting(id="m9", date="2025-01-01", attendees=["s1", "nobody"]))
    with pytest.raises((InputError, StoreError)):
        store.import_batch(batch)
    assert store.counts() == before
    assert [a.id for a in store.list_accounts()] == ["zeta"]


def test_staff_and_stakeholders_share_one_id_space(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    with pytest.raises(InputError, match="already a stakeholder"):
        store.import_batch(Batch(staff=[Staff(id="a-ceo", name="Clash")]))


def test_load_account_as_of(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    snap = store.load_account("acme")
    assert [s.id for s in snap.stakeholders] == ["a-ceo", "a-cfo", "a-eng", "a-old"]
    assert [s.id for s in snap.staff] == ["s1", "s2", "s3"]
    assert [m.id for m in snap.meetings] == ["m1", "m2", "m3"]
    assert {(r.stakeholder, r.manager, r.line.value) for r in snap.reporting_lines} == {
        ("a-cfo", "a-ceo", "solid"), ("a-eng", "a-cfo", "solid"), ("a-eng", "a-ceo", "dotted")}
    assert [r.key for r in snap.relationships] == [("a-eng", "a-ceo", "knows")]
    early = store.load_account("acme", dt.date(2025, 2, 10))
    assert [m.id for m in early.meetings] == ["m1", "m2"]
    assert [s.id for s in early.staff] == ["s1", "s2"]  # s3 is neither on the team nor met yet
    beta = store.load_account("beta")
    assert [m.attendees for m in beta.meetings] == [["b-cto", "s2"]]
    with pytest.raises(NotFoundError):
        store.load_account("nope")


def test_list_accounts_counts(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    rows = {r.id: r for r in store.list_accounts()}
    acme = rows["acme"]
    assert (acme.stakeholders, acme.stakeholders_left, acme.staff, acme.meetings) == (3, 1, 3, 3)
    assert acme.last_meeting == dt.date(2025, 3, 10)
    assert (rows["beta"].stakeholders, rows["beta"].staff, rows["beta"].meetings) == (1, 1, 1)


def test_find_account_by_name(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    assert store.find_account("beta corp").id == "beta"
    with pytest.raises(NotFoundError):
        store.find_account("gamma")


def test_departure_and_return_keep_history(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    left = store.mark_left("a-cfo", dt.date(2025, 3, 1), moved_to="Initech", note="LinkedIn")
    assert left.status is Status.LEFT and left.left_on == dt.date(2025, 3, 1) and left.moved_to == "Initech"
    assert [m.id for m in store.person_meetings("a-cfo")] == ["m1"]
    # Re-importing the original file (which says nothing about status) keeps the departure.
    summary = store.import_batch(sample_batch())
    assert summary.updated == 0
    assert store.get_person("a-cfo").status is Status.LEFT
    back = store.mark_returned("a-cfo")
    assert back.status is Status.ACTIVE and back.left_on is None
    staff = store.mark_left("s2", dt.date(2025, 4, 1))
    assert isinstance(staff, Staff) and staff.left_on == dt.date(2025, 4, 1)
    with pytest.raises(NotFoundError):
        store.mark_left("ghost", dt.date(2025, 1, 1))


def test_person_meetings_newest_first_and_as_of(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    assert [m.id for m in store.person_meetings("s1")] == ["m3", "m1"]
    assert [m.id for m in store.person_meetings("s1", dt.date(2025, 2, 1))] == ["m1"]
    with pytest.raises(NotFoundError):
        store.person_meetings("ghost")


def test_dump_round_trips_into_another_store(store_factory: Callable[[], GraphStore]) -> None:
    a, b = store_factory(), store_factory()
    a.import_batch(sample_batch())
    b.import_batch(a.dump())
    da, db = a.dump(), b.dump()
    for kind in ("accounts", "staff", "stakeholders", "meetings", "relationships"):
        assert getattr(da, kind) == getattr(db, kind), kind
    assert a.counts() == b.counts()


def test_clear_empties_the_store(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    store.clear()
    assert store.is_empty()


def test_known_ids(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    people, accounts = store.known_ids(["s1", "a-ceo", "zz"], ["acme", "nope"])
    assert people == {"s1": "staff", "a-ceo": "stakeholder"} and accounts == {"acme"}
    assert store.stakeholder_accounts(["a-ceo", "b-cto", "s1"]) == {"a-ceo": "acme", "b-cto": "beta"}


def test_get_account_and_person_give_back_what_was_imported(store: GraphStore) -> None:
    batch = sample_batch()
    store.import_batch(batch)
    assert store.get_account("acme") == batch.accounts[0]
    assert store.get_person("a-eng") == batch.stakeholders[2]
    sue = store.get_person("s2")
    assert isinstance(sue, Staff) and sue.accounts == ["acme", "beta"] and sue == batch.staff[1]
    old = store.get_person("a-old")
    assert old.status is Status.LEFT and old.left_on == dt.date(2025, 2, 1) and old.moved_to == "Globex"
    with pytest.raises(NotFoundError):
        store.get_account("nope")
    with pytest.raises(NotFoundError):
        store.get_person("nope")


def test_a_reference_refused_at_write_time_rolls_back_everything(store: GraphStore) -> None:
    """The importer's reference checks are bypassed: the store itself must refuse and roll back."""
    batch = sample_batch()
    batch.stakeholders.append(Stakeholder(id="a-new", account="acme", name="New Person", reports_to="ghost"))
    with pytest.raises(StoreError):
        store.import_batch(batch)
    assert store.is_empty()
    orphan = Batch(stakeholders=[Stakeholder(id="z1", account="missing", name="Zed")])
    with pytest.raises(StoreError):
        store.import_batch(orphan)
    assert store.is_empty()


def test_dry_run_counts_updates_and_changes_nothing(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    before = store.dump()
    batch = sample_batch()
    batch.accounts[1] = batch.accounts[1].model_copy(update={"tier": "key"})
    batch.meetings.append(Meeting(id="m5", date="2025-03-12", attendees=["s2", "b-cto"]))
    summary = store.import_batch(batch, dry_run=True)
    assert (summary.kinds["accounts"].updated, summary.kinds["meetings"].created) == (1, 1)
    assert summary.unchanged == 14
    after = store.dump()
    assert after.accounts == before.accounts and after.meetings == before.meetings


def test_departure_recorded_in_a_file_and_as_of(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    # On 2025-01-15 Olga (left 2025-02-01) was still there; the snapshot keeps her left_on either way.
    snap = store.load_account("acme", dt.date(2025, 1, 15))
    olga = next(s for s in snap.stakeholders if s.id == "a-old")
    assert olga.left_on == dt.date(2025, 2, 1) and olga.is_active(dt.date(2025, 1, 15))
    assert not olga.is_active(dt.date(2025, 2, 1))
    assert [m.id for m in snap.meetings] == ["m1"]
    # A later file that says she is active again (status given) does undo the departure.
    batch = sample_batch()
    batch.stakeholders[3] = Stakeholder(id="a-old", account="acme", name="Olga Gone", influence=3, status="active")
    assert store.import_batch(batch).kinds["stakeholders"].updated == 1
    assert store.get_person("a-old").status is Status.ACTIVE


def test_canonical_files_import_and_reimport(store: GraphStore) -> None:
    from kamgraph.ingest import import_files

    from .conftest import CANONICAL

    files = sorted(CANONICAL.glob("*.csv"))
    first = import_files(files, store)
    assert (first.created, first.updated, first.unchanged) == (17, 0, 0)
    again = import_files(files, store)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 17)
    rows = {r.id: r for r in store.list_accounts()}
    assert list(rows) == ["acme"]


def test_synthetic_account_loads_back_as_written(store: GraphStore) -> None:
    from kamgraph.samples.synth import synth_account

    batch = synth_account("syn", seed=7, stakeholders=40, staff=5, as_of=dt.date(2025, 6, 30), days=365)
    store.import_batch(batch)
    snap = store.load_account("syn")
    assert snap.stakeholders == sorted(batch.stakeholders, key=lambda s: s.id)
    assert snap.staff == sorted(batch.staff, key=lambda s: s.id)
    assert snap.meetings == sorted(batch.meetings, key=lambda m: (m.date, m.id))
    assert [r.key for r in snap.relationships] == sorted(r.key for r in batch.relationships)
    assert len(snap.reporting_lines) == sum(1 for s in batch.stakeholders if s.reports_to)
    cutoff = dt.date(2025, 3, 31)
    assert [m.id for m in store.load_account("syn", cutoff).meetings] == [
        m.id for m in sorted(batch.meetings, key=lambda m: (m.date, m.id)) if m.date <= cutoff]


def test_importer_lookups_and_stakeholder_lists(store: GraphStore) -> None:
    batch = sample_batch()
    batch.stakeholders[0] = batch.stakeholders[0].model_copy(update={"email": "ann@acme.example"})
    batch.staff[0] = batch.staff[0].model_copy(update={"email": "sam@ourco.example"})
    store.import_batch(batch)
    people = store.get_people(["a-ceo", "s1", "ghost"])
    assert set(people) == {"a-ceo", "s1"} and isinstance(people["s1"], Staff) and people["s1"].accounts == ["acme"]
    by_mail = store.people_by_email(["ANN@acme.example", "sam@ourco.example", "nobody@x.example"])
    assert {mail: p.id for mail, p in by_mail.items()} == {"ann@acme.example": "a-ceo", "sam@ourco.example": "s1"}
    assert [a.id for a in store.all_accounts()] == ["acme", "beta"]
    assert store.all_accounts()[0].domains == ["acme.example"]
    assert [p.id for p in store.list_stakeholders(["acme"])] == ["a-ceo", "a-cfo", "a-eng", "a-old"]
    assert [p.id for p in store.list_stakeholders()] == ["a-ceo", "a-cfo", "a-eng", "a-old", "b-cto"]
    assert store.list_stakeholders([]) == []
    eng = next(p for p in store.list_stakeholders(["acme"]) if p.id == "a-eng")
    assert eng.reports_to == "a-cfo" and eng.dotted_to == ["a-ceo"]


def test_list_staff_names_everyone_of_ours_on_an_account(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    # s1 and s2 are on account teams; s3 is on none but attended an Acme QBR (m3).
    assert [(p.id, p.name) for p in store.list_staff()] == [("s1", "Sam One"), ("s2", "Sue Two"),
                                                             ("s3", "Sid Three")]
