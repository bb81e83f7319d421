"""Links of the web app to people and accounts whose ids hold URL characters (``#``, ``?``, ``%``, a space).

An id is any text without ``;``, ``,``, tabs and line breaks: ``c#1 ?50%`` is a valid stakeholder id, and a
link ``/people/c#1 ?50%`` would ask for ``/people/c`` (the rest a fragment). Each link's path is the id
percent-encoded as one segment; following it from the account page shows that person.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Meeting, Stakeholder
from kamgraph.store import open_store
from tests.web_support import DAY, add_users, build_store

from .test_web import _client

ODD = "c#1 ?50%"


def test_links_to_an_id_with_url_characters_lead_to_that_person(tmp_path: Path) -> None:
    db = build_store(tmp_path)
    with open_store(db) as store:
        store.import_batch(Batch(
            stakeholders=[Stakeholder(id=ODD, account="northwind", name="Odd Id", influence=5,
                                      buying_role="economic_buyer")],
            meetings=[Meeting(id="m-odd", date=DAY - dt.timedelta(days=2), account="northwind",
                              attendees=["st-maya", ODD])]))
    users = tmp_path / "users.json"
    add_users(users)
    client = _client((db, users), "boss")
    doc = lxml_html.fromstring(client.get("/accounts/northwind").text)
    links = {a.get("href") for a in doc.iter("a") if (a.get("href") or "").startswith("/people/c%23")}
    # the map node and the matrix column (both with the as-of date): the id as one encoded segment
    assert links == {f"/people/c%231%20%3F50%25?as_of={DAY.isoformat()}"}
    [href] = links
    assert unquote(urlsplit(href).path) == f"/people/{ODD}"
    page = client.get(href)
    assert page.status_code == 200
    assert lxml_html.fromstring(page.text).findtext(".//h1").startswith("Odd Id")
    # an ordinary id is written as it was (letters, digits, '-', '@' need no encoding)
    assert f"/people/st-maya?as_of={DAY.isoformat()}" in {a.get("href") for a in doc.iter("a")}
