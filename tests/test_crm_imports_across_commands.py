"""CRM exports imported over several commands find the people and accounts an earlier command matched.

A Salesforce User whose e-mail belongs to a staff member we already have is stored under that staff
member's id (``s-kim``), not under its Salesforce id; so is a Contact matched by e-mail (``c-arch``) and an
Account matched by name (``acme``). Events name them by their Salesforce ids. Imported in one command the
reader remembers the match; imported in two (the users, accounts and contacts first, the events a week
later, as a Data Loader schedule does) it used to forget it: the event lost Kim, and the Acme call -- whose
only people are Kim and Dana -- was skipped as having no client attendee. The import now notes each CRM
record's provenance (source ``salesforce``, its Salesforce id), and the reader looks an unknown id up there.

The expected meetings are worked out by hand from ``tests/data/salesforce``:

* ``00U5g00000Evt1AEAR`` (2025-02-11, a meeting at Globex): owner Lena (``0055g00000LenP2AAJ``, a new user,
  stored by her id), WhoId Hank, invitees Mindy (accepted) and Kim (``0055g00000KimB1``, the 15-character
  form of Kim's user id; accepted); Otto declined and Globex itself is an ``IsWhat`` relation.
* ``00U5g00000Evt2BEAR`` (2025-02-27, a call at Acme Robotics ``0015g00000AcmE2AAJ`` = ``acme`` by name):
  owner Kim, WhoId ``0035g00000DnaK4`` (Dana Kim, ``dana.kim@acme-robotics.example`` = ``c-arch``).

HubSpot: a company matched by name to ``acme`` in one command, and later a contact associated with that
company by its record id only (a private e-mail address, no company name): it belongs to ``acme``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kamgraph.ingest import import_files
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL, DATA

SF = DATA / "salesforce"
FIRST = [SF / "User.csv", SF / "Account.csv", SF / "Contact.csv"]
LATER = [SF / "Event.csv", SF / "EventRelation.csv"]
HANK, MINDY, LENA = "0035g00000HnkS1AAJ", "0035g00000MndL2AAJ", "0055g00000LenP2AAJ"
GLOBEX = "0015g00000Glbx1AAB"
EXPECTED = {
    "00U5g00000Evt1AEAR": ("2025-02-11", "meeting", GLOBEX, sorted([HANK, MINDY, LENA, "s-kim"])),
    "00U5g00000Evt2BEAR": ("2025-02-27", "call", "acme", ["c-arch", "s-kim"]),
}


@pytest.fixture
def base(store: GraphStore) -> GraphStore:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def _salesforce_meetings(store: GraphStore) -> dict[str, tuple[str, str, str | None, list[str]]]:
    found = {}
    for account in store.list_accounts():
        for m in store.load_account(account.id).meetings:
            if m.source == "salesforce":
                found[m.id] = (m.date.isoformat(), m.kind.value, m.account, sorted(m.attendees))
    return found


def test_events_imported_later_find_the_users_and_contacts_matched_by_email(base: GraphStore) -> None:
    import_files(FIRST, base)
    import_files(LATER, base)
    assert _salesforce_meetings(base) == EXPECTED


def test_one_command_and_two_commands_agree(store_factory) -> None:  # type: ignore[no-untyped-def]
    together, apart = store_factory(), store_factory()
    for store in (together, apart):
        import_files(sorted(CANONICAL.glob("*.csv")), store)
    import_files([*FIRST, *LATER], together)
    import_files(FIRST, apart)
    import_files(LATER, apart)
    assert _salesforce_meetings(together) == _salesforce_meetings(apart) == EXPECTED


def test_the_salesforce_ids_are_noted_as_provenance(base: GraphStore) -> None:
    import_files(FIRST, base)
    noted = {(e.kind, e.record_id) for e in base.provenance_from("salesforce", [
        "0055g00000KimB1AAJ", LENA, "0015g00000AcmE2AAJ", GLOBEX, "0035g00000DnaK4AAJ", HANK])}
    assert noted == {("staff", "s-kim"), ("staff", LENA), ("account", "acme"), ("account", GLOBEX),
                     ("stakeholder", "c-arch"), ("stakeholder", HANK)}


def test_the_provenance_rows_read_with_plain_sql(tmp_path: Path) -> None:
    from kamgraph.store import open_store

    path = tmp_path / "s.db"
    with open_store(str(path), create=True) as store:
        import_files(sorted(CANONICAL.glob("*.csv")), store)
        import_files([*FIRST, *LATER], store)
    with sqlite3.connect(path) as db:
        rows = set(db.execute("SELECT kind, record_id, source_id FROM provenance WHERE source = 'salesforce'"))
    # By hand: the two internal users (the integration user is skipped), both accounts, the three Globex
    # contacts and Dana (Contact.csv's fifth contact has no account, its sixth is deleted), both events.
    assert rows == {
        ("staff", "s-kim", "0055g00000KimB1AAJ"), ("staff", LENA, LENA),
        ("account", "acme", "0015g00000AcmE2AAJ"), ("account", GLOBEX, GLOBEX),
        ("stakeholder", HANK, HANK), ("stakeholder", MINDY, MINDY),
        ("stakeholder", "0035g00000OtZ3aAAF", "0035g00000OtZ3aAAF"), ("stakeholder", "c-arch", "0035g00000DnaK4AAJ"),
        ("meeting", "00U5g00000Evt1AEAR", "00U5g00000Evt1AEAR"),
        ("meeting", "00U5g00000Evt2BEAR", "00U5g00000Evt2BEAR"),
    }


def test_a_dry_run_notes_nothing(base: GraphStore) -> None:
    import_files(FIRST, base, dry_run=True)
    assert base.provenance_from("salesforce", ["0055g00000KimB1AAJ", LENA]) == []


def test_a_hubspot_contact_imported_later_finds_the_company_matched_by_name(base: GraphStore,
                                                                            tmp_path: Path) -> None:
    companies = tmp_path / "companies.csv"
    companies.write_text("Record ID,Company name,Company Domain Name\n9002,Acme Robotics,\n", encoding="utf-8")
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("hs_object_id,firstname,lastname,email,associatedcompanyid\n"
                        "777,Rosa,Diaz,rosa.diaz@mail.example,9002\n", encoding="utf-8")
    import_files([companies], base)
    summary = import_files([contacts], base)
    assert summary.skipped == []
    person = base.get_person("hs-777")
    assert (person.account, person.name, person.email) == ("acme", "Rosa Diaz", "rosa.diaz@mail.example")


def test_the_ids_of_an_event_export_are_looked_up_at_once(base: GraphStore, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Thirty events, each with a lead of its own (``00Q...``: no contact of ours) besides Kim: one provenance
    look-up for the whole file, not one per unknown id; every event skipped for want of a client, and each
    lead resolved to itself (no record of it anywhere). The lead ids have no capital letter, so their
    18-character form ends in ``AAA``; Kim's user id is unknown to the store by that id too (she is stored as
    ``s-kim``), so it is part of the same look-up."""
    import_files(FIRST, base)
    leads = [f"00q5g00000ld{n:03d}AAA" for n in range(30)]
    rows = [f"00U5g00000E{n:04d}AAA,2025-03-{1 + n % 28:02d},Meeting,{lead},0055g00000KimB1AAJ"
            for n, lead in enumerate(leads)]
    events = tmp_path / "Event.csv"
    events.write_text("Id,ActivityDate,Type,WhoId,OwnerId\n" + "\n".join(rows) + "\n", encoding="utf-8")
    calls: list[list[str]] = []
    real = base.provenance_from

    def counted(source: str, ids):  # type: ignore[no-untyped-def]
        calls.append(sorted(ids))
        return real(source, ids)

    monkeypatch.setattr(base, "provenance_from", counted)
    summary = import_files([events], base)
    assert calls == [sorted(["0055g00000KimB1AAJ", *leads])]
    assert [(s.line, s.reason) for s in summary.skipped] == [(n + 2, "no client attendee") for n in range(30)]


