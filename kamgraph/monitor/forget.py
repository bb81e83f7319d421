"""Erase a person, or an account, everywhere: ``kamgraph forget``.

Stakeholders are people with rights over their data. :func:`forget` removes
from a store every record of the people named (and, for an account, of the
account and all its stakeholders): the person, their attendances, the
meetings nobody of the client side attends any more, reporting lines, ties,
competitor ties, objectives about them, provenance and analysis-snapshot rows
(:meth:`kamgraph.store.base.GraphStore.erase`). Their names and e-mail
addresses are taken out of the free text that stays (kept meeting subjects,
other people's notes). The alert state loses every alert that mentions them
(by id, name or address, also inside its data), their entries in the facts of
the last checks, and every undelivered webhook payload's alerts about them (a
payload left with none is dropped; one that keeps others is written again
without them). Nothing about them is kept -- not even a count in the store:
the counts of what was erased are returned to the caller, and that is all.

Exports and reports written before the erasure are files outside the store:
they are the user's to delete.

Examples
--------
>>> from kamgraph.samples.demo import build_demo
>>> from kamgraph.store.sqlite import SqliteStore
>>> store = SqliteStore(":memory:")
>>> _ = store.import_batch(build_demo())
>>> person = store.list_stakeholders()[0]
>>> result = forget(store, people=[person.id])
>>> result.counts.stakeholders, person.id in store.get_people([person.id])
(1, False)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from ..domain.alert_state import AccountCheck, AlertRecord, Delivery
from ..domain.erasure import AlertState, Erasure, ErasureCounts
from ..domain.models import Staff, Stakeholder
from ..errors import InputError
from ..store.base import GraphStore
from .webhook import alerts_payload

__all__ = ["ForgetTarget", "ForgetResult", "forget_target", "forget", "scrub_alert_state"]


class ForgetTarget(BaseModel):
    """Who one ``kamgraph forget`` erases (shown before it asks for confirmation)."""

    people: list[str] = Field(description="Person ids: those named, and every stakeholder of the accounts named.")
    accounts: list[str]
    stakeholders: int
    staff: int
    described: list[str] = Field(description="One line per person or account named, for the confirmation prompt.")


class ForgetResult(BaseModel):
    """What one erasure removed: counts only, nothing about the people themselves."""

    people: int
    accounts: int
    counts: ErasureCounts
    remaining: int | None = Field(default=None, description=(
        "With verify: how many places still hold a name or address of theirs (0: none; see find_mentions)."))


def forget_target(store: GraphStore, people: Sequence[str] = (), accounts: Sequence[str] = ()) -> ForgetTarget:
    """Resolve the ids to erase (accounts by id or exact name); unknown ones are an input error."""
    if not people and not accounts:
        raise InputError("name a person (id, e-mail or name) or an account (--account) to forget", field="person")
    found = store.get_people(people)
    missing = [p for p in people if p not in found]
    if missing:
        raise InputError(f"no person with id {missing[0]!r}", field="person")
    account_ids = sorted({store.find_account(a).id for a in accounts})
    described = [f"{p.name} ({p.id}, " + (f"stakeholder at {p.account})" if isinstance(p, Stakeholder)
                                           else "our staff)") for p in found.values()]
    ids = set(found)
    for account_id in account_ids:
        account = store.get_account(account_id)
        theirs = store.list_stakeholders([account_id])
        described.append(f"account {account.name} ({account.id}) and its {len(theirs)} stakeholders")
        ids.update(p.id for p in theirs)
    everyone = store.get_people(ids)
    return ForgetTarget(people=sorted(ids), accounts=account_ids,
                        stakeholders=sum(isinstance(p, Stakeholder) for p in everyone.values()),
                        staff=sum(isinstance(p, Staff) for p in everyone.values()), described=described)


def _needles(store: GraphStore, people: Sequence[str]) -> list[str]:
    """The names and e-mail addresses of these people (what identifies them in free text)."""
    found = store.get_people(people)
    return sorted({t for p in found.values() for t in (p.name, p.email) if t})


def scrub_alert_state(state: AlertState, erasure: Erasure, *, max_lines: int = 20) -> AlertState:
    """``state`` without anything that mentions the erased people or accounts (see the module docstring)."""
    mentions = erasure.mention_test()
    gone = set(erasure.accounts)

    def about(alert: AlertRecord) -> bool:
        return alert.account in gone or any(mentions(t) for t in (
            alert.key, alert.subject, alert.title, alert.message, json.dumps(alert.data, ensure_ascii=False)))

    def clean(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if not mentions(str(k)) and not _mentioning(v)}
        if isinstance(value, list):
            return [clean(v) for v in value if not _mentioning(v)]
        return value

    def _mentioning(value: Any) -> bool:
        return isinstance(value, str) and mentions(value)

    checks = [AccountCheck(account=c.account, checked_on=c.checked_on, facts=clean(c.facts))
              for c in state.checks if c.account not in gone]
    outbox: list[Delivery] = []
    for item in state.outbox:
        kept = _payload_without(item, about, mentions, max_lines)
        if kept is not None:
            outbox.append(kept)
    return AlertState(alerts=[a for a in state.alerts if not about(a)], checks=checks, outbox=outbox)


def _payload_without(item: Delivery, about: Callable[[AlertRecord], bool], mentions: Callable[[str], bool],
                     max_lines: int) -> Delivery | None:
    """A queued payload without its alerts about the erased people; None when nothing is left of it."""
    try:
        doc = json.loads(item.payload)
        alerts = [AlertRecord.model_validate(a) for a in doc.get("alerts", [])]
    except (ValueError, AttributeError, TypeError):
        return None if mentions(item.payload) else item
    left = [a for a in alerts if not about(a)]
    if len(left) == len(alerts) and not mentions(item.payload):
        return item
    if not left:
        return None
    payload = alerts_payload(left, doc.get("as_of", ""), max_lines)
    return None if mentions(payload) else item.model_copy(update={"payload": payload})


def forget(store: GraphStore, people: Sequence[str] = (), accounts: Sequence[str] = (), *,
           max_lines: int = 20, verify: bool = False) -> ForgetResult:
    """Erase these people and accounts (ids, or account names) from ``store``, in one transaction.

    ``max_lines`` is the webhook text's line limit used when a queued payload is written again
    (``[alerts.webhook] max_text_lines``). With ``verify`` the store is searched afterwards for their names and
    addresses (:meth:`~kamgraph.store.base.GraphStore.find_mentions`; it reads everything).
    """
    target = forget_target(store, people, accounts)
    erasure = Erasure(people=target.people, accounts=target.accounts, needles=_needles(store, target.people))
    counts = store.erase(erasure, lambda state: scrub_alert_state(state, erasure, max_lines=max_lines))
    remaining = store.find_mentions(erasure) if verify else None
    return ForgetResult(people=len(target.people), accounts=len(target.accounts), counts=counts, remaining=remaining)
