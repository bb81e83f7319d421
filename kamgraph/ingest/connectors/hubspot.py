"""HubSpot through its CRM API with hubspot-api-client (``kamgraph[hubspot]``).

Objects, in this order: companies, contacts, then the meetings, calls and
e-mails engagements with their associations (the contacts who took part; our
side is the engagement's owner, matched by e-mail address). Each is read with
the CRM search endpoint, ``hs_lastmodifieddate`` after the newest one of the
previous complete pull, oldest first, page by page (``paging.next.after``).
Companies and contacts pass through the HubSpot importer
(:mod:`kamgraph.ingest.hubspot`: ids ``hs-<id>``, buying roles, matching by
e-mail and domain); a contact now associated with another company goes
through the rules of ``kamgraph sync`` first (a departure), as Salesforce
contacts do. Engagements become meetings of their kind (``meeting``,
``call``, ``email``), so each counts with its own kind weight; archived
(deleted) engagements are listed (``archived=true``) and their meetings removed.

Sign-in: a private app's access token (``KAMGRAPH_HUBSPOT_ACCESS_TOKEN`` or
the OS keyring), or an OAuth app (``client_id`` in the connection; client
secret and refresh token as secrets), whose token is refreshed after a 401 and
the request tried once more. 429 and 5xx are retried with ``Retry-After`` by
urllib3's retry rules, which hubspot-api-client takes as ``retry``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any

from ...domain.models import Meeting, Staff, Stakeholder
from ...settings import Settings
from ..directory import Directory, clean_email
from ..hubspot import ID_PREFIX
from ..parsed import Located, Parsed, validate_record
from .base import Connection
from .http import ConnectorError, NextPages
from .salesforce import RecordPage
from .secrets import get_secret

__all__ = ["HubSpotRecords", "SOURCE", "API"]

SOURCE = "hubspot"
API = "https://api.hubapi.com"
_PROPERTIES = {
    "companies": ["name", "domain", "industry", "hs_additional_domains", "hs_lastmodifieddate"],
    "contacts": ["firstname", "lastname", "email", "jobtitle", "hs_buying_role", "associatedcompanyid",
                 "hs_lastmodifieddate"],
    "meetings": ["hs_timestamp", "hs_meeting_title", "hubspot_owner_id", "hs_lastmodifieddate"],
    "calls": ["hs_timestamp", "hs_call_title", "hubspot_owner_id", "hs_lastmodifieddate"],
    "emails": ["hs_timestamp", "hs_email_subject", "hubspot_owner_id", "hs_lastmodifieddate"],
}
_KIND = {"meetings": "meeting", "calls": "call", "emails": "email"}
_TITLE = {"meetings": "hs_meeting_title", "calls": "hs_call_title", "emails": "hs_email_subject"}


class HubSpotRecords:
    """Pages of changed CRM objects (see the module docstring)."""

    source = SOURCE
    objects = tuple(_PROPERTIES)

    def __init__(self, connection: Connection, settings: Settings) -> None:
        self.connection = connection
        self.settings = settings
        self.zone = zoneinfo.ZoneInfo(settings.ingest.timezone)  # what a UTC time is dated in, as m365 and google
        self._client: Any = None
        self._token: str | None = None
        self._owners: dict[str, str] | None = None

    def _new_token(self) -> str:
        options = self.connection.options
        if not options.get("client_id"):
            return str(get_secret(SOURCE, "access_token"))
        import requests

        session = requests.Session()
        if self.settings.connectors.ca_bundle:
            session.verify, session.trust_env = self.settings.connectors.ca_bundle, False
        base = str(options.get("base_url") or API).rstrip("/")
        try:
            answer = session.post(f"{base}/oauth/v1/token", data={
                "grant_type": "refresh_token", "client_id": options["client_id"],
                "client_secret": get_secret(SOURCE, "client_secret"),
                "refresh_token": get_secret(SOURCE, "refresh_token")}, timeout=self.settings.connectors.timeout_seconds)
            body = answer.json()
        except (requests.RequestException, ValueError) as exc:
            raise ConnectorError(f"hubspot: cannot renew the token ({type(exc).__name__})") from None
        if answer.status_code != 200 or "access_token" not in body:
            raise ConnectorError(f"hubspot: token renewal refused ({body.get('status') or answer.status_code})")
        return str(body["access_token"])

    def _make(self) -> Any:
        from hubspot import HubSpot
        from urllib3.util.retry import Retry

        conf = self.settings.connectors
        self._token = self._new_token()
        retry = Retry(total=conf.max_retries, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=None,
                      backoff_factor=conf.backoff_seconds, respect_retry_after_header=True, raise_on_status=False)
        extra = {"ssl_ca_cert": conf.ca_bundle} if conf.ca_bundle else {}
        return HubSpot(access_token=self._token, retry=retry,
                       host=str(self.connection.options.get("base_url") or API).rstrip("/"), **extra)

    def _call(self, call: Callable[[Any], Any]) -> Any:
        """Run ``call(client)``; after a 401 renew the token and run it once more."""
        if self._client is None:
            self._client = self._make()
        for attempt in (0, 1):
            try:
                return call(self._client)
            except Exception as exc:  # each API of the client has its own ApiException class
                status = getattr(exc, "status", None)
                if status == 401 and not attempt:
                    self._client = self._make()
                    continue
                if status is not None:
                    raise ConnectorError(f"hubspot: HTTP {status} ({getattr(exc, 'reason', '') or 'error'})"
                                         ) from None
                raise ConnectorError(f"hubspot: the request failed ({type(exc).__name__})") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Nothing to release (the client keeps no open state of ours)."""

    def _search(self, obj: str, mark: str, after: str | None) -> Any:
        from hubspot.crm.objects import PublicObjectSearchRequest

        request = PublicObjectSearchRequest(
            filter_groups=[{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GT", "value": mark}]}],
            sorts=[{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            properties=_PROPERTIES[obj], limit=self.settings.connectors.page_size, after=after)
        return self._call(lambda c: c.crm.objects.search_api.do_search(
            object_type=obj, public_object_search_request=request)).to_dict()

    def pages(self, obj: str, cursor: dict[str, Any], since: dt.datetime) -> Iterator[RecordPage]:
        """Pages of ``obj`` modified after the cursor's mark (else ``since``), resuming at its ``after``."""
        mark = str(cursor.get("mark") or int(since.replace(tzinfo=dt.UTC).timestamp() * 1000))
        newest = str(cursor.get("newest") or mark)
        after = cursor.get("after")
        cursors = NextPages("hubspot", obj)
        while True:
            body = self._search(obj, mark, after)
            results = body.get("results") or []
            for result in results:
                stamp = _millis((result.get("properties") or {}).get("hs_lastmodifieddate"))
                newest = max(newest, stamp, key=int) if stamp else newest
            page = self._page(obj, results)
            after = ((body.get("paging") or {}).get("next") or {}).get("after")
            if after:
                yield RecordPage(page.tables, {"after": after, "mark": mark, "newest": newest}, False, page.build)
                cursors.follow(after)
                continue
            gone = self.archived(obj) if obj in _KIND else []
            yield RecordPage(page.tables, {"mark": newest}, True, page.build, gone=gone)
            return

    def archived(self, obj: str) -> list[str]:
        """The archived (deleted) engagements of one type, as ``TYPE/ID`` (their meetings' source ids).

        The search endpoint never returns archived objects; the list endpoint
        does with ``archived=true`` (HubSpot keeps them 90 days). All are listed
        at every pull: removing a meeting already gone changes nothing.
        """
        found: list[str] = []
        after = None
        cursors = NextPages("hubspot", f"archived {obj}")
        while True:
            body = self._call(lambda c, a=after: c.crm.objects.basic_api.get_page(
                object_type=obj, archived=True, limit=self.settings.connectors.page_size,
                **({"after": a} if a else {}))).to_dict()
            found += [f"{obj}/{r['id']}" for r in body.get("results") or [] if r.get("archived", True)]
            after = ((body.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return found
            cursors.follow(after)

    def _page(self, obj: str, results: list[dict[str, Any]]) -> RecordPage:
        if obj in ("companies", "contacts"):
            rows = [{"hs_object_id": r["id"], **{k: v or "" for k, v in (r.get("properties") or {}).items()
                                                  if k != "hs_lastmodifieddate"}} for r in results]
            return RecordPage({obj: rows}, {}, False)
        engagements = []
        for result in results:
            props = result.get("properties") or {}
            links = self._call(lambda c, i=result["id"]: c.crm.associations.v4.basic_api.get_page(
                obj, i, "contacts")).to_dict()
            contacts = [str(link["to_object_id"]) for link in links.get("results") or []]
            engagements.append((obj, str(result["id"]), props, contacts))
        emails = self._emails({c for *_, contacts in engagements for c in contacts})
        owners = self.owners()

        def build(directory: Directory) -> Parsed:
            return _meetings(engagements, emails, owners, directory, self.zone)

        return RecordPage({obj: [{"id": e[1]} for e in engagements]}, {}, False, build)

    def owners(self) -> dict[str, str]:
        """HubSpot owner id -> e-mail address (our staff)."""
        if self._owners is None:
            body = self._call(lambda c: c.crm.owners.owners_api.get_page(limit=500)).to_dict()
            self._owners = {str(o["id"]): str(o.get("email") or "") for o in body.get("results") or []}
        return self._owners

    def _emails(self, contacts: set[str]) -> dict[str, str]:
        if not contacts:
            return {}
        from hubspot.crm.objects import BatchReadInputSimplePublicObjectId

        request = BatchReadInputSimplePublicObjectId(inputs=[{"id": c} for c in sorted(contacts)],
                                                     properties=["email"])
        body = self._call(lambda c: c.crm.objects.batch_api.read(
            object_type="contacts", batch_read_input_simple_public_object_id=request)).to_dict()
        return {str(r["id"]): str((r.get("properties") or {}).get("email") or "") for r in body.get("results") or []}


def _millis(value: Any) -> str:
    """An ISO time or milliseconds as milliseconds since the epoch (text)."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        return str(int(value.timestamp() * 1000))
    text = str(value)
    if text.isdigit():
        return text
    return str(int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000))


def _meetings(engagements: list[tuple[str, str, dict[str, Any], list[str]]], emails: dict[str, str],
              owners: dict[str, str], directory: Directory, zone: dt.tzinfo) -> Parsed:
    """Engagements as meetings of their kind; one without a known contact or owner is skipped with its reason.

    ``hs_timestamp`` is a UTC time: a meeting is dated in ``zone`` (``[ingest] timezone``), as calendar and
    Salesforce events are."""
    parsed = Parsed()
    where = f"{SOURCE} pull"
    for position, (obj, eid, props, contacts) in enumerate(engagements, start=1):
        people: list[str] = []
        owner = directory.by_email(clean_email(owners.get(str(props.get("hubspot_owner_id") or ""))))
        if isinstance(owner, Staff):
            people.append(owner.id)
        for contact in contacts:
            person = directory.by_id(ID_PREFIX + contact) or directory.by_email(clean_email(emails.get(contact)))
            if isinstance(person, Stakeholder):
                people.append(person.id)
        row = f"{obj} {eid}"
        if not any(isinstance(directory.by_id(p), Stakeholder) for p in people):
            parsed.skip(where, position, "no client attendee", row=row)
            continue
        if owner is None or not isinstance(owner, Staff):
            parsed.skip(where, position, "no staff attendee", row=row)
            continue
        stamp = props.get("hs_timestamp")
        when = stamp if isinstance(stamp, dt.datetime) else dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
        day = when.astimezone(zone).date() if when.tzinfo is not None else when.date()
        data = {"id": f"{ID_PREFIX}{obj}-{eid}", "date": day, "kind": _KIND[obj],
                "subject": props.get(_TITLE[obj]) or None, "source": SOURCE, "source_id": f"{obj}/{eid}",
                "attendees": sorted(set(people))}
        parsed.meetings.append(Located(validate_record(Meeting, data, where, position).record, where, position,
                                       partial=True))
    return parsed
