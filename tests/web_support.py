"""Shared set-up of the web app tests: the demo store with a hostile name in it, users of every role."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Meeting, Stakeholder
from kamgraph.samples.demo import build_demo
from kamgraph.store import open_store
from kamgraph.web.users import UserFile

DAY = dt.date(2025, 6, 1)
HOSTILE = "<img src=x onerror=alert(1)>"
PASSWORD = "correct horse battery"
USERS = {"boss": ("admin", None), "dee": ("director", None), "priya": ("account_manager", "st-priya"),
         "nolink": ("account_manager", "st-nobody")}


def build_store(tmp: Path) -> str:
    """The demo (as of DAY) plus a stakeholder with a hostile name who met Maya; returns the store path."""
    path = str(tmp / "demo.db")
    with open_store(path, create=True) as store:
        store.import_batch(build_demo(DAY))
        extra = Batch(stakeholders=[Stakeholder(id="nw-evil", account="northwind", name=HOSTILE,
                                                title="<b>bold</b>", department="Finance")],
                      meetings=[Meeting(id="m-evil", date=DAY - dt.timedelta(days=3), account="northwind",
                                        attendees=["st-maya", "nw-evil"], subject="<script>x</script>")])
        store.import_batch(extra)
    return path


#: A stakeholder id with the characters a URL gives a meaning to (fragment, space, query, escape).
ODD_ID = "c#1 ?50%"


def build_store_with_odd_id(tmp: Path) -> tuple[str, Path]:
    """:func:`build_store` plus stakeholder :data:`ODD_ID` ("Odd Id", a key economic buyer) whom Maya met two
    days before DAY, and the user file of :data:`USERS`; returns (store path, user file)."""
    db = build_store(tmp)
    with open_store(db) as store:
        store.import_batch(Batch(
            stakeholders=[Stakeholder(id=ODD_ID, account="northwind", name="Odd Id", influence=5,
                                      buying_role="economic_buyer")],
            meetings=[Meeting(id="m-odd", date=DAY - dt.timedelta(days=2), account="northwind",
                              attendees=["st-maya", ODD_ID])]))
    users = tmp / "users.json"
    add_users(users)
    return db, users


def add_users(users_path: Path) -> None:
    files = UserFile(users_path)
    for name, (role, staff) in USERS.items():
        files.add(name, role, PASSWORD, staff=staff)


def login_token(html: str) -> str:
    found = re.search(r'name="login_token" value="([^"]+)"', html)
    assert found, "the sign-in form has no token"
    return found.group(1)


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)
