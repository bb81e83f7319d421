"""New alerts as a Slack message in Block Kit (incoming webhooks and ``chat.postMessage``).

A header block, then per alert a ``section`` (severity, account, title as a
link when a link template is set, the message) and a ``context`` line, within
Slack's documented limits: at most 50 blocks, header text at most 150
characters, section text at most 3,000. ``text`` is the notification and
screen-reader fallback. Names are escaped for ``mrkdwn`` (``&``, ``<``,
``>`` as entities, as Slack documents) so they cannot become links or
mentions.

Examples
--------
>>> mrkdwn_escape("<!channel> & <@U1>")
'&lt;!channel&gt; &amp; &lt;@U1&gt;'
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_BLOCKS", "HEADER_LIMIT", "SECTION_LIMIT", "mrkdwn_escape", "slack_message"]

MAX_BLOCKS = 50
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
_EMOJI = {"high": ":red_circle:", "medium": ":large_orange_circle:", "low": ":white_circle:"}


def mrkdwn_escape(value: object) -> str:
    """Escape text for Slack ``mrkdwn`` (the three characters Slack documents)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def slack_message(document: dict[str, Any], *, link_template: str | None = None) -> dict[str, Any]:
    """The Slack webhook body for kamgraph's payload ``document`` (see :mod:`kamgraph.monitor.webhook`)."""
    from . import alert_link

    alerts = list(document.get("alerts", []))
    count = int(document.get("count", len(alerts)))
    head = f"kamgraph: {count} new alert{'s' if count != 1 else ''} ({document.get('as_of', '')})"
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": _cut(head, HEADER_LIMIT),
                                                               "emoji": True}}]
    room = (MAX_BLOCKS - 2) // 2  # two blocks per alert, one for "and N more"
    for a in alerts[:room]:
        title = mrkdwn_escape(a.get("title", ""))
        url = alert_link(link_template, a)
        shown = f"<{url}|{title}>" if url else title
        text = (f"{_EMOJI.get(str(a.get('severity')), '')} *{mrkdwn_escape(a.get('account', ''))}*: {shown}\n"
                f"{mrkdwn_escape(a.get('message', ''))}")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, SECTION_LIMIT)}})
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": mrkdwn_escape(f"{a.get('severity')} · {a.get('rule')} · raised "
                                                     f"{a.get('raised_on', document.get('as_of', ''))}")}]})
    if len(alerts) > room:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"… and {len(alerts) - room} more"}})
    fallback = "\n".join([head, *(f"[{a.get('severity')}] {a.get('account')}: {a.get('title')}" for a in alerts[:20])])
    return {"text": _cut(fallback, SECTION_LIMIT), "blocks": blocks}
