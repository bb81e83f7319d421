"""Calendar attendees at the edges of the ICS rules, worked by hand against the canonical sample's people.

RFC 5545: an attendee with ``ROLE=NON-PARTICIPANT`` is there for information only (kamgraph's import drops
them, as it drops decliners); an address may come as the ``EMAIL`` parameter when the value is no ``mailto:``
URI (RFC 7986); Outlook marks a cancelled meeting with a "Canceled:" subject (one l).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kamgraph.domain.models import Meeting
from kamgraph.ingest import import_files
from kamgraph.store.base import GraphStore

from .test_import_calendar import OURS, Q1, _event, base  # noqa: F401 (base: the canonical sample)


def _calendar(store: GraphStore) -> list[Meeting]:
    return [m for m in store.dump().meetings if m.source == "calendar"]


@pytest.mark.parametrize(("attendees", "expected"), [
    # Kim (s-kim) and Bea (c-cfo) took part; Alex (c-ceo) was copied for information only
    ("ATTENDEE;CN=Kim Berger;PARTSTAT=ACCEPTED:mailto:kim.berger@ourco.example\n"
     "ATTENDEE;CN=Bea Novak;PARTSTAT=ACCEPTED:mailto:bea.novak@acme-robotics.example\n"
     "ATTENDEE;CN=Alex Moreau;ROLE=NON-PARTICIPANT:mailto:alex.moreau@acme-robotics.example", "c-cfo"),
    # Dana (c-arch) is known by the EMAIL parameter, her value is a URN
    ("ATTENDEE;CN=Kim Berger:mailto:kim.berger@ourco.example\n"
     "ATTENDEE;CN=Dana Kim;EMAIL=dana.kim@acme-robotics.example:urn:uuid:5b6c-dana", "c-arch"),
], ids=["non-participant", "email-parameter"])
def test_who_attends(base: GraphStore, tmp_path: Path, attendees: str, expected: str) -> None:  # noqa: F811
    import_files([_event(tmp_path, "DTSTART:20250204T100000Z\n" + attendees)], base, settings=OURS, **Q1)
    # with the organiser kim.lee@ourco.example, a new colleague of our own domain
    [meeting] = _calendar(base)
    assert meeting.attendees == [expected, "kim.lee@ourco.example", "s-kim"]


def test_an_outlook_canceled_subject_is_skipped(base: GraphStore, tmp_path: Path) -> None:  # noqa: F811
    path = _event(tmp_path, "DTSTART:20250204T100000Z\n"
                  "ATTENDEE;CN=Kim Berger:mailto:kim.berger@ourco.example\n"
                  "ATTENDEE;CN=Bea Novak:mailto:bea.novak@acme-robotics.example")
    path.write_text(path.read_text().replace("SUMMARY:Review", "SUMMARY:Canceled: Review"))
    summary = import_files([path], base, settings=OURS, **Q1)
    assert (summary.skip_reasons(), _calendar(base)) == ({"cancelled": 1}, [])


def test_a_series_that_starts_on_the_last_day_of_the_window_is_read(base: GraphStore, tmp_path: Path) -> None:  # noqa: F811
    # hourly from 20:00 UTC on 31 March 2025, the last day of the window (until 2025-03-31, inclusive), three
    # times: all three on that day -- as is a single event. (A rule this frequent could exceed the series
    # limit over the whole window, so it is expanded from its first occurrence on: the path of a capped series.)
    path = _event(tmp_path, "DTSTART:20250331T200000Z\nRRULE:FREQ=HOURLY;COUNT=3\n"
                  "ATTENDEE;CN=Kim Berger:mailto:kim.berger@ourco.example\n"
                  "ATTENDEE;CN=Bea Novak:mailto:bea.novak@acme-robotics.example")
    single = _event(tmp_path, "DTSTART:20250331T150000Z\n"
                    "ATTENDEE;CN=Kim Berger:mailto:kim.berger@ourco.example\n"
                    "ATTENDEE;CN=Alex Moreau:mailto:alex.moreau@acme-robotics.example", name="two.ics")
    single.write_text(single.read_text().replace("UID:e1@test", "UID:e2@test").replace("Review", "Call"))
    import_files([path, single], base, settings=OURS, **Q1)
    assert sorted((m.subject, m.date.isoformat()) for m in _calendar(base)) == [
        ("Call", "2025-03-31"), ("Review", "2025-03-31"), ("Review", "2025-03-31"), ("Review", "2025-03-31")]
