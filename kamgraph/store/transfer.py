"""Copy a whole store into another one, across backends (SQLite -> Neo4j and back).

:func:`copy_store` reads every record of the source (:meth:`GraphStore.dump`)
and imports it into the target kind by kind -- accounts, staff, stakeholders,
then meetings in chunks, then relationships -- each step one all-or-nothing
import. Imports match records by id, so copying again changes nothing and a
copy that stopped half-way is completed by running it again. Records that
only the target holds are kept (empty it first to get an exact mirror).

The alert state goes too (:func:`copy_alert_state`): every alert, cleared
ones included, the last check of each account and the webhook payloads not
delivered yet -- so ``kamgraph alerts`` on the copy raises nothing that the
source had raised already, and nothing queued is lost. It is merged into the
target's by :func:`kamgraph.domain.erasure.merge_alert_states`. The account
plans go as well (:func:`copy_objectives`: every objective, closed ones too,
replacing the target's objective of the same id).

Examples
--------
>>> from kamgraph.domain.dataset import Batch
>>> from kamgraph.domain.models import Account
>>> from kamgraph.store.sqlite import SqliteStore
>>> a, b = SqliteStore(":memory:"), SqliteStore(":memory:")
>>> _ = a.import_batch(Batch(accounts=[Account(id="acme", name="Acme")]))
>>> copy_store(a, b).line(), copy_store(a, b).line()
('created 1, updated 0, unchanged 0 (accounts 1/0/0)', 'created 0, updated 0, unchanged 1 (accounts 0/0/1)')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..domain.alert_state import KEPT_POINTS
from ..domain.dataset import STORED_KINDS, Batch, ImportSummary
from ..errors import InputError
from .base import GraphStore

__all__ = ["copy_store", "copy_steps", "copy_alert_state", "copy_objectives", "DEFAULT_CHUNK"]

#: Meetings per import when copying.
DEFAULT_CHUNK = 5000


def copy_steps(batch: Batch, chunk: int = DEFAULT_CHUNK) -> Iterator[Batch]:
    """Split a full dump into imports that each only refer to what earlier ones wrote."""
    if chunk < 1:
        raise InputError(f"chunk size must be at least 1 (got {chunk})", field="chunk")
    for kind in STORED_KINDS:
        records = getattr(batch, kind)
        size = chunk if kind == "meetings" else max(len(records), 1)
        for start in range(0, len(records), size):
            yield Batch(**{kind: records[start:start + size]}, person_kinds=batch.person_kinds)


def copy_alert_state(source: GraphStore, target: GraphStore) -> int:
    """Add the source's whole alert state to the target's, in one transaction; returns the records written
    (0 when the target had it all already). The figures a check kept for past dates
    (:data:`~kamgraph.domain.alert_state.KEPT_POINTS`) stay behind: they are keyed by the source's data
    generation, which the target's may equal by chance while its records differ."""
    state = source.dump_alert_state()
    checks = [c.model_copy(update={"facts": {k: v for k, v in c.facts.items() if k != KEPT_POINTS}})
              if KEPT_POINTS in c.facts else c for c in state.checks]
    return target.restore_alert_state(state.model_copy(update={"checks": checks}))


def copy_objectives(source: GraphStore, target: GraphStore) -> int:
    """Every account-plan objective of the source (open and closed), saved in the target under the same id
    (replacing one it has); returns how many. Run after the records: an objective refers to its account."""
    objectives = source.load_objectives(include_closed=True)
    for objective in objectives:
        target.save_objective(objective, replace=True)
    return len(objectives)


def copy_store(source: GraphStore, target: GraphStore, *, chunk: int = DEFAULT_CHUNK,
               progress: Callable[[int], None] | None = None, alerts: bool = True) -> ImportSummary:
    """Copy every record of ``source`` into ``target``.

    Parameters
    ----------
    source, target : GraphStore
        Any two stores (not the same one).
    chunk : int
        Meetings per import (the other kinds go in one import each).
    progress : callable, optional
        Called with the number of records after each import step (for a progress bar).
    alerts : bool
        Copy the alert state too (default), after the records (:func:`copy_alert_state`). The account
        plans are always copied (:func:`copy_objectives`).

    Returns
    -------
    ImportSummary
        Created / updated / unchanged in the target, per kind, over all steps.
    """
    if source is target or (source.url == target.url and source.url != ":memory:"):
        raise InputError(f"source and target are the same store ({source.url})")
    total = ImportSummary()
    for step in copy_steps(source.dump(), chunk):
        done = target.import_batch(step)
        for kind, counts in done.kinds.items():
            mine = total.counts(kind)
            mine.created += counts.created
            mine.updated += counts.updated
            mine.unchanged += counts.unchanged
        if progress is not None:
            progress(len(step))
    copy_objectives(source, target)
    if alerts:
        copy_alert_state(source, target)
    return total
