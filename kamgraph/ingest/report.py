"""What an import says afterwards: the summary text (the file of skipped rows is
:func:`kamgraph.views.csv_text.skipped_csv`, formulas neutralised as in kamgraph's other spreadsheet tables).

Examples
--------
>>> from kamgraph.domain.dataset import ImportSummary, Skipped
>>> s = ImportSummary()
>>> s.kinds["meetings"].created = 12
>>> s.skipped += [Skipped(file="kim.ics", line=40, reason="cancelled"),
...               Skipped(file="kim.ics", line=61, reason="no client attendee"),
...               Skipped(file="raj.ics", line=9, reason="no client attendee")]
>>> print(render_import(s, "kam.db"))
kam.db: created 12, updated 0, unchanged 0, skipped 3 (meetings 12/0/0)
  skipped: no client attendee 2, cancelled 1
"""

from __future__ import annotations

from ..domain.dataset import ImportSummary

__all__ = ["render_import"]


def render_import(summary: ImportSummary, store_url: str, *, reasons: bool = True) -> str:
    """The summary line, then (with ``reasons``) how many rows were skipped for which reason."""
    text = f"{store_url}: {summary.line()}"
    if reasons and summary.skipped:
        counts = ", ".join(f"{reason} {n}" for reason, n in summary.skip_reasons().items())
        text += f"\n  skipped: {counts}"
    return text

