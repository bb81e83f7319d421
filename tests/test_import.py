"""Importing canonical files: good, bad, twice, and failing half-way."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kamgraph.errors import InputError
from kamgraph.ingest import import_files
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL, DATA

CSV_FILES = sorted(CANONICAL.glob("*.csv"))


def _write_meetings(path: Path, rows: int) -> Path:
    """A meetings CSV with ``rows`` valid rows (header on line 1, row i on line i + 1)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "date", "kind", "subject", "attendees"])
        for i in range(1, rows + 1):
            out.writerow([f"g-{i:03d}", f"2025-01-{(i % 28) + 1:02d}", "call", f"Call {i}", "s-kim;c-arch"])
    return path


def test_canonical_csv_import_counts(store: GraphStore) -> None:
    summary = import_files(CSV_FILES, store)
    assert {k: (c.created, c.updated, c.unchanged) for k, c in summary.kinds.items()} == {
        "accounts": (1, 0, 0), "staff": (3, 0, 0), "stakeholders": (6, 0, 0), "meetings": (5, 0, 0),
        "relationships": (2, 0, 0)}
    assert summary.line().startswith("created 17, updated 0, unchanged 0")
    snap = store.load_account("acme")
    assert next(m for m in snap.meetings if m.id == "m-004").account == "acme"  # inferred from attendees
    assert store.get_account("acme").criteria == {"strategic_value": 8.0}


def test_importing_twice_changes_nothing(store: GraphStore) -> None:
    import_files(CSV_FILES, store)
    counts = store.counts()
    again = import_files(CSV_FILES, store)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 17)
    assert store.counts() == counts


def test_json_document_import(store: GraphStore) -> None:
    summary = import_files([DATA / "canonical.json"], store)
    assert (summary.created, summary.updated) == (7, 0)
    assert store.get_person("c-arch").reports_to == "c-cfo"  # type: ignore[union-attr]
    assert import_files([DATA / "canonical.json"], store).unchanged == 7


def test_bad_date_on_line_57_names_line_and_field_and_writes_nothing(store: GraphStore, canonical_dir: Path
                                                                    ) -> None:
    import_files(CSV_FILES, store)
    before = store.counts()
    path = _write_meetings(canonical_dir / "more-meetings.csv", 80)
    lines = path.read_text().splitlines()
    lines[56] = lines[56].replace("2025-01-", "2025-13-")  # line 57 of the file
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as info:
        import_files([path], store)
    assert str(info.value).startswith(f"{path}:57: date: not a date")
    assert store.counts() == before


def test_error_in_a_later_file_leaves_earlier_files_unwritten(store: GraphStore, canonical_dir: Path) -> None:
    bad = canonical_dir / "relationships.csv"
    bad.write_text("source,target,kind,weight\nc-arch,c-cto,influences,1.0\nc-arch,c-nobody,knows,1\n")
    with pytest.raises(InputError) as info:
        import_files(sorted(canonical_dir.glob("*.csv")), store)
    assert str(info.value) == f"{bad}:3: target: unknown person 'c-nobody'"
    assert store.is_empty()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("meetings.csv", "id,date,attendees\nm1,2025-01-01,s-kim;c-ghost\n", ":2: attendees: unknown person 'c-ghost'"),
        ("meetings.csv", "id,date,attendees\nm1,2025-01-01,s-kim;s-raj\n",
         ":2: attendees: a meeting needs at least one of our staff and one stakeholder"),
        ("meetings.csv", "id,date,colour,attendees\n", ":1: colour: unknown column for meetings"),
        ("meetings.csv", "id,attendees\n", ":1: date: required column missing"),
        ("meetings.csv", "id,date,attendees\nm1,2025-01-01\n", ":2: 2 cells, but the header has 3 columns"),
        ("stakeholders.csv", "id,account,name\nc9,nowhere,X\n", ":2: account: unknown account 'nowhere'"),
        ("stakeholders.csv", "id,account,name,reports_to\nc9,acme,X,s-kim\n",
         ":2: reports_to: 's-kim' is a staff member, not a stakeholder"),
        ("stakeholders.csv", "id,account,name,influence\nc9,acme,X,7\n",
         ":2: influence: Input should be less than or equal to 5 (got '7')"),
        ("staff.csv", "id,name\nc-ceo,Clash\n", ":2: id: 'c-ceo' is both a staff member and a stakeholder"),
        ("odd.csv", "foo,bar\n1,2\n", ":1: cannot tell which records this CSV holds"),
        ("meetings.csv", "", ":1: empty file"),
    ],
)
def test_bad_rows_get_one_line_errors(store: GraphStore, canonical_dir: Path, name: str, content: str,
                                      expected: str) -> None:
    bad = canonical_dir / ("extra-" + name if name != "odd.csv" else name)
    bad.write_text(content)
    files = [*sorted(p for p in canonical_dir.glob("*.csv") if p != bad), bad]
    with pytest.raises(InputError) as info:
        import_files(files, store)
    message = str(info.value)
    assert message.startswith(str(bad) + expected), message
    assert "\n" not in message
    assert store.is_empty()


def test_conflicting_duplicate_ids_are_refused(store: GraphStore, canonical_dir: Path) -> None:
    dup = canonical_dir / "staff2.csv"
    dup.write_text("id,name,role\ns-kim,Kim Other,kam\n")
    with pytest.raises(InputError, match=r"staff2.csv:2: id: 's-kim' appears again with different values"):
        import_files(sorted(canonical_dir.glob("*.csv")), store)


def test_json_errors_carry_the_record_line(store: GraphStore, tmp_path: Path) -> None:
    doc = json.loads((DATA / "canonical.json").read_text())
    doc["meetings"][1]["date"] = "2025-02-31"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, indent=2))
    expected_line = next(i for i, line in enumerate(path.read_text().splitlines(), 1) if '"m-2"' in line) - 1
    with pytest.raises(InputError) as info:
        import_files([path], store)
    assert str(info.value).startswith(f"{path}:{expected_line}: date: not a date")
    broken = tmp_path / "broken.json"
    broken.write_text('{"accounts": [\n{"id": "a",}\n]}')
    with pytest.raises(InputError, match=r"broken.json:2: not valid JSON"):
        import_files([broken], store)


def test_bom_crlf_and_quoted_newlines(store: GraphStore, canonical_dir: Path) -> None:
    path = canonical_dir / "meetings.csv"
    text = path.read_text().replace("Quarterly business review", '"Quarterly\nbusiness review"')
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    import_files(sorted(canonical_dir.glob("*.csv")), store)
    subjects = {m.subject for m in store.person_meetings("c-ceo")}
    assert "Quarterly\r\nbusiness review" in subjects or "Quarterly\nbusiness review" in subjects


def test_dry_run_and_missing_file(store: GraphStore, tmp_path: Path) -> None:
    summary = import_files(CSV_FILES, store, dry_run=True)
    assert summary.created == 17 and store.is_empty()
    with pytest.raises(InputError, match="no such file"):
        import_files([tmp_path / "nope.csv"], store)
    other = tmp_path / "notes.txt"
    other.write_text("x")
    with pytest.raises(InputError, match="unsupported file type"):
        import_files([other], store)
