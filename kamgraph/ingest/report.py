"""What an import says afterwards: the summary text and the file of skipped rows.

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

import csv
from pathlib import Path

from ..domain.dataset import ImportSummary

__all__ = ["render_import", "write_skipped", "REPORT_COLUMNS"]

#: Columns of the ``--report`` file.
REPORT_COLUMNS = ("file", "line", "reason", "detail", "row")


def render_import(summary: ImportSummary, store_url: str, *, reasons: bool = True) -> str:
    """The summary line, then (with ``reasons``) how many rows were skipped for which reason."""
    text = f"{store_url}: {summary.line()}"
    if reasons and summary.skipped:
        counts = ", ".join(f"{reason} {n}" for reason, n in summary.skip_reasons().items())
        text += f"\n  skipped: {counts}"
    return text


def write_skipped(summary: ImportSummary, path: str | Path) -> int:
    """Write every skipped row (file, line, reason, detail, the row as read) to a CSV file.

    Returns
    -------
    int
        The number of rows written (the header not counted).
    """
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(REPORT_COLUMNS)
        for item in summary.skipped:
            out.writerow([item.file, "" if item.line is None else item.line, item.reason, item.detail, item.row])
    return len(summary.skipped)
