"""Store behaviour every backend must share (run once per backend by the store fixtures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from kamgraph.dataset import Batch
from kamgraph.errors import InputError, NotFoundError, StoreError
from kamgraph.models import Account, Meeting, Relationship, Staff, Stakeholder, Status
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
