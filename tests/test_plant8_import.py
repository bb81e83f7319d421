"""Import rules the third round of planted bugs found unchecked, each expectation worked out by hand.

- ICS: the merge of two calendars' copies of one occurrence (a name only the second copy gives, the first
  copy's subject), ``CUTYPE`` in lower case, the per-import occurrence limit reached exactly, a meeting
  with stakeholders of two accounts, the source id of a recurring occurrence;
- vCard: a link to the card itself, ``MAILTO:`` in capitals, the preferred ``EMAIL`` when it is not the
  first, a name from ``N`` alone, ``RELATED`` without a ``TYPE``, a manager named by a name two cards share;
- accounts by e-mail domain: a domain that only ends like an account's, a domain two accounts share;
- mappings: a table's ``files`` pattern in other case than the file name, a partial record's list field
  united with the stored one, two meetings of one day and the same people told apart by their subject, padded
  cells read stripped, an error naming the first of joined columns;
- blank cells of canonical files (white space only) not given, criteria included;
- CRM: a HubSpot contact's first company id (also written ``9001.0``); Salesforce's first primary contact
  role, a Task's subtype before its type, a ``Declined`` status padded with spaces; the Salesforce
  connector's invitations past the first page, and a User matched by e-mail to our staff still an attendee
  of the events of a later page (a defect, fixed).

The sample is the canonical one of ``tests/data/canonical`` (Acme, domain ``acme-robotics.example``; our
domain ``ourco.example``), imported into a SQLite file in ``tmp_path``; the connectors' replay server of
``tests/connector_replay.py`` for the Salesforce pulls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamgraph.domain.models import Meeting
from kamgraph.errors import InputError
from kamgraph.ingest import import_files
from kamgraph.ingest.directory import Directory
from kamgraph.ingest.ics import Limits, Window, read_calendars
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL
from .test_import_calendar import OURS, _event

WINDOW = Window(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
KIM = "ATTENDEE;CN=Kim Berger:mailto:kim.berger@ourco.example"
BEA = "ATTENDEE;CN=Bea Novak:mailto:bea.novak@acme-robotics.example"


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[GraphStore]:
    """A SQLite store with the canonical sample and two more accounts, Globex (``globex.example``) and Initech
    (``initech.example``), which share the domain ``shared.example``."""
    store = open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True)
    more = tmp_path / "more" / "accounts.csv"
    more.parent.mkdir()
    more.write_text("id,name,domains\nglobex,Globex,globex.example;shared.example\n"
                    "initech,Initech,initech.example;shared.example\n")
    import_files([*sorted(CANONICAL.glob("*.csv")), more], store)
    yield store
    store.close()


def _read(store: GraphStore, paths: list[Path], limits: Limits | None = None) -> tuple[list[Meeting], object]:
    parsed = read_calendars(paths, Directory(store, OURS), OURS, window=WINDOW, limits=limits)
    return [item.record for item in parsed.meetings], parsed


def _copy(tmp_path: Path, name: str, body: str, summary: str = "Review") -> Path:
    path = _event(tmp_path, body, name=name)
    path.write_text(path.read_text().replace("SUMMARY:Review", f"SUMMARY:{summary}"))
    return path


# -- ICS ----------------------------------------------------------------------------------------------


def test_a_name_only_the_second_copy_gives_is_taken(sample: GraphStore, tmp_path: Path) -> None:
    # lv@... is nobody known: a new stakeholder of Acme. The first calendar writes no CN for her, the
    # second "Lena Vogt"; without any CN her name would come from the address ("Lv").
    first = _copy(tmp_path, "a.ics", f"DTSTART:20250204T100000Z\n{KIM}\nATTENDEE:mailto:lv@acme-robotics.example")
    second = _copy(tmp_path, "b.ics", f"DTSTART:20250204T100000Z\n{KIM}\n"
                   "ATTENDEE;CN=Lena Vogt:mailto:lv@acme-robotics.example")
    _, parsed = _read(sample, [first, second])
    assert [(item.record.id, item.record.name) for item in parsed.stakeholders] == [  # type: ignore[attr-defined]
        ("lv@acme-robotics.example", "Lena Vogt")]


def test_the_first_copy_keeps_its_subject(sample: GraphStore, tmp_path: Path) -> None:
    first = _copy(tmp_path, "a.ics", f"DTSTART:20250204T100000Z\n{KIM}\n{BEA}", summary="Review")
    second = _copy(tmp_path, "b.ics", f"DTSTART:20250204T100000Z\n{KIM}\n{BEA}", summary="Quarterly review")
    meetings, _ = _read(sample, [first, second])
    assert [m.subject for m in meetings] == ["Review"]


def test_a_room_written_in_lower_case_is_no_attendee(sample: GraphStore, tmp_path: Path) -> None:
    # RFC 5545 parameter values are case-insensitive: CUTYPE=room is a room.
    path = _copy(tmp_path, "a.ics", f"DTSTART:20250204T100000Z\n{KIM}\n{BEA}\n"
                 "ATTENDEE;CUTYPE=room;CN=Room 4.01:mailto:room-401@acme-robotics.example")
    meetings, parsed = _read(sample, [path])
    assert [m.attendees for m in meetings] == [["c-cfo", "kim.lee@ourco.example", "s-kim"]]
    assert [item.record.id for item in parsed.stakeholders] == []  # type: ignore[attr-defined]


def test_the_import_limit_reached_exactly_cuts_nothing(sample: GraphStore, tmp_path: Path) -> None:
    path = _copy(tmp_path, "a.ics", f"DTSTART:20250204T100000Z\nRRULE:FREQ=WEEKLY;COUNT=3\n{KIM}\n{BEA}")
    meetings, parsed = _read(sample, [path], Limits(max_total=3))
    assert (len(meetings), [s.reason for s in parsed.skipped]) == (3, [])  # type: ignore[attr-defined]
    meetings, parsed = _read(sample, [path], Limits(max_total=2))
    assert (len(meetings), [s.reason for s in parsed.skipped]) == (2, ["recurrence cut short"])  # type: ignore[attr-defined]


def test_a_meeting_with_two_accounts_people_belongs_to_no_account(sample: GraphStore, tmp_path: Path) -> None:
    both = _copy(tmp_path, "a.ics", f"DTSTART:20250204T100000Z\n{KIM}\n{BEA}\n"
                 "ATTENDEE;CN=Gil Bates:mailto:gil@globex.example")
    meetings, _ = _read(sample, [both])
    assert [(m.account, m.attendees) for m in meetings] == [
        (None, ["c-cfo", "gil@globex.example", "kim.lee@ourco.example", "s-kim"])]
    one = _copy(tmp_path, "b.ics", f"DTSTART:20250204T100000Z\n{KIM}\n{BEA}")
    meetings, _ = _read(sample, [one])
    assert [m.account for m in meetings] == ["acme"]


def test_a_recurring_occurrence_has_its_instant_in_its_source_id(sample: GraphStore, tmp_path: Path) -> None:
    path = _copy(tmp_path, "a.ics", f"DTSTART:20250204T100000Z\nRRULE:FREQ=WEEKLY;COUNT=2\n{KIM}\n{BEA}")
    single = _copy(tmp_path, "b.ics", f"DTSTART:20250301T090000Z\n{KIM}\n{BEA}")
    single.write_text(single.read_text().replace("UID:e1@test", "UID:e2@test"))
    meetings, _ = _read(sample, [path, single])
    assert sorted(m.source_id for m in meetings) == [  # type: ignore[type-var]
        "e1@test 2025-02-04T10:00:00+00:00", "e1@test 2025-02-11T10:00:00+00:00", "e2@test"]


# -- vCard --------------------------------------------------------------------------------------------


def _cards(tmp_path: Path, *cards: str) -> Path:
    path = tmp_path / "people.vcf"
    path.write_text("".join(f"BEGIN:VCARD\r\nVERSION:4.0\r\n{c.replace(chr(10), chr(13) + chr(10))}\r\nEND:VCARD\r\n"
                            for c in cards))
    return path


def test_the_preferred_address_wins_even_when_it_is_not_the_first(sample: GraphStore, tmp_path: Path) -> None:
    path = _cards(tmp_path, "FN:Lena Vogt\nORG:Acme Robotics;Quality\nEMAIL;TYPE=home:lena@home.example\n"
                  "EMAIL;TYPE=work;PREF=1:lena.vogt@acme-robotics.example",
                  "FN:Omar Haddad\nORG:Acme Robotics\nEMAIL:omar@home.example\n"
                  "EMAIL;TYPE=pref:omar.haddad@acme-robotics.example")
    import_files([path], sample, settings=OURS)
    lena = sample.get_person("lena.vogt@acme-robotics.example")
    omar = sample.get_person("omar.haddad@acme-robotics.example")
    assert (lena.email, omar.email) == ("lena.vogt@acme-robotics.example", "omar.haddad@acme-robotics.example")


def test_a_name_from_n_alone_is_given_name_first(sample: GraphStore, tmp_path: Path) -> None:
    # N is family; given; additional; prefix; suffix -> "prefix given additional family suffix"
    path = _cards(tmp_path, "N:Vogt;Lena;Maria;Dr.;PhD\nORG:Acme Robotics\nEMAIL:lena.vogt@acme-robotics.example")
    import_files([path], sample, settings=OURS)
    assert sample.get_person("lena.vogt@acme-robotics.example").name == "Dr. Lena Maria Vogt PhD"


def test_related_without_a_type_is_a_knows_tie(sample: GraphStore, tmp_path: Path) -> None:
    path = _cards(tmp_path, "FN:Lena Vogt\nORG:Acme Robotics\nEMAIL:lena.vogt@acme-robotics.example\n"
                  "RELATED:mailto:dana.kim@acme-robotics.example")
    import_files([path], sample, settings=OURS)
    ties = [(r.source, r.target, r.kind.value) for r in sample.dump().relationships
            if r.source == "lena.vogt@acme-robotics.example"]
    assert ties == [("lena.vogt@acme-robotics.example", "c-arch", "knows")]


def test_a_manager_named_by_a_shared_name_is_the_first_card_so_named(sample: GraphStore, tmp_path: Path) -> None:
    path = _cards(tmp_path,
                  "FN:Sam Roe\nORG:Acme Robotics\nEMAIL:sam.roe@acme-robotics.example",
                  "FN:Sam Roe\nORG:Acme Robotics\nEMAIL:sam.roe2@acme-robotics.example",
                  "FN:Lena Vogt\nORG:Acme Robotics\nEMAIL:lena.vogt@acme-robotics.example\n"
                  "RELATED;VALUE=text;TYPE=manager:Sam Roe")
    import_files([path], sample, settings=OURS)
    assert sample.get_person("lena.vogt@acme-robotics.example").reports_to == "sam.roe@acme-robotics.example"


def test_a_link_to_the_card_itself_is_not_made(sample: GraphStore, tmp_path: Path) -> None:
    path = _cards(tmp_path, "FN:Lena Vogt\nORG:Acme Robotics\nEMAIL:lena.vogt@acme-robotics.example\n"
                  "RELATED;VALUE=text;TYPE=colleague:Lena Vogt")  # her own name: this card
    summary = import_files([path], sample, settings=OURS)
    assert summary.skip_reasons() == {"link not made": 1}
    assert [r for r in sample.dump().relationships if r.source == "lena.vogt@acme-robotics.example"] == []


def test_a_mailto_uri_in_capitals_is_followed(sample: GraphStore, tmp_path: Path) -> None:
    path = _cards(tmp_path, "FN:Lena Vogt\nORG:Acme Robotics\nEMAIL:lena.vogt@acme-robotics.example\n"
                  "RELATED;TYPE=colleague:MAILTO:dana.kim@acme-robotics.example")
    import_files([path], sample, settings=OURS)
    assert [(r.target, r.kind.value) for r in sample.dump().relationships
            if r.source == "lena.vogt@acme-robotics.example"] == [("c-arch", "knows")]


# -- accounts by domain -------------------------------------------------------------------------------


@pytest.mark.parametrize(("email", "account"), [
    ("lena@eu.acme-robotics.example", "acme"),  # a sub-domain of Acme's
    ("lena@notacme-robotics.example", None),  # only ends like it
    ("lena@shared.example", None),  # Globex's and Initech's: neither
    ("lena@initech.example", "initech"),
])
def test_the_account_of_an_address_without_org(sample: GraphStore, tmp_path: Path, email: str,
                                              account: str | None) -> None:
    path = _cards(tmp_path, f"FN:Lena Vogt\nEMAIL:{email}")
    summary = import_files([path], sample, settings=OURS)
    if account is None:
        assert summary.skip_reasons() == {"no account": 1}
        assert [p.id for p in sample.dump().stakeholders if p.id == email] == []
    else:
        assert sample.get_person(email).account == account


# -- mappings -----------------------------------------------------------------------------------------


def test_a_mapping_in_other_case_a_united_list_and_meetings_told_apart(sample: GraphStore, tmp_path: Path) -> None:
    mapping = tmp_path / "crm.toml"
    mapping.write_text('[[table]]\nkind = "staff"\nfiles = ["Team-*.CSV"]\n\n[table.columns]\n'
                       'id = "Id"\nname = "Name"\naccounts = "Accounts"\n\n'
                       '[[table]]\nkind = "meetings"\nfiles = ["LOG-*.csv"]\n\n[table.columns]\n'
                       'date = "Date"\nsubject = "Subject"\nattendees = "People"\n')
    team, log = tmp_path / "team-q1.csv", tmp_path / "log-q1.csv"
    team.write_text("Id,Name,Accounts\ns-kim,Kim Berger,globex\n")
    log.write_text("Date,Subject,People\n2025-02-04,Review,s-kim;c-cfo\n2025-02-04,Pricing,s-kim;c-cfo\n")
    import_files([team, log], sample, mapping=mapping)
    assert sample.get_person("s-kim").accounts == ["acme", "globex"]  # acme from staff.csv, globex added
    mapped = sorted((m.date.isoformat(), m.subject, m.attendees) for m in sample.dump().meetings
                    if m.subject in ("Review", "Pricing"))
    assert mapped == [("2025-02-04", "Pricing", ["c-cfo", "s-kim"]), ("2025-02-04", "Review", ["c-cfo", "s-kim"])]


# -- blank and padded cells ---------------------------------------------------------------------------


def test_blank_cells_are_not_given(sample: GraphStore, tmp_path: Path) -> None:
    people = tmp_path / "x" / "stakeholders.csv"
    people.parent.mkdir()
    people.write_text("id,account,name,title,department\nc-new,acme,Lena Vogt,   ,\t\n")
    accounts = tmp_path / "y" / "accounts.csv"
    accounts.parent.mkdir()
    accounts.write_text("id,name,segment,criteria.strategic_value\nhooli,Hooli,  ,   \n")
    import_files([accounts, people], sample)
    lena, hooli = sample.get_person("c-new"), sample.get_account("hooli")
    assert (lena.title, lena.department) == (None, None)  # type: ignore[union-attr]
    assert (hooli.segment, hooli.criteria) == (None, {})


def test_mapped_cells_are_stripped_and_errors_name_the_first_joined_column(sample: GraphStore,
                                                                         tmp_path: Path) -> None:
    mapping = tmp_path / "crm.toml"
    mapping.write_text('[[table]]\nkind = "meetings"\nfiles = ["log*.csv"]\n\n'
                       '[table.columns]\ndate = "Date"\nsubject = "Subject"\n'
                       'attendees = "People"\nkind = ["Type", "Subtype"]\n\n[table.values.kind]\n"Phone" = "call"\n')
    log = tmp_path / "log.csv"
    log.write_text("Date,Subject,People,Type,Subtype\n2025-02-04,  Pricing  ,s-kim;c-cfo,  Phone ,\n")
    import_files([log], sample, mapping=mapping)
    assert [(m.subject, m.kind.value) for m in sample.dump().meetings if m.date == dt.date(2025, 2, 4)] == [
        ("Pricing", "call")]  # "  Phone " is the value table's "Phone"
    log.write_text("Date,Subject,People,Type,Subtype\n2025-02-05,Review,s-kim;c-cfo,phone,call\n")
    with pytest.raises(InputError) as caught:
        import_files([log], sample, mapping=mapping)
    assert (caught.value.line, caught.value.field) == (2, "Type")  # "phone call" is no meeting kind


# -- HubSpot ------------------------------------------------------------------------------------------

HS_COMPANIES = CANONICAL.parent / "hubspot" / "hubspot-crm-exports-all-companies-2025-03-14.csv"


@pytest.mark.parametrize("company", ["9001;9002", "9001.0", "9001, 9002"])
def test_a_contact_belongs_to_its_first_company(sample: GraphStore, tmp_path: Path, company: str) -> None:
    # 9001 is Initech (initech.example: our account "initech"), 9002 Acme Robotics (acme); Excel writes
    # record ids as floats ("9001.0"). The contact's address is at neither company's domain.
    contacts = tmp_path / "hubspot-crm-exports-all-contacts.csv"
    contacts.write_text("hs_object_id,firstname,lastname,email,associatedcompanyid\n"
                        f'777,Lena,Vogt,lena@home.example,"{company}"\n')
    import_files([HS_COMPANIES, contacts], sample, settings=OURS)
    assert sample.get_person("hs-777").account == "initech"


# -- Salesforce ---------------------------------------------------------------------------------------

SF = CANONICAL.parent / "salesforce"
SF_PEOPLE = [SF / "Account.csv", SF / "Contact.csv", SF / "User.csv"]
HANK, MINDY = "0035g00000HnkS1AAJ", "0035g00000MndL2AAJ"  # contacts of Contact.csv


def test_the_first_primary_contact_role_wins_and_a_primary_beats_an_earlier_other(sample: GraphStore,
                                                                                   tmp_path: Path) -> None:
    roles = tmp_path / "OpportunityContactRole.csv"
    roles.write_text("Id,OpportunityId,ContactId,Role,IsPrimary\n"
                     f"00K5g00000Rl01AEAR,0065g00000Op01AAAQ,{HANK},Economic Buyer,true\n"
                     f"00K5g00000Rl02AEAR,0065g00000Op02AAAQ,{HANK},Technical Buyer,true\n"
                     f"00K5g00000Rl03AEAR,0065g00000Op01AAAQ,{MINDY},Influencer,false\n"
                     f"00K5g00000Rl04AEAR,0065g00000Op02AAAQ,{MINDY},Decision Maker,true\n")
    import_files([*SF_PEOPLE, roles], sample)
    assert (sample.get_person(HANK).buying_role.value,  # type: ignore[union-attr]
            sample.get_person(MINDY).buying_role.value) == ("economic_buyer", "decision_maker")  # type: ignore[union-attr]


def test_a_task_s_subtype_comes_before_its_type(sample: GraphStore, tmp_path: Path) -> None:
    task = tmp_path / "Task.csv"
    task.write_text("ID,WHOID,SUBJECT,ACTIVITYDATE,OWNERID,ISDELETED,TASKSUBTYPE,TYPE\n"
                    f"00T5g00000Tk01AEAR,{HANK},Call: pricing,2025-02-20,0055g00000LenP2AAJ,false,Call,Email\n")
    import_files([*SF_PEOPLE, task], sample)
    assert [(m.id, m.kind.value) for m in sample.dump().meetings if m.id.startswith("00T")] == [
        ("00T5g00000Tk01AEAR", "call")]


def test_a_declined_invitation_padded_with_spaces_is_declined(sample: GraphStore, tmp_path: Path) -> None:
    # cells are read stripped: " Declined " is Declined, so Mindy, who declined, is no attendee
    event = tmp_path / "Event.csv"
    event.write_text("ID,ISDELETED,SUBJECT,ACTIVITYDATE,WHOID,OWNERID,ISCHILD\n"
                     f"00U5g00000Evt9AEAR,false,Kick-off,2025-02-11,{HANK},0055g00000LenP2AAJ,false\n")
    relation = tmp_path / "EventRelation.csv"
    relation.write_text("ID,EVENTID,RELATIONID,ISINVITEE,ISWHAT,STATUS\n"
                        f"0RE5g00000Rel9AGAR,00U5g00000Evt9AEAR,{MINDY},true,false, Declined \n")
    summary = import_files([*SF_PEOPLE, event, relation], sample)
    assert summary.skip_reasons().get("declined") == 1
    assert [m.attendees for m in sample.dump().meetings if m.id == "00U5g00000Evt9AEAR"] == [
        sorted(["0055g00000LenP2AAJ", HANK])]


# -- the Salesforce connector -------------------------------------------------------------------------


def _pull_salesforce(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, invited: list[tuple[str, str]],
                     contacts: list[tuple[str, str]]) -> list[list[str]]:
    """The attendees of the replayed event ``EVENT`` after a first pull into the canonical sample, with more
    ``contacts`` (id, name) at Globex and more invitations (relation id, who) to the event."""
    from kamgraph.ingest.connectors.base import Connection
    from kamgraph.monitor.pull import PullState, pull
    from kamgraph.settings import Settings

    from .connector_replay import SECRET, Replay
    from .test_connectors_salesforce import EVENT, T1, TODAY, _first

    server = Replay(tmp_path)
    store = open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True)
    try:
        import_files(sorted(CANONICAL.glob("*.csv")), store)
        _first(server)
        globex = server.salesforce["Account"][0]["Id"]
        server.salesforce["Contact"] += [
            {"Id": cid, "AccountId": globex, "Name": name, "LastName": name.split()[-1],
             "Email": f"{name.split()[0].lower()}@globex.example", "IsDeleted": False, "SystemModstamp": T1}
            for cid, name in contacts]
        server.salesforce["EventRelation"] += [
            {"Id": rid, "EventId": EVENT, "RelationId": who, "Status": "Accepted", "IsWhat": False,
             "IsDeleted": False, "SystemModstamp": T1} for rid, who in invited]
        monkeypatch.setenv("KAMGRAPH_SALESFORCE_CLIENT_SECRET", SECRET)
        settings = Settings.model_validate({"ingest": {"our_domains": ["ourco.example"]},
                                            "connectors": {"state_file": str(tmp_path / "state.json"),
                                                           "ca_bundle": server.ca_file, "backoff_seconds": 0.01}})
        state = PullState(tmp_path / "state.json")
        state.connect(Connection("salesforce", {"client_id": "3MVG9-app", "login_url": server.url}))
        state.save()
        pull(store, settings, today=TODAY)
        return [m.attendees for m in store.dump().meetings if m.id == EVENT]
    finally:
        store.close()
        server.close()


def test_an_event_s_invitations_are_read_past_the_first_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the replay server answers in pages of two records: three invitations to one event need two pages
    from .test_connectors_salesforce import HANK, LENA, MINDY, OTTO

    zed = "0035g00000ZedQ1AAJ"
    attendees = _pull_salesforce(tmp_path, monkeypatch, [("0RE5g00000Rel2AAB", OTTO), ("0RE5g00000Rel3AAB", zed)],
                                 [(OTTO, "Otto Mann"), (zed, "Zed Quist")])
    # the owner Lena, the WhoId Hank, the invited Mindy (in _first), Otto and Zed
    assert attendees == [sorted([LENA, HANK, MINDY, OTTO, zed])]


def test_a_user_matched_by_e_mail_is_an_attendee_of_events_of_a_later_page(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # Salesforce's Kim (0055g00000KimB1AAJ) is our s-kim, matched by e-mail when the User page is written;
    # the Event page comes later, in a read of its own: her invitation must still find s-kim (by provenance)
    from .test_connectors_salesforce import HANK, KIM, LENA, MINDY

    attendees = _pull_salesforce(tmp_path, monkeypatch, [("0RE5g00000Rel0AAB", KIM)], [])
    assert attendees == [sorted([LENA, HANK, MINDY, "s-kim"])]
