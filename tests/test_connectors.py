"""Microsoft 365 calendars through a local HTTPS server replaying Graph's documented shapes (no live tenant).

The data, worked by hand: Kim's mailbox has three pages -- e1 (Alex accepted, Bea declined, a room), e2 (Chris
and a new person at Acme), e3 (a 12-person webinar), e4 (cancelled), e5 (organised by Raj, with Alex) -- and
Raj's one page has e5 again and e6 (Dana). The delta after the first pull adds e7 and removes e2. So: the
first pull makes 5 meetings (e1, e2, e3, e5, e6; e5 once) and one new stakeholder; the delta one more meeting.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kamgraph.errors import KamgraphError
from kamgraph.ingest import import_files
from kamgraph.ingest.connectors.base import Connection
from kamgraph.monitor.pull import PullState, pull
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL
from .connector_replay import SECRET, Replay, graph_attendee, graph_event

ROOT = Path(__file__).resolve().parent.parent
KIM, RAJ = "kim.berger@ourco.example", "raj.singh@ourco.example"
ALEX, BEA, CHRIS = ("alex.moreau@acme-robotics.example", "bea.novak@acme-robotics.example",
                    "chris.adeyemi@acme-robotics.example")
NEW = "nora.new@acme-robotics.example"
TODAY = dt.date(2025, 3, 1)


def _webinar() -> dict:
    people = [graph_attendee(ALEX, "Alex Moreau")] + [
        graph_attendee(f"guest{i}@elsewhere.example", f"Guest {i}") for i in range(10)]
    return graph_event("e3", "2025-02-10T15:00:00", "Webinar", KIM, people)


def _data(replay: Replay) -> None:
    e1 = graph_event("e1", "2025-02-04T10:00:00", "Roadmap", KIM, [
        graph_attendee(ALEX, "Alex Moreau"), graph_attendee(BEA, "Bea Novak", response="declined"),
        graph_attendee("room-401@acme-robotics.example", "Room 4.01", response="accepted", kind="resource")])
    e2 = graph_event("e2", "2025-02-05T09:30:00", "Integration", KIM, [
        graph_attendee(CHRIS, "Chris Adeyemi"), graph_attendee(NEW, "Nora New", response="none")])
    e4 = graph_event("e4", "2025-02-12T09:00:00", "Cancelled sync", KIM, [graph_attendee(ALEX, "Alex")],
                     isCancelled=True)
    e5 = graph_event("e5", "2025-02-20T13:00:00", "Architecture", RAJ, [
        graph_attendee(KIM, "Kim Berger"), graph_attendee(ALEX, "Alex Moreau")])
    e6 = graph_event("e6", "2025-02-21T08:00:00", "Pricing", RAJ, [graph_attendee("dana.kim@acme-robotics.example",
                                                                                   "Dana Kim")])
    replay.graph[KIM] = [[e1, e2], [_webinar(), e4], [e5]]
    replay.graph[RAJ] = [[e5, e6]]
    e7 = graph_event("e7", "2025-02-27T10:00:00", "Follow-up", KIM, [graph_attendee(ALEX, "Alex Moreau")])
    replay.graph_delta[KIM] = [e7, {"id": "AAMk-e2", "@removed": {"reason": "deleted"}}]


@pytest.fixture
def replay(tmp_path: Path) -> Iterator[Replay]:
    server = Replay(tmp_path)
    _data(server)
    yield server
    server.close()


def _settings(replay: Replay, tmp_path: Path, name: str = "state.json") -> Settings:
    return Settings.model_validate({"ingest": {"our_domains": ["ourco.example"]},
                                    "connectors": {"state_file": str(tmp_path / name), "ca_bundle": replay.ca_file,
                                                   "backoff_seconds": 0.05, "max_retries": 2}})


def _connect(replay: Replay, settings: Settings) -> None:
    state = PullState(Path(settings.connectors.state_file or ""))
    state.connect(Connection("m365", {"tenant": "contoso", "client_id": "app-1", "calendars": [KIM, RAJ],
                                      "base_url": f"{replay.url}/v1.0", "authority": f"{replay.url}/contoso"}))
    state.save()


@pytest.fixture
def base(store: GraphStore, monkeypatch: pytest.MonkeyPatch) -> GraphStore:
    monkeypatch.setenv("KAMGRAPH_M365_CLIENT_SECRET", SECRET)
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def _calendar(store: GraphStore) -> dict[str, list[str]]:
    return {m.subject or "": sorted(m.attendees) for m in store.dump().meetings if m.source == "m365"}


def test_full_pull_then_delta(base: GraphStore, replay: Replay, tmp_path: Path) -> None:
    settings = _settings(replay, tmp_path)
    _connect(replay, settings)
    summary = pull(base, settings, today=TODAY)
    assert [(c.calendar, c.pages, c.events) for c in summary.calendars] == [(KIM, 3, 5), (RAJ, 1, 2)]
    meetings = _calendar(base)
    assert sorted(meetings) == ["Architecture", "Integration", "Pricing", "Roadmap", "Webinar"]
    assert meetings["Roadmap"] == ["c-ceo", "s-kim"]  # Bea declined, the room is not a person
    assert meetings["Architecture"] == ["c-ceo", "s-kim", "s-raj"]  # one meeting from two mailboxes
    assert base.get_person(NEW).verified is False  # type: ignore[union-attr]
    assert base.known_ids(["room-401@acme-robotics.example"], ())[0] == {}
    assert summary.calendars[0].skipped == {"cancelled": 1}
    assert summary.calendars[1].skipped == {}  # e5 again: the same meeting, written again unchanged
    state = json.loads(Path(settings.connectors.state_file or "").read_text())
    assert state["cursors"]["m365"][KIM]["delta"].endswith("$deltatoken=1")
    assert SECRET not in json.dumps(state)
    before = base.counts()
    again = pull(base, settings, today=TODAY)
    assert [(c.incremental, c.events, c.removed, c.meetings_created, c.meetings_deleted) for c in again.calendars
            ] == [(True, 1, 1, 1, 1), (True, 0, 0, 0, 0)]
    assert base.counts()["meetings"] == before["meetings"] + 1 - 1  # e7 came, e2 was deleted in Kim's mailbox
    assert sorted(_calendar(base)) == ["Architecture", "Follow-up", "Pricing", "Roadmap", "Webinar"]
    graph_calls = [path for route, path, _ in replay.log if route == "graph"]
    assert len(graph_calls) == 4 + 2  # 3 + 1 pages, then one delta page per mailbox


def _meeting_id(store: GraphStore, subject: str) -> str:
    return next(m.id for m in store.dump().meetings if m.subject == subject)


def test_deleted_at_the_source_is_removed_unless_another_calendar_shows_it(
        base: GraphStore, replay: Replay, tmp_path: Path, store_factory) -> None:  # type: ignore[no-untyped-def]
    settings = _settings(replay, tmp_path)
    _connect(replay, settings)
    pull(base, settings, today=TODAY)
    architecture = _meeting_id(base, "Architecture")
    assert [e.source_id for e in base.provenance_of([architecture])[architecture]] == [
        f"{KIM}/AAMk-e5", f"{RAJ}/AAMk-e5"]  # one meeting, two source records: Kim's copy and Raj's
    new = base.provenance_of([NEW])[NEW]
    assert [(e.kind, e.source, e.source_id, e.first_seen) for e in new] == [("stakeholder", "m365", NEW, TODAY)]
    # Kim deletes e2 (the only copy) and her copy of e5 (Raj still has it); e1 is cancelled by its organiser
    e1 = dict(replay.graph[KIM][0][0], isCancelled=True)
    replay.graph_delta[KIM] = [e1, {"id": "AAMk-e2", "@removed": {"reason": "deleted"}},
                               {"id": "AAMk-e5", "@removed": {"reason": "deleted"}}]
    again = pull(base, settings, today=TODAY + dt.timedelta(days=7))
    assert [(c.removed, c.meetings_deleted) for c in again.calendars] == [(2, 2), (0, 0)]
    assert sorted(_calendar(base)) == ["Architecture", "Pricing", "Webinar"]
    assert [e.source_id for e in base.provenance_of([architecture])[architecture]] == [f"{RAJ}/AAMk-e5"]
    # the same store as a first pull of what the calendars hold now
    replay.graph[KIM] = [[_webinar()]]
    clean = store_factory()
    import_files(sorted(CANONICAL.glob("*.csv")), clean)
    other = _settings(replay, tmp_path, "fresh.json")
    _connect(replay, other)
    pull(clean, other, today=TODAY + dt.timedelta(days=7))
    # ... but for Nora, whom only e2 brought: people are never deleted with a meeting (their history stays)
    assert base.counts()["stakeholders"] == clean.counts()["stakeholders"] + 1
    assert clean.known_ids([NEW], ())[0] == {}
    base_dump, clean_dump = base.dump(), clean.dump()
    base_dump.stakeholders = [p for p in base_dump.stakeholders if p.id != NEW]
    assert _dump_of(base_dump) == _dump_of(clean_dump)


def test_throttling_waits_as_asked_and_a_500_is_retried(base: GraphStore, replay: Replay, tmp_path: Path) -> None:
    settings = _settings(replay, tmp_path)
    _connect(replay, settings)
    replay.faults[("graph", 2)] = (429, {"Retry-After": "1"})
    replay.faults[("graph", 4)] = (500, {})
    started = time.monotonic()
    pull(base, settings, today=TODAY)
    assert time.monotonic() - started >= 1.0  # the Retry-After second was waited
    statuses = [status for route, _, status in replay.log if route == "graph"]
    assert statuses == [200, 429, 200, 500, 200, 200]  # each fault answered once, then the same request again
    assert len(_calendar(base)) == 5


def test_an_expired_token_is_renewed_once(base: GraphStore, replay: Replay, tmp_path: Path) -> None:
    settings = _settings(replay, tmp_path)
    _connect(replay, settings)
    replay.expire_at = ("graph", 2)
    pull(base, settings, today=TODAY)
    assert replay.tokens_issued == 2  # one at the start, one after the 401
    assert [s for r, _, s in replay.log if r == "graph"][:3] == [200, 401, 200]
    assert len(_calendar(base)) == 5


def test_a_wrong_secret_is_one_line_without_the_secret(base: GraphStore, replay: Replay, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    settings = _settings(replay, tmp_path)
    _connect(replay, settings)
    monkeypatch.setenv("KAMGRAPH_M365_CLIENT_SECRET", SECRET + "-wrong")
    with pytest.raises(KamgraphError) as info:
        pull(base, settings, today=TODAY)
    assert str(info.value).startswith("m365: sign-in failed: AADSTS7000215")
    assert SECRET not in str(info.value) and "\n" not in str(info.value)


def test_a_failed_pull_resumes_where_it_stopped(base: GraphStore, replay: Replay, tmp_path: Path,
                                                store_factory) -> None:  # type: ignore[no-untyped-def]
    settings = _settings(replay, tmp_path)
    _connect(replay, settings)
    for attempt in (2, 3, 4):  # page 2 fails three times: more than max_retries
        replay.faults[("graph", attempt)] = (500, {})
    with pytest.raises(KamgraphError, match=r"m365: HTTP 500 after 3 attempts"):
        pull(base, settings, today=TODAY)
    assert sorted(_calendar(base)) == ["Integration", "Roadmap"]  # page 1 written, and recorded
    resumed = pull(base, settings, today=TODAY)
    assert resumed.calendars[0].resumed and resumed.calendars[0].pages == 2
    clean = store_factory()
    import_files(sorted(CANONICAL.glob("*.csv")), clean)
    other = _settings(replay, tmp_path, "other.json")
    _connect(replay, other)
    pull(clean, other, today=TODAY)
    assert _dump(base) == _dump(clean)


def test_a_next_link_given_again_stops_the_pull_instead_of_paging_for_ever(
        base: GraphStore, replay: Replay, tmp_path: Path) -> None:
    settings = _settings(replay, tmp_path)
    _connect(replay, settings)
    replay.loop_page["graph"] = 1  # Kim's page 1 (of 3) links to itself
    with pytest.raises(KamgraphError, match=rf"m365: {KIM}: the service gave the same next page again \(after 1 "
                                            r"pages\): a paging loop, the pull stops$"):
        pull(base, settings, today=TODAY)
    graph_calls = [path for route, path, _ in replay.log if route == "graph"]
    assert len(graph_calls) == 2  # page 0, then page 1, whose link is page 1 again: not asked for
    # pages 0 and 1 were written as they came (the Roadmap and Integration; the Webinar, the cancelled e4 not)
    assert sorted(_calendar(base)) == ["Integration", "Roadmap", "Webinar"]


def _dump(store: GraphStore) -> str:
    return _dump_of(store.dump())


def _dump_of(batch) -> str:  # type: ignore[no-untyped-def]
    return json.dumps({kind: sorted(json.dumps(r.model_dump(mode="json"), sort_keys=True)
                                    for r in getattr(batch, kind))
                       for kind in ("accounts", "staff", "stakeholders", "meetings", "relationships")})


def _cli(tmp_path: Path, replay: Replay, name: str, *args: str, **kwargs) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    config = tmp_path / f"{name}.toml"
    config.write_text(f'[ingest]\nour_domains = ["ourco.example"]\n[connectors]\n'
                      f'state_file = "{tmp_path / name}.json"\nca_bundle = "{replay.ca_file}"\n'
                      "backoff_seconds = 0.05\n")
    env = {**os.environ, "KAMGRAPH_M365_CLIENT_SECRET": SECRET, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "cli", "--store", str(tmp_path / f"{name}.db"),
                             "--config", str(config), *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            **{"stderr": subprocess.PIPE, "text": True, **kwargs})


def _run(tmp_path: Path, replay: Replay, name: str, *args: str) -> tuple[int, str, str]:
    process = _cli(tmp_path, replay, name, *args)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def _prepared(tmp_path: Path, replay: Replay, name: str) -> None:
    code, _, err = _run(tmp_path, replay, name, "import", *map(str, sorted(CANONICAL.glob("*.csv"))))
    assert code == 0, err
    code, _, err = _run(tmp_path, replay, name, "connect", "m365", "--tenant", "contoso", "--client-id", "app-1",
                        "--calendar", KIM, "--calendar", RAJ, "--base-url", f"{replay.url}/v1.0",
                        "--authority", f"{replay.url}/contoso")
    assert code == 0, err


def _store_json(tmp_path: Path, name: str) -> str:
    with open_store(str(tmp_path / f"{name}.db")) as store:
        return _dump(store)


def test_a_pull_killed_half_way_and_run_again_equals_an_uninterrupted_one(replay: Replay, tmp_path: Path) -> None:
    import threading

    _prepared(tmp_path, replay, "whole")
    code, out, err = _run(tmp_path, replay, "whole", "pull", "--json")
    assert code == 0, err
    assert [c["events"] for c in json.loads(out)["calendars"]] == [5, 2]
    # where the records came from, in --json: Kim's mailbox showed e1, e2, e3, e5 (e4 was cancelled) and brought
    # Nora; Raj's showed e5 again (a second source record of the same meeting) and e6
    assert [c["sources_noted"] for c in json.loads(out)["calendars"]] == [{"meeting": 4, "stakeholder": 1},
                                                                          {"meeting": 2}]
    replay.counts.clear()
    _prepared(tmp_path, replay, "killed")
    replay.hold, replay.hold_route = threading.Event(), ("graph", 3)  # the third page waits: kill the pull there
    process = _cli(tmp_path, replay, "killed", "pull")
    assert replay.held.wait(60)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    replay.hold.set()
    assert process.returncode == -signal.SIGKILL
    assert _store_json(tmp_path, "killed") != _store_json(tmp_path, "whole")  # really half-way
    replay.hold = None
    code, out, err = _run(tmp_path, replay, "killed", "pull", "--json")
    assert code == 0, err
    assert json.loads(out)["calendars"][0]["resumed"] is True
    assert _store_json(tmp_path, "killed") == _store_json(tmp_path, "whole")


def test_no_secret_in_any_output(replay: Replay, tmp_path: Path) -> None:
    _prepared(tmp_path, replay, "leak")
    outputs = []
    for args in (["pull"], ["pull", "--dry-run", "--json"], ["config", "show"],
                 ["export", "--all", "--format", "json"]):
        code, out, err = _run(tmp_path, replay, "leak", *args)
        assert code == 0, err
        outputs += [out, err]
    replay.faults[("token", replay.counts.get("token", 0) + 1)] = (400, {})
    code, out, err = _run(tmp_path, replay, "leak", "pull")
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err
    outputs += [out, err, (tmp_path / "leak.json").read_text()]
    assert not [o for o in outputs if SECRET in o]


def test_connect_without_calendars_or_client_id_is_a_one_line_error(replay: Replay, tmp_path: Path) -> None:
    assert _run(tmp_path, replay, "errors", "import", *map(str, sorted(CANONICAL.glob("*.csv"))))[0] == 0
    for args, expected in ((["connect", "m365", "--tenant", "t", "--client-id", "c"], "give the calendars"),
                           (["connect", "salesforce"], "--client-id is required"),
                           (["pull", "google"], "no connection to 'google'")):
        code, _, err = _run(tmp_path, replay, "errors", *args)
        assert code == 2 and err.startswith("Error: ") and expected in err and err.count("\n") == 1, err


def test_a_second_pull_at_the_same_time_stops_at_once(base: GraphStore, replay: Replay, tmp_path: Path) -> None:
    import fcntl

    settings = _settings(replay, tmp_path)
    _connect(replay, settings)
    with open(tmp_path / "state.json.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running pull does
        with pytest.raises(KamgraphError, match=r"another pull is running"):
            pull(base, settings, today=TODAY)
    assert replay.log == [] and pull(base, settings, today=TODAY).calendars[0].pages == 3


def test_the_progress_bar_is_on_a_terminal_only(replay: Replay, tmp_path: Path) -> None:
    import pty

    _prepared(tmp_path, replay, "tty")
    code, out, err = _run(tmp_path, replay, "tty", "pull", "--dry-run")  # stderr a pipe: no bar
    assert code == 0 and err == "" and "(dry run: nothing written)" in out

    def on_terminal(*args: str) -> tuple[int, str, str]:
        master, slave = pty.openpty()
        process = _cli(tmp_path, replay, "tty", *args, stderr=slave)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed: the pull is over
                break
            if not chunk:
                break
            seen += chunk
        out = process.stdout.read()  # type: ignore[union-attr]
        process.wait(timeout=60)
        os.close(master)
        return process.returncode, out, seen.decode("utf-8", "replace")

    code, out, terminal = on_terminal("pull")
    assert code == 0
    assert f"m365 {KIM}" in terminal and f"m365 {RAJ}" in terminal and "3 page(s), 5 record(s)" in terminal
    assert "━" in terminal  # rich's bar
    assert "━" not in out and "(full): 3 page(s)" in out  # the summary on stdout, the bar on the terminal
    code, out, terminal = on_terminal("pull", "--json")
    assert code == 0 and terminal == "" and json.loads(out)["dry_run"] is False
