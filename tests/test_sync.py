"""kamgraph sync: the contacts CSV, trivial vs real changes, new people, opportunities, all-or-nothing apply."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Stakeholder
from kamgraph.domain.names import company_key, same_company, same_domain
from kamgraph.errors import InputError
from kamgraph.ingest import import_files
from kamgraph.ingest.contacts import read_contacts
from kamgraph.monitor.sync import sync_contacts
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL, SAMPLE_AS_OF

HEADER = "Contact ID,Full Name,E-mail,Company Name,Job Title,Status\n"

# The five active stakeholders of tests/data/canonical/stakeholders.csv (c-buy left on 2025-03-01), written the
# way a CRM export might: other case, extra spaces, legal suffixes, no id for some (matched by e-mail or name).
TRIVIAL = HEADER + """\
c-ceo,ALEX MOREAU,Alex.Moreau@ACME-Robotics.example,"ACME ROBOTICS, INC.",chief executive officer,Active
,Bea  Novak,bea.novak@eu.acme-robotics.example,Acme Robotics GmbH,Chief Financial Officer,active
,Chris Adeyemi,,The Acme Robotics Ltd.,Chief Technology Officer,
c-arch,  Dana Kim ,dana.kim@acme-robotics.example,acme robotics s.a.,Lead Architect,active
c-eng,ELI BRANDT,ELI.BRANDT@ACME-ROBOTICS.EXAMPLE,Acme Robotics,Robotics Engineer,active
"""


@pytest.fixture
def acme(store: GraphStore) -> GraphStore:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def write(tmp_path: Path, text: str, name: str = "contacts.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("a", "b"), [
    ("Acme Robotics", "ACME ROBOTICS, INC."), ("Acme Robotics", "Acme Robotics GmbH & Co. KG"),
    ("Acme Robotics", "acme robotics s.a."), ("Acme Robotics", "The Acme Robotics Ltd."),
    ("Acme Robotics", "Acme  Robotics plc"), ("Société Générale", "SOCIETE GENERALE S.A."),
    ("Acme Robotics", "Acme"), ("Acme Robotics", "Acme Robotics Europe"), ("Ben & Jerry's", "Ben and Jerrys LLC"),
])
def test_trivially_different_company_names_are_the_same(a: str, b: str) -> None:
    assert same_company(a, b)


@pytest.mark.parametrize(("a", "b"), [("Acme Robotics", "Globex Corporation"), ("Acme Robotics", "Acme Foods"),
                                      ("Acme Robotics", "Robotics Acme"), ("Acme", "")])
def test_really_different_company_names_are_not(a: str, b: str) -> None:
    assert not same_company(a, b)


def test_company_key_and_domains() -> None:
    assert company_key("Northwind Logistics GmbH & Co. KG") == "northwind logistics"
    assert company_key("Inc.") == "inc"  # a name made only of a suffix keeps it
    assert same_domain("a@uk.acme.example", "acme.example") and same_domain("A@ACME.example", "b@acme.example")
    assert not same_domain("a@acme.example", "a@notacme.example") and not same_domain(None, "acme.example")


def test_read_contacts_aliases_and_names(tmp_path: Path) -> None:
    path = write(tmp_path, "first name,Last-Name,EMAIL_ADDRESS,Organisation,is_active,End Date,Influence\n"
                           "Ada,Park,mailto:Ada@X.example,X Inc,no,2025-02-01,4\n\n"
                           ",Solo,,,,,\n")
    rows = read_contacts(path)
    assert [(r.line, r.name, r.email, r.company, r.active, r.left_on, r.influence) for r in rows] == [
        (2, "Ada Park", "ada@x.example", "X Inc", False, dt.date(2025, 2, 1), 4),
        (4, "Solo", None, None, None, None, None)]


@pytest.mark.parametrize(("text", "message"), [
    ("id,name,phone\n", "contacts.csv:1: phone: unknown column"),
    ("id,email\n", "contacts.csv:1: name: required column missing"),
    ("id,name,E-mail,email\n", "contacts.csv:1: email: column appears twice"),
    ("id,name,status\nc1,Ada,on holiday\n", "contacts.csv:2: status: not a contact status: 'on holiday'"),
    ("id,name,influence\nc1,Ada,9\n", "contacts.csv:2: influence: influence runs from 1 to 5 (got 9)"),
    ("id,name,email\nc1,Ada,ada@x.example\nc2,Bo,ADA@x.example\n",
     "contacts.csv:3: email: 'ada@x.example' appears twice (first on line 2)"),
    ("id,name,status,active\nc1,Ada,left,yes\n", "contacts.csv:2: active: says active, but status says inactive"),
    ("id,name\nc1,\n", "contacts.csv:2: name: required, but empty"),
    ("id,name,left_on\nc1,Ada,01/02/2025\n", "contacts.csv:2: left_on: not a date (expected YYYY-MM-DD)"),
    ("id,name\nc1,Ada,extra\n", "contacts.csv:2: 3 cells, but the header has 2 columns"),
])
def test_bad_contacts_files_name_file_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_contacts(path)
    assert str(err.value).startswith(f"{tmp_path}/{message}")


def test_only_trivial_changes_propose_no_departure(acme: GraphStore, tmp_path: Path) -> None:
    before = acme.counts()
    plan = sync_contacts(acme, write(tmp_path, TRIVIAL), "acme", SAMPLE_AS_OF, apply=True)
    assert plan.departures == [] and plan.new == [] and plan.opportunities == []
    assert (plan.rows, plan.matched, plan.trivial) == (5, 5, 5)
    # Bea Novak's address moved to a sub-domain of the account's: a change worth knowing, not a departure.
    assert [(c.id, c.field, c.exported) for c in plan.changes] == [
        ("c-cfo", "email", "bea.novak@eu.acme-robotics.example")]
    assert not plan.applied and acme.counts() == before


def test_the_canonical_stakeholders_file_syncs_as_it_is(acme: GraphStore) -> None:
    plan = sync_contacts(acme, CANONICAL / "stakeholders.csv", "acme", SAMPLE_AS_OF)
    assert (plan.rows, plan.matched, plan.departures, plan.new, plan.partial) == (6, 6, [], [], False)


def test_real_changes_are_proposed_and_applied_all_at_once(acme: GraphStore, tmp_path: Path) -> None:
    text = HEADER + """\
