"""Any other CSV export, through a mapping file that names which column means what.

A mapping file is TOML with one ``[[table]]`` per kind of file::

    [[table]]
    kind = "stakeholders"          # accounts, staff, stakeholders, meetings or relationships
    files = ["people*.csv"]        # which files it is for (patterns on the file name)
    delimiter = ";"                # optional: , ; or "\\t" (default: told from the header)
    list_separator = "|"           # optional: between the items of list fields (default ;)
    day_first = true               # optional: 03/04/2025 is 3 April

    [table.columns]                # kamgraph field = "column", or ["column", ...] joined by spaces
    id = "Person ID"
    name = ["First name", "Last name"]
    account = "Company"            # an account id, exact name or web domain
    email = "E-mail"
    buying_role = "Role in deal"

    [table.values.buying_role]     # optional: translate the values of a field
    "Budget owner" = "economic_buyer"

    [table.defaults]               # optional: a value for every row that gives none
    influence = 3

The fields are those of the canonical CSV files (see the docs, "Importing data"), plus
``criteria.NAME`` for accounts. People (``attendees``, ``reports_to``,
``dotted_to``, ``source``, ``target``) may be given by id or e-mail address,
accounts by id, exact name or web domain. Meetings need no ``id`` column:
without one their id is derived from date, subject and attendees, so
importing the file again changes nothing. Attendees nobody knows are left
out, and a meeting left without a client or a staff attendee is skipped with
its reason. Like the other partial sources, a mapped record updates the
stored one: fields with no column, or an empty cell, keep their stored value.
"""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..domain.models import Staff, Stakeholder, input_error_from_validation
from ..errors import InputError
from ..settings import IngestSettings
from .canonical import COLUMNS, MODELS
from .directory import Directory, clean_email, stable_id
from .parsed import Located, Parsed
from .progress import SILENT, Progress
from .sniff import InputLimits, check_size
from .tabular import Row, norm, parse_day, read_table

__all__ = ["Mapping", "TableMapping", "load_mapping", "read_mapped"]

#: A mapping file is a few lines of TOML: anything bigger is not one (and is not read).
_MAPPING_LIMITS = InputLimits(max_bytes=1024 * 1024)
_LIST_FIELDS = {"attendees", "dotted_to", "accounts", "domains"}
_DATE_FIELDS = {"date", "left_on"}
_PERSON_FIELDS = {"attendees", "reports_to", "dotted_to", "source", "target"}
_ACCOUNT_FIELDS = {"account", "accounts"}
_TABLE_KEYS = {"kind", "files", "delimiter", "list_separator", "day_first", "columns", "values", "defaults"}


@dataclass
class TableMapping:
    """How to read one kind of file."""

    kind: str
    columns: dict[str, list[str]]
    files: list[str] = field(default_factory=list)
    delimiter: str | None = None
    list_separator: str = ";"
    day_first: bool | None = None
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)

    def matches(self, path: Path) -> bool:
        """True when one of ``files`` matches the file name (case-insensitive)."""
        return any(fnmatch.fnmatch(path.name.lower(), pattern.lower()) for pattern in self.files)


