"""Meetings kept as a store's packed rows until read (:class:`kamgraph.domain.dataset.PackedSnapshot`).

A portfolio-wide read of the SQLite store gives each account's meetings as the rows of its pack; the tie
kernel sums them straight from the rows (``aggregate_ties(..., days=...)``) and the ``Meeting`` records are
built only when something reads them. Checked here: the kernels on rows against a hand-worked sum and
against the same meetings as records (both kernels), the snapshot's laziness, equality, pickling and
replacement, and the bulk read of both stores against one-account loads, its rows against rows worked out
from the raw records, and its analysis against the records'.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import pickle
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from kamgraph import kernels
from kamgraph.analysis.pipeline import analyze, summary_figure
from kamgraph.analysis.trend import snapshot_on, watch_sustained_fall
from kamgraph.domain.dataset import AccountSnapshot, Batch, PackedSnapshot
from kamgraph.domain.models import Account, Meeting, ReportingLine, Staff, Stakeholder
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.samples.synth import synth_account, synth_portfolio
from kamgraph.settings import Settings
from kamgraph.store.packed_rows import meetings_from_rows

AS_OF = dt.date(2026, 6, 30)
MODULES = {"python": kernels.python, "compiled": kernels.compiled_module()}


def _row(m: Meeting) -> tuple[object, ...]:
    """A meeting in the packed layout (kamgraph.domain.dataset.MeetingRow)."""
    return (m.date.isoformat(), m.id, m.account, m.kind.value, m.subject, m.source, m.source_id,
            ",".join(m.attendees))


def _counting_build(log: list[int]) -> Callable[[list[Sequence[Any]]], list[Meeting]]:
    """The store's build function, noting in ``log`` how many rows each call built."""
    def build(rows: list[Sequence[Any]]) -> list[Meeting]:
        log.append(len(rows))
        return meetings_from_rows(rows)
    return build


def _synthetic(seed: int = 3, stakeholders: int = 60, staff: int = 9) -> AccountSnapshot:
    batch = synth_account(f"p{seed}", seed=seed, stakeholders=stakeholders, staff=staff, as_of=AS_OF)
    people = sorted(batch.stakeholders, key=lambda s: s.id)
    lines = [ReportingLine(stakeholder=s.id, manager=s.reports_to) for s in people if s.reports_to]
    return AccountSnapshot(account=batch.accounts[0], stakeholders=people,
                           staff=sorted(batch.staff, key=lambda s: s.id), reporting_lines=lines,
                           relationships=batch.relationships,
                           meetings=sorted(batch.meetings, key=lambda m: (m.date, m.id)))


def _packed(snapshot: AccountSnapshot, log: list[int] | None = None) -> PackedSnapshot:
    fields = {f.name: getattr(snapshot, f.name) for f in dataclasses.fields(AccountSnapshot) if f.name != "meetings"}
    return PackedSnapshot(meeting_rows=[_row(m) for m in snapshot.meetings],
                          build=_counting_build(log if log is not None else []), **fields)


# --------------------------------------------------------------------------- the kernel on rows
@pytest.mark.parametrize("module", [m for m in MODULES if MODULES[m] is not None])
def test_rows_are_summed_as_worked_out_by_hand(module: str) -> None:
    kernel = MODULES[module].aggregate_ties
    day = dt.date(2026, 6, 30)
    earlier = day - dt.timedelta(days=90)
    rows = [(earlier.isoformat(), "m1", "x", "call", None, None, None, "s,a,b"),
            (day.isoformat(), "m2", "x", "meeting", None, None, None, "s,a"),
            (day.isoformat(), "m3", "x", "meeting", None, None, None, "a,b")]  # no staff: counts for nobody
    weights = {"call": 0.5, "meeting": 1.0}
    table = kernel(rows, {"s": 0, "a": 1, "b": 2}, bytes([1, 0, 0]), day.toordinal(), 90.0, weights,
                   days=[earlier.toordinal(), day.toordinal(), day.toordinal()])
    # s-a: the call 90 days back at half weight, 0.5 * 2**-1 = 0.25, then the meeting today, 1.0: 1.25 over 2
    # meetings (first m1 = row 0, last m2 = row 1); s-b: the call only, 0.25; a-b met with our staff in m1: 0.25.
    assert table.pairs.staff == [0, 0] and table.pairs.stakeholder == [1, 2]
    assert table.pairs.count == [2, 1] and table.pairs.first == [0, 0] and table.pairs.last == [1, 0]
    assert [math.isclose(v, e) for v, e in zip(table.pairs.strength, [1.25, 0.25], strict=True)] == [True, True]
    assert (table.client_pairs.a, table.client_pairs.b) == ([1], [2])
    assert math.isclose(table.client_pairs.strength[0], 0.25)
    # rows out of (date, id) order: None, the caller sorts
    assert kernel(list(reversed(rows)), {"s": 0, "a": 1, "b": 2}, bytes([1, 0, 0]), day.toordinal(), 90.0,
                  weights, days=[day.toordinal(), day.toordinal(), earlier.toordinal()]) is None


