"""Finding a person the way people name them: by id, e-mail address or name.

The text views never show ids, so every command that takes a person accepts
what a reader has in front of them. :func:`match_people` tries, in order,
and stops at the first step that finds anyone:

1. the id, exactly;
2. the e-mail address (case does not matter);
3. the name exactly as written;
4. the name ignoring case, accents, punctuation and the order of
   "Last, First" (names are parsed with nameparser, so "Fischer, Lena",
   "Dr. Lena Fischer" and "Lena Fischer (ext)" are all Lena Fischer);
5. a unique prefix of the name ("Lena F", "lena").

:func:`resolve_person` wants exactly one match: none or several is an
:class:`~kamgraph.errors.InputError` (exit 2) listing the candidates with
their ids and accounts. :func:`near_matches` proposes names that are close
but not equal ("Dan Cho" / "Daniel Cho"), for importers and ``sync`` that
must propose, never silently merge.

Examples
--------
>>> from kamgraph.domain.models import Stakeholder
>>> people = [Stakeholder(id="st-lena", name="Lena Fischer", account="northwind", email="lena.fischer@nw.example"),
...           Stakeholder(id="st-leni", name="Leni Fischer", account="globex")]
>>> [p.id for p in match_people("fischer, LENA", people)], resolve_person("LENA.fischer@nw.example", people).id
(['st-lena'], 'st-lena')
>>> [p.id for p in match_people("Len", people)]
['st-lena', 'st-leni']
>>> near_matches("Lena Fischr", ["Lena Fischer", "Paul Nguyen"])
['Lena Fischer']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from ..errors import InputError
from .models import Staff, Stakeholder
from .names import person_key

__all__ = ["parse_name", "name_key", "match_people", "resolve_person", "describe", "near_matches",
           "NEAR_CUTOFF"]

P = TypeVar("P", Stakeholder, Staff, Stakeholder | Staff)

#: The least rapidfuzz score (0-100) for :func:`near_matches` to propose a name.
NEAR_CUTOFF = 80.0


def parse_name(text: str) -> str:
    """A person's name as "First Middle Last", whatever order and decoration it was written in.

    Titles ("Dr."), suffixes ("Jr.") and nicknames or notes in brackets ("(ext)")
    are dropped; "Last, First" is turned round. Parsing is nameparser's.

    Examples
    --------
    >>> parse_name("Fischer, Lena"), parse_name("Lena Maria Fischer (ext)"), parse_name("Dr. Lena Fischer")
    ('Lena Fischer', 'Lena Maria Fischer', 'Lena Fischer')
    >>> parse_name("Cher"), parse_name("  ")
    ('Cher', '')
    """
    from nameparser import HumanName

    text = " ".join(text.split())
    if not text:
        return ""
    human = HumanName(text)
    parts = [human.first, human.middle, human.last]
    name = " ".join(p for p in parts if p)
    return name or text


def name_key(text: str) -> str:
    """:func:`parse_name`, then case, accents and punctuation folded (:func:`~kamgraph.domain.names.person_key`).

    Examples
    --------
    >>> name_key("Fischer, LENA") == name_key("léna fischer (ext)")
    True
    """
    return person_key(parse_name(text))


def match_people(query: str, people: Iterable[P]) -> list[P]:
    """Everyone ``query`` could mean, by the first step of the module's order that finds anyone."""
    pool = list(people)
    text = " ".join(query.split())
    if not text:
        return []
    steps = [
        lambda p: p.id == text,
        lambda p: bool(p.email) and p.email.lower() == text.lower(),
        lambda p: p.name == text,
    ]
    for step in steps:
        found = [p for p in pool if step(p)]
        if found:
            return found
    key = name_key(text)
    plain = person_key(text)
    if not key:
        return []
    found = [p for p in pool if person_key(p.name) in (key, plain)]
    if found:
        return found
    return [p for p in pool if person_key(p.name).startswith(plain) or person_key(p.name).startswith(key)]


def describe(person: Stakeholder | Staff) -> str:
    """One line naming a person for a list of candidates: name, id, kind and account(s).

    Examples
    --------
    >>> describe(Stakeholder(id="st-lena", name="Lena Fischer", account="northwind"))
    'Lena Fischer (id st-lena, stakeholder at northwind)'
    """
    if isinstance(person, Stakeholder):
        where = f"stakeholder at {person.account}"
    else:
        where = "staff" + (f" on {', '.join(person.accounts)}" if person.accounts else "")
    left = ", left" if person.status == "left" else ""
    return f"{person.name} (id {person.id}, {where}{left})"


def resolve_person(query: str, people: Iterable[P], *, field: str = "person") -> P:
    """The one person ``query`` means; an :class:`~kamgraph.errors.InputError` (exit 2) for none or several.

    Examples
    --------
    >>> from kamgraph.domain.models import Staff
    >>> team = [Staff(id="s1", name="Dan Cho"), Staff(id="s2", name="Dana Cho")]
    >>> resolve_person("Dan", team)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kamgraph.errors.InputError: person: 'Dan' could mean 2 people: Dan Cho (id s1, staff); Dana Cho (id s2, ...
    >>> resolve_person("dan cho", team).id
    's1'
    """
    found = match_people(query, people)
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError(f"no stakeholder or staff member is called {query!r} (try an id, an e-mail address, "
                         "or 'kamgraph people' for the list)", field=field)
    shown = "; ".join(describe(p) for p in found[:10])
    more = f"; and {len(found) - 10} more" if len(found) > 10 else ""
    raise InputError(f"{query!r} could mean {len(found)} people: {shown}{more} -- give the id or the e-mail "
                     "address", field=field)


def near_matches(name: str, candidates: Sequence[str], *, cutoff: float = NEAR_CUTOFF,
                 limit: int = 5) -> list[str]:
    """Names among ``candidates`` close to ``name`` but not the same person for sure, best first.

    For proposing a match ("is 'Dan Cho' the 'Daniel Cho' we know?") instead
    of creating a duplicate or merging silently. Names are compared by
    :func:`name_key` with rapidfuzz's ``WRatio``; a shortened first name
    ("Dan" for "Daniel") with the same last name also counts.

    Examples
    --------
    >>> near_matches("Dan Cho", ["Daniel Cho", "Dana Scully", "Paul Nguyen"])
    ['Daniel Cho']
    >>> near_matches("Cho, Daniel", ["Daniel Cho"]), near_matches("Paul", ["Lena Fischer"])
    (['Daniel Cho'], [])
    """
    from rapidfuzz import fuzz

    key = name_key(name)
    if not key:
        return []
    words = key.split()
    scored: list[tuple[float, int, str]] = []
    for index, candidate in enumerate(candidates):
        other = name_key(candidate)
        if not other:
            continue
        score = float(fuzz.WRatio(key, other))
        theirs = other.split()
        if (len(words) >= 2 and len(theirs) >= 2 and words[-1] == theirs[-1]
                and (theirs[0].startswith(words[0]) or words[0].startswith(theirs[0]))):
            score = max(score, 90.0)
        if score >= cutoff:
            scored.append((-score, index, candidate))
    scored.sort()
    return [c for _, _, c in scored[:limit]]
