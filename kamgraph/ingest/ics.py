"""Calendar exports (iCalendar ``.ics``: Google Calendar, Outlook / Exchange) into meetings.

Parsing is done by the ``icalendar`` library (folded lines, escaping,
Windows and custom ``VTIMEZONE`` time zones) and recurring series are expanded
by ``recurring-ical-events`` (RRULE, RDATE, EXDATE, moved occurrences).
What this module adds is the meaning for kamgraph:

* every event occurrence becomes one meeting, dated in the time zone it was
  written in (the organiser's: ``DTSTART;TZID=...``). Times in UTC are dated
  in the calendar's ``X-WR-TIMEZONE`` (Google) or else the ``[ingest] timezone``
  setting; all-day events keep their date and become kind ``event``;
* the ORGANIZER and every ATTENDEE are matched by e-mail address to the staff
  and stakeholders of the import and the store. An unknown address in one of
  our own domains (``[ingest] our_domains``) becomes a new staff member; an
  unknown address in an account's ``domains`` a new stakeholder with
  ``verified = false``; other addresses, rooms and resources are ignored;
* attendees who declined (``PARTSTAT=DECLINED``) or do not take part
  (``ROLE=NON-PARTICIPANT``) do not count;
* cancelled events (``STATUS:CANCELLED``, Outlook's "Canceled:" subjects) are
  skipped, and so are events with no client attendee or no staff attendee --
  each with its reason in the summary;
* recurring series are expanded inside a window (the last ``[ingest]
  window_days`` days up to today, or ``since``/``until``); single events are
  imported whatever their date;
* the same occurrence found twice -- one meeting in two people's calendars,
  or a calendar imported again -- is one meeting: its id is derived from the
  event's UID and its start time, and copies within one import are merged
  (attendees united; declined in any copy means declined).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.models import Meeting, Staff, Stakeholder
from ..errors import InputError
from ..settings import IngestSettings
from .directory import Directory, clean_email, display_name, email_domain, stable_id
from .parsed import Located, Parsed
from .progress import SILENT, Progress
from .tabular import decode_text

__all__ = ["read_calendars", "count_events", "Window", "default_window", "SOURCE"]

#: ``source`` of the meetings this module makes.
SOURCE = "calendar"

_BEGIN_EVENT = re.compile(rb"^BEGIN:VEVENT\s*$", re.MULTILINE | re.IGNORECASE)
_CANCELLED_SUBJECT = re.compile(r"^\s*(cancell?ed|abgesagt|annulé)\s*:", re.IGNORECASE)
_FOLD = re.compile(rb"\r?\n[ \t]")
_RECURRENCE = ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")


@dataclass(frozen=True)
class Window:
    """The days (both included) inside which recurring series are expanded."""

    start: dt.date
    end: dt.date


def default_window(settings: IngestSettings, today: dt.date | None = None) -> Window:
    """The last ``settings.window_days`` days up to ``today``.

    Examples
    --------
    >>> default_window(IngestSettings(), dt.date(2025, 6, 30))
    Window(start=datetime.date(2023, 7, 1), end=datetime.date(2025, 6, 30))
    """
    end = today or dt.date.today()
    return Window(end - dt.timedelta(days=settings.window_days), end)


def count_events(path: Path) -> int:
    """How many ``BEGIN:VEVENT`` lines a file has (for progress bars)."""
    return len(_BEGIN_EVENT.findall(path.read_bytes()))


@dataclass
class _Copy:
    """One occurrence as one calendar file shows it, merged with later copies of it."""

    key: tuple[str, str]
    uid: str
    date: dt.date
    all_day: bool
    zoned: bool
    recurring: bool
    subject: str | None
    file: str
    line: int
    row: str
    cancelled: bool
    present: dict[str, str] = field(default_factory=dict)  # address -> name as the calendar writes it
    declined: set[str] = field(default_factory=set)

    def merge(self, other: _Copy) -> None:
        """Take in another calendar's copy of the same occurrence."""
        for email, name in other.present.items():
            if not self.present.get(email):
                self.present[email] = name
        self.declined |= other.declined
        self.cancelled = self.cancelled or other.cancelled
        self.subject = self.subject or other.subject
        if other.zoned and not self.zoned:
            self.date, self.zoned = other.date, True


def _zone(name: str | None) -> dt.tzinfo | None:
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _when(value: Any, calendar_zone: dt.tzinfo | None, fallback: dt.tzinfo) -> tuple[dt.date, str, bool, bool]:
    """(local date, instant key, all-day, written with its own zone) of a DTSTART value."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # floating: the same wall-clock time everywhere
            return value.date(), value.isoformat(), False, False
        instant = value.astimezone(dt.UTC).isoformat()
        if value.utcoffset() == dt.timedelta(0) and str(value.tzinfo) in ("UTC", "UTC+00:00", "tzutc()"):
            return value.astimezone(calendar_zone or fallback).date(), instant, False, False
        return value.date(), instant, False, True
    if isinstance(value, dt.date):
        return value, value.isoformat(), True, True
    raise TypeError(f"not a date or date-time: {value!r}")


def _addresses(component: Any) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(property, value, parameters) for the ORGANIZER and every ATTENDEE."""
    for name in ("ORGANIZER", "ATTENDEE"):
        values = component.get(name)
        if values is None:
            continue
        for value in values if isinstance(values, list) else [values]:
            params = {str(k).upper(): str(v) for k, v in getattr(value, "params", {}).items()}
            yield name, str(value), params


