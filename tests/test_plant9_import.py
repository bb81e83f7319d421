"""Import rules the ninth round of planted bugs found unchecked, each expectation worked out by hand.

(The eighth round's file is ``tests/test_plant8n_import.py``; this one is the ninth round's, import only.)

- vCard: ``KIND:INDIVIDUAL`` in capitals is a person (vCard values are case-insensitive); a line folded with
  a tab (inside a UTF-8 character) is unfolded like one folded with a space; a card that is not closed is
  reported at the line where it starts; the "link not made" skip names the first link nobody is known for, at
  its card's line;
- two cards of one import for the same person: the second adds to the first (its fields win, the first
  card's others are kept), not to the stored record alone (the suite caught this plant already, through the
  Salesforce importer; this is the vCard path's own check);
- an id given to a colleague in one file and to a contact in a later one is reported at the later copy,
  even when its line number is the smaller;
- foreign CSV: a report's one-cell lines after a blank line are its footer; a ``;``-separated export whose
  quoted header names hold commas is read as ``;``-separated; a file exactly at ``[limits] max_file_mb`` is
  read; a file's name in capitals (``Staff.csv``) still tells a header two kinds fit apart;
- competitor ties: a dry run counts and writes nothing;
- connectors: a Google event whose ``dateTime`` has no offset is in its ``timeZone``, and a room
  (``resource``) is no attendee; a Microsoft 365 all-day event is a day, not midnight UTC;
- a defect found in the round, fixed: the HubSpot connector dated an engagement's ``hs_timestamp`` (UTC) in
  UTC, not in ``[ingest] timezone`` as calendar and Salesforce events are (a call at 00:30 in Berlin was
  dated the day before).

The canonical sample of ``tests/data/canonical`` (Acme, ``acme-robotics.example``; our ``ourco.example``);
SQLite files in ``tmp_path``; the replay server of ``tests/connector_replay.py`` for the connectors.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamgraph.domain.models import Stakeholder
from kamgraph.errors import InputError
from kamgraph.ingest import import_files
from kamgraph.ingest.competitors import import_competitor_ties
from kamgraph.ingest.connectors.base import Connection
from kamgraph.ingest.connectors.google import GoogleCalendar
from kamgraph.ingest.connectors.http import TokenSource
from kamgraph.ingest.connectors.m365 import M365Calendar
from kamgraph.ingest.sniff import InputLimits, canonical_kind, check_size
from kamgraph.ingest.tabular import read_table
from kamgraph.ingest.vcard import parse_cards
from kamgraph.monitor.pull import PullState, pull
from kamgraph.settings import IngestSettings, Settings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL
from .connector_replay import SECRET, Replay, graph_attendee, graph_event
from .test_connectors_google import _event, _key

OURS = IngestSettings(our_domains=["ourco.example"])
KIM, ALEX = "kim.berger@ourco.example", "alex.moreau@acme-robotics.example"


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[GraphStore]:
    """A SQLite file with the canonical sample."""
    store = open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True)
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    yield store
    store.close()


def _vcf(path: Path, text: str) -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return path


# -- vCard ----------------------------------------------------------------------------------------------


def test_kind_individual_in_capitals_is_a_person(sample: GraphStore, tmp_path: Path) -> None:
    path = _vcf(tmp_path / "people.vcf", "BEGIN:VCARD\nVERSION:4.0\nKIND:INDIVIDUAL\nFN:Lena Vogt\n"
                "ORG:Acme Robotics\nEMAIL:lena.vogt@acme-robotics.example\nEND:VCARD\n")
    summary = import_files([path], sample, settings=OURS)
    assert summary.skipped == []
    lena = sample.get_person("lena.vogt@acme-robotics.example")
    assert isinstance(lena, Stakeholder) and (lena.name, lena.account) == ("Lena Vogt", "acme")


def test_a_line_folded_with_a_tab_inside_a_character_is_unfolded(sample: GraphStore, tmp_path: Path) -> None:
    # RFC 6350 3.2: a fold is a line break and one space *or horizontal tab*, both removed; Outlook folds at 75
    # octets, so a fold may split the two bytes of "é" (C3 A9): only unfolded first are they one character
    path = tmp_path / "people.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Lena Vogt\r\nORG:Acme Robotics\r\n"
                     b"EMAIL:lena.vogt@acme-robotics.example\r\nTITLE:Directrice Qualit\xc3\r\n\t\xa9 Europe\r\n"
                     b"END:VCARD\r\n")
    import_files([path], sample, settings=OURS)
    lena = sample.get_person("lena.vogt@acme-robotics.example")
    assert lena is not None and lena.title == "Directrice Qualit\u00e9 Europe"


def test_a_card_not_closed_is_reported_where_it_starts(tmp_path: Path) -> None:
    # lines: 1 BEGIN (Lena's card, never closed), 2 VERSION, 3 FN, 4 BEGIN (Omar's), 5 VERSION, 6 FN, 7 END
    path = _vcf(tmp_path / "people.vcf", "BEGIN:VCARD\nVERSION:4.0\nFN:Lena Vogt\n"
                "BEGIN:VCARD\nVERSION:4.0\nFN:Omar Haddad\nEND:VCARD\n")
    with pytest.raises(InputError) as caught:
        parse_cards(path)
    assert (caught.value.file, caught.value.line) == (str(path), 1)
    assert "a card starts before the previous one ends" in str(caught.value)


def test_the_link_not_made_skip_names_the_first_unknown_link(sample: GraphStore, tmp_path: Path) -> None:
    # Lena's card is on lines 1-6 and names nobody1; Omar's on lines 7-12 names nobody2: two links, the first Lena's
    path = _vcf(tmp_path / "people.vcf",
                "BEGIN:VCARD\nVERSION:4.0\nFN:Lena Vogt\nORG:Acme Robotics\n"
                "RELATED;TYPE=colleague:mailto:nobody1@acme-robotics.example\nEND:VCARD\n"
                "BEGIN:VCARD\nVERSION:4.0\nFN:Omar Haddad\nORG:Acme Robotics\n"
                "RELATED;TYPE=colleague:mailto:nobody2@acme-robotics.example\nEND:VCARD\n")
    summary = import_files([path], sample, settings=OURS)
    skips = [(s.line, s.reason, s.detail) for s in summary.skipped]
    assert skips == [(1, "link not made", "RELATED or manager names nobody known here: "
                      "'mailto:nobody1@acme-robotics.example' (2 link(s), the first here)")]


def test_a_second_card_for_the_same_person_keeps_what_the_first_gave(sample: GraphStore, tmp_path: Path) -> None:
    # Bea Novak (c-cfo) is stored as Chief Financial Officer in Finance; the first file gives her a new title,
    # the second (later in the same import) a new department: she ends with both, the stored rest kept
    first = _vcf(tmp_path / "a.vcf", "BEGIN:VCARD\nVERSION:4.0\nFN:Bea Novak\nORG:Acme Robotics\n"
                 "EMAIL:bea.novak@acme-robotics.example\nTITLE:Finance Director\nEND:VCARD\n")
    second = _vcf(tmp_path / "b.vcf", "BEGIN:VCARD\nVERSION:4.0\nFN:Bea Novak\nORG:Acme Robotics;Treasury\n"
                  "EMAIL:bea.novak@acme-robotics.example\nEND:VCARD\n")
    import_files([first, second], sample, settings=OURS)
    bea = sample.get_person("c-cfo")
    assert isinstance(bea, Stakeholder)
    assert (bea.title, bea.department, bea.reports_to, bea.influence) == ("Finance Director", "Treasury", "c-ceo", 5)


# -- one id for a colleague and a contact ----------------------------------------------------------------


def test_an_id_both_staff_and_stakeholder_is_reported_at_the_copy_read_last(tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text("id,name\nacme,Acme\n", encoding="utf-8")
    staff = tmp_path / "staff.csv"
    staff.write_text("id,name\ns-kim,Kim Berger\nx1,Xavi Ortiz\n", encoding="utf-8")  # x1 on line 3
    people = tmp_path / "stakeholders.csv"
    people.write_text("id,account,name\nx1,acme,Xenia Olsen\n", encoding="utf-8")  # x1 again, on line 2
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store, pytest.raises(InputError) as caught:
        import_files([tmp_path / "accounts.csv", staff, people], store)
    # the stakeholders file is read after the staff file: its copy (line 2) is the second one, whatever the lines
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(people), 2, "id")
    assert "'x1' is both a staff member and a stakeholder in this import" in str(caught.value)


# -- foreign CSV and sniffing ---------------------------------------------------------------------------


def test_one_cell_lines_after_a_blank_line_are_the_footer(tmp_path: Path) -> None:
    # a blank one-cell line (""), then lines the footer pattern does not know: all three are the footer
    text = ("Id,Name,Email\n1,Ada Park,ada@acme.example\n2,Bo Chen,bo@acme.example\n"
            '""\n'
            '"Contacts report, all regions"\n"Exported 2025-03-01 by Kim Berger"\n')
    table = read_table(tmp_path / "report.csv", text=text)
    assert [(r.line, r.get("name")) for r in table.rows] == [(2, "Ada Park"), (3, "Bo Chen")]


def test_a_semicolon_export_with_commas_in_quoted_header_names(tmp_path: Path) -> None:
    # outside the quotes the header has two ';' and no ','
    text = '"Name, full";"E-mail";"Company, legal"\n"Park, Ada";ada@acme.example;"Acme, Inc."\n'
    table = read_table(tmp_path / "export.csv", text=text)
    assert table.columns == ["namefull", "email", "companylegal"]
    assert [(r.line, r.get("namefull"), r.get("companylegal")) for r in table.rows] == [
        (2, "Park, Ada", "Acme, Inc.")]


def test_a_file_exactly_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 1000)
    check_size(path, InputLimits(max_bytes=1000))  # at the limit: read
    with pytest.raises(InputError, match=r"bigger than one import reads"):
        check_size(path, InputLimits(max_bytes=999))


def test_a_file_name_in_capitals_breaks_the_tie(tmp_path: Path) -> None:
    # "id,name" fits accounts and staff alike (accounts come first); the file's name says staff
    assert canonical_kind(["id", "name"], "Staff.csv") == "staff"
    assert canonical_kind(["id", "name"], "TEAM.csv") == "staff"
    assert canonical_kind(["id", "name"], "list.csv") == "accounts"


# -- competitor ties -----------------------------------------------------------------------------------


def test_a_dry_run_of_competitor_ties_writes_nothing(sample: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "competitors.csv"
    path.write_text("stakeholder,competitor,strength,since\nc-ceo,Contoso,4,2025-03-01\n", encoding="utf-8")
    dry = import_competitor_ties([path], sample, dry_run=True)
    assert dry.kinds["competitor_ties"].created == 1  # counted as it would be
    assert sample.competitor_ties() == []  # but not written: the real import still creates it
    assert import_competitor_ties([path], sample).line() == "created 1, updated 0, unchanged 0 (competitor_ties 1/0/0)"


# -- connectors -----------------------------------------------------------------------------------------


def _connector_settings(replay: Replay, tmp_path: Path, zone: str) -> Settings:
    return Settings.model_validate({"ingest": {"our_domains": ["ourco.example"], "timezone": zone},
                                    "connectors": {"state_file": str(tmp_path / "state.json"),
                                                   "ca_bundle": replay.ca_file, "backoff_seconds": 0.01}})


@pytest.fixture
def replay(tmp_path: Path) -> Iterator[Replay]:
    server = Replay(tmp_path)
    yield server
    server.close()


def test_a_google_start_without_an_offset_is_in_its_time_zone_and_rooms_are_no_attendees(
        replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 00:30 on 4 February in Berlin (UTC+1) is 23:30 UTC on the 3rd; dated as written, the 4th
    replay.google[KIM] = [[_event("g1", {"dateTime": "2025-02-04T00:30:00", "timeZone": "Europe/Berlin"},
                                  "Roadmap", [{"email": ALEX, "responseStatus": "accepted"},
                                              {"email": "c_1889@resource.calendar.google.com",
                                               "displayName": "Room 4.01", "resource": True,
                                               "responseStatus": "accepted"}])]]
    monkeypatch.setenv("KAMGRAPH_GOOGLE_SERVICE_ACCOUNT", json.dumps({
        "type": "service_account", "project_id": "p", "private_key_id": "k1", "private_key": _key(),
        "client_email": "kamgraph@p.iam.gserviceaccount.com", "client_id": "1", "token_uri": f"{replay.url}/token"}))
    settings = _connector_settings(replay, tmp_path, "UTC")
    calendar = GoogleCalendar(Connection("google", {"calendars": [KIM], "base_url": f"{replay.url}/calendar/v3"}),
                              settings)
    try:
        pages = list(calendar.pages(KIM, {}, dt.date(2025, 1, 1), dt.date(2025, 3, 1)))
    finally:
        calendar.close()
    [found] = [o for page in pages for o in page.occurrences]
    assert (found.key, found.date) == (("g1@google.com", "2025-02-03T23:30:00+00:00"), dt.date(2025, 2, 4))
    # the organiser Kim (named by the organizer entry) and Alex; the room is a resource, not a person
    assert found.present == {KIM: "Kim Berger", ALEX: ""}


class _Fixed(TokenSource):
    def __init__(self, replay: Replay) -> None:
        replay.valid_tokens.add("fixed-token")

    def token(self) -> str:
        return "fixed-token"


def test_a_microsoft_365_all_day_event_is_a_day(replay: Replay, tmp_path: Path) -> None:
    # Graph writes an all-day event's start as midnight of its day (here in UTC, as asked); it is that day,
    # not midnight UTC (which is the evening before in New York)
    replay.graph[KIM] = [[graph_event("e1", "2025-02-26T00:00:00", "Offsite", KIM,
                                      [graph_attendee(ALEX, "Alex Moreau")], isAllDay=True)]]
    settings = _connector_settings(replay, tmp_path, "America/New_York")
    calendar = M365Calendar(Connection("m365", {"calendars": [KIM], "base_url": f"{replay.url}/v1.0"}), settings,
                            tokens=_Fixed(replay))
    try:
        pages = list(calendar.pages(KIM, {}, dt.date(2025, 1, 1), dt.date(2025, 3, 1)))
    finally:
        calendar.close()
    [found] = [o for page in pages for o in page.occurrences]
    assert (found.key, found.date, found.all_day) == (("e1", "2025-02-26"), dt.date(2025, 2, 26), True)


# -- a defect found in the round: HubSpot engagements dated in UTC --------------------------------------


def test_a_hubspot_call_at_a_utc_time_is_dated_in_our_time_zone(sample: GraphStore, replay: Replay, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # hs_timestamp is UTC: 23:30 UTC on 11 February is 00:30 on 12 February in Berlin ([ingest] timezone),
    # as a calendar event or a Salesforce event at that instant is dated
    def record(oid: str, **props: object) -> dict:
        return {"id": oid, "properties": {**props, "hs_lastmodifieddate": "1739000000000"}, "contacts": []}

    replay.hubspot = {
        "companies": [], "meetings": [], "emails": [],
        "contacts": [record("501", firstname="Alex", lastname="Moreau", email=ALEX)],
        "calls": [{**record("7002", hs_timestamp="2025-02-11T23:30:00Z", hs_call_title="Late call",
                            hubspot_owner_id="101"), "contacts": ["501"]}]}
    replay.hubspot_owners = [{"id": "101", "email": KIM, "firstName": "Kim", "lastName": "Berger", "userId": 1}]
    monkeypatch.setenv("KAMGRAPH_HUBSPOT_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("KAMGRAPH_HUBSPOT_REFRESH_TOKEN", "refresh-1")
    settings = _connector_settings(replay, tmp_path, "Europe/Berlin")
    state = PullState(tmp_path / "state.json")
    state.connect(Connection("hubspot", {"client_id": "app-7", "base_url": replay.url}))
    state.save()
    pull(sample, settings, today=dt.date(2025, 3, 1))
    calls = [(m.id, m.date, sorted(m.attendees)) for m in sample.dump().meetings if m.source == "hubspot"]
    assert calls == [("hs-calls-7002", dt.date(2025, 2, 12), ["c-ceo", "s-kim"])]
