"""The "change since" columns of ``kamgraph portfolio review --since``: text and CSV.

One row per account (:class:`kamgraph.portfolio.review.ChangeRow`): each figure on ``--since`` and on
``--as-of`` with the change between them. Shares are shown as percentages and their changes in
percentage points; health in points; counts as counts; the relationship stage by name.

Examples
--------
>>> fmt_change("health", 85.5, 71.7), fmt_change("key_coverage", 0.89, 0.75), fmt_change("overdue_key", 2, 5)
('85.5 -> 71.7 (-13.8)', '89% -> 75% (-14 pts)', '2 -> 5 (+3)')
"""

from __future__ import annotations

from collections.abc import Sequence

from ..portfolio.review import CHANGE_FIGURES, ChangeRow
from .csv_text import csv_text
from .formatting import PERCENT_FIGURES
from .text import table

__all__ = ["fmt_change", "fmt_now_and_change", "render_changes_since", "changes_csv", "CHANGE_HEADER"]

_SHARES = {"coverage", "weighted_coverage", "key_coverage", "fragility_index", "concentration"} | set(PERCENT_FIGURES)
_SHOWN = ("health", "coverage", "key_coverage", "fragility_index", "concentration", "overdue_key")
_TITLES = {"health": "health", "coverage": "coverage", "key_coverage": "key cov", "fragility_index": "fragility",
           "concentration": "concentr.", "overdue_key": "overdue key"}


def fmt_change(figure: str, before: float, after: float) -> str:
    """``BEFORE -> AFTER (CHANGE)`` in the figure's unit (see the module docstring)."""
    if figure in _SHARES:
        return f"{before:.0%} -> {after:.0%} ({100 * (after - before):+.0f} pts)"
    if figure == "health":
        return f"{before:.1f} -> {after:.1f} ({after - before:+.1f})"
    return f"{before:g} -> {after:g} ({after - before:+g})"


def fmt_now_and_change(figure: str, before: float, after: float) -> str:
    """``AFTER (CHANGE)``: the table cell (shares in %, their change in points).

    Examples
    --------
    >>> fmt_now_and_change("health", 85.7, 70.8), fmt_now_and_change("coverage", 0.533333, 0.477273)
    ('70.8 (-14.9)', '48% (-6)')
    """
    if figure in _SHARES:
        return f"{after:.0%} ({100 * (after - before):+.0f})"
    if figure == "health":
        return f"{after:.1f} ({after - before:+.1f})"
    return f"{after:g} ({after - before:+g})"


def render_changes_since(rows: Sequence[ChangeRow], since: object, as_of: object, *, width: int | None = None) -> str:
    """The ``CHANGE SINCE`` table: every account's main figures on ``as_of`` with their change since ``since``
    (shares in %, their changes in percentage points), and the stage on both dates."""
    head = (f"CHANGE SINCE {since}: {len(rows)} accounts, figures on {as_of} (change since {since}; "
            "shares in %, changes in points)")
    if not rows:
        return head
    body = [[r.account, *(fmt_now_and_change(f, float(getattr(r.since, f)), float(getattr(r.now, f))) for f in _SHOWN),
             r.since.stage if r.since.stage == r.now.stage else f"{r.since.stage} -> {r.now.stage}"]
            for r in rows]
    return head + "\n" + table(["account", *(_TITLES[f] for f in _SHOWN), "stage"], body, max_col=40, width=width)


#: Columns of :func:`changes_csv`: account, name, then each figure's value on both dates and the change.
CHANGE_HEADER = ("account", "name", *(f"{f}_{part}" for f in CHANGE_FIGURES for part in ("since", "now", "change")),
                 "stage_since", "stage_now")


def changes_csv(rows: Sequence[ChangeRow]) -> str:
    """The "change since" rows as CSV (:data:`CHANGE_HEADER`), formulas neutralised."""
    return csv_text(CHANGE_HEADER, [
        [r.account, r.name, *(x for f in CHANGE_FIGURES for x in (getattr(r.since, f), getattr(r.now, f), r.change[f])),
         r.since.stage, r.now.stage] for r in rows])
