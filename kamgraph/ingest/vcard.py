"""vCard files (``.vcf``, vCard 3.0 and 4.0) into stakeholders, staff and reporting lines.

What is read from each card:

* ``FN`` (else ``N``) -> name; the preferred ``EMAIL`` (``PREF=1`` or
  ``TYPE=pref``, else the first) -> e-mail;
* ``ORG`` -> the account (an account id or exact name, or the web domain of
  one), its first unit -> department (team for our staff); ``TITLE`` -> title;
* ``ROLE`` -> buying role when it names one (``Economic Buyer``, ``champion``),
  otherwise ignored;
* ``RELATED`` -> links to other people: ``TYPE=manager`` / ``supervisor``
  (and the manager properties of Outlook, Evolution and Apple:
  ``X-MS-MANAGER``, ``X-MANAGER``, ``X-EVOLUTION-MANAGER``, ``X-ABRELATEDNAMES``
  labelled Manager) -> the solid reporting line; ``co-worker``, ``colleague``,
  ``contact``, ``acquaintance``, ``friend``, ``met`` -> a ``knows`` tie. The
  other person is named by ``urn:uuid:`` (another card's ``UID``), ``mailto:``
  or, with ``VALUE=text``, by name.

A card whose address is in one of our domains (``[ingest] our_domains``) or
belongs to a staff member is staff; any other card needs an account (from
``ORG`` or the e-mail domain) and is skipped without one. A card that matches
a known person by e-mail updates that person; a new one gets the e-mail
address as id (as calendar imports do), else ``vcard-<UID>``.
"""

from __future__ import annotations

import contextlib
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.models import BuyingRole, Relationship, Staff, Stakeholder
from ..errors import InputError
from .directory import Directory, clean_email, email_domain, stable_id
from .parsed import Located, Parsed, validate_record
from .progress import SILENT, Progress
from .tabular import decode_text

__all__ = ["read_vcards", "count_cards", "parse_cards", "Card"]

_BEGIN = re.compile(rb"^BEGIN:VCARD\s*$", re.MULTILINE | re.IGNORECASE)
_ID_OK = re.compile(r"^[^\s;,][^;,\r\n\t]{0,190}$")
_MANAGER_TYPES = {"manager", "supervisor", "boss", "x-manager", "reports-to"}
_KNOWS_TYPES = {"co-worker", "colleague", "contact", "acquaintance", "friend", "met"}
_MANAGER_PROPS = {"X-MS-MANAGER", "X-MANAGER", "X-EVOLUTION-MANAGER", "X-KADDRESSBOOK-X-MANAGERSNAME"}


@dataclass
class Prop:
    """One content line: name, parameters (upper-case keys, lists of values), raw value, group."""

    name: str
    params: dict[str, list[str]]
    value: str
    group: str = ""

    def types(self) -> set[str]:
        """The lower-cased ``TYPE`` values (bare vCard 2.1 parameters count as types)."""
        return {t.lower() for t in self.params.get("TYPE", [])}

    def text(self) -> str:
        """The value with vCard escapes undone."""
        return _unescape(self.value)

    def parts(self) -> list[str]:
        """A structured value (``N``, ``ORG``) split on unescaped ``;``."""
        return [_unescape(p) for p in re.split(r"(?<!\\);", self.value)]


@dataclass
class Card:
    """One vCard with the line where it starts."""

    file: str
    line: int
    props: list[Prop] = field(default_factory=list)

    def get(self, name: str) -> Prop | None:
        """The first property with this name."""
        return next((p for p in self.props if p.name == name), None)

    def all(self, name: str) -> list[Prop]:
        """Every property with this name."""
        return [p for p in self.props if p.name == name]


