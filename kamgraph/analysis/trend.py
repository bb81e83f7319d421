"""An account over time: its headline figures on a series of dates, and the sustained-fall rule.

A **trend** is the X-ray's summary scores (:class:`kamgraph.analysis.pipeline.SummaryScores`) read on
a series of dates -- the end of every week, month or quarter between two dates, and the last date
itself -- plus the number of meetings in each period. Every point is computed with ``--as-of``
semantics: meetings after the point's date are ignored and people who left on or before it are gone,
so a point equals ``kamgraph xray --as-of`` that date.

The account is loaded **once**, with all its history, and cut per date (:func:`snapshot_on`) rather
than queried from the store for every point: the cut keeps exactly what
:meth:`kamgraph.store.base.GraphStore.load_account` returns for that date (meetings up to it; the
account team, the staff of those meetings and the staff of recorded ties), which the tests check on
both stores. Each point is then analysed with the summary path of
:func:`kamgraph.analysis.pipeline.analyze` (``detail=False``, whose summary is identical to the full
one). Strengths decay with the date, so every tie changes between two points: an update of the
previous point would touch as much as a rebuild, and the rebuild on the cut snapshot is the simple
exact choice (24 monthly points of a 300-stakeholder account take well under the 0.5 s goal; see
``benchmarks/trend_speed.py``).

The relationship stage is a portfolio concept (:mod:`kamgraph.portfolio.stage`, a layer above this
one); :mod:`kamgraph.portfolio.trend` adds it to each point.

**Sustained fall** (:func:`sustained_fall`): a figure fell -- got worse, in the figure's own direction
(:data:`FIGURE_DIRECTIONS`) -- over the last ``periods`` consecutive periods, no step better than the
one before, by at least ``drop`` in all. Defaults (:class:`kamgraph.settings.SustainedFallRuleSettings`):
health, 10 points, 3 monthly periods.

Examples
--------
>>> import datetime as dt
>>> [d.isoformat() for d in trend_dates(dt.date(2026, 1, 15), dt.date(2026, 4, 10), "month")]
['2026-01-15', '2026-01-31', '2026-02-28', '2026-03-31', '2026-04-10']
>>> days = [dt.date(2026, m, 28) for m in range(1, 6)]
>>> fall = sustained_fall(list(zip(days, [70.0, 71.0, 66.0, 63.0, 58.5])), "health", drop=10, periods=3)
>>> fall.before, fall.after, fall.change, fall.since.isoformat()
(71.0, 58.5, -12.5, '2026-02-28')
>>> sustained_fall(list(zip(days, [70.0, 71.0, 66.0, 67.0, 58.5])), "health", drop=10, periods=3) is None
True
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence

from pydantic import BaseModel, Field

from ..domain.dataset import AccountSnapshot, MeetingRow, PackedSnapshot, row_attendees
from ..domain.models import Staff
from ..errors import InputError
from ..settings import Settings
from .pipeline import AccountAnalysis, analyze, summary_figure

__all__ = ["PERIODS", "FIGURES", "FIGURE_DIRECTIONS", "TrendPoint", "SustainedFall", "period_end", "trend_dates",
           "default_start", "snapshot_on", "analyses_on", "point_of", "trend_points", "sustained_fall",
           "watch_sustained_fall"]

#: The lengths of a period ``--every`` accepts.
PERIODS = ("week", "month", "quarter")

#: Each trend figure and the direction that is better: +1 higher is better, -1 lower is better.
FIGURE_DIRECTIONS: dict[str, int] = {
    "health": 1, "coverage": 1, "weighted_coverage": 1, "key_coverage": 1, "fragility_index": -1,
    "concentration": -1, "key_at_connectivity_1": -1, "overdue_key": -1, "meetings": 1,
}
#: The numeric figures of a point, in the order tables show them.
FIGURES = tuple(FIGURE_DIRECTIONS)


class TrendPoint(BaseModel):
    """The headline figures of one account on one date (the X-ray's summary, same names)."""

    date: dt.date
    health: float
    coverage: float
    weighted_coverage: float
    key_coverage: float
    fragility_index: float
    concentration: float
    key_at_connectivity_1: int = Field(description="Key stakeholders that one departure would cut off.")
    overdue_key: int = Field(description="Key stakeholders overdue or never met.")
    meetings: int = Field(description="Meetings with the account in the period that ends on this date.")
    active_stakeholders: int
    key_stakeholders: int


class SustainedFall(BaseModel):
    """A figure that got worse over consecutive periods (see :func:`sustained_fall`)."""

    figure: str
    since: dt.date = Field(description="The date of the point the fall is measured from.")
    until: dt.date
    before: float
    after: float
    change: float = Field(description="after - before (negative for a figure where higher is better).")
    periods: int


def _check_period(every: str) -> None:
    if every not in PERIODS:
        raise InputError(f"unknown period {every!r} (one of: {', '.join(PERIODS)})", field="every")


def period_end(day: dt.date, every: str) -> dt.date:
    """The last day of the week (Sunday), month or quarter that ``day`` falls in.

    Examples
    --------
    >>> import datetime as dt
    >>> [period_end(dt.date(2026, 5, 6), e).isoformat() for e in PERIODS]
    ['2026-05-10', '2026-05-31', '2026-06-30']
    """
    _check_period(every)
    if every == "week":
        return day + dt.timedelta(days=6 - day.weekday())
    month = day.month if every == "month" else 3 * ((day.month - 1) // 3) + 3
    return dt.date(day.year, month, calendar.monthrange(day.year, month)[1])


def _period_before(day: dt.date, every: str) -> dt.date:
    """The end of the period before the one ``day`` falls in."""
    if every == "week":
        return day - dt.timedelta(days=day.weekday() + 1)
    first_month = day.month if every == "month" else 3 * ((day.month - 1) // 3) + 1
    return dt.date(day.year, first_month, 1) - dt.timedelta(days=1)


def default_start(end: dt.date, every: str, periods: int) -> dt.date:
    """The end of the period ``periods`` periods before the one ``end`` falls in.

    Examples
    --------
    >>> import datetime as dt
    >>> default_start(dt.date(2026, 12, 1), "month", 12).isoformat()
    '2025-12-31'
    """
    day = end
    for _ in range(periods):
        day = _period_before(day, every)
    return day


def trend_dates(start: dt.date, end: dt.date, every: str) -> list[dt.date]:
    """``start``, every period end after it and before ``end``, and ``end``.

    Raises
    ------
    InputError
        When ``start`` is after ``end`` or the period is unknown.
    """
    _check_period(every)
    if start > end:
        raise InputError(f"--from {start} is after --to {end}", field="from")
    dates = [start]
    day = period_end(start, every)
    while day < end:
        if day > start:
            dates.append(day)
        day = period_end(day + dt.timedelta(days=1), every)
    if end > start:
        dates.append(end)
    return dates


def snapshot_on(snapshot: AccountSnapshot, day: dt.date) -> AccountSnapshot:
    """The snapshot a store would load for ``day``, cut from one loaded with later (or all) history.

    Keeps the meetings up to ``day`` and, of the staff, the account team, those who attended one of
    those meetings and those in a recorded tie -- what ``load_account(account, day)`` returns.
    """
    rows = snapshot.meeting_rows
    if (isinstance(snapshot, PackedSnapshot) and rows is not None
            and all(a[0] <= b[0] for a, b in itertools.pairwise(rows))):  # ISO dates sort as dates
        # A store's packed rows are cut as rows: no Meeting record is built for a past point.
        kept_rows = rows[:bisect.bisect_right(rows, day.isoformat(), key=_row_day)]
        staff = _staff_on(snapshot, lambda: row_attendees(kept_rows))
        return snapshot.with_meeting_rows(kept_rows, staff=staff, as_of=day)
    meetings = snapshot.meetings
    dates = [m.date for m in meetings]
    if dates != sorted(dates):
        meetings = sorted(meetings, key=lambda m: (m.date, m.id))
        dates = [m.date for m in meetings]
    kept = meetings[:bisect.bisect_right(dates, day)]
    staff = _staff_on(snapshot, lambda: set().union(*[m.attendees for m in kept]))
    return AccountSnapshot(account=snapshot.account, stakeholders=snapshot.stakeholders, staff=staff,
                           reporting_lines=snapshot.reporting_lines, relationships=snapshot.relationships,
                           meetings=kept, as_of=day, competitor_ties=snapshot.competitor_ties)


def _row_day(row: MeetingRow) -> str:
    return row[0]


def _staff_on(snapshot: AccountSnapshot, attendees: Callable[[], Iterable[str]]) -> list[Staff]:
    """The staff :func:`snapshot_on` keeps: the account team, those in a recorded tie, and of the others those
    among ``attendees()`` (everyone in the kept meetings, asked for only when there are such others)."""
    account = snapshot.account.id
    staff_ids = {s.id for s in snapshot.staff}
    wanted = {s.id for s in snapshot.staff if account in s.accounts}
    wanted |= {p for r in snapshot.relationships for p in (r.source, r.target) if p in staff_ids}
    others = staff_ids - wanted  # kept only when they attended one of the kept meetings
    if others:
        wanted |= others.intersection(attendees())
    return [s for s in snapshot.staff if s.id in wanted]


def analyses_on(snapshot: AccountSnapshot, dates: Sequence[dt.date], settings: Settings, every: str
                ) -> Iterator[tuple[dt.date, AccountAnalysis, int]]:
    """For each date: the date, the summary analysis on it, and the meetings in its period.

    The period of the first date runs from the end of the period before it (``every``); each later
    one from the previous date (exclusive) to its own date (inclusive). The cut of each date is
    :func:`snapshot_on`'s, made incrementally: ``dates`` ascend, so the staff seen in meetings only grow.
    """
    ordered = sorted(snapshot.meetings, key=lambda m: (m.date, m.id))
    dates_of = [m.date for m in ordered]
    account = snapshot.account.id
    staff_ids = {s.id for s in snapshot.staff}
    seen = {p for r in snapshot.relationships for p in (r.source, r.target) if p in staff_ids}
    seen |= {s.id for s in snapshot.staff if account in s.accounts}
    done = 0
    previous = _period_before(dates[0], every) if dates else None
    for day in dates:
        assert previous is not None and day >= previous
        end = bisect.bisect_right(dates_of, day)
        for m in ordered[done:end]:
            seen.update(p for p in m.attendees if p in staff_ids)
        done = end
        cut = AccountSnapshot(account=snapshot.account, stakeholders=snapshot.stakeholders,
                              staff=[s for s in snapshot.staff if s.id in seen],
                              reporting_lines=snapshot.reporting_lines, relationships=snapshot.relationships,
                              meetings=ordered[:end], as_of=day, competitor_ties=snapshot.competitor_ties)
        count = end - bisect.bisect_right(dates_of, previous)
        yield day, analyze(cut, day, settings, detail=False), count
        previous = day


def point_of(day: dt.date, analysis: AccountAnalysis, meetings: int) -> TrendPoint:
    """The trend point of one analysed date."""
    s = analysis.summary
    return TrendPoint(date=day, health=s.health, coverage=s.coverage, weighted_coverage=s.weighted_coverage,
                      key_coverage=s.key_coverage, fragility_index=s.fragility_index, concentration=s.concentration,
                      key_at_connectivity_1=s.key_at_connectivity_1, overdue_key=s.overdue_key, meetings=meetings,
                      active_stakeholders=s.active_stakeholders, key_stakeholders=s.key_stakeholders)


def trend_points(snapshot: AccountSnapshot, dates: Sequence[dt.date], settings: Settings | None = None,
                 every: str = "month") -> list[TrendPoint]:
    """The trend points of an account on ``dates`` (see the module docstring).

    Parameters
    ----------
    snapshot : AccountSnapshot
        Loaded once, with history up to the last date at least.
    dates : sequence of datetime.date
        Ascending, e.g. from :func:`trend_dates`.
    settings : Settings, optional
        Defaults when not given.
    every : str
        The period of the first point's meeting count.
    """
    return [point_of(day, analysis, count)
            for day, analysis, count in analyses_on(snapshot, dates, settings or Settings(), every)]


def sustained_fall(series: Sequence[tuple[dt.date, float]], figure: str, *, drop: float,
                   periods: int) -> SustainedFall | None:
    """The fall of ``figure`` over the last ``periods`` steps of ``series``, or None when there is none.

    Fires when each of the last ``periods`` steps is no better than the one before (in the figure's
    direction, :data:`FIGURE_DIRECTIONS`) and the figure is at least ``drop`` worse at the end than
    ``periods`` steps earlier. Needs ``periods + 1`` points.

    Parameters
    ----------
    series : sequence of (date, value)
        Ascending dates, e.g. one figure of :func:`trend_points`.
    figure : str
        A key of :data:`FIGURE_DIRECTIONS`.
    drop : float
        How much worse in all, in the figure's unit (> 0).
    periods : int
        Consecutive steps (>= 1).
    """
    if figure not in FIGURE_DIRECTIONS:
        raise InputError(f"unknown trend figure {figure!r} (one of: {', '.join(FIGURES)})", field="figure")
    if periods < 1 or drop <= 0:
        raise InputError("a sustained fall needs periods >= 1 and drop > 0", field="periods")
    if len(series) < periods + 1:
        return None
    window = series[-(periods + 1):]
    sign = FIGURE_DIRECTIONS[figure]
    eps = 1e-9
    for (_, a), (_, b) in itertools.pairwise(window):
        if sign * (b - a) > eps:  # this step got better
            return None
    (since, before), (until, after) = window[0], window[-1]
    if sign * (before - after) + eps < drop:
        return None
    return SustainedFall(figure=figure, since=since, until=until, before=before, after=after,
                         change=round(after - before, 6), periods=periods)


def watch_sustained_fall(snapshot: AccountSnapshot, as_of: dt.date, settings: Settings | None = None, *,
                         today: AccountAnalysis | None = None,
                         past: MutableMapping[dt.date, float] | None = None) -> SustainedFall | None:
    """The settings' sustained-fall rule (``[trend.sustained_fall]``) checked on ``as_of``: for monitoring.

    The series is the end of the period ``periods`` periods before the one ``as_of`` falls in, every
    period end after it, and ``as_of``: ``periods + 1`` points. None when the rule is disabled or finds
    no fall. ``today``, the analysis of ``snapshot`` on ``as_of`` when the caller has it, is the last point.

    ``past`` holds the watched figure on period ends before ``as_of`` that the caller knows already (an
    earlier check of the same data with the same settings: the alert run keeps them in the account's facts
    while the store's data generation is unchanged): those points are read from it, and every past point
    computed here is added to it. The caller answers for the values being those of this snapshot and these
    settings; the figure on a past date does not depend on ``as_of``.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
    >>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s", name="S", accounts=["a"])],
    ...     stakeholders=[Stakeholder(id="eb", account="a", name="EB", influence=5, buying_role="economic_buyer")],
    ...     reporting_lines=[], relationships=[], meetings=[Meeting(id="m", date="2026-01-05", attendees=["s", "eb"])])
    >>> s = Settings()
    >>> s.trend.sustained_fall.figure, s.trend.sustained_fall.drop = "key_coverage", 1.0
    >>> fall = watch_sustained_fall(snap, dt.date(2026, 6, 30), s)  # the thread decays below 0.5 after 90 days
    >>> fall.since.isoformat(), fall.before, fall.after
    ('2026-03-31', 1.0, 0.0)

    The past points it computed, for the next check of the same data (the last point, 30 June, is ``as_of``
    itself and is not kept):

    >>> known = {}
    >>> watch_sustained_fall(snap, dt.date(2026, 6, 30), s, past=known) == fall
    True
    >>> {day.isoformat(): value for day, value in sorted(known.items())}
    {'2026-03-31': 1.0, '2026-04-30': 0.0, '2026-05-31': 0.0}
    """
    settings = settings or Settings()
    rule = settings.trend.sustained_fall
    if not rule.enabled:
        return None
    dates = trend_dates(default_start(as_of, rule.every, rule.periods), as_of, rule.every)
    if len(dates) < rule.periods + 1:
        return None
    # Walked back from the as-of date, one date at a time: a step that got better ends the search, so most
    # accounts need one or two past points instead of every point (the result is what the whole series gives).
    # A past point computes the watched figure alone (summary_figure: for the health, not the other gaps, the
    # shape or each person's impact), and the meeting count none of the analysis.
    figure = rule.figure
    dates_of = sorted(m.date for m in snapshot.meetings) if figure == "meetings" else []
    sign, eps = FIGURE_DIRECTIONS[figure], 1e-9
    series: list[tuple[dt.date, float]] = []
    for index in range(len(dates) - 1, len(dates) - rule.periods - 2, -1):
        day = dates[index]
        if figure == "meetings":
            before = dates[index - 1] if index else _period_before(dates[0], rule.every)
            value = float(bisect.bisect_right(dates_of, day) - bisect.bisect_right(dates_of, before))
        elif today is not None and day == as_of:
            value = float(getattr(today.summary, figure))
        elif past is not None and day != as_of:  # a past point: read if known, else computed and noted
            if day not in past:
                past[day] = float(summary_figure(snapshot_on(snapshot, day), day, settings, figure))
            value = past[day]
        else:
            value = float(summary_figure(snapshot_on(snapshot, day), day, settings, figure))
        if series and sign * (series[0][1] - value) > eps:  # the step from this date to the next got better
            return None
        series.insert(0, (day, value))
    return sustained_fall(series, rule.figure, drop=rule.drop, periods=rule.periods)
