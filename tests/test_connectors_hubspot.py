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


def test_expired_token_is_refreshed_and_throttling_waited(base: GraphStore, replay: Replay,
                                                          settings: Settings) -> None:
    replay.faults[("hubspot", 1)] = (429, {"Retry-After": "0"})
    replay.expire_at = ("hubspot", 3)
    pull(base, settings, today=TODAY)
    assert [s for r, _, s in replay.log if r == "hubspot"][:4] == [429, 200, 401, 200]
    assert replay.tokens_issued == 2
    assert base.get_person("hs-502") is not None
