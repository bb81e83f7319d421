"""Webhook delivery against a real HTTP server on 127.0.0.1: success, retries, a 500, a timeout, the outbox."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.domain.alert_state import Delivery
from kamgraph.errors import InputError
from kamgraph.monitor.alerts import run_alerts
from kamgraph.monitor.webhook import check_webhook_url, deliver, redact_url
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

from .accounts import AS_OF, as_batch, six_people

SECRET = "T0KEN-s3cr3t-9f8e7d"


class Hook:
    """A webhook receiver: answers each POST with the next planned status (200 when the plan runs out).

    A planned status of ``"slow"`` waits ``slow_seconds`` before answering 200.
    """

    def __init__(self) -> None:
        self.plan: list[int | str] = []
        self.received: list[dict[str, object]] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []
        self.slow_seconds = 1.0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.received.append(json.loads(body))
                hook.headers.append(dict(self.headers))
                hook.paths.append(self.path)
                status = hook.plan.pop(0) if hook.plan else 200
                if status == "slow":
                    time.sleep(hook.slow_seconds)
                    status = 200
                try:
                    self.send_response(int(status))
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/{SECRET}?token={SECRET}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    server = Hook()
    yield server
    server.close()


def fast(retries: int = 2, timeout: float = 2.0) -> Settings:
    settings = Settings()
    settings.alerts.webhook.retries = retries
    settings.alerts.webhook.retry_delay_seconds = 0.0
    settings.alerts.webhook.timeout_seconds = timeout
    return settings


@pytest.fixture
def account(store: GraphStore) -> GraphStore:
    """six_people with the champion B gone yesterday: one departure alert on AS_OF (plus the others)."""
    store.import_batch(as_batch(six_people()))
    store.mark_left("B", AS_OF.replace(day=29))
    return store


def test_delivered_payload_is_slack_compatible_json(hook: Hook, account: GraphStore) -> None:
    run = run_alerts(account, AS_OF, fast(), webhook_url=hook.url)
    assert [(d.delivered, d.attempts, d.status) for d in run.deliveries] == [(True, 1, 200)]
    (payload,) = hook.received
    assert hook.headers[0]["Content-Type"].startswith("application/json")
    assert hook.paths == [f"/services/{SECRET}?token={SECRET}"]
    assert payload["source"] == "kamgraph" and payload["schema"] == 1 and payload["as_of"] == "2025-06-30"
    assert payload["count"] == len(run.new) == len(payload["alerts"])  # type: ignore[arg-type]
    text = payload["text"]
    assert isinstance(text, str) and text.startswith(f"kamgraph: {len(run.new)} new alert")
    assert "• [high] acc: Client B (champion, key) left on 2025-06-29" in text
    assert {a["key"] for a in payload["alerts"]} == {a.key for a in run.new}  # type: ignore[union-attr]
    assert account.pending_deliveries() == []
    # Nothing new: nothing is sent.
    again = run_alerts(account, AS_OF, fast(), webhook_url=hook.url)
    assert again.new == [] and again.deliveries == [] and len(hook.received) == 1


def test_a_500_is_retried(hook: Hook, account: GraphStore) -> None:
    hook.plan = [500, 503]
    run = run_alerts(account, AS_OF, fast(retries=2), webhook_url=hook.url)
    assert [(d.delivered, d.attempts, d.status) for d in run.deliveries] == [(True, 3, 200)]
    assert len(hook.received) == 3 and hook.received[0] == hook.received[2]


def test_a_failed_delivery_is_kept_and_sent_by_the_next_run(hook: Hook, account: GraphStore) -> None:
    hook.plan = [500, 500]
    run = run_alerts(account, AS_OF, fast(retries=1), webhook_url=hook.url)
    assert run.delivery_failed and run.new
    (failed,) = run.deliveries
    assert (failed.delivered, failed.attempts, failed.status, failed.error) == (
        False, 2, 500, "HTTP 500 Internal Server Error")
    # Recording is not rolled back: the alerts are stored, and the payload waits in the outbox.
    assert {a.key for a in account.load_alerts()} == {a.key for a in run.new}
    (queued,) = account.pending_deliveries()
    assert (queued.attempts, queued.last_error) == (1, "HTTP 500 Internal Server Error")
    # The next run has nothing new, but delivers what is queued.
    later = run_alerts(account, AS_OF, fast(), webhook_url=hook.url)
    assert later.new == [] and [(d.delivered, d.alerts) for d in later.deliveries] == [(True, len(run.new))]
    assert hook.received[-1] == hook.received[0] and account.pending_deliveries() == []


def test_a_timeout_is_a_failed_delivery(hook: Hook, account: GraphStore) -> None:
    hook.plan = ["slow"]
    hook.slow_seconds = 1.5
    started = time.monotonic()
    run = run_alerts(account, AS_OF, fast(retries=0, timeout=0.3), webhook_url=hook.url)
    assert time.monotonic() - started < 1.4
    (failed,) = run.deliveries
    assert (failed.delivered, failed.attempts, failed.status, failed.error) == (False, 1, None, "timed out")
    assert len(account.pending_deliveries()) == 1


def test_a_4xx_is_not_retried_and_3xx_not_followed(hook: Hook) -> None:
    item = Delivery(id="x", created_on=AS_OF, payload='{"count": 0}')
    hook.plan = [404]
    result = deliver(hook.url, item, retries=3, retry_delay=0)
    assert (result.delivered, result.attempts, result.status) == (False, 1, 404)
    hook.plan = [302]
    assert deliver(hook.url, item, retries=0, retry_delay=0).status == 302


def test_connection_refused_and_the_url_never_shown(account: GraphStore) -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        port = closed.server_port  # nobody listens once it is closed
    url = f"http://127.0.0.1:{port}/hook/{SECRET}"
    result = deliver(url, Delivery(id="x", created_on=AS_OF, payload="{}"), retries=1, retry_delay=0)
    assert not result.delivered and result.attempts == 2 and result.error.startswith("connection failed")
    assert SECRET not in (result.error or "")
    assert redact_url(url) == f"http://127.0.0.1:{port}/…"
    for bad in (f"http://127.0.0.1:{port}/a {SECRET}", "ftp://127.0.0.1/x", "http:///nohost", "127.0.0.1:80"):
        with pytest.raises(InputError) as err:
            check_webhook_url(bad)
        assert SECRET not in str(err.value)


def test_alerts_command_with_webhook(hook: Hook, sqlite_url: str, tmp_path: object) -> None:
    with open_store(sqlite_url, create=True) as store:
        store.import_batch(as_batch(six_people()))
        store.mark_left("B", AS_OF.replace(day=29))
    runner = CliRunner()  # its output holds stderr too
    env = {"KAMGRAPH_ALERTS__WEBHOOK__RETRIES": "0", "KAMGRAPH_ALERTS__WEBHOOK__RETRY_DELAY_SECONDS": "0"}
    hook.plan = [500]
    failed = runner.invoke(cli, ["--store", sqlite_url, "alerts", "--as-of", str(AS_OF), "--webhook", hook.url],
                           env=env)
    assert failed.exit_code == 2
    everything = failed.output
    assert "FAILED after 1 attempt (HTTP 500 Internal Server Error)" in everything
    assert "webhook delivery to http://127.0.0.1:" in everything and "kept for the next run" in everything
    assert SECRET not in everything
    # The URL from the environment: nothing new, the queued payload is delivered, exit 0.
    ok = runner.invoke(cli, ["--store", sqlite_url, "alerts", "--as-of", str(AS_OF), "--json"],
                       env={**env, "KAMGRAPH_WEBHOOK_URL": hook.url})
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.output)
    assert data["new"] == [] and [d["delivered"] for d in data["deliveries"]] == [True]
    assert data["webhook"] == f"http://127.0.0.1:{hook.server.server_port}/…" and SECRET not in ok.output
    assert len(hook.received) == 2 and hook.received[0] == hook.received[1]
