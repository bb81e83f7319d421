"""File typing by content: the header decides the kind, --type forces it, separator and encoding are detected."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.ingest.sniff import canonical_kind, decode_bytes, delimiter_of

from .conftest import CANONICAL, SAMPLE_AS_OF

KINDS = ("accounts", "staff", "stakeholders", "meetings", "relationships")


def run(*args: str) -> tuple[int, str]:
    """Exit status, and stdout (JSON) when it succeeded, else everything printed (the error is on stderr)."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def counts(store: str, files: list[Path], *extra: str) -> dict[str, list[int]]:
    code, out = run("--store", store, "import", *extra, *map(str, files), "--json")
    assert code == 0, out
    return {kind: [c["created"], c["updated"], c["unchanged"]] for kind, c in json.loads(out)["kinds"].items()}


def rows_of(kind: str) -> list[list[str]]:
    with (CANONICAL / f"{kind}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def xray(store: str) -> dict[str, object]:
    code, out = run("--store", store, "xray", "acme", "--as-of", str(SAMPLE_AS_OF), "--json")
    assert code == 0, out
    return json.loads(out)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, list[int]]]:
    """The canonical sample files imported as they are: the X-ray every other spelling must give."""
    store = str(tmp_path_factory.mktemp("ref") / "ref.db")
    return store, counts(store, sorted(CANONICAL.glob("*.csv")))


def _count_rows(kind: str) -> int:
    return len(rows_of(kind)) - 1


def test_reference_counts_are_the_files_rows(reference: tuple[str, dict[str, list[int]]]) -> None:
    _, found = reference
    assert {k: v[0] for k, v in found.items() if v[0]} == {k: _count_rows(k) for k in KINDS}


def test_names_do_not_decide(tmp_path: Path, reference: tuple[str, dict[str, list[int]]]) -> None:
    """meetings.csv renamed activities.csv, or globex-account-meetings.csv, is still a meetings file."""
    ref_store, _ = reference
    files = [shutil.copy(CANONICAL / f"{k}.csv", tmp_path / f"{k}.csv") for k in KINDS if k != "meetings"]
    activities = shutil.copy(CANONICAL / "meetings.csv", tmp_path / "activities.csv")
    store = str(tmp_path / "a.db")
    found = counts(store, [*map(Path, files), Path(activities)])
    assert found["meetings"][0] == _count_rows("meetings")
    assert xray(store) == xray(ref_store)
    tricky = shutil.copy(CANONICAL / "meetings.csv", tmp_path / "globex-account-meetings.csv")
    accounts_named = shutil.copy(CANONICAL / "relationships.csv", tmp_path / "accounts-ties-export.csv")
    again = counts(store, [Path(tricky), Path(accounts_named)])
    assert again["meetings"] == [0, 0, _count_rows("meetings")]
    assert again["relationships"] == [0, 0, _count_rows("relationships")]
    assert again["accounts"] == [0, 0, 0]


@pytest.mark.parametrize(("delimiter", "encoding"), [(";", "cp1252"), ("\t", "utf-16"), (";", "utf-8-sig"),
                                                     ("\t", "utf-8"), (",", "cp1252")])
def test_excel_exports_import_the_same(tmp_path: Path, reference: tuple[str, dict[str, list[int]]],
                                       delimiter: str, encoding: str) -> None:
    ref_store, ref_counts = reference
    files = [write(tmp_path / f"excel-{k}.csv", rows_of(k), delimiter=delimiter, encoding=encoding) for k in KINDS]
    store = str(tmp_path / "x.db")
    assert counts(store, files) == ref_counts
    assert xray(store) == xray(ref_store)


def test_windows_1252_accents_arrive_intact(tmp_path: Path) -> None:
    rows = [["id", "name", "segment"], ["zx", "Zoë Café Ångström", "Télécom"]]
    path = write(tmp_path / "export.csv", rows, delimiter=";", encoding="cp1252")
    assert path.read_bytes().count(b"\xeb") == 1  # the ë is one Windows-1252 byte, not UTF-8
    store = str(tmp_path / "w.db")
    counts(store, [path])
    listed = json.loads(run("--store", store, "accounts", "--json")[1])
    assert [(a["id"], a["name"], a["segment"]) for a in listed] == [("zx", "Zoë Café Ångström", "Télécom")]


def test_type_forces_the_kind(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", [["id", "name"], ["p1", "Pat Lee"]])
    store = str(tmp_path / "t.db")
    assert counts(store, [path], "--type", "staff")["staff"][0] == 1
    assert json.loads(run("--store", store, "accounts", "--json")[1]) == []
    # without --type, id+name fits accounts and staff alike: the file name breaks the tie
    team = write(tmp_path / "our-team.csv", [["id", "name"], ["p2", "Sam Roe"]])
    assert counts(store, [team])["staff"][0] == 1


def test_a_wrong_guess_says_what_was_tried(tmp_path: Path) -> None:
    path = write(tmp_path / "meetings.csv", [["id", "date", "atendees"], ["m1", "2025-01-01", "a"]], delimiter=";",
                 encoding="cp1252")
    code, out = run("--store", str(tmp_path / "e.db"), "import", str(path))
    assert code == 2
    line = out.strip().splitlines()[-1]
    assert line.startswith(f"Error: {path}:1: atendees: unknown column")
    assert "read as meetings (from its header)" in line and "Windows-1252" not in line  # ASCII is UTF-8 too
    assert "separator ';'" in line and "--type" in line
    forced = run("--store", str(tmp_path / "e.db"), "import", "--type", "accounts", str(path))
    assert forced[0] == 2 and "read as accounts (from --type)" in forced[1]
    assert not (tmp_path / "e.db").exists()


def test_undecodable_bytes_list_the_encodings(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_bytes(b"id,name\r\nx,\x81\x8d\x8f\r\n")  # bytes undefined in Windows-1252 and invalid UTF-8
    code, out = run("--store", str(tmp_path / "u.db"), "import", str(path))
    assert code == 2 and f"{path}: cannot read the text: tried UTF-8, UTF-16, Windows-1252" in out


def test_sniffing_helpers_by_hand() -> None:
    assert decode_bytes("a;b".encode("utf-16-le"), "x")[1] == "UTF-16"  # no BOM: the zero bytes tell
    assert decode_bytes(b"\xef\xbb\xbfid", "x") == ("id", "UTF-8")
    assert delimiter_of('"a;b",c,d') == ","  # a separator inside quotes does not count
    assert canonical_kind(["id", "account", "name", "email"], "staff.csv") == "stakeholders"  # header wins
    assert canonical_kind(["id", "name", "email"], "contacts.csv") == "staff"  # the name cannot add a column
    assert canonical_kind(["id", "name", "email"], "x.csv") == "staff"  # stakeholders need an account
