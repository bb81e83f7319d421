"""Google Workspace calendars through the Calendar API (``kamgraph[google]``).

Each staff calendar is read with ``GET /calendar/v3/calendars/{id}/events``
(``singleEvents=true``: recurring series expanded by Google), page by page
with ``nextPageToken``; the last page's ``nextSyncToken`` is kept and the next
pull sends it to get only the changes. A sync token Google no longer accepts
(HTTP 410 Gone) starts a full pull again, as Google's sync guide says.

Sign-in with google-auth, one of:

* a **service account** with domain-wide delegation, acting as each
  calendar's owner (``subject``), scope ``calendar.readonly``. The key (its
  JSON) is a secret: ``KAMGRAPH_GOOGLE_SERVICE_ACCOUNT`` or the OS keyring;
* **installed-app OAuth** (``auth = "oauth"`` in the connection): a person
  signs in once in the browser at ``kamgraph connect google --oauth-client
  FILE`` (google-auth-oauthlib's local-redirect flow); the client secret and
  the refresh token go to the OS keyring (or ``KAMGRAPH_GOOGLE_CLIENT_SECRET``,
  ``KAMGRAPH_GOOGLE_REFRESH_TOKEN``), and each pull redeems the refresh token
  for an access token (again after a 401). The calendars are those that
  person can read.

Secrets never go to the state file.

The HTTP calls are made by the shared client of :mod:`.http` rather than
google-api-python-client: the same retry rules as every other connector,
and no discovery document to fetch.

Evidence: attendees with ``resource: true`` (rooms, equipment -- Google's
resource calendars) are never people; ``responseStatus: declined`` does not
count; ``status: cancelled`` events are skipped and reported as gone (in an
incremental pull they are the deleted ones): the pull deletes their meetings
when no other calendar or source still shows them.
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from ...settings import Settings
from .base import CalendarConnector, Connection, Page, occurrence
from .http import ConnectorError, GoneError, HttpClient, NextPages, SignInTokens, TokenSource
from .secrets import get_secret, keyring_usable, set_secret

__all__ = ["GoogleCalendar", "ServiceAccountTokens", "OAuthTokens", "installed_sign_in", "CALENDAR_API", "SOURCE",
           "TOKEN_URI"]

SOURCE = "google"
#: Google Calendar API v3.
CALENDAR_API = "https://www.googleapis.com/calendar/v3"
#: Google's OAuth 2.0 token endpoint.
TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 (an address, not a secret)
_SCOPES = ["https://www.googleapis.com/auth/calendar.readonly"]


def _session(settings: Settings) -> Any:
    """A requests session trusting ``[connectors] ca_bundle`` when set (and then not the environment's)."""
    import requests

    session = requests.Session()
    if settings.connectors.ca_bundle:
        session.verify = settings.connectors.ca_bundle
        session.trust_env = False
    return session


class OAuthTokens(SignInTokens):
    """Access tokens of a person who signed in with installed-app OAuth: the refresh token, redeemed at
    ``token_uri`` with the client id and secret (google-auth's user credentials)."""

    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self.settings = settings
        self.options = options
        self._token: str | None = None

    def _acquire(self) -> str:
        import google.auth.exceptions
        import google.auth.transport.requests
        import requests
        from google.oauth2.credentials import Credentials

        refresh = get_secret(SOURCE, "refresh_token")
        credentials = Credentials(token=None, refresh_token=refresh, client_id=str(self.options["client_id"]),
                                  client_secret=get_secret(SOURCE, "client_secret"),
                                  token_uri=str(self.options.get("token_uri") or TOKEN_URI), scopes=_SCOPES)
        try:
            credentials.refresh(google.auth.transport.requests.Request(_session(self.settings)))
        except (google.auth.exceptions.GoogleAuthError, requests.RequestException) as exc:
            first = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)  # not the body's repr
            raise ConnectorError(f"google: the refresh token was refused: {' '.join(first.split())[:200]}") from None
        if credentials.refresh_token and credentials.refresh_token != refresh and keyring_usable():
            set_secret(SOURCE, "refresh_token", credentials.refresh_token)  # Google rotated it
        return str(credentials.token)


