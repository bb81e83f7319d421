"""The strategic account communication matrix: our staff x their stakeholders.

Each cell holds what one staff member and one stakeholder have together: the
number of meetings, the last date, the tie strength and the cadence status of
that pair (days since *their* last meeting against the stakeholder's target
interval). Rows (staff) and columns (stakeholders) carry totals. Stakeholders
are ordered by importance, staff by total strength.

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> from kamgraph.settings import Settings
>>> from kamgraph.graph.account_graph import build_account_graph
>>> snap = AccountSnapshot(account=Account(id="a", name="A"),
...     stakeholders=[Stakeholder(id="c1", account="a", name="C1", buying_role="champion")],
...     staff=[Staff(id="s1", name="S1"), Staff(id="s2", name="S2")], reporting_lines=[], relationships=[],
...     meetings=[Meeting(id="m1", date="2025-01-01", attendees=["s1", "c1"]),
...               Meeting(id="m2", date="2025-01-20", attendees=["s1", "s2", "c1"])])
>>> m = communication_matrix(build_account_graph(snap, dt.date(2025, 1, 31), Settings()))
>>> cell = m.cells[("s1", "c1")]
>>> cell.count, cell.last, cell.status, m.column_totals["c1"].count, m.row_totals["s2"].count
(2, datetime.date(2025, 1, 20), 'ok', 2, 1)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..graph.account_graph import AccountGraph
from .cadence import CadenceStatus, cadence_status, stakeholder_target_days

__all__ = ["MatrixCell", "MatrixTotals", "CommunicationMatrix", "communication_matrix",
           "matrix_dict"]


@dataclass(frozen=True)
class MatrixCell:
    """One staff member with one stakeholder."""

    count: int
    last: dt.date
    strength: float
    status: CadenceStatus


@dataclass
class MatrixTotals:
    """A row's or a column's totals."""

    count: int = 0
    strength: float = 0.0
    threads: int = 0
    last: dt.date | None = None
    status: CadenceStatus | None = None


@dataclass
class CommunicationMatrix:
    """The matrix of one account on one date."""

    as_of: dt.date
    staff: list[str]
    stakeholders: list[str]
    names: dict[str, str]
    cells: dict[tuple[str, str], MatrixCell] = field(default_factory=dict)
    row_totals: dict[str, MatrixTotals] = field(default_factory=dict)
    column_totals: dict[str, MatrixTotals] = field(default_factory=dict)


def communication_matrix(ag: AccountGraph) -> CommunicationMatrix:
    """Build the communication matrix of active staff x active stakeholders.

    A stakeholder's column count is the number of *meetings* they had with
    any of our staff (a meeting with two of our people counts once); a row's
    count is the staff member's meetings with any of the stakeholders.
    """
    settings = ag.settings
    weight = ag.importance
    names = {pid: ag.name(pid) for pid in [*ag.staff, *ag.stakeholders]}
    cells: dict[tuple[str, str], MatrixCell] = {}
    threshold = settings.strength.thread_threshold
    rows = {s: MatrixTotals() for s in ag.staff}
    cols = {c: MatrixTotals() for c in ag.stakeholders}
    # each stakeholder's own target (cadence_days) before their role's, as the X-ray's cadence judges it
    targets = {c: stakeholder_target_days(p, settings.cadence) for c, p in ag.stakeholders.items()}
    for (s, c), tie in ag.ties.items():
        if s not in ag.staff or c not in ag.stakeholders:
            continue
        status = cadence_status((ag.as_of - tie.last).days, targets[c], settings.cadence)
        cells[(s, c)] = MatrixCell(count=tie.count, last=tie.last, strength=round(tie.strength, 6), status=status)
        rows[s].strength += tie.strength
        cols[c].strength += tie.strength
        if tie.strength >= threshold:
            rows[s].threads += 1
            cols[c].threads += 1
        for total in (rows[s], cols[c]):
            if total.last is None or tie.last > total.last:
                total.last = tie.last
    staff_meetings: dict[str, set[str]] = {s: set() for s in ag.staff}
    client_meetings: dict[str, set[str]] = {c: set() for c in ag.stakeholders}
    for meeting in ag.snapshot.meetings:
        if meeting.date > ag.as_of:
            continue
        ours = [p for p in meeting.attendees if p in staff_meetings]
        theirs = [p for p in meeting.attendees if p in client_meetings]
        if ours and theirs:
            for p in ours:
                staff_meetings[p].add(meeting.id)
            for p in theirs:
                client_meetings[p].add(meeting.id)
    for s, total in rows.items():
        total.count = len(staff_meetings[s])
        total.strength = round(total.strength, 6)
    for c, total in cols.items():
        total.count = len(client_meetings[c])
        total.strength = round(total.strength, 6)
        days = (ag.as_of - total.last).days if total.last else None
        total.status = cadence_status(days, targets[c], settings.cadence)
    staff_order = sorted(ag.staff, key=lambda s: (-rows[s].strength, s))
    client_order = sorted(ag.stakeholders, key=lambda c: (-weight[c], c))
    return CommunicationMatrix(as_of=ag.as_of, staff=staff_order, stakeholders=client_order, names=names,
                               cells=cells, row_totals=rows, column_totals=cols)


def matrix_dict(matrix: CommunicationMatrix, account: str) -> dict[str, object]:
    """The matrix as JSON-ready data: staff, stakeholders, non-empty cells, totals."""
    def totals(t: MatrixTotals) -> dict[str, object]:
        return {"count": t.count, "strength": t.strength, "threads": t.threads,
                "last": t.last.isoformat() if t.last else None, "status": t.status}

    return {
        "account": account,
        "as_of": matrix.as_of.isoformat(),
        "staff": [{"id": s, "name": matrix.names[s], **totals(matrix.row_totals[s])} for s in matrix.staff],
        "stakeholders": [{"id": c, "name": matrix.names[c], **totals(matrix.column_totals[c])}
                         for c in matrix.stakeholders],
        "cells": [{"staff": s, "stakeholder": c, "count": cell.count, "last": cell.last.isoformat(),
                   "strength": cell.strength, "status": cell.status}
                  for s in matrix.staff for c in matrix.stakeholders
                  if (cell := matrix.cells.get((s, c))) is not None],
    }
