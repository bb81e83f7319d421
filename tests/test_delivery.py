"""Alerts in Teams, Slack and e-mail: payloads checked against the vendors' documented formats, posted to a
local receiver (429 with Retry-After, jittered back-off), and digests sent to a local STARTTLS SMTP server."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import socket
import subprocess
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.domain.alert_state import AlertRecord, Delivery
from kamgraph.monitor.delivery import format_payload
from kamgraph.monitor.delivery.slack import HEADER_LIMIT, MAX_BLOCKS, SECTION_LIMIT
from kamgraph.monitor.webhook import alerts_payload, deliver, retry_after_seconds

AS_OF = dt.date(2026, 11, 22)
IN_CI = os.environ.get("CI", "").lower() == "true"
LINK = "https://crm.example.com/accounts/{account}?alert={key}"


def _alert(i: int, account: str = "northwind", title: str = "Ingrid Solberg overdue") -> AlertRecord:
    return AlertRecord(key=f"overdue:{account}:p{i}", rule="overdue", account=account, subject=f"p{i}",
                       severity=("high", "medium", "low")[i % 3], state="s", title=f"{title} #{i}",
                       message=f"Not met for {100 + i} days <@U123> & *bold*", raised_on=AS_OF)


# --------------------------------------------------------------------------- documented formats
#: Adaptive Card 1.4 element and action types (adaptivecards.io/explorer), and Teams' attachment content type.
_CARD_ELEMENTS = {"TextBlock", "Image", "RichTextBlock", "Media", "Container", "ColumnSet", "FactSet", "ImageSet",
                  "ActionSet", "Input.Text", "Input.Number", "Input.Date", "Input.Time", "Input.Toggle",
                  "Input.ChoiceSet", "Table"}
_CARD_ACTIONS = {"Action.OpenUrl", "Action.Submit", "Action.ShowCard", "Action.ToggleVisibility",
                 "Action.Execute"}


def _check_card_element(element: dict[str, object]) -> None:
    assert element["type"] in _CARD_ELEMENTS, element["type"]
    if element["type"] == "TextBlock":
        assert isinstance(element["text"], str) and element["text"]
        # enum values are case-insensitive (Adaptive Cards schema)
        assert element.get("color", "Default").lower() in {"default", "dark", "light", "accent", "good", "warning",
                                                           "attention"}
        assert element.get("size", "Default").lower() in {"default", "small", "medium", "large", "extralarge"}
        assert element.get("weight", "Default").lower() in {"default", "lighter", "bolder"}
    if element["type"] == "FactSet":
        assert all(set(f) == {"title", "value"} and all(isinstance(v, str) for v in f.values())
                   for f in element["facts"])  # type: ignore[union-attr]
    if element["type"] == "Container":
        for item in element["items"]:  # type: ignore[union-attr]
            _check_card_element(item)
    if element["type"] == "ActionSet":
        for action in element["actions"]:  # type: ignore[union-attr]
            assert action["type"] in _CARD_ACTIONS and action["url"].startswith("https://")


def check_teams_message(body: dict[str, object]) -> dict[str, object]:
    """Teams workflow / incoming webhook: a message with one Adaptive Card attachment (MS Learn, 'Create and
    send messages': type message, attachments[].contentType application/vnd.microsoft.card.adaptive)."""
    assert body["type"] == "message" and len(body["attachments"]) == 1  # type: ignore[arg-type]
    attachment = body["attachments"][0]  # type: ignore[index]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert tuple(int(p) for p in card["version"].split(".")) <= (1, 5)  # Teams renders up to 1.5
    for element in card["body"]:
        _check_card_element(element)
    assert len(json.dumps(body).encode()) < 28_000  # Teams' message size limit
    return card


def check_slack_message(body: dict[str, object]) -> list[dict[str, object]]:
    """Slack Block Kit (api.slack.com/reference/block-kit/blocks): header plain_text <= 150, section text
    <= 3000, context elements text objects, at most 50 blocks, a top-level fallback text."""
    assert isinstance(body["text"], str) and body["text"]
    blocks = body["blocks"]
    assert isinstance(blocks, list) and 1 <= len(blocks) <= 50
    for block in blocks:
        kind = block["type"]
        assert kind in {"header", "section", "context", "divider", "actions", "image"}
        if kind == "header":
            assert block["text"]["type"] == "plain_text" and len(block["text"]["text"]) <= 150
        if kind == "section":
            assert block["text"]["type"] in {"mrkdwn", "plain_text"} and 1 <= len(block["text"]["text"]) <= 3000
        if kind == "context":
            assert 1 <= len(block["elements"]) <= 10
            assert all(e["type"] in {"mrkdwn", "plain_text", "image"} for e in block["elements"])
    return blocks


def test_teams_card_carries_every_title_and_link_within_the_format() -> None:
    alerts = [_alert(i) for i in range(4)]
    body = json.loads(format_payload(alerts_payload(alerts, AS_OF), "teams", link_template=LINK))
    card = check_teams_message(body)
    text = json.dumps(card)
    for a in alerts:
        assert a.title in text
        assert f"https://crm.example.com/accounts/northwind?alert=overdue%3Anorthwind%3A{a.subject}" in text
    assert "\\\\*bold\\\\*" in text  # a name's Markdown shows as written
    facts = {f["title"]: f["value"] for f in card["body"][1]["facts"]}
    assert facts == {"high": "2", "medium": "1", "low": "1"}  # by hand: i=0 high, 1 medium, 2 low, 3 high


def test_slack_blocks_escape_and_respect_the_limits() -> None:
    alerts = [_alert(i, title="x" * 4000) for i in range(60)]
    body = json.loads(format_payload(alerts_payload(alerts, AS_OF), "slack", link_template=LINK))
    blocks = check_slack_message(body)
    assert len(blocks) <= MAX_BLOCKS and blocks[-1]["text"]["text"] == f"… and {60 - (MAX_BLOCKS - 2) // 2} more"
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in blocks if b["type"] == "section")
    assert len(blocks[0]["text"]["text"]) <= HEADER_LIMIT
    small = json.loads(format_payload(alerts_payload([_alert(1)], AS_OF), "slack", link_template=LINK))
    section = small["blocks"][1]["text"]["text"]
    assert "&lt;@U123&gt; &amp;" in section and "<@U123>" not in section  # no mention, no injected link
    assert "<https://crm.example.com/accounts/northwind?alert=overdue%3Anorthwind%3Ap1|Ingrid Solberg overdue #1>" \
        in section


