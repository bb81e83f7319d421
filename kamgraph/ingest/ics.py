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
  ``verified = false``; other addresses are ignored, and so are meeting
  rooms, resources and distribution lists (``CUTYPE=ROOM``, ``RESOURCE``,
  ``GROUP``), which are never people, whatever their address;
* attendees who declined (``PARTSTAT=DECLINED``) or do not take part
  (``ROLE=NON-PARTICIPANT``) do not count;
* cancelled events (``STATUS:CANCELLED``, Outlook's "Canceled:" subjects) are
  skipped, and so are events with no client attendee or no staff attendee --
  each with its reason in the summary;
* recurring series are expanded inside a window (the last ``[ingest]
  window_days`` days up to today, or ``since``/``until``); single events are
  imported whatever their date. Expansion is bounded (:class:`Limits`): a
  series yields at most ``max_per_series`` occurrences and a whole import at
  most ``max_total`` (the rest is skipped with its reason), and a rule with
  ``INTERVAL=0`` is refused with its ``FILE:LINE``. Spaces inside a rule's
  lists (``BYDAY=MO, WE``, an Exchange habit) are tolerated;
* the same occurrence found twice -- one meeting in two people's calendars,
  or a calendar imported again -- is one meeting: its id is derived from the
  event's UID and its start time, and copies within one import are merged
  (attendees united; declined in any copy means declined).
"""

from __future__ import annotations

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

__all__ = ["read_calendars", "meetings_from", "count_events", "Occurrence", "Window", "Limits", "default_window",
           "SOURCE", "NOT_PEOPLE"]

#: ``source`` of the meetings this module makes.
SOURCE = "calendar"

_BEGIN_EVENT = re.compile(rb"^BEGIN:VEVENT\s*$", re.MULTILINE | re.IGNORECASE)
_CANCELLED_SUBJECT = re.compile(r"^\s*(cancell?ed|abgesagt|annulé)\s*:", re.IGNORECASE)
_FOLD = re.compile(rb"\r?\n[ \t]")
_RECURRENCE = ("RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
_LONG_TZID = re.compile(rb"TZID=\"?([^:;\"\r\n]{129,})")
_RULE_LINE = re.compile(r"^((?:RRULE|EXRULE)[^:\r\n]*:)([^\r\n]*)", re.MULTILINE | re.IGNORECASE)
#: Calendar user types that are never a person (RFC 5545, 3.2.3): rooms, resources, distribution lists.
NOT_PEOPLE = frozenset({"ROOM", "RESOURCE", "GROUP"})
#: Seconds between two occurrences of each frequency, at ``INTERVAL=1`` (months and years at their shortest).
_PERIOD = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400, "WEEKLY": 7 * 86400,
           "MONTHLY": 28 * 86400, "YEARLY": 365 * 86400}
_EXPANDING = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH")


@dataclass(frozen=True)
class Limits:
    """Bounds of recurrence expansion: occurrences per series and per import.

    Examples
    --------
    >>> Limits().max_per_series, Limits().max_total
    (1000, 100000)
    """

    max_per_series: int = 1000
    max_total: int = 100_000


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
class Occurrence:
    """One occurrence as one calendar shows it, merged with later copies of it.

    Made from ``.ics`` files here and from calendar APIs by
    :mod:`kamgraph.ingest.connectors`; :func:`meetings_from` turns them into
    meetings. ``key`` is (event UID, start instant in UTC): the same
    occurrence from any calendar, file or API, has the same key and so the
    same meeting id. ``file`` and ``line`` say where it was read (a connector
    writes its source and the position in the pull). ``present`` holds the
    people who take part (address -> name); rooms, resources and lists are
    left out by whoever makes the occurrence, decliners go to ``declined``.
    """

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
    source: str = SOURCE

    def merge(self, other: Occurrence) -> None:
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
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a tzdata folder ("Europe")
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
             calendar_zone: dt.tzinfo | None, fallback: dt.tzinfo) -> Occurrence:
    start = occurrence.get("DTSTART")
    try:
        day, instant, all_day, zoned = _when(start.dt, calendar_zone, fallback)
    except (OverflowError, ValueError) as exc:
        raise InputError(f"the date is out of range ({exc})", file=file, line=line, field="DTSTART") from None
    except TypeError:  # a time of day without a date (DTSTART:202500Z), found by tests/fuzz
        raw = start.to_ical()
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        raise InputError(f"not a date or a date-time: {text[:40]!r}", file=file, line=line,
                         field="DTSTART") from None
    subject = str(occurrence.get("SUMMARY") or "").strip() or None
    status = str(occurrence.get("STATUS") or "").strip().upper()
    copy = Occurrence(key=(uid, instant), uid=uid, date=day, all_day=all_day, zoned=zoned, recurring=recurring,
                 subject=subject, file=file, line=line, row=f"UID={uid}; DTSTART={instant}; SUMMARY={subject or ''}",
                 cancelled=status == "CANCELLED" or bool(subject and _CANCELLED_SUBJECT.match(subject)))
    for prop, value, params in _addresses(occurrence):
        email = clean_email(value) or clean_email(params.get("EMAIL"))
        if email is None or params.get("CUTYPE", "").upper() in NOT_PEOPLE:
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
    if isinstance(component.get("DTSTART"), list):
        raise InputError("an event with two starts (DTSTART given twice)", file=file, line=line, field="DTSTART")
    return next((f"{prop}: {problems[prop]}" for prop in _RECURRENCE if prop in problems), None)


_FINER = {"SECONDLY": (), "MINUTELY": ("BYSECOND",), "HOURLY": ("BYSECOND", "BYMINUTE"),
          "DAILY": ("BYSECOND", "BYMINUTE", "BYHOUR")}
_FINER["WEEKLY"] = (*_FINER["DAILY"], "BYDAY")
_FINER["MONTHLY"] = (*_FINER["WEEKLY"], "BYMONTHDAY")
_FINER["YEARLY"] = (*_FINER["MONTHLY"], "BYMONTH", "BYWEEKNO", "BYYEARDAY")
#: How many days one ``BYDAY`` entry can stand for within one period of the frequency.
_BYDAY_SPREAD = {"MONTHLY": 5, "YEARLY": 53}


def _rule(event: Any) -> Any:
    rule = event.get("RRULE")
    return rule[0] if isinstance(rule, list) else rule


def _interval(event: Any, file: str, line: int) -> None:
    """Refuse ``INTERVAL=0`` (or below): such a rule never advances (the expander would loop for ever)."""
    rule = _rule(event)
    if rule is None:
        return
    for value in rule.get("INTERVAL", []) or []:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InputError(f"INTERVAL must be a whole number, not {value!r}", file=file, line=line,
                             field="RRULE") from None
        if number < 1:
            raise InputError(f"INTERVAL={number}: a recurrence interval must be at least 1", file=file, line=line,
                             field="RRULE")


def _span_seconds(event: Any, window: Window, cap: int) -> float | None:
    """Seconds of the window to expand ``event``'s series over so that it yields at most about ``cap``
    occurrences; None when the whole window is safe.

    An upper bound of the occurrences is the number of periods of the rule's
    frequency in the window times the entries of every ``BY`` list that adds
    occurrences within a period (finer than the frequency). Written by hand:
    the expander has no limit of its own and builds every occurrence first.
    """
    rule = _rule(event)
    if rule is None:
        return None
    freq = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
    period = _PERIOD.get(freq, 86400) * int((rule.get("INTERVAL") or [1])[0])
    many = 1
    for part in _FINER.get(freq, ()):
        entries = len(rule.get(part) or []) or 1
        many *= entries * (_BYDAY_SPREAD.get(freq, 1) if part == "BYDAY" else 1)
    seconds = ((window.end - window.start).days + 1) * 86400
    if (seconds / period + 1) * many <= cap:
        return None
    return max(cap * period / many, 1.0)


def _expand(calendar: Any, components: dict[str, list[Any]], window: Window,
            limits: Limits) -> tuple[list[Any], dict[str, str], dict[str, str]]:
    """Occurrences of the recurring series inside the window, the series that cannot be expanded,
    and the series cut short by ``limits`` (uid -> why).

    Series that stay under the limit over the whole window are expanded at
    once; should the expander fail, each is tried alone so that one broken rule
    costs only its own series. A series that could exceed the limit is
    expanded alone over the shortest stretch of the window that can hold its
    ``max_per_series`` occurrences, starting at its first one.
    """
    import icalendar
    import recurring_ical_events

    def query(uids: Iterable[str], start: dt.date | dt.datetime = window.start,
              stop: dt.date | dt.timedelta = window.end + dt.timedelta(days=1)) -> list[Any]:
        series = icalendar.Calendar()
        series.update(calendar)
        series.subcomponents.extend(calendar.walk("VTIMEZONE"))
        for uid in uids:
            series.subcomponents.extend(components[uid])
        return list(recurring_ical_events.of(series).between(start, stop))

    capped: dict[str, str] = {}
    spans: dict[str, float] = {}
    for uid, parts in components.items():
        master = next((p for p in parts if p.get("RRULE") is not None), None)
        span = None if master is None else _span_seconds(master, window, limits.max_per_series)
        if span is not None:
            spans[uid] = span
    plain = [uid for uid in components if uid not in spans]
    occurrences: list[Any] = []
    broken: dict[str, str] = {}
    try:
        occurrences.extend(query(plain) if plain else [])
    except Exception:  # the expander raises many types for a broken rule: find the culprit
        for uid in plain:
            try:
                occurrences.extend(query([uid]))
            except Exception as exc:
                broken[uid] = str(exc) or type(exc).__name__
    for uid, span in spans.items():
        master = next(p for p in components[uid] if p.get("RRULE") is not None)
        first = master.get("DTSTART").dt
        first_day = first.date() if isinstance(first, dt.datetime) else first
        if first_day > window.end:
            continue
        start: dt.date | dt.datetime = dt.datetime.combine(window.start, dt.time())
        if first_day >= window.start:
            start = first if isinstance(first, dt.datetime) else dt.datetime.combine(first, dt.time())
        try:
            found = query([uid], start, dt.timedelta(seconds=span))
        except Exception as exc:
            broken[uid] = str(exc) or type(exc).__name__
            continue
        found.sort(key=lambda o: str(o.get("DTSTART").dt))
        capped[uid] = (f"a rule this frequent is expanded over {dt.timedelta(seconds=round(span))} from {start}, "
                       f"at most {limits.max_per_series} occurrences ([calendar] max_occurrences_per_series)")
        occurrences.extend(found[:limits.max_per_series])
    return occurrences, broken, capped


def _too_long_zone(data: bytes, name: str) -> None:
    """Refuse a TZID longer than any real zone name (the zone lookup would fail on the file system)."""
    match = _LONG_TZID.search(data)
    if match is not None:
        line = data.count(b"\n", 0, match.start()) + 1
        raise InputError(f"a TZID of {len(match.group(1))} characters is no time zone name", file=name,
                         line=line, field="TZID")


def _read_file(path: Path, window: Window, settings: IngestSettings, progress: Progress,
               parsed: Parsed, limits: Limits, used: list[int]) -> list[Occurrence]:
    import icalendar

    from .ics_lines import content_lines

    name = str(path)
    data = path.read_bytes()
    lines, line, pos = [], 1, 0
    for match in _BEGIN_EVENT.finditer(data):
        line += data.count(b"\n", pos, match.start())
        pos = match.start()
        lines.append(line)
    # Unfold before decoding: a fold may split a multi-byte UTF-8 character (RFC 5545, 3.1).
    _too_long_zone(data, name)
    text = decode_text(_FOLD.sub(b"", data), name)
    text = _RULE_LINE.sub(lambda m: m.group(1) + re.sub(r"\s+", "", m.group(2)), text)
    try:
        # icalendar parses the content lines; plain ones are split quickly (see kamgraph.ingest.ics_lines).
        calendars = icalendar.Calendar.from_ical(content_lines(text), multiple=True)
    except (ValueError, IndexError, KeyError, OSError, OverflowError, AttributeError, TypeError) as exc:
        # AttributeError / TypeError: the icalendar parser trips on some malformed input (a VTIMEZONE with
        # two TZID lines, say) before it can say what is wrong.
        detail = str(exc) or type(exc).__name__
        raise InputError(f"not an iCalendar file ({detail[:200]})", file=name, line=1) from None
    calendars = [c for c in calendars if c.name == "VCALENDAR"]
    if not calendars:
        raise InputError("not an iCalendar file (no BEGIN:VCALENDAR)", file=name, line=1)
    fallback = zoneinfo.ZoneInfo(settings.timezone)
    copies: list[Occurrence] = []
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
            _interval(event, name, line)
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
            occurrences, broken, capped = _expand(calendar, series, window, limits)
            for uid, problem in broken.items():
                parsed.skip(name, first_line[uid], "recurrence cannot be expanded", problem, f"UID={uid}")
            for uid, problem in capped.items():
                parsed.skip(name, first_line[uid], "recurrence cut short", problem, f"UID={uid}")
            room = max(limits.max_total - used[0], 0)
            if len(occurrences) > room:
                parsed.skip(name, None, "recurrence cut short",
                            f"{len(occurrences) - room} occurrence(s) past the limit of {limits.max_total} "
                            "per import ([calendar] max_occurrences_total)")
                occurrences = occurrences[:room]
            used[0] += len(occurrences)
            for occurrence in occurrences:
                uid = str(occurrence.get("UID")).strip()
                copies.append(_copy_of(occurrence, uid=uid, file=name, line=first_line.get(uid, 1),
                                       recurring=True, calendar_zone=calendar_zone, fallback=fallback))
            progress.advance(sum(len(parts) for parts in series.values()))
    parsed.sources.append(name)
    return copies


def read_calendars(paths: Sequence[str | Path], directory: Directory, settings: IngestSettings, *,
                   window: Window | None = None, progress: Progress = SILENT,
                   limits: Limits | None = None) -> Parsed:
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
    limits : Limits, optional
        Bounds of recurrence expansion (default :class:`Limits`).

    Returns
    -------
    Parsed
        Meetings, new staff and new (unverified) stakeholders, and the skipped events.
    """
    window = window or default_window(settings)
    limits = limits or Limits()
    used = [0]
    parsed = Parsed()
    copies = [copy for raw in paths
              for copy in _read_file(Path(raw), window, settings, progress, parsed, limits, used)]
    return meetings_from(copies, directory, parsed)


def meetings_from(occurrences: Iterable[Occurrence], directory: Directory, parsed: Parsed | None = None) -> Parsed:
    """Merge the copies of each occurrence and make the meetings (and new people) they stand for.

    Parameters
    ----------
    occurrences : iterable of Occurrence
        In reading order; a later copy of an occurrence is merged into the first.
    directory : Directory
        People and accounts known so far; new staff and stakeholders are added to it.
    parsed : Parsed, optional
        Where to put the results (default a new one).

    Returns
    -------
    Parsed
        Meetings, new staff, new (unverified) stakeholders and the skipped occurrences with their reasons.
    """
    parsed = parsed if parsed is not None else Parsed()
    merged: dict[tuple[str, str], Occurrence] = {}
    for copy in occurrences:
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


def _meeting(copy: Occurrence, directory: Directory, parsed: Parsed) -> None:
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
                      source=copy.source, source_id=f"{uid} {instant}" if copy.recurring else uid,
                      attendees=[p.id for p in people.values()])
    parsed.meetings.append(Located(meeting, copy.file, copy.line))
