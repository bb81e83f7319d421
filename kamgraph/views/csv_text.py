"""CSV for spreadsheets: every table kamgraph prints as CSV is written here.

A cell a spreadsheet would read as a formula (text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return; OWASP's "CSV injection") gets a leading
apostrophe, so a hostile name such as ``=HYPERLINK(...)`` shows as text in Excel,
LibreOffice and Google Sheets instead of running. Numbers, dates and empty cells
are written as they are, so ``-0.5`` stays a number. The standard library's
:mod:`csv` does the quoting; no CSV package adds the neutralisation.

Programs reading the files (not spreadsheets) can turn it off: ``[csv]
neutralise_formulas = false`` in the settings (the command line passes it to
:func:`set_neutralising` once), or ``KAMGRAPH_CSV__NEUTRALISE_FORMULAS=false``
in the environment; ``csv_text(..., neutralise=...)`` decides for one table.

Examples
--------
>>> print(csv_text(["name", "score"], [["=1+1", -0.5], ["Ana", 3]]), end="")
name,score
'=1+1,-0.5
Ana,3
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..analysis.matrix import CommunicationMatrix, MatrixCell, MatrixTotals
    from ..domain.dataset import ImportSummary
    from ..portfolio.table import Portfolio

__all__ = ["csv_text", "safe_cell", "matrix_csv", "portfolio_csv", "skipped_csv", "SKIPPED_COLUMNS",
           "MATRIX_VALUES", "set_neutralising", "neutralising", "NEUTRALISE_ENV"]

#: The ``[csv] neutralise_formulas`` setting as an environment variable.
NEUTRALISE_ENV = "KAMGRAPH_CSV__NEUTRALISE_FORMULAS"
#: What :func:`set_neutralising` chose (None: not chosen; the environment, else on).
_chosen: bool | None = None


def set_neutralising(enabled: bool | None) -> None:
    """Neutralise formula cells in every CSV from now on (``True``), or not (``False``); ``None`` goes back to
    the default (the environment's :data:`NEUTRALISE_ENV`, else on). The CLI calls it with
    ``settings.csv.neutralise_formulas``.

    Examples
    --------
    >>> set_neutralising(False); csv_text(["a"], [["=1"]]).split()
    ['a', '=1']
    >>> set_neutralising(None); csv_text(["a"], [["=1"]]).split()
    ['a', "'=1"]
    """
    global _chosen
    _chosen = enabled


def neutralising() -> bool:
    """Whether CSV cells are neutralised by default now (see :func:`set_neutralising`)."""
    if _chosen is not None:
        return _chosen
    text = os.environ.get(NEUTRALISE_ENV, "").strip().lower()
    return text not in ("false", "0", "no", "off")

#: What a cell of :func:`matrix_csv` can show.
MATRIX_VALUES = ("strength", "count", "last", "status")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value``, with an apostrophe in front when a spreadsheet would run it as a formula.

    Examples
    --------
    >>> safe_cell("@SUM(A1)"), safe_cell("-12"), safe_cell(-12), safe_cell("Dana"), safe_cell(None)
    ("'@SUM(A1)", '-12', -12, 'Dana', '')
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], *, neutralise: bool | None = None) -> str:
    """The rows as CSV text (``\\n`` line ends), every cell passed through :func:`safe_cell`.

    ``neutralise=False`` writes cells as they are, for files a database loads rather than a
    spreadsheet opens (``neo4j-admin database import``); ``None`` (the default) follows
    :func:`neutralising` -- the ``[csv] neutralise_formulas`` setting. A ``None`` cell is empty either way.
    """
    if neutralise is None:
        neutralise = neutralising()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    clean = safe_cell if neutralise else _plain_cell
    writer.writerow([clean(h) for h in header])
    for row in rows:
        writer.writerow([clean(v) for v in row])
    return out.getvalue()


def _plain_cell(value: object) -> object:
    return "" if value is None else value


def matrix_csv(matrix: CommunicationMatrix, value: str = "strength", *, rows: str = "staff") -> str:
    """The matrix as CSV, plus totals.

    Parameters
    ----------
    matrix : CommunicationMatrix
        From :func:`kamgraph.analysis.matrix.communication_matrix`.
    value : str
        What a cell shows: ``strength`` (default), ``count``, ``last`` or ``status``.
    rows : str
        ``staff`` (one row per staff member, one column per stakeholder) or
        ``stakeholders`` (the other way round, as ``kamgraph matrix`` prints its table).
    """
    if value not in MATRIX_VALUES:
        raise ValueError(f"unknown matrix value {value!r}")
    if rows not in ("staff", "stakeholders"):
        raise ValueError(f"unknown matrix orientation {rows!r}")

    def show(cell: MatrixCell | MatrixTotals | None) -> object:
        if cell is None:
            return ""
        shown = getattr(cell, value)
        return "" if shown is None else shown

    if rows == "stakeholders":
        body: list[list[object]] = [
            [c, matrix.names[c], *(show(matrix.cells.get((s, c))) for s in matrix.staff),
             show(matrix.column_totals[c])]
            for c in matrix.stakeholders]
        body.append(["total", "", *(show(matrix.row_totals[s]) if value != "status" else ""
                                    for s in matrix.staff), ""])
        return csv_text(["stakeholder_id", "stakeholder_name", *matrix.staff, "total"], body)
    body = [
        [s, matrix.names[s], *(show(matrix.cells.get((s, c))) for c in matrix.stakeholders),
         show(matrix.row_totals[s]) if value != "status" else ""]
        for s in matrix.staff]
    body.append(["total", "", *(show(matrix.column_totals[c]) for c in matrix.stakeholders), ""])
    return csv_text(["staff_id", "staff_name", *matrix.stakeholders, "total"], body)


def portfolio_csv(portfolio: Portfolio) -> str:
    """The portfolio table as CSV: one row per account, one column per field of its row."""
    fields = list(type(portfolio.rows[0]).model_fields) if portfolio.rows else []
    rows = []
    for row in portfolio.rows:
        data = row.model_dump(mode="json")
        rows.append([data[f] for f in fields])
    return csv_text(fields, rows)


#: Columns of ``kamgraph import --report FILE``: where each row skipped on purpose was, why, and the row.
SKIPPED_COLUMNS = ("file", "line", "reason", "detail", "row")


def skipped_csv(summary: ImportSummary) -> str:
    """The rows an import skipped on purpose (cancelled events, contacts without an account, ...) as CSV.

    The row as read comes from someone else's calendar or CRM: a cell that a spreadsheet would run as a
    formula gets an apostrophe, as in the other tables kamgraph writes for a spreadsheet.

    Examples
    --------
    >>> from kamgraph.domain.dataset import ImportSummary, Skipped
    >>> s = ImportSummary()
    >>> s.skipped.append(Skipped(file="crm.csv", line=7, reason="no account", row='=HYPERLINK("http://x")'))
    >>> print(skipped_csv(s), end="")
    file,line,reason,detail,row
    crm.csv,7,no account,,"'=HYPERLINK(""http://x"")"
    """
    return csv_text(SKIPPED_COLUMNS, [[item.file, item.line, item.reason, item.detail, item.row]
                                      for item in summary.skipped])
