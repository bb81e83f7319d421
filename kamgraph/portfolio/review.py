"""The portfolio review: which accounts changed tier, stage or fragility between two dates.

:func:`review_portfolio` builds the portfolio table (:mod:`kamgraph.portfolio.table`) on both dates and keeps
the accounts whose tier, stage or fragility changed -- the input of a quarterly criteria review. Account
fields (revenue, criteria scores) have no history in the store: both dates use their current values;
everything read from the relationship graph is as of each date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pydantic import BaseModel, Field

from ..errors import InputError
from ..settings import Settings
from ..store.base import GraphStore
from ..store.executor import Executor
from .table import build_portfolio

__all__ = ["ReviewChange", "review_portfolio"]


class ReviewChange(BaseModel):
    """One account whose standing changed between two dates."""

    account: str
    name: str
    changes: list[str] = Field(description="What changed, in words.")
    tier: tuple[str, str]
    stage: tuple[str, str]
    fragility_index: tuple[float, float]
    score: tuple[float, float]


def review_portfolio(store: GraphStore, since: dt.date, as_of: dt.date, settings: Settings,
                     progress: Callable[[int, int], None] | None = None,
                     executor: Executor | None = None) -> list[ReviewChange]:
    """Accounts whose tier, stage or fragility index changed between ``since`` and ``as_of``.

    A fragility change counts when it is at least ``portfolio.review_fragility_change``.
    """
    if since >= as_of:
        raise InputError(f"--since {since} must be before the review date {as_of}", field="since")
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
