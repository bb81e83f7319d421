"""Delivering alerts to a webhook: a JSON POST with a timeout and retries (stdlib ``urllib``).

The payload of one run (:func:`alerts_payload`) is one JSON object::

    {
      "text": "kamgraph: 2 new alerts (2026-11-22)\\n• [high] Northwind Logistics: ...",
      "source": "kamgraph",
      "schema": 1,
      "as_of": "2026-11-22",
      "count": 2,
      "alerts": [
        {"key": "departure:northwind:nw-arch", "rule": "departure", "severity": "high",
         "account": "northwind", "subject": "nw-arch", "title": "...", "message": "...",
         "raised_on": "2026-11-22", "data": {...}},
        ...
      ]
    }

``text`` makes it a valid Slack (or Mattermost) incoming-webhook message;
other receivers read ``alerts``. With ``fmt="teams"`` or ``fmt="slack"`` the
queued payload is sent as a Teams Adaptive Card or a Slack Block Kit message
instead (:mod:`kamgraph.monitor.delivery`). A delivery succeeds on any 2xx
answer. Connection errors, timeouts, 429 and 5xx answers are retried
(``retries`` more times); other 4xx and 3xx answers are not (redirects are
not followed). The wait before a retry is the answer's ``Retry-After`` (in
seconds or as an HTTP date, capped at ``max_retry_after``) when a 429 or 503
gives one, else ``retry_delay`` doubling per attempt with jitter (a random
factor between 0.5 and 1.5, so that many senders do not retry in step). Only
``http`` and ``https`` URLs are accepted.

Webhook URLs often hold a secret token in their path or query, so they are
never shown in full: :func:`redact_url` keeps the scheme and host only, and
error messages are scrubbed of the URL.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from .. import __version__
from ..domain.alert_state import AlertRecord, Delivery
from ..errors import InputError

__all__ = ["PAYLOAD_SCHEMA", "DeliveryResult", "redact_url", "check_webhook_url", "alerts_payload", "deliver",
           "retry_after_seconds"]

#: Version of the payload layout.
PAYLOAD_SCHEMA = 1


class DeliveryResult(BaseModel):
    """How the delivery of one queued payload went."""

    id: str
    alerts: int
    delivered: bool
    attempts: int
    status: int | None = None
    error: str | None = None


def redact_url(url: str) -> str:
    """The URL with everything that may be secret cut: scheme and host (and port) only.

    Examples
    --------
    >>> redact_url("https://hooks.slack.com/services/T000/B000/XXXXXXXX")
    'https://hooks.slack.com/…'
    >>> redact_url("http://user:pw@127.0.0.1:8080/hook?token=abc")
    'http://127.0.0.1:8080/…'
    """
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(unparsable URL)"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}/…" if parts.scheme and host else "(URL hidden)"


def check_webhook_url(url: str) -> str:
    """Return the URL when it is an ``http``/``https`` URL with a host, else raise :class:`InputError`."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        ok = False
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url.strip()):
        ok = False
    if not ok:
        raise InputError(f"not an http(s) URL: {redact_url(url)}", field="webhook")
    return url.strip()


def _text(alerts: Sequence[AlertRecord], as_of: object, max_lines: int) -> str:
    head = f"kamgraph: {len(alerts)} new alert{'s' if len(alerts) != 1 else ''} ({as_of})"
    lines = [f"• [{a.severity}] {a.account}: {a.title}" for a in alerts[:max_lines]]
    if len(alerts) > max_lines:
        lines.append(f"… and {len(alerts) - max_lines} more")
    return "\n".join([head, *lines])


