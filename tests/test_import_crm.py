"""CRM exports (Salesforce, HubSpot), mapped CSVs and vCards, on top of the canonical sample.

The fixtures are written in the shape of the real exports: Data Loader files
with upper-case API names, a UTF-8 BOM, CRLF, every cell quoted and multi-line
descriptions, ids in both the 15- and the 18-character form; a contact report
in Windows-1252 with labels and the report footer; HubSpot exports with
labels and with internal names; a semicolon-separated Pipedrive export read
through a mapping; vCards 3.0 and 4.0 with folded lines. Every expected value
is worked out by hand from those files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kamgraph.domain.models import Staff, Stakeholder
from kamgraph.errors import InputError
from kamgraph.ingest import detect_format, import_files
from kamgraph.ingest.salesforce import sf_id
from kamgraph.settings import IngestSettings
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL, DATA

SF = DATA / "salesforce"
SF_FILES = sorted(SF.glob("*.csv"))
HUBSPOT = sorted((DATA / "hubspot").glob("*.csv"))
MAPPING = DATA / "mapping" / "pipedrive.toml"
MAPPED = sorted((DATA / "mapping").glob("*.csv"))
VCARDS = [DATA / "vcard" / "contacts.vcf"]
OURS = IngestSettings(our_domains=["ourco.example"])

GLOBEX = "0015g00000Glbx1AAB"
LENA = "0055g00000LenP2AAJ"
HANK, MINDY, OTTO = "0035g00000HnkS1AAJ", "0035g00000MndL2AAJ", "0035g00000OtZ3aAAF"


@pytest.fixture
def base(store: GraphStore) -> GraphStore:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def _counts(summary) -> dict[str, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    return {k: (c.created, c.updated, c.unchanged) for k, c in summary.kinds.items() if c.total}


def test_salesforce_ids_15_and_18_characters() -> None:
    # The checksum worked by hand: 001A0 -> A at position 3 -> 8 -> 'I'; 00000 -> 'A'; 6Vm9r -> V at 1 -> 'C'.
    assert sf_id("001A0000006Vm9r") == "001A0000006Vm9rIAC"
    assert sf_id("001A0000006Vm9rIAC") == sf_id("001A0000006Vm9riac") == "001A0000006Vm9rIAC"
    with pytest.raises(ValueError, match="not a Salesforce id"):
        sf_id("Acme")


def test_formats_are_told_from_the_header() -> None:
    assert [detect_format(p) for p in SF_FILES] == ["salesforce"] * len(SF_FILES)
    assert [detect_format(p) for p in HUBSPOT] == ["hubspot", "hubspot"]
    assert detect_format(CANONICAL / "staff.csv") == "canonical"
    assert detect_format(VCARDS[0]) == "vcard" and detect_format(DATA / "calendar" / "google-kim.ics") == "ics"


def test_salesforce_export_counts_and_skips(base: GraphStore) -> None:
    summary = import_files(SF_FILES, base)
    assert _counts(summary) == {
        "accounts": (1, 0, 1),       # Globex new; Acme Robotics is the stored 'acme' (same name)
        "staff": (1, 0, 1),          # Lena new; Kim is s-kim (same e-mail); the integration user skipped
        "stakeholders": (4, 1, 0),   # Hank, Mindy, Otto, François new; Dana Kim is c-arch, with a new title
        "meetings": (2, 0, 0),
    }
    assert summary.skip_reasons() == {"deleted in Salesforce": 1, "no account": 1, "not an internal user": 1,
                                      "declined": 1, "not a person (IsWhat)": 1, "event not in this import": 1,
                                      "invitee copy of a group event": 1, "no client attendee": 1}
    again = import_files(SF_FILES, base)
    assert (again.created, again.updated) == (0, 0)


def test_salesforce_records(base: GraphStore) -> None:
    import_files(SF_FILES, base)
    mindy = base.get_person(MINDY)
    assert isinstance(mindy, Stakeholder)
    assert (mindy.account, mindy.title, mindy.reports_to) == (GLOBEX, "VP, Procurement", HANK)  # 15-char ids
    assert base.get_person(OTTO).reports_to == MINDY  # type: ignore[union-attr]
    francois = base.get_person("0035g00000FrL7zAAF")  # from the Windows-1252 report, footer ignored
    assert (francois.name, francois.account) == ("François Lefèvre", GLOBEX)  # type: ignore[union-attr]
    arch = base.get_person("c-arch")
    assert (arch.title, arch.influence, arch.buying_role.value, arch.reports_to) == (  # type: ignore[union-attr]
        "Principal Architect", 4, "champion", "c-cto")  # what Salesforce does not say is kept
    lena = base.get_person(LENA)
    assert isinstance(lena, Staff) and lena.accounts == [GLOBEX] and lena.team == "Key Accounts"
    assert base.get_account(GLOBEX).domains == ["globex.example"]
    kickoff = next(m for m in base.person_meetings(HANK))
    assert kickoff.attendees == sorted([HANK, MINDY, LENA, "s-kim"])  # Otto declined
    assert (kickoff.date.isoformat(), kickoff.source, kickoff.account) == ("2025-02-11", "salesforce", GLOBEX)
    call = next(m for m in base.person_meetings("c-arch") if m.source == "salesforce")
    assert (call.kind.value, call.attendees, call.account) == ("call", ["c-arch", "s-kim"], "acme")


def test_salesforce_bad_date_is_located(base: GraphStore, tmp_path: Path) -> None:
    for path in SF_FILES:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    event = tmp_path / "Event.csv"
    event.write_bytes(event.read_bytes().replace(b'"2025-02-27"', b'"27th of Feb"'))
    before = base.counts()
    with pytest.raises(InputError) as info:
        import_files(sorted(tmp_path.glob("*.csv")), base)
    # line 1 header; row 1 spans lines 2-4 (two line breaks in its description); row 2 starts on line 5
    assert str(info.value).startswith(f"{event}:5: ACTIVITYDATE: not a date: '27th of Feb'")
    assert base.counts() == before


def test_hubspot_exports(base: GraphStore) -> None:
    summary = import_files(HUBSPOT, base)
    assert _counts(summary) == {"accounts": (1, 1, 0), "stakeholders": (3, 0, 1)}
    assert summary.skip_reasons() == {"no company": 1}
    initech = base.get_account("hs-9001")
    assert (initech.tier, initech.domains) == ("tier_1", ["initech-labs.example", "initech.example"])
    bill = base.get_person("hs-502")  # no company column: matched by the additional domain initech-labs
    assert (bill.account, bill.buying_role.value, bill.seniority.value) == (  # type: ignore[union-attr]
        "hs-9001", "economic_buyer", "vp")  # BUDGET_HOLDER;DECISION_MAKER -> the more decisive one
    assert base.get_person("hs-501").buying_role.value == "user"  # type: ignore[union-attr]
    arch = base.get_person("c-arch")  # Dana Kim by e-mail: champion stays champion, title unchanged
    assert (arch.account, arch.influence) == ("acme", 4)  # type: ignore[union-attr]
    assert import_files(HUBSPOT, base).created == 0


def test_mapped_exports(base: GraphStore) -> None:
    summary = import_files(MAPPED, base, mapping=MAPPING)
    assert _counts(summary) == {"stakeholders": (2, 0, 0), "meetings": (2, 0, 0)}
    assert summary.skip_reasons() == {"no client attendee": 1}
    sofia, tomas = base.get_person("1201"), base.get_person("1202")
    assert (sofia.account, sofia.buying_role.value, sofia.reports_to) == (  # type: ignore[union-attr]
        "acme", "economic_buyer", "c-ceo")  # manager given by e-mail
    assert (tomas.name, tomas.account, tomas.reports_to) == ("Tomás Díaz", "acme", "1201")  # type: ignore[union-attr]
    demo = [m for m in base.person_meetings("1202")]
    assert [(m.date.isoformat(), m.attendees, m.source) for m in demo] == [
        ("2025-02-04", ["1201", "1202", "s-kim"], "pipedrive")]  # 04/02/2025 read day first
    assert import_files(MAPPED, base, mapping=MAPPING).created == 0


@pytest.mark.parametrize(("text", "expected"), [
    ('[[table]]\nkind = "people"\n[table.columns]\nid = "x"\n', ":2: table[0].kind: kind must be one of"),
    ('[[table]]\nkind = "stakeholders"\n[table.columns]\nnmae = "x"\n',
     ":4: table[0].columns.nmae: not a field of stakeholders"),
    ('[table]\nkind = 1\n', ":1: no [[table]] section"),
    ('[[table]]\nkind = ["stakeholders"]\n[table.columns]\nid = "x"\n', ":2: table[0].kind: kind must be one of"),
    ('[[table]]\nkind = "stakeholders"\nlist_separator = ""\n[table.columns]\nid = "x"\n',
     ":3: table[0].list_separator: a list separator is a non-empty string"),
    ('[[table]]\nkind = "stakeholders"\nfiles = [1]\n[table.columns]\nid = "x"\n',
     ":3: table[0].files: expected a file name pattern"),
    ('[[table]]\nkind = "stakeholders"\ncolumns = 3\n', ":3: table[0].columns: expected a table"),
    ('[[table]]\nkind = "stakeholders"\nday_first = "yes"\n[table.columns]\nid = "x"\n',
     ":3: table[0].day_first: expected true or false"),
])
def test_bad_mapping_files(base: GraphStore, tmp_path: Path, text: str, expected: str) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(text)
    with pytest.raises(InputError) as info:
        import_files(MAPPED, base, mapping=mapping)
    assert str(info.value).startswith(f"{mapping}{expected}"), str(info.value)


def test_mapping_names_a_missing_column(base: GraphStore, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(MAPPING.read_text().replace('"Person - Job title"', '"Job Title"'))
    with pytest.raises(InputError, match=r"pipedrive-persons.csv:1: Job Title: the mapping names a column"):
        import_files(MAPPED, base, mapping=mapping)


def test_vcards(base: GraphStore) -> None:
    summary = import_files(VCARDS, base, settings=OURS)
    assert _counts(summary) == {"staff": (1, 0, 0), "stakeholders": (2, 0, 1), "relationships": (1, 0, 0)}
    assert summary.skip_reasons() == {"no account": 1, "link not made": 1}
    grace = base.get_person("grace.hopper@acme-robotics.example")
    assert isinstance(grace, Stakeholder)
    assert (grace.department, grace.buying_role.value, grace.reports_to) == (  # type: ignore[union-attr]
        "Quality", "influencer", "c-cto")  # RELATED;TYPE=manager to the UID of Chris Adeyemi's card
    zoe = base.get_person("zoe.angstrom@acme-robotics.example")  # a fold splits the Å of her N line
    assert (zoe.name, zoe.reports_to, zoe.buying_role) == (  # type: ignore[union-attr]
        "Zoë Ångström", grace.id, None)  # X-MS-MANAGER by name; ROLE "Project Leader" is no buying role
    mia = base.get_person("mia.chen@ourco.example")
    assert isinstance(mia, Staff) and mia.team == "Customer Success"
    ties = [r for r in base.dump().relationships if r.source == grace.id]
    assert [(r.target, r.kind.value) for r in ties] == [("c-arch", "knows")]
    assert import_files(VCARDS, base, settings=OURS).created == 0


def test_everything_in_one_command(base: GraphStore) -> None:
    calendars = sorted((DATA / "calendar").glob("*.ics"))
    files = [*calendars, *VCARDS, *HUBSPOT, *SF_FILES]
    import datetime as dt

    summary = import_files(files, base, settings=OURS, since=dt.date(2025, 1, 1), until=dt.date(2025, 3, 31))
    assert summary.kinds["meetings"].created == 15 + 2
    again = import_files(files, base, settings=OURS, since=dt.date(2025, 1, 1), until=dt.date(2025, 3, 31))
    assert (again.created, again.updated) == (0, 0)


def test_store_lookups_match_the_interface_defaults(base: GraphStore) -> None:
    """The SQLite overrides return what the base class builds from dump() and get_person()."""
    from kamgraph.store.base import GraphStore as Base

    emails = ["dana.kim@acme-robotics.example", "KIM.BERGER@ourco.example", "nobody@x.example"]
    assert base.people_by_email(emails) == Base.people_by_email(base, emails)
    assert set(base.people_by_email(emails)) == {"dana.kim@acme-robotics.example", "kim.berger@ourco.example"}
    ids = ["c-arch", "s-kim", "ghost"]
    assert base.get_people(ids) == Base.get_people(base, ids)
    assert base.all_accounts() == Base.all_accounts(base)


def test_a_contact_without_a_name_names_the_column(base: GraphStore, tmp_path: Path) -> None:
    contacts = tmp_path / "Contact.csv"
    contacts.write_bytes((SF / "Contact.csv").read_bytes().replace(b'"Scorpio","Hank","Mr.","Hank Scorpio"',
                                                                  b'"","","Mr.",""'))
    with pytest.raises(InputError) as info:
        import_files([SF / "Account.csv", contacts], base)
    # the header is line 1 and Mindy's row spans lines 2-3 (a line break in her description)
    assert str(info.value) == f"{contacts}:4: LASTNAME: a name is required, but the row has none"


TASKS = SF / "tasks" / "Task.csv"
DATE_COLUMN = 1  # "Activity - Due date" in pipedrive-activities.csv


def test_salesforce_task_export_is_tasks_and_keeps_the_contacts(base: GraphStore) -> None:
    from kamgraph.ingest.salesforce import sf_object
    from kamgraph.ingest.tabular import read_table

    assert detect_format(TASKS) == "salesforce" and sf_object(read_table(TASKS)) == "Task"
    files = [SF / "Account.csv", SF / "Contact.csv", SF / "User.csv", TASKS]
    summary = import_files(files, base)
    assert summary.kinds["stakeholders"].created == 3  # Hank, Mindy, Otto: the contacts of the same command
    # by hand from Task.csv: a dated call, an e-mail dated by CompletedDateTime, two undated open calls,
    # one to-do (TaskSubtype Task)
    assert summary.skip_reasons()["task without a date"] == 2
    assert summary.skip_reasons()["a to-do, not a call or an e-mail"] == 1
    tasks = sorted((m for m in base.dump().meetings if m.id.startswith("00T")), key=lambda m: m.id)
    assert [(m.date.isoformat(), m.kind.value, m.attendees) for m in tasks] == [
        ("2025-02-20", "call", sorted([HANK, LENA])), ("2025-02-21", "email", sorted([MINDY, LENA]))]
    undated = [s for s in summary.skipped if s.reason == "task without a date"]
    assert [s.detail for s in undated] == ["open, not yet scheduled", "open, not yet scheduled"]


def test_a_task_counts_with_its_own_kind_weight(base: GraphStore) -> None:
    from kamgraph.graph.strength import tie_stats
    from kamgraph.settings import StrengthSettings

    import_files([SF / "Account.csv", SF / "Contact.csv", SF / "User.csv", TASKS], base)
    tasks = [m for m in base.dump().meetings if m.id.startswith("00T")]
    on = dt.date(2025, 2, 21)
    stats = tie_stats(tasks, {LENA}, {HANK, MINDY}, on, StrengthSettings())
    # call 0.6 one day old, e-mail 0.2 on the day: 0.6 * 2 ** (-1 / 90) and 0.2
    assert stats[(LENA, HANK)].strength == pytest.approx(0.6 * 2 ** (-1 / 90))
    assert stats[(LENA, MINDY)].strength == pytest.approx(0.2)


def test_salesforce_task_date_out_of_range_is_located(base: GraphStore, tmp_path: Path) -> None:
    bad = tmp_path / "Task.csv"
    bad.write_bytes(TASKS.read_bytes().replace(b'"2025-02-20","Completed"', b'"0001-01-01T00:00:00+14:00","Completed"'))
    before = base.counts()
    with pytest.raises(InputError, match=r"Task.csv:2: ACTIVITYDATE: "):
        import_files([SF / "Account.csv", SF / "Contact.csv", SF / "User.csv", bad], base)
    assert base.counts() == before


def test_outlook_vcard_21_quoted_printable_and_non_person_kinds(base: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "outlook.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\r\n"
        b"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
        b"EMAIL;PREF;INTERNET:juergen.mueller@acme-robotics.example\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Acme Robotics\r\nEMAIL:info@acme-robotics.example\r\n"
        b"END:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Acme buyers\r\nEMAIL:buyers@acme-robotics.example\r\n"
        b"MEMBER:mailto:juergen.mueller@acme-robotics.example\r\nEND:VCARD\r\n")
    summary = import_files([path], base)
    assert summary.kinds["stakeholders"].created == 1
    assert base.get_person("juergen.mueller@acme-robotics.example").name == "Jürgen Müller"
    assert [(s.line, s.reason, s.detail) for s in summary.skipped] == [
        (7, "not a person", "KIND:org"), (13, "not a person", "KIND:group")]


def test_unreadable_vcard_line_is_located(base: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "bad.vcf"
    path.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\n very folded\r\nTHIS IS NOT A LINE\r\nEND:VCARD\r\n")
    with pytest.raises(InputError, match=r"bad.vcf:5: not a vCard line"):
        import_files([path], base)


def test_a_mapping_file_that_is_not_utf8(base: GraphStore, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_bytes(b'[[table]]\nkind = "stakeholders"\n# Gr\xfc\xdfe\n[table.columns]\nid = "x"\n')
    with pytest.raises(InputError, match=r"m.toml:3: not UTF-8 \(byte 0xfc\)"):
        import_files(MAPPED, base, mapping=mapping)


def test_a_mapped_date_out_of_range_is_located(base: GraphStore, tmp_path: Path) -> None:
    for path in MAPPED:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    activities = tmp_path / "pipedrive-activities.csv"
    text = activities.read_text(encoding="utf-8")
    first_date = text.splitlines()[1].split(",")[DATE_COLUMN]
    activities.write_text(text.replace(first_date, "0001-01-01T00:00:00+14:00", 1), encoding="utf-8")
    before = base.counts()
    with pytest.raises(InputError, match=r"pipedrive-activities.csv:2: "):
        import_files(sorted(tmp_path.glob("*.csv")), base, mapping=MAPPING)
    assert base.counts() == before
