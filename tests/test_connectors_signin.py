"""Sign-ins a person makes once -- Google installed-app OAuth, Microsoft's device code -- against the local replay
server (no live tenant), with a real keyring backend (keyrings.alt's file keyring, in the test's folder) as the
OS keyring.

Google: the browser is a small HTTP client registered with :mod:`webbrowser` that does what a person's browser
does -- opens the consent page, is redirected back to the local port of google-auth-oauthlib's flow with a code.
Microsoft: msal asks the replayed ``devicecode`` endpoint for a code and polls the token endpoint, which answers
``authorization_pending`` once (the person is still typing the code), then the tokens.
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
import threading
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kamgraph.errors import KamgraphError
from kamgraph.ingest import import_files
from kamgraph.ingest.connectors.base import Connection
from kamgraph.monitor.pull import PullState, pull
from kamgraph.settings import Settings
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL
from .connector_replay import SECRET, Replay, graph_attendee, graph_event

KIM = "kim.berger@ourco.example"
ALEX = "alex.moreau@acme-robotics.example"
TODAY = dt.date(2025, 3, 1)


@pytest.fixture
def os_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    for name in ("GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN", "GOOGLE_SERVICE_ACCOUNT", "M365_TOKEN_CACHE",
                 "M365_CLIENT_SECRET"):
        monkeypatch.delenv(f"KAMGRAPH_{name}", raising=False)
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def replay(tmp_path: Path) -> Iterator[Replay]:
    server = Replay(tmp_path)
    yield server
    server.close()


@pytest.fixture
def settings(replay: Replay, tmp_path: Path) -> Settings:
    return Settings.model_validate({"ingest": {"our_domains": ["ourco.example"]},
                                    "connectors": {"state_file": str(tmp_path / "state.json"),
                                                   "ca_bundle": replay.ca_file, "backoff_seconds": 0.01}})


@pytest.fixture
def base(store: GraphStore) -> GraphStore:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


class ReplayBrowser(webbrowser.BaseBrowser):
    """Opens a page the way a person's browser would: follows the consent page's redirect back to the app."""

    def __init__(self, name: str, ca_file: str) -> None:
        super().__init__(name)
        self.ca_file = ca_file
        self.landed: list[str] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        threading.Thread(target=self._visit, args=(url,), daemon=True).start()
        return True

    def _visit(self, url: str) -> None:
        import httpx

        with httpx.Client(verify=ssl.create_default_context(cafile=self.ca_file)) as https:
            consent = https.get(url)
        assert consent.status_code == 302
        self.landed.append(httpx.get(consent.headers["location"]).text)  # the app's local port, plain http


def _google_events(replay: Replay) -> None:
    event = {"kind": "calendar#event", "id": "id-o1", "iCalUID": "o1@google.com", "status": "confirmed",
             "summary": "Roadmap", "start": {"dateTime": "2025-02-04T10:00:00Z"},
             "organizer": {"email": KIM}, "attendees": [{"email": ALEX, "responseStatus": "accepted"}]}
    replay.google[KIM] = [[event]]


def test_google_installed_app_sign_in_then_pulls_with_the_refresh_token(
        base: GraphStore, replay: Replay, settings: Settings, os_keyring: Any, tmp_path: Path) -> None:
    from kamgraph.ingest.connectors.google import installed_sign_in
    from kamgraph.ingest.connectors.secrets import get_secret

    browser = ReplayBrowser("kamgraph-replay", replay.ca_file)
    webbrowser.register("kamgraph-replay", None, browser)
    client = {"installed": {"client_id": "123-kam.apps.googleusercontent.com", "client_secret": SECRET,
                            "auth_uri": f"{replay.url}/o/oauth2/auth", "token_uri": f"{replay.url}/token",
                            "redirect_uris": ["http://localhost"]}}
    said: list[str] = []
    options = installed_sign_in(client, settings, said.append, browser="kamgraph-replay", timeout_seconds=30)
    assert options == {"auth": "oauth", "client_id": "123-kam.apps.googleusercontent.com",
                       "token_uri": f"{replay.url}/token"}
    asked = replay.authorizations[0]
    assert (asked["access_type"], asked["prompt"], asked["scope"]) == (
        "offline", "consent", "https://www.googleapis.com/auth/calendar.readonly")
    assert asked["redirect_uri"].startswith("http://localhost:")
    assert said and said[0].startswith(f"Sign in to Google in the browser, or open: {replay.url}/o/oauth2/auth?")
    assert "kamgraph is connected" in browser.landed[0]
    assert get_secret("google", "refresh_token") == "1//refresh-1" and get_secret("google", "client_secret") == SECRET
    _google_events(replay)
    state = PullState(tmp_path / "state.json")
    state.connect(Connection("google", {**options, "calendars": [KIM], "base_url": f"{replay.url}/calendar/v3"}))
    state.save()
    replay.expire_at = ("google", 1)  # the first access token is refused once: refreshed, then the same request
    summary = pull(base, settings, today=TODAY)
    assert summary.calendars[0].meetings_created == 1
    assert replay.grants == ["authorization_code", "refresh_token", "refresh_token"]  # no service-account grant
    assert [s for r, _, s in replay.log if r == "google"] == [401, 200]
    kept = (tmp_path / "state.json").read_text()
    assert SECRET not in kept and "1//refresh-1" not in kept


def test_google_a_revoked_refresh_token_is_one_line(base: GraphStore, replay: Replay, settings: Settings,
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAMGRAPH_GOOGLE_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("KAMGRAPH_GOOGLE_REFRESH_TOKEN", "1//revoked")
    replay.refresh_tokens.add("1//a-valid-one")
    state = PullState(tmp_path / "state.json")
    state.connect(Connection("google", {"auth": "oauth", "client_id": "123", "token_uri": f"{replay.url}/token",
                                        "calendars": [KIM], "base_url": f"{replay.url}/calendar/v3"}))
    state.save()
    with pytest.raises(KamgraphError) as info:
        pull(base, settings, today=TODAY)
    text = str(info.value)
    assert text.startswith("google: the refresh token was refused: invalid_grant") and "\n" not in text
    assert SECRET not in text and "1//revoked" not in text


def test_m365_device_code_sign_in_then_pulls_from_the_cached_account(
        base: GraphStore, replay: Replay, settings: Settings, os_keyring: Any, tmp_path: Path) -> None:
    from kamgraph.ingest.connectors.m365 import device_sign_in
    from kamgraph.ingest.connectors.secrets import get_secret

    options = {"tenant": "contoso", "client_id": "app-dev", "authority": f"{replay.url}/contoso", "flow": "device",
               "calendars": [KIM], "base_url": f"{replay.url}/v1.0"}
    said: list[str] = []
    device_sign_in(options, settings, said.append)
    assert "enter the code KAMG-RAPH" in said[0] and "Calendars.Read" in said[0]
    assert replay.device_codes == {"dc-1": 2}  # pending once, then signed in
    cache = json.loads(get_secret("m365", "token_cache") or "")
    assert [t["secret"] for t in cache["RefreshToken"].values()] == ["0.AAA-refresh-1"]
    replay.graph[KIM] = [[graph_event("d1", "2025-02-04T10:00:00", "Roadmap", KIM, [graph_attendee(ALEX, "Alex")])]]
    state = PullState(tmp_path / "state.json")
    state.connect(Connection("m365", options))
    state.save()
    replay.expire_at = ("graph", 1)
    summary = pull(base, settings, today=TODAY)
    assert summary.calendars[0].meetings_created == 1
    device = "urn:ietf:params:oauth:grant-type:device_code"
    assert replay.grants == [device, "refresh_token", "refresh_token"]  # redeemed at the start and after the 401
    assert [s for r, _, s in replay.log if r == "graph"] == [401, 200]
    cache = json.loads(get_secret("m365", "token_cache") or "")
    assert [t["secret"] for t in cache["RefreshToken"].values()] == ["0.AAA-refresh-3"]  # rotated, kept
    assert "refresh" not in (tmp_path / "state.json").read_text()


def test_m365_device_code_needs_a_keyring(replay: Replay, settings: Settings) -> None:
    import keyring
    from keyring.backends import fail

    from kamgraph.ingest.connectors.m365 import device_sign_in

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(KamgraphError, match=r"^m365: a device-code sign-in keeps its token cache in the OS "):
            device_sign_in({"tenant": "contoso", "client_id": "c", "authority": f"{replay.url}/contoso"}, settings,
                           print)
    finally:
        keyring.set_keyring(previous)
    assert replay.device_codes == {}  # refused before anyone is asked to sign in


def test_connect_google_oauth_on_the_command_line_and_no_secret_anywhere(replay: Replay, tmp_path: Path) -> None:
    """``kamgraph connect google --oauth-client FILE`` in a real process, its browser ``$BROWSER``; then every
    output, the state file and the exports are grepped for the client secret and the refresh token."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    client = tmp_path / "client_secret.json"
    client.write_text(json.dumps({"installed": {
        "client_id": "123-kam.apps.googleusercontent.com", "client_secret": SECRET,
        "auth_uri": f"{replay.url}/o/oauth2/auth", "token_uri": f"{replay.url}/token"}}))
    config = tmp_path / "kamgraph.toml"
    config.write_text(f'[ingest]\nour_domains = ["ourco.example"]\n[connectors]\nstate_file = "{tmp_path}/s.json"\n'
                      f'ca_bundle = "{replay.ca_file}"\nbackoff_seconds = 0.01\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMGRAPH_")}
    env.update(PYTHONPATH=str(root), XDG_DATA_HOME=str(tmp_path / "data"),
               PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
               BROWSER=f"{sys.executable} {Path(__file__).parent / 'replay_browser.py'} %s",
               KAMGRAPH_TEST_CA=replay.ca_file, KAMGRAPH_TEST_LANDED=str(tmp_path / "landed.txt"))

    def run(*args: str) -> tuple[int, str, str]:
        done = subprocess.run([sys.executable, "-m", "cli", "--store", str(tmp_path / "kam.db"), "--config",
                               str(config), *args], cwd=root, env=env, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr

    outputs: list[str] = []
    code, out, err = run("import", *map(str, sorted(CANONICAL.glob("*.csv"))))
    assert code == 0, err
    code, out, err = run("connect", "google", "--oauth-client", str(client), "--calendar", KIM,
                         "--base-url", f"{replay.url}/calendar/v3", "--json")
    assert code == 0, err
    assert json.loads(out)["secret"] == "keyring" and "Sign in to Google in the browser" in err
    assert "kamgraph is connected" in (tmp_path / "landed.txt").read_text()
    outputs += [out, err]
    _google_events(replay)
    for args in (["pull"], ["pull", "--dry-run", "--json"], ["config", "show"],
                 ["export", "--all", "--format", "json"]):
        code, out, err = run(*args)
        assert code == 0, err
        outputs += [out, err]
    assert replay.grants.count("refresh_token") == 2  # each pull redeemed the refresh token from the keyring
    replay.refresh_tokens = {"1//someone-else"}  # the grant was revoked
    code, out, err = run("pull")
    assert code != 0 and err.count("\n") == 1 and "Traceback" not in err and "refresh token was refused" in err
    outputs += [out, err, (tmp_path / "s.json").read_text()]
    secrets = [SECRET, "1//refresh-1"]
    assert not [(s, o) for o in outputs for s in secrets if s in o]
    keyring_file = next((tmp_path / "data").rglob("keyring_pass.cfg"))  # where they are: the keyring only
    assert "kamgraph" in keyring_file.read_text()
