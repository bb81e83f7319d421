"""HubSpot CSV exports: companies and contacts.

Both the labels HubSpot writes by default (``Record ID``, ``Company name``,
``Job Title``, ``Buying Role``) and the internal property names
(``hs_object_id``, ``name``, ``jobtitle``, ``hs_buying_role``) are read.

* **Companies** -> accounts with id ``hs-<Record ID>``: ``Company name``,
  ``Company Domain Name`` plus ``Additional Domains``, ``Industry``
  (segment), ``Ideal Customer Profile Tier`` (tier).
* **Contacts** -> stakeholders with id ``hs-<Record ID>``: first and last
  name, ``Email``, ``Job Title``, ``Department``, ``Seniority``, ``Buying
  Role``. The account is the associated company (by id, else by name, else
  the e-mail domain of a known account); contacts with none are skipped.

``Buying Role`` is a multi-select (values separated by ``;``); kamgraph keeps
one role per stakeholder, the most decisive one (:data:`ROLE_ORDER`).
HubSpot's roles map as: Budget Holder -> economic_buyer, Decision Maker ->
decision_maker, Executive Sponsor -> decision_maker, Champion -> champion,
Influencer -> influencer, End User -> user, Legal and Compliance ->
gatekeeper, Blocker -> blocker; Other is ignored.

A contact whose e-mail address belongs to a known stakeholder updates that
stakeholder; a company whose name or domain belongs to a known account
updates that account. The import notes which HubSpot record each was read from
(its provenance, source ``hubspot``), so that a contacts export imported later
finds a company stored under the id it was matched to.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..domain.models import Account, BuyingRole, Stakeholder
from ..errors import InputError, StoreError
from .directory import Directory, clean_email, domain_of_site, email_domain
from .parsed import Origin, Parsed, validate_record
from .progress import SILENT, Progress
from .tabular import Row, Table, norm, read_table

__all__ = ["read_hubspot", "looks_like_hubspot", "buying_role", "ROLE_ORDER", "ID_PREFIX", "SOURCE"]

#: Prefix of the ids of records imported from HubSpot.
ID_PREFIX = "hs-"
#: The source HubSpot records are noted as (as the connector's pull notes them).
SOURCE = "hubspot"

_HALLMARKS = {"recordid", "hsobjectid", "hsbuyingrole", "associatedcompanyid",
              "associatedcompanyids", "primaryassociatedcompanyid", "companydomainname", "hubspotownerid",
              "lifecyclestage", "hsadditionaldomains", "associatedcompany"}

_ROLES = {"budget_holder": "economic_buyer", "decision_maker": "decision_maker",
          "executive_sponsor": "decision_maker", "champion": "champion", "influencer": "influencer",
          "end_user": "user", "legal_and_compliance": "gatekeeper", "blocker": "blocker", "other": None}

#: Most decisive first: which of several buying roles a stakeholder keeps.
ROLE_ORDER = ("economic_buyer", "decision_maker", "champion", "technical_buyer", "blocker", "influencer",
              "gatekeeper", "coach", "user")

_SENIORITY = {"owner": "c_level", "founder": "c_level", "c_suite": "c_level", "partner": "c_level",
              "executive": "c_level", "vp": "vp", "head": "director", "director": "director",
              "manager": "manager", "senior": "individual", "entry": "individual", "intern": "individual",
              "employee": "individual"}

_ID = ("recordid", "hsobjectid", "recordidcontact", "recordidcompany", "contactid", "companyid", "vid")
_COMPANY_ID = ("associatedcompanyid", "primaryassociatedcompanyid", "associatedcompanyids",
               "associatedcompanyidprimary", "associatedcompanyidsprimary")
_COMPANY_NAME = ("associatedcompany", "companyname", "company", "associatedcompanyname")


def looks_like_hubspot(header: Sequence[str]) -> bool:
    """True when a CSV header has columns only HubSpot exports have."""
    return bool({norm(h) for h in header} & _HALLMARKS)


def _token(value: str) -> str:
    return "_".join(value.strip().lower().replace("-", " ").replace("&", "and").split())


def buying_role(value: str | None) -> str | None:
    """kamgraph's buying role for a HubSpot ``hs_buying_role`` cell (one value or several).

    Examples
    --------
    >>> buying_role("CHAMPION;BUDGET_HOLDER"), buying_role("End User"), buying_role("Other"), buying_role("")
    ('economic_buyer', 'user', None, None)
    """
    roles = set()
    for part in (value or "").split(";"):
        token = _token(part)
        if not token:
            continue
        if token in _ROLES:
            role = _ROLES[token]
        else:
            try:
                role = BuyingRole(token).value
            except ValueError:
                role = None
        if role:
            roles.add(role)
    return next((r for r in ROLE_ORDER if r in roles), None)


def _is_contacts(table: Table) -> bool:
    cols = set(table.original)
    if cols & {"firstname", "lastname", "email", "jobtitle", "hsbuyingrole", "buyingrole", "contactowner"}:
        return True
    return "contact" in table.path.stem.lower() and not cols & {"companydomainname", "domain"}


def _record_id(row: Row) -> str:
    value = row.get(*_ID)
    if value is None:
        raise row.error("required, but empty", *_ID)
    return ID_PREFIX + value.removesuffix(".0")


def _companies(table: Table, directory: Directory, parsed: Parsed, progress: Progress,
               alias: dict[str, str]) -> None:
    for row in table.rows:
        progress.advance()
        rid = _record_id(row)
        name = row.get("companyname", "name")
        if name is None:
            raise row.error("a company name is required, but the row has none", "companyname", "name")
        domains = []
        for cell in (row.get("companydomainname", "domain", "website", "websiteurl"),
                     row.get("additionaldomains", "hsadditionaldomains")):
            for part in (cell or "").replace(",", ";").split(";"):
                if site := domain_of_site(part):
                    domains.append(site)
        known = (directory.account(rid) and rid) or (name and directory.account_by_name(name)) or next(
            (a for a in (directory.account_for_domain(d) for d in domains) if a), None)
        alias[rid] = known or rid
        data: dict[str, object] = {"id": known or rid, "name": name, "domains": domains}
        if segment := row.get("industry"):
            data["segment"] = segment.replace("_", " ").title() if segment.isupper() else segment
        if tier := row.get("idealcustomerprofiletier", "hsidealcustomerprofile"):
            data["tier"] = tier.lower().replace(" ", "_")
        account = validate_record(Account, data, table.name, row.line).record
        directory.keep(parsed, account, table.name, row.line)
        parsed.origins.append(Origin("account", account.id, SOURCE, rid.removeprefix(ID_PREFIX)))


def _stored_as(directory: Directory, rid: str) -> str | None:
    """The account an earlier import or pull wrote this HubSpot company as, when no account has its id ``rid``
    (a company matched by name or domain keeps the stored account's id)."""
    if directory.account(rid) is not None:
        return None
    try:
        entries = directory.store.provenance_from(SOURCE, [rid.removeprefix(ID_PREFIX)])
    except StoreError:  # a store that keeps no provenance
        return None
    return next((e.record_id for e in entries if e.kind == "account"), None)


def _contacts(table: Table, directory: Directory, parsed: Parsed, progress: Progress,
              alias: dict[str, str]) -> None:
    for row in table.rows:
        progress.advance()
        rid = _record_id(row)
        email = clean_email(row.get("email"))
        account = None
        if company := row.get(*_COMPANY_ID):
            first = ID_PREFIX + company.replace(",", ";").split(";")[0].strip().removesuffix(".0")
            if first not in alias:  # looked up once per company id, whatever the number of its contacts
                alias[first] = _stored_as(directory, first) or first
            first = alias[first]
            account = first if directory.account(first) else None
        if account is None and (label := row.get(*_COMPANY_NAME)):
            account = directory.account_by_name(label)
        if account is None and email:
            account = directory.account_for_domain(email_domain(email))
        if account is None:
            parsed.skip(table.name, row.line, "no company", row.get(*_COMPANY_ID, *_COMPANY_NAME) or "", row.raw)
            continue
        known = directory.by_email(email)
        name = " ".join(p for p in (row.get("firstname"), row.get("lastname")) if p) or row.get("name") or email
        data: dict[str, object] = {"id": known.id if isinstance(known, Stakeholder) else rid,
                                   "account": account, "name": name, "verified": True}
        if email:
            data["email"] = email
        if title := row.get("jobtitle", "title"):
            data["title"] = title
        if department := row.get("department"):
            data["department"] = department
        level = _SENIORITY.get(_token(row.get("seniority", "hsseniority") or ""))
        if level:
            data["seniority"] = level
        role = buying_role(row.get("buyingrole", "hsbuyingrole"))
        if role:
            data["buying_role"] = role
        person = validate_record(Stakeholder, data, table.name, row.line).record
        directory.keep(parsed, person, table.name, row.line)
        parsed.origins.append(Origin("stakeholder", person.id, SOURCE, rid.removeprefix(ID_PREFIX)))


def read_hubspot(paths: Sequence[str | Path], directory: Directory, *, progress: Progress = SILENT) -> Parsed:
    """Read HubSpot company and contact exports (companies first, whatever the order given).

    Raises
    ------
    InputError
        ``FILE:LINE: COLUMN: problem`` for a row without a record id or a name.
    """
    tables = [read_table(p) for p in paths]
    parsed = Parsed(sources=[t.name for t in tables])
    alias: dict[str, str] = {}
    for table in tables:
        if not _is_contacts(table):
            if not table.has("companyname", "name"):
                raise InputError("a HubSpot company export needs a 'Company name' column", file=table.name,
                                 line=1)
            _companies(table, directory, parsed, progress, alias)
    for table in tables:
        if _is_contacts(table):
            _contacts(table, directory, parsed, progress, alias)
    return parsed