c-ceo,Alex Moreau,alex.moreau@acme-robotics.example,Acme Robotics,Chief Executive Officer,active
c-cto,Chris Adeyemi,chris@initech.example,Acme Robotics,Chief Technology Officer,active
c-arch,Dana Kim,dana.kim@acme-robotics.example,Globex Corporation,Lead Architect,active
c-eng,Eli Brandt,eli.brandt@acme-robotics.example,Acme Robotics,Robotics Engineer,inactive
,Gina Lee,gina.lee@acme-robotics.example,Acme Robotics,Head of Procurement,active
"""
    path = write(tmp_path, text)
    plan = sync_contacts(acme, path, "acme", SAMPLE_AS_OF)
    got = {(d.id, d.reason, d.moved_to, d.line) for d in plan.departures}
    assert got == {("c-cfo", "missing", None, None), ("c-cto", "email_domain", "initech.example", 3),
                   ("c-arch", "company", "Globex Corporation", 4), ("c-eng", "inactive", None, 5)}
    assert [(n.line, n.id, n.name) for n in plan.new] == [(6, "gina.lee@acme-robotics.example", "Gina Lee")]
    # Dana Kim is the account's champion (stakeholders.csv): her move is an opportunity.
    assert [o.id for o in plan.opportunities] == ["c-arch"] and "Globex Corporation" in plan.opportunities[0].text
    assert not plan.applied and acme.get_person("c-arch").left_on is None
    applied = sync_contacts(acme, path, "acme", SAMPLE_AS_OF, apply=True, missing="propose")
    assert applied.applied
    arch = acme.get_person("c-arch")
    assert (arch.status.value, arch.left_on, arch.moved_to) == ("left", SAMPLE_AS_OF, "Globex Corporation")
    assert "another employer" in (arch.note or "")
    assert acme.get_person("gina.lee@acme-robotics.example").account == "acme"
    # History is kept: Dana Kim's meetings are still there (m-002, m-003, m-005 in meetings.csv).
    assert [m.id for m in acme.person_meetings("c-arch")] == ["m-005", "m-003", "m-002"]
    # Syncing the same export again proposes nothing new.
    again = sync_contacts(acme, path, "acme", SAMPLE_AS_OF)
    assert again.departures == [] and again.new == []


def test_an_inactive_row_with_a_date_is_dated_by_it(acme: GraphStore, tmp_path: Path) -> None:
    path = write(tmp_path, "id,name,status,left_on,moved_to\nc-eng,Eli Brandt,former,2025-03-02,Initech\n")
    plan = sync_contacts(acme, path, "acme", SAMPLE_AS_OF)
    eng = next(d for d in plan.departures if d.id == "c-eng")
    assert (eng.reason, eng.left_on, eng.moved_to) == ("inactive", dt.date(2025, 3, 2), "Initech")


def test_a_partial_export_does_not_propose_everyone_it_leaves_out(acme: GraphStore, tmp_path: Path) -> None:
    two = HEADER + "c-ceo,Alex Moreau,,ACME Robotics Inc,,active\nc-arch,Dana Kim,,Globex,,active\n"
    path = write(tmp_path, two)
    # 3 of the 5 active stakeholders are left out (60 % > 50 %): a partial export.
    plan = sync_contacts(acme, path, "acme", SAMPLE_AS_OF)
    assert plan.partial and plan.not_in_export == ["c-cfo", "c-cto", "c-eng"]
    assert [(d.id, d.reason) for d in plan.departures] == [("c-arch", "company")]
    complete = sync_contacts(acme, path, "acme", SAMPLE_AS_OF, missing="propose")
    assert not complete.partial and sorted(d.id for d in complete.departures) == [
        "c-arch", "c-cfo", "c-cto", "c-eng"]
    # One left out of five (20 %) is proposed, unless the export is declared partial.
    four = write(tmp_path, TRIVIAL.replace("c-eng,ELI BRANDT,ELI.BRANDT@ACME-ROBOTICS.EXAMPLE,Acme Robotics,"
                                           "Robotics Engineer,active\n", ""), "four.csv")
    assert [(d.id, d.reason) for d in sync_contacts(acme, four, "acme", SAMPLE_AS_OF).departures] == [
        ("c-eng", "missing")]
    assert sync_contacts(acme, four, "acme", SAMPLE_AS_OF, missing="ignore").departures == []


def test_a_bad_new_row_writes_nothing(acme: GraphStore, tmp_path: Path) -> None:
    text = "id,name,company,reports_to\nc-ceo,Alex Moreau,Globex,\nnew-1,New Person,Acme Robotics,c-nobody\n"
    before = acme.counts()
    with pytest.raises(InputError, match=r"contacts.csv:3: reports_to: unknown person 'c-nobody'"):
        sync_contacts(acme, write(tmp_path, text), "acme", SAMPLE_AS_OF, apply=True)
    assert acme.counts() == before and acme.get_person("c-ceo").left_on is None


def test_a_champion_from_another_account_is_an_opportunity(acme: GraphStore, tmp_path: Path) -> None:
    acme.import_batch(Batch(
        accounts=[Account(id="globex", name="Globex Corporation", domains=["globex.example"])],
        stakeholders=[Stakeholder(id="g-champ", account="globex", name="Hana Sato", buying_role="champion",
                                  influence=4, email="hana.sato@globex.example"),
                      Stakeholder(id="g-user", account="globex", name="Ivo Petrov", influence=2)]))
    text = TRIVIAL + ",HANA SATO,hana.sato@acme-robotics.example,Acme Robotics,Head of IT,active\n" \
                     ",Ivo Petrov,,Acme Robotics,Engineer,active\n"
    plan = sync_contacts(acme, write(tmp_path, text), "acme", SAMPLE_AS_OF)
    assert [(m.line, m.id, m.from_account.id) for m in plan.moved_here] == [(7, "g-champ", "globex"),
                                                                            (8, "g-user", "globex")]
    assert plan.new == [] and plan.departures == []
    assert [o.id for o in plan.opportunities] == ["g-champ"]
    assert "Globex Corporation" in plan.opportunities[0].text and "Acme Robotics" in plan.opportunities[0].text
    # And the other way round: acme's champion turns up at Globex, one of our accounts.
    moved = TRIVIAL.replace("acme robotics s.a.", "GLOBEX CORP.")
    plan = sync_contacts(acme, write(tmp_path, moved, "c2.csv"), "acme", SAMPLE_AS_OF)
    assert [(d.id, d.moved_to_account.id if d.moved_to_account else None) for d in plan.departures] == [
        ("c-arch", "globex")]
    assert "Globex Corporation (globex), one of our accounts" in plan.opportunities[0].text


def test_sync_command(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    with open_store(sqlite_url, create=True) as store:
        import_files(sorted(CANONICAL.glob("*.csv")), store)
    trivial = write(tmp_path, TRIVIAL)
    result = runner.invoke(cli, ["--store", sqlite_url, "sync", str(trivial), "--account", "Acme Robotics",
                                 "--date", str(SAMPLE_AS_OF)])
    assert result.exit_code == 0, result.output
    assert "5 rows, 5 matched, 5 with trivial differences only" in result.output
    assert "DEPARTURES (0)" in result.output
    changed = write(tmp_path, TRIVIAL.replace("acme robotics s.a.", "Initech"), "changed.csv")
    result = runner.invoke(cli, ["--store", sqlite_url, "sync", str(changed), "--account", "acme",
                                 "--date", str(SAMPLE_AS_OF), "--apply", "--json"])
    data = json.loads(result.output)
    assert data["applied"] and [(d["id"], d["reason"]) for d in data["departures"]] == [("c-arch", "company")]
    partial = runner.invoke(cli, ["--store", sqlite_url, "sync", str(write(tmp_path, "id,name\nc-ceo,Alex Moreau\n",
                                                                              "one.csv")),
                                  "--account", "acme", "--date", str(SAMPLE_AS_OF), "--json"])
    assert json.loads(partial.output)["partial"] is True
    bad = write(tmp_path, "id,name,colour\n", "bad.csv")
    result = runner.invoke(cli, ["--store", sqlite_url, "sync", str(bad), "--account", "acme"])
    assert result.exit_code == 2 and result.output.strip() == (
        f"Error: {bad}:1: colour: unknown column (expected some of: id, name, first_name, last_name, email, "
        "company, title, department, seniority, buying_role, influence, reports_to, status, active, left_on, "
        "moved_to)")
