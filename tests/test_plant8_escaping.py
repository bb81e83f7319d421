"""Escaping rules the third round of planted bugs found unchecked, checked against independent parsers.

- Markdown: a value that is only ``=`` (or ``=`` and text) under a line of text would make that line a
  setext heading (CommonMark 4.3); ``md_escape`` puts a backslash in front, and markdown-it renders no
  heading;
- Teams: ``~`` (strike-through in a ``TextBlock``) gets a backslash like the other Markdown characters;
- GraphML ids: a character beyond the Basic Multilingual Plane is encoded with five hex digits
  (``_x1F600_``) and decoded back;
- the web app's alerts page links to an account whose id holds URL characters with the id
  percent-encoded as one path segment (read with lxml).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

from click.testing import CliRunner
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from cli import cli
from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Stakeholder
from kamgraph.monitor.delivery.teams import card_text
from kamgraph.store import open_store
from kamgraph.views.graph_export import decode_token, encode_token
from kamgraph.views.report.markdown import md_escape
from tests.web_support import DAY, add_users, build_store

from .test_web import _client


def test_an_equals_sign_under_a_line_makes_no_heading() -> None:
    assert (md_escape("="), md_escape("= 3 open")) == ("\\=", "\\= 3 open")
    rendered = MarkdownIt("commonmark").render("Renewal owners\n" + md_escape("=") + "\n")
    assert rendered == "<p>Renewal owners\n=</p>\n"
    assert MarkdownIt("commonmark").render("Renewal owners\n=\n") == "<h1>Renewal owners</h1>\n"  # unescaped


def test_a_teams_text_block_escapes_the_tilde() -> None:
    assert card_text("~~old~~ price") == "\\~\\~old\\~\\~ price"


def test_an_id_beyond_the_basic_plane_round_trips() -> None:
    assert encode_token("nw-\U0001F600") == "nw-_x1F600_"
    assert decode_token("nw-_x1F600_") == "nw-\U0001F600"


def test_the_alerts_page_links_to_an_account_id_with_url_characters(tmp_path: Path) -> None:
    odd = "acme #2?"
    db = build_store(tmp_path)
    with open_store(db) as store:  # a key stakeholder nobody ever met: an alert on the odd account
        store.import_batch(Batch(
            accounts=[Account(id=odd, name="Acme Two", tier="strategic")],
            stakeholders=[Stakeholder(id="a2-cfo", account=odd, name="Ann Two", influence=5,
                                      buying_role="economic_buyer"),
                          Stakeholder(id="a2-ceo", account=odd, name="Bo Two", influence=5,
                                      buying_role="decision_maker")],
            meetings=[Meeting(id="m-a2", date=DAY - dt.timedelta(days=200), account=odd,
                              attendees=["st-maya", "a2-ceo"])]))
    result = CliRunner().invoke(cli, ["--store", db, "alerts", "--as-of", DAY.isoformat(), "--json"])
    assert any(a["account"] == odd for a in json.loads(result.output)["new"])
    users = tmp_path / "users.json"
    add_users(users)
    doc = lxml_html.fromstring(_client((db, users), "boss").get("/alerts").text)
    links = {a.get("href") for a in doc.iter("a") if (a.get("href") or "").startswith("/accounts/acme")}
    assert links == {f"/accounts/acme%20%232%3F?as_of={DAY.isoformat()}"}
    assert {unquote(urlsplit(href).path) for href in links} == {f"/accounts/{odd}"}
