"""Detect departures from data: compare a fresh CRM export of an account's contacts with the store.

Behind ``kamgraph sync CONTACTS.csv --account ACCOUNT [--apply]``. Each row of
the export (format: :mod:`kamgraph.ingest.contacts`) is matched to a stakeholder of
the account by id, else by e-mail address (any case), else by name (any
case, accents, spacing or punctuation) when exactly one stakeholder has it.
Then:

* a stakeholder still active in the store is proposed as a **departure** when
  the export no longer lists them (``missing``; see below), flags them inactive
  (``inactive``; dated ``left_on`` when the row has one), names another
  employer (``company``: neither the account's name nor its id, after
  :func:`kamgraph.domain.names.same_company`), or gives an e-mail address whose
  domain is neither their stored one nor one of the account's domains
  (``email_domain``);
* **trivial** differences -- case, whitespace, punctuation, accents, legal
  suffixes such as Inc., Ltd, GmbH, S.A. -- are counted, never proposed;
* a real change of title is reported for information (not applied);
* a row matching nobody at the account is proposed as a **new stakeholder**
  (id: the row's id, else its e-mail address, else ``ACCOUNT-name``), unless it
  matches a stakeholder of another account, who is reported as having
  **moved here** instead;
* a holder of an opportunity role (default: champion) who turns up at another
  company, or who moved here from another account, is an **opportunity**.

**Partial exports.** An export that leaves out more than
``departures.max_missing_share`` (default half) of the account's active
stakeholders is taken as partial (a filtered or truncated export, not half
the account leaving): the people it leaves out are listed, not proposed. The
``missing`` argument overrides this: ``"propose"`` always proposes them,
``"ignore"`` never does.

**Departures inferred from absence are proposals.** A person the export
merely leaves out (``missing``) is proposed, but ``apply`` writes that
departure only when the export is declared complete (``missing="propose"``,
``kamgraph sync --complete``). Even then at most ``[sync]
max_inferred_departures`` people, and at most ``max_inferred_share`` of the
account's active stakeholders, are recorded as departed in one run: past that
cap the apply is refused (:class:`~kamgraph.errors.InputError`, nothing
written) unless ``max_departures`` allows that many for this run
(``--max-departures N``).

**Company names.** The export's company column is the account when it is the
account's name (trivially different), id, e-mail domain, one of its
``aliases`` or one of its ``crm_ids``. When most of the matched rows (and at
least three) name the *same* other company, that company is taken as an unrecorded name of the
account rather than a mass exodus: listed in ``unknown_companies``, not
proposed (record it in the account's ``aliases`` to match it).

With ``apply`` every proposal that may be applied (departures and new
stakeholders) is written in one transaction -- all or nothing. Departures keep
the person and their history, and the note someone wrote (the sync's finding
is added below it); ``moved_to`` is recorded. Nothing else a person typed is
overwritten.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from ..domain.dataset import Batch
from ..domain.models import Account, Stakeholder, Status, input_error_from_validation
from ..domain.names import company_key, email_domain, fold, match_account, person_key, same_company, same_domain
from ..errors import InputError
from ..ingest.contacts import ContactRow, read_contacts
from ..ingest.sniff import InputLimits
from ..settings import Settings
from ..store.base import GraphStore
from .departure import AccountRef

__all__ = ["NearMatch", "ProposedDeparture", "ProposedStakeholder", "MovedHere", "Opportunity", "InfoChange",
           "SyncPlan", "plan_sync", "plan_rows", "sync_contacts", "apply_plan"]


class ProposedDeparture(BaseModel):
    """A stakeholder the export says has left."""

    id: str
    name: str
    reason: str = Field(description="missing, inactive, company or email_domain.")
    detail: str
    line: int | None = Field(default=None, description="Line of the export row (None when missing).")
    left_on: dt.date
    moved_to: str | None = None
    moved_to_account: AccountRef | None = None
    key: bool
    buying_role: str | None = None
    threads: int = Field(description="Our staff with a thread to them on the sync date.")
    inferred: bool = Field(default=False, description=(
        "Inferred from absence (reason missing): applied only when the export is declared complete."))


class ProposedStakeholder(BaseModel):
    """A person in the export the store does not know."""

    line: int
    id: str
    name: str
    email: str | None = None
    title: str | None = None
    department: str | None = None
    buying_role: str | None = None


class MovedHere(BaseModel):
    """A stakeholder of another account who turns up in this export."""

    line: int
    id: str
    name: str
    from_account: AccountRef
    buying_role: str | None = None


class Opportunity(BaseModel):
    """A champion (or other opportunity role) seen at a new company."""

    id: str
    name: str
    buying_role: str
    text: str


class InfoChange(BaseModel):
    """A real change the sync reports but does not apply."""

    id: str
    name: str
    line: int
    field: str
    stored: str | None
    exported: str | None


class NearMatch(BaseModel):
    """A contact whose name is close to a stakeholder's but not the same: proposed, never created or merged."""

    line: int
    name: str
    candidates: list[AccountRef] = Field(description="Stakeholders of the account with a near name (id, name).")