def alerts_payload(alerts: Sequence[AlertRecord], as_of: object, max_lines: int = 20) -> str:
    """The JSON document (as text) announcing ``alerts`` (see the module docstring)."""
    document = {
        "text": _text(alerts, as_of, max_lines),
        "source": "kamgraph",
        "version": __version__,
        "schema": PAYLOAD_SCHEMA,
        "as_of": str(as_of),
        "count": len(alerts),
        "alerts": [a.model_dump(mode="json", exclude={"cleared_on"}) for a in alerts],
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=False)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are not followed (a redirected POST loses its body): a 3xx answer is a failed delivery."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _scrub(text: str, url: str) -> str:
    """``text`` without the URL or any of its parts that may hold a secret (path, query, user, password)."""
    if not url:
        return text
    text = text.replace(url, redact_url(url))
    try:
        parts = urllib.parse.urlsplit(url)
        secrets = [parts.path, parts.query, parts.fragment, parts.username or "", parts.password or ""]
    except ValueError:
        secrets = []
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) > 1:
            text = text.replace(secret, "…")
    return text


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP date), ``None`` when unusable.

    Examples
    --------
    >>> retry_after_seconds("7"), retry_after_seconds("soon"), retry_after_seconds(None)
    (7.0, None, None)
    >>> now = dt.datetime(2026, 11, 22, 8, 0, 0, tzinfo=dt.timezone.utc)
    >>> retry_after_seconds("Sun, 22 Nov 2026 08:00:30 GMT", now)
    30.0
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def deliver(url: str, item: Delivery, *, timeout: float = 10.0, retries: int = 2, retry_delay: float = 1.0,
            sleep: Callable[[float], None] = time.sleep, fmt: str = "json", link_template: str | None = None,
            max_retry_after: float = 120.0, rng: random.Random | None = None) -> DeliveryResult:
    """POST one queued payload, retrying transient failures; never raises for a failed delivery.

    ``fmt`` is ``json`` (the payload as queued), ``teams`` or ``slack``;
    ``link_template`` gives each alert a link in those (see
    :func:`kamgraph.monitor.delivery.alert_link`). ``rng`` draws the jitter.
    An e-mail digest waiting in the same outbox
    (:func:`kamgraph.monitor.delivery.email.is_email_payload`) is never posted:
    it holds someone's e-mail, which is not the channel's to read.
    """
    from .delivery import format_payload
    from .delivery.email import is_email_payload

    url = check_webhook_url(url)
    if is_email_payload(item.payload):
        return DeliveryResult(id=item.id, alerts=0, delivered=False, attempts=0,
                              error="an e-mail digest, sent by the e-mail delivery, not to a webhook")
    try:
        body = format_payload(item.payload, fmt, link_template=link_template).encode("utf-8")
    except (ValueError, TypeError) as exc:
        return DeliveryResult(id=item.id, alerts=0, delivered=False, attempts=0,
                              error=f"payload cannot be sent as {fmt} ({type(exc).__name__})")
    jitter = rng or random.Random()
    try:
        count = int(json.loads(item.payload).get("count", 0))
    except (ValueError, AttributeError):
        count = 0
    status: int | None = None
    error: str | None = None
    delay = retry_delay
    attempt = 0
    opener = urllib.request.build_opener(_NoRedirect)
    for attempt in range(1, retries + 2):
        request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310 - http(s) only
            "Content-Type": "application/json; charset=utf-8", "User-Agent": f"kamgraph/{__version__}"})
        try:
            with opener.open(request, timeout=timeout) as answer:
                status = answer.status
                answer.read()
            return DeliveryResult(id=item.id, alerts=count, delivered=True, attempts=attempt, status=status)
        except urllib.error.HTTPError as exc:
            status, error = exc.code, f"HTTP {exc.code} {exc.reason}"
            if exc.code != 429 and exc.code < 500:
                break
            wait = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None) \
                if exc.code in (429, 503) else None
            if wait is not None and attempt <= retries:
                sleep(min(wait, max_retry_after))
                delay *= 2
                continue
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            status = None
            reason = getattr(exc, "reason", exc)
            error = "timed out" if isinstance(reason, TimeoutError) or "timed out" in str(reason) \
                else f"connection failed: {reason}"
        except (ValueError, http.client.HTTPException) as exc:  # a malformed URL or answer: not worth retrying
            status, error = None, f"request failed ({type(exc).__name__})"
            break
        if attempt <= retries:
            sleep(delay * jitter.uniform(0.5, 1.5))
            delay *= 2
    return DeliveryResult(id=item.id, alerts=count, delivered=False, attempts=attempt, status=status,
                          error=_scrub(error or "failed", url))
