"""The list of people (``kamgraph people``): one row per stakeholder or staff member, as text, CSV or JSON.

Examples
--------
>>> from kamgraph.domain.models import Staff, Stakeholder
>>> rows = people_rows([Staff(id="s1", name="Dan Cho", accounts=["acme"]),
...                     Stakeholder(id="c1", name="Ana Ruiz", account="acme", title="CFO")])
>>> [(r["kind"], r["name"], r["account"]) for r in rows]
[('stakeholder', 'Ana Ruiz', 'acme'), ('staff', 'Dan Cho', 'acme')]
>>> print(people_csv(rows), end="")
id,name,kind,account,title,email,status,left_on
c1,Ana Ruiz,stakeholder,acme,CFO,,active,
s1,Dan Cho,staff,acme,,,active,
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..domain.models import Staff, Stakeholder
from .csv_text import csv_text
from .text import table

__all__ = ["PEOPLE_COLUMNS", "people_rows", "people_csv", "render_people"]

#: The fields of one row, in order (the JSON keys and the CSV header).
PEOPLE_COLUMNS = ("id", "name", "kind", "account", "title", "email", "status", "left_on")


def people_rows(people: Sequence[Stakeholder | Staff]) -> list[dict[str, Any]]:
    """One JSON-ready row per person: stakeholders first, then staff, each by account and name."""
    rows = []
    for person in people:
        stakeholder = isinstance(person, Stakeholder)
        account = person.account if isinstance(person, Stakeholder) else ", ".join(person.accounts)
        rows.append({"id": person.id, "name": person.name, "kind": "stakeholder" if stakeholder else "staff",
                     "account": account or None, "title": person.title, "email": person.email,
                     "status": str(person.status.value if hasattr(person.status, "value") else person.status),
                     "left_on": person.left_on.isoformat() if person.left_on else None})
    rows.sort(key=lambda r: (r["kind"] != "stakeholder", r["account"] or "", r["name"].lower(), r["id"]))
    return rows


def people_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV (formulas neutralised)."""
    return csv_text(PEOPLE_COLUMNS, [[r[c] for c in PEOPLE_COLUMNS] for r in rows])


def render_people(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as a table that fits the terminal."""
    if not rows:
        return "  no one"
    shown = ("name", "id", "kind", "account", "title", "email", "status")
    body = [[r[c] if c != "status" or not r["left_on"] else f"left {r['left_on']}" for c in shown] for r in rows]
    return f"PEOPLE ({len(rows)})\n" + table(list(shown), body)