def _copy_of(occurrence: Any, *, uid: str, file: str, line: int, recurring: bool,
             calendar_zone: dt.tzinfo | None, fallback: dt.tzinfo) -> _Copy:
    start = occurrence.get("DTSTART")
    day, instant, all_day, zoned = _when(start.dt, calendar_zone, fallback)
    subject = str(occurrence.get("SUMMARY") or "").strip() or None
    status = str(occurrence.get("STATUS") or "").strip().upper()
    copy = _Copy(key=(uid, instant), uid=uid, date=day, all_day=all_day, zoned=zoned, recurring=recurring,
                 subject=subject, file=file, line=line, row=f"UID={uid}; DTSTART={instant}; SUMMARY={subject or ''}",
                 cancelled=status == "CANCELLED" or bool(subject and _CANCELLED_SUBJECT.match(subject)))
    for prop, value, params in _addresses(occurrence):
        email = clean_email(value) or clean_email(params.get("EMAIL"))
        if email is None or params.get("CUTYPE", "").upper() in ("ROOM", "RESOURCE"):
            continue
        if prop == "ATTENDEE" and (params.get("PARTSTAT", "").upper() == "DECLINED"
                                   or params.get("ROLE", "").upper() == "NON-PARTICIPANT"):
            copy.declined.add(email)
            continue
        if not copy.present.get(email):
            copy.present[email] = params.get("CN", "")
    return copy


def _check(component: Any, file: str, line: int) -> str | None:
    """Refuse an event whose start cannot be read; return the problem of an unreadable recurrence."""
    problems = {str(prop).upper(): problem for prop, problem in getattr(component, "errors", []) or []}
    if "DTSTART" in problems:
        raise InputError(f"cannot read the value: {problems['DTSTART']}", file=file, line=line, field="DTSTART")
    if component.get("DTSTART") is None:
        raise InputError("an event without a start (DTSTART)", file=file, line=line, field="DTSTART")
    return next((f"{prop}: {problems[prop]}" for prop in _RECURRENCE if prop in problems), None)


def _expand(calendar: Any, components: dict[str, list[Any]], window: Window) -> tuple[list[Any], dict[str, str]]:
    """Occurrences of the recurring series inside the window, and the series that cannot be expanded.

    All series are expanded at once; should the expander fail, each series is
    tried alone so that one broken rule costs only its own series.
    """
    import icalendar
    import recurring_ical_events

    def query(uids: Iterable[str]) -> list[Any]:
        series = icalendar.Calendar()
        series.update(calendar)
        series.subcomponents.extend(calendar.walk("VTIMEZONE"))
        for uid in uids:
            series.subcomponents.extend(components[uid])
        found = recurring_ical_events.of(series).between(window.start, window.end + dt.timedelta(days=1))
        return list(found)

    with contextlib.suppress(Exception):  # the expander raises many types for a broken rule
        return query(components), {}
    occurrences: list[Any] = []
    broken: dict[str, str] = {}
    for uid in components:
        try:
            occurrences.extend(query([uid]))
        except Exception as exc:  # find the culprit
            broken[uid] = str(exc) or type(exc).__name__
    return occurrences, broken


