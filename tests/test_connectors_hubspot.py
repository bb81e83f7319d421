"""HubSpot through a local HTTPS server replaying the CRM API's documented shapes (no live portal).

Search results come in pages of two (``paging.next.after``), sorted by ``hs_lastmodifieddate``. By hand: the
first pull brings Initrode (a company), two contacts -- Alex, who is c-ceo by e-mail, and Wes, new at
Initrode, an economic buyer -- and three engagements owned by Kim (owner 101): a meeting with Alex and Wes,
a call with Wes, an e-mail to nobody we know (skipped). The second pull sees only Wes's new title.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamgraph.domain.models import Status
from kamgraph.ingest import import_files
from kamgraph.ingest.connectors.base import Connection
from kamgraph.monitor.pull import PullState, pull
from kamgraph.settings import Settings
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL
from .connector_replay import SECRET, Replay

TODAY = dt.date(2025, 3, 1)
M1, M2 = "1739000000000", "1740700000000"  # 2025-02-08 and 2025-02-27, in milliseconds


def _object(oid: str, modified: str, contacts: list[str] | None = None, **props: object) -> dict:
    return {"id": oid, "properties": {**props, "hs_lastmodifieddate": modified}, "contacts": contacts or []}


@pytest.fixture
def replay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Replay]:
    server = Replay(tmp_path)
    server.hubspot = {
        "companies": [_object("9001", M1, name="Initrode", domain="initrode.example", industry="Logistics")],
        "contacts": [
            _object("501", M1, firstname="Alex", lastname="Moreau", email="alex.moreau@acme-robotics.example"),
            _object("502", M1, firstname="Wes", lastname="Tan", email="wes.tan@initrode.example", jobtitle="CFO",
                    hs_buying_role="BUDGET_HOLDER", associatedcompanyid="9001")],
        "meetings": [_object("7001", M1, ["501", "502"], hs_timestamp="2025-02-07T14:00:00Z",
                             hs_meeting_title="Joint planning", hubspot_owner_id="101")],
        "calls": [_object("7002", M1, ["502"], hs_timestamp="2025-02-08T09:00:00Z", hs_call_title="Pricing call",
                          hubspot_owner_id="101")],
        "emails": [_object("7003", M1, ["999"], hs_timestamp="2025-02-08T10:00:00Z", hs_email_subject="Hello",
                           hubspot_owner_id="101")],
    }
    server.hubspot_owners = [{"id": "101", "email": "kim.berger@ourco.example", "firstName": "Kim",
                              "lastName": "Berger", "userId": 1}]
    monkeypatch.setenv("KAMGRAPH_HUBSPOT_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("KAMGRAPH_HUBSPOT_REFRESH_TOKEN", "refresh-1")
    yield server
    server.close()


@pytest.fixture
def settings(replay: Replay, tmp_path: Path) -> Settings:
    settings = Settings.model_validate({"ingest": {"our_domains": ["ourco.example"]},
                                        "connectors": {"state_file": str(tmp_path / "state.json"),
                                                       "ca_bundle": replay.ca_file, "backoff_seconds": 0.01}})
    state = PullState(tmp_path / "state.json")
    state.connect(Connection("hubspot", {"client_id": "app-7", "base_url": replay.url}))
    state.save()
    return settings


@pytest.fixture
def base(store: GraphStore) -> GraphStore:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def test_first_pull_then_changes(base: GraphStore, replay: Replay, settings: Settings) -> None:
    first = pull(base, settings, today=TODAY)
    assert {c.calendar: c.events for c in first.calendars} == {
        "companies": 1, "contacts": 2, "meetings": 1, "calls": 1, "emails": 1}
    wes = base.get_person("hs-502")
    assert (wes.account, wes.buying_role.value) == ("hs-9001", "economic_buyer")  # type: ignore[union-attr]
    meetings = {m.id: (m.kind.value, m.date.isoformat(), m.attendees) for m in base.dump().meetings
                if m.source == "hubspot"}
    assert meetings == {"hs-meetings-7001": ("meeting", "2025-02-07", ["c-ceo", "hs-502", "s-kim"]),
                        "hs-calls-7002": ("call", "2025-02-08", ["hs-502", "s-kim"])}
    assert {c.calendar: c.skipped for c in first.calendars}["emails"] == {"no client attendee": 1}
    replay.hubspot["contacts"][1]["properties"].update(jobtitle="Group CFO", hs_lastmodifieddate=M2)
    again = pull(base, settings, today=TODAY)
    assert {c.calendar: c.events for c in again.calendars if c.events} == {"contacts": 1}
    assert base.get_person("hs-502").title == "Group CFO"  # type: ignore[union-attr]
    sources = base.provenance_of(["hs-9001", "hs-502", "c-ceo", "hs-meetings-7001"])
    assert {rid: [(e.kind, e.source_id, e.first_seen) for e in entries] for rid, entries in sources.items()} == {
        "hs-9001": [("account", "9001", TODAY)], "hs-502": [("stakeholder", "502", TODAY)],
        "c-ceo": [("stakeholder", "501", TODAY)],  # Alex, matched by e-mail, keeps his id and notes HubSpot's
        "hs-meetings-7001": [("meeting", "meetings/7001", TODAY)]}


def test_a_paging_cursor_given_again_stops_the_pull(base: GraphStore, replay: Replay, settings: Settings) -> None:
    from kamgraph.errors import KamgraphError

    replay.loop_page["hubspot"] = 0  # the first search page names its own offset as the next page
    with pytest.raises(KamgraphError, match=r"^hubspot: companies: the service gave the same next page again "
                                            r"\(after 1 pages\): a paging loop, the pull stops$"):
        pull(base, settings, today=TODAY)
    assert replay.loop_hits == {"hubspot": 2}  # page 0, then page 0 again (its cursor "0"): not a third time


def test_a_move_is_a_departure_and_an_archived_engagement_is_removed(
        base: GraphStore, replay: Replay, settings: Settings, tmp_path: Path, store_factory) -> None:  # type: ignore[no-untyped-def]
    pull(base, settings, today=TODAY)
    replay.hubspot["companies"].append(_object("9002", M2, name="Hooli", domain="hooli.example"))
    replay.hubspot["contacts"][1]["properties"].update(associatedcompanyid="9002", hs_lastmodifieddate=M2)
    replay.hubspot["calls"] = []
    replay.hubspot_archived["calls"] = [{"id": "7002"}, {"id": "6999"}]  # 6999: never pulled, nothing to do
    again = pull(base, settings, today=TODAY)
    by_object = {c.calendar: c for c in again.calendars}
    assert (by_object["contacts"].departures, by_object["calls"].removed, by_object["calls"].meetings_deleted) == (
        1, 2, 1)
    wes = base.get_person("hs-502")
    assert (wes.status, wes.moved_to, wes.account) == (Status.LEFT, "Hooli", "hs-9001")  # type: ignore[union-attr]
    assert {m.id for m in base.dump().meetings if m.source == "hubspot"} == {"hs-meetings-7001"}
    # the meetings equal a first pull of what HubSpot holds now (Wes, new there, is simply at Hooli)
    clean = store_factory()
    import_files(sorted(CANONICAL.glob("*.csv")), clean)
    state = PullState(tmp_path / "fresh.json")
    state.connect(Connection("hubspot", {"client_id": "app-7", "base_url": replay.url}))
    state.save()
    pull(clean, settings.model_copy(update={"connectors": settings.connectors.model_copy(
        update={"state_file": str(tmp_path / "fresh.json")})}), today=TODAY)
    assert ({(m.id, tuple(m.attendees)) for m in base.dump().meetings}
            == {(m.id, tuple(m.attendees)) for m in clean.dump().meetings})
    assert clean.get_person("hs-502").account == "hs-9002"  # type: ignore[union-attr]


def test_a_private_app_token(base: GraphStore, replay: Replay, settings: Settings, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    from kamgraph.errors import KamgraphError

    token = "pat-na1-11112222-3333-4444-5555-666677778888"
    monkeypatch.setenv("KAMGRAPH_HUBSPOT_ACCESS_TOKEN", token)
    state = PullState(tmp_path / "state.json")
    state.connect(Connection("hubspot", {"base_url": replay.url}))  # no client id: a private app
    state.save()
    replay.valid_tokens.add(token)
    first = pull(base, settings, today=TODAY)
    assert replay.tokens_issued == 0 and {c.calendar: c.events for c in first.calendars}["contacts"] == 2
    replay.hubspot["contacts"][1]["properties"].update(hs_lastmodifieddate=M2)
    replay.expire_token()  # a revoked private-app token: renewing gives the same one, so one 401 again
    with pytest.raises(KamgraphError) as info:
        pull(base, settings, today=TODAY)
    assert str(info.value).startswith("hubspot: HTTP 401") and token not in str(info.value)
    assert [s for r, _, s in replay.log if r == "hubspot"][-2:] == [401, 401]


def test_expired_token_is_refreshed_and_throttling_waited(base: GraphStore, replay: Replay,
                                                          settings: Settings) -> None:
    replay.faults[("hubspot", 1)] = (429, {"Retry-After": "0"})
    replay.expire_at = ("hubspot", 3)
    pull(base, settings, today=TODAY)
    assert [s for r, _, s in replay.log if r == "hubspot"][:4] == [429, 200, 401, 200]
    assert replay.tokens_issued == 2
    assert base.get_person("hs-502") is not None