@pytest.mark.parametrize("module", [m for m in MODULES if MODULES[m] is not None])
@pytest.mark.parametrize("full_size", [0, 3])
def test_rows_give_the_table_the_records_give(module: str, full_size: int) -> None:
    kernel = MODULES[module].aggregate_ties
    snap = _synthetic()
    ag = build_account_graph(snap, AS_OF, Settings())
    index = {pid: i for i, pid in enumerate(ag.ids)}
    is_staff = bytes(1 if pid in ag.staff or pid in ag.departed_staff else 0 for pid in ag.ids)
    weights = Settings().strength.kind_weights
    for as_of in (AS_OF, AS_OF - dt.timedelta(days=200)):
        args = (index, is_staff, as_of.toordinal(), 90.0, weights, full_size)
        records = kernel(snap.meetings, *args)
        rows = kernel([_row(m) for m in snap.meetings], *args, [m.date.toordinal() for m in snap.meetings])
        assert records is not None and rows == records  # summed in the same order: exactly equal
        assert len(records.pairs.staff) > 20


# --------------------------------------------------------------------------- the snapshot
def test_the_analysis_reads_no_record_and_gives_the_figures_of_the_records() -> None:
    plain = _synthetic()
    built: list[int] = []
    packed = _packed(plain, built)
    settings = Settings()
    ag = build_account_graph(packed, AS_OF, settings)
    assert built == []  # the ties came from the rows
    expected = build_account_graph(plain, AS_OF, settings)
    assert ag.table == expected.table and ag.threads == expected.threads
    assert ag.last_contact == expected.last_contact and ag.active_ties() == expected.active_ties()
    assert ag.first_meeting == expected.first_meeting and ag.ties == expected.ties
    assert analyze(packed, AS_OF, settings, detail=False).summary == \
        analyze(plain, AS_OF, settings, detail=False).summary
    # what needs the records builds them once, in the same order
    assert ag.meetings == plain.meetings and built == [len(plain.meetings)]
    assert packed.meetings is ag.meetings and built == [len(plain.meetings)]
    assert analyze(packed, AS_OF, settings) == analyze(plain, AS_OF, settings)


def test_rows_out_of_order_are_sorted_as_records_are() -> None:
    plain = _synthetic()
    shuffled = list(reversed(plain.meetings))
    packed = _packed(dataclasses.replace(plain, meetings=shuffled))
    ag = build_account_graph(packed, AS_OF, Settings())
    expected = build_account_graph(plain, AS_OF, Settings())
    assert ag.table == expected.table and ag.last_contact == expected.last_contact
    assert ag.meetings == plain.meetings  # sorted by (date, id), as the figures count them


def test_equality_pickling_replacement_and_assignment() -> None:
    plain = _synthetic(stakeholders=30, staff=5)
    built: list[int] = []
    packed = _packed(plain, built)
    sent = PackedSnapshot(meeting_rows=packed.meeting_rows, build=meetings_from_rows,
                          **{f: getattr(plain, f) for f in ("account", "stakeholders", "staff", "reporting_lines",
                                                            "relationships", "as_of", "competitor_ties")})
    copy = pickle.loads(pickle.dumps(sent))  # the store's build function is a module-level one: it pickles
    assert isinstance(copy, PackedSnapshot) and copy.meeting_rows == packed.meeting_rows
    assert built == []
    assert packed == plain and plain == packed and copy == plain and built == [len(plain.meetings)]
    assert packed != dataclasses.replace(plain, meetings=plain.meetings[1:])
    replaced = dataclasses.replace(packed, staff=[])  # records passed: a plain snapshot of the same class
    assert isinstance(replaced, PackedSnapshot) and replaced.meeting_rows is None
    assert replaced.meetings == plain.meetings and replaced.staff == []
    packed.meetings = []  # assigned records replace the rows: the analysis sees no meeting
    assert packed.meeting_rows is None
    assert build_account_graph(packed, AS_OF, Settings()).table.pairs.staff == []


