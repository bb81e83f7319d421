"""The portfolio table: every account's tier, score, stage, shape and risk on one date.

:func:`build_portfolio` analyses every account of a store on one date (the
summary path of :func:`kamgraph.analysis.pipeline.analyze`), scores it
(:mod:`kamgraph.portfolio.qualification`) and reads its relationship stage
(:mod:`kamgraph.portfolio.stage`). Comparing two dates is :mod:`kamgraph.portfolio.review`.

An account whose stored analysis snapshot (``kamgraph analyze --write``) is current for the date, the
settings and the store's data (:func:`kamgraph.portfolio.snapshots.current_metrics`) is not loaded nor
analysed again: its row is read from the snapshot, and is the same row a fresh analysis gives (the summary,
the stage evidence and the account record are all the row is made of). Every other account is analysed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from pydantic import BaseModel, Field

from ..analysis.pipeline import SummaryScores, analyze
from ..analysis.snapshot import summary_of
from ..domain.dataset import AccountSnapshot
from ..domain.models import Account
from ..domain.plans import Objective, PlanStatus
from ..errors import InputError, StoreError
from ..kernels.gc_pause import paused_gc
from ..settings import Settings
from ..store.base import GraphStore
from ..store.executor import Executor, executor_for
from .plans import evaluate_objectives
from .qualification import Qualification, qualify
from .snapshots import current_metrics, stage_of
from .stage import StageResult, relationship_stage

__all__ = ["SORT_KEYS", "PortfolioRow", "Portfolio", "build_portfolio", "sort_rows"]


class PortfolioRow(BaseModel):
    """One account in the portfolio table."""

    account: str
    name: str
    declared_tier: str | None
    tier: str
    score: float
    near_miss: str | None = Field(default=None, description="The tier the account nearly reaches.")
    stage: str
    stage_level: int
    shape: str
    coverage: float
    key_coverage: float
    fragility_index: float
    health: float
    overdue_key: int
    open_alerts: int | None = Field(default=None, description="Unresolved alerts (None: the store keeps none).")
    objectives_missed: int = Field(default=0, description="Account-plan objectives missed (kamgraph plan).")
    objectives_at_risk: int = Field(default=0, description="Account-plan objectives at risk.")
    share_of_wallet: float | None = None


class Portfolio(BaseModel):
    """The portfolio on one date, with the detail behind each row."""

    as_of: dt.date
    rows: list[PortfolioRow]
    qualifications: dict[str, Qualification]
    stages: dict[str, StageResult]


#: Columns ``kamgraph portfolio --sort`` accepts, with their natural direction (True: largest first).
SORT_KEYS = {"score": True, "fragility": True, "health": True, "coverage": False, "key_coverage": False,
             "stage": True, "tier": False, "name": False, "overdue": True, "alerts": True}


def sort_rows(rows: list[PortfolioRow], sort: str, tier_thresholds: dict[str, float]) -> None:
    """Order portfolio rows in place by ``sort`` (one of :data:`SORT_KEYS`), ties by account id.

    ``tier_thresholds`` is ``settings.portfolio.tiers``: tiers rank from the highest threshold down. The
    CLI's table and the web app's portfolio page both order rows here.
    """
    tiers = [name for name, _ in sorted(tier_thresholds.items(), key=lambda kv: -kv[1])]
    rows.sort(key=lambda r: r.account)
    rows.sort(key=lambda r: _sort_value(r, sort, tiers), reverse=SORT_KEYS[sort])  # type: ignore[arg-type, return-value]


def _sort_value(row: PortfolioRow, key: str, tiers: list[str]) -> object:
    return {"score": row.score, "fragility": row.fragility_index, "health": row.health, "coverage": row.coverage,
            "key_coverage": row.key_coverage, "stage": row.stage_level,
            "tier": tiers.index(row.tier) if row.tier in tiers else len(tiers), "name": row.name.casefold(),
            "overdue": row.overdue_key, "alerts": row.open_alerts or 0}[key]


def build_portfolio(store: GraphStore, as_of: dt.date, settings: Settings, *, sort: str = "score",
                    accounts: list[str] | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    executor: Executor | None = None, use_snapshots: bool = True) -> Portfolio:
    """Analyse, score and stage every account (or the given ones) on ``as_of``.

    Parameters
    ----------
    store : GraphStore
        Where the accounts are.
    as_of : datetime.date
        The date of the figures.
    settings : Settings
        Analysis, qualification and stage settings.
    sort : str
        A key of :data:`SORT_KEYS`; ties fall back to the account id.
    accounts : list of str, optional
        Account ids; all accounts when not given.
    progress : callable, optional
        Called as ``progress(done, total)`` after each chunk of accounts.
    executor : Executor, optional
        Where the accounts are analysed (default: the one ``settings.executor`` names,
        see :mod:`kamgraph.store.executor`).
    use_snapshots : bool
        Read the rows of accounts with a current stored snapshot from it (default) instead of analysing them.
    """
    if sort not in SORT_KEYS:
        raise InputError(f"unknown sort key {sort!r} (one of: {', '.join(SORT_KEYS)})", field="sort")
    ids = accounts if accounts is not None else store.account_ids()
    alert_counts = _open_alert_counts(store)
    executor = executor or executor_for(settings=settings.executor)
    stored = _stored_rows(store, ids, as_of, settings) if use_snapshots else {}
    # An account with an open plan objective is analysed: its objectives are evaluated against the graph.
    planned = {o.account for o in store.load_objectives(ids)}
    stored = {a: found for a, found in stored.items() if a not in planned}
    todo = [a for a in ids if a not in stored]
    step = None if progress is None else (lambda done, _total: progress(done + len(stored), len(ids)))
    computed = executor.run(store, portfolio_rows, todo, lambda _part: (as_of, settings), step)
    rows, quals, stages = [], {}, {}
    for row, qual, stage in [*stored.values(), *computed]:
        if alert_counts is not None:
            row.open_alerts = alert_counts.get(row.account, 0)
        rows.append(row)
        quals[row.account], stages[row.account] = qual, stage
    sort_rows(rows, sort, settings.portfolio.tiers)
    return Portfolio(as_of=as_of, rows=rows, qualifications=quals, stages=stages)


def portfolio_rows(store: GraphStore, ids: list[str], payload: tuple[dt.date, Settings]
                   ) -> list[tuple[PortfolioRow, Qualification, StageResult]]:
    """The portfolio row (without open alerts), qualification and stage of each account of one chunk.

    The task :func:`build_portfolio` hands its executor: one set-based read of the chunk, one summary
    analysis per account. The cyclic garbage collector is paused throughout: a chunk of snapshots is many
    small objects without cycles, which it would otherwise scan again and again.
    """
    as_of, settings = payload
    plans: dict[str, list[Objective]] = {}
    for objective in store.load_objectives(ids):
        plans.setdefault(objective.account, []).append(objective)
    with paused_gc():
        return [_row(snapshot, as_of, settings, plans.get(snapshot.account.id, []))
                for snapshot in store.load_accounts(ids, as_of, chunk_size=len(ids) or 1)]


def _stored_rows(store: GraphStore, ids: list[str], as_of: dt.date, settings: Settings
                 ) -> dict[str, tuple[PortfolioRow, Qualification, StageResult]]:
    """The rows of the accounts whose stored snapshot is current (the others are left out)."""
    current = current_metrics(store, ids, as_of, settings)
    if not current:
        return {}
    accounts = {a.id: a for a in store.all_accounts() if a.id in current}
    found = {}
    for account_id, metrics in current.items():
        stage = stage_of(metrics, settings)
        if stage is not None and account_id in accounts:
            found[account_id] = _row_of(accounts[account_id], summary_of(metrics), stage, settings)
    return found


def _row(snapshot: AccountSnapshot, as_of: dt.date, settings: Settings, objectives: list[Objective]
         ) -> tuple[PortfolioRow, Qualification, StageResult]:
    analysis = analyze(snapshot, as_of, settings, detail=False)
    found = _row_of(snapshot.account, analysis.summary, relationship_stage(analysis.ag), settings)
    if objectives:
        statuses = [s.status for s in evaluate_objectives(objectives, analysis, settings)]
        found[0].objectives_missed = statuses.count(PlanStatus.MISSED)
        found[0].objectives_at_risk = statuses.count(PlanStatus.AT_RISK)
    return found


def _row_of(account: Account, summary: SummaryScores, stage: StageResult, settings: Settings
            ) -> tuple[PortfolioRow, Qualification, StageResult]:
    account_id = account.id
    qual = qualify(account, summary.model_dump(), stage.level, settings.portfolio)
    row = PortfolioRow(
        account=account_id, name=account.name, declared_tier=account.tier, tier=qual.tier,
        score=qual.score, near_miss=qual.near_miss.tier if qual.near_miss else None, stage=stage.stage,
        stage_level=stage.level, shape=summary.shape, coverage=summary.coverage,
        key_coverage=summary.key_coverage, fragility_index=summary.fragility_index, health=summary.health,
        overdue_key=summary.overdue_key, share_of_wallet=qual.share_of_wallet)
    return row, qual, stage


def _open_alert_counts(store: GraphStore) -> dict[str, int] | None:
    """Open alerts per account, or None when the store keeps no alert state."""
    try:
        return store.open_alert_counts()
    except StoreError:
        return None
