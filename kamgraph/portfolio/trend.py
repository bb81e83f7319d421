"""``kamgraph trend``: an account's figures on a series of dates, with its relationship stage.

:func:`account_trend` adds the relationship stage (:mod:`kamgraph.portfolio.stage`) to the points
of :mod:`kamgraph.analysis.trend` (which computes everything else, with ``--as-of`` semantics: a point
equals ``kamgraph xray --as-of`` its date), the change of every figure from the first point to the
last, and the sustained fall the settings watch for, if any. :func:`load_trend` loads the account
from a store once, with all its history up to the last date.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s1", name="S1", accounts=["a"])],
...     stakeholders=[Stakeholder(id="eb", account="a", name="EB", influence=5, buying_role="economic_buyer")],
...     reporting_lines=[], relationships=[],
...     meetings=[Meeting(id="m", date="2026-02-10", attendees=["s1", "eb"])])
>>> t = account_trend(snap, dt.date(2026, 1, 1), dt.date(2026, 3, 31), "month")
>>> [(p.date.isoformat(), p.key_coverage, p.meetings) for p in t.points]
[('2026-01-01', 0.0, 0), ('2026-01-31', 0.0, 0), ('2026-02-28', 1.0, 1), ('2026-03-31', 1.0, 0)]
>>> t.points[-1].stage, t.change["key_coverage"]
('exploratory', 1.0)
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from ..analysis.trend import FIGURES, SustainedFall, TrendPoint, analyses_on, point_of, sustained_fall, trend_dates
from ..domain.dataset import AccountSnapshot
from ..errors import InputError
from ..settings import Settings
from ..store.base import GraphStore
from .stage import relationship_stage

__all__ = ["AccountTrendPoint", "TrendDeparture", "AccountTrend", "ChangeSince", "account_trend", "change_since",
           "load_trend"]


class AccountTrendPoint(TrendPoint):
    """A trend point with the account's relationship stage on its date."""

    stage: str
    stage_level: int


class TrendDeparture(BaseModel):
    """Someone of the account (a stakeholder, or our staff on its team or in its meetings) who left in the span."""

    date: dt.date
    id: str
    name: str
    kind: str = Field(description="stakeholder or staff.")


class AccountTrend(BaseModel):
    """One account's trend."""

    account: str
    name: str
    every: str
    start: dt.date = Field(description="--from: the first point.")
    end: dt.date = Field(description="--to: the last point.")
    points: list[AccountTrendPoint]
    change: dict[str, float] = Field(description="Last point minus first point, per figure (and stage_level).")
    sustained_fall: SustainedFall | None = Field(
        default=None, description="The fall the settings' sustained-fall rule watches for, at the last point.")
    departures: list[TrendDeparture] = Field(default_factory=list,
                                             description="People who left after the first point, up to the last.")


def account_trend(snapshot: AccountSnapshot, start: dt.date, end: dt.date, every: str,
                  settings: Settings | None = None) -> AccountTrend:
    """The trend of the account of ``snapshot`` from ``start`` to ``end``, a point per ``every``.

    ``snapshot`` must hold the history up to ``end`` at least (later meetings are ignored).
    """
    settings = settings or Settings()
    points = _points(snapshot, trend_dates(start, end, every), settings, every)
    change = _change(points[0], points[-1])
    rule = settings.trend.sustained_fall
    fall = None
    if rule.enabled and rule.every == every:
        fall = sustained_fall([(p.date, float(getattr(p, rule.figure))) for p in points], rule.figure,
                              drop=rule.drop, periods=rule.periods)
    people = [*snapshot.stakeholders, *snapshot.staff]
    gone = sorted((TrendDeparture(date=p.left_on, id=p.id, name=p.name, kind=p.kind) for p in people
                   if p.left_on is not None and start < p.left_on <= end), key=lambda d: (d.date, d.id))
    return AccountTrend(account=snapshot.account.id, name=snapshot.account.name, every=every, start=start, end=end,
                        points=points, change=change, sustained_fall=fall, departures=gone)


def _points(snapshot: AccountSnapshot, dates: list[dt.date], settings: Settings, every: str
            ) -> list[AccountTrendPoint]:
    points = []
    for day, analysis, count in analyses_on(snapshot, dates, settings, every):
        stage = relationship_stage(analysis.ag)
        points.append(AccountTrendPoint(**point_of(day, analysis, count).model_dump(), stage=stage.stage,
                                        stage_level=stage.level))
    return points


def _change(first: AccountTrendPoint, last: AccountTrendPoint) -> dict[str, float]:
    return {f: round(float(getattr(last, f)) - float(getattr(first, f)), 6) for f in (*FIGURES, "stage_level")}


def load_trend(store: GraphStore, account: str, start: dt.date, end: dt.date, every: str,
               settings: Settings | None = None) -> AccountTrend:
    """Load ``account`` (id or exact name) once with its history up to ``end`` and compute its trend."""
    found = store.find_account(account)
    return account_trend(store.load_account(found.id, end), start, end, every, settings)


class ChangeSince(BaseModel):
    """An account's figures on two dates and the change between them (for a review's "change since" columns)."""

    account: str
    since: AccountTrendPoint
    now: AccountTrendPoint
    change: dict[str, float] = Field(description="now - since, per figure (and stage_level).")


def change_since(snapshot: AccountSnapshot, since: dt.date, as_of: dt.date,
                 settings: Settings | None = None) -> ChangeSince:
    """The trend figures of the account on ``since`` and on ``as_of``, and their change (two analyses).

    Both points are computed as the trend computes them (so each equals ``kamgraph xray --as-of`` its
    date); ``since``'s meetings are those of its month up to it, ``as_of``'s those after ``since``.

    Raises
    ------
    InputError
        When ``since`` is after ``as_of``.
    """
    if since > as_of:
        raise InputError(f"--since {since} is after --as-of {as_of}", field="since")
    points = _points(snapshot, [since, as_of] if as_of > since else [since], settings or Settings(), "month")
    first, last = points[0], points[-1]
    return ChangeSince(account=snapshot.account.id, since=first, now=last, change=_change(first, last))
