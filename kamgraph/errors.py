"""The one exception hierarchy of kamgraph.

Every error the library raises on purpose derives from :class:`KamgraphError`,
so a caller (the CLI, a notebook, a cron job) can catch one type and print a
one-line message.
"""

from __future__ import annotations

__all__ = [
    "one_line",
    "KamgraphError",
    "InputError",
    "NotFoundError",
    "StoreError",
    "ConfigError",
    "ConflictError",
]


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and other control characters shown escaped.

    A message quotes what the user gave (a header, a value); a line break in it must not split the
    ``FILE:LINE: FIELD: problem`` line a script or a person reads.

    Examples
    --------
    >>> one_line("bad header 'name\\nemail'\\x00")
    "bad header 'name\\\\nemail'\\\\x00"
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class KamgraphError(Exception):
    """Root of every error kamgraph raises deliberately; its message is always one line (:func:`one_line`)."""

    exit_code = 1

    def __str__(self) -> str:
        return one_line(super().__str__())


class InputError(KamgraphError):
    """Bad user input, located as precisely as we can.

    The message reads ``FILE:LINE: FIELD: problem``; parts that are unknown
    are left out.

    Parameters
    ----------
    problem : str
        What is wrong, in words a user understands.
    file : str, optional
        The file the input came from.
    line : int, optional
        1-based line number in that file where the record starts.
    field : str, optional
        The column or key holding the bad value.

    Examples
    --------
    >>> str(InputError("not a date: '2024-13-01'", file="m.csv", line=57, field="date"))
    "m.csv:57: date: not a date: '2024-13-01'"
    """

    exit_code = 2

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.line = line
        self.field = field
        super().__init__(self.format())

    def format(self) -> str:
        """Return the one-line ``FILE:LINE: FIELD: problem`` message."""
        where = ""
        if self.file is not None:
            where = self.file + (f":{self.line}" if self.line is not None else "") + ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.problem}"

    def located(self, file: str | None = None, line: int | None = None) -> InputError:
        """Return a copy with the file and line filled in where missing."""
        return InputError(
            self.problem,
            file=self.file if self.file is not None else file,
            line=self.line if self.line is not None else line,
            field=self.field,
        )


class NotFoundError(KamgraphError):
    """A named account or person does not exist in the store."""

    exit_code = 2


class StoreError(KamgraphError):
    """The store cannot be opened, reached or written."""

    exit_code = 3


class ConfigError(KamgraphError):
    """A settings file or environment variable is invalid."""

    exit_code = 2


class ConflictError(StoreError):
    """The store refuses a change that conflicts with what it holds now (another run recorded it first, say)."""

    exit_code = 2
