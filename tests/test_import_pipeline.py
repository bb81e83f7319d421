"""The import pipeline (kamgraph/ingest/pipeline.py): big meetings files read on a thread, written a block at a time.

Against real SQLite files: the pipeline stores exactly the rows of the ordinary path (fast paths on and off),
counts the same, and a bad row or reference in the LAST block, a meeting id repeated across blocks, a dry run
and a Ctrl-C all leave every table as it was, with the ordinary path's one-line error and no thread left.
The blocks are made small (a few hundred meetings) so that a test file of a few thousand rows has many.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

import kamgraph.ingest.canonical as canonical
import kamgraph.ingest.pipeline as pipeline
from kamgraph.errors import InputError
from kamgraph.ingest import Progress, detect_format, import_files
from kamgraph.samples.synth import synth_portfolio
from kamgraph.store import open_store
from tests.test_import_speed_store import AS_OF, OURS, SETTINGS, _meetings_csv, _tables

BLOCK = 250


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any], list[Any]]:
    """A store with a synthetic portfolio of three accounts (people with e-mail addresses), no meetings."""
    path = tmp_path_factory.mktemp("base") / "base.db"
    batch = synth_portfolio(accounts=3, seed=5, as_of=AS_OF)
    batch.staff = [s.model_copy(update={"email": f"{s.id}@{OURS}"}) for s in batch.staff]
    batch.stakeholders = [c.model_copy(update={"email": f"{c.id}@{c.account}.example"}) for c in batch.stakeholders]
    batch.meetings, batch.relationships = [], []
    with open_store(str(path), create=True) as store:
        store.import_batch(batch)
    return path, batch.staff, batch.stakeholders


def _unique_csv(path: Path, staff: list[Any], clients: list[Any], rows: int, seed: int) -> list[str]:
    """A meetings CSV of ``rows`` rows, no id twice (the test generator's last row repeats one); its lines."""
    _meetings_csv(path, staff, clients, rows, seed=seed)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)[:-1]
    path.write_text("".join(lines), encoding="utf-8")
    return lines


def _ordinary(base_db: Path, target: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch, *,
              fast: bool = True, dry_run: bool = False) -> Any:
    """``import_files`` with the pipeline out of the way (a block bigger than any test file)."""
    if not target.exists():
        shutil.copy(base_db, target)
    with monkeypatch.context() as patch:
        patch.setattr(pipeline, "BLOCK", 10**9)
        if not fast:
            patch.setattr(canonical, "row_reader", lambda header: None)
            patch.setattr(canonical, "fast_meeting", lambda data: None)
        with open_store(str(target)) as store:
            return import_files(files, store, settings=SETTINGS, dry_run=dry_run)


def _streamed(base_db: Path, target: Path, files: list[Path], **options: Any) -> Any:
    if not target.exists():
        shutil.copy(base_db, target)
    with open_store(str(target)) as store:
        return pipeline.import_meetings(files, store, block=BLOCK, format_of=detect_format, **options)


def _readers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kamgraph-import-reader"]