class Receiver:
    """A local webhook receiver: answers each POST from a plan of (status, headers)."""

    def __init__(self) -> None:
        self.plan: list[tuple[int, dict[str, str]]] = []
        self.bodies: list[dict[str, object]] = []
        me = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                me.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                status, headers = me.plan.pop(0) if me.plan else (200, {})
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(b"1")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/workflows/abc"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def test_429_retry_after_is_honoured_then_jittered_backoff(receiver: Receiver) -> None:
    item = Delivery(id="d1", created_on=AS_OF, payload=alerts_payload([_alert(1)], AS_OF))
    receiver.plan = [(429, {"Retry-After": "7"}), (500, {}), (503, {}), (200, {})]
    waits: list[float] = []
    result = deliver(receiver.url, item, retries=3, retry_delay=2.0, sleep=waits.append, fmt="teams",
                     rng=random.Random(1))
    assert result.delivered and result.attempts == 4 and len(receiver.bodies) == 4
    check_teams_message(receiver.bodies[-1])
    expected = random.Random(1)  # the same draws, by hand: Retry-After first, then 4 s and 8 s with jitter
    assert waits[0] == 7.0
    assert waits[1:] == [4.0 * expected.uniform(0.5, 1.5), 8.0 * expected.uniform(0.5, 1.5)]
    assert 2.0 <= waits[1] <= 6.0 and 4.0 <= waits[2] <= 12.0
    receiver.plan = [(429, {"Retry-After": "100000"})]
    waits.clear()
    deliver(receiver.url, item, retries=1, retry_delay=0, sleep=waits.append, max_retry_after=30)
    assert waits == [30]  # capped


def test_retry_after_http_date() -> None:
    now = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)
    assert retry_after_seconds("Sun, 22 Nov 2026 08:01:00 GMT", now) == 60.0
    assert retry_after_seconds("Sun, 22 Nov 2026 07:00:00 GMT", now) == 0.0


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("deliv") / "demo.db")
    assert CliRunner().invoke(cli, ["--store", url, "demo", "--as-of", AS_OF.isoformat()]).exit_code == 0
    return url


