"""Account plans: relationship objectives stored per account, and the record of how one stands.

An :class:`Objective` is one goal of an account plan -- "cover the economic buyer by 30 June",
"bring the KAM's share of the relationship under 40 %" -- with an owner on our side and a due date.
It is **open** until someone marks it **done** or **dropped** (``closed_on`` then records the day).
Whether an open objective is met is never stored: it is evaluated against the graph on every run
(:mod:`kamgraph.portfolio.plans`), giving an :class:`ObjectiveStatus`.

Goal kinds (:class:`GoalKind`) and their parameters:

=================  ==========================  ==================================================
kind               ``subject``                 ``target``
=================  ==========================  ==================================================
``cover_person``   a stakeholder id            threads needed (default 1)
``cover_role``     a buying role               covered holders needed (default 1)
``connectivity``   a stakeholder id            node connectivity from our team needed (>= 1)
``cadence``        a stakeholder id            days: met within the last N days
``concentration``  --                          top staff member's share of tie strength, 0-1
``stage``          a relationship stage name   --
=================  ==========================  ==================================================

Examples
--------
>>> import datetime as dt
>>> o = Objective(id="acme-1", account="acme", kind="cover-person", subject="c-eb", owner="s-kam",
...               due=dt.date(2026, 6, 30), created_on=dt.date(2026, 5, 1))
>>> o.kind, o.target, o.state, o.is_open
(<GoalKind.COVER_PERSON: 'cover_person'>, 1.0, <ObjectiveState.OPEN: 'open'>, True)
>>> Objective(id="x", account="a", kind="concentration", target=0.4, due="2026-06-30",
...           created_on="2026-05-01").describe()
'bring concentration under 40%'
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .models import BuyingRole, _TypedEnum

__all__ = ["GoalKind", "ObjectiveState", "PlanStatus", "Objective", "ObjectiveStatus", "PERSON_KINDS",
           "DEFAULT_TARGETS"]


class GoalKind(_TypedEnum):
    """What an objective asks for (see the module docstring)."""

    COVER_PERSON = "cover_person"
    COVER_ROLE = "cover_role"
    CONNECTIVITY = "connectivity"
    CADENCE = "cadence"
    CONCENTRATION = "concentration"
    STAGE = "stage"


class ObjectiveState(_TypedEnum):
    """The stored life cycle of an objective: open until marked done or dropped."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


class PlanStatus(StrEnum):
    """How an open objective stands on a date (evaluated, never stored)."""

    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MISSED = "missed"


#: Kinds whose subject is a stakeholder id.
PERSON_KINDS = frozenset({GoalKind.COVER_PERSON, GoalKind.CONNECTIVITY, GoalKind.CADENCE})
#: The target a kind takes when none is given (None: a target is required, or the kind takes none).
DEFAULT_TARGETS: dict[GoalKind, float | None] = {
    GoalKind.COVER_PERSON: 1.0, GoalKind.COVER_ROLE: 1.0, GoalKind.CONNECTIVITY: 2.0, GoalKind.CADENCE: None,
    GoalKind.CONCENTRATION: None, GoalKind.STAGE: None}


