"""Salesforce through its REST API with simple-salesforce (``kamgraph[salesforce]``).

Objects, in this order (each needs the ones before it): User, Account,
Contact (with ``ReportsToId``), OpportunityContactRole (buying roles), Event
with its EventRelation rows, Task (calls and e-mails, with their kinds), then
EventRelation on its own: an invitation added, answered or removed changes
the relation's ``SystemModstamp`` but not its event's, so the events of the
changed relations are fetched again with all their current invitations. Each
is queried with SOQL ``WHERE SystemModstamp > LAST ORDER BY SystemModstamp, Id``
(``queryAll``: deleted records too -- a deleted Event or Task removes its
meeting; deleted contacts and accounts are skipped, their history kept)
and read page by page (``nextRecordsUrl``); ``LAST`` is the newest
``SystemModstamp`` of the previous complete pull, so later pulls fetch only
what changed. Each page is written to a CSV file in the API's column names and
read by the Salesforce importer (:mod:`kamgraph.ingest.salesforce`): the same
rules as for a Data Loader export.

Sign-in: the OAuth 2.0 client-credentials flow of a connected app
(``client_id`` in the connection, the client secret in
``KAMGRAPH_SALESFORCE_CLIENT_SECRET`` or the OS keyring). An expired session
(401, ``INVALID_SESSION_ID``) is renewed once; throttled or failed requests
(429, 5xx) are retried with ``Retry-After`` by urllib3's retry rules mounted on
the session that simple-salesforce uses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ...settings import Settings
from .base import Connection
from .http import ConnectorError, NextPages
from .secrets import get_secret

__all__ = ["SalesforceRecords", "RecordPage", "OBJECTS", "SOURCE"]

SOURCE = "salesforce"
LOGIN = "https://login.salesforce.com"
#: Object -> the fields queried (``SystemModstamp`` always).
OBJECTS: dict[str, tuple[str, ...]] = {
    "User": ("Id", "Name", "FirstName", "LastName", "Email", "Title", "Department", "IsActive", "UserType"),
    "Account": ("Id", "Name", "Industry", "Website", "OwnerId", "IsDeleted"),
    "Contact": ("Id", "AccountId", "FirstName", "LastName", "Name", "Title", "Department", "Email", "ReportsToId",
                "OwnerId", "IsDeleted"),
    "OpportunityContactRole": ("Id", "ContactId", "OpportunityId", "Role", "IsPrimary", "IsDeleted"),
    "Event": ("Id", "Subject", "ActivityDate", "StartDateTime", "IsAllDayEvent", "Type", "WhoId", "WhatId",
              "AccountId", "OwnerId", "IsChild", "IsDeleted"),
    "Task": ("Id", "Subject", "ActivityDate", "Status", "IsClosed", "TaskSubtype", "Type", "WhoId", "WhatId",
             "AccountId", "OwnerId", "CompletedDateTime", "IsDeleted"),
}
_RELATION_FIELDS = ("Id", "EventId", "RelationId", "Status", "IsWhat", "IsDeleted")
#: Objects whose deleted records are asked for too (``queryAll``): deleted events and tasks are removed.
_DELETABLE = {"Account", "Contact", "OpportunityContactRole", "Event", "Task", "EventRelation"}


@dataclass
class RecordPage:
    """One page of one object, with the rows of the objects that go with it (an Event page's relations).

    ``tables`` are written as CSV files and read by the source's importer;
    ``build``, when given, makes records itself from the people known so far
    (HubSpot engagements).
    """

    tables: dict[str, list[dict[str, Any]]]
    cursor: dict[str, Any]
    done: bool
    build: Callable[[Any], Any] | None = None
    #: Source ids of records deleted (Salesforce) or archived (HubSpot) at the source: their meetings go.
    gone: list[str] = field(default_factory=list)
    #: How many changed records the page stands for, when not the rows of its own object.
    changed: int | None = None


class SalesforceRecords:
    """Pages of changed records per object (see the module docstring)."""

    source = SOURCE
    objects = (*OBJECTS, "EventRelation")

    def __init__(self, connection: Connection, settings: Settings) -> None:
        self.connection = connection
        self.settings = settings
        self._sf: Any = None

    # -- session ----------------------------------------------------------------------------------
    def _session(self) -> Any:
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        conf = self.settings.connectors
        session = requests.Session()
        if conf.ca_bundle:
            session.verify = conf.ca_bundle
            session.trust_env = False
        retry = Retry(total=conf.max_retries, status_forcelist=(429, 500, 502, 503, 504), allowed_methods=None,
                      backoff_factor=conf.backoff_seconds, respect_retry_after_header=True, raise_on_status=False)
        session.mount("https://", HTTPAdapter(max_retries=retry))
        session.mount("http://", HTTPAdapter(max_retries=retry))
        return session

    def _sign_in(self) -> Any:
        import requests
        from simple_salesforce import Salesforce

        options = self.connection.options
        session = self._session()
        login = str(options.get("login_url") or LOGIN).rstrip("/")
        try:
            answer = session.post(f"{login}/services/oauth2/token", data={
                "grant_type": "client_credentials", "client_id": options["client_id"],
                "client_secret": get_secret(SOURCE, "client_secret")}, timeout=self.settings.connectors.timeout_seconds)
        except requests.RequestException as exc:
            raise ConnectorError(f"salesforce: cannot reach the sign-in service ({type(exc).__name__})") from None
        try:
            body = answer.json()
        except ValueError:
            body = {}
        if answer.status_code != 200 or "access_token" not in body:
            problem = " ".join(str(body.get("error_description") or body.get("error") or answer.status_code).split())
            raise ConnectorError(f"salesforce: sign-in failed: {problem[:200]}")
        return Salesforce(instance_url=str(body.get("instance_url") or login), session_id=str(body["access_token"]),
                          session=session, version=str(options.get("version") or "59.0"))

    def _call(self, what: str, *args: Any, **kwargs: Any) -> Any:
        """``query`` or ``query_more`` of simple-salesforce, signing in again once after an expired session."""
        from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

        if self._sf is None:
            self._sf = self._sign_in()
        for attempt in (0, 1):
            try:
                return getattr(self._sf, what)(*args, **kwargs)
            except SalesforceExpiredSession:
                if attempt:
                    raise ConnectorError("salesforce: the session expired again right after signing in") from None
                self._sf = self._sign_in()
            except SalesforceError as exc:
                raise ConnectorError(f"salesforce: HTTP {exc.status} ({exc.resource_name})") from None
            except Exception as exc:  # requests' RetryError, ConnectionError: the retries are spent
                raise ConnectorError(f"salesforce: the request failed ({type(exc).__name__})") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._sf is not None:
            self._sf.session.close()

    # -- pages ------------------------------------------------------------------------------------
    def pages(self, obj: str, cursor: dict[str, Any], since: dt.datetime) -> Iterator[RecordPage]:
        """Pages of ``obj`` changed after ``cursor['mark']`` (else ``since``), resuming at ``cursor['next']``.

        Deleted records come too (``queryAll``): deleted events and tasks are
        the page's ``gone``. ``EventRelation`` pages hold the events whose
        invitations changed (added, answered, removed) with all their current
        invitations, so an attendee change without a change of its event is
        not missed.
        """
        mark = str(cursor.get("mark") or since.strftime("%Y-%m-%dT%H:%M:%S.000+0000"))
        newest = str(cursor.get("newest") or mark)
        fields = (*(_RELATION_FIELDS if obj == "EventRelation" else OBJECTS[obj]), "SystemModstamp")
        deleted = obj in _DELETABLE
        links = NextPages("salesforce", obj)
        if cursor.get("next"):
            body = self._call("query_more", cursor["next"], identifier_is_url=True, include_deleted=deleted)
        else:
            soql = (f"SELECT {', '.join(fields)} FROM {obj} WHERE SystemModstamp > {mark} "
                    "ORDER BY SystemModstamp, Id")
            body = self._call("query", soql, include_deleted=deleted)
        while True:
            records = [_plain(r) for r in body.get("records") or []]
            for record in records:
                newest = max(newest, str(record.get("SystemModstamp") or ""))
            gone = [str(r["Id"]) for r in records if obj in ("Event", "Task") and r.get("IsDeleted") == "true"]
            if obj == "EventRelation":
                changed = sorted({str(r.get("EventId") or "") for r in records} - {""})
                events = self._events(changed)
                tables = {"Event": events, "EventRelation": self._relations([str(e["Id"]) for e in events])}
            else:
                tables = {obj: records}
                if obj == "Event" and records:
                    tables["EventRelation"] = self._relations([str(r["Id"]) for r in records])
            count = len(records) if obj == "EventRelation" else None
            following = body.get("nextRecordsUrl")
            if following and not body.get("done", True):
                yield RecordPage(tables, {"next": following, "mark": mark, "newest": newest}, False, gone=gone,
                                 changed=count)
                body = self._call("query_more", links.follow(following), identifier_is_url=True,
                                  include_deleted=deleted)
                continue
            yield RecordPage(tables, {"mark": newest}, True, gone=gone, changed=count)
            return

    def _events(self, ids: list[str]) -> list[dict[str, Any]]:
        """The (live) events with these ids, with every field the Event pages have."""
        quoted = ", ".join("'" + e + "'" for e in ids if e.isalnum())
        if not quoted:
            return []
        fields = (*OBJECTS["Event"], "SystemModstamp")
        body = self._call("query", f"SELECT {', '.join(fields)} FROM Event WHERE Id IN ({quoted}) ORDER BY Id")
        return self._all_records(body, "Event")

    def _relations(self, events: list[str]) -> list[dict[str, Any]]:
        quoted = ", ".join("'" + e.replace("'", "") + "'" for e in events if e.isalnum())
        if not quoted:
            return []
        body = self._call("query", f"SELECT {', '.join(_RELATION_FIELDS)} FROM EventRelation "
                                   f"WHERE EventId IN ({quoted}) ORDER BY Id")
        return self._all_records(body, "EventRelation")


    def _all_records(self, body: dict[str, Any], listing: str) -> list[dict[str, Any]]:
        """The records of a query's first answer ``body`` and of every page after it (``nextRecordsUrl``)."""
        rows = [_plain(r) for r in body.get("records") or []]
        links = NextPages("salesforce", listing)
        while body.get("nextRecordsUrl") and not body.get("done", True):
            body = self._call("query_more", links.follow(body["nextRecordsUrl"]), identifier_is_url=True)
            rows += [_plain(r) for r in body.get("records") or []]
        return rows


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """A record without its ``attributes``; booleans as ``true``/``false`` like a Data Loader export."""
    return {k: ("true" if v is True else "false" if v is False else "" if v is None else v)
            for k, v in record.items() if k != "attributes"}