def _read_file(path: Path, window: Window, settings: IngestSettings, progress: Progress,
               parsed: Parsed) -> list[_Copy]:
    import icalendar

    name = str(path)
    data = path.read_bytes()
    lines, line, pos = [], 1, 0
    for match in _BEGIN_EVENT.finditer(data):
        line += data.count(b"\n", pos, match.start())
        pos = match.start()
        lines.append(line)
    # Unfold before decoding: a fold may split a multi-byte UTF-8 character (RFC 5545, 3.1).
    text = decode_text(_FOLD.sub(b"", data), name)
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except (ValueError, IndexError, KeyError) as exc:
        raise InputError(f"not an iCalendar file ({exc})", file=name, line=1) from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise InputError("not an iCalendar file (no BEGIN:VCALENDAR)", file=name, line=1)
    fallback = zoneinfo.ZoneInfo(settings.timezone)
    copies: list[_Copy] = []
    index = 0
    for calendar in calendars:
        calendar_zone = _zone(calendar.get("X-WR-TIMEZONE"))
        located = []
        for event in calendar.walk("VEVENT"):
            line = lines[index] if index < len(lines) else 1
            index += 1
            problem = _check(event, name, line)
            uid = str(event.get("UID") or "").strip() or f"no-uid:{name}:{line}"
            if problem is not None:
                parsed.skip(name, line, "recurrence cannot be read", problem, f"UID={uid}")
                progress.advance()
                continue
            located.append((event, line, uid))
        masters = {uid for e, _, uid in located if e.get("RRULE") is not None or e.get("RDATE") is not None}
        series: dict[str, list[Any]] = {}
        first_line: dict[str, int] = {}
        for event, line, uid in located:
            if uid in masters:
                series.setdefault(uid, []).append(event)
                first_line.setdefault(uid, line)
                continue
            copies.append(_copy_of(event, uid=uid, file=name, line=line, recurring=False,
                                   calendar_zone=calendar_zone, fallback=fallback))
            progress.advance()
        if series:
            occurrences, broken = _expand(calendar, series, window)
            for uid, problem in broken.items():
                parsed.skip(name, first_line[uid], "recurrence cannot be expanded", problem, f"UID={uid}")
            for occurrence in occurrences:
                uid = str(occurrence.get("UID")).strip()
                copies.append(_copy_of(occurrence, uid=uid, file=name, line=first_line.get(uid, 1),
                                       recurring=True, calendar_zone=calendar_zone, fallback=fallback))
            progress.advance(sum(len(parts) for parts in series.values()))
    parsed.sources.append(name)
    return copies


def read_calendars(paths: Sequence[str | Path], directory: Directory, settings: IngestSettings, *,
                   window: Window | None = None, progress: Progress = SILENT) -> Parsed:
    """Read calendar files into meetings (and the people they bring), see the module docstring.

    Parameters
    ----------
    paths : sequence of paths
        ``.ics`` files; the same event in several of them becomes one meeting.
    directory : Directory
        People and accounts known so far (this import and the store); the new
        staff and stakeholders made here are added to it.
    settings : IngestSettings
        Our domains, the expansion window, the fallback time zone.
    window : Window, optional
        Days to expand recurring series over (default :func:`default_window`).
    progress : Progress
        Told about every event read.

    Returns
    -------
    Parsed
        Meetings, new staff and new (unverified) stakeholders, and the skipped events.
    """
    window = window or default_window(settings)
    parsed = Parsed()
    merged: dict[tuple[str, str], _Copy] = {}
    for raw in paths:
        for copy in _read_file(Path(raw), window, settings, progress, parsed):
            first = merged.get(copy.key)
            if first is None:
                merged[copy.key] = copy
                continue
            first.merge(copy)
            parsed.skip(copy.file, copy.line, "same event in another calendar (merged)",
                        f"first read at {first.file}:{first.line}", copy.row)
    directory.prefetch(emails={e for c in merged.values() for e in c.present})
    for copy in merged.values():
        _meeting(copy, directory, parsed)
    return parsed


def _meeting(copy: _Copy, directory: Directory, parsed: Parsed) -> None:
    """Turn one merged occurrence into a meeting, or a skip with its reason."""
    if copy.cancelled:
        parsed.skip(copy.file, copy.line, "cancelled", copy.subject or "", copy.row)
        return
    known: dict[str, Stakeholder | Staff] = {}
    new: dict[str, Stakeholder | Staff] = {}
    for email, cn in copy.present.items():
        if email in copy.declined:
            continue
        person = directory.by_email(email)
        if person is not None:
            known[email] = person
            continue
        if directory.is_ours(email):
            new[email] = Staff(id=email, name=display_name(cn, email), email=email)
            continue
        account = directory.account_for_domain(email_domain(email))
        if account is not None:
            new[email] = Stakeholder(id=email, account=account, name=display_name(cn, email), email=email,
                                     verified=False)
    people = {**known, **new}
    clients = [p for p in people.values() if isinstance(p, Stakeholder)]
    if not clients:
        parsed.skip(copy.file, copy.line, "no client attendee", ", ".join(sorted(copy.present)), copy.row)
        return
    if not any(isinstance(p, Staff) for p in people.values()):
        parsed.skip(copy.file, copy.line, "no staff attendee", ", ".join(sorted(copy.present)), copy.row)
        return
    for person in new.values():
        directory.add_person(person)
        target = parsed.staff if isinstance(person, Staff) else parsed.stakeholders
        target.append(Located(person, copy.file, copy.line))
    accounts = {p.account for p in clients}
    uid, instant = copy.key
    meeting = Meeting(id=stable_id("cal", uid, instant), date=copy.date, kind="event" if copy.all_day else "meeting",
                      account=accounts.pop() if len(accounts) == 1 else None, subject=copy.subject,
                      source=SOURCE, source_id=f"{uid} {instant}" if copy.recurring else uid,
                      attendees=[p.id for p in people.values()])
    parsed.meetings.append(Located(meeting, copy.file, copy.line))
