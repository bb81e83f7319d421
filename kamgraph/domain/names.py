"""Comparing names the way people write them: companies, people, e-mail domains.

A CRM export and the store rarely spell things the same way. These helpers
decide when two spellings mean the same thing, so that only **real** changes
(another employer, another e-mail domain) count as departures:

* :func:`company_key` -- case, accents, whitespace, punctuation, ``&``/``and``,
  a leading "The" and legal-form words at the end ("Inc.", "Ltd", "GmbH & Co.
  KG", "S.A.", "plc", ...) do not matter;
* :func:`same_company` -- equal keys, or one key is the other followed by more
  words ("Northwind" and "Northwind Logistics GmbH");
* :func:`person_key` -- case, accents, whitespace and punctuation do not matter;
* :func:`email_domain` / :func:`same_domain` -- a domain and its sub-domains
  are the same organisation (``uk.acme.com`` and ``acme.com``).

Examples
--------
>>> company_key("NORTHWIND  Logistics, Inc."), company_key("Northwind Logistics GmbH & Co. KG")
('northwind logistics', 'northwind logistics')
>>> same_company("Acme Robotics S.A.", "acme robotics"), same_company("Acme Robotics", "Contoso Retail")
(True, False)
>>> person_key("  Zoë  O'Brien "), same_domain("ANA@UK.Acme.com", "acme.com")
('zoe obrien', True)
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from .models import Account

__all__ = ["DEFAULT_LEGAL_SUFFIXES", "fold", "company_key", "same_company", "person_key", "email_domain",
           "same_domain", "match_account"]

#: Legal-form words ignored at the end of a company name (``DepartureSettings.legal_suffixes`` by default).
DEFAULT_LEGAL_SUFFIXES = ("inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc",
                          "llp", "lp", "plc", "gmbh", "mbh", "ag", "kg", "se", "sa", "sas", "sarl", "srl", "spa",
                          "bv", "nv", "oy", "oyj", "ab", "as", "asa", "aps", "pty", "kk")

_JOINED_LETTERS = re.compile(r"\b(?:[a-z]\.){2,}")  # s.a.  b.v.  s.p.a.


def fold(text: str) -> str:
    """Lower case without accents, apostrophes or punctuation; words separated by one space.

    Examples
    --------
    >>> fold("  Société Générale S.A. ")
    'societe generale sa'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = _JOINED_LETTERS.sub(lambda m: m.group(0).replace(".", "") + " ", text)
    text = re.sub(r"['’`´]", "", text)
    text = text.replace("&", " and ")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=16)
def _legal_words(suffixes: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(s) for s in suffixes) | {"and"}


def company_key(name: str, suffixes: Iterable[str] = DEFAULT_LEGAL_SUFFIXES) -> str:
    """A company name reduced to what identifies it (see the module docstring)."""
    words = fold(name).split()
    legal = _legal_words(tuple(suffixes))
    while len(words) > 1 and words[-1] in legal:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def same_company(a: str, b: str, suffixes: Iterable[str] = DEFAULT_LEGAL_SUFFIXES) -> bool:
    """True when two spellings name the same company (equal keys, or one key starts the other)."""
    suffixes = tuple(suffixes)
    ka, kb = company_key(a, suffixes).split(), company_key(b, suffixes).split()
    if not ka or not kb:
        return False
    short, long = sorted((ka, kb), key=len)
    return long[:len(short)] == short


def person_key(name: str) -> str:
    """A person's name for matching: folded (see :func:`fold`)."""
    return fold(name)


def email_domain(email: str | None) -> str | None:
    """The domain of an e-mail address, lower case (None when there is none).

    Examples
    --------
    >>> email_domain(" Lena.Fischer@Northwind-Logistics.example "), email_domain("nobody")
    ('northwind-logistics.example', None)
    """
    if not email or "@" not in email:
        return None
    domain = email.strip().rsplit("@", 1)[1].strip().lower().rstrip(".")
    return domain or None


def same_domain(a: str | None, b: str | None) -> bool:
    """True when two addresses or domains belong to the same organisation (a domain and its sub-domains)."""
    da = email_domain(a) if a and "@" in a else (a.strip().lower() if a else None)
    db = email_domain(b) if b and "@" in b else (b.strip().lower() if b else None)
    if not da or not db:
        return False
    return da == db or da.endswith("." + db) or db.endswith("." + da)


def match_account(accounts: Sequence[Account], text: str,
                  suffixes: Iterable[str] = DEFAULT_LEGAL_SUFFIXES) -> Account | None:
    """The account a company name, account id, e-mail address or domain points to, if exactly one does.

    Examples
    --------
    >>> accs = [Account(id="contoso", name="Contoso Retail", domains=["contoso.example"]),
    ...         Account(id="acme", name="Acme Robotics")]
    >>> [getattr(match_account(accs, t), "id", None) for t in ("contoso", "CONTOSO RETAIL LTD",
    ...                                                         "x@shop.contoso.example", "Globex")]
    ['contoso', 'contoso', 'contoso', None]
    """
    text = text.strip()
    if not text:
        return None
    for account in accounts:
        if account.id == text:
            return account
    suffixes = tuple(suffixes)
    if "@" in text or ("." in text and " " not in text):
        found = [a for a in accounts if any(same_domain(text, d) for d in a.domains)]
        if len(found) == 1:
            return found[0]
    key = company_key(text, suffixes)
    found = [a for a in accounts if company_key(a.name, suffixes) == key]
    if len(found) == 1:
        return found[0]
    found = [a for a in accounts if same_company(a.name, text, suffixes)]
    return found[0] if len(found) == 1 else None
