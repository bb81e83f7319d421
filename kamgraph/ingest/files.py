"""Reading and importing files: the work behind :func:`kamgraph.ingest.import_files` (see the package docs)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from ..domain.dataset import ImportSummary
from ..domain.models import input_error_from_validation
from ..errors import InputError
from ..kernels.gc_pause import paused_gc
from ..settings import CalendarSettings, IngestSettings, LimitSettings
from ..store.base import GraphStore
from .canonical import COLUMNS, read_csv, read_json
from .directory import Directory
from .formats import FORMATS, KINDS
from .parsed import Located, Parsed
from .progress import SILENT, Progress
from .references import check_references
from .sniff import (
    KIND_ORDER,
    InputLimits,
    canonical_kind,
    check_rows,
    check_size,
    decode_bytes,
    delimiter_of,
    describe_delimiter,
)
from .sources import origin_provenance, write_noting_sources
from .tabular import count_lines, peek_header

__all__ = ["import_files", "read_files", "detect_format", "read_canonical_csv", "FORMATS", "KINDS", "Parsed",
           "Located", "Progress"]

_CALENDAR_SUFFIXES = (".ics", ".ical", ".ifb", ".icalendar")
_VCARD_SUFFIXES = (".vcf", ".vcard")
_PHASES = ("canonical", "salesforce", "hubspot", "mapping", "vcard", "ics")


def _is_canonical(header: list[str]) -> bool:
    """True when every column of the header is a column of some canonical kind (required ones may be missing:
    the canonical reader then names them)."""
    names = [h.strip().lower() for h in header if h.strip()]
    if not names:
        return False
    return any(all(n in set(COLUMNS[kind]) or (kind == "accounts" and n.startswith("criteria.")) for n in names)
               for kind in KIND_ORDER)


def detect_format(path: str | Path, requested: str = "auto", mapping: object | None = None) -> str:
    """The format of one file: from ``requested``, else its suffix, else its header.

    Parameters
    ----------
    path : str or Path
        The file.
    requested : str
        One of :data:`FORMATS`; anything but ``auto`` is taken as given.
    mapping : Mapping, optional
        A loaded mapping file; CSVs it names (or that no other format claims) use it.

    A CSV that no other format claims is taken as canonical, whose reader
    then says what is wrong with its header.
    """
    from .hubspot import looks_like_hubspot
    from .salesforce import looks_like_salesforce

    path = Path(path)
    if requested not in FORMATS:
        raise InputError(f"unknown format {requested!r} (expected one of: {', '.join(FORMATS)})", file=str(path))
    if requested != "auto":
        return requested
    suffix = path.suffix.lower()
    if suffix in _CALENDAR_SUFFIXES:
        return "ics"
    if suffix in _VCARD_SUFFIXES:
        return "vcard"
    if suffix == ".json":
        return "canonical"
    if mapping is not None and mapping.claims(path):  # type: ignore[attr-defined]
        return "mapping"
    header = peek_header(path)
    if _is_canonical(header):
        return "canonical"
    if looks_like_hubspot(header):
        return "hubspot"
    if looks_like_salesforce(header, path):
        return "salesforce"
    if mapping is not None and canonical_kind(header, path) is None:
        return "mapping"
    return "canonical"  # the canonical reader explains what is wrong with the header


def read_canonical_csv(path: Path, kind: str | None = None, *, progress: Progress = SILENT) -> Parsed:
    """Read one canonical CSV in whatever encoding and separator a spreadsheet wrote it.

    The kind comes from ``kind`` (``import --type``), else from the header
    (:func:`~kamgraph.ingest.sniff.canonical_kind`). Files that are not UTF-8
    with commas are converted to that (in a temporary file) for the canonical
    reader; errors still name the original file and line. An error in the
    header says how the file was read (kind, encoding, separator), so that a
    wrong guess shows what was tried.
    """
    import shutil
    import tempfile

    name = str(path)
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    text, encoding = decode_bytes(head, name, partial=True)
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = delimiter_of(first)
    header = next(csv.reader(io.StringIO(first.rstrip("\r"), newline=""), delimiter=delimiter), [])
    chosen = kind or canonical_kind(header, path)
    how = (f"read as {chosen} (from {'--type' if kind else 'its header'}), {encoding}, separator "
           f"{describe_delimiter(delimiter)}" if chosen else
           f"read as {encoding}, separator {describe_delimiter(delimiter)}")

    def located(exc: InputError, target: Path) -> InputError:
        file = name if exc.file in (None, str(target)) else exc.file
        note = f" [{how}; --type KIND forces the kind]" if exc.line in (None, 1) else ""
        return InputError(exc.problem + note, file=file, line=exc.line, field=exc.field)

    if encoding == "UTF-8" and delimiter == ",":
        try:
            return read_csv(path, chosen, progress=progress)
        except InputError as exc:
            if not exc.problem.startswith("not UTF-8 text"):
                raise located(exc, path) from None
            # UTF-8 at the start only: convert the whole file below
    full, encoding = decode_bytes(path.read_bytes(), name)
    full = full.lstrip("\ufeff")
    folder = tempfile.mkdtemp(prefix="kamgraph-import-")
    target = Path(folder) / path.name
    try:
        with target.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            try:
                for cells in csv.reader(io.StringIO(full, newline=""), delimiter=delimiter):
                    writer.writerow(cells)
            except csv.Error as exc:
                raise InputError(f"broken CSV: {exc} [{how}]", file=name) from None
        try:
            return read_csv(target, chosen, progress=progress)
        except InputError as exc:
            raise located(exc, target) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _count(path: Path, fmt: str) -> int:
    if fmt == "ics":
        from .ics import count_events

        return count_events(path)
    if fmt == "vcard":
        from .vcard import count_cards

        return count_cards(path)
    return max(count_lines(path) - 1, 0)


def read_files(paths: Sequence[str | Path], store: GraphStore | None = None, *, format: str = "auto",
               mapping: str | Path | None = None, settings: IngestSettings | None = None,
               since: dt.date | None = None, until: dt.date | None = None,
               progress: Progress = SILENT, kind: str | None = None,
               calendar: CalendarSettings | None = None, limits: LimitSettings | None = None) -> Parsed:
    """Parse every file into one :class:`Parsed` (writing nothing).

    Canonical files need no store; the other formats look people and accounts
    up in ``store`` (required for them).

    Parameters
    ----------
    paths : sequence of paths
        The files, in any order and any mix of formats.
    store : GraphStore, optional
        Where known people and accounts are looked up.
    format : str
        One of :data:`FORMATS`.
    mapping : path, optional
        A TOML mapping file for CSVs in other layouts (see :mod:`.mapping`).
    settings : IngestSettings, optional
        Our domains, the recurrence window, the fallback time zone.
    since, until : datetime.date, optional
        Override the window inside which recurring events are expanded.
    progress : Progress
        Told how many rows there are and how many were read.
    kind : str, optional
        One of :data:`KINDS`: every CSV file is a canonical file of this kind
        (``import --type``), whatever its header or name says.
    calendar : CalendarSettings, optional
        Bounds of recurring-event expansion (``[calendar]`` settings; their defaults when not given).
    limits : LimitSettings, optional
        The biggest file and the most rows one import reads (``[limits]``; their defaults when not given):
        checked before anything is parsed (:class:`~kamgraph.ingest.sniff.InputLimits`).
    """
    settings = settings or IngestSettings()
    bounds_in = InputLimits.of(limits)
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown record kind {kind!r} (expected one of: {', '.join(KINDS)})", field="type")
    loaded_mapping = None
    if mapping is not None:
        from .mapping import load_mapping

        loaded_mapping = load_mapping(mapping)
    groups: dict[str, list[Path]] = {phase: [] for phase in _PHASES}
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise InputError("no such file", file=str(path))
        check_size(path, bounds_in)
        forced = kind is not None and path.suffix.lower() == ".csv"
        fmt = "canonical" if forced else detect_format(path, format, loaded_mapping)
        if fmt == "mapping" and loaded_mapping is None:
            raise InputError("--format mapping needs a mapping file (--mapping FILE)", file=str(path))
        if fmt == "canonical" and path.suffix.lower() not in (".csv", ".json"):
            raise InputError(f"unsupported file type {path.suffix.lower() or '(none)'!r} "
                             "(expected .csv, .json, .ics or .vcf)", file=str(path))
        groups[fmt].append(path)
    total = sum(_count(p, fmt) for fmt, files in groups.items() for p in files)
    check_rows(total, bounds_in, ", ".join(str(p) for p in paths))
    progress.start("Importing", total)
    parsed = Parsed()
    try:
        for path in groups["canonical"]:
            parsed.extend(read_json(path) if path.suffix.lower() == ".json"
                          else read_canonical_csv(path, kind, progress=progress))
        if any(groups[phase] for phase in _PHASES[1:]):
            if store is None:
                raise InputError("calendar, CRM and vCard imports need a store to match people against")
            directory = Directory(store, settings, parsed)
            if groups["salesforce"]:
                from .salesforce import read_salesforce

                parsed.extend(read_salesforce(groups["salesforce"], directory, settings, progress=progress))
            if groups["hubspot"]:
                from .hubspot import read_hubspot

                parsed.extend(read_hubspot(groups["hubspot"], directory, progress=progress))
            if groups["mapping"]:
                from .mapping import read_mapped

                parsed.extend(read_mapped(groups["mapping"], loaded_mapping, directory, settings,  # type: ignore[arg-type]
                                          progress=progress))
            if groups["vcard"]:
                from .vcard import read_vcards

                parsed.extend(read_vcards(groups["vcard"], directory, progress=progress))
            if groups["ics"]:
                from .ics import Window, default_window, read_calendars

                window = default_window(settings, until)
                if since is not None:
                    window = Window(since, window.end)
                if window.start > window.end:
                    raise InputError(f"the window starts ({window.start}) after it ends ({window.end})",
                                     field="since")
                from .ics import Limits

                bounds = calendar or CalendarSettings()
                limits = Limits(bounds.max_occurrences_per_series, bounds.max_occurrences_total)
                parsed.extend(read_calendars(groups["ics"], directory, settings, window=window,
                                             progress=progress, limits=limits))
    except ValidationError as exc:
        # A record an importer built from a value it did not check itself (a 300-character address used as
        # an id, say): still a one-line error naming the files and the field, never a traceback.
        files = ", ".join(str(p) for p in paths)
        raise input_error_from_validation(exc, file=files) from None
    finally:
        progress.finish()
    parsed.collapse_partial()
    return parsed


def import_files(paths: Sequence[str | Path], store: GraphStore, *, dry_run: bool = False,
                 format: str = "auto", mapping: str | Path | None = None,
                 settings: IngestSettings | None = None, since: dt.date | None = None,
                 until: dt.date | None = None, progress: Progress = SILENT,
                 kind: str | None = None, calendar: CalendarSettings | None = None,
                 limits: LimitSettings | None = None) -> ImportSummary:
    """Import files into ``store`` all or nothing.

    Parameters
    ----------
    paths : sequence of paths
        Canonical CSV/JSON, Salesforce or HubSpot CSV exports, mapped CSVs,
        vCards and calendars (see :func:`read_files`).
    store : GraphStore
        Where to write.
    dry_run : bool
        Check and count, but write nothing.
    format, mapping, settings, since, until, progress, kind, calendar, limits
        As for :func:`read_files`.

    Returns
    -------
    ImportSummary
        Created / updated / unchanged per record kind, and the skipped rows with their reasons.
    """
    with paused_gc():
        if mapping is None and format in ("auto", "canonical"):
            # Big meetings files: read and written overlapped, in one transaction (ingest/pipeline.py). Any
            # trouble there rolls back and lands here, on the ordinary path, which says what is wrong.
            from .pipeline import NotStreamableError, import_meetings

            try:
                streamed = import_meetings(paths, store, dry_run=dry_run, kind=kind, progress=progress,
                                           limits=limits, format_of=lambda p: detect_format(p, format))
            except (InputError, ValidationError, NotStreamableError):
                streamed = None
            if streamed is not None:
                return streamed
        parsed = read_files(paths, store, format=format, mapping=mapping, settings=settings, since=since,
                            until=until, progress=progress, kind=kind, calendar=calendar, limits=limits)
        batch = check_references(parsed, store)
        # The CRM records read are noted (their provenance), so that a later import of the same CRM's exports
        # finds the users, contacts and accounts this one matched by e-mail or name.
        entries = origin_provenance(parsed, batch, dt.date.today()) if parsed.origins and not dry_run else []
        summary = write_noting_sources(store, batch, entries, dry_run=dry_run)
    summary.skipped = list(parsed.skipped)
    return summary