class Objective(BaseModel):
    """One relationship objective of an account plan."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=200, description="Stable id, e.g. ACCOUNT-N.")
    account: str = Field(min_length=1, description="Account id.")
    kind: GoalKind
    subject: str | None = Field(default=None, description="Stakeholder id, buying role or stage (per kind).")
    target: float | None = Field(default=None, description="Threads, holders, connectivity, days or share (per kind).")
    owner: str | None = Field(default=None, description="Staff id of the person on our side who owns it.")
    due: dt.date
    state: ObjectiveState = ObjectiveState.OPEN
    created_on: dt.date
    closed_on: dt.date | None = Field(default=None, description="When it was marked done or dropped.")
    note: str | None = None
    origin: str | None = Field(default=None, description="Where it came from, e.g. 'xray action 2 (meet)'.")
    data: dict[str, Any] = Field(default_factory=dict, description="Anything else (JSON values only).")

    @model_validator(mode="after")
    def _check(self) -> Objective:
        kind = self.kind
        if self.target is None and DEFAULT_TARGETS[kind] is not None:
            self.target = DEFAULT_TARGETS[kind]
        if kind in PERSON_KINDS and not self.subject:
            raise ValueError(f"a {kind.value} objective needs a stakeholder (subject)")
        if kind is GoalKind.COVER_ROLE:
            self.subject = BuyingRole(self.subject).value if self.subject else None
            if self.subject is None:
                raise ValueError("a cover_role objective needs a buying role (subject)")
        if kind is GoalKind.STAGE and not self.subject:
            raise ValueError("a stage objective needs a relationship stage (subject)")
        if kind is GoalKind.CONCENTRATION and not (self.target is not None and 0 < self.target <= 1):
            raise ValueError("a concentration objective needs a target share in (0, 1]")
        if kind is GoalKind.CADENCE and not (self.target is not None and self.target >= 1):
            raise ValueError("a cadence objective needs a target of at least 1 day")
        if kind in (GoalKind.COVER_PERSON, GoalKind.COVER_ROLE, GoalKind.CONNECTIVITY) and (
                self.target is None or self.target < 1 or self.target != int(self.target)):
            raise ValueError(f"a {kind.value} objective needs a whole target of at least 1")
        if self.state is ObjectiveState.OPEN and self.closed_on is not None:
            raise ValueError("an open objective has no closed_on date")
        return self

    @property
    def is_open(self) -> bool:
        """True until the objective is marked done or dropped."""
        return self.state is ObjectiveState.OPEN

    def open_on(self, day: dt.date) -> bool:
        """True when the objective existed and was open on ``day`` (created on or before, closed after)."""
        return self.created_on <= day and (self.closed_on is None or self.closed_on > day)

    def describe(self, name: str | None = None) -> str:
        """The goal in words; ``name`` is the subject's display name when known.

        Examples
        --------
        >>> import datetime as dt
        >>> d = dict(account="a", due=dt.date(2026, 6, 30), created_on=dt.date(2026, 5, 1))
        >>> Objective(id="1", kind="cadence", subject="c1", target=30, **d).describe("Ada")
        'meet Ada every 30 days'
        >>> Objective(id="2", kind="cover_role", subject="Economic Buyer", **d).describe()
        'cover the economic buyer role'
        """
        who = name or self.subject or ""
        n = int(self.target) if self.target is not None else 0
        kind = self.kind
        if kind is GoalKind.COVER_PERSON:
            return f"cover {who}" + (f" with {n} threads" if n > 1 else "")
        if kind is GoalKind.COVER_ROLE:
            role = (self.subject or "").replace("_", " ")
            return f"cover the {role} role" + (f" with {n} covered holders" if n > 1 else "")
        if kind is GoalKind.CONNECTIVITY:
            return f"raise {who}'s connectivity to {n}"
        if kind is GoalKind.CADENCE:
            return f"meet {who} every {n} days"
        if kind is GoalKind.CONCENTRATION:
            return f"bring concentration under {self.target:.0%}"
        return f"reach the {self.subject} stage"


class ObjectiveStatus(BaseModel):
    """How one objective stands on one date: the status, the evidence in words and the figures behind it."""

    objective: Objective
    as_of: dt.date
    goal: str = Field(description="The goal in words (names resolved).")
    status: PlanStatus
    evidence: str = Field(description="Why: the figure now against the target, and the time left.")
    value: float | str | None = Field(default=None, description="The figure now (threads, share, days, stage...).")
    target: float | str | None = Field(default=None, description="What the objective asks for.")
    days_left: int = Field(description="Days from the as-of date to the due date (negative: overdue).")
    owner_name: str | None = None