@pytest.mark.parametrize("fmt", ["teams", "slack"])
def test_alerts_command_posts_teams_and_slack(fmt: str, receiver: Receiver, tmp_path: Path) -> None:
    store = str(tmp_path / "demo.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", store, "demo", "--as-of", AS_OF.isoformat()]).exit_code == 0
    config = tmp_path / "k.toml"
    config.write_text(f'[delivery]\nlink_template = "{LINK}"\n', encoding="utf-8")
    result = runner.invoke(cli, ["--store", store, "--config", str(config), "alerts", "--as-of", AS_OF.isoformat(),
                                 "--since", "2026-08-01", "--webhook-format", fmt, "--json"],
                           env={"KAMGRAPH_WEBHOOK_URL": receiver.url})
    assert result.exit_code == 1, result.output
    run = json.loads(result.output)
    assert run["webhook_format"] == fmt and run["new"] and len(receiver.bodies) == 1
    body = receiver.bodies[0]
    text = json.dumps(check_teams_message(body) if fmt == "teams" else check_slack_message(body))
    for alert in run["new"][:20]:
        assert json.dumps(alert["title"])[1:-1].split("(")[0] in text
    assert "crm.example.com/accounts/northwind" in text


# --------------------------------------------------------------------------- e-mail
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def smtp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out",
                    str(cert)], check=True, capture_output=True, timeout=60)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    state: dict[str, object] = {"messages": [], "logins": [], "cert": str(cert), "refused": []}

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            if state.get("refuse", 0):  # the next N messages are refused (a full mailbox, greylisting...)
                state["refuse"] = int(state["refuse"]) - 1  # type: ignore[call-overload]
                state["refused"].append(envelope.rcpt_tos)  # type: ignore[union-attr]
                return "451 4.3.0 Try again later"
            state["messages"].append((envelope.rcpt_tos, envelope.content, session.ssl is not None))  # type: ignore
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        ok = auth_data.login == b"kam-bot" and auth_data.password == b"s3cret-pw"
        state["logins"].append((auth_data.login, ok))  # type: ignore[union-attr]
        return AuthResult(success=ok)

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True)
    controller.start()
    state["port"] = port
    yield state
    controller.stop()


def test_email_digest_per_account_manager_over_starttls(smtp_server: dict[str, object], demo_store: str,
                                                        tmp_path: Path) -> None:
    config = tmp_path / "k.toml"
    config.write_text(f'[email]\nhost = "127.0.0.1"\nport = {smtp_server["port"]}\nusername = "kam-bot"\n'
                      f'sender = "alerts@ourcompany.example"\nca_file = "{smtp_server["cert"]}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--store", demo_store, "--config", str(config), "alerts", "--as-of",
                                      AS_OF.isoformat(), "--since", "2026-06-01", "--email", "--json"],
                                env={"KAMGRAPH_SMTP_PASSWORD": "s3cret-pw"})
    assert result.exit_code == 1, result.output
    assert "s3cret-pw" not in result.output
    run = json.loads(result.output)
    messages = smtp_server["messages"]
    assert messages and all(tls for _, _, tls in messages)  # type: ignore[union-attr]
    assert smtp_server["logins"] and all(ok for _, ok in smtp_server["logins"])  # type: ignore[union-attr]
    maya = [message_from_bytes(content, policy=policy.default) for rcpt, content, _ in messages  # type: ignore
            if rcpt == ["maya.lindqvist@ourcompany.example"]]
    assert len(maya) == 1
    body = maya[0].get_body(("plain",)).get_content()
    hers = [a for a in run["new"] if a["account"] == "northwind"]  # Maya is the KAM of northwind only (demo)
    others = [a for a in run["new"] if a["account"] != "northwind"]
    assert hers and others
    assert all(a["title"] in body for a in hers)
    assert body.count("[high]") + body.count("[medium]") + body.count("[low]") == len(hers)
    assert "Northwind Logistics" in body and not any(a["title"] in body for a in others
                                                    if a["title"] not in {h["title"] for h in hers})
    assert f"{len(hers)} new alert" in maya[0]["Subject"]
    sent = {m["to"]: m["alerts"] for m in run["emailed"]}
    assert sent["maya.lindqvist@ourcompany.example"] == len(hers)


