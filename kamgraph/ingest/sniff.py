"""What a CSV file is, read from its content: encoding, separator and (for canonical files) record kind.

Spreadsheets and CRMs write CSV in many ways: Excel's "CSV UTF-8" adds a byte
order mark, its plain "CSV" is Windows-1252 with ``;`` wherever the decimal
separator is a comma, "Unicode text" is UTF-16 with tabs. :func:`decode_bytes`
and :func:`delimiter_of` take all of these; :func:`canonical_kind` decides
which records a canonical CSV holds from its **header**, the file name only
breaking a tie between kinds the header fits equally (``activities.csv`` with
a meetings header is a meetings file; ``globex-account-meetings.csv`` is not an
accounts file).

Written by hand rather than with ``csv.Sniffer`` (which guesses from a sample
and is often wrong on one-column or quoted headers) or ``chardet`` (which is
not a dependency and still cannot tell Windows-1252 from Latin-1 reliably):
the candidates are few and known, so each is tried in turn and the one that
fits is kept, and what was tried is reported when none does.

Examples
--------
>>> decode_bytes("id;name\\r\\n".encode("utf-16"), "x.csv")
('id;name\\r\\n', 'UTF-16')
>>> decode_bytes("Zoë".encode("cp1252"), "x.csv")
('Zoë', 'Windows-1252')
>>> delimiter_of('id;name;"a,b"'), delimiter_of("id\\tname"), delimiter_of("id")
(';', '\\t', ',')
>>> canonical_kind(["id", "date", "attendees"], "activities.csv")
'meetings'
>>> canonical_kind(["id", "name", "account"], "globex-account-meetings.csv")
'stakeholders'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from ..settings import LimitSettings

__all__ = ["ENCODINGS", "DELIMITERS", "KIND_ORDER", "decode_bytes", "delimiter_of", "canonical_kind",
           "kinds_fitting", "describe_delimiter", "InputLimits", "check_size", "check_rows"]


@dataclass(frozen=True)
class InputLimits:
    """How much one import may read (``[limits]``): bytes per file, rows in all (lines, events, cards).

    The importers read a file whole (the CSV, calendar and vCard parsers need it, and a file is all or nothing
    anyway), so a file is refused *before* it is read when it is bigger than ``max_bytes``, and the rows are
    counted -- streaming, a megabyte at a time -- before they are parsed. What one import holds in memory is
    then bounded by the limits, whatever the file.

    Examples
    --------
    >>> limits = InputLimits(max_bytes=10, max_rows=2)
    >>> check_rows(3, limits, "x.csv")
    Traceback (most recent call last):
    ...
    kamgraph.errors.InputError: x.csv: 3 rows, more than one import reads (2; [limits] max_rows)
    """

    max_bytes: int = 100 * 1024 * 1024
    max_rows: int = 1_000_000

    @classmethod
    def of(cls, settings: LimitSettings | None) -> InputLimits:
        """The limits of a ``[limits]`` section (the defaults when None)."""
        if settings is None:
            return cls()
        return cls(max_bytes=int(settings.max_file_mb * 1024 * 1024), max_rows=settings.max_rows)


def check_size(path: str | Path, limits: InputLimits | None = None) -> None:
    """Refuse a file bigger than ``limits.max_bytes`` before anything reads it (a one-line :class:`InputError`)."""
    limits = limits or InputLimits()
    size = Path(path).stat().st_size
    if size > limits.max_bytes:
        raise InputError(f"{size / 2**20:,.1f} MB, bigger than one import reads ({limits.max_bytes / 2**20:,.0f} MB; "
                         "[limits] max_file_mb)", file=str(path))


def check_rows(rows: int, limits: InputLimits | None, files: str) -> None:
    """Refuse an import of more than ``limits.max_rows`` rows (counted before parsing)."""
    limits = limits or InputLimits()
    if rows > limits.max_rows:
        raise InputError(f"{rows:,} rows, more than one import reads ({limits.max_rows:,}; [limits] max_rows)",
                         file=files)

#: The encodings tried, in order (UTF-16 only with a byte-order mark or when its zero bytes show).
ENCODINGS = ("UTF-8", "UTF-16", "Windows-1252")

#: The separators recognised in a header line.
DELIMITERS = (",", ";", "\t")

#: Canonical record kinds, in the order that breaks a tie the file name does not break.
KIND_ORDER = ("accounts", "staff", "stakeholders", "meetings", "relationships")

#: Words in a file name that hint at a record kind (whole words, plural or not).
_NAME_HINTS = {"account": "accounts", "accounts": "accounts", "stakeholder": "stakeholders",
               "stakeholders": "stakeholders", "contact": "stakeholders", "contacts": "stakeholders",
               "staff": "staff", "team": "staff", "meeting": "meetings", "meetings": "meetings",
               "relationship": "relationships", "relationships": "relationships", "ties": "relationships"}


def describe_delimiter(delimiter: str) -> str:
    """How a separator is named in messages.

    Examples
    --------
    >>> describe_delimiter("\\t"), describe_delimiter(";")
    ('tab', "';'")
    """
    return "tab" if delimiter == "\t" else repr(delimiter)


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even == 0:
        return "utf-16-le"
    if even > half * 0.3 and odd == 0:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, file: str, *, partial: bool = False) -> tuple[str, str]:
    """The text of a file and the name of the encoding it was in.

    Parameters
    ----------
    data : bytes
        The file's bytes (or its first bytes, with ``partial``).
    file : str
        The file's name, for the error.
    partial : bool
        ``data`` may end in the middle of a character; that character is dropped.

    Raises
    ------
    InputError
        When the bytes are none of :data:`ENCODINGS`; the message lists what was tried.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _decode(data, "utf-16", partial), "UTF-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"cannot read the text: it starts with a UTF-16 byte-order mark but is not UTF-16 "
                             f"from byte {exc.start}; save it as CSV UTF-8", file=file) from None
    utf16 = _looks_utf16(data)
    if utf16 is not None:
        try:
            return _decode(data, utf16, partial), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return _decode(data, "utf-8-sig", partial), "UTF-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise InputError(f"cannot read the text: tried {', '.join(ENCODINGS)} (not UTF-8 from byte {first_bad}); "
                         "save it as CSV UTF-8", file=file) from None


