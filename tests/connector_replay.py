"""Local HTTPS servers replaying the response shapes the vendors document (no live tenant is ever used).

* Microsoft identity platform: ``/{tenant}/v2.0/.well-known/openid-configuration`` and the client-credentials
  token endpoint ``/{tenant}/oauth2/v2.0/token`` (what msal asks for);
* Microsoft Graph: ``GET /v1.0/users/{id}/calendarView/delta`` with ``@odata.nextLink`` pages and a final
  ``@odata.deltaLink``; a delta link gives the changes (``@removed`` entries included), see
  https://learn.microsoft.com/graph/api/event-delta;
* Google: the OAuth token endpoint (JWT bearer grant of a service account; installed-app OAuth: the consent
  page ``/o/oauth2/auth`` redirecting back with a code, the code and refresh-token grants) and Calendar
  ``GET /calendar/v3/calendars/{id}/events`` with ``nextPageToken`` and a final ``nextSyncToken``; a stale sync
  token answers 410 Gone, see https://developers.google.com/calendar/api/guides/sync.

Faults are injected by request count: ``faults[(route, n)] = (status, headers)`` answers the n-th request of a
route (``"graph"``, ``"google"``, ``"token"``) with that status instead. Tokens expire on demand
(``expire_token()``: the current token then answers 401 until a new one is fetched). The server is served over
TLS with a self-signed certificate for 127.0.0.1 (msal refuses plain http authorities), whose file is
``ca_file``.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import ssl
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

#: The test's client secret; the tests grep every output for it.
SECRET = "s3cr3t-Zq8v-never-print-me"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1, valid for a day."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def graph_event(uid: str, start: str, subject: str, organizer: str, attendees: list[dict[str, Any]],
                **extra: Any) -> dict[str, Any]:
    """An event as Graph returns it (times in UTC as asked with Prefer: outlook.timezone)."""
    return {"id": f"AAMk-{uid}", "iCalUId": uid, "subject": subject, "isAllDay": False, "isCancelled": False,
            "start": {"dateTime": f"{start}.0000000", "timeZone": "UTC"},
            "end": {"dateTime": f"{start}.0000000", "timeZone": "UTC"},
            "organizer": {"emailAddress": {"name": organizer.split("@")[0], "address": organizer}},
            "attendees": attendees, **extra}


def graph_attendee(address: str, name: str, response: str = "accepted", kind: str = "required") -> dict[str, Any]:
    """One entry of an event's ``attendees``."""
    return {"type": kind, "status": {"response": response, "time": "0001-01-01T00:00:00Z"},
            "emailAddress": {"name": name, "address": address}}


def tenant_path(path: str) -> bool:
    """True for the Microsoft identity platform's token endpoint (``/{tenant}/oauth2/v2.0/token``)."""
    return path.endswith("/oauth2/v2.0/token")


def _msal_identity(base: str, tenant: str, client_id: str) -> dict[str, str]:
    """The ``id_token`` and ``client_info`` a delegated sign-in answers with (msal makes its account of them)."""
    import base64

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    now = int(time.time())
    claims = {"iss": f"{base}/{tenant}/v2.0", "aud": client_id, "iat": now, "nbf": now, "exp": now + 3600,
              "sub": "kim-sub", "oid": "00000000-0000-0000-0000-00000000c0de", "tid": tenant,
              "preferred_username": "kim.berger@ourco.example", "name": "Kim Berger", "ver": "2.0"}
    return {"id_token": f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}.",
            "client_info": part({"uid": claims["oid"], "utid": tenant})}