def _unescape(value: str) -> str:
    out = []
    chars = iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out).strip()


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _parse_line(text: str) -> Prop | None:
    head, sep, value = "", "", ""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, sep, value = text[:index], ":", text[index + 1:]
            break
    if not sep:
        return None
    pieces = _split_outside_quotes(head, ";")
    group, _, name = pieces[0].rpartition(".")
    params: dict[str, list[str]] = defaultdict(list)
    for piece in pieces[1:]:
        key, eq, val = piece.partition("=")
        if not eq:
            key, val = "TYPE", key
        params[key.strip().upper()].extend(v.strip().strip('"') for v in _split_outside_quotes(val, ","))
    return Prop(name.strip().upper(), dict(params), value, group.upper())


def _logical_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, unfolded line) -- unfolded as bytes, since a fold may split a UTF-8 character."""
    start, pieces = 0, []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        line = raw.rstrip(b"\r")
        if line[:1] in (b" ", b"\t") and pieces:
            pieces.append(line[1:])
            continue
        if pieces:
            yield start, b"".join(pieces)
        start, pieces = number, [line]
    if pieces:
        yield start, b"".join(pieces)


def parse_cards(path: str | Path) -> list[Card]:
    """Every card of a ``.vcf`` file.

    Raises
    ------
    InputError
        For a file with no card, or a card that is not closed.
    """
    path = Path(path)
    name = str(path)
    cards: list[Card] = []
    current: Card | None = None
    for number, raw in _logical_lines(path.read_bytes()):
        text = decode_text(raw, name)
        if not text.strip():
            continue
        upper = text.strip().upper()
        if upper == "BEGIN:VCARD":
            if current is not None:
                raise InputError("a card starts before the previous one ends (END:VCARD)", file=name,
                                 line=current.line)
            current = Card(name, number)
        elif upper == "END:VCARD":
            if current is None:
                raise InputError("END:VCARD without BEGIN:VCARD", file=name, line=number)
            cards.append(current)
            current = None
        elif current is not None:
            prop = _parse_line(text)
            if prop is not None:
                current.props.append(prop)
    if current is not None:
        raise InputError("the card is not closed (END:VCARD missing)", file=name, line=current.line)
    if not cards:
        raise InputError("not a vCard file (no BEGIN:VCARD)", file=name, line=1)
    return cards


def count_cards(path: Path) -> int:
    """How many cards a file has (for progress bars)."""
    return len(_BEGIN.findall(path.read_bytes()))


def _email(card: Card) -> str | None:
    emails = card.all("EMAIL")
    preferred = [p for p in emails if "pref" in p.types() or p.params.get("PREF", ["100"])[0] == "1"]
    for prop in [*preferred, *emails]:
        if found := clean_email(prop.text()):
            return found
    return None


def _name(card: Card) -> str | None:
    if (fn := card.get("FN")) and fn.text():
        return fn.text()
    if n := card.get("N"):
        parts = n.parts() + [""] * 5
        return " ".join(p for p in (parts[3], parts[1], parts[2], parts[0], parts[4]) if p) or None
    return None


def _uid(card: Card) -> str | None:
    uid = card.get("UID")
    return uid.text() if uid and uid.text() else None


def _bare_uid(value: str) -> str:
    return re.sub(r"^urn:uuid:", "", value.strip(), flags=re.IGNORECASE).lower()


def _links(card: Card) -> list[tuple[str, str, bool]]:
    """(kind 'manager' | 'knows', value, value is text) for every link the card states."""
    found = []
    labels = {p.group: p.text().lower() for p in card.all("X-ABLABEL") if p.group}
    for prop in card.props:
        if prop.name == "RELATED":
            types = prop.types()
            is_text = "text" in {v.lower() for v in prop.params.get("VALUE", [])}
            if types & _MANAGER_TYPES:
                found.append(("manager", prop.text(), is_text))
            elif types & _KNOWS_TYPES or not types:
                found.append(("knows", prop.text(), is_text))
        elif prop.name in _MANAGER_PROPS or (prop.name == "X-ABRELATEDNAMES"
                                             and "manager" in labels.get(prop.group, "")):
            found.append(("manager", prop.text(), True))
    return [(kind, value, is_text) for kind, value, is_text in found if value]


def read_vcards(paths: Sequence[str | Path], directory: Directory, *, progress: Progress = SILENT) -> Parsed:
    """Read vCard files into one :class:`Parsed` (see the module docstring)."""
    parsed = Parsed()
    cards = []
    for raw in paths:
        cards.extend(parse_cards(raw))
        parsed.sources.append(str(raw))
    directory.prefetch(emails={e for c in cards if (e := _email(c))})
    chosen: list[tuple[Card, dict[str, object], type[Staff] | type[Stakeholder]]] = []
    by_uid: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for card in cards:
        progress.advance()
        email, name = _email(card), _name(card)
        if not name and not email:
            parsed.skip(card.file, card.line, "no name or e-mail", row=_row(card))
            continue
        known = directory.by_email(email)
        org = card.get("ORG")
        parts = org.parts() if org else []
        company, unit = [*parts, "", ""][:2]
        uid = _uid(card)
        pid = known.id if known else (email or (f"vcard-{_bare_uid(uid)}" if uid and _ID_OK.match(_bare_uid(uid))
                                               else stable_id("vcard", uid or "", name or "", company)))
        data: dict[str, object] = {"id": pid, "name": name or email}
        if email:
            data["email"] = email
        if (title := card.get("TITLE")) and title.text():
            data["title"] = title.text()
        staff = isinstance(known, Staff) or (known is None and email is not None and directory.is_ours(email))
        if staff:
            model: type[Staff] | type[Stakeholder] = Staff
            if unit:
                data["team"] = unit
        else:
            model = Stakeholder
            account = known.account if isinstance(known, Stakeholder) else None
            account = account or (directory.account_ref(company) if company else None)
            if account is None and email:
                account = directory.account_for_domain(email_domain(email))
            if account is None:
                parsed.skip(card.file, card.line, "no account", company or email or "", _row(card))
                continue
            data.update(account=account, verified=True)
            if unit:
                data["department"] = unit
            if (role := card.get("ROLE")) and role.text():
                with contextlib.suppress(ValueError):
                    data["buying_role"] = BuyingRole(role.text())
        chosen.append((card, data, model))
        if uid:
            by_uid[_bare_uid(uid)] = pid
        if name:
            by_name.setdefault(name.casefold(), pid)
    kinds = {str(d["id"]): m for _, d, m in chosen}
    unlinked: list[tuple[Card, str]] = []
    for card, data, model in chosen:
        for kind, value, is_text in _links(card):
            target = _target(value, is_text, by_uid, by_name, directory)
            target_kind = kinds.get(target) if target else None
            if target and target_kind is None:
                person = directory.by_id(target)
                target_kind = type(person) if person is not None else None
            if not target or target_kind is None or target == data["id"]:
                unlinked.append((card, value))
            elif kind == "manager" and model is Stakeholder and target_kind is Stakeholder:
                data["reports_to"] = target
            elif kind == "knows":
                rel = Relationship(source=str(data["id"]), target=target)
                parsed.relationships.append(Located(rel, card.file, card.line))
            else:
                unlinked.append((card, value))
        record = validate_record(model, data, card.file, card.line).record
        directory.keep(parsed, record, card.file, card.line)
    if unlinked:
        card, value = unlinked[0]
        parsed.skip(card.file, card.line, "link not made",
                    f"RELATED or manager names nobody known here: {value!r} ({len(unlinked)} link(s), the first here)",
                    _row(card))
    return parsed


def _target(value: str, is_text: bool, by_uid: dict[str, str], by_name: dict[str, str],
            directory: Directory) -> str | None:
    if not is_text:
        if value.lower().startswith("mailto:"):
            person = directory.by_email(clean_email(value))
            return person.id if person else None
        return by_uid.get(_bare_uid(value))
    if email := clean_email(value):
        person = directory.by_email(email)
        return person.id if person else None
    return by_name.get(value.strip().casefold())


def _row(card: Card) -> str:
    return "; ".join(f"{p.name}:{p.text()}" for p in card.props if p.name in ("FN", "EMAIL", "ORG", "TITLE"))
