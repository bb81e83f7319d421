"""Hostile input at the edges: control characters in names, line breaks in messages, secrets in URLs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.errors import InputError, StoreError
from kamgraph.store.neo4j_config import bolt_target
from kamgraph.views.graph_export import export_graph, to_gexf, to_graphml

SECRET = "hunter2-Sup3r"


def test_control_characters_and_nul_are_stripped_from_every_text_field() -> None:
    person = Stakeholder(id="c1", account="a", name="Ana\x00 Lima\r\nJr\x1b[1m", title="CFO\tFinance\x7f",
                         note="line one\nline two\x85three")
    assert person.name == "Ana Lima Jr[1m"
    assert person.title == "CFO Finance"
    assert person.note == "line one\nline two\nthree"  # a note keeps its lines
    account = Account(id="a", name="Acme\x0b Corp", criteria={"fit\x01": 3.0})
    assert account.name == "Acme Corp" and account.criteria == {"fit": 3.0}


def test_names_with_control_characters_export_as_well_formed_xml() -> None:
    snapshot = AccountSnapshot(
        account=Account(id="a", name="A\x02corp"),
        staff=[Staff(id="s1", name="Sam\x00 One", accounts=["a"])],
        stakeholders=[Stakeholder(id="c1", account="a", name="Cleo\x1f\x08 Ray\u2028", influence=4)],
        reporting_lines=[], relationships=[],
        meetings=[Meeting(id="m1", date="2025-03-01", attendees=["s1", "c1"], subject="QBR\x03")])
    graph = export_graph(analyze(snapshot, dt.date(2025, 3, 10)))
    for text in (to_graphml(graph), to_gexf(graph)):
        root = etree.fromstring(text.encode("utf-8"))  # raises on a control character
        assert "Cleo Ray" in etree.tostring(root, encoding="unicode")


def test_error_messages_stay_on_one_line() -> None:
    error = InputError("unknown column 'name\nemail'\r", file="x.csv", line=1, field="header")
    assert "\n" not in str(error) and "\r" not in str(error)
    assert str(error) == "x.csv:1: header: unknown column 'name\\nemail'\\r"
    assert str(StoreError("cannot open\nfile")) == "cannot open\\nfile"


@pytest.mark.parametrize("url", [
    f"bolt://neo4j:{SECRET}@db.example:7687",
    f"bolt://db.example:7687?password={SECRET}",
    f"neo4j+s://db.example?routing=x&auth_token={SECRET}",
])
def test_a_password_in_a_store_url_is_refused_without_being_shown(url: str) -> None:
    with pytest.raises(StoreError, match="refusing a password") as info:
        bolt_target(url, env={})
    assert SECRET not in str(info.value)


def test_a_bad_scheme_is_named_without_echoing_the_url() -> None:
    with pytest.raises(StoreError, match=r"not a Neo4j store URL: http://\.\.\.") as info:
        bolt_target(f"http://u:{SECRET}@h:7474", env={})
    assert SECRET not in str(info.value)


def test_an_unknown_store_url_is_named_without_its_secrets() -> None:
    from kamgraph.store import open_store

    with pytest.raises(StoreError, match=r"unknown store URL 'http://db\.example:7474/x'") as info:
        open_store(f"http://neo4j:{SECRET}@db.example:7474/x?password={SECRET}")
    assert SECRET not in str(info.value)


def test_no_command_output_shows_the_neo4j_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every path that used to leak it: a bad URL, a password in the URL or its query, a misspelt or
    badly typed key in the settings file, and `config show`."""
    from click.testing import CliRunner

    from cli import cli

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KAMGRAPH_NEO4J_PASSWORD", SECRET)
    runs = [
        ["--store", f"http://neo4j:{SECRET}@db.example:7474/x", "accounts"],
        ["--store", f"bolt://neo4j:{SECRET}@127.0.0.1:9", "accounts"],
        ["--store", f"bolt://127.0.0.1:9?password={SECRET}", "accounts"],
        ["config", "show"],
        ["config", "show", "--json"],
    ]
    outputs = []
    for args in runs:
        result = CliRunner().invoke(cli, args)
        outputs.append(result.output + repr(result.exception))
    for body in (f'[neo4j]\npasswrod = "{SECRET}"\n', f'[neo4j]\npassword = ["{SECRET}"]\n',
                 f'[neo4j]\npassword = "{SECRET}"\nbatch_size = "many"\n'):
        (tmp_path / "kamgraph.toml").write_text(body)
        for args in (["config", "show"], ["accounts"]):
            result = CliRunner().invoke(cli, args)
            outputs.append(result.output + repr(result.exception))
    assert len(outputs) == 11
    leaks = [out for out in outputs if SECRET in out]
    assert leaks == []


@pytest.mark.parametrize(("body", "line"), [("[" * 1000, 1), ('{"accounts": [\n' + "[" * 1000, 2)])
def test_canonical_json_nested_too_deep_is_a_located_error(tmp_path: Path, body: str, line: int) -> None:
    from kamgraph.ingest.canonical import read_json

    path = tmp_path / "deep.json"
    path.write_text(body)
    with pytest.raises(InputError, match=rf"deep.json:{line}: nested more than 32 levels deep"):
        read_json(path)