class Replay:
    """The server: ``graph[user]`` pages for a first pull, ``graph_delta[user]`` the changes after it."""

    def __init__(self, directory: Path) -> None:
        self.cert, key = self_signed(directory)
        self.ca_file = str(self.cert)
        self.graph: dict[str, list[list[dict[str, Any]]]] = {}
        self.graph_delta: dict[str, list[dict[str, Any]]] = {}
        self.google: dict[str, list[list[dict[str, Any]]]] = {}
        self.google_delta: dict[str, list[dict[str, Any]]] = {}
        #: Salesforce records per object, each with its SystemModstamp; pages of ``salesforce_page`` records.
        self.salesforce: dict[str, list[dict[str, Any]]] = {}
        self.salesforce_page = 2
        #: Every SOQL query asked, with its endpoint (``query`` or ``queryAll``: deleted records too).
        self.soql: list[tuple[str, str]] = []
        self._cursors: dict[str, list[dict[str, Any]]] = {}
        #: HubSpot objects per type: {"id", "properties", "contacts": [ids] for engagements}; owners.
        self.hubspot: dict[str, list[dict[str, Any]]] = {}
        self.hubspot_owners: list[dict[str, Any]] = []
        #: Archived HubSpot objects per type (``GET /crm/v3/objects/{type}?archived=true``).
        self.hubspot_archived: dict[str, list[dict[str, Any]]] = {}
        self.faults: dict[tuple[str, int], tuple[int, dict[str, str]]] = {}
        #: A paging loop (a service's bug): route (``"graph"``, ``"google"``) -> the page whose next link points
        #: at itself (``"salesforce"``: every follow-up page of a query names itself; ``"hubspot"``: the search
        #: page starting at that offset). Asked for more than three times, that page answers 400, so that a
        #: client that follows the loop fails at once instead of hanging its test.
        self.loop_page: dict[str, int] = {}
        self.loop_hits: dict[str, int] = {}
        #: Installed-app OAuth (Google): the consent requests seen, codes not yet redeemed, refresh tokens issued
        #: (once any is issued, a refresh grant must present one), and every grant type asked for.
        self.authorizations: list[dict[str, str]] = []
        self.codes: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.grants: list[str] = []
        #: Device codes handed out (msal's device flow) -> polls so far; the first ``device_pending`` polls of a
        #: code answer authorization_pending (the person is still signing in).
        self.device_codes: dict[str, int] = {}
        self.device_pending = 1
        self.counts: dict[str, int] = {}
        self.log: list[tuple[str, str, int]] = []
        self.tokens_issued = 0
        self.subjects: list[str] = []
        self.valid_tokens: set[str] = set()
        self.delay = 0.0
        self.expire_at: tuple[str, int] | None = None
        self.hold: threading.Event | None = None
        self.hold_route: tuple[str, int] | None = None
        self.held = threading.Event()
        replay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                replay._handle(self, "GET")

            def do_POST(self) -> None:
                replay._handle(self, "POST")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def expire_token(self) -> None:
        """Every token issued so far answers 401 from now on."""
        self.valid_tokens.clear()

    # -- plumbing -------------------------------------------------------------------------------------
    def _send(self, handler: Any, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _handle(self, handler: Any, method: str) -> None:
        url = urlparse(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        body = b""
        if method == "POST":
            body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        if url.path.endswith("/.well-known/openid-configuration"):
            tenant = url.path.split("/")[1]
            base = f"{self.url}/{tenant}"
            return self._send(handler, 200, {
                "token_endpoint": f"{base}/oauth2/v2.0/token",
                "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode", "issuer": f"{base}/v2.0"})
        if url.path == "/o/oauth2/auth":  # Google's consent page: the person says yes, back to the app
            self.authorizations.append(query)
            code = f"code-{len(self.authorizations)}"
            self.codes.add(code)
            target = f"{query['redirect_uri']}?state={query['state']}&code={code}&scope={query.get('scope', '')}"
            handler.send_response(302)
            handler.send_header("Location", target)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        if url.path.endswith("/oauth2/v2.0/devicecode"):  # msal's initiate_device_flow
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            self.device_codes[f"dc-{len(self.device_codes) + 1}"] = 0
            return self._send(handler, 200, {
                "device_code": f"dc-{len(self.device_codes)}", "user_code": "KAMG-RAPH", "expires_in": 900,
                "interval": 1, "verification_uri": "https://microsoft.com/devicelogin",
                "message": "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and "
                           f"enter the code KAMG-RAPH to authenticate ({form.get('scope', '')})."})
        route = ("token" if url.path.endswith("/token") else "graph" if url.path.startswith("/v1.0/")
                 else "salesforce" if url.path.startswith("/services/data/")
                 else "hubspot" if url.path.startswith("/crm/") else "google")
        self.counts[route] = count = self.counts.get(route, 0) + 1
        if self.hold is not None and self.hold_route == (route, count):
            self.held.set()
            self.hold.wait(30)
        if self.delay:
            time.sleep(self.delay)
        if self.expire_at == (route, count):
            self.expire_token()
        fault = self.faults.get((route, count))
        if fault is not None:
            self.log.append((route, url.path, fault[0]))
            return self._send(handler, fault[0], {"error": {"code": "injected", "message": "injected fault"}},
                              fault[1])
        if route == "token":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            basic = handler.headers.get("Authorization") or ""
            if basic.startswith("Basic "):  # RFC 6749 2.3.1: client credentials in HTTP Basic (requests-oauthlib)
                import base64
                from urllib.parse import unquote_plus

                user, _, password = base64.b64decode(basic[6:]).decode().partition(":")
                form.setdefault("client_id", unquote_plus(user))
                form.setdefault("client_secret", unquote_plus(password))
            grant = form.get("grant_type")
            secret_grant = grant in ("client_credentials", "authorization_code") or (
                grant == "refresh_token" and "client_secret" in form)  # a public client (msal) sends none
            if secret_grant and form.get("client_secret") != SECRET:
                return self._send(handler, 401, {"error": "invalid_client",
                                                 "error_description": "AADSTS7000215: Invalid client secret."})
            if grant == "urn:ietf:params:oauth:grant-type:device_code":
                polls = self.device_codes.get(form.get("device_code", ""))
                if polls is None:
                    return self._send(handler, 400, {"error": "expired_token", "error_description": "Bad code."})
                self.device_codes[form["device_code"]] = polls + 1
                if polls < self.device_pending:  # the person has not signed in yet
                    return self._send(handler, 400, {"error": "authorization_pending",
                                                     "error_description": "AADSTS70016: pending."})
            if grant == "authorization_code" and form.get("code") not in self.codes:
                return self._send(handler, 400, {"error": "invalid_grant", "error_description": "Bad code."})
            if (grant == "refresh_token" and self.refresh_tokens
                    and form.get("refresh_token") not in self.refresh_tokens):
                return self._send(handler, 400, {"error": "invalid_grant",
                                                 "error_description": "Token has been expired or revoked."})
            self.grants.append(grant or "")
            if form.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer":
                import base64

                claims = form["assertion"].split(".")[1]
                self.subjects.append(json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["sub"])
            self.tokens_issued += 1
            token = f"token-{self.tokens_issued}"
            self.valid_tokens.add(token)
            self.log.append((route, url.path, 200))
            answer = {"token_type": "Bearer", "expires_in": 3599, "access_token": token, "instance_url": self.url}
            if grant in ("urn:ietf:params:oauth:grant-type:device_code", "refresh_token") and tenant_path(url.path):
                answer.update(_msal_identity(self.url, url.path.split("/")[1], form.get("client_id", "")))
                answer["refresh_token"] = f"0.AAA-refresh-{len(self.refresh_tokens) + 1}"
                self.refresh_tokens.add(answer["refresh_token"])
            if grant == "authorization_code":
                self.codes.discard(form["code"])  # a code is redeemed once
                answer["refresh_token"] = f"1//refresh-{len(self.refresh_tokens) + 1}"
                answer["scope"] = "https://www.googleapis.com/auth/calendar.readonly"
                self.refresh_tokens.add(answer["refresh_token"])
            return self._send(handler, 200, answer)
        token = (handler.headers.get("Authorization") or "").removeprefix("Bearer ")
        if token not in self.valid_tokens and route == "salesforce":
            self.log.append((route, url.path, 401))
            return self._send(handler, 401, [{"message": "Session expired or invalid",
                                              "errorCode": "INVALID_SESSION_ID"}])
        if token not in self.valid_tokens:
            self.log.append((route, url.path, 401))
            return self._send(handler, 401, {"error": {"code": "InvalidAuthenticationToken",
                                                       "message": "Lifetime validation failed, the token is expired."}})
        self.log.append((route, url.path, 200))
        if route == "graph":
            return self._graph(handler, url.path, query)
        if route == "salesforce":
            return self._salesforce(handler, url.path, query)
        if route == "hubspot":
            return self._hubspot(handler, url.path, json.loads(body or b"{}"), query)
        return self._google(handler, url.path, query)

    def _graph(self, handler: Any, path: str, query: dict[str, str]) -> None:
        user = unquote(path.split("/")[3])
        base = f"{self.url}/v1.0/users/{user}/calendarView/delta"
        if "$deltatoken" in query:
            number = int(query["$deltatoken"])
            changes = self.graph_delta.get(user, []) if number == 1 else []
            return self._send(handler, 200, {"value": changes, "@odata.deltaLink": f"{base}?$deltatoken={number + 1}"})
        page = int(query.get("$skiptoken", "0"))
        if page == 0 and not ("startDateTime" in query and "endDateTime" in query):
            return self._send(handler, 400, {"error": {"code": "ErrorInvalidParameter",
                                                       "message": "startDateTime and endDateTime are required"}})
        if self._looped("graph", page):
            return self._send(handler, 400, {"error": {"code": "Loop", "message": "the replay's loop was followed"}})
        pages = self.graph.get(user, [[]])
        answer: dict[str, Any] = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(event)",
                                  "value": pages[page]}
        if page + 1 < len(pages):
            answer["@odata.nextLink"] = f"{base}?$skiptoken={page if self.loop_page.get('graph') == page else page + 1}"
        else:
            answer["@odata.deltaLink"] = f"{base}?$deltatoken=1"
        return self._send(handler, 200, answer)

    def _looped(self, route: str, page: int) -> bool:
        """True when ``page`` of ``route`` is the looping page and has been asked for more than three times."""
        if self.loop_page.get(route) != page:
            return False
        self.loop_hits[route] = self.loop_hits.get(route, 0) + 1
        return self.loop_hits[route] > 3

    def _google(self, handler: Any, path: str, query: dict[str, str]) -> None:
        calendar = unquote(path.split("/")[4])
        if "syncToken" in query and "pageToken" not in query:
            number = int(query["syncToken"].removeprefix("sync-"))
            if number < 0:
                self.log[-1] = ("google", path, 410)
                return self._send(handler, 410, {"error": {"code": 410, "message": "Sync token is no longer valid"}})
            changes = self.google_delta.get(calendar, []) if number == 1 else []
            return self._send(handler, 200, {"kind": "calendar#events", "items": changes,
                                             "nextSyncToken": f"sync-{number + 1}"})
        page = int(query.get("pageToken", "p0").removeprefix("p"))
        if self._looped("google", page):
            return self._send(handler, 400, {"error": {"code": 400, "message": "the replay's loop was followed"}})
        pages = self.google.get(calendar, [[]])
        answer: dict[str, Any] = {"kind": "calendar#events", "summary": calendar, "items": pages[page]}
        if page + 1 < len(pages):
            answer["nextPageToken"] = f"p{page if self.loop_page.get('google') == page else page + 1}"
        else:
            answer["nextSyncToken"] = "sync-1"
        return self._send(handler, 200, answer)

    def _salesforce(self, handler: Any, path: str, query: dict[str, str]) -> None:
        import re

        end = path.rstrip("/").rsplit("/", 1)[1]
        if end not in ("query", "queryAll"):  # a nextRecordsUrl
            rows = self._cursors.get(end, [])
            if "salesforce" in self.loop_page:  # every follow-up page names itself as the next one
                if self._looped("salesforce", self.loop_page["salesforce"]):
                    return self._send(handler, 400, [{"errorCode": "INVALID_QUERY_LOCATOR",
                                                      "message": "the replay's loop was followed"}])
                return self._send(handler, 200, {"totalSize": len(rows), "done": False,
                                                 "records": rows[:self.salesforce_page],
                                                 "nextRecordsUrl": f"/services/data/v59.0/query/{end}"})
        else:
            soql = query["q"]
            self.soql.append((end, soql))
            obj = re.search(r"FROM (\w+)", soql).group(1)  # type: ignore[union-attr]
            rows = [dict(r, attributes={"type": obj, "url": f"/services/data/v59.0/sobjects/{obj}/{r['Id']}"})
                    for r in self.salesforce.get(obj, []) if end == "queryAll" or not r.get("IsDeleted")]
            if (among := re.search(r"WHERE Id IN \(([^)]*)\)", soql)) is not None:
                wanted = {e.strip().strip("'") for e in among.group(1).split(",")}
                rows = [r for r in rows if r["Id"] in wanted]
            if (mark := re.search(r"SystemModstamp > (\S+)", soql)) is not None:
                rows = [r for r in rows if r["SystemModstamp"] > mark.group(1)]
            if (among := re.search(r"EventId IN \(([^)]*)\)", soql)) is not None:
                wanted = {e.strip().strip("'") for e in among.group(1).split(",")}
                rows = [r for r in rows if r["EventId"] in wanted]
            rows.sort(key=lambda r: (r.get("SystemModstamp", ""), r["Id"]))
        page, rest = rows[:self.salesforce_page], rows[self.salesforce_page:]
        answer: dict[str, Any] = {"totalSize": len(rows), "done": not rest, "records": page}
        if rest:
            key = f"01g{len(self._cursors):05d}-{self.salesforce_page}"
            self._cursors[key] = rest
            answer["nextRecordsUrl"] = f"/services/data/v59.0/{end if end in ('query', 'queryAll') else 'query'}/{key}"
        return self._send(handler, 200, answer)

    def _hubspot(self, handler: Any, path: str, body: dict[str, Any], query: dict[str, str]) -> None:
        stamp = "2025-01-01T00:00:00.000Z"
        parts = path.strip("/").split("/")
        if len(parts) == 4 and str(query.get("archived")).lower() == "true":  # GET /crm/v3/objects/{type}?archived=true
            rows = self.hubspot_archived.get(parts[3], [])
            start, size = int(query.get("after") or 0), min(int(query.get("limit") or 100), 2)
            answer: dict[str, Any] = {"results": [
                {"id": r["id"], "properties": {}, "createdAt": stamp, "updatedAt": stamp, "archived": True,
                 "archivedAt": stamp} for r in rows[start:start + size]]}
            if start + size < len(rows):
                answer["paging"] = {"next": {"after": str(start + size)}}
            return self._send(handler, 200, answer)
        if path.startswith("/crm/v3/owners"):
            return self._send(handler, 200, {"results": [dict(o, archived=False, createdAt=stamp, updatedAt=stamp)
                                                         for o in self.hubspot_owners]})
        if parts[:2] == ["crm", "v4"]:  # /crm/v4/objects/{type}/{id}/associations/contacts
            kind, oid = parts[3], parts[4]
            record = next(r for r in self.hubspot.get(kind, []) if r["id"] == oid)
            return self._send(handler, 200, {"results": [
                {"toObjectId": int(c), "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 200,
                                                             "label": None}]} for c in record.get("contacts", [])]})
        kind = parts[3]
        if parts[-1] == "read":  # batch read
            wanted = {i["id"] for i in body.get("inputs", [])}
            found = [{"id": r["id"], "properties": {p: r["properties"].get(p) for p in body.get("properties", [])},
                      "createdAt": stamp, "updatedAt": stamp, "archived": False}
                     for r in self.hubspot.get(kind, []) if r["id"] in wanted]
            return self._send(handler, 200, {"status": "COMPLETE", "results": found, "startedAt": stamp,
                                             "completedAt": stamp})
        mark = int(body["filterGroups"][0]["filters"][0]["value"])
        rows = [r for r in self.hubspot.get(kind, []) if int(r["properties"]["hs_lastmodifieddate"]) > mark]
        rows.sort(key=lambda r: (int(r["properties"]["hs_lastmodifieddate"]), r["id"]))
        start = int(body.get("after") or 0)
        size = min(int(body.get("limit") or 100), 2)
        page = rows[start:start + size]
        answer: dict[str, Any] = {"total": len(rows), "results": [
            {"id": r["id"], "properties": {p: r["properties"].get(p) for p in body.get("properties", [])},
             "createdAt": stamp, "updatedAt": stamp, "archived": False} for r in page]}
        if self.loop_page.get("hubspot") == start:  # this page names itself as the next one
            if self._looped("hubspot", start):
                return self._send(handler, 400, {"status": "error", "message": "the replay's loop was followed",
                                                 "category": "VALIDATION_ERROR"})
            answer["paging"] = {"next": {"after": str(start), "link": "?after=" + str(start)}}
        elif start + size < len(rows):
            answer["paging"] = {"next": {"after": str(start + size), "link": "?after=" + str(start + size)}}
        return self._send(handler, 200, answer)
