"""Progress reports from long imports, without tying the library to a terminal.

The importer calls :meth:`Progress.start` once with the number of rows (or
events) it is about to read, :meth:`Progress.advance` as it goes and
:meth:`Progress.finish` at the end. The base class does nothing; the command
line passes a subclass that draws a bar when that is useful.
"""

from __future__ import annotations

__all__ = ["Progress", "SILENT", "BAR_MIN_ROWS"]

#: Below this many rows an import is quick enough to need no progress bar.
BAR_MIN_ROWS = 2000


class Progress:
    """A receiver of progress reports that ignores them (subclass it to show them).

    Examples
    --------
    >>> class Count(Progress):
    ...     done = 0
    ...     def advance(self, n: int = 1) -> None:
    ...         self.done += n
    >>> p = Count(); p.start("rows", 10); p.advance(4); p.advance(); p.finish(); p.done
    5
    """

    def start(self, label: str, total: int) -> None:
        """About ``total`` rows are coming."""

    def advance(self, n: int = 1) -> None:
        """``n`` more rows were read."""

    def finish(self) -> None:
        """Reading is over."""


#: The do-nothing receiver.
SILENT = Progress()
