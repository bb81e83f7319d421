"""The portfolio review: which accounts changed tier, stage or fragility between two dates, and how every
account's figures moved.

:func:`review_portfolio` builds the portfolio table (:mod:`kamgraph.portfolio.table`) on both dates and keeps
the accounts whose tier, stage or fragility changed -- the input of a quarterly criteria review. Account
fields (revenue, criteria scores) have no history in the store: both dates use their current values;
everything read from the relationship graph is as of each date.

:func:`changes_since` gives the **"change since" columns**: for every account, the trend figures (health,
coverage, weighted and key coverage, fragility index, concentration, key stakeholders at connectivity 1,
overdue key stakeholders, relationship stage) on ``since`` and on ``as_of`` and their difference, each date
computed as ``kamgraph xray --as-of`` computes it (:func:`kamgraph.portfolio.trend.change_since`: one load of
the account up to ``as_of``, cut at ``since``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pydantic import BaseModel, Field

from ..errors import InputError
from ..settings import Settings
from ..store.base import GraphStore
from ..store.executor import Executor, executor_for
from .table import build_portfolio
from .trend import ChangeSince, change_since

__all__ = ["ReviewChange", "ChangeRow", "review_portfolio", "changes_since", "CHANGE_FIGURES"]

#: The figures of the "change since" columns, in the order they are shown.
CHANGE_FIGURES = ("health", "coverage", "weighted_coverage", "key_coverage", "fragility_index", "concentration",
                  "key_at_connectivity_1", "overdue_key", "stage_level")


class ReviewChange(BaseModel):
    """One account whose standing changed between two dates."""

    account: str
    name: str
    changes: list[str] = Field(description="What changed, in words.")
    tier: tuple[str, str]
    stage: tuple[str, str]
    fragility_index: tuple[float, float]
    score: tuple[float, float]


class ChangeRow(ChangeSince):
    """One account's figures on both review dates (``since`` and ``now`` points) and their change."""

    name: str


def _check_dates(since: dt.date, as_of: dt.date) -> None:
    if since >= as_of:
        raise InputError(f"--since {since} must be before the review date {as_of}", field="since")


def change_rows(store: GraphStore, ids: list[str], work: tuple[dt.date, dt.date, Settings]) -> list[ChangeRow]:
    """The task :func:`changes_since` hands its executor: one set-based read of a chunk up to ``as_of``."""
    since, as_of, settings = work
    return [ChangeRow(**change_since(snapshot, since, as_of, settings).model_dump(), name=snapshot.account.name)
            for snapshot in store.load_accounts(ids, as_of, chunk_size=len(ids) or 1)]


def changes_since(store: GraphStore, since: dt.date, as_of: dt.date, settings: Settings,
                  executor: Executor | None = None) -> list[ChangeRow]:
    """Every account's trend figures on ``since`` and ``as_of`` and their change, by account name.

    Each account is loaded once with its history up to ``as_of`` (on the executor ``settings.executor``
    names unless one is given) and analysed on both dates.

    Raises
    ------
    InputError
        When ``since`` is not before ``as_of``.
    """
    _check_dates(since, as_of)
    executor = executor or executor_for(settings=settings.executor)
    rows = executor.run(store, change_rows, store.account_ids(), lambda _part: (since, as_of, settings))
    return sorted(rows, key=lambda r: (r.name.casefold(), r.account))


def review_portfolio(store: GraphStore, since: dt.date, as_of: dt.date, settings: Settings,
                     progress: Callable[[int, int], None] | None = None,
                     executor: Executor | None = None) -> list[ReviewChange]:
    """Accounts whose tier, stage or fragility index changed between ``since`` and ``as_of``.

    A fragility change counts when it is at least ``portfolio.review_fragility_change``.
    """
    _check_dates(since, as_of)
    ids = store.account_ids()
    before = {r.account: r for r in build_portfolio(store, since, settings, accounts=ids, progress=progress,
                                                     executor=executor).rows}
    after = build_portfolio(store, as_of, settings, sort="name", accounts=ids, progress=progress,
                            executor=executor).rows
    threshold = settings.portfolio.review_fragility_change
    found = []
    for row in after:
        old = before.get(row.account)
        if old is None:
            continue
        changes = []
        if old.tier != row.tier:
            changes.append(f"tier {old.tier} -> {row.tier}")
        if old.stage != row.stage:
            changes.append(f"stage {old.stage} -> {row.stage}")
        if abs(row.fragility_index - old.fragility_index) >= threshold - 1e-12:
            changes.append(f"fragility {old.fragility_index:.0%} -> {row.fragility_index:.0%}")
        if changes:
            found.append(ReviewChange(account=row.account, name=row.name, changes=changes, tier=(old.tier, row.tier),
                                      stage=(old.stage, row.stage),
                                      fragility_index=(old.fragility_index, row.fragility_index),
                                      score=(old.score, row.score)))
    return found
