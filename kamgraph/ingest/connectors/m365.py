"""Microsoft 365 calendars through Microsoft Graph (``kamgraph[m365]``).

Each staff mailbox is read with ``GET /users/{address}/calendarView/delta``
(occurrences of recurring series already expanded by Exchange): the first
pull from ``since`` to a year ahead, following ``@odata.nextLink`` page by
page; the last page's ``@odata.deltaLink`` is kept, and the next pull
fetches only what changed since. Times are asked for in UTC
(``Prefer: outlook.timezone="UTC"``).

Sign-in with msal: **app-only** (client credentials: tenant, client id and a
client secret, application permission ``Calendars.Read``) or **device code**
(a person signs in once at ``kamgraph connect``; msal's token cache, which
holds the refresh token, is kept in the OS keyring).

Evidence: attendees of ``type: resource`` (rooms, equipment) are never
people; attendees whose ``status.response`` is ``declined`` do not count;
``isCancelled`` events are skipped; removed (``@removed``) and cancelled events are reported as gone, and
the pull deletes their meetings when no other calendar or source still shows them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from ...settings import Settings
from .base import CalendarConnector, Connection, Page, occurrence
from .http import ConnectorError, HttpClient, NextPages, SignInTokens, TokenSource
from .secrets import get_secret, keyring_usable, set_secret

__all__ = ["M365Calendar", "MsalTokens", "device_sign_in", "GRAPH", "SOURCE"]

SOURCE = "m365"
#: Microsoft Graph v1.0.
GRAPH = "https://graph.microsoft.com/v1.0"
_SCOPES = ["https://graph.microsoft.com/.default"]
_DELEGATED = ["Calendars.Read"]


class MsalTokens(SignInTokens):
    """Access tokens from msal: client credentials, or the device-code sign-in's cached account.

    A refresh after a 401 drops msal's cached access token so that a new one is
    asked for (client credentials) or redeemed from the refresh token (device code).
    """

    def __init__(self, connection: Connection, settings: Settings) -> None:
        self.options = connection.options
        self.verify: Any = settings.connectors.ca_bundle or True
        self._token: str | None = None

    def _authority(self) -> str:
        return str(self.options.get("authority") or f"https://login.microsoftonline.com/{self.options['tenant']}")

    def _acquire(self) -> str:
        import requests

        try:
            return self._ask()
        except requests.RequestException as exc:
            raise ConnectorError(f"m365: cannot reach the sign-in service ({type(exc).__name__})") from None

    def _ask(self) -> str:
        import msal

        common = _app_options(self.options, self.verify)
        if self.options.get("flow", "app") == "app":
            app = msal.ConfidentialClientApplication(
                self.options["client_id"], client_credential=get_secret(SOURCE, "client_secret"), **common)
            result = app.acquire_token_for_client(scopes=_SCOPES)
        else:
            cache = msal.SerializableTokenCache()
            cache.deserialize(get_secret(SOURCE, "token_cache"))
            app = msal.PublicClientApplication(self.options["client_id"], token_cache=cache, **common)
            accounts = app.get_accounts()
            result = app.acquire_token_silent(_DELEGATED, account=accounts[0], force_refresh=True) if accounts else None
            if cache.has_state_changed:
                set_secret(SOURCE, "token_cache", cache.serialize())
        if not result or "access_token" not in result:
            problem = (result or {}).get("error_description") or (result or {}).get("error") or "no token"
            raise ConnectorError(f"m365: sign-in failed: {' '.join(str(problem).split())[:200]}")
        return str(result["access_token"])


def _app_options(options: dict[str, Any], verify: Any) -> dict[str, Any]:
    """What both msal applications are made with: the authority, and a session trusting ``verify``."""
    import requests

    session = requests.Session()
    session.verify = verify
    if verify is not True:  # else REQUESTS_CA_BUNDLE in the environment would win over the setting
        session.trust_env = False
    return {"authority": str(options.get("authority") or f"https://login.microsoftonline.com/{options['tenant']}"),
            "http_client": session, "verify": verify, "instance_discovery": "authority" not in options}


def device_sign_in(options: dict[str, Any], settings: Settings, say: Any) -> None:
    """Sign a person in with a device code (``say`` shows msal's instruction) and keep the token cache.

    msal asks the authority's ``devicecode`` endpoint for a code, ``say``
    shows where to enter it, and msal polls the token endpoint until the
    person has signed in. The token cache (with the refresh token) goes to the
    OS keyring, checked to be there first -- so a sign-in is never wasted.
    """
    import msal
    import requests

    if not keyring_usable():
        raise ConnectorError("m365: a device-code sign-in keeps its token cache in the OS keyring, and there "
                             "is none here (use app-only sign-in with KAMGRAPH_M365_CLIENT_SECRET)")
    cache = msal.SerializableTokenCache()
    try:
        app = msal.PublicClientApplication(options["client_id"], token_cache=cache,
                                           **_app_options(options, settings.connectors.ca_bundle or True))
        flow = app.initiate_device_flow(scopes=_DELEGATED)
        if "user_code" not in flow:
            raise ConnectorError(f"m365: the device-code sign-in could not start: "
                                 f"{' '.join(str(flow.get('error_description') or flow.get('error')).split())[:200]}")
        say(flow["message"])
        result = app.acquire_token_by_device_flow(flow)
    except requests.RequestException as exc:
        raise ConnectorError(f"m365: cannot reach the sign-in service ({type(exc).__name__})") from None
    if "access_token" not in result:
        problem = result.get("error_description") or result.get("error") or "no token"
        raise ConnectorError(f"m365: sign-in failed: {' '.join(str(problem).split())[:200]}")
    set_secret(SOURCE, "token_cache", cache.serialize())


def _start(event: dict[str, Any]) -> dt.datetime | dt.date:
    start = event.get("start") or {}
    text = str(start.get("dateTime") or "")
    if not text:
        raise ValueError("no start")
    when = dt.datetime.fromisoformat(text[:26])  # Graph writes seven decimals
    if event.get("isAllDay"):
        return when.date()
    zone = str(start.get("timeZone") or "UTC")
    return when.replace(tzinfo=dt.UTC if zone.upper() in ("UTC", "ETC/UTC") else zoneinfo.ZoneInfo(zone))


class M365Calendar(CalendarConnector):
    """Microsoft Graph ``calendarView/delta`` per mailbox (see the module docstring)."""

    source = SOURCE

    def __init__(self, connection: Connection, settings: Settings, tokens: TokenSource | None = None) -> None:
        super().__init__(connection, settings)
        self.base = str(connection.options.get("base_url") or GRAPH).rstrip("/")
        self.http = HttpClient(SOURCE, tokens or MsalTokens(connection, settings), settings.connectors)
        self.zone = zoneinfo.ZoneInfo(settings.ingest.timezone)

    def close(self) -> None:
        self.http.close()

    def pages(self, calendar: str, cursor: dict[str, Any], since: dt.date, until: dt.date) -> Iterator[Page]:
        url = cursor.get("next") or cursor.get("delta")
        params: dict[str, Any] | None = None
        if not url:
            url = f"{self.base}/users/{quote(calendar, safe='@')}/calendarView/delta"
            params = {"startDateTime": f"{since.isoformat()}T00:00:00Z",
                      "endDateTime": f"{until.isoformat()}T00:00:00Z"}
        headers = {"Prefer": f'outlook.timezone="UTC", odata.maxpagesize={self.settings.connectors.page_size}'}
        position = 0
        links = NextPages(SOURCE, calendar)
        while True:
            body = self.http.get(url, params=params, headers=headers)
            if not isinstance(body, dict):
                raise ConnectorError(f"m365: unexpected answer for {calendar} (not an object)")
            found, removed, origins, gone = [], 0, {}, []
            for event in body.get("value") or []:
                position += 1
                origin = f"{calendar}/{event.get('id') or ''}"
                if "@removed" in event:
                    removed += 1
                    gone.append(origin)
                    continue
                if event.get("isCancelled"):
                    gone.append(origin)
                origins[position] = origin
                found.append(self._occurrence(event, calendar, position))
            following = body.get("@odata.nextLink")
            if following:
                yield Page(found, {"next": following}, False, removed, origins, gone)
                url, params = links.follow(following), None
                continue
            delta = body.get("@odata.deltaLink")
            if not delta:
                raise ConnectorError(f"m365: the last page for {calendar} has no @odata.deltaLink")
            yield Page(found, {"delta": delta}, True, removed, origins, gone)
            return

    def _occurrence(self, event: dict[str, Any], calendar: str, position: int) -> Any:
        people: list[tuple[str, str, bool]] = []
        organizer = (event.get("organizer") or {}).get("emailAddress") or {}
        if organizer.get("address"):
            people.append((str(organizer["address"]), str(organizer.get("name") or ""), False))
        for attendee in event.get("attendees") or []:
            if str(attendee.get("type") or "").lower() == "resource":
                continue
            address = (attendee.get("emailAddress") or {})
            response = str((attendee.get("status") or {}).get("response") or "").lower()
            people.append((str(address.get("address") or ""), str(address.get("name") or ""), response == "declined"))
        try:
            start = _start(event)
        except (ValueError, KeyError, zoneinfo.ZoneInfoNotFoundError) as exc:
            raise ConnectorError(f"m365: event {event.get('id')!r} of {calendar} has no readable start ({exc})"
                                 ) from None
        return occurrence(source=SOURCE, where=f"{SOURCE}:{calendar}", position=position,
                          uid=str(event.get("iCalUId") or event.get("id") or ""), start=start, zone=self.zone,
                          subject=(str(event.get("subject") or "").strip() or None),
                          cancelled=bool(event.get("isCancelled")), people=people)