def test_forgetting_a_contact_erases_its_salesforce_id_too(tmp_path: Path) -> None:
    """Dana (``c-arch``, matched by e-mail to Salesforce contact ``0035g00000DnaK4AAJ``) erased: no provenance
    row names her or her Salesforce id afterwards; Hank's stays (plain SQL)."""
    from kamgraph.monitor.forget import forget
    from kamgraph.store import open_store

    path = tmp_path / "s.db"
    with open_store(str(path), create=True) as store:
        import_files(sorted(CANONICAL.glob("*.csv")), store)
        import_files(FIRST, store)
        forget(store, ["c-arch"])
    with sqlite3.connect(path) as db:
        left = set(db.execute("SELECT record_id, source_id FROM provenance WHERE source = 'salesforce' "
                              "AND kind = 'stakeholder'"))
    assert ("c-arch", "0035g00000DnaK4AAJ") not in left and (HANK, HANK) in left
    assert not [r for r in left if "c-arch" in r or "0035g00000DnaK4AAJ" in r]


def test_a_hubspot_company_id_is_looked_up_once(base: GraphStore, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Five contacts of one company this import does not bring and the store does not know (record 4242, no
    provenance): one provenance look-up, and all five skipped for want of a company."""
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("hs_object_id,firstname,lastname,email,associatedcompanyid\n" + "".join(
        f"{800 + n},P{n},Q{n},p{n}@mail.example,4242\n" for n in range(5)), encoding="utf-8")
    calls: list[list[str]] = []
    real = base.provenance_from

    def counted(source: str, ids):  # type: ignore[no-untyped-def]
        calls.append([source, *ids])
        return real(source, ids)

    monkeypatch.setattr(base, "provenance_from", counted)
    summary = import_files([contacts], base)
    assert calls == [["hubspot", "4242"]]
    assert [(s.line, s.reason) for s in summary.skipped] == [(n + 2, "no company") for n in range(5)]
