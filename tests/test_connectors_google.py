"""Google Calendar through a local HTTPS server replaying the Calendar API's documented shapes (no live tenant).

By hand: Kim's calendar has two pages -- g1 (Alex accepted, Bea declined, a room resource; 00:30 in Berlin on
4 February, which is 23:30 UTC on the 3rd: dated the 4th, as written), g2 (a 10:00 UTC meeting with Chris),
then g3 (cancelled). The changes after the first pull: g4 new, g2 cancelled (deleted).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamgraph.errors import KamgraphError
from kamgraph.ingest import import_files
from kamgraph.ingest.connectors.base import Connection
from kamgraph.monitor.pull import PullState, pull
from kamgraph.settings import Settings
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL
from .connector_replay import Replay

KIM = "kim.berger@ourco.example"
ALEX, BEA, CHRIS = ("alex.moreau@acme-robotics.example", "bea.novak@acme-robotics.example",
                    "chris.adeyemi@acme-robotics.example")
TODAY = dt.date(2025, 3, 1)


def _event(uid: str, start: dict, summary: str, attendees: list[dict], **extra: object) -> dict:
    return {"kind": "calendar#event", "id": f"id-{uid}", "iCalUID": f"{uid}@google.com", "status": "confirmed",
            "summary": summary, "start": start, "end": start,
            "organizer": {"email": KIM, "displayName": "Kim Berger", "self": True},
            "attendees": [{"email": KIM, "organizer": True, "self": True, "responseStatus": "accepted"}, *attendees],
            **extra}


def _key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture
def replay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Replay]:
    server = Replay(tmp_path)
    g1 = _event("g1", {"dateTime": "2025-02-04T00:30:00+01:00", "timeZone": "Europe/Berlin"}, "Roadmap", [
        {"email": ALEX, "displayName": "Alex Moreau", "responseStatus": "accepted"},
        {"email": BEA, "displayName": "Bea Novak", "responseStatus": "declined"},
        {"email": "c_1889@resource.calendar.google.com", "displayName": "Room 4.01", "resource": True,
         "responseStatus": "accepted"}])
    g2 = _event("g2", {"dateTime": "2025-02-05T10:00:00Z"}, "Integration",
                [{"email": CHRIS, "responseStatus": "needsAction"}])
    g3 = _event("g3", {"dateTime": "2025-02-06T10:00:00Z"}, "Cancelled", [{"email": ALEX}], status="cancelled")
    g4 = _event("g4", {"date": "2025-02-26"}, "Offsite", [{"email": ALEX, "responseStatus": "accepted"}])
    server.google[KIM] = [[g1, g2], [g3]]
    server.google_delta[KIM] = [g4, {"kind": "calendar#event", "id": "id-g2", "status": "cancelled"}]
    info = {"type": "service_account", "project_id": "p", "private_key_id": "k1", "private_key": _key(),
            "client_email": "kamgraph@p.iam.gserviceaccount.com", "client_id": "1",
            "token_uri": f"{server.url}/token"}
    monkeypatch.setenv("KAMGRAPH_GOOGLE_SERVICE_ACCOUNT", json.dumps(info))
    yield server
    server.close()


@pytest.fixture
def settings(replay: Replay, tmp_path: Path) -> Settings:
    settings = Settings.model_validate({"ingest": {"our_domains": ["ourco.example"]},
                                        "connectors": {"state_file": str(tmp_path / "state.json"),
                                                       "ca_bundle": replay.ca_file, "backoff_seconds": 0.01}})
    state = PullState(tmp_path / "state.json")
    state.connect(Connection("google", {"calendars": [KIM], "base_url": f"{replay.url}/calendar/v3"}))
    state.save()
    return settings


@pytest.fixture
def base(store: GraphStore) -> GraphStore:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def _meetings(store: GraphStore) -> dict[str, tuple[str, list[str], str]]:
    return {m.subject or "": (m.date.isoformat(), sorted(m.attendees), m.source_id or "")
            for m in store.dump().meetings if m.source == "google"}


def test_full_pull_then_sync_token(base: GraphStore, replay: Replay, settings: Settings) -> None:
    first = pull(base, settings, today=TODAY)
    assert (first.calendars[0].pages, first.calendars[0].skipped) == (2, {"cancelled": 1})
    assert replay.subjects == [KIM]  # the service account acted as the calendar's owner
    assert _meetings(base) == {
        "Roadmap": ("2025-02-04", ["c-ceo", "s-kim"], "g1@google.com 2025-02-03T23:30:00+00:00"),
        "Integration": ("2025-02-05", ["c-cto", "s-kim"], "g2@google.com 2025-02-05T10:00:00+00:00"),
    }
    integration = next(m.id for m in base.dump().meetings if m.subject == "Integration")
    assert [e.source_id for e in base.provenance_of([integration])[integration]] == [f"{KIM}/id-g2"]
    again = pull(base, settings, today=TODAY)
    assert (again.calendars[0].incremental, again.calendars[0].removed, again.calendars[0].meetings_deleted) == (
        True, 1, 1)
    assert _meetings(base)["Offsite"] == ("2025-02-26", ["c-ceo", "s-kim"], "g4@google.com 2025-02-26")
    assert sorted(_meetings(base)) == ["Offsite", "Roadmap"]  # g2 cancelled at the source: gone here too
    assert base.provenance_of([integration]) == {}
    state = json.loads((Path(settings.connectors.state_file or "")).read_text())
    assert state["cursors"]["google"][KIM]["sync"] == "sync-2"
    assert "PRIVATE KEY" not in json.dumps(state)


def test_a_page_token_given_again_stops_the_pull(base: GraphStore, replay: Replay, settings: Settings) -> None:
    replay.loop_page["google"] = 0  # page 0 (of 2) names itself as the next page
    with pytest.raises(KamgraphError, match=rf"^google: {KIM}: the service gave the same next page again \(after 1 "
                                            r"pages\): a paging loop, the pull stops$"):
        pull(base, settings, today=TODAY)
    assert [path for route, path, _ in replay.log if route == "google"] == [
        f"/calendar/v3/calendars/{KIM}/events"] * 2  # page 0, then page 0 again (p0): its token is not followed
    assert sorted(_meetings(base)) == ["Integration", "Roadmap"]  # page 0 was written as it came, once


def test_a_stale_sync_token_starts_a_full_pull(base: GraphStore, replay: Replay, settings: Settings) -> None:
    state = PullState(Path(settings.connectors.state_file or ""))
    state.set_cursor("google", KIM, {"sync": "sync--1", "since": "2023-03-01", "until": "2026-03-01"})
    state.save()
    summary = pull(base, settings, today=TODAY)
    assert summary.calendars[0].pages == 2  # the 410, then the two pages of a full pull
    assert sorted(_meetings(base)) == ["Integration", "Roadmap"]
    assert [status for route, _, status in replay.log if route == "google"] == [410, 200, 200]


def test_throttled_then_expired_token(base: GraphStore, replay: Replay, settings: Settings) -> None:
    replay.faults[("google", 1)] = (429, {"Retry-After": "0"})
    replay.expire_at = ("google", 3)
    pull(base, settings, today=TODAY)
    assert [s for r, _, s in replay.log if r == "google"] == [429, 200, 401, 200]
    assert replay.tokens_issued == 2 and sorted(_meetings(base)) == ["Integration", "Roadmap"]


def test_a_bad_key_is_one_line(base: GraphStore, replay: Replay, settings: Settings,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAMGRAPH_GOOGLE_SERVICE_ACCOUNT", "{not json")
    with pytest.raises(KamgraphError, match=r"^google: the service account key is not a readable JSON key$"):
        pull(base, settings, today=TODAY)