class SyncPlan(BaseModel):
    """What a contacts export says about an account, and what was applied."""

    account: AccountRef
    file: str
    date: dt.date
    rows: int
    matched: int
    trivial: int = Field(description="Matched rows whose differences were all trivial.")
    departures: list[ProposedDeparture]
    new: list[ProposedStakeholder]
    moved_here: list[MovedHere]
    opportunities: list[Opportunity]
    changes: list[InfoChange]
    not_in_export: list[str] = Field(default_factory=list, description=(
        "Ids of active stakeholders the export leaves out, when it is taken as partial (not proposed)."))
    partial: bool = Field(default=False, description="The export was taken as partial: see not_in_export.")
    near_matches: list[NearMatch] = Field(default_factory=list, description=(
        "Rows whose name is near a stakeholder's ('Dan Cho' / 'Daniel Cho'): neither created nor departed; "
        "give the row the stakeholder's id or e-mail to match it, or a distinct name to add it."))
    complete: bool = Field(default=False, description="The export was declared complete (--complete).")
    inferred_cap: int = Field(default=0, description=(
        "How many departures inferred from absence one run may record ([sync] settings or --max-departures)."))
    held_back: list[str] = Field(default_factory=list, description=(
        "Ids of departures inferred from absence that applying does not write (the export is not declared "
        "complete)."))
    unknown_companies: dict[str, int] = Field(default_factory=dict, description=(
        "Other company names that many rows give (rows per name): taken as an unrecorded alias of the account, "
        "not as departures. Record them in the account's aliases."))
    applied: bool = False


#: Rows naming one other company, at least, before it is taken as an unrecorded name of the account (when they
#: are also most of the matched rows).
_ALIAS_ROWS = 3


def _same_employer(company: str, account: Account, suffixes: tuple[str, ...]) -> bool:
    """True when ``company`` names ``account``: its name (trivially different), id, a domain, an alias or a
    CRM id.

    Examples
    --------
    >>> nw = Account(id="northwind", name="Northwind Logistics", aliases=["NWL"], crm_ids=["0015g00000XyZ1"])
    >>> [_same_employer(c, nw, ()) for c in ("NORTHWIND LOGISTICS", "nwl", "0015G00000XYZ1", "Globex")]
    [True, True, True, False]
    """
    return (same_company(company, account.name, suffixes) or fold(company) == fold(account.id)
            or any(same_domain(company, d) for d in account.domains if "." in company and " " not in company)
            or any(same_company(company, alias, suffixes) or fold(company) == fold(alias) for alias in account.aliases)
            or any(fold(company) == fold(crm_id) for crm_id in account.crm_ids))


def inferred_cap(active: int, settings: Settings, override: int | None = None) -> int:
    """How many departures inferred from absence one sync may record: ``override`` when given, else the
    smaller of ``[sync] max_inferred_departures`` and ``max_inferred_share`` of the ``active`` stakeholders.

    Examples
    --------
    >>> inferred_cap(44, Settings()), inferred_cap(10, Settings()), inferred_cap(44, Settings(), 18)
    (5, 2, 18)
    """
    if override is not None:
        return override
    return min(settings.sync.max_inferred_departures, math.floor(settings.sync.max_inferred_share * active + 1e-9))


def _new_id(row: ContactRow, account: str) -> str:
    if row.id:
        return row.id
    if row.email:
        return row.email
    return f"{account}-" + re.sub(r"[^a-z0-9]+", "-", fold(row.name)).strip("-")


