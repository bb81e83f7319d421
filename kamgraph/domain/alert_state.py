"""What a store keeps between two ``kamgraph alerts`` runs: alert records and undelivered webhook payloads.

Both are plain records with no behaviour, so that every store backend can keep
them the same way (see the alert-state methods of
:class:`kamgraph.store.base.GraphStore`).

* :class:`AlertRecord` -- one alert as raised by a run. It stays **open** while
  its situation lasts; a later run that no longer finds the situation (or finds
  it changed) **clears** it by setting ``cleared_on``. At most one open alert
  exists per ``key``, so a situation that clears and comes back is raised again
  as a new record.
* :class:`AccountCheck` -- when an account was last checked, and the facts
  the comparing rules saw then (so that "since the last check" compares with
  what was true at that check, even when a departure is recorded later with an
  earlier date).
* :class:`Delivery` -- one webhook payload waiting in the outbox, with the
  number of failed attempts so far.

Examples
--------
>>> import datetime as dt
>>> a = AlertRecord(key="overdue:acme:c-cfo", rule="overdue", account="acme", subject="c-cfo",
...                 severity="medium", state="overdue", title="t", message="m", raised_on=dt.date(2025, 3, 1))
>>> a.is_open, alert_key("overdue", "acme", "c-cfo") == a.key
(True, True)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AlertRecord", "AccountCheck", "Delivery", "alert_key", "KEPT_POINTS"]

#: The key of :attr:`AccountCheck.facts` under which an alert check keeps figures it computed for past dates
#: (the sustained-fall rule's, :func:`kamgraph.monitor.alerts.past_points_key`), valid only for the store that
#: computed them: a copy of the alert state into another store leaves them out.
KEPT_POINTS = "past_points"


def alert_key(rule: str, account: str, subject: str) -> str:
    """The identity of an alert: ``RULE:ACCOUNT:SUBJECT``."""
    return f"{rule}:{account}:{subject}"


class AlertRecord(BaseModel):
    """One alert: which rule found what, where, when it was raised and (once over) cleared."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="RULE:ACCOUNT:SUBJECT; unique among open alerts.")
    rule: str = Field(description="departure, overdue, decay, single_threaded or role_uncovered.")
    account: str = Field(description="Account id.")
    subject: str = Field(description="What the alert is about: a person id, STAFF>STAKEHOLDER, a role, the account.")
    severity: str = Field(description="low, medium or high.")
    state: str = Field(description="Fingerprint of the situation; a different state is a new situation.")
    title: str
    message: str
    raised_on: dt.date = Field(description="As-of date of the run that raised it.")
    cleared_on: dt.date | None = Field(default=None, description="As-of date of the run that found it over.")
    data: dict[str, Any] = Field(default_factory=dict, description="Rule-specific facts (JSON values only).")

    @property
    def is_open(self) -> bool:
        """True while the alert has not been cleared."""
        return self.cleared_on is None


class AccountCheck(BaseModel):
    """The last alert check of one account."""

    model_config = ConfigDict(extra="forbid")

    account: str
    checked_on: dt.date
    facts: dict[str, Any] = Field(default_factory=dict, description="What the rules saw (JSON values only).")


class Delivery(BaseModel):
    """A webhook payload not delivered yet (the URL is never stored: it may hold a secret)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Chosen by the caller (unique).")
    created_on: dt.date
    payload: str = Field(description="The JSON document to POST, as text.")
    attempts: int = Field(default=0, ge=0, description="Failed delivery attempts so far.")
    last_error: str | None = None
