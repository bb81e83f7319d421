"""The contacts CSV that ``kamgraph sync`` reads: a CRM export of one account's contacts.

UTF-8 (a byte-order mark is fine), comma-separated, one header row. Header
names are matched without regard to case, spaces, hyphens or underscores, and
common CRM spellings are accepted (``Contact ID``, ``E-mail``, ``Company
Name``, ``Job Title``...). Unknown columns are an error (they are usually
typos); every error reads ``FILE:LINE: FIELD: problem``.

========================  =============================================================
column (aliases)          meaning
========================  =============================================================
``id`` (contact_id,       the contact's id in the CRM; matched against stakeholder ids
crm_id, record_id)
``name`` (full_name,      required, unless ``first_name`` / ``last_name`` are given
contact_name)
``first_name``,           joined into ``name`` when there is no ``name`` column
``last_name``
``email`` (e_mail,        e-mail address; matched case-insensitively, its domain
email_address, mail)      compared with the stored one and the account's domains
``company`` (company_name, the contact's current employer as the CRM has it
account, account_name,
organization,
organisation, employer)
``title`` (job_title,     job title
position)
``department`` (dept)     department
``seniority``             c_level, vp, director, manager, individual (new people only)
``buying_role``           economic_buyer, champion, ... (new people only)
``influence``             1-5 (new people only)
``reports_to``            id of their manager (new people only)
``status`` (contact_      active, or inactive / left / former / departed / gone
status)
``active`` (is_active)    true/false, yes/no, 1/0
``left_on`` (end_date,    when they left, YYYY-MM-DD (for inactive contacts)
inactive_since)
``moved_to`` (new_company) where an inactive contact went
========================  =============================================================

The other columns of the canonical ``stakeholders.csv`` (``attitude``,
``dotted_to``, ``note``, ``verified``) are accepted and ignored, so that file
can be synced as it is (its ``account`` column, the account id, counts as
the company). Empty cells mean "not given".

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "contacts.csv"
>>> _ = path.write_text("Contact ID,Full Name,E-mail,Company Name,Active\\n"
...                     "c1,Ada Park,ADA@acme.example,Acme Inc.,yes\\n"
...                     "c2,Bo Chen,bo@globex.example,Globex,no\\n")
>>> rows = read_contacts(path)
>>> [(r.line, r.id, r.email, r.company, r.active) for r in rows]
[(2, 'c1', 'ada@acme.example', 'Acme Inc.', True), (3, 'c2', 'bo@globex.example', 'Globex', False)]
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..domain.models import BuyingRole, Seniority
from ..errors import InputError
from .canonical import csv_rows
from .sniff import InputLimits, check_size

__all__ = ["ContactRow", "CONTACT_COLUMNS", "IGNORED_COLUMNS", "read_contacts"]

#: Accepted columns, each with its aliases (compared after :func:`_header_key`).
CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("contact_id", "crm_id", "record_id"),
    "name": ("full_name", "contact_name"),
    "first_name": ("firstname", "given_name"),
    "last_name": ("lastname", "surname", "family_name"),
    "email": ("e_mail", "email_address", "mail"),
    "company": ("company_name", "account", "account_name", "organization", "organisation", "employer"),
    "title": ("job_title", "position"),
    "department": ("dept",),
    "seniority": (),
    "buying_role": (),
    "influence": (),
    "reports_to": ("manager_id",),
    "status": ("contact_status",),
    "active": ("is_active",),
    "left_on": ("end_date", "inactive_since"),
    "moved_to": ("new_company",),
}

#: Columns of the canonical stakeholders.csv that a contacts file may carry and sync ignores.
IGNORED_COLUMNS = ("attitude", "dotted_to", "note", "verified")

_ALIASES = {alias: column for column, aliases in CONTACT_COLUMNS.items() for alias in (column, *aliases)}
_GONE = {"inactive", "left", "former", "departed", "gone", "archived", "no_longer_there", "left_company",
         "not_active"}
_TRUE = {"true", "yes", "y", "1", "active"}
_FALSE = {"false", "no", "n", "0", "inactive"}


@dataclass(frozen=True)
class ContactRow:
    """One contact of the export, cleaned; ``line`` is where its record starts."""

    line: int
    name: str
    id: str | None = None
    email: str | None = None
    company: str | None = None
    title: str | None = None
    department: str | None = None
    seniority: Seniority | None = None
    buying_role: BuyingRole | None = None
    influence: int | None = None
    reports_to: str | None = None
    active: bool | None = None
    left_on: dt.date | None = None
    moved_to: str | None = None


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower()).strip("_")


def _status(text: str) -> bool:
    word = _header_key(text)
    if word == "active":
        return True
    if word in _GONE:
        return False
    raise ValueError(f"not a contact status: {text!r} (expected active, or one of {', '.join(sorted(_GONE))})")


def _flag(text: str) -> bool:
    token = text.strip().lower()
    if token in _TRUE:
        return True
    if token in _FALSE:
        return False
    raise ValueError(f"not true or false: {text!r}")


def _parse(column: str, text: str) -> object:
    """One cell's value (raises ValueError with a message for the user)."""
    if column == "email":
        value = text.strip().lower()
        if value.startswith("mailto:"):
            value = value[len("mailto:"):]
        if value.count("@") != 1 or "." not in value.split("@")[1] or " " in value:
            raise ValueError(f"not an e-mail address: {text!r}")
        return value
    if column == "seniority":
        return Seniority(text)
    if column == "buying_role":
        return BuyingRole(text)
    if column == "influence":
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"not a whole number: {text!r}") from None
        if not 1 <= value <= 5:
            raise ValueError(f"influence runs from 1 to 5 (got {value})")
        return value
    if column == "status":
        return _status(text)
    if column == "active":
        return _flag(text)
    if column == "left_on":
        try:
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(f"not a date (expected YYYY-MM-DD): {text!r}") from None
    return " ".join(text.split())