def test_email_needs_settings_and_a_password(demo_store: str, tmp_path: Path, smtp_server: dict[str, object]
                                             ) -> None:
    result = CliRunner().invoke(cli, ["--store", demo_store, "alerts", "--as-of", AS_OF.isoformat(), "--email"])
    assert result.exit_code == 2 and "[email] host and sender" in result.output
    config = tmp_path / "k.toml"
    config.write_text(f'[email]\nhost = "127.0.0.1"\nport = {smtp_server["port"]}\nusername = "kam-bot"\n'
                      f'sender = "a@b.example"\nca_file = "{smtp_server["cert"]}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--store", demo_store, "--config", str(config), "alerts", "--as-of",
                                      "2026-11-23", "--since", "2026-01-01", "--email"],
                                env={"KAMGRAPH_SMTP_PASSWORD": "wrong-pw"})
    assert result.exit_code == 2 and "e-mail digest to 127.0.0.1" in result.output
    assert "wrong-pw" not in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- the vendor's own parser
def test_teams_card_parses_validates_and_renders_with_microsofts_library(tmp_path: Path) -> None:
    from .fetch_adaptivecards import fetch

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("headless Chromium is not installed")
    library = fetch()
    if library is None:
        pytest.skip("the npm package adaptivecards could not be fetched (npm pack)")
    from playwright.sync_api import sync_playwright

    alerts = [_alert(i) for i in range(3)]
    card = json.loads(format_payload(alerts_payload(alerts, AS_OF), "teams", link_template=LINK))
    content = card["attachments"][0]["content"]
    broken = json.loads(json.dumps(content))
    broken["body"].append({"type": "TextBlokk", "text": "x"})  # the check must be able to fail
    script = """(payload) => {
      const card = new AdaptiveCards.AdaptiveCard();
      const ctx = new AdaptiveCards.SerializationContext();
      card.parse(payload, ctx);
      const events = [];
      for (let i = 0; i < ctx.eventCount; i++) { events.push(ctx.getEventAt(i).message); }
      const invalid = card.validateProperties().validationEvents.map(e => e.message);
      const element = card.render();
      document.body.appendChild(element);
      const actions = card.getAllActions().map(a => [a.title, a.url]);
      return {events, invalid, text: element.innerText, actions};
    }"""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.set_content("<!DOCTYPE html><html><body></body></html>")
            page.add_script_tag(path=str(library))
            good = page.evaluate(script, content)
            bad = page.evaluate(script, broken)
        finally:
            browser.close()
    assert good["events"] == [] and good["invalid"] == []
    assert any("TextBlokk" in e for e in bad["events"])
    for a in alerts:
        assert a.title in good["text"]
    assert {url for _, url in good["actions"]} == {  # (the library lists an action set's actions more than once)
        f"https://crm.example.com/accounts/northwind?alert=overdue%3Anorthwind%3A{a.subject}" for a in alerts}
    assert {title for title, _ in good["actions"]} == {"Open account"}


# --------------------------------------------------------------------------- the vendor's published JSON schema
def _card_elements(node: object) -> Iterator[dict[str, object]]:
    """Every object with a ``type`` inside a card (elements and actions), depth first."""
    if isinstance(node, dict):
        if "type" in node:
            yield node
        for value in node.values():
            yield from _card_elements(value)
    elif isinstance(node, list):
        for value in node:
            yield from _card_elements(value)


def _schema_errors(card: dict[str, object], schema: dict[str, object]) -> list[str]:
    """The whole card against the schema, then every element against its own type's definition.

    Microsoft's schema checks only the first item of an array of card elements (draft-06 tuple form), so each
    element is checked on its own as well; ``ActionSet`` (card version 1.2) has no definition there, so its
    actions are checked against ``Action``.
    """
    import jsonschema

    definitions = schema["definitions"]
    errors = [e.message for e in jsonschema.Draft6Validator(schema).iter_errors(card)]
    for element in _card_elements(card["body"]):
        kind = str(element["type"])
        if kind == "ActionSet":
            for action in element["actions"]:  # type: ignore[union-attr]
                ref = {"$ref": "#/definitions/Action", "definitions": definitions}
                errors += [e.message for e in jsonschema.Draft6Validator(ref).iter_errors(action)]
        elif kind in definitions:  # type: ignore[operator]
            ref = {"$ref": f"#/definitions/{kind}", "definitions": definitions}
            errors += [f"{kind}: {e.message}" for e in jsonschema.Draft6Validator(ref).iter_errors(element)]
        elif not kind.startswith("Action."):
            errors.append(f"{kind}: not an element of the schema")
    return errors


