"""Account plans as people read them: a text section (X-ray, report, ``plan list``), JSON-ready dicts, CSV.

One table per list of evaluated objectives (:class:`kamgraph.domain.plans.ObjectiveStatus`): id, goal,
owner, due date, status and the evidence. The report and the web app take :func:`plan_json`;
names are escaped by whatever writes them (HTML/Markdown writers), and :func:`plans_csv` neutralises
formulas (:mod:`kamgraph.views.csv_text`).

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.plans import Objective, ObjectiveStatus
>>> o = Objective(id="a-1", account="a", kind="cover_person", subject="eb", owner="s1",
...               due=dt.date(2026, 6, 30), created_on=dt.date(2026, 5, 1))
>>> s = ObjectiveStatus(objective=o, as_of=dt.date(2026, 7, 1), goal="cover Eve", status="missed",
...                     evidence="Eve has 0 threads, needs 1; due 2026-06-30, 1 day ago", days_left=-1,
...                     owner_name="Sam")
>>> print(render_objectives([s], width=100))
  id   goal       owner  due         status  evidence
  ---  ---------  -----  ----------  ------  -----------------------------------------------------
  a-1  cover Eve  Sam    2026-06-30  MISSED  Eve has 0 threads, needs 1; due 2026-06-30, 1 day ago
>>> plan_summary([s])
'1 objective: 1 missed'
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..domain.plans import ObjectiveStatus, PlanStatus
from .csv_text import csv_text
from .text import table

__all__ = ["STATUS_LABELS", "render_objectives", "render_plan_section", "plan_summary", "plan_json", "plans_csv",
           "plan_table", "CSV_HEADER", "TABLE_HEADERS"]

#: How each status is shown in text.
STATUS_LABELS = {PlanStatus.MET: "met", PlanStatus.ON_TRACK: "on track", PlanStatus.AT_RISK: "AT RISK",
                 PlanStatus.MISSED: "MISSED"}

CSV_HEADER = ("account", "id", "kind", "goal", "subject", "target", "owner", "owner_name", "due", "state",
              "created_on", "closed_on", "status", "value", "days_left", "evidence", "note", "origin")


def render_objectives(statuses: Sequence[ObjectiveStatus], *, with_account: bool = False,
                      width: int | None = None) -> str:
    """The evaluated objectives as one aligned table (closed ones show their state next to the status)."""
    headers = (["account"] if with_account else []) + ["id", "goal", "owner", "due", "status", "evidence"]
    rows = []
    for s in statuses:
        o = s.objective
        status = STATUS_LABELS[s.status] + ("" if o.is_open else f" ({o.state.value})")
        rows.append(([o.account] if with_account else []) + [o.id, s.goal, s.owner_name or o.owner, o.due, status,
                                                             s.evidence])
    return table(headers, rows, max_col=90, width=width)


#: Column titles of :func:`plan_table`.
TABLE_HEADERS = ["goal", "owner", "due", "status", "evidence"]


def plan_table(statuses: Sequence[ObjectiveStatus]) -> tuple[list[str], list[list[str]]]:
    """``(headers, rows)`` of plain, unescaped text cells: for a report table (each writer escapes).

    Examples
    --------
    >>> plan_table([])
    (['goal', 'owner', 'due', 'status', 'evidence'], [])
    """
    rows = [[s.goal, s.owner_name or s.objective.owner or "-", s.objective.due.isoformat(), STATUS_LABELS[s.status],
             s.evidence] for s in statuses]
    return list(TABLE_HEADERS), rows


def plan_summary(statuses: Sequence[ObjectiveStatus]) -> str:
    """``N objectives: 1 missed, 2 at risk, ...`` (statuses most urgent first; none: 'no objectives')."""
    if not statuses:
        return "no objectives"
    counts = [(status, sum(1 for s in statuses if s.status is status)) for status in
              (PlanStatus.MISSED, PlanStatus.AT_RISK, PlanStatus.ON_TRACK, PlanStatus.MET)]
    parts = [f"{n} {status.value.replace('_', ' ')}" for status, n in counts if n]
    return f"{len(statuses)} objective{'' if len(statuses) == 1 else 's'}: " + ", ".join(parts)


def render_plan_section(statuses: Sequence[ObjectiveStatus], *, width: int | None = None) -> str:
    """The ``ACCOUNT PLAN`` section of the X-ray text: a summary line and the table (or 'no objectives')."""
    head = "ACCOUNT PLAN  " + plan_summary(statuses)
    return head if not statuses else head + "\n" + render_objectives(statuses, width=width)


def plan_json(statuses: Sequence[ObjectiveStatus]) -> list[dict[str, Any]]:
    """The evaluated objectives as JSON-ready dicts: the objective's fields and its status on the date."""
    return [{**s.objective.model_dump(mode="json"), "goal": s.goal, "status": s.status.value, "evidence": s.evidence,
             "value": s.value, "target": s.target, "days_left": s.days_left, "owner_name": s.owner_name,
             "as_of": s.as_of.isoformat()} for s in statuses]


def plans_csv(statuses: Sequence[ObjectiveStatus]) -> str:
    """The evaluated objectives as CSV (:data:`CSV_HEADER`), formulas neutralised."""
    rows = []
    for s in statuses:
        o = s.objective
        rows.append([o.account, o.id, o.kind.value, s.goal, o.subject, o.target, o.owner, s.owner_name, o.due,
                     o.state.value, o.created_on, o.closed_on, s.status.value, s.value, s.days_left, s.evidence,
                     o.note, o.origin])
    return csv_text(CSV_HEADER, rows)