@dataclass
class Mapping:
    """A loaded mapping file."""

    path: str
    tables: list[TableMapping]

    def claims(self, path: Path) -> bool:
        """True when a table names this file in its ``files``."""
        return any(t.matches(path) for t in self.tables)

    def table_for(self, path: Path) -> TableMapping:
        """The table that reads this file: the one naming it, else the only one naming no files."""
        for table in self.tables:
            if table.matches(path):
                return table
        catch_all = [t for t in self.tables if not t.files]
        if len(catch_all) == 1:
            return catch_all[0]
        raise InputError(f"no [[table]] of the mapping {self.path} is for this file (give it files = [...])",
                         file=str(path), line=1)


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(key) or f'"{key}"' in line:
            return number
    return None


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file.

    Raises
    ------
    InputError
        ``MAPPING:LINE: KEY: problem`` for invalid TOML, an unknown kind or field, or a bad value.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise InputError("no such mapping file", file=name)
    check_size(path, _MAPPING_LIMITS)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 (byte 0x{data[exc.start]:02x}); save the mapping file as UTF-8",
                         file=name, line=line) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML ({exc})", file=name) from None

    def fail(problem: str, key: str) -> InputError:
        return InputError(problem, file=name, line=_line_of(text, key.rsplit(".", 1)[-1]), field=key)

    unknown = set(document) - {"table"}
    if unknown:
        raise fail("unknown key (a mapping file holds [[table]] sections)", sorted(unknown)[0])
    raw_tables = document.get("table")
    if not isinstance(raw_tables, list) or not raw_tables:
        raise InputError("no [[table]] section", file=name, line=1)
    tables = []
    for index, raw in enumerate(raw_tables):
        where = f"table[{index}]"
        if not isinstance(raw, dict):
            raise InputError("each table must be a [[table]] section", file=name, line=_line_of(text, "table"),
                             field=where)
        for name_of, wanted, label in (("columns", dict, "a table ([table.columns])"),
                                       ("values", dict, "a table ([table.values.FIELD])"),
                                       ("defaults", dict, "a table ([table.defaults])"),
                                       ("day_first", bool, "true or false")):
            if name_of in raw and not isinstance(raw[name_of], wanted):
                raise fail(f"expected {label}, got {type(raw[name_of]).__name__}", f"{where}.{name_of}")
        for key in raw:
            if key not in _TABLE_KEYS:
                raise fail(f"unknown key (expected some of: {', '.join(sorted(_TABLE_KEYS))})", f"{where}.{key}")
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in MODELS:
            raise fail(f"kind must be one of: {', '.join(MODELS)} (got {kind!r})", f"{where}.kind")
        columns: dict[str, list[str]] = {}
        for fld, column in (raw.get("columns") or {}).items():
            if fld not in COLUMNS[kind] and not (kind == "accounts" and fld.startswith("criteria.")):
                raise fail(f"not a field of {kind} (expected some of: {', '.join(COLUMNS[kind])})",
                           f"{where}.columns.{fld}")
            names = [column] if isinstance(column, str) else column
            if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
                raise fail("expected a column name or a list of column names", f"{where}.columns.{fld}")
            columns[fld] = names
        if not columns:
            raise fail("a table needs [table.columns]", f"{where}.columns")
        files = raw.get("files", [])
        files = [files] if isinstance(files, str) else files
        if not isinstance(files, list) or not all(isinstance(f, str) and f for f in files):
            raise fail("expected a file name pattern or a list of them", f"{where}.files")
        separator = raw.get("list_separator", ";")
        if not isinstance(separator, str) or not separator:
            raise fail("a list separator is a non-empty string", f"{where}.list_separator")
        values = {}
        for fld, table in (raw.get("values") or {}).items():
            if fld not in columns:
                raise fail("values for a field that has no column", f"{where}.values.{fld}")
            if not isinstance(table, dict):
                raise fail("expected a table of value = translation", f"{where}.values.{fld}")
            values[fld] = {str(k).strip().casefold(): str(v) for k, v in table.items()}
        defaults = dict(raw.get("defaults") or {})
        for fld in defaults:
            if fld not in COLUMNS[kind]:
                raise fail(f"not a field of {kind}", f"{where}.defaults.{fld}")
        delimiter = raw.get("delimiter")
        if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
            raise fail("a delimiter is one character", f"{where}.delimiter")
        tables.append(TableMapping(kind=kind, columns=columns, files=list(files), delimiter=delimiter,
                                   list_separator=separator,
                                   day_first=raw.get("day_first"), values=values, defaults=defaults))
    return Mapping(name, tables)


