"""The canonical import format: five CSV files, or one JSON document holding them all.

CSV files are UTF-8 (a BOM is fine) with a header row. Which kind of records a
file holds is read from its name (``accounts*.csv``, ``stakeholders*.csv``,
``staff*.csv``, ``meetings*.csv``, ``relationships*.csv``) or, failing that,
from its header. Lists (attendees, dotted lines, account teams, domains) are
separated by ``;``. An empty cell means "not given": the field's default
applies, and a departure stored earlier is kept.

The JSON document is an object with up to five arrays named like the files::

    {"accounts": [...], "staff": [...], "stakeholders": [...],
     "meetings": [...], "relationships": [...]}

See the docs ("Importing data") for every column.

Competitor ties (``competitors*.csv``: ``stakeholder,competitor,strength,since,note``, one stakeholder's
leaning toward a named competitor) are read by :func:`read_competitor_csv` and imported by
:func:`kamgraph.ingest.competitors.import_competitor_ties` (``kamgraph competitors import``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..domain.models import Account, CompetitorTie, Meeting, Relationship, Staff, Stakeholder
from ..errors import InputError
from .fastpath import fast_meeting, row_reader
from .parsed import Located, Parsed, validate_record
from .progress import SILENT, Progress

__all__ = ["MODELS", "COLUMNS", "COMPETITOR_COLUMNS", "read_csv", "read_json", "read_competitor_csv",
           "sniff_csv_kind", "csv_rows", "csv_blocks"]

#: The model behind each record kind.
MODELS: dict[str, type[BaseModel]] = {
    "accounts": Account,
    "staff": Staff,
    "stakeholders": Stakeholder,
    "meetings": Meeting,
    "relationships": Relationship,
}

#: Columns each CSV kind accepts (accounts also take ``criteria.NAME`` columns).
COLUMNS: dict[str, tuple[str, ...]] = {kind: tuple(model.model_fields) for kind, model in MODELS.items()}
COLUMNS["accounts"] = tuple(c for c in COLUMNS["accounts"] if c != "criteria")

_NAME_HINTS = (
    ("account", "accounts"),
    ("stakeholder", "stakeholders"),
    ("contact", "stakeholders"),
    ("staff", "staff"),
    ("meeting", "meetings"),
    ("relationship", "relationships"),
    ("ties", "relationships"),
)

_REQUIRED = {kind: tuple(name for name, f in model.model_fields.items() if f.is_required())
             for kind, model in MODELS.items()}


def sniff_csv_kind(path: Path, header: list[str]) -> str | None:
    """Which record kind a canonical CSV holds, from its file name, then its header.

    Examples
    --------
    >>> sniff_csv_kind(Path("q3-meetings.csv"), [])
    'meetings'
    >>> sniff_csv_kind(Path("export.csv"), ["id", "account", "name", "buying_role"])
    'stakeholders'
    """
    stem = path.stem.lower()
    for hint, kind in _NAME_HINTS:
        if hint in stem:
            return kind
    columns = set(header)
    if "attendees" in columns:
        return "meetings"
    if {"source", "target"} <= columns:
        return "relationships"
    if "account" in columns and "name" in columns:
        return "stakeholders"
    if columns & {"role", "team", "accounts"}:
        return "staff"
    if {"id", "name"} <= columns:
        return "accounts"
    return None


def csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (line where the record starts, cells) for every row, header included."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            start = 1
            for cells in reader:
                yield start, cells
                start = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=str(path)) from None
    except csv.Error as exc:
        raise InputError(f"broken CSV: {exc}", file=str(path)) from None


def _with_header(path: Path) -> tuple[Iterator[tuple[int, list[str]]], list[str]]:
    """The rows after the header, and the header's names (stripped); an empty file is a FILE:1 error."""
    rows = csv_rows(path)
    try:
        _, header = next(rows)
    except StopIteration:
        raise InputError("empty file (expected a header row)", file=str(path), line=1) from None
    return rows, [h.strip() for h in header]


def read_csv(path: str | Path, kind: str | None = None, *, progress: Progress = SILENT) -> Parsed:
    """Read one canonical CSV file.

    Parameters
    ----------
    path : str or Path
        The file.
    kind : str, optional
        One of ``accounts``, ``staff``, ``stakeholders``, ``meetings``,
        ``relationships``; sniffed from the name or header when not given.
    progress : Progress
        Told about every 1,000 rows read.

    Raises
    ------
    InputError
        ``FILE:LINE: FIELD: problem`` for the first bad cell.
    """
    path = Path(path)
    kind, blocks = csv_blocks(path, kind, progress=progress)
    parsed = Parsed(sources=[str(path)])
    target: list[Located] = getattr(parsed, kind)
    for block in blocks:
        target.extend(block)
    return parsed


