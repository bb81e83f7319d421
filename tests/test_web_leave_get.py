"""``GET /people/X/leave``: a departure is recorded only by the form (POST); following or typing the form's
address answers 405 with ``Allow: POST`` and records nothing, unless a person's id really is ``X/leave``."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html
from starlette.testclient import TestClient

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Stakeholder
from kamgraph.store import open_store
from kamgraph.web.app import create_app
from tests.web_support import DAY, PASSWORD, add_users, build_store, login_token


def _signed_in(tmp_path: Path, user: str = "boss") -> tuple[TestClient, str]:
    db = build_store(tmp_path)
    users = tmp_path / "users.json"
    add_users(users)
    client = TestClient(create_app(lambda: open_store(db), None, users_path=users, today=lambda: DAY))
    r = client.post("/login", data={"username": user, "password": PASSWORD,
                                    "login_token": login_token(client.get("/login").text)}, follow_redirects=False)
    assert r.status_code == 303
    return client, db


def test_get_of_the_departure_form_address_is_405_and_records_nothing(tmp_path: Path) -> None:
    client, db = _signed_in(tmp_path)
    r = client.get("/people/nw-arch/leave")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    page = lxml_html.fromstring(r.text)
    assert "form on the person" in page.text_content()
    assert "nw-arch/leave" not in r.text  # not a person page of an id "nw-arch/leave"
    assert client.get("/people/nw-arch/leave?format=json").json() == {
        "error": "a departure is recorded with the form on the person's page"}
    with open_store(db) as store:
        assert store.get_person("nw-arch").left_on is None
    assert client.get("/people/nw-arch").status_code == 200  # the person's page itself is there


def test_a_person_whose_id_ends_in_leave_is_still_shown(tmp_path: Path) -> None:
    client, db = _signed_in(tmp_path)
    with open_store(db) as store:
        store.import_batch(Batch(stakeholders=[Stakeholder(id="nw/leave", account="northwind", name="Lee Slash")]))
    r = client.get("/people/nw/leave")
    assert r.status_code == 200
    assert "Lee Slash" in lxml_html.fromstring(r.text).text_content()


def test_signed_out_it_asks_for_a_sign_in_first(tmp_path: Path) -> None:
    db = build_store(tmp_path)
    users = tmp_path / "users.json"
    add_users(users)
    client = TestClient(create_app(lambda: open_store(db), None, users_path=users, today=lambda: DAY))
    r = client.get("/people/nw-arch/leave", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