class _Say:
    """A text stream that hands each line to ``say`` (the flow prints its "visit this URL" line)."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say

    def write(self, text: str) -> int:
        if text.strip():
            self.say(text.strip())
        return len(text)

    def flush(self) -> None:
        """Nothing is buffered."""


def installed_sign_in(client_config: dict[str, Any], settings: Settings, say: Callable[[str], None], *,
                      browser: str | None = None, timeout_seconds: float = 300.0) -> dict[str, Any]:
    """Sign a person in with installed-app OAuth; keep the client secret and refresh token in the OS keyring.

    ``client_config`` is the client's JSON as the Google Cloud console gives it
    (``{"installed": {"client_id", "client_secret", "auth_uri", "token_uri", ...}}``).
    The browser (``browser``: a :mod:`webbrowser` name; default the system's)
    opens Google's consent page, which redirects to a local port; ``say``
    shows the address to open by hand. Returns the connection options to keep
    (``auth``, ``client_id``, ``token_uri``: no secret).
    """
    import contextlib

    from google_auth_oauthlib.flow import InstalledAppFlow

    try:
        app = client_config.get("installed") or client_config["web"]
        client_id, secret = str(app["client_id"]), str(app["client_secret"])
    except (KeyError, TypeError, AttributeError):
        raise ConnectorError("google: not an OAuth client file (expected {\"installed\": {\"client_id\", "
                             "\"client_secret\", ...}})") from None
    flow = InstalledAppFlow.from_client_config(client_config, scopes=_SCOPES)
    flow.oauth2session.verify = settings.connectors.ca_bundle or True
    if settings.connectors.ca_bundle:
        flow.oauth2session.trust_env = False
    try:
        with contextlib.redirect_stdout(_Say(say)):  # type: ignore[type-var]
            credentials = flow.run_local_server(
                host="localhost", port=0, browser=browser, timeout_seconds=timeout_seconds,
                authorization_prompt_message="Sign in to Google in the browser, or open: {url}",
                success_message="kamgraph is connected to Google Calendar; you may close this window.",
                access_type="offline", prompt="consent")
    except Exception as exc:  # oauthlib, requests and the wsgi timeout each have their own errors
        text = " ".join(str(exc).split())[:200]
        raise ConnectorError(f"google: the sign-in did not complete ({type(exc).__name__}: {text})") from None
    if not credentials.refresh_token:
        raise ConnectorError("google: the sign-in gave no refresh token (sign in again with consent)")
    set_secret(SOURCE, "client_secret", secret)
    set_secret(SOURCE, "refresh_token", str(credentials.refresh_token))
    return {"auth": "oauth", "client_id": client_id, "token_uri": str(app.get("token_uri") or TOKEN_URI)}


class ServiceAccountTokens(SignInTokens):
    """Access tokens of the service account acting as one calendar's owner (domain-wide delegation)."""

    def __init__(self, settings: Settings, subject: str) -> None:
        self.verify: Any = settings.connectors.ca_bundle or True
        self.subject = subject
        self._token: str | None = None

    def _acquire(self) -> str:
        import google.auth.exceptions
        import google.auth.transport.requests
        import requests
        from google.oauth2 import service_account

        try:
            info = json.loads(get_secret(SOURCE, "service_account") or "")
            credentials = service_account.Credentials.from_service_account_info(
                info, scopes=_SCOPES, subject=self.subject)
        except (ValueError, KeyError, TypeError):
            raise ConnectorError("google: the service account key is not a readable JSON key") from None
        session = requests.Session()
        session.verify = self.verify
        if self.verify is not True:
            session.trust_env = False
        try:
            credentials.refresh(google.auth.transport.requests.Request(session))
        except (google.auth.exceptions.GoogleAuthError, requests.RequestException) as exc:
            text = " ".join(str(exc).split())[:200]
            raise ConnectorError(f"google: sign-in failed for {self.subject}: {text}") from None
        return str(credentials.token)


def _start(event: dict[str, Any]) -> dt.datetime | dt.date:
    start = event.get("start") or {}
    if start.get("dateTime"):
        when = dt.datetime.fromisoformat(str(start["dateTime"]).replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=zoneinfo.ZoneInfo(str(start.get("timeZone") or "UTC")))
        return when
    if start.get("date"):
        return dt.date.fromisoformat(str(start["date"]))
    raise ValueError("no start")


class GoogleCalendar(CalendarConnector):
    """Google Calendar ``events.list`` per calendar (see the module docstring)."""

    source = SOURCE

    def __init__(self, connection: Connection, settings: Settings) -> None:
        super().__init__(connection, settings)
        self.base = str(connection.options.get("base_url") or CALENDAR_API).rstrip("/")
        self.zone = zoneinfo.ZoneInfo(settings.ingest.timezone)
        self._clients: dict[str, HttpClient] = {}

    def _http(self, calendar: str) -> HttpClient:
        oauth = self.connection.options.get("auth") == "oauth"
        key = "" if oauth else calendar  # one person's token reads all their calendars
        if key not in self._clients:
            tokens: TokenSource = (OAuthTokens(self.settings, self.connection.options) if oauth
                                   else ServiceAccountTokens(self.settings, calendar))
            self._clients[key] = HttpClient(SOURCE, tokens, self.settings.connectors)
        return self._clients[key]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()

    def pages(self, calendar: str, cursor: dict[str, Any], since: dt.date, until: dt.date) -> Iterator[Page]:
        url = f"{self.base}/calendars/{quote(calendar, safe='@')}/events"
        base: dict[str, Any] = {"singleEvents": "true", "maxResults": self.settings.connectors.page_size}
        sync = cursor.get("sync")
        if sync:
            base["syncToken"] = sync
        else:
            base.update(timeMin=f"{since.isoformat()}T00:00:00Z", timeMax=f"{until.isoformat()}T00:00:00Z")
        page_token = cursor.get("page")
        position = 0
        tokens = NextPages("google", calendar)
        while True:
            params = dict(base, **({"pageToken": page_token} if page_token else {}))
            try:
                body = self._http(calendar).get(url, params=params)
            except GoneError:
                if not sync:
                    raise ConnectorError(f"google: {calendar}: the service refused a full pull (410)") from None
                yield from self.pages(calendar, {}, since, until)  # the sync token expired: start again
                return
            if not isinstance(body, dict):
                raise ConnectorError(f"google: unexpected answer for {calendar} (not an object)")
            found, removed, origins, gone = [], 0, {}, []
            for event in body.get("items") or []:
                position += 1
                origin = f"{calendar}/{event.get('id') or ''}"
                if str(event.get("status") or "") == "cancelled":
                    gone.append(origin)
                    if sync:  # in a sync, a cancelled event may be a bare id: deleted
                        removed += 1
                        continue
                origins[position] = origin
                found.append(self._occurrence(event, calendar, position))
            following = body.get("nextPageToken")
            if following:
                yield Page(found, {"page": following, **({"sync": sync} if sync else {})}, False, removed,
                           origins, gone)
                page_token = tokens.follow(following)
                continue
            token = body.get("nextSyncToken")
            if not token:
                raise ConnectorError(f"google: the last page for {calendar} has no nextSyncToken")
            yield Page(found, {"sync": token}, True, removed, origins, gone)
            return

    def _occurrence(self, event: dict[str, Any], calendar: str, position: int) -> Any:
        people: list[tuple[str, str, bool]] = []
        organizer = event.get("organizer") or {}
        if organizer.get("email"):
            people.append((str(organizer["email"]), str(organizer.get("displayName") or ""), False))
        for attendee in event.get("attendees") or []:
            if attendee.get("resource"):
                continue
            people.append((str(attendee.get("email") or ""), str(attendee.get("displayName") or ""),
                           str(attendee.get("responseStatus") or "") == "declined"))
        try:
            start = _start(event)
        except (ValueError, zoneinfo.ZoneInfoNotFoundError) as exc:
            raise ConnectorError(f"google: event {event.get('id')!r} of {calendar} has no readable start ({exc})"
                                 ) from None
        return occurrence(source=SOURCE, where=f"{SOURCE}:{calendar}", position=position,
                          uid=str(event.get("iCalUID") or event.get("id") or ""), start=start, zone=self.zone,
                          subject=(str(event.get("summary") or "").strip() or None),
                          cancelled=str(event.get("status") or "") == "cancelled", people=people)