def csv_blocks(path: Path, kind: str | None = None, *, size: int = 1 << 62, progress: Progress = SILENT
               ) -> tuple[str, Iterator[list[Located]]]:
    """The kind of one canonical CSV file (its header checked now) and its records, ``size`` at a time.

    The blocks come as they are read (:func:`read_csv` joins them; the import pipeline,
    :mod:`kamgraph.ingest.pipeline`, writes each one while the next is read). Raises, now or while the
    blocks are read, the :class:`InputError` :func:`read_csv` raises.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "meetings.csv").write_text("id,date,attendees\\nm1,2025-01-15,s1;c1\\n\\n"
    ...                                          "m2,2025-01-16,s1;c2\\nm3,2025-01-17,s2;c1\\n")
    >>> kind, blocks = csv_blocks(folder / "meetings.csv", size=2)
    >>> kind, [[(item.record.id, item.line) for item in block] for block in blocks]
    ('meetings', [[('m1', 2), ('m2', 4)], [('m3', 5)]])
    """
    name = str(path)
    rows, header = _with_header(path)
    if "competitor" in header and {"stakeholder", "stakeholder_id"} & set(header):
        raise InputError("this is a file of competitor ties: import it with 'kamgraph competitors import FILE'",
                         file=name, line=1, field="competitor")
    kind = kind or sniff_csv_kind(path, header)
    if kind is None:
        raise InputError("cannot tell which records this CSV holds; name it accounts.csv, staff.csv, "
                         "stakeholders.csv, meetings.csv or relationships.csv (for CRM exports: --format, --mapping)",
                         file=name, line=1)
    allowed = COLUMNS[kind]
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise InputError("column appears twice", file=name, line=1, field=column)
        seen.add(column)
        if column not in allowed and not (kind == "accounts" and column.startswith("criteria.")):
            raise InputError(f"unknown column for {kind} (expected some of: {', '.join(allowed)})",
                             file=name, line=1, field=column or "(empty)")
    for required in _REQUIRED[kind]:
        if required not in seen:
            raise InputError(f"required column missing from the {kind} header", file=name, line=1,
                             field=required)
    return kind, _records(rows, header, kind, name, size, progress)


def _records(rows: Iterator[tuple[int, list[str]]], header: list[str], kind: str, name: str, size: int,
             progress: Progress) -> Iterator[list[Located]]:
    """The records of the rows after a checked header, in lists of ``size`` (the last one shorter)."""
    model = MODELS[kind]
    fast = fast_meeting if kind == "meetings" else None
    by_row = row_reader(header) if kind == "meetings" else None
    has_criteria = any(column.startswith("criteria.") for column in header)
    width = len(header)
    done = 0
    target: list[Located] = []
    append = target.append
    for line, cells in rows:
        done += 1
        if done == 1000:
            progress.advance(done)
            done = 0
        if by_row is not None and len(cells) == width:
            # The common row of a meetings file: every cell filled (so not blank), read without a dict.
            record = by_row(cells)
            if record is not None:
                append(Located(record, name, line))
                if len(target) >= size:
                    yield target
                    target = []
                    append = target.append
                continue
        if not "".join(cells).strip():
            continue
        if len(cells) != width:
            raise InputError(f"{len(cells)} cells, but the header has {width} columns", file=name, line=line)
        if not has_criteria:  # an empty or blank cell means "not given"
            data: dict[str, Any] = {column: cell for column, cell in zip(header, cells, strict=True)
                                   if cell and not cell.isspace()}
        else:
            data = {}
            criteria: dict[str, str] = {}
            for column, cell in zip(header, cells, strict=True):
                if cell.strip() == "":
                    continue
                if column.startswith("criteria."):
                    criteria[column[len("criteria."):]] = cell.strip()
                else:
                    data[column] = cell
            if criteria:
                data["criteria"] = _criteria(criteria, name, line)
        record = fast(data) if fast is not None else None
        append(Located(record, name, line) if record is not None else validate_record(model, data, name, line))
        if len(target) >= size:
            yield target
            target = []
            append = target.append
    progress.advance(done)
    if target:
        yield target


def _criteria(cells: dict[str, str], file: str, line: int) -> dict[str, float]:
    values = {}
    for key, text in cells.items():
        try:
            values[key] = float(text)
        except ValueError:
            raise InputError(f"not a number: {text!r}", file=file, line=line, field=f"criteria.{key}") from None
    return values