def test_canonical_json_with_a_list_where_a_name_belongs_is_a_located_error(tmp_path: Path) -> None:
    from kamgraph.ingest.canonical import read_json

    path = tmp_path / "bad.json"
    path.write_text('{"accounts": [\n  {"id": "a", "name": ["Acme"]}\n]}')
    with pytest.raises(InputError, match=r"bad.json:2: name: "):
        read_json(path)


def test_a_broken_utf16_file_is_a_one_line_error() -> None:
    from kamgraph.ingest.sniff import decode_bytes

    with pytest.raises(InputError, match=r"^x.ics: cannot read the text: it starts with a UTF-16 byte-order mark"):
        decode_bytes(b"\xfe\xffBEGIN:VCALENDAR\r\n", "x.ics")  # an odd number of bytes after the mark


def test_csv_formula_neutralising_can_be_turned_off_for_machine_consumers(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """`matrix --format csv` neutralises a hostile name for spreadsheets; [csv] neutralise_formulas = false (here
    through its environment variable) writes it as it is, for a program reading the file."""
    from click.testing import CliRunner

    from cli import cli
    from kamgraph.views import csv_text

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "accounts.csv").write_text("id,name\nx,X Corp\n", encoding="utf-8")
    (folder / "staff.csv").write_text("id,name,role,accounts\ns1,Sam Staff,kam,x\n", encoding="utf-8")
    (folder / "stakeholders.csv").write_text('id,account,name,influence\nc1,x,"=HYPERLINK(""http://evil"")",3\n',
                                             encoding="utf-8")
    (folder / "meetings.csv").write_text("id,date,kind,attendees\nm1,2025-01-10,meeting,s1;c1\n", encoding="utf-8")
    store = f"sqlite:///{tmp_path / 'kam.db'}"
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", store, "import", *map(str, sorted(folder.glob("*.csv")))]).exit_code == 0
    args = ["--store", store, "matrix", "x", "--as-of", "2025-02-01", "--format", "csv"]
    monkeypatch.delenv(csv_text.NEUTRALISE_ENV, raising=False)
    safe = runner.invoke(cli, args)
    assert safe.exit_code == 0 and "'=HYPERLINK" in safe.output
    monkeypatch.setenv(csv_text.NEUTRALISE_ENV, "false")
    raw = runner.invoke(cli, args)
    assert raw.exit_code == 0 and '"=HYPERLINK(""http://evil"")"' in raw.output and "'=HYPERLINK" not in raw.output
    monkeypatch.delenv(csv_text.NEUTRALISE_ENV)
    config = tmp_path / "k.toml"  # the same setting from a settings file
    config.write_text("[csv]\nneutralise_formulas = false\n", encoding="utf-8")
    try:
        from_file = runner.invoke(cli, ["--config", str(config), *args])
        assert from_file.exit_code == 0 and "'=HYPERLINK" not in from_file.output
        assert "'=HYPERLINK" in runner.invoke(cli, args).output  # the next run without it neutralises again
    finally:
        csv_text.set_neutralising(None)


def test_a_calendar_zone_naming_a_tzdata_folder_is_ignored_not_a_traceback(tmp_path: Path) -> None:
    from kamgraph.ingest import import_files
    from kamgraph.store import open_store

    calendar = tmp_path / "cal.ics"
    calendar.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-TIMEZONE:Europe\r\nBEGIN:VEVENT\r\nUID:u1\r\n"
                        "DTSTART:20250110T090000\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        summary = import_files([calendar], store)  # nobody known: nothing to import, and no traceback either
        # the event is read (its start as written, the bad zone ignored) and skipped for its attendees alone
        assert [(s.line, s.reason, s.row) for s in summary.skipped] == [
            (4, "no client attendee", "UID=u1; DTSTART=2025-01-10T09:00:00; SUMMARY=x")]
        assert all(c.created == c.updated == 0 for c in summary.kinds.values())
        assert store.dump().meetings == []


def test_a_settings_zone_naming_a_tzdata_folder_is_a_settings_error() -> None:
    """``ZoneInfo('Europe')`` opens a folder of tzdata (IsADirectoryError): a one-line settings error instead."""
    from kamgraph.errors import ConfigError
    from kamgraph.settings import load_settings

    with pytest.raises(ConfigError, match="unknown time zone 'Europe'") as caught:
        load_settings(None, env={"KAMGRAPH_INGEST__TIMEZONE": "Europe"})
    assert "\n" not in str(caught.value)


def test_a_start_that_is_a_time_of_day_without_a_date_is_a_located_error(tmp_path: Path) -> None:
    """Found by the long fuzz run: ``DTSTART:202500Z`` parses as a bare time of day (icalendar's vTime); a
    FILE:LINE error, exit 2 (it was a TypeError traceback, exit 1)."""
    from click.testing import CliRunner

    from cli import cli

    calendar = tmp_path / "cal.ics"
    calendar.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:u1\r\nDTSTART:202500Z\r\n"
                        "SUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "kam.db"), "import", str(calendar)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"{calendar}:" in lines[0] and "DTSTART" in lines[0] and "Traceback" not in lines[0]