def _decode(data: bytes, encoding: str, partial: bool) -> str:
    if not partial:
        return data.decode(encoding)
    import codecs

    return codecs.getincrementaldecoder(encoding)().decode(data, final=False)


def delimiter_of(header_line: str) -> str:
    """The separator of a CSV file, from its header line: the most frequent of :data:`DELIMITERS` outside quotes.

    A header with none of them (one column) is taken as comma-separated.
    """
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: outside.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _hinted(path: str | Path) -> set[str]:
    words = re.split(r"[^a-z]+", Path(path).stem.lower())
    return {_NAME_HINTS[w] for w in words if w in _NAME_HINTS}


def kinds_fitting(header: Sequence[str], columns: Mapping[str, Sequence[str]],
                  required: Mapping[str, Sequence[str]]) -> list[str]:
    """The canonical kinds whose columns include every column of ``header`` and whose required columns it has.

    Examples
    --------
    >>> cols = {"accounts": ("id", "name", "tier"), "staff": ("id", "name", "team")}
    >>> kinds_fitting(["id", "name"], cols, {"accounts": ("id", "name"), "staff": ("id", "name")})
    ['accounts', 'staff']
    """
    names = [h.strip().lower() for h in header if h.strip()]
    fitting = []
    for kind in KIND_ORDER:
        if kind not in columns:
            continue
        allowed = set(columns[kind])
        if all(n in allowed or (kind == "accounts" and n.startswith("criteria.")) for n in names) \
                and set(required.get(kind, ())) <= set(names):
            fitting.append(kind)
    return fitting


def canonical_kind(header: Sequence[str], path: str | Path = "") -> str | None:
    """Which canonical records a CSV holds: the kind its header fits, the file name breaking ties.

    When the header fits no kind, the kind it shares most columns with (the file
    name breaking ties) is returned, so that the canonical reader can say which
    column is wrong; None when it shares none.

    Examples
    --------
    >>> canonical_kind(["id", "name"], "our-team.csv"), canonical_kind(["id", "name"], "x.csv")
    ('staff', 'accounts')
    >>> canonical_kind(["source", "target"], "meetings.csv"), canonical_kind(["foo"], "meetings.csv")
    ('relationships', None)
    >>> canonical_kind(["id", "date", "atendees"], "x.csv")
    'meetings'
    """
    from .canonical import _REQUIRED, COLUMNS

    fitting = kinds_fitting(header, COLUMNS, _REQUIRED)
    hints = _hinted(path)
    if fitting:
        return next((k for k in fitting if k in hints), fitting[0])
    names = {h.strip().lower() for h in header if h.strip()}
    scores = {k: len(names & set(COLUMNS[k])) for k in KIND_ORDER}
    best = max(scores.values())
    if best == 0:
        return None
    tied = [k for k in KIND_ORDER if scores[k] == best]
    # a column only one kind has decides among the tied ones (``date``/``attendees``: meetings)
    return next((k for k in tied if k in hints), None) or max(
        tied, key=lambda k: len(names & (set(COLUMNS[k]) - {"id", "name"})))
