"""Analysis snapshots of many accounts: compute and store them (``kamgraph analyze --write``), and find the
current ones again (the portfolio and the web app read those instead of analysing again).

:func:`write_snapshots` analyses accounts through the executor interface
(:mod:`kamgraph.store.executor`: chunks of accounts, each loaded with one set-based
:meth:`~kamgraph.store.base.GraphStore.load_accounts`), turns each analysis into records
(:func:`kamgraph.analysis.snapshot.metrics_snapshot`, plus the relationship stage) and writes each chunk with
:meth:`~kamgraph.store.base.GraphStore.write_metrics`. The store's data generation is read *before* any account
is loaded and stamped on every snapshot: when a write lands while the analysis runs, the snapshot is stale at
once. Accounts whose stored snapshot is current already are left alone unless ``force`` is given, so running
the command twice changes nothing.

:func:`current_metrics` returns the stored account figures that are current -- same as-of date, same settings
fingerprint, same data generation -- and nothing else: a stale snapshot is never returned as current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field

from ..analysis.pipeline import analyze
from ..analysis.snapshot import analysis_fingerprint, metrics_snapshot
from ..domain.metrics import STAGE_FIELDS, AccountMetrics, MetricsSnapshot
from ..kernels.gc_pause import paused_gc
from ..settings import Settings
from ..store.base import GraphStore
from ..store.executor import Executor, executor_for
from .stage import StageEvidence, StageResult, relationship_stage, stage_from_evidence

__all__ = ["SnapshotRun", "write_snapshots", "snapshot_task", "current_metrics", "stage_of", "stage_columns"]


class SnapshotRun(BaseModel):
    """What one ``analyze --write`` did."""

    as_of: dt.date
    fingerprint: str
    generation: int = Field(description="The data generation the snapshots were computed from.")
    written: list[str] = Field(description="Accounts whose snapshot was computed and written.")
    current: list[str] = Field(description="Accounts whose stored snapshot was current already (left alone).")
    accounts: list[AccountMetrics] = Field(default_factory=list, description="The figures written, by account id.")


def stage_columns(stage: StageResult) -> dict[str, object]:
    """The ``stage`` fields of :class:`~kamgraph.domain.metrics.AccountMetrics` for a stage result.

    Examples
    --------
    >>> from kamgraph.settings import StageSettings
    >>> e = StageEvidence(threaded=5, departments=2, levels=2, staff=2, exec_ties=0, multi_threaded_share=0.2,
    ...                   concentration=0.7, months=9.0)
    >>> cols = stage_columns(stage_from_evidence(e, StageSettings()))
    >>> cols["stage"], cols["stage_level"], cols["stage_threaded"]
    ('cooperative', 3, 5)
    """
    evidence = stage.evidence.model_dump()
    return {"stage": stage.stage, "stage_level": stage.level,
            **{f"stage_{name}": evidence[name] for name in STAGE_FIELDS}}


def stage_of(metrics: AccountMetrics, settings: Settings) -> StageResult | None:
    """The stage result stored in ``metrics`` (read again from its evidence), None when none is stored."""
    values = {name: getattr(metrics, f"stage_{name}") for name in STAGE_FIELDS}
    if metrics.stage_level is None or any(v is None for v in values.values()):
        return None
    return stage_from_evidence(StageEvidence.model_validate(values), settings.stage)


def snapshot_task(store: GraphStore, ids: list[str],
                  payload: tuple[dt.date, Settings, str, int, dt.datetime]) -> list[MetricsSnapshot]:
    """The snapshots of one chunk of accounts (the task :func:`write_snapshots` hands its executor)."""
    as_of, settings, fingerprint, generation, computed_at = payload
    found = []
    with paused_gc():
        for snapshot in store.load_accounts(ids, as_of, chunk_size=len(ids) or 1):
            analysis = analyze(snapshot, as_of, settings)
            snap = metrics_snapshot(analysis, fingerprint=fingerprint, generation=generation, computed_at=computed_at)
            account = snap.account.model_copy(update=stage_columns(relationship_stage(analysis.ag)))
            found.append(snap.model_copy(update={"account": account}))
    return found


def current_metrics(store: GraphStore, account_ids: Sequence[str], as_of: dt.date,
                    settings: Settings) -> dict[str, AccountMetrics]:
    """The stored figures of these accounts that are current for ``as_of`` and ``settings`` (by account id).

    The data generation is read after the snapshots, so a write landing in between makes them stale rather
    than current.
    """
    if not account_ids:
        return {}
    stored = store.account_metrics(account_ids, as_of)
    if not stored:
        return {}
    fingerprint = analysis_fingerprint(settings)
    generation = store.data_generation()
    return {a: m for a, m in stored.items() if m.is_current(as_of, fingerprint, generation)}


def write_snapshots(store: GraphStore, as_of: dt.date, settings: Settings, *, accounts: Sequence[str] | None = None,
                    force: bool = False, dry_run: bool = False, executor: Executor | None = None,
                    progress: Callable[[int, int], None] | None = None,
                    now: Callable[[], dt.datetime] | None = None) -> SnapshotRun:
    """Analyse these accounts (default: all) on ``as_of`` and store their snapshots.

    Parameters
    ----------
    store : GraphStore
        Read from and written to.
    as_of : datetime.date
        The date analysed.
    settings : Settings
        The analysis settings (their fingerprint is stamped on every snapshot).
    accounts : sequence of str, optional
        Account ids (all accounts when not given).
    force : bool
        Recompute and write accounts whose stored snapshot is current too.
    dry_run : bool
        Compute every account's figures but write nothing (``written`` then lists what would be written).
    executor : Executor, optional
        Where the accounts are analysed (default: ``settings.executor``).
    progress : callable, optional
        ``progress(done, total)`` after each chunk.
    now : callable, optional
        The clock for ``computed_at`` (default: UTC now).
    """
    ids = list(accounts) if accounts is not None else store.account_ids()
    fingerprint = analysis_fingerprint(settings)
    generation = store.data_generation()  # before anything is loaded: a write from now on makes these stale
    current = set() if force or dry_run else set(current_metrics(store, ids, as_of, settings))
    todo = [a for a in ids if a not in current]
    computed_at = (now or (lambda: dt.datetime.now(dt.UTC)))().replace(microsecond=0)
    executor = executor or executor_for(settings=settings.executor)
    written: list[AccountMetrics] = []
    done = len(ids) - len(todo)
    for part in executor.map(store, snapshot_task, todo, lambda _ids: (as_of, settings, fingerprint, generation,
                                                                         computed_at)):
        if not dry_run:
            store.write_metrics(part)
        written.extend(snap.account for snap in part)
        done += len(part)
        if progress is not None:
            progress(done, len(ids))
    return SnapshotRun(as_of=as_of, fingerprint=fingerprint, generation=generation,
                       written=[m.account for m in written], current=sorted(current), accounts=written)
