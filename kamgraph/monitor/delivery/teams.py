"""New alerts as a Microsoft Teams message with an Adaptive Card (Teams Workflows / incoming webhooks).

Teams' "Post to a channel when a webhook request is received" workflow (and
the older connector webhooks) takes a ``message`` whose one attachment is an
Adaptive Card (``application/vnd.microsoft.card.adaptive``); a plain
``{"text": ...}`` payload is rejected. The card uses Adaptive Card schema 1.4
elements only (``TextBlock``, ``FactSet``, ``Container``, ``ActionSet`` with
``Action.OpenUrl``), which Teams renders on desktop, web and mobile. Enum
values are written in lower camel case (``large``, ``bolder``, ``attention``):
Adaptive Card enums are case-insensitive, and that is the spelling of the
JSON schema Microsoft publishes in a package registry (the one embedded in the
npm package ``adaptivecards-designer``, which the tests validate against). Text
in a ``TextBlock`` is Markdown-like; names are escaped so that they show
as written (:func:`card_text`).

Examples
--------
>>> doc = {"as_of": "2026-11-22", "count": 1, "alerts": [{"key": "k", "account": "acme", "severity": "high",
...        "title": "Ann left", "message": "Ann left on 2026-11-21.", "rule": "departure"}]}
>>> card = teams_message(doc)["attachments"][0]["content"]
>>> card["type"], card["version"], card["body"][0]["text"]
('AdaptiveCard', '1.4', 'kamgraph: 1 new alert (2026-11-22)')
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["ADAPTIVE_CARD_VERSION", "CONTENT_TYPE", "MAX_ALERTS", "card_text", "teams_message"]

ADAPTIVE_CARD_VERSION = "1.4"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
#: Alerts shown in full on one card (Teams caps a message at about 28 KB); the rest are counted.
MAX_ALERTS = 25
_SEVERITY_COLOUR = {"high": "attention", "medium": "warning", "low": "default"}
_MD = re.compile(r"([\\*_\[\]`~])")


def card_text(value: object) -> str:
    """Text for a ``TextBlock``: Markdown characters escaped, one line.

    Examples
    --------
    >>> print(card_text("*Star* [x](y) <b>"))
    \\*Star\\* \\[x\\](y) <b>
    """
    return _MD.sub(r"\\\1", " ".join(str(value).split()))


def _link(template: str | None, alert: dict[str, Any]) -> str | None:
    from . import alert_link

    return alert_link(template, alert)


def teams_message(document: dict[str, Any], *, link_template: str | None = None) -> dict[str, Any]:
    """The Teams webhook body for kamgraph's payload ``document`` (see :mod:`kamgraph.monitor.webhook`)."""
    alerts = list(document.get("alerts", []))
    count = int(document.get("count", len(alerts)))
    head = f"kamgraph: {count} new alert{'s' if count != 1 else ''} ({document.get('as_of', '')})"
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": head, "size": "large", "weight": "bolder", "wrap": True},
    ]
    by_severity: dict[str, int] = {}
    for a in alerts:
        by_severity[str(a.get("severity", ""))] = by_severity.get(str(a.get("severity", "")), 0) + 1
    body.append({"type": "FactSet", "facts": [{"title": s, "value": str(n)} for s, n in sorted(by_severity.items())]})
    for a in alerts[:MAX_ALERTS]:
        items: list[dict[str, Any]] = [
            {"type": "TextBlock", "text": card_text(f"[{a.get('severity')}] {a.get('account')}: {a.get('title')}"),
             "weight": "bolder", "wrap": True, "color": _SEVERITY_COLOUR.get(str(a.get("severity")), "default")},
            {"type": "TextBlock", "text": card_text(a.get("message", "")), "wrap": True, "isSubtle": True,
             "spacing": "none"},
        ]
        url = _link(link_template, a)
        if url:
            items.append({"type": "ActionSet", "actions": [{"type": "Action.OpenUrl", "title": "Open account",
                                                            "url": url}]})
        body.append({"type": "Container", "separator": True, "items": items})
    if len(alerts) > MAX_ALERTS:
        body.append({"type": "TextBlock", "text": f"… and {len(alerts) - MAX_ALERTS} more", "wrap": True})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": ADAPTIVE_CARD_VERSION, "msteams": {"width": "Full"}, "body": body}
    return {"type": "message", "summary": head,
            "attachments": [{"contentType": CONTENT_TYPE, "contentUrl": None, "content": card}]}