def plan_sync(store: GraphStore, path: str | Path, account_id: str, on: dt.date,
              settings: Settings | None = None, *, missing: Literal["auto", "propose", "ignore"] = "auto",
              max_departures: int | None = None) -> tuple[SyncPlan, Batch]:
    """Compare the export with the store (nothing is written).

    ``missing`` says what to do with active stakeholders the export leaves out
    (see the module docstring); ``max_departures`` overrides the cap on the
    departures inferred from absence that one run may record.

    Returns
    -------
    tuple
        The plan, and the batch that applying it writes.
    """
    limits = InputLimits.of((settings or Settings()).limits)
    return plan_rows(store, read_contacts(path, limits), str(path), account_id, on, settings, missing=missing,
                     max_departures=max_departures)


def plan_rows(store: GraphStore, rows: list[ContactRow], file: str, account_id: str, on: dt.date,
              settings: Settings | None = None, *, missing: Literal["auto", "propose", "ignore"] = "auto",
              max_departures: int | None = None) -> tuple[SyncPlan, Batch]:
    """:func:`plan_sync` for contact rows from anywhere (an export file, or a connector's pull).

    ``file`` names where the rows came from (in notes and errors). A pull
    passes the contacts it fetched here, so that their changes -- departures,
    new stakeholders, moves, opportunities -- follow exactly the rules of
    ``kamgraph sync``.
    """
    from ..graph.account_graph import build_account_graph

    settings = settings or Settings()
    suffixes = tuple(settings.departures.legal_suffixes)
    chances = set(settings.departures.opportunity_roles)
    account = store.find_account(account_id)
    snapshot = store.load_account(account.id, on)
    ag = build_account_graph(snapshot, on, settings)
    people = {p.id: p for p in snapshot.stakeholders}
    by_email = {p.email: p.id for p in snapshot.stakeholders if p.email}
    names = Counter(person_key(p.name) for p in snapshot.stakeholders)
    by_name = {person_key(p.name): p.id for p in snapshot.stakeholders if names[person_key(p.name)] == 1}
    others_cache: dict[str, list[Account]] = {}

    def others() -> list[Account]:
        """Our other accounts (loaded on first use: only moves and new people need them)."""
        if "all" not in others_cache:
            others_cache["all"] = [store.get_account(a.id) for a in store.list_accounts() if a.id != account.id]
        return others_cache["all"]

    plan = SyncPlan(account=AccountRef(id=account.id, name=account.name), file=file, date=on, rows=len(rows),
                    matched=0, trivial=0, departures=[], new=[], moved_here=[], opportunities=[], changes=[])

    def role(p: Stakeholder) -> str | None:
        return p.buying_role.value if p.buying_role else None

    def depart(p: Stakeholder, reason: str, detail: str, line: int | None, left_on: dt.date,
               moved_to: str | None = None) -> None:
        target = match_account(others(), moved_to, suffixes) if moved_to else None
        plan.departures.append(ProposedDeparture(
            id=p.id, name=p.name, reason=reason, detail=detail, line=line, left_on=left_on, moved_to=moved_to,
            moved_to_account=AccountRef(id=target.id, name=target.name) if target else None, key=p.id in ag.key,
            buying_role=role(p), threads=len(ag.threads.get(p.id, []))))
        if moved_to and p.buying_role in chances:
            where = f"{target.name} ({target.id}), one of our accounts" if target else moved_to
            plan.opportunities.append(Opportunity(
                id=p.id, name=p.name, buying_role=p.buying_role.value,  # type: ignore[union-attr]
                text=f"{p.name} ({p.buying_role.value.replace('_', ' ')}) moved to {where}: "  # type: ignore[union-attr]
                     "a warm contact at a new company"))

    matched: set[str] = set()
    unmatched: list[ContactRow] = []
    elsewhere: dict[str, list[tuple[Stakeholder, ContactRow]]] = {}
    for row in rows:
        pid = (row.id if row.id in people else None) or (by_email.get(row.email) if row.email else None) \
            or by_name.get(person_key(row.name))
        if pid is None or pid in matched:
            unmatched.append(row)
            continue
        matched.add(pid)
        plan.matched += 1
        p = people[pid]
        if not p.is_active(on):
            continue
        trivial = False
        if row.active is False:
            depart(p, "inactive", "flagged inactive in the export", row.line, row.left_on or on, row.moved_to)
            continue
        if row.company:
            if not _same_employer(row.company, account, suffixes):
                elsewhere.setdefault(company_key(row.company, suffixes), []).append((p, row))
                continue
            trivial |= row.company != account.name
        if row.email and p.email and row.email != p.email:
            if not (same_domain(row.email, p.email) or any(same_domain(row.email, d) for d in account.domains)):
                target = match_account(others(), row.email, suffixes)
                domain = email_domain(row.email)
                depart(p, "email_domain", f"e-mail moved from {email_domain(p.email)} to {domain}", row.line, on,
                       target.name if target else domain)
                continue
            plan.changes.append(InfoChange(id=p.id, name=p.name, line=row.line, field="email", stored=p.email,
                                           exported=row.email))
        for field, stored, exported in (("name", p.name, row.name), ("title", p.title, row.title),
                                        ("department", p.department, row.department)):
            if not stored or not exported or stored == exported:
                continue
            if fold(stored) == fold(exported):
                trivial = True
            elif field != "department":
                plan.changes.append(InfoChange(id=p.id, name=p.name, line=row.line, field=field, stored=stored,
                                               exported=exported))
        plan.trivial += trivial
    active = sum(1 for p in people.values() if p.is_active(on))
    plan.inferred_cap = inferred_cap(active, settings, max_departures)
    for found in elsewhere.values():
        if len(found) >= _ALIAS_ROWS and len(found) * 2 > plan.matched:
            # Many rows naming one other company: an unrecorded name of this account, not an exodus.
            plan.unknown_companies[found[0][1].company or ""] = len(found)
            continue
        for p, row in found:
            depart(p, "company", f"the export names another employer: {row.company!r}", row.line, on, row.company)
    unmatched = _near_matches(plan, unmatched, [p for pid, p in sorted(people.items())
                                                if pid not in matched and p.is_active(on)], matched)
    absent = [pid for pid, p in sorted(people.items()) if pid not in matched and p.is_active(on)]
    share = len(absent) / active if active else 0.0
    plan.complete = missing == "propose"
    plan.partial = missing == "ignore" or (missing == "auto" and share > settings.departures.max_missing_share)
    if plan.partial:
        plan.not_in_export = absent
    else:
        how = "not in the export" if plan.complete else \
            "not in the export (a proposal: written only when the export is declared complete, --complete)"
        for pid in absent:
            depart(people[pid], "missing", how, None, on)
            plan.departures[-1].inferred = True
    inferred = [d.id for d in plan.departures if d.inferred]
    if not plan.complete:
        plan.held_back = inferred

    batch = Batch()
    for d in plan.departures:
        if d.id in plan.held_back:
            continue
        found = f"kamgraph sync {Path(file).name}: {d.detail}"
        kept = people[d.id].note  # a note someone wrote is kept; the sync's finding is added below it
        batch.stakeholders.append(people[d.id].model_copy(update={
            "status": Status.LEFT, "left_on": d.left_on, "moved_to": d.moved_to,
            "note": f"{kept}\n{found}" if kept else found}))
    _new_people(store, plan, batch, unmatched, account, others() if unmatched else [], chances, file)
    return plan, batch


