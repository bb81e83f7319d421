"""Google Workspace calendars through the Calendar API (``kamgraph[google]``).

Each staff calendar is read with ``GET /calendar/v3/calendars/{id}/events``
(``singleEvents=true``: recurring series expanded by Google), page by page
with ``nextPageToken``; the last page's ``nextSyncToken`` is kept and the next
pull sends it to get only the changes. A sync token Google no longer accepts
(HTTP 410 Gone) starts a full pull again, as Google's sync guide says.

Sign-in with google-auth: a service account with domain-wide delegation,
acting as each calendar's owner (``subject``), scope ``calendar.readonly``.
The key (its JSON) is a secret: ``KAMGRAPH_GOOGLE_SERVICE_ACCOUNT`` or the OS
keyring, never the state file.

The HTTP calls are made by the shared client of :mod:`.http` rather than
google-api-python-client: the same retry rules as every other connector,
and no discovery document to fetch.

Evidence: attendees with ``resource: true`` (rooms, equipment -- Google's
resource calendars) are never people; ``responseStatus: declined`` does not
count; ``status: cancelled`` events are skipped (in an incremental pull they
are the deleted ones, counted as removed).
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from ...settings import Settings
from .base import CalendarConnector, Connection, Page, occurrence
from .http import ConnectorError, GoneError, HttpClient, TokenSource
from .secrets import get_secret

__all__ = ["GoogleCalendar", "ServiceAccountTokens", "CALENDAR_API", "SOURCE"]

SOURCE = "google"
#: Google Calendar API v3.
CALENDAR_API = "https://www.googleapis.com/calendar/v3"
_SCOPES = ["https://www.googleapis.com/auth/calendar.readonly"]


class ServiceAccountTokens(TokenSource):
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

    def token(self) -> str:
        if self._token is None:
            self._token = self._acquire()
        return self._token

    def refresh(self) -> str:
        self._token = self._acquire()
        return self._token


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
        if calendar not in self._clients:
            self._clients[calendar] = HttpClient(SOURCE, ServiceAccountTokens(self.settings, calendar),
                                                 self.settings.connectors)
        return self._clients[calendar]

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
            found, removed = [], 0
            for event in body.get("items") or []:
                position += 1
                if sync and str(event.get("status") or "") == "cancelled":
                    removed += 1
                    continue
                found.append(self._occurrence(event, calendar, position))
            following = body.get("nextPageToken")
            if following:
                yield Page(found, {"page": following, **({"sync": sync} if sync else {})}, False, removed)
                page_token = following
                continue
            token = body.get("nextSyncToken")
            if not token:
                raise ConnectorError(f"google: the last page for {calendar} has no nextSyncToken")
            yield Page(found, {"sync": token}, True, removed)
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
