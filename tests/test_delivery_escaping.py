"""Names in the Slack and Teams messages are text: every value of an alert, escaped where it goes.

Hand-written expectations: Slack's ``mrkdwn`` needs ``&``, ``<`` and ``>`` as entities (Slack's
"Formatting text" documentation: a raw ``<!channel>`` notifies the channel, ``<URL|text>`` makes a link);
a Teams ``TextBlock`` reads Markdown, so ``*``, ``_``, ``[``, ``]``, backquote, ``~`` and backslash get a
backslash.
"""

from __future__ import annotations

from kamgraph.monitor.delivery.slack import slack_message
from kamgraph.monitor.delivery.teams import teams_message

ALERT = {"key": "k", "rule": "overdue", "account": "<!channel> Acme & Co", "subject": "s", "severity": "high",
         "title": "<https://evil.example|click> overdue", "message": "*now* <@U1> [x](y)", "raised_on": "2026-11-30"}
DOCUMENT = {"as_of": "2026-11-30", "count": 1, "alerts": [ALERT]}


def test_slack_section_has_every_value_as_text() -> None:
    blocks = slack_message(DOCUMENT)["blocks"]
    section = blocks[1]["text"]["text"]
    assert section == (":red_circle: *&lt;!channel&gt; Acme &amp; Co*: &lt;https://evil.example|click&gt; overdue\n"
                       "*now* &lt;@U1&gt; [x](y)")
    assert "<" not in section and ">" not in section


def test_teams_text_blocks_have_every_value_as_text() -> None:
    card = teams_message(DOCUMENT)["attachments"][0]["content"]
    texts = [item["text"] for c in card["body"] if c["type"] == "Container" for item in c["items"]
             if item["type"] == "TextBlock"]
    assert texts == ["\\[high\\] <!channel> Acme & Co: <https://evil.example|click> overdue",
                     "\\*now\\* <@U1> \\[x\\](y)"]
