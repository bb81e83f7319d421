"""Provenance and meeting deletion in both stores (the contract of the "provenance (schema 4)" methods).

By hand, on the canonical data: m-001 (2025-01-10) is attended by s-kim and c-ceo and nobody else meets c-ceo
on that day, so deleting it takes one meeting and two attendances away, and -- on Neo4j -- lowers the MET
count of (s-kim, c-ceo) by exactly one.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from kamgraph.domain.provenance import Provenance
from kamgraph.ingest import import_files
from kamgraph.store import open_store
from kamgraph.store.base import SCHEMA_VERSION, GraphStore

from .conftest import CANONICAL

D1, D2, D3 = dt.date(2025, 3, 1), dt.date(2025, 3, 8), dt.date(2025, 2, 1)


def _entry(kind: str, rid: str, source: str, sid: str, first: dt.date, last: dt.date | None = None) -> Provenance:
    return Provenance(kind=kind, record_id=rid, source=source, source_id=sid,  # type: ignore[arg-type]
                      first_seen=first, last_seen=last or first)


@pytest.fixture
def base(store: GraphStore) -> GraphStore:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def _meeting_of(store: GraphStore, a: str, b: str) -> tuple[str, int]:
    """A meeting attended by both a and b, and how many meetings they share (counted from person_meetings)."""
    shared = [m for m in store.person_meetings(a) if b in m.attendees]
    return shared[0].id, len(shared)


def test_entries_are_upserted_kept_per_source_record_and_unknown_records_ignored(base: GraphStore) -> None:
    meeting, _ = _meeting_of(base, "s-kim", "c-ceo")
    written = base.record_provenance([
        _entry("stakeholder", "c-ceo", "salesforce", "0035g00000CeoA1AAJ", D1),
        _entry("meeting", meeting, "m365", "kim@ourco.example/AAMk-1", D1),
        _entry("meeting", meeting, "m365", "raj@ourco.example/AAMk-9", D1),
        _entry("stakeholder", "nobody-here", "salesforce", "003x", D1),  # not stored: ignored
        _entry("staff", "c-ceo", "salesforce", "005x", D1),  # c-ceo is no staff member: ignored
    ])
    assert written == 3
    base.record_provenance([_entry("stakeholder", "c-ceo", "salesforce", "0035g00000CeoA1AAJ", D2),
                            _entry("stakeholder", "c-ceo", "salesforce", "0035g00000CeoA1AAJ", D3)])
    found = base.provenance_of(["c-ceo", meeting, "nobody-here"])
    assert sorted(found) == sorted(["c-ceo", meeting])
    assert [(e.source, e.source_id, e.first_seen, e.last_seen) for e in found["c-ceo"]] == [
        ("salesforce", "0035g00000CeoA1AAJ", D3, D2)]  # the earliest first, the latest last
    assert [e.source_id for e in found[meeting]] == ["kim@ourco.example/AAMk-1", "raj@ourco.example/AAMk-9"]
    assert [e.record_id for e in base.provenance_from("m365", ["raj@ourco.example/AAMk-9", "zzz"])] == [meeting]
    assert base.forget_provenance("m365", ["kim@ourco.example/AAMk-1"]) == 1
    assert [e.source_id for e in base.provenance_of([meeting])[meeting]] == ["raj@ourco.example/AAMk-9"]
    assert base.get_person("c-ceo") is not None  # provenance never deletes a record


def test_delete_meetings_removes_them_their_attendance_and_provenance(base: GraphStore) -> None:
    meeting, shared = _meeting_of(base, "s-kim", "c-ceo")
    before = base.counts()
    attended = len(next(m for m in base.dump().meetings if m.id == meeting).attendees)
    base.record_provenance([_entry("meeting", meeting, "google", "kim/ev1", D1)])
    assert base.delete_meetings([meeting, meeting, "no-such-meeting"]) == 1
    after = base.counts()
    assert after["meetings"] == before["meetings"] - 1
    assert after["attendances"] == before["attendances"] - attended
    assert meeting not in {m.id for m in base.dump().meetings}
    assert len([m for m in base.person_meetings("s-kim") if "c-ceo" in m.attendees]) == shared - 1
    assert base.provenance_of([meeting]) == {} and base.provenance_from("google", ["kim/ev1"]) == []
    assert base.delete_meetings([]) == 0
    if hasattr(base, "met_edges"):  # Neo4j keeps MET edges: one fewer shared meeting, or the edge is gone
        edges = {(e["staff"], e["stakeholder"]): e["meetings"] for e in base.met_edges()}  # type: ignore[attr-defined]
        assert edges.get(("s-kim", "c-ceo"), 0) == shared - 1
        assert base.rebuild_met() == len(edges)  # type: ignore[attr-defined]
        assert {(e["staff"], e["stakeholder"]): e["meetings"] for e in base.met_edges()} == edges  # type: ignore[attr-defined]


def test_a_v3_file_migrates_with_the_provenance_table(tmp_path: Path) -> None:
    copy = tmp_path / "v3.sqlite"
    shutil.copy(Path(__file__).parent / "data" / "store-v3.sqlite", copy)
    with open_store(f"sqlite:///{copy}") as store:
        assert store.schema_version() == SCHEMA_VERSION == 6
        meeting = store.dump().meetings[0].id
        assert store.record_provenance([_entry("meeting", meeting, "file", "meetings.csv", D1)]) == 1
        assert store.delete_meetings([meeting]) == 1
    with sqlite3.connect(copy) as db:
        keys = [r[1] for r in db.execute("PRAGMA table_info(provenance)") if r[5]]
    assert keys == ["kind", "record_id", "source", "source_id"]


def test_a_file_import_notes_its_file_and_an_update_keeps_earlier_sources(base: GraphStore, tmp_path: Path) -> None:
    from kamgraph.ingest import read_files
    from kamgraph.ingest.references import check_references
    from kamgraph.ingest.sources import file_provenance, write_noting_sources
    from kamgraph.monitor.provenance import where_from

    base.record_provenance([_entry("stakeholder", "c-ceo", "salesforce", "0035g00000CeoA1AAJ", D3)])
    people = tmp_path / "promoted.csv"
    person = next(p for p in base.dump().stakeholders if p.id == "c-ceo")
    people.write_text("id,account,name,title,influence,attitude\n"
                      f"c-ceo,{person.account},{person.name},Executive Chair,{person.influence},{person.attitude}\n")
    parsed = read_files([people], base)
    summary = write_noting_sources(base, check_references(parsed, base), file_provenance(parsed, D1))
    assert summary.kinds["stakeholders"].updated == 1  # a real update: on Neo4j it replaces the node's properties
    assert base.get_person("c-ceo").title == "Executive Chair"  # type: ignore[union-attr]
    found = where_from(base, "c-ceo")
    assert [(e.source, e.source_id, e.first_seen) for e in found.entries] == [
        ("salesforce", "0035g00000CeoA1AAJ", D3), ("file", "promoted.csv", D1)]  # oldest first, both kept
    assert found.text().splitlines() == [
        "Sources:", "  salesforce 0035g00000CeoA1AAJ  first seen 2025-02-01, last seen 2025-02-01",
        "  file promoted.csv  first seen 2025-03-01, last seen 2025-03-01"]
    dry = write_noting_sources(base, check_references(parsed, base), file_provenance(parsed, D2), dry_run=True)
    assert dry.dry_run and base.provenance_of(["c-ceo"])["c-ceo"][0].last_seen == D1  # a dry run notes nothing