def _element_lines(text: str) -> dict[str, list[int]]:
    """Line where each element of each top-level array starts, for error messages."""
    decoder = json.JSONDecoder()
    lines: dict[str, list[int]] = {}
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "{":
        return lines
    pos += 1
    while True:
        pos = _skip_ws(text, pos)
        if pos >= len(text) or text[pos] == "}":
            return lines
        key, pos = decoder.raw_decode(text, pos)
        pos = _skip_ws(text, pos) + 1  # the colon
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == "[":
            starts = []
            pos = _skip_ws(text, pos + 1)
            while pos < len(text) and text[pos] != "]":
                starts.append(text.count("\n", 0, pos) + 1)
                _, pos = decoder.raw_decode(text, pos)
                pos = _skip_ws(text, pos)
                if pos < len(text) and text[pos] == ",":
                    pos = _skip_ws(text, pos + 1)
            lines[str(key)] = starts
            pos += 1
        else:
            _, pos = decoder.raw_decode(text, pos)
        pos = _skip_ws(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos += 1


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


#: Deepest nesting a canonical JSON document may have (it needs 4: object, array, record, list value).
MAX_JSON_DEPTH = 32


def _too_deep(text: str) -> int | None:
    """The line where ``text`` first nests deeper than :data:`MAX_JSON_DEPTH`, or None.

    Run only when the standard library's parser, which recurses once per level, gave up with a
    RecursionError: it names the line for the error message. Brackets inside strings do not count.

    Examples
    --------
    >>> _too_deep('{"a": ["[[[[", {}]}'), _too_deep("\\n" + "[" * 40)
    (None, 2)
    """
    depth, line, in_string, escaped = 0, 1, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return line
        elif ch in "]}":
            depth -= 1
        if ch == "\n":
            line += 1
    return None


def read_json(path: str | Path) -> Parsed:
    """Read one canonical JSON document (see the module docstring).

    Raises
    ------
    InputError
        With the line where the offending record starts.
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=name) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=name, line=exc.lineno) from None
    except RecursionError:  # the parser recurses once per level: a hostile file; find where it goes too deep
        raise InputError(f"nested more than {MAX_JSON_DEPTH} levels deep (a canonical document needs 4)",
                         file=name, line=_too_deep(text) or 1) from None
    if not isinstance(document, dict):
        raise InputError("expected a JSON object with arrays named accounts, staff, stakeholders, "
                         "meetings, relationships", file=name, line=1)
    lines = _element_lines(text)
    parsed = Parsed(sources=[name])
    for key, items in document.items():
        if key not in MODELS:
            raise InputError(f"unknown key (expected some of: {', '.join(MODELS)})", file=name, line=1,
                             field=key)
        if not isinstance(items, list):
            raise InputError("expected an array of records", file=name, line=1, field=key)
        starts = lines.get(key, [])
        target: list[Located] = getattr(parsed, key)
        for index, item in enumerate(items):
            line = starts[index] if index < len(starts) else 1
            if not isinstance(item, dict):
                raise InputError(f"{key}[{index}] is not an object", file=name, line=line)
            data = {k: v for k, v in item.items() if v is not None and v != ""}
            target.append(validate_record(MODELS[key], data, name, line))
    return parsed


#: Columns of a competitor-ties CSV (``stakeholder_id`` is taken as ``stakeholder``).
COMPETITOR_COLUMNS = tuple(CompetitorTie.model_fields)
_COMPETITOR_ALIASES = {"stakeholder_id": "stakeholder"}


def read_competitor_csv(path: str | Path) -> list[Located]:
    """Read one competitor-ties CSV: ``stakeholder,competitor,strength,since,note`` (UTF-8, a header row).

    ``stakeholder`` (or ``stakeholder_id``) and ``competitor`` are required; ``strength`` runs 1-5 (default
    3), ``since`` is a date (YYYY-MM-DD), ``note`` free text. An empty cell means "not given".

    Raises
    ------
    InputError
        ``FILE:LINE: FIELD: problem`` for the first bad header or cell.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "competitors.csv").write_text("stakeholder_id,competitor,strength,since\\n"
    ...                                             "c1,Contoso,4,2026-03-01\\nc2,Fabrikam,9,\\n")
    >>> try:
    ...     read_competitor_csv(folder / "competitors.csv")
    ... except InputError as exc:
    ...     print(str(exc).replace(str(folder), "DIR"))
    DIR/competitors.csv:3: strength: Input should be less than or equal to 5 (got '9')
    """
    path = Path(path)
    name = str(path)
    rows, header = _with_header(path)
    header = [_COMPETITOR_ALIASES.get(h, h) for h in header]
    seen: set[str] = set()
    for column in header:
        if column in seen:
            raise InputError("column appears twice", file=name, line=1, field=column)
        seen.add(column)
        if column not in COMPETITOR_COLUMNS:
            raise InputError(f"unknown column for competitor ties (expected some of: {', '.join(COMPETITOR_COLUMNS)})",
                             file=name, line=1, field=column or "(empty)")
    for required in ("stakeholder", "competitor"):
        if required not in seen:
            raise InputError("required column missing from the competitor ties header", file=name, line=1,
                             field=required)
    found: list[Located] = []
    for line, cells in rows:
        if not "".join(cells).strip():
            continue
        if len(cells) != len(header):
            raise InputError(f"{len(cells)} cells, but the header has {len(header)} columns", file=name, line=line)
        data = {column: cell for column, cell in zip(header, cells, strict=True) if cell and not cell.isspace()}
        found.append(validate_record(CompetitorTie, data, name, line))
    return found
