"""The fast import paths store exactly the rows of the validated paths (issue #15, item 5).

A meetings CSV (every cell filled, blank and padded cells, aliases such as ``Phone``, given accounts,
repeated rows) and a calendar are imported twice into copies of one store: once as ``kamgraph import`` does
it, once with every fast path turned off (each CSV row validated by pydantic, the calendar split by
icalendar's own parser). Every table must hold the same rows. The meeting rows are also checked against what
pydantic makes of each CSV row by itself, and a re-import and an import of changed rows against the same
expectations.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

import kamgraph.ingest.canonical as canonical
import kamgraph.ingest.ics_lines as ics_lines
from kamgraph.domain.models import Meeting
from kamgraph.ingest import import_files
from kamgraph.samples.synth import synth_portfolio
from kamgraph.settings import IngestSettings
from kamgraph.store import open_store
from tests.sqlite_rows import table_rows as _tables

AS_OF = dt.date(2025, 6, 30)
OURS = "ourco.example"
SETTINGS = IngestSettings(our_domains=[OURS])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any], list[Any]]:
    path = tmp_path_factory.mktemp("base") / "base.db"
    batch = synth_portfolio(accounts=3, seed=5, as_of=AS_OF)
    batch.staff = [s.model_copy(update={"email": f"{s.id}@{OURS}"}) for s in batch.staff]
    batch.accounts = [a.model_copy(update={"domains": [f"{a.id}.example"]}) for a in batch.accounts]
    batch.stakeholders = [c.model_copy(update={"email": f"{c.id}@{c.account}.example"}) for c in batch.stakeholders]
    batch.meetings, batch.relationships = [], []
    with open_store(str(path), create=True) as store:
        store.import_batch(batch)
    return path, batch.staff, batch.stakeholders


def _meetings_csv(path: Path, staff: list[Any], clients: list[Any], rows: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    kinds = ["meeting", "call", " qbr ", "Phone", "workshop", "", "  "]
    written = []
    for i in range(rows):
        people = [s.id for s in rng.sample(staff, rng.randint(1, 2))]
        people += [c.id for c in rng.sample(clients, rng.randint(1, 3))]
        if i % 7 == 0:
            people = [f" {p} " for p in people] + [""]  # padded ids and an empty entry
        day = AS_OF - dt.timedelta(days=rng.randint(0, 400))
        row = {"id": f"m-{i:05d}" if i % 11 else f" m-{i:05d} ", "date": day.isoformat(),
               "kind": rng.choice(kinds), "account": "", "subject": rng.choice(["Sync", " Padded ", "", " "]),
               "source": rng.choice(["crm", "", "crm"]), "source_id": f"EV-{i}" if i % 5 else "",
               "attendees": ";".join(people)}
        if i % 13 == 0:
            owner = next(c for c in clients if c.id in people or f" {c.id} " in people).account
            row["account"] = owner
        written.append(row)
    written.append(dict(written[3]))  # the same meeting twice, equal: fine
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.DictWriter(handle, fieldnames=list(written[0]))
        out.writeheader()
        out.writerows(written)
    return written


def _calendar(path: Path, staff: list[Any], clients: list[Any], events: int) -> None:
    rng = random.Random(3)
    lines = ["BEGIN:VCALENDAR", "PRODID:-//kamgraph test//EN", "VERSION:2.0", "X-WR-TIMEZONE:Europe/Berlin"]
    for i in range(events):
        start = dt.datetime(2025, 1, 1, 8) + dt.timedelta(days=rng.randint(0, 150), hours=rng.randint(0, 9))
        organiser = rng.choice(staff)
        lines += ["BEGIN:VEVENT", f"UID:t-{i}@kamgraph.example", f"DTSTART:{start:%Y%m%dT%H%M%S}Z",
                  f"SUMMARY:Customer meeting\\, part {i}",
                  f"ORGANIZER;CN={organiser.name}:mailto:{organiser.email}"]
        if i % 10 == 0:
            lines.append("RRULE:FREQ=WEEKLY;COUNT=4")
        for c in rng.sample(clients, rng.randint(1, 3)):
            status = "DECLINED" if i % 9 == 0 else "ACCEPTED"
            name = f'"{c.name}, Jr."' if i % 4 == 0 else c.name
            lines.append(f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={status};CN={name}:"
                         f"mailto:{c.email}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())


def _import(base: Path, target: Path, files: list[Path], *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    if not target.exists():
        shutil.copy(base, target)
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(canonical, "row_reader", lambda header: None)
            patch.setattr(canonical, "fast_meeting", lambda data: None)
            patch.setattr(ics_lines, "content_lines", lambda text: text)
        with open_store(str(target)) as store:
            return import_files(files, store, settings=SETTINGS, since=dt.date(2025, 1, 1), until=AS_OF)


def test_fast_and_validated_imports_store_the_same_rows(base: tuple[Path, list[Any], list[Any]], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    path, staff, clients = base
    rows = _meetings_csv(tmp_path / "meetings.csv", staff, clients, 2_500, seed=1)
    _calendar(tmp_path / "calendar.ics", staff, clients, 300)
    files = [tmp_path / "meetings.csv", tmp_path / "calendar.ics"]
    fast = _import(path, tmp_path / "fast.db", files, fast=True, monkeypatch=monkeypatch)
    slow = _import(path, tmp_path / "slow.db", files, fast=False, monkeypatch=monkeypatch)
    assert fast.kinds == slow.kinds and fast.kinds["meetings"].created > 2_500
    written = _tables(tmp_path / "fast.db")
    assert written == _tables(tmp_path / "slow.db")  # every table, the data generation included

    # Independently: each CSV meeting as pydantic makes it of its row, its account filled in from its
    # stakeholders when they all belong to one account.
    account_of = {c.id: c.account for c in clients}
    meetings = {r[0]: r for r in written["meeting"]}
    attendees: dict[str, set[str]] = {}
    for table in ("meeting_staff", "meeting_stakeholder"):
        for meeting_id, person in written[table]:
            attendees.setdefault(meeting_id, set()).add(person)
    for row in rows:
        model = Meeting.model_validate({k: v for k, v in row.items() if v.strip()})
        owners = {account_of[p] for p in model.attendees if p in account_of}
        account = model.account or (owners.pop() if len(owners) == 1 else None)
        assert meetings[model.id] == (model.id, account, model.date.isoformat(), model.kind.value, model.subject,
                                      model.source, model.source_id)
        assert attendees[model.id] == set(model.attendees)


def test_reimport_and_changed_rows_match_the_validated_path(base: tuple[Path, list[Any], list[Any]],
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, staff, clients = base
    first, second = tmp_path / "first" / "meetings.csv", tmp_path / "second" / "meetings.csv"
    first.parent.mkdir()
    second.parent.mkdir()
    _meetings_csv(first, staff, clients, 600, seed=2)
    _meetings_csv(second, staff, clients, 900, seed=3)  # the first 600 ids again, with other values, and more
    for fast, name in ((True, "fast.db"), (False, "slow.db")):
        target = tmp_path / name
        _import(path, target, [first], fast=fast, monkeypatch=monkeypatch)
        again = _import(path, target, [first], fast=fast, monkeypatch=monkeypatch)
        assert again.kinds["meetings"].created == again.kinds["meetings"].updated == 0
        changed = _import(path, target, [second], fast=fast, monkeypatch=monkeypatch)
        assert changed.kinds["meetings"].created == 300 and changed.kinds["meetings"].updated > 400
    assert _tables(tmp_path / "fast.db") == _tables(tmp_path / "slow.db")