def read_contacts(path: str | Path, limits: InputLimits | None = None) -> list[ContactRow]:
    """Read a contacts CSV (see the module docstring); a file bigger than ``limits`` allows is refused unread.

    Raises
    ------
    InputError
        ``FILE:LINE: FIELD: problem`` for the first bad header, cell, or a
        contact id or e-mail address that appears twice.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise InputError("no such file", file=name)
    check_size(path, limits)
    rows = csv_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise InputError("empty file (expected a header row)", file=name, line=1) from None
    columns: list[str | None] = []
    for raw in header:
        column = _ALIASES.get(_header_key(raw))
        if column is None and _header_key(raw) in IGNORED_COLUMNS:
            columns.append(None)
            continue
        if column is None:
            raise InputError(f"unknown column (expected some of: {', '.join(CONTACT_COLUMNS)})", file=name,
                             line=1, field=raw.strip() or "(empty)")
        if column in columns:
            raise InputError(f"column appears twice (as {column})", file=name, line=1, field=raw.strip())
        columns.append(column)
    if "name" not in columns and not {"first_name", "last_name"} & set(columns):
        raise InputError("required column missing (or give first_name and last_name)", file=name, line=1,
                         field="name")
    contacts: list[ContactRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            raise InputError(f"{len(cells)} cells, but the header has {len(columns)} columns", file=name, line=line)
        values: dict[str, object] = {}
        for column, cell in zip(columns, cells, strict=True):
            if column is None or not cell.strip():
                continue
            try:
                values[column] = _parse(column, cell)
            except ValueError as exc:
                raise InputError(str(exc), file=name, line=line, field=column) from None
        first, last = values.pop("first_name", None), values.pop("last_name", None)
        if "name" not in values and (first or last):
            values["name"] = " ".join(str(v) for v in (first, last) if v)
        if not values.get("name"):
            raise InputError("required, but empty", file=name, line=line, field="name")
        status, flag = values.pop("status", None), values.pop("active", None)
        if status is not None and flag is not None and status != flag:
            raise InputError(f"says {'active' if flag else 'inactive'}, but status says "
                             f"{'active' if status else 'inactive'}", file=name, line=line, field="active")
        values["active"] = flag if flag is not None else status
        for field in ("id", "email"):
            value = values.get(field)
            if value is None:
                continue
            earlier = seen.setdefault((field, str(value)), line)
            if earlier != line:
                raise InputError(f"{value!r} appears twice (first on line {earlier})", file=name, line=line,
                                 field=field)
        contacts.append(ContactRow(line=line, **values))  # type: ignore[arg-type]
    return contacts
