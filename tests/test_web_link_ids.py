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
from kamgraph.domain.models import Account, Meeting, Stakeholder
from kamgraph.store import open_store
from tests.web_support import DAY, ODD_ID, add_users, build_store, build_store_with_odd_id

from .test_web import _client

ODD = ODD_ID


def test_links_to_an_id_with_url_characters_lead_to_that_person(tmp_path: Path) -> None:
    client = _client(build_store_with_odd_id(tmp_path), "boss")
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


def test_ids_with_a_slash_have_their_pages(tmp_path: Path) -> None:
    """``/`` is allowed in an id (a CRM's ``emea/west``): the link encodes it (``%2F``), the server decodes the
    path before routing, and the page of that id -- not of ``emea`` -- answers, as HTML and as JSON."""
    db = build_store(tmp_path)
    with open_store(db) as store:
        store.import_batch(Batch(
            accounts=[Account(id="emea/west", name="Emea West")],
            stakeholders=[Stakeholder(id="c/2", account="northwind", name="Slash Person", influence=4,
                                      buying_role="champion"),
                          Stakeholder(id="ew/cfo", account="emea/west", name="West Cfo", influence=5,
                                      buying_role="economic_buyer")],
            meetings=[Meeting(id="m-slash", date=DAY - dt.timedelta(days=2), account="northwind",
                              attendees=["st-maya", "c/2"]),
                      Meeting(id="m-west", date=DAY - dt.timedelta(days=4), account="emea/west",
                              attendees=["st-maya", "ew/cfo"])]))
    users = tmp_path / "users.json"
    add_users(users)
    client = _client((db, users), "boss")
    doc = lxml_html.fromstring(client.get("/accounts/northwind").text)
    href = f"/people/c%2F2?as_of={DAY.isoformat()}"
    assert href in {a.get("href") for a in doc.iter("a")}
    page = client.get(href)
    assert page.status_code == 200
    assert lxml_html.fromstring(page.text).findtext(".//h1").startswith("Slash Person")
    assert client.get("/people/c%2F2.json").json()["profile"]["person"]["id"] == "c/2"
    # the account: its page, its JSON, and its link from the portfolio page
    portfolio = lxml_html.fromstring(client.get("/").text)
    assert f"/accounts/emea%2Fwest?as_of={DAY.isoformat()}" in {a.get("href") for a in portfolio.iter("a")}
    account = client.get("/accounts/emea%2Fwest")
    assert account.status_code == 200 and "Emea West" in lxml_html.fromstring(account.text).findtext(".//h1")
    xray = client.get("/accounts/emea%2Fwest/xray.json").json()
    assert xray["account"]["id"] == "emea/west"
    assert {p["id"] for p in client.get("/accounts/emea%2Fwest/map.json").json()["nodes"]} >= {"ew/cfo", "st-maya"}
    # a path that names no one is still a 404, not another person's page
    assert client.get("/people/c%2F2%2Fx").status_code == 404
