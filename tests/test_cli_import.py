"""``kamgraph import`` with calendars and CRM exports: options, summary, report, errors, progress."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

import cli as cli_module
from cli import cli
from kamgraph.ingest import FORMATS, import_files
from kamgraph.ingest.progress import Progress
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL, DATA

CALENDARS = [str(p) for p in sorted((DATA / "calendar").glob("*.ics"))]
Q1 = ["--since", "2025-01-01", "--until", "2025-03-31"]


def _setup(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> Path:
    runner.invoke(cli, ["--store", sqlite_url, "import", *map(str, sorted(CANONICAL.glob("*.csv")))])
    config = tmp_path / "kamgraph.toml"
    config.write_text('[ingest]\nour_domains = ["ourco.example"]\n')
    return config


def test_calendar_import_summary_and_report(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    config = _setup(runner, sqlite_url, tmp_path)
    report = tmp_path / "skipped.csv"
    result = runner.invoke(cli, ["--store", sqlite_url, "--config", str(config), "import", *CALENDARS, *Q1,
                                 "--report", str(report)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "created 17, updated 0, unchanged 0, skipped 6" in lines[0]
    assert lines[1] == "  skipped: no client attendee 3, cancelled 2, same event in another calendar (merged) 1"
    with report.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6 and set(rows[0]) == {"file", "line", "reason", "detail", "row"}
    cancelled = sorted(r["row"] for r in rows if r["reason"] == "cancelled")
    assert cancelled[0].startswith("UID=040000008200E0007") and "Canceled: Integration workshop" in cancelled[0]
    again = runner.invoke(cli, ["--store", sqlite_url, "--config", str(config), "import", *CALENDARS, *Q1, "-q"])
    assert again.output.splitlines() == [again.output.strip()]  # --quiet: the summary line only
    assert "created 0, updated 0, unchanged 15, skipped 6" in again.output


def test_dry_run_json_and_format_option(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    _setup(runner, sqlite_url, tmp_path)
    files = [str(p) for p in sorted((DATA / "salesforce").glob("*.csv"))]
    result = runner.invoke(cli, ["--store", sqlite_url, "import", "--format", "salesforce", "--dry-run", "--json",
                                 *files])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["dry_run"] is True and len(summary["skipped"]) == 8
    listed = runner.invoke(cli, ["--store", sqlite_url, "accounts", "--json"])
    assert [a["id"] for a in json.loads(listed.output)] == ["acme"]  # nothing written


def test_bad_calendar_is_one_line_exit_2(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    _setup(runner, sqlite_url, tmp_path)
    bad = tmp_path / "bad.ics"
    bad.write_text("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:2025-01-01\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    result = runner.invoke(cli, ["--store", sqlite_url, "import", CALENDARS[0], str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {bad}:2: DTSTART: cannot read the value")
    assert len(result.output.strip().splitlines()) == 1


def test_format_choices_match_the_library() -> None:
    option = next(p for p in cli_module.cli.commands["import"].params if p.name == "fmt")
    assert tuple(option.type.choices) == FORMATS
    assert set(FORMATS) == {"auto", "canonical", "salesforce", "hubspot", "ics", "vcard", "mapping"}


def test_progress_is_told_every_row(store: GraphStore, tmp_path: Path) -> None:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    path = tmp_path / "meetings.csv"
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "date", "attendees"])
        out.writerows([f"p-{i}", "2025-01-02", "s-kim;c-arch"] for i in range(3500))

    class Count(Progress):
        def __init__(self) -> None:
            self.total, self.done, self.finished = 0, 0, False

        def start(self, label: str, total: int) -> None:
            self.total = total

        def advance(self, n: int = 1) -> None:
            self.done += n

        def finish(self) -> None:
            self.finished = True

    seen = Count()
    import_files([path], store, progress=seen)
    assert (seen.total, seen.done, seen.finished) == (3500, 3500, True)


def test_progress_bar_only_for_big_imports_on_a_terminal() -> None:
    quiet = cli_module._ProgressBar(enabled=False)
    quiet.start("Importing", 100_000)
    assert quiet.bar is None
    small = cli_module._ProgressBar(enabled=True)
    small.start("Importing", 50)
    assert small.bar is None
    big = cli_module._ProgressBar(enabled=True)
    big.start("Importing", 5000)
    assert big.bar is not None
    big.advance(5000)
    big.finish()
    assert big.bar is None