def _near_matches(plan: SyncPlan, rows: list[ContactRow], candidates: list[Stakeholder], matched: set[str]
                  ) -> list[ContactRow]:
    """Set aside the rows whose name is near an unmatched stakeholder's; return the others.

    The stakeholders named as candidates count as matched, so a near name never both creates a duplicate and
    marks the stakeholder departed for being missing.
    """
    from ..domain.people import near_matches

    left: list[ContactRow] = []
    names = [p.name for p in candidates]
    for row in rows:
        near = near_matches(row.name, names) if names else []
        if not near:
            left.append(row)
            continue
        found = [p for p in candidates if p.name in near]
        plan.near_matches.append(NearMatch(line=row.line, name=row.name,
                                           candidates=[AccountRef(id=p.id, name=p.name) for p in found]))
        matched.update(p.id for p in found)
    return left


def _new_people(store: GraphStore, plan: SyncPlan, batch: Batch, rows: list[ContactRow], account: Account,
                others: list[Account], chances: set[object], file: str) -> None:
    """Rows matching nobody at the account: moved here from another account, or new stakeholders."""
    if not rows:
        return
    elsewhere = store.list_stakeholders([a.id for a in others]) if others else []
    ids = {p.id: p for p in elsewhere}
    emails = {p.email: p for p in elsewhere if p.email}
    names = Counter(person_key(p.name) for p in elsewhere)
    by_name = {person_key(p.name): p for p in elsewhere if names[person_key(p.name)] == 1}
    account_names = {a.id: a.name for a in others}
    new_ids = {_new_id(r, account.id): r for r in rows}
    taken, _ = store.known_ids(list(new_ids), ())
    for row in rows:
        found = (ids.get(row.id) if row.id else None) or (emails.get(row.email) if row.email else None) \
            or by_name.get(person_key(row.name))
        if found is not None:
            plan.moved_here.append(MovedHere(line=row.line, id=found.id, name=found.name,
                                             from_account=AccountRef(id=found.account,
                                                                     name=account_names[found.account]),
                                             buying_role=found.buying_role.value if found.buying_role else None))
            if found.buying_role in chances:
                plan.opportunities.append(Opportunity(
                    id=found.id, name=found.name, buying_role=found.buying_role.value,  # type: ignore[union-attr]
                    text=f"{found.name}, {found.buying_role.value.replace('_', ' ')} at "  # type: ignore[union-attr]
                         f"{account_names[found.account]}, now appears at {account.name}: a warm contact here"))
            continue
        pid = _new_id(row, account.id)
        if pid in taken:
            raise InputError(f"{pid!r} is already used by a {taken[pid]} who does not match this contact",
                             file=file, line=row.line, field="id" if row.id else "email")
        if row.reports_to and row.reports_to not in new_ids and not store.known_ids([row.reports_to], ())[0]:
            raise InputError(f"unknown person {row.reports_to!r}", file=file, line=row.line, field="reports_to")
        data = {"id": pid, "account": account.id, "name": row.name, "email": row.email, "title": row.title,
                "department": row.department, "seniority": row.seniority, "buying_role": row.buying_role,
                "reports_to": row.reports_to}
        if row.influence is not None:
            data["influence"] = row.influence
        try:
            person = Stakeholder.model_validate({k: v for k, v in data.items() if v is not None})
        except ValidationError as exc:
            raise input_error_from_validation(exc, file=file, line=row.line, data=data) from None
        batch.stakeholders.append(person)
        plan.new.append(ProposedStakeholder(line=row.line, id=pid, name=row.name, email=row.email, title=row.title,
                                            department=row.department,
                                            buying_role=row.buying_role.value if row.buying_role else None))


