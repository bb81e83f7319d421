"""Calendar (ICS) import: Google and Outlook exports, recurrence, time zones, duplicates across calendars.

The fixtures in tests/data/calendar are written in the shape of real exports:
Kim's Google Calendar (UTC times, X-WR-TIMEZONE, folded ATTENDEE lines, a
weekly series with an EXDATE and a moved occurrence, a room, a cancelled and
a declined event) and Raj's Outlook calendar (CRLF, Windows time-zone names,
"Last, First" names, a "Canceled:" meeting, a monthly series with an EXDATE,
and the same architecture review as Kim's calendar). Every expected figure
below is worked out by hand from those files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kamgraph.domain.models import Meeting
from kamgraph.errors import InputError
from kamgraph.ingest import import_files
from kamgraph.settings import IngestSettings
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL, DATA

CALENDARS = DATA / "calendar"
GOOGLE = CALENDARS / "google-kim.ics"
OUTLOOK = CALENDARS / "outlook-raj.ics"
OURS = IngestSettings(our_domains=["ourco.example"])
Q1 = {"since": dt.date(2025, 1, 1), "until": dt.date(2025, 3, 31)}


@pytest.fixture
def base(store: GraphStore) -> GraphStore:
    """The store holding the canonical sample (Acme, with domain acme-robotics.example)."""
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def _calendar_meetings(store: GraphStore) -> list[Meeting]:
    return [m for m in store.dump().meetings if m.source == "calendar"]


def _by_subject(store: GraphStore, subject: str) -> list[Meeting]:
    return sorted((m for m in _calendar_meetings(store) if m.subject == subject), key=lambda m: m.date)


def test_two_calendars_counts_and_skip_reasons(base: GraphStore) -> None:
    summary = import_files([GOOGLE, OUTLOOK], base, settings=OURS, **Q1)
    # Google: 3 kept single events + 9 weekly syncs; Outlook: 1 single + 2 monthly boards.
    assert summary.kinds["meetings"].created == 15
    assert summary.kinds["stakeholders"].created == 1  # Jürgen Müller, an unknown address at acme-robotics
    assert summary.kinds["staff"].created == 1  # Mia Chen, an unknown address in our own domain
    assert summary.skip_reasons() == {"no client attendee": 3, "cancelled": 2,
                                      "same event in another calendar (merged)": 1}
    assert len(_calendar_meetings(base)) == 15


def test_new_people_from_calendars(base: GraphStore) -> None:
    import_files([GOOGLE, OUTLOOK], base, settings=OURS, **Q1)
    new = base.get_person("juergen.mueller@acme-robotics.example")
    assert new.name == "Jürgen Müller" and new.account == "acme" and new.verified is False  # type: ignore[union-attr]
    assert base.get_person("mia.chen@ourco.example").kind == "staff"


def test_without_our_domains_unknown_colleagues_are_ignored(base: GraphStore) -> None:
    summary = import_files([GOOGLE, OUTLOOK], base, **Q1)
    assert summary.kinds["staff"].created == 0
    late = _by_subject(base, "Late call with Alex (Singapore trip)")
    assert [m.attendees for m in late] == [["c-ceo", "s-kim"]]


def test_recurring_series_with_exdate_and_moved_occurrence(base: GraphStore) -> None:
    import_files([GOOGLE, OUTLOOK], base, settings=OURS, **Q1)
    weekly = _by_subject(base, "Weekly sync") + _by_subject(base, "Weekly sync (moved to Tuesday)")
    # Mondays 6 Jan - 10 Mar 2025, without 3 Feb (EXDATE); 17 Feb moved to Tuesday 18 Feb.
    expected = ["2025-01-06", "2025-01-13", "2025-01-20", "2025-01-27", "2025-02-10", "2025-02-18",
                "2025-02-24", "2025-03-03", "2025-03-10"]
    assert sorted(m.date.isoformat() for m in weekly) == expected
    assert all(m.attendees == ["c-arch", "s-kim"] and m.account == "acme" for m in weekly)
    board = _by_subject(base, "Architecture board")  # first Thursdays of Jan-Mar, 6 Feb excluded
    assert [m.date.isoformat() for m in board] == ["2025-01-02", "2025-03-06"]


def test_window_limits_recurring_events_only(base: GraphStore) -> None:
    summary = import_files([GOOGLE, OUTLOOK], base, settings=OURS, since=dt.date(2025, 2, 1),
                           until=dt.date(2025, 2, 28))
    weekly = [m for m in _calendar_meetings(base) if m.subject and m.subject.startswith("Weekly sync")]
    assert sorted(m.date.day for m in weekly) == [10, 18, 24]
    assert _by_subject(base, "Architecture board") == []
    # the four single events that are kept are imported whatever their date
    assert summary.kinds["meetings"].created == 3 + 4


def test_dates_in_the_organisers_time_zone(base: GraphStore) -> None:
    import_files([GOOGLE, OUTLOOK], base, settings=OURS, **Q1)
    # 2025-01-20 23:30 UTC is 00:30 on the 21st in Berlin (the calendar's X-WR-TIMEZONE)
    assert [m.date for m in _by_subject(base, "Late call with Alex (Singapore trip)")] == [dt.date(2025, 1, 21)]
    # Outlook: 00:30 on 11 Jan in "W. Europe Standard Time" is still 10 Jan in UTC
    night = _by_subject(base, "Nachtschicht: Rollout-Übergabe")
    assert [(m.date, m.attendees) for m in night] == [(dt.date(2025, 1, 11), ["c-eng", "s-raj"])]
    all_day = _by_subject(base, "Acme on-site day")
    assert [(m.date, m.kind.value, m.attendees) for m in all_day] == [(dt.date(2025, 3, 5), "event",
                                                                       ["c-eng", "s-kim"])]


def test_same_event_in_two_calendars_is_one_meeting(base: GraphStore) -> None:
    import_files([GOOGLE, OUTLOOK], base, settings=OURS, **Q1)
    review = _by_subject(base, "Architecture review")
    assert len(review) == 1
    # Union of both copies; Chris declined in Outlook's copy; the room is no person.
    assert review[0].attendees == ["c-arch", "c-eng", "juergen.mueller@acme-robotics.example", "s-kim", "s-raj"]
    assert review[0].date == dt.date(2025, 2, 3) and review[0].account == "acme"


def test_importing_again_or_in_another_order_creates_nothing(base: GraphStore, store_factory) -> None:  # type: ignore[no-untyped-def]
    import_files([GOOGLE, OUTLOOK], base, settings=OURS, **Q1)
    counts = base.counts()
    again = import_files([GOOGLE, OUTLOOK], base, settings=OURS, **Q1)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 15)
    one_more = import_files([OUTLOOK], base, settings=OURS, **Q1)
    assert one_more.created == 0
    assert base.counts()["meetings"] == counts["meetings"]
    other = store_factory()
    import_files(sorted(CANONICAL.glob("*.csv")), other)
    import_files([OUTLOOK, GOOGLE], other, settings=OURS, **Q1)
    assert {m.id for m in _calendar_meetings(other)} == {m.id for m in _calendar_meetings(base)}


def test_calendar_alone_against_an_empty_store_skips_everything(store: GraphStore) -> None:
    summary = import_files([GOOGLE], store, settings=OURS, **Q1)
    assert summary.created == 0 and store.is_empty()
    # 7 single events and 9 weekly syncs; the cancelled one is counted as such
    assert summary.skip_reasons() == {"no client attendee": 15, "cancelled": 1}


def test_broken_start_is_a_located_error(base: GraphStore, tmp_path: Path) -> None:
    text = GOOGLE.read_bytes().replace(b"DTSTART:20250214T150000Z", b"DTSTART:2025021")
    bad = tmp_path / "broken.ics"
    bad.write_bytes(text)
    line = next(i for i, row in enumerate(text.split(b"\n"), 1) if row == b"DTSTART:2025021\r") - 1
    before = base.counts()
    with pytest.raises(InputError) as info:
        import_files([GOOGLE, bad], base, settings=OURS, **Q1)
    assert str(info.value).startswith(f"{bad}:{line}: DTSTART: cannot read the value")
    assert base.counts() == before


def test_not_a_calendar(base: GraphStore, tmp_path: Path) -> None:
    bad = tmp_path / "notes.ics"
    bad.write_text("hello\n")
    with pytest.raises(InputError, match=r"notes.ics:1: not an iCalendar file"):
        import_files([bad], base)


def test_fold_inside_a_multibyte_character(base: GraphStore, tmp_path: Path) -> None:
    text = OUTLOOK.read_bytes()
    name = "CN=\"Müller, Jürgen\"".encode()
    cut = name.index("ü".encode()) + 1  # between the two bytes of the first ü
    folded = text.replace(name, name[:cut] + b"\r\n " + name[cut:])
    path = tmp_path / "folded.ics"
    path.write_bytes(folded)
    import_files([path], base, settings=OURS, **Q1)
    assert base.get_person("juergen.mueller@acme-robotics.example").name == "Jürgen Müller"


def test_a_broken_recurrence_costs_only_its_own_series(base: GraphStore, tmp_path: Path) -> None:
    text = GOOGLE.read_bytes().replace(b"RRULE:FREQ=WEEKLY;WKST=MO;UNTIL=20250310T090000Z;BYDAY=MO",
                                       b"RRULE:FREQ=WEEKLY;WKST=MO;UNTIL=20250310T090000Z;BYDAY=XX")
    broken = tmp_path / "google.ics"
    broken.write_bytes(text)
    summary = import_files([broken, OUTLOOK], base, settings=OURS, **Q1)
    # the weekly series is skipped, except its moved occurrence, a complete event of its own (18 Feb);
    # the monthly Outlook series is expanded as before
    assert summary.kinds["meetings"].created == 15 - 9 + 1
    assert [m.date.isoformat() for m in _by_subject(base, "Weekly sync (moved to Tuesday)")] == ["2025-02-18"]
    assert summary.skip_reasons()["recurrence cannot be read"] == 1
    assert [m.date.isoformat() for m in _by_subject(base, "Architecture board")] == ["2025-01-02", "2025-03-06"]


def _event(tmp_path: Path, body: str, name: str = "one.ics") -> Path:
    path = tmp_path / name
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:e1@test\r\nSUMMARY:Review\r\n"
                    "ORGANIZER;CN=Kim:mailto:kim.lee@ourco.example\r\n" + body.replace("\n", "\r\n")
                    + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    return path


def test_rooms_groups_and_declined_attendees_are_never_stakeholders(base: GraphStore, tmp_path: Path) -> None:
    path = _event(tmp_path, "DTSTART:20250204T100000Z\n"
                  "ATTENDEE;CN=Lena Vogt;PARTSTAT=ACCEPTED:mailto:lena.vogt@acme-robotics.example\n"
                  "ATTENDEE;CUTYPE=ROOM;CN=Room 4.01:mailto:room-401@acme-robotics.example\n"
                  "ATTENDEE;CUTYPE=RESOURCE;CN=Beamer:mailto:beamer@acme-robotics.example\n"
                  "ATTENDEE;CUTYPE=GROUP;CN=All buyers:mailto:buyers@acme-robotics.example\n"
                  "ATTENDEE;CN=Tom Hart;PARTSTAT=DECLINED:mailto:tom.hart@acme-robotics.example")
    before = {p.id for p in base.dump().stakeholders}
    import_files([path], base, settings=OURS, **Q1)
    new = {p.id for p in base.dump().stakeholders} - before
    assert new == {"lena.vogt@acme-robotics.example"}  # one accepted person; not room, list, decliner
    (meeting,) = _calendar_meetings(base)
    assert sorted(meeting.attendees) == ["kim.lee@ourco.example", "lena.vogt@acme-robotics.example"]


def test_spaces_in_byday_are_tolerated(base: GraphStore, tmp_path: Path) -> None:
    path = _event(tmp_path, "DTSTART:20250106T100000Z\nRRULE:FREQ=WEEKLY;BYDAY=MO, WE ,FR;COUNT=5\n"
                  "ATTENDEE;CN=Lena Vogt:mailto:lena.vogt@acme-robotics.example")
    import_files([path], base, settings=OURS, **Q1)
    # Mon 6, Wed 8, Fri 10, Mon 13, Wed 15 January
    assert sorted(m.date.day for m in _calendar_meetings(base)) == [6, 8, 10, 13, 15]


@pytest.mark.parametrize(("body", "expected"), [
    ("DTSTART:20250101T100000Z\nRRULE:FREQ=DAILY;INTERVAL=0", r"one.ics:3: RRULE: INTERVAL=0"),
    ("DTSTART;TZID=Europe/Berlin:00010101T000000", r"one.ics:3: DTSTART: the date is out of range"),
    ("DTSTART:20250101T100000Z\nDTSTART:20250102T100000Z", r"one.ics:3: DTSTART: an event with two starts"),
    ("DTSTART;TZID=" + "A" * 300 + ":20250101T100000", r"one.ics:7: TZID: a TZID of 300 characters"),
])
def test_hostile_events_are_located_errors(base: GraphStore, tmp_path: Path, body: str, expected: str) -> None:
    path = _event(tmp_path, body + "\nATTENDEE:mailto:lena.vogt@acme-robotics.example")
    before = base.counts()
    with pytest.raises(InputError, match=expected):
        import_files([path], base, settings=OURS, **Q1)
    assert base.counts() == before


def test_attendee_with_a_semicolon_in_the_address_is_ignored(base: GraphStore, tmp_path: Path) -> None:
    path = _event(tmp_path, "DTSTART:20250204T100000Z\nATTENDEE:mailto:a;b@host")
    summary = import_files([path], base, settings=OURS, **Q1)
    assert summary.skip_reasons() == {"no client attendee": 1}


@pytest.mark.parametrize("freq", ["SECONDLY", "MINUTELY", "HOURLY"])
def test_frequent_rules_are_capped_per_series_and_in_total(base: GraphStore, tmp_path: Path, freq: str) -> None:
    import time

    from kamgraph.ingest.directory import Directory
    from kamgraph.ingest.ics import Limits, Window, read_calendars

    path = _event(tmp_path, f"DTSTART:20250101T100000Z\nRRULE:FREQ={freq}\n"
                  "ATTENDEE:mailto:lena.vogt@acme-robotics.example")
    second = _event(tmp_path, f"DTSTART:20250101T100000Z\nRRULE:FREQ={freq}\n"
                    "ATTENDEE:mailto:lena.vogt@acme-robotics.example", "two.ics")
    second.write_text(second.read_text().replace("UID:e1@test", "UID:e2@test"))
    started = time.monotonic()
    parsed = read_calendars([path, second], Directory(base, OURS), OURS,
                            window=Window(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
                            limits=Limits(max_per_series=300, max_total=500))
    assert time.monotonic() - started < 10
    assert len(parsed.meetings) == 500  # 300 from the first series, the other 200 of the total from the second
    reasons = [s.reason for s in parsed.skipped]
    assert reasons.count("recurrence cut short") == 3  # each series capped, and the total
    dates = sorted(m.record.id for m in parsed.meetings)
    assert len(set(dates)) == 500
