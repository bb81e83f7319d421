"""Names inside attributes of the web app's pages: a department with quotes must stay one attribute value.

The hostile stakeholder of :mod:`tests.web_support` has a markup name but a plain department; here a second
one sits in a department made to break out of an attribute (``"`` then an event handler). The account page
is parsed with lxml: no element may carry an ``on*`` attribute, and each map node's ``data-dept`` and
``<title>`` give the department back character for character.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import html as lxml_html

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Meeting, Stakeholder
from kamgraph.store import open_store
from tests.web_support import DAY, add_users, build_store

from .test_web import _client

DEPARTMENT = 'Ops" onmouseover="alert(4)" x=\'<b>'
NAME = "Quinn \"Q\" O'Hara"


def _site(tmp_path: Path) -> tuple[str, Path]:
    db = build_store(tmp_path)
    with open_store(db) as store:
        store.import_batch(Batch(
            stakeholders=[Stakeholder(id="nw-quote", account="northwind", name=NAME, department=DEPARTMENT)],
            meetings=[Meeting(id="m-quote", date=DAY - dt.timedelta(days=2), account="northwind",
                              attendees=["st-maya", "nw-quote"])]))
    users = tmp_path / "users.json"
    add_users(users)
    return db, users


def test_a_department_with_quotes_stays_one_attribute_value(tmp_path: Path) -> None:
    client = _client(_site(tmp_path), "boss")
    page = client.get("/accounts/northwind")
    assert page.status_code == 200
    doc = lxml_html.fromstring(page.text)
    handlers = [(el.tag, name) for el in doc.iter() if isinstance(el.tag, str)
                for name in el.attrib if name.lower().startswith("on")]
    assert handlers == []
    nodes = doc.xpath("//a[@data-id='nw-quote']")
    assert [n.get("data-dept") for n in nodes] == [DEPARTMENT]
    assert [n.get("data-kind") for n in nodes] == ["stakeholder"]
    # the node's tooltip: "NAME (DEPARTMENT)"
    assert [t.text_content() for t in nodes[0].iter("title")] == [f"{NAME} ({DEPARTMENT})"]