class _Reader:
    def __init__(self, directory: Directory, settings: IngestSettings, parsed: Parsed) -> None:
        self.directory = directory
        self.settings = settings
        self.parsed = parsed

    def person(self, value: str) -> str:
        """A person id from an id or an e-mail address (unknown addresses are returned as given)."""
        email = clean_email(value)
        if email and self.directory.by_id(value) is None:
            found = self.directory.by_email(email)
            return found.id if found else value
        return value

    def account(self, value: str) -> str:
        return self.directory.account_ref(value) or value

    def row(self, spec: TableMapping, row: Row) -> None:
        data: dict[str, Any] = dict(spec.defaults)
        criteria: dict[str, Any] = {}
        for fld, names in spec.columns.items():
            keys = [norm(n) for n in names]
            cells = [row.get(k) for k in keys]
            text = (spec.list_separator if fld in _LIST_FIELDS else " ").join(c for c in cells if c)
            if not text:
                continue
            column = names[0]
            if fld in spec.values:
                text = spec.values[fld].get(text.casefold(), text)
            value: Any = text
            try:
                if fld in _DATE_FIELDS:
                    day_first = self.settings.day_first if spec.day_first is None else spec.day_first
                    value = parse_day(text, day_first=day_first, zone=self.settings.timezone)
            except (ValueError, OverflowError) as exc:
                raise row.error(f"{exc} (expected YYYY-MM-DD)", *keys) from None
            if fld in _LIST_FIELDS:
                value = [v.strip() for v in text.split(spec.list_separator) if v.strip()]
            if fld in _PERSON_FIELDS:
                value = [self.person(v) for v in value] if isinstance(value, list) else self.person(value)
            if fld in _ACCOUNT_FIELDS:
                value = [self.account(v) for v in value] if isinstance(value, list) else self.account(value)
            if fld.startswith("criteria."):
                try:
                    criteria[fld[len("criteria."):]] = float(text)
                except ValueError:
                    raise row.error(f"not a number: {text!r}", *keys) from None
                continue
            data[fld] = value
            data.setdefault("_columns", {})[fld] = column
        columns = data.pop("_columns", {})
        if criteria:
            data["criteria"] = criteria
        if spec.kind == "meetings" and not self.meeting(row, data):
            return
        model = MODELS[spec.kind]
        try:
            record = model.model_validate(data)
        except ValidationError as exc:  # reported in the user's column names
            err = input_error_from_validation(exc, file=row.table.name, line=row.line, data=data)
            raise InputError(err.problem, file=err.file, line=err.line,
                             field=columns.get(err.field or "", err.field)) from None
        if spec.kind in ("accounts", "staff", "stakeholders"):
            self.directory.keep(self.parsed, record, row.table.name, row.line)
        else:
            getattr(self.parsed, spec.kind).append(Located(record, row.table.name, row.line,
                                                           partial=spec.kind == "meetings"))

    def meeting(self, row: Row, data: dict[str, Any]) -> bool:
        """Keep the attendees someone knows; False (and a skip) when a side is missing."""
        people = {p: self.directory.by_id(p) for p in data.get("attendees", [])}
        known = sorted(p for p, person in people.items() if person is not None)
        if not any(isinstance(people[p], Stakeholder) for p in known):
            self.parsed.skip(row.table.name, row.line, "no client attendee", row=row.raw)
            return False
        if not any(isinstance(people[p], Staff) for p in known):
            self.parsed.skip(row.table.name, row.line, "no staff attendee", row=row.raw)
            return False
        data["attendees"] = known
        if "id" not in data:
            data["id"] = stable_id("map", str(data.get("date", "")), str(data.get("subject", "")), *known)
        return True


def read_mapped(paths: Sequence[str | Path], mapping: Mapping, directory: Directory, settings: IngestSettings,
                *, progress: Progress = SILENT) -> Parsed:
    """Read CSV files through ``mapping`` (people and accounts first, then meetings and ties)."""
    parsed = Parsed()
    reader = _Reader(directory, settings, parsed)
    order = {kind: i for i, kind in enumerate(MODELS)}
    work = []
    for raw in paths:
        path = Path(raw)
        spec = mapping.table_for(path)
        table = read_table(path, delimiter=spec.delimiter)
        for names in spec.columns.values():
            for column in names:
                if norm(column) not in table.original:
                    raise InputError(f"the mapping names a column this file does not have "
                                     f"(it has: {', '.join(table.original.values())})",
                                     file=table.name, line=1, field=column)
        work.append((order[spec.kind], spec, table))
        parsed.sources.append(table.name)
    for _, spec, table in sorted(work, key=lambda w: w[0]):
        for row in table.rows:
            progress.advance()
            reader.row(spec, row)
    return parsed
