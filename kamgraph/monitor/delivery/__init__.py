"""Alerts where people read them: a Teams Adaptive Card (:mod:`.teams`), a Slack Block Kit message
(:mod:`.slack`) and an e-mail digest per account manager (:mod:`.email`).

The webhook outbox keeps kamgraph's own JSON payload
(:func:`kamgraph.monitor.webhook.alerts_payload`); :func:`format_payload`
turns it into the receiver's format when it is sent, so a payload queued by a
failed run is delivered in whatever format the next run asks for.
"""

from __future__ import annotations

import json

from .slack import slack_message
from .teams import teams_message

__all__ = ["WEBHOOK_FORMATS", "format_payload", "teams_message", "slack_message", "alert_link"]

#: ``json``: kamgraph's payload (Slack-compatible ``text`` plus the alerts); ``teams``; ``slack``.
WEBHOOK_FORMATS = ("json", "teams", "slack")


def alert_link(template: str | None, alert: dict[str, object]) -> str | None:
    """The link of one alert from a URL template with ``{account}``, ``{key}``, ``{rule}``, ``{subject}``.

    Examples
    --------
    >>> alert_link("https://kam.example.com/a/{account}?alert={key}", {"account": "north wind", "key": "d:n:x"})
    'https://kam.example.com/a/north%20wind?alert=d%3An%3Ax'
    >>> alert_link(None, {"account": "x"}) is None
    True
    """
    if not template:
        return None
    from urllib.parse import quote

    values = {k: quote(str(alert.get(k, "")), safe="") for k in ("account", "key", "rule", "subject")}
    return template.format(**values)


def format_payload(payload: str, fmt: str, *, link_template: str | None = None) -> str:
    """kamgraph's JSON payload (text) as the body for a ``json``, ``teams`` or ``slack`` webhook."""
    if fmt == "json":
        return payload
    document = json.loads(payload)
    if fmt == "teams":
        return json.dumps(teams_message(document, link_template=link_template), ensure_ascii=False)
    if fmt == "slack":
        return json.dumps(slack_message(document, link_template=link_template), ensure_ascii=False)
    raise ValueError(f"unknown webhook format {fmt!r} (expected one of {', '.join(WEBHOOK_FORMATS)})")