def test_teams_card_validates_against_microsofts_published_json_schema() -> None:
    from .fetch_adaptivecards import fetch_schema

    path = fetch_schema()
    if path is None:
        if IN_CI:
            pytest.fail("CI=true but the Adaptive Card schema (npm adaptivecards-designer) could not be fetched")
        pytest.skip("the Adaptive Card schema (npm adaptivecards-designer) could not be fetched")
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["id"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    alerts = [_alert(i, title=f"Alert *{i}* <b>") for i in range(30)]  # more than one card shows in full
    for link in (LINK, None):
        card = json.loads(format_payload(alerts_payload(alerts, AS_OF), "teams", link_template=link))
        content = card["attachments"][0]["content"]
        assert _schema_errors(content, schema) == []
        kinds = {e["type"] for e in _card_elements(content["body"])}
        assert kinds >= {"TextBlock", "FactSet", "Container"} and ("ActionSet" in kinds) == (link is not None)
    # the check can fail: one wrong value, one missing property, a wrong type, an unknown element, each found
    linked = json.loads(format_payload(alerts_payload(alerts, AS_OF), "teams", link_template=LINK))
    content = linked["attachments"][0]["content"]
    for breaks in (lambda c: c["body"][0].update(size="huge"),
                   lambda c: c["body"][2]["items"][1].pop("text"),
                   lambda c: c["body"][1]["facts"][0].update(value=3),
                   lambda c: c["body"][3]["items"][2]["actions"][0].pop("url"),
                   lambda c: c["body"].append({"type": "TextBlokk", "text": "x"}),
                   lambda c: c.pop("version")):
        broken = json.loads(json.dumps(content))
        breaks(broken)
        assert _schema_errors(broken, schema), breaks
    assert _schema_errors(content, schema) == []


# --------------------------------------------------------------------------- e-mail digests queued for retry
def test_a_refused_digest_waits_in_the_outbox_and_goes_on_the_next_run(smtp_server: dict[str, object],
                                                                      tmp_path: Path, receiver: Receiver,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from kamgraph.monitor.alerts import run_alerts
    from kamgraph.monitor.delivery.email import (
        digest_message,
        digests,
        envelope_message,
        is_email_payload,
        queue_and_send_digests,
        send_pending_digests,
    )
    from kamgraph.samples.demo import build_demo
    from kamgraph.settings import EmailSettings, Settings
    from kamgraph.store.sqlite import SqliteStore

    monkeypatch.setenv("KAMGRAPH_SMTP_PASSWORD", "s3cret-pw")
    store = SqliteStore(str(tmp_path / "kam.db"))
    store.import_batch(build_demo(AS_OF))
    run = run_alerts(store, AS_OF, Settings(), since=dt.date(2026, 6, 1))
    groups = digests(run.new, store.list_staff(), ("kam",), as_of=AS_OF)
    messages = [digest_message(d, AS_OF, "alerts@ourcompany.example") for d in groups]
    assert len(messages) >= 2
    settings = EmailSettings(host="127.0.0.1", port=smtp_server["port"], username="kam-bot",  # type: ignore[arg-type]
                             sender="alerts@ourcompany.example", ca_file=smtp_server["cert"])  # type: ignore[arg-type]
    received = smtp_server["messages"]
    before = len(received)  # type: ignore[arg-type]
    smtp_server["refuse"] = 1  # the first digest of this run is refused once
    first = queue_and_send_digests(store, messages, settings, AS_OF)
    refused_to = smtp_server["refused"][-1]  # type: ignore[index]
    assert first.waiting == 1 and "451" in (first.error or "") and len(first.sent) == len(messages) - 1
    waiting = [d for d in store.pending_deliveries() if is_email_payload(d.payload)]
    assert len(waiting) == 1 and waiting[0].attempts == 1 and "451" in (waiting[0].last_error or "")
    held = envelope_message(waiting[0].payload)
    assert [held["To"].addresses[0].addr_spec] == refused_to and "s3cret-pw" not in (waiting[0].last_error or "")
    assert len(received) - before == len(messages) - 1  # type: ignore[arg-type]
    # the webhook never posts an e-mail envelope, even when one is waiting
    posted = deliver(receiver.url, waiting[0])
    assert not posted.delivered and receiver.bodies == []
    # the next run: nothing new, the waiting digest goes, once, as the same message
    second = send_pending_digests(store, settings)
    assert second.sent == [str(held["To"])] and second.waiting == 0 and second.error is None
    assert not [d for d in store.pending_deliveries() if is_email_payload(d.payload)]
    resent = message_from_bytes(received[-1][1], policy=policy.default)  # type: ignore[index]
    assert resent["Message-ID"] == held["Message-ID"] and resent["Subject"] == held["Subject"]
    assert [r for r, _, _ in received[before:]].count(refused_to) == 1  # type: ignore[union-attr, index]
    assert send_pending_digests(store, settings).sent == []  # nothing left to send


def test_unreachable_smtp_server_keeps_every_digest(tmp_path: Path) -> None:
    from email.message import EmailMessage

    from kamgraph.monitor.delivery.email import is_email_payload, queue_and_send_digests
    from kamgraph.settings import EmailSettings
    from kamgraph.store.sqlite import SqliteStore

    store = SqliteStore(str(tmp_path / "kam.db"))
    messages = []
    for who in ("a@example.com", "b@example.com"):
        m = EmailMessage()
        m["To"], m["From"], m["Subject"] = who, "k@example.com", "1 new alert"
        m.set_content("x")
        messages.append(m)
    settings = EmailSettings(host="127.0.0.1", port=_free_port(), sender="k@example.com", starttls=False,
                             timeout_seconds=5)
    result = queue_and_send_digests(store, messages, settings, AS_OF)
    assert result.sent == [] and result.waiting == 2 and "127.0.0.1" in (result.error or "")
    waiting = [d for d in store.pending_deliveries() if is_email_payload(d.payload)]
    assert len(waiting) == 2 and all(d.attempts == 1 for d in waiting)


def test_alerts_email_keeps_a_refused_digest_and_sends_it_on_the_next_run(
        smtp_server: dict[str, object], tmp_path: Path) -> None:
    """Through the command: the server refuses every digest of the first run (451), the alerts are recorded
    (exit 2, the digests kept); the next run raises nothing new (exit 0) and still delivers each waiting
    digest exactly once -- Maya's included."""
    demo_store = str(tmp_path / "demo.db")  # a store of its own: no alert recorded yet
    assert CliRunner().invoke(cli, ["--store", demo_store, "demo", "--as-of", AS_OF.isoformat()]).exit_code == 0
    config = tmp_path / "k.toml"
    config.write_text(f'[email]\nhost = "127.0.0.1"\nport = {smtp_server["port"]}\nusername = "kam-bot"\n'
                      f'sender = "alerts@ourcompany.example"\nca_file = "{smtp_server["cert"]}"\n', encoding="utf-8")
    args = ["--store", demo_store, "--config", str(config), "alerts", "--as-of", AS_OF.isoformat(),
            "--since", "2026-06-01", "--email", "--json"]
    env = {"KAMGRAPH_SMTP_PASSWORD": "s3cret-pw"}
    maya = "maya.lindqvist@ourcompany.example"
    smtp_server["refuse"] = 1000
    before = len(smtp_server["messages"])  # type: ignore[arg-type]
    refused_before = len(smtp_server["refused"])  # type: ignore[arg-type]
    first = CliRunner().invoke(cli, args, env=env)
    assert first.exit_code == 2 and "kept for the next run" in first.output, first.output
    refused = len(smtp_server["refused"]) - refused_before  # type: ignore[arg-type]
    assert refused >= 1 and len(smtp_server["messages"]) == before  # type: ignore[arg-type]
    smtp_server["refuse"] = 0
    second = CliRunner().invoke(cli, args, env=env)
    assert second.exit_code == 0, second.output
    run = json.loads(second.output)
    assert run["new"] == [] and maya in {m["to"] for m in run["emailed"]}
    delivered = smtp_server["messages"][before:]  # type: ignore[index]
    assert [rcpt for rcpt, _, _ in delivered].count([maya]) == 1
    assert len(run["emailed"]) == len(delivered)
    third = CliRunner().invoke(cli, args, env=env)
    assert third.exit_code == 0 and json.loads(third.output)["emailed"] == []
