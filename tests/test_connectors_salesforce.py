"""Salesforce through a local HTTPS server replaying the REST API's documented shapes (no live org).

Query results come in pages of two (``done``, ``nextRecordsUrl``), the token from the client-credentials flow.
By hand: the first pull brings Lena (a new user; Kim is s-kim by e-mail), Globex, Hank and Mindy, Mindy's
primary role Economic Buyer (her other role, Influencer, loses), one event (Lena and Hank, Mindy invited
through an EventRelation) and one call Task. The second pull sees only what changed since: Initech, and Mindy
now at Initech -- a departure by the rules of ``kamgraph sync``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamgraph.domain.models import Stakeholder, Status
from kamgraph.ingest import import_files
from kamgraph.ingest.connectors.base import Connection
from kamgraph.monitor.pull import PullState, pull
from kamgraph.settings import Settings
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL
from .connector_replay import SECRET, Replay

LENA, KIM = "0055g00000LenP2AAJ", "0055g00000KimB1AAJ"
GLOBEX, INITECH = "0015g00000Glbx1AAB", "0015g00000Init1AAB"
HANK, MINDY = "0035g00000HnkS1AAJ", "0035g00000MndL2AAJ"
EVENT, TASK = "00U5g00000Evt1AEAR", "00T5g00000Tk01AEAR"
TODAY = dt.date(2025, 3, 1)
T1, T2 = "2025-02-20T10:00:00.000+0000", "2025-02-28T10:00:00.000+0000"


def _first(server: Replay) -> None:
    server.salesforce = {
        "User": [{"Id": LENA, "Name": "Lena Park", "Email": "lena.park@ourco.example", "Title": "Account Director",
                  "Department": "Key Accounts", "IsActive": True, "UserType": "Standard", "SystemModstamp": T1},
                 {"Id": KIM, "Name": "Kim Berger", "Email": "Kim.Berger@ourco.example", "IsActive": True,
                  "UserType": "Standard", "SystemModstamp": T1}],
        "Account": [{"Id": GLOBEX, "Name": "Globex", "Website": "https://www.globex.example", "OwnerId": LENA,
                     "IsDeleted": False, "SystemModstamp": T1}],
        "Contact": [{"Id": HANK, "AccountId": GLOBEX, "FirstName": "Hank", "LastName": "Scorpio",
                     "Name": "Hank Scorpio", "Email": "hank@globex.example", "Title": "CEO", "IsDeleted": False,
                     "SystemModstamp": T1},
                    {"Id": MINDY, "AccountId": GLOBEX, "FirstName": "Mindy", "LastName": "Lee", "Name": "Mindy Lee",
                     "Email": "mindy.lee@globex.example", "ReportsToId": HANK, "IsDeleted": False,
                     "SystemModstamp": T1}],
        "OpportunityContactRole": [
            {"Id": "00K5g00000Ocr1AAB", "ContactId": MINDY, "OpportunityId": "0065g00000Op01AAB",
             "Role": "Influencer", "IsPrimary": False, "IsDeleted": False, "SystemModstamp": T1},
            {"Id": "00K5g00000Ocr2AAB", "ContactId": MINDY, "OpportunityId": "0065g00000Op01AAB",
             "Role": "Economic Buyer", "IsPrimary": True, "IsDeleted": False, "SystemModstamp": T1}],
        "Event": [{"Id": EVENT, "Subject": "Renewal kick-off", "ActivityDate": "2025-02-11", "Type": "Meeting",
                   "WhoId": HANK, "AccountId": GLOBEX, "OwnerId": LENA, "IsChild": False, "IsDeleted": False,
                   "SystemModstamp": T1}],
        "EventRelation": [{"Id": "0RE5g00000Rel1AAB", "EventId": EVENT, "RelationId": MINDY, "Status": "Accepted",
                           "IsWhat": False, "IsDeleted": False, "SystemModstamp": T1}],
        "Task": [{"Id": TASK, "Subject": "Call: pricing", "ActivityDate": "2025-02-20", "Status": "Completed",
                  "IsClosed": True, "TaskSubtype": "Call", "WhoId": HANK, "AccountId": GLOBEX, "OwnerId": LENA,
                  "IsDeleted": False, "SystemModstamp": T1}],
    }


@pytest.fixture
def replay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Replay]:
    server = Replay(tmp_path)
    _first(server)
    monkeypatch.setenv("KAMGRAPH_SALESFORCE_CLIENT_SECRET", SECRET)
    yield server
    server.close()


@pytest.fixture
def settings(replay: Replay, tmp_path: Path) -> Settings:
    settings = Settings.model_validate({"ingest": {"our_domains": ["ourco.example"]},
                                        "connectors": {"state_file": str(tmp_path / "state.json"),
                                                       "ca_bundle": replay.ca_file, "backoff_seconds": 0.01}})
    state = PullState(tmp_path / "state.json")
    state.connect(Connection("salesforce", {"client_id": "3MVG9-app", "login_url": replay.url}))
    state.save()
    return settings


@pytest.fixture
def base(store: GraphStore) -> GraphStore:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def test_first_pull_then_changes_with_a_move_as_a_departure(base: GraphStore, replay: Replay,
                                                            settings: Settings) -> None:
    first = pull(base, settings, today=TODAY)
    assert {c.calendar: c.events for c in first.calendars} == {
        "User": 2, "Account": 1, "Contact": 2, "OpportunityContactRole": 2, "Event": 1, "Task": 1, "EventRelation": 1}
    assert {c.calendar: c.pages for c in first.calendars}["User"] == 1  # two records: one page of two
    mindy = base.get_person(MINDY)
    assert isinstance(mindy, Stakeholder)
    assert (mindy.account, mindy.reports_to, mindy.buying_role.value) == (GLOBEX, HANK, "economic_buyer")  # type: ignore[union-attr]
    meetings = {m.id: (m.kind.value, m.attendees, m.source) for m in base.dump().meetings if m.source == "salesforce"}
    assert meetings == {EVENT: ("meeting", sorted([HANK, MINDY, LENA]), "salesforce"),
                        TASK: ("call", sorted([HANK, LENA]), "salesforce")}
    replay.salesforce["Account"].append({"Id": INITECH, "Name": "Initech", "Website": "initech.example",
                                         "IsDeleted": False, "SystemModstamp": T2})
    replay.salesforce["Contact"][1] = dict(replay.salesforce["Contact"][1], AccountId=INITECH, SystemModstamp=T2)
    before = len(replay.log)
    again = pull(base, settings, today=TODAY)
    assert {c.calendar: c.events for c in again.calendars if c.events} == {"Account": 1, "Contact": 1}
    assert {c.calendar: c.departures for c in again.calendars}["Contact"] == 1  # one departure
    mindy = base.get_person(MINDY)
    assert (mindy.status, mindy.moved_to, mindy.account) == (Status.LEFT, "Initech", GLOBEX)  # type: ignore[union-attr]
    assert len([r for r in replay.log[before:] if r[0] == "salesforce"]) == 7  # one query per object
    # every record keeps where it came from: people and accounts too
    sources = base.provenance_of([MINDY, GLOBEX, LENA, "s-kim", EVENT, TASK])
    assert {rid: [(e.kind, e.source, e.source_id) for e in entries] for rid, entries in sources.items()} == {
        MINDY: [("stakeholder", "salesforce", MINDY)], GLOBEX: [("account", "salesforce", GLOBEX)],
        LENA: [("staff", "salesforce", LENA)], "s-kim": [("staff", "salesforce", KIM)],  # Kim matched by e-mail
        EVENT: [("meeting", "salesforce", EVENT)], TASK: [("meeting", "salesforce", TASK)]}
    changes = [(end, soql.split(" FROM ")[1].split()[0]) for end, soql in replay.soql if "SystemModstamp >" in soql]
    assert {obj for end, obj in changes if end == "queryAll"} == {
        "Account", "Contact", "OpportunityContactRole", "Event", "Task", "EventRelation"}  # deleted ones too


OTTO = "0035g00000OtZ3aAAF"


def test_deleted_records_and_invitations_changed_without_their_event(
        base: GraphStore, replay: Replay, settings: Settings, tmp_path: Path, store_factory) -> None:  # type: ignore[no-untyped-def]
    replay.salesforce["Contact"].append({"Id": OTTO, "AccountId": GLOBEX, "FirstName": "Otto", "LastName": "Mann",
                                         "Email": "otto@globex.example", "IsDeleted": False, "SystemModstamp": T1})
    pull(base, settings, today=TODAY)
    assert sorted(next(m for m in base.dump().meetings if m.id == EVENT).attendees) == sorted([HANK, MINDY, LENA])
    # the Event itself does not change: Mindy's invitation is deleted, Otto is invited; the Task is deleted
    replay.salesforce["EventRelation"][0].update(IsDeleted=True, SystemModstamp=T2)
    replay.salesforce["EventRelation"].append({"Id": "0RE5g00000Rel2AAB", "EventId": EVENT, "RelationId": OTTO,
                                               "Status": "New", "IsWhat": False, "IsDeleted": False,
                                               "SystemModstamp": T2})
    replay.salesforce["Task"][0].update(IsDeleted=True, SystemModstamp=T2)
    again = pull(base, settings, today=TODAY)
    by_object = {c.calendar: c for c in again.calendars}
    assert (by_object["EventRelation"].events, by_object["EventRelation"].meetings_updated) == (2, 1)
    assert (by_object["Task"].removed, by_object["Task"].meetings_deleted) == (1, 1)
    meetings = {m.id: sorted(m.attendees) for m in base.dump().meetings if m.source == "salesforce"}
    assert meetings == {EVENT: sorted([HANK, OTTO, LENA])}
    # the store equals a first pull of what Salesforce holds now
    clean = store_factory()
    import_files(sorted(CANONICAL.glob("*.csv")), clean)
    other = settings.model_copy(update={"connectors": settings.connectors.model_copy(
        update={"state_file": str(tmp_path / "fresh.json")})})
    state = PullState(tmp_path / "fresh.json")
    state.connect(Connection("salesforce", {"client_id": "3MVG9-app", "login_url": replay.url}))
    state.save()
    pull(clean, other, today=TODAY)
    assert _dump(base) == _dump(clean)


def test_a_next_records_url_given_again_stops_the_pull(base: GraphStore, replay: Replay, settings: Settings) -> None:
    from kamgraph.errors import KamgraphError

    replay.salesforce_page = 1  # the two users come in two pages; the second names itself as the next
    replay.loop_page["salesforce"] = 0
    with pytest.raises(KamgraphError, match=r"^salesforce: User: the service gave the same next page again "
                                            r"\(after 1 pages\): a paging loop, the pull stops$"):
        pull(base, settings, today=TODAY)
    assert replay.loop_hits == {"salesforce": 1}  # the follow-up page once: the link it names was followed already


def test_throttled_and_expired_session(base: GraphStore, replay: Replay, settings: Settings) -> None:
    replay.faults[("salesforce", 1)] = (429, {"Retry-After": "0"})
    replay.expire_at = ("salesforce", 3)
    pull(base, settings, today=TODAY)
    statuses = [s for r, _, s in replay.log if r == "salesforce"]
    assert statuses[:4] == [429, 200, 401, 200]
    assert replay.tokens_issued == 2
    assert base.get_person(MINDY) is not None and len(base.person_meetings(HANK)) == 2


def _dump(store: GraphStore) -> list[str]:
    batch = store.dump()
    return sorted(r.model_dump_json() for kind in ("accounts", "staff", "stakeholders", "meetings")
                  for r in getattr(batch, kind))


def test_a_pull_failing_mid_object_resumes_and_equals_an_uninterrupted_one(
        base: GraphStore, replay: Replay, settings: Settings, tmp_path: Path, store_factory) -> None:  # type: ignore[no-untyped-def]
    from kamgraph.errors import KamgraphError

    replay.salesforce["Contact"].append({"Id": OTTO, "AccountId": GLOBEX, "FirstName": "Otto",
                                         "LastName": "Mann", "Email": "otto@globex.example", "IsDeleted": False,
                                         "SystemModstamp": T1})
    flaky = settings.model_copy(update={"connectors": settings.connectors.model_copy(update={"max_retries": 1})})
    # requests: 1 User, 2 Account, 3 Contact page 1, 4 Contact page 2 -- which fails twice (all its attempts)
    replay.faults[("salesforce", 4)] = replay.faults[("salesforce", 5)] = (500, {})
    with pytest.raises(KamgraphError, match=r"^salesforce: HTTP 500"):
        pull(base, flaky, today=TODAY)
    assert base.get_person(HANK) is not None and base.known_ids(["0035g00000OtZ3aAAF"], ())[0] == {}
    resumed = pull(base, flaky, today=TODAY)
    assert {c.calendar: c.resumed for c in resumed.calendars}["Contact"] is True
    clean = store_factory()
    import_files(sorted(CANONICAL.glob("*.csv")), clean)
    other = settings.model_copy(update={"connectors": settings.connectors.model_copy(
        update={"state_file": str(tmp_path / "other.json")})})
    state = PullState(tmp_path / "other.json")
    state.connect(Connection("salesforce", {"client_id": "3MVG9-app", "login_url": replay.url}))
    state.save()
    pull(clean, other, today=TODAY)
    assert _dump(base) == _dump(clean)


def test_a_refused_sign_in_is_one_line_without_the_secret(base: GraphStore, replay: Replay, settings: Settings,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from kamgraph.errors import KamgraphError

    monkeypatch.setenv("KAMGRAPH_SALESFORCE_CLIENT_SECRET", SECRET + "-typo")
    with pytest.raises(KamgraphError) as info:
        pull(base, settings, today=TODAY)
    text = str(info.value)
    assert text.startswith("salesforce: sign-in failed: ") and "\n" not in text and SECRET not in text