def test_pipeline_stores_the_rows_of_the_ordinary_path(base: tuple[Path, list[Any], list[Any]], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path, staff, clients = base
    one, two = tmp_path / "a" / "meetings.csv", tmp_path / "b" / "more-meetings.csv"
    one.parent.mkdir()
    two.parent.mkdir()
    _unique_csv(one, staff, clients, 2_000, seed=11)
    text = two.parent / "tmp.csv"
    _unique_csv(text, staff, clients, 700, seed=12)
    # The second file: other ids (m-... -> n-...), so that no id repeats across the two files.
    two.write_text(text.read_text(encoding="utf-8").replace("m-", "n-"), encoding="utf-8")
    files = [one, two]
    streamed = _streamed(path, tmp_path / "streamed.db", files)
    assert streamed is not None  # the pipeline took it (None: it declined)
    fast = _ordinary(path, tmp_path / "fast.db", files, monkeypatch)
    slow = _ordinary(path, tmp_path / "slow.db", files, monkeypatch, fast=False)
    assert streamed.kinds == fast.kinds == slow.kinds
    assert streamed.kinds["meetings"].created == 2_700 and streamed.skipped == []
    written = _tables(tmp_path / "streamed.db")
    assert written == _tables(tmp_path / "fast.db") == _tables(tmp_path / "slow.db")
    assert len(written["meeting"]) == 2_700
    # The same file again (all unchanged), then a changed copy (updated and created), into a non-empty store.
    changed = tmp_path / "c" / "meetings.csv"
    changed.parent.mkdir()
    _unique_csv(changed, staff, clients, 2_600, seed=13)  # ids m-00000..m-02599: 2,000 stored, 600 new
    for name, do in (("streamed.db", lambda t, f: _streamed(path, t, f)),
                     ("fast.db", lambda t, f: _ordinary(path, t, f, monkeypatch))):
        target = tmp_path / name
        again = do(target, [one])
        assert (again.kinds["meetings"].created, again.kinds["meetings"].updated,
                again.kinds["meetings"].unchanged) == (0, 0, 2_000)
        moved = do(target, [changed])
        assert moved.kinds["meetings"].created == 600 and moved.kinds["meetings"].updated > 1_500
    assert _tables(tmp_path / "streamed.db") == _tables(tmp_path / "fast.db")


def test_import_files_takes_the_pipeline_for_a_big_meetings_file(base: tuple[Path, list[Any], list[Any]],
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path, staff, clients = base
    file = tmp_path / "meetings.csv"
    _unique_csv(file, staff, clients, 1_100, seed=14)

    class Steps(Progress):
        def __init__(self) -> None:
            self.steps: list[int] = []

        def advance(self, n: int = 1) -> None:
            self.steps.append(n)

    monkeypatch.setattr(pipeline, "BLOCK", BLOCK)
    shutil.copy(path, tmp_path / "run.db")
    seen = Steps()
    with open_store(str(tmp_path / "run.db")) as store:
        summary = import_files([file], store, settings=SETTINGS, progress=seen)
    assert seen.steps == [250, 250, 250, 250, 100]  # a block at a time; the ordinary path says 1000, 100
    assert summary.kinds["meetings"].created == 1_100
    assert _readers() == []
    assert _tables(tmp_path / "run.db") == _tables_after(path, tmp_path, [file], monkeypatch)


def _tables_after(base_db: Path, tmp_path: Path, files: list[Path], monkeypatch: pytest.MonkeyPatch
                  ) -> dict[str, list[tuple[Any, ...]]]:
    target = tmp_path / "ordinary.db"
    target.unlink(missing_ok=True)
    _ordinary(base_db, target, files, monkeypatch)
    return _tables(target)


@pytest.mark.parametrize("bad", ["date", "person", "account", "columns"])
def test_a_bad_row_in_the_last_block_leaves_every_table_as_it_was(bad: str, base: tuple[Path, list[Any], list[Any]],
                                                                   tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path, staff, clients = base
    file = tmp_path / "meetings.csv"
    lines = _unique_csv(file, staff, clients, 1_500, seed=15)
    last = lines[-2].rstrip("\r\n").split(",")  # the second-to-last row: in the last block (1,250..1,499)
    if bad == "date":
        last[1] = "2025-02-30"
    elif bad == "person":
        last[-1] = last[-1] + ";nobody-we-know"
    elif bad == "account":
        last[3] = "no-such-account"
    else:
        last.append("extra")
    lines[-2] = ",".join(last) + "\r\n"
    file.write_text("".join(lines), encoding="utf-8")
    # A store that already holds meetings (a first import), so that "as it was" is not simply "empty".
    first = tmp_path / "first" / "meetings.csv"
    first.parent.mkdir()
    _unique_csv(first, staff, clients, 600, seed=16)
    target = tmp_path / "run.db"
    _ordinary(path, target, [first], monkeypatch)
    before = _tables(target)

    with pytest.raises(InputError) as streamed:
        _streamed(path, target, [file])
    assert _tables(target) == before and _readers() == []
    with pytest.raises(InputError) as ordinary:
        _ordinary(path, target, [file], monkeypatch)
    assert _tables(target) == before
    # Through import_files (the pipeline first, then the ordinary path): the ordinary path's one-line error.
    monkeypatch.setattr(pipeline, "BLOCK", BLOCK)
    with open_store(str(target)) as store, pytest.raises(InputError) as both:
        import_files([file], store, settings=SETTINGS)
    assert _tables(target) == before and _readers() == []
    line = len(lines) - 1  # the file's line of the bad row (the header is line 1)
    assert str(both.value) == str(ordinary.value) and str(both.value).startswith(f"{file}:{line}: ")
    assert "\n" not in str(both.value)
    assert str(streamed.value) == str(ordinary.value)  # the first bad row of the file, as the ordinary path says


def test_an_id_repeated_across_blocks_gives_up_and_the_ordinary_path_decides(
        base: tuple[Path, list[Any], list[Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, staff, clients = base
    file = tmp_path / "meetings.csv"
    lines = _unique_csv(file, staff, clients, 900, seed=17)
    file.write_text("".join([*lines, lines[5]]), encoding="utf-8")  # row 5 again, equal, in the last block
    target = tmp_path / "run.db"
    shutil.copy(path, target)
    before = _tables(target)
    with pytest.raises(pipeline.NotStreamableError):
        _streamed(path, target, [file])
    assert _tables(target) == before and _readers() == []
    monkeypatch.setattr(pipeline, "BLOCK", BLOCK)
    with open_store(str(target)) as store:
        summary = import_files([file], store, settings=SETTINGS)
    assert summary.kinds["meetings"].created == 900
    assert _tables(target) == _tables_after(path, tmp_path, [file], monkeypatch)


def test_a_dry_run_writes_nothing_and_counts_as_the_ordinary_path(base: tuple[Path, list[Any], list[Any]],
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path, staff, clients = base
    file = tmp_path / "meetings.csv"
    _unique_csv(file, staff, clients, 1_000, seed=18)
    target = tmp_path / "run.db"
    shutil.copy(path, target)
    before = _tables(target)
    streamed = _streamed(path, target, [file], dry_run=True)
    assert streamed is not None and streamed.dry_run and streamed.kinds["meetings"].created == 1_000
    assert _tables(target) == before
    ordinary = _ordinary(path, target, [file], monkeypatch, dry_run=True)
    assert ordinary.kinds == streamed.kinds and _tables(target) == before


def test_ctrl_c_mid_import_rolls_back_and_stops_the_reader(base: tuple[Path, list[Any], list[Any]],
                                                           tmp_path: Path) -> None:
    path, staff, clients = base
    file = tmp_path / "meetings.csv"
    _unique_csv(file, staff, clients, 2_000, seed=19)

    class Interrupt(Progress):
        """Ctrl-C as the third block is written (blocks one and two are in the transaction by then)."""

        def __init__(self) -> None:
            self.blocks = 0

        def advance(self, n: int = 1) -> None:
            self.blocks += 1
            if self.blocks == 3:
                raise KeyboardInterrupt

    target = tmp_path / "run.db"
    shutil.copy(path, target)
    before = _tables(target)
    with pytest.raises(KeyboardInterrupt):
        _streamed(path, target, [file], progress=Interrupt())
    assert _readers() == []
    assert _tables(target) == before
    with open_store(str(target)) as store:  # the store is usable: the next import goes through
        again = pipeline.import_meetings([file], store, block=BLOCK, format_of=detect_format)
    assert again is not None and again.kinds["meetings"].created == 2_000


def test_small_files_and_other_kinds_take_the_ordinary_path(base: tuple[Path, list[Any], list[Any]],
                                                            tmp_path: Path) -> None:
    path, staff, clients = base
    file = tmp_path / "meetings.csv"
    _unique_csv(file, staff, clients, 400, seed=20)  # fewer than two blocks
    staff_file = tmp_path / "staff.csv"
    staff_file.write_text("id,name\ns-new,Ann New\n", encoding="utf-8")
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text(file.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    target = tmp_path / "run.db"
    shutil.copy(path, target)
    before = _tables(target)
    with open_store(str(target)) as store:
        assert pipeline.import_meetings([file], store, block=BLOCK, format_of=detect_format) is None
        assert pipeline.import_meetings([file, staff_file], store, block=100, format_of=detect_format) is None
        assert pipeline.import_meetings([semicolons], store, block=100, format_of=detect_format) is None
        assert pipeline.import_meetings([tmp_path / "missing.csv"], store, block=100, format_of=detect_format) is None
    assert _tables(target) == before
    assert pipeline.meeting_files([file], kind="staff", format_of=detect_format) is None
    assert pipeline.meeting_files([file], format_of=detect_format) == [(file, "meetings")]


def test_kamgraph_import_through_the_pipeline(base: tuple[Path, list[Any], list[Any]], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The command: a bad row in the last block is the one-line error, exit 2, nothing written; a dry run
    counts and writes nothing; a good file is imported as the ordinary path imports it."""
    from click.testing import CliRunner

    from cli import cli

    path, staff, clients = base
    good = tmp_path / "good" / "meetings.csv"
    good.parent.mkdir()
    lines = _unique_csv(good, staff, clients, 1_200, seed=21)
    bad = tmp_path / "meetings.csv"
    cells = lines[-1].rstrip("\r\n").split(",")
    cells[1] = "2025-13-01"
    bad.write_text("".join([*lines[:-1], ",".join(cells) + "\r\n"]), encoding="utf-8")
    target = tmp_path / "run.db"
    shutil.copy(path, target)
    before = _tables(target)
    monkeypatch.setattr(pipeline, "BLOCK", BLOCK)
    runner = CliRunner()
    store = ["--store", f"sqlite:///{target}"]
    config = tmp_path / "kamgraph.toml"
    config.write_text('[ingest]\nour_domains = ["ourco.example"]\n', encoding="utf-8")
    failed = runner.invoke(cli, [*store, "--config", str(config), "import", "-q", str(bad)])
    assert failed.exit_code == 2, failed.output
    assert failed.output.startswith(f"Error: {bad}:{len(lines)}: date: ")
    assert len(failed.output.strip().splitlines()) == 1 and "Traceback" not in failed.output
    assert _tables(target) == before and _readers() == []
    dry = runner.invoke(cli, [*store, "--config", str(config), "import", "-q", "--dry-run", "--json", str(good)])
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.output)["kinds"]["meetings"]["created"] == 1_200
    assert _tables(target) == before
    done = runner.invoke(cli, [*store, "--config", str(config), "import", "-q", str(good)])
    assert done.exit_code == 0, done.output
    assert _tables(target) == _tables_after(path, tmp_path, [good], monkeypatch)
