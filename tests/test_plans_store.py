"""Account plans in the store: one contract on both backends (SQLite file, Neo4j over Bolt), and the
migration of a real version-3 file to version 4 with an objective saved afterwards."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Staff, Stakeholder
from kamgraph.domain.plans import GoalKind, Objective, ObjectiveState
from kamgraph.errors import ConflictError, NotFoundError
from kamgraph.store import open_store
from kamgraph.store.base import SCHEMA_VERSION, GraphStore

V3_FILE = Path(__file__).parent / "data" / "store-v3.sqlite"
DAY = dt.date(2026, 5, 1)


def _accounts(store: GraphStore) -> None:
    store.import_batch(Batch(
        accounts=[Account(id="a", name="A"), Account(id="b", name="B")],
        staff=[Staff(id="s1", name="Sam", accounts=["a"])],
        stakeholders=[Stakeholder(id="eb", account="a", name="Eve", buying_role="economic_buyer", influence=5),
                      Stakeholder(id="c2", account="b", name="Cid")],
        person_kinds={"s1": "staff", "eb": "stakeholder", "c2": "stakeholder"}))


def _objective(oid: str, account: str = "a", due: dt.date = dt.date(2026, 6, 30), **fields: object) -> Objective:
    values: dict[str, object] = {"kind": "cover_person", "subject": "eb", "owner": "s1"} | fields
    return Objective(id=oid, account=account, due=due, created_on=DAY, **values)  # type: ignore[arg-type]


def test_objectives_round_trip_filter_and_close(store: GraphStore) -> None:
    _accounts(store)
    cover = _objective("a-1", note="from the QBR", origin="xray action 1 (meet)", data={"action": 1})
    share = _objective("a-2", due=dt.date(2026, 6, 1), kind="concentration", subject=None, target=0.4)
    stage = _objective("b-1", account="b", kind="stage", subject="cooperative", owner=None)
    for o in (cover, share, stage):
        store.save_objective(o)
    # Sorted by (account, due, id): a-2 is due first.
    assert [o.id for o in store.load_objectives()] == ["a-2", "a-1", "b-1"]
    assert store.load_objectives(["b"]) == [stage]
    assert store.load_objectives([]) == []
    assert store.get_objective("a-1") == cover  # every field survives, dates as dates, data as a dict
    assert store.get_objective("a-2").target == 0.4 and store.get_objective("a-2").kind is GoalKind.CONCENTRATION

    with pytest.raises(ConflictError, match="exists already"):
        store.save_objective(_objective("a-1", note="other"))
    assert store.get_objective("a-1").note == "from the QBR"  # nothing written
    with pytest.raises(NotFoundError, match="no account"):
        store.save_objective(_objective("z-1", account="zz"))
    edited = cover.model_copy(update={"due": dt.date(2026, 7, 31), "note": None})
    store.save_objective(edited, replace=True)
    assert store.get_objective("a-1") == edited
    assert [o.id for o in store.load_objectives(["a"])] == ["a-2", "a-1"]

    done = store.set_objective_state("a-1", "done", dt.date(2026, 6, 5), note="met at the QBR")
    assert (done.state, done.closed_on, done.note) == (ObjectiveState.DONE, dt.date(2026, 6, 5), "met at the QBR")
    with pytest.raises(ConflictError, match="done already"):
        store.set_objective_state("a-1", "done", dt.date(2026, 6, 6))
    store.set_objective_state("a-2", ObjectiveState.DROPPED, dt.date(2026, 6, 2))
    assert [o.id for o in store.load_objectives()] == ["b-1"]
    assert [(o.id, o.state.value) for o in store.load_objectives(include_closed=True)] == [
        ("a-2", "dropped"), ("a-1", "done"), ("b-1", "open")]
    reopened = store.set_objective_state("a-1", "open", dt.date(2026, 6, 7))
    assert (reopened.state, reopened.closed_on, reopened.note) == (ObjectiveState.OPEN, None, "met at the QBR")
    with pytest.raises(NotFoundError):
        store.set_objective_state("nope", "done", DAY)
    with pytest.raises(NotFoundError):
        store.get_objective("nope")

    store.delete_objective("b-1")
    with pytest.raises(NotFoundError):
        store.delete_objective("b-1")
    assert [o.id for o in store.load_objectives(include_closed=True)] == ["a-2", "a-1"]


def test_objective_text_is_a_parameter(store: GraphStore) -> None:
    _accounts(store)
    hostile = "x'); DROP TABLE objective; -- \" } RETURN 1 //"
    store.save_objective(_objective("a-'1\"", note=hostile, origin=hostile))
    got = store.get_objective("a-'1\"")
    assert got.note == hostile and got.origin == hostile


def test_a_real_version_3_file_migrates_and_then_keeps_objectives(tmp_path: Path) -> None:
    """tests/data/store-v3.sqlite (written by schema-3 code: the canonical samples, account ``acme``)."""
    path = tmp_path / "old.db"
    path.write_bytes(V3_FILE.read_bytes())
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 3
    raw.close()
    with open_store(str(path)) as store:
        assert store.schema_version() == SCHEMA_VERSION == 6
        assert store.load_objectives(include_closed=True) == []
        acme = store.get_account("acme")
        eb = next(p for p in store.load_account("acme").stakeholders if p.buying_role is not None)
        objective = Objective(id="acme-1", account=acme.id, kind="cover_person", subject=eb.id,
                              due=dt.date(2025, 6, 30), created_on=dt.date(2025, 5, 1))
        store.save_objective(objective)
    with open_store(str(path)) as store:  # reopened: no second migration, the objective is there
        assert store.schema_version() == 6
        assert store.load_objectives() == [objective]


def test_clear_removes_objectives_from_sight_and_their_ids_can_be_used_again(store: GraphStore) -> None:
    """``demo --force`` clears the store; an objective id of the old data may be used again afterwards."""
    _accounts(store)
    store.save_objective(_objective("a-1", note="old"))
    store.clear()
    assert store.load_objectives(include_closed=True) == []
    _accounts(store)
    assert store.load_objectives(include_closed=True) == []
    store.save_objective(_objective("a-1", note="new"))
    assert [(o.id, o.note) for o in store.load_objectives()] == [("a-1", "new")]
