"""Records of personal-data erasure (``kamgraph forget``) and of a store's whole alert state.

:class:`AlertState` is everything ``kamgraph alerts`` keeps between runs --
every alert (cleared history included), the last check of each account, and
the webhook outbox -- as one value that a store can hand out
(:meth:`kamgraph.store.base.GraphStore.dump_alert_state`) and take back
(:meth:`~kamgraph.store.base.GraphStore.restore_alert_state`): ``kamgraph copy``
moves it between backends, ``kamgraph forget`` rewrites it without the people
it erases.

:class:`Erasure` says what to erase; :class:`ErasureCounts` how much was
erased (counts only: nothing of the people erased is kept).

Examples
--------
>>> Erasure(people=["c1"], needles=["Ada Park", "ada@x.example"]).mentions("Call with ADA PARK")
True
>>> Erasure(people=["c1"]).mentions("c10 met c2"), Erasure(people=["c1"]).mentions("c1>s2")
(False, True)
>>> Erasure(needles=["Ana"]).mentions("Banana"), merge_alert_states(AlertState(), AlertState()).alerts
(False, [])
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pydantic import BaseModel, Field

from .alert_state import AccountCheck, AlertRecord, Delivery

__all__ = ["AlertState", "Erasure", "ErasureCounts", "ERASED", "merge_alert_states"]

#: What replaces a name or an e-mail address inside a text that is kept (a colleague's note, say).
ERASED = "[erased]"


def _needle(text: str) -> re.Pattern[str]:
    """``text`` as a whole word (or whole address), any case: ``Ana`` is not in ``Banana``."""
    return re.compile(r"(?<!\w)" + re.escape(text.strip()) + r"(?!\w)", re.IGNORECASE)


class AlertState(BaseModel):
    """The whole alert state of a store: alerts (open and cleared), last checks, undelivered payloads."""

    alerts: list[AlertRecord] = Field(default_factory=list, description="Sorted by (raised_on, key), as stored.")
    checks: list[AccountCheck] = Field(default_factory=list, description="One per account, sorted by account.")
    outbox: list[Delivery] = Field(default_factory=list, description="Oldest first.")

    def __len__(self) -> int:
        return len(self.alerts) + len(self.checks) + len(self.outbox)


class Erasure(BaseModel):
    """Who and what ``kamgraph forget`` erases.

    ``people`` are person ids (stakeholders and staff), ``accounts`` account
    ids (an account's stakeholders are in ``people`` too). ``needles`` are the
    texts that identify them inside free text: names and e-mail addresses.
    Ids are matched as whole tokens (``c1`` is not in ``c10``); needles
    anywhere, ignoring case.
    """

    people: list[str] = Field(default_factory=list)
    accounts: list[str] = Field(default_factory=list)
    needles: list[str] = Field(default_factory=list)

    def _patterns(self) -> list[re.Pattern[str]]:
        ids = [*self.people, *self.accounts]
        found = [re.compile(r"(?<![\w.@-])" + re.escape(i) + r"(?![\w@-])") for i in ids if i]
        found += [_needle(n) for n in self.needles if len(n.strip()) > 1]
        return found

    def mentions(self, text: str | None) -> bool:
        """True when ``text`` holds one of the ids (as a token) or one of the needles (any case)."""
        if not text:
            return False
        return any(p.search(text) for p in self._patterns())

    def scrub_text(self, text: str | None) -> str | None:
        """``text`` with every needle replaced by :data:`ERASED` (ids are left: they identify nobody alone).

        >>> Erasure(needles=["Ada Park"]).scrub_text("met ada park twice")
        'met [erased] twice'
        """
        return self.text_scrubber()(text)

    def text_scrubber(self) -> Callable[[str | None], str | None]:
        """:meth:`scrub_text` with its patterns compiled once (for many texts)."""
        patterns = [_needle(n) for n in sorted((n for n in self.needles if len(n.strip()) > 1), key=len,
                                               reverse=True)]

        def scrub(text: str | None) -> str | None:
            if not text:
                return text
            for pattern in patterns:
                text = pattern.sub(ERASED, text)
            return text

        return scrub

    def mention_test(self) -> Callable[[str | None], bool]:
        """:meth:`mentions` with its patterns compiled once (for many texts)."""
        patterns = self._patterns()
        return lambda text: bool(text) and any(p.search(text) for p in patterns)  # type: ignore[arg-type]


class ErasureCounts(BaseModel):
    """How many records of each kind one erasure removed or rewrote (no names: counts only)."""

    accounts: int = 0
    stakeholders: int = 0
    staff: int = 0
    meetings: int = Field(default=0, description="Meetings removed (nobody of the client side left in them).")
    attendances: int = 0
    reporting_lines: int = 0
    relationships: int = 0
    competitor_ties: int = 0
    objectives: int = 0
    provenance: int = 0
    metrics: int = Field(default=0, description="Analysis-snapshot rows (account, person and tie metrics).")
    texts_scrubbed: int = Field(default=0, description="Kept meeting subjects and notes a name was removed from.")
    alerts: int = 0
    checks_scrubbed: int = 0
    outbox: int = Field(default=0, description="Undelivered payloads removed or rewritten.")


def merge_alert_states(target: AlertState, source: AlertState) -> AlertState:
    """``source``'s alert state added to ``target``'s (what ``kamgraph copy`` writes into its target).

    * An alert is identified by ``(key, raised_on)``: the source's version replaces the target's.
      A target alert still open under a key that the source has open since another day is closed
      on the day the source's was raised (at most one alert per key is open).
    * A check: the later of the two per account (the source's on a tie).
    * A payload: by id; the target's payloads the source does not have stay.

    Examples
    --------
    >>> import datetime as dt
    >>> def alert(day, cleared=None):
    ...     return AlertRecord(key="k", rule="r", account="a", subject="s", severity="low", state="x",
    ...                        title="t", message="m", raised_on=dt.date(2026, 1, day), cleared_on=cleared)
    >>> merged = merge_alert_states(AlertState(alerts=[alert(1)]), AlertState(alerts=[alert(5)]))
    >>> [(a.raised_on.day, a.cleared_on and a.cleared_on.day) for a in merged.alerts]
    [(1, 5), (5, None)]
    """
    alerts = {(a.key, a.raised_on): a for a in target.alerts}
    incoming = {(a.key, a.raised_on): a for a in source.alerts}
    alerts.update(incoming)
    open_from_source = {a.key: a.raised_on for a in source.alerts if a.is_open}
    for ident, alert in list(alerts.items()):
        day = open_from_source.get(alert.key)
        if alert.is_open and day is not None and ident not in incoming:
            alerts[ident] = alert.model_copy(update={"cleared_on": max(day, alert.raised_on)})
    checks = {c.account: c for c in target.checks}
    for check in source.checks:
        mine = checks.get(check.account)
        if mine is None or check.checked_on >= mine.checked_on:
            checks[check.account] = check
    outbox = {d.id: d for d in target.outbox} | {d.id: d for d in source.outbox}
    return AlertState(alerts=sorted(alerts.values(), key=lambda a: (a.raised_on, a.key)),
                      checks=[checks[k] for k in sorted(checks)],
                      outbox=sorted(outbox.values(), key=lambda d: (d.created_on, d.id)))
