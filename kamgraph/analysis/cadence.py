"""Contact cadence: is each stakeholder met as often as their role needs?

Each buying role has a target interval between meetings
(:class:`kamgraph.settings.CadenceSettings`). With *d* the days since the last
meeting with any of our staff and *t* the target:

* ``never``   -- no meeting at all;
* ``ok``      -- ``d < due_fraction * t`` (default 80 % of the interval);
* ``due``     -- ``due_fraction * t <= d <= t``: time to schedule one;
* ``overdue`` -- ``d > t``.

A stakeholder's own ``cadence_days`` (an importable column) replaces the
target of their role: :func:`stakeholder_target_days`.

Examples
--------
>>> from kamgraph.settings import CadenceSettings
>>> s = CadenceSettings()
>>> target_days("champion", s), [cadence_status(d, 21, s) for d in (None, 5, 17, 21, 22)]
(21, ['never', 'ok', 'due', 'due', 'overdue'])
>>> from kamgraph.domain.models import Stakeholder
>>> cfo = Stakeholder(id="c1", account="a", name="Cleo", buying_role="economic_buyer", cadence_days=14)
>>> target_days(cfo.buying_role, s), stakeholder_target_days(cfo, s), cadence_source(cfo)
(60, 14, 'person')
"""

from __future__ import annotations

from typing import Literal

from ..domain.models import BuyingRole, Stakeholder
from ..settings import CadenceSettings

__all__ = ["CadenceStatus", "CADENCE_ORDER", "target_days", "stakeholder_target_days", "cadence_source",
           "cadence_status"]

CadenceStatus = Literal["ok", "due", "overdue", "never"]

#: Statuses from best to worst.
CADENCE_ORDER: tuple[CadenceStatus, ...] = ("ok", "due", "overdue", "never")


def target_days(role: BuyingRole | str | None, settings: CadenceSettings) -> int:
    """The target interval in days for a buying role (``default_days`` without a role)."""
    if role is None:
        return settings.default_days
    return settings.target_days.get(BuyingRole(role), settings.default_days)


def stakeholder_target_days(person: Stakeholder, settings: CadenceSettings) -> int:
    """A stakeholder's target interval: their own ``cadence_days`` when set, else their role's."""
    own = person.cadence_days
    return own if own is not None else target_days(person.buying_role, settings)


def cadence_source(person: Stakeholder) -> Literal["person", "role"]:
    """Where a stakeholder's target interval comes from: ``'person'`` (their override) or ``'role'``."""
    return "person" if person.cadence_days is not None else "role"


def cadence_status(days_since: int | None, target: int, settings: CadenceSettings) -> CadenceStatus:
    """Classify the days since the last meeting against a target interval."""
    if days_since is None:
        return "never"
    if days_since > target:
        return "overdue"
    # Rounded: 0.55 * 100 is 55.00000000000001 in floating point, and day 55 is due.
    if days_since >= round(settings.due_fraction * target, 9):
        return "due"
    return "ok"
