"""vCard files (``.vcf``, vCard 2.1, 3.0 and 4.0) into stakeholders, staff and reporting lines.

Cards are parsed by ``vobject`` (quoted-printable vCard 2.1 values from
Outlook, folding, parameters); this module gives them their meaning.

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

A card of an organisation, a group or a place (vCard 4.0 ``KIND:org``,
``group``, ``location``; Apple's ``X-ADDRESSBOOKSERVER-KIND:group``) is not a
person and is skipped with its reason. A card whose address is in one of our domains (``[ingest] our_domains``) or
belongs to a staff member is staff; any other card needs an account (from
``ORG`` or the e-mail domain) and is skipped without one. A card that matches
a known person by e-mail updates that person; a new one gets the e-mail
address as id (as calendar imports do), else ``vcard-<UID>``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def _prop(line: Any) -> Prop:
    """A vobject content line as a :class:`Prop` (bare vCard 2.1 parameters become types)."""
    params: dict[str, list[str]] = {str(k).upper(): [str(v) for v in vs] for k, vs in line.params.items()}
    if line.singletonparams:
        params.setdefault("TYPE", []).extend(str(v) for v in line.singletonparams)
    return Prop(str(line.name).upper(), params, str(line.value), str(line.group or "").upper())


def parse_cards(path: str | Path) -> list[Card]:
    """Every card of a ``.vcf`` file, parsed by ``vobject`` (vCard 2.1, 3.0 and 4.0).

    vobject undoes vCard 2.1's quoted-printable values (Outlook's
    ``FN;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen``) and reads the parameters;
    values are kept as written (escaped), :class:`Prop` undoes the escapes.
    Lines are unfolded here first, as bytes, so that a fold inside a UTF-8
    character is harmless and errors name the line of the file.

    Raises
    ------
    InputError
        For a file with no card, a card that is not closed, or a line vobject cannot read.
    """
    import vobject
    from vobject.base import ParseError

    path = Path(path)
    name = str(path)
    numbers: list[int] = []
    texts: list[str] = []
    for number, raw in _logical_lines(path.read_bytes()):
        text = decode_text(raw, name)
        if text.strip():
            numbers.append(number)
            texts.append(text)
    depth, begin = 0, 1
    for number, text in zip(numbers, texts, strict=True):  # vobject's own message for these is vague
        upper = text.strip().upper()
        if upper == "BEGIN:VCARD":
            if depth:
                raise InputError("a card starts before the previous one ends (END:VCARD)", file=name, line=begin)
            depth, begin = 1, number
        elif upper == "END:VCARD":
            if not depth:
                raise InputError("END:VCARD without BEGIN:VCARD", file=name, line=number)
            depth = 0
    if depth:
        raise InputError("the card is not closed (END:VCARD missing)", file=name, line=begin)
    starts = [n for n, t in zip(numbers, texts, strict=True) if t.strip().upper() == "BEGIN:VCARD"]
    if not starts:
        raise InputError("not a vCard file (no BEGIN:VCARD)", file=name, line=1)
    cards: list[Card] = []
    try:
        for index, component in enumerate(vobject.readComponents("\r\n".join(texts) + "\r\n",
                                                                 transform=False, allowQP=True)):
            card = Card(name, starts[index] if index < len(starts) else 1)
            card.props = [_prop(line) for line in component.getChildren() if hasattr(line, "value")]
            cards.append(card)
    except ParseError as exc:
        at = getattr(exc, "lineNumber", None)
        line = numbers[at - 1] if isinstance(at, int) and 0 < at <= len(numbers) else None
        problem = str(getattr(exc, "message", "") or exc).strip() or "cannot read the line"
        raise InputError(f"not a vCard line ({problem})", file=name, line=line) from None
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
        kind = card.get("KIND") or card.get("X-ADDRESSBOOKSERVER-KIND")
        if kind is not None and kind.text().lower() not in ("", "individual"):
            parsed.skip(card.file, card.line, "not a person", f"KIND:{kind.text().lower()}", _row(card))
            continue
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