def sync_contacts(store: GraphStore, path: str | Path, account_id: str, on: dt.date,
                  settings: Settings | None = None, *, apply: bool = False,
                  missing: Literal["auto", "propose", "ignore"] = "auto", max_departures: int | None = None
                  ) -> SyncPlan:
    """Plan the sync and, with ``apply``, write every proposal that may be applied in one transaction
    (all or nothing; see the module docstring for departures inferred from absence and their cap)."""
    plan, batch = plan_sync(store, path, account_id, on, settings, missing=missing, max_departures=max_departures)
    if apply:
        apply_plan(store, plan, batch)
    return plan


def apply_plan(store: GraphStore, plan: SyncPlan, batch: Batch) -> SyncPlan:
    """Write a plan's batch in one transaction (all or nothing) and mark the plan applied.

    Raises
    ------
    InputError
        When the batch would record more departures inferred from absence than ``plan.inferred_cap``
        (nothing is written).
    """
    writing = [d for d in plan.departures if d.inferred and d.id not in plan.held_back]
    if len(writing) > plan.inferred_cap:
        raise InputError(f"{len(writing)} departures inferred from absence, over the cap of {plan.inferred_cap} "
                         "per run ([sync] max_inferred_departures / max_inferred_share); nothing written: check "
                         f"the export, or allow them with --max-departures {len(writing)}",
                         file=plan.file, field="complete")
    if len(batch):
        store.import_batch(batch)
        plan.applied = True
    return plan