def test_rows_without_a_build_function_are_refused() -> None:
    account = Account(id="a", name="A")
    with pytest.raises(TypeError, match="build function"):
        PackedSnapshot(meeting_rows=[("2026-01-01", "m", "a", "call", None, None, None, "s,c")], account=account,
                       stakeholders=[], staff=[], reporting_lines=[], relationships=[])
    empty = PackedSnapshot(meeting_rows=[], account=account, stakeholders=[Stakeholder(id="c", account="a", name="C")],
                           staff=[Staff(id="s", name="S")], reporting_lines=[], relationships=[])
    assert empty.meetings == [] and build_account_graph(empty, AS_OF, Settings()).threads == {}


# --------------------------------------------------------------------------- the bulk read of both stores
def _expected_rows(batch: Batch, account: str, as_of: dt.date | None) -> list[tuple[object, ...]]:
    """The packed rows of ``account`` worked out from the raw records: every meeting one of its stakeholders
    attended up to ``as_of``, by date then id, with the attendees it sees (its own people and our staff)."""
    own = {s.id for s in batch.stakeholders if s.account == account}
    staff = {s.id for s in batch.staff}
    return sorted((m.date.isoformat(), m.id, m.account, m.kind.value, m.subject, m.source, m.source_id,
                   ",".join(sorted({p for p in m.attendees if p in own or p in staff})))
                  for m in batch.meetings if own.intersection(m.attendees) and (as_of is None or m.date <= as_of))


def test_the_bulk_read_gives_packed_snapshots_equal_to_one_account_loads(
        store_factory: Callable[[], Any]) -> None:
    batch = synth_portfolio(6, seed=5, as_of=AS_OF)
    store = store_factory()
    store.import_batch(Batch(accounts=batch.accounts, staff=batch.staff))
    store.import_batch(batch)
    ids = sorted(a.id for a in batch.accounts)
    for as_of in (AS_OF, AS_OF - dt.timedelta(days=120), None):
        bulk = list(store.load_accounts(ids, as_of))
        assert all(isinstance(s, PackedSnapshot) and s.meeting_rows is not None for s in bulk)
        for snap in bulk:
            assert [tuple(r) for r in snap.meeting_rows] == _expected_rows(batch, snap.account.id, as_of)
            one = store.load_account(snap.account.id, as_of)
            assert build_account_graph(snap, AS_OF, Settings()).table == \
                build_account_graph(one, AS_OF, Settings()).table
            assert snap == one and one == snap
            # every meeting the account had up to the date, each once, from an independent count
            expected = sorted(m.id for m in batch.meetings if m.account == snap.account.id
                              and (as_of is None or m.date <= as_of))
            own = {m.id for m in snap.meetings if m.account == snap.account.id}
            assert sorted(own) == expected


def test_a_past_point_is_cut_from_the_rows_as_from_the_records() -> None:
    plain = _synthetic()
    built: list[int] = []
    packed = _packed(plain, built)
    settings = Settings()
    first, last = plain.meetings[0].date, plain.meetings[-1].date
    for day in (first - dt.timedelta(days=1), first, first + (last - first) / 2, last, AS_OF):
        cut, expected = snapshot_on(packed, day), snapshot_on(plain, day)
        assert isinstance(cut, PackedSnapshot) and cut.as_of == day
        assert summary_figure(cut, day, settings, "health") == summary_figure(expected, day, settings, "health")
        assert built == []  # cut and analysed from the rows alone
        # the meetings up to the day, and of the staff outside the team those who attended one: worked out
        # here from the records, independently of either cut
        kept = [m for m in plain.meetings if m.date <= day]
        attended = {p for m in kept for p in m.attendees}
        team = {s.id for s in plain.staff if plain.account.id in s.accounts}
        tied = {p for r in plain.relationships for p in (r.source, r.target)}
        assert [s.id for s in cut.staff] == [s.id for s in plain.staff if s.id in team | tied | attended]
        assert cut == expected and [m.id for m in cut.meetings] == [m.id for m in kept]
        built.clear()
    assert watch_sustained_fall(_packed(plain), AS_OF, settings) == watch_sustained_fall(plain, AS_OF, settings)
