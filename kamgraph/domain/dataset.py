"""Containers passed between importers, stores and the analysis.

* :class:`Batch` -- the records one import command brings, written all or nothing.
* :class:`ImportSummary` -- what an import created, updated or left unchanged.
* :class:`AccountSnapshot` -- one account's people, lines, ties, meetings and
  competitor ties, as a store loads them for analysis; :class:`PackedSnapshot` -- the same, with the meetings
  kept in a store's packed rows until something reads them as records.
* :class:`AccountSummary` -- one row of ``kamgraph accounts``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any

from pydantic import BaseModel

from .models import Account, CompetitorTie, Meeting, Relationship, ReportingLine, Staff, Stakeholder

__all__ = ["KINDS", "STORED_KINDS", "Batch", "KindCounts", "Skipped", "ImportSummary", "AccountSnapshot",
           "PackedSnapshot", "MeetingRow", "row_attendees", "AccountSummary"]

#: Record kinds in the order they must be written (references point backwards).
KINDS = ("accounts", "staff", "stakeholders", "meetings", "relationships")
#: Every kind a batch carries and a store writes: :data:`KINDS`, then stakeholders' competitor ties
#: (imported from their own file, :func:`kamgraph.ingest.competitors.import_competitor_ties`).
STORED_KINDS = (*KINDS, "competitor_ties")


@dataclass
class Batch:
    """Records to write in one transaction.

    ``person_kinds`` maps every person id a meeting or relationship refers to
    onto ``'staff'`` or ``'stakeholder'``; the importer fills it after checking
    the references against the batch and the store.
    """

    accounts: list[Account] = field(default_factory=list)
    staff: list[Staff] = field(default_factory=list)
    stakeholders: list[Stakeholder] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    person_kinds: dict[str, str] = field(default_factory=dict)
    competitor_ties: list[CompetitorTie] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(len(getattr(self, kind)) for kind in STORED_KINDS)

    def extend(self, other: Batch) -> None:
        """Append another batch's records (later records with the same id win on write)."""
        for kind in STORED_KINDS:
            getattr(self, kind).extend(getattr(other, kind))
        self.person_kinds.update(other.person_kinds)


class KindCounts(BaseModel):
    """Created / updated / unchanged counts for one record kind."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """All records of this kind seen by the import."""
        return self.created + self.updated + self.unchanged


class Skipped(BaseModel):
    """One input row or event deliberately not imported, and why.

    ``reason`` is a short fixed phrase (summaries count by it), ``detail`` the
    particulars, ``row`` the skipped input as the file had it (for ``--report``).
    """

    file: str
    line: int | None = None
    reason: str
    detail: str = ""
    row: str = ""


class ImportSummary(BaseModel):
    """What one import did, per record kind, and what it skipped.

    Examples
    --------
    >>> s = ImportSummary()
    >>> s.kinds["meetings"].created = 3
    >>> s.line()
    'created 3, updated 0, unchanged 0 (meetings 3/0/0)'
    >>> s.skipped.append(Skipped(file="cal.ics", line=40, reason="no client attendee"))
    >>> s.line()
    'created 3, updated 0, unchanged 0, skipped 1 (meetings 3/0/0)'
    >>> s.skip_reasons()
    {'no client attendee': 1}

    ``kinds`` always lists :data:`KINDS`; competitor ties only once an import counted some
    (:meth:`counts`), so that imports without them read as before.

    >>> s.counts("competitor_ties").created = 2
    >>> list(s.kinds)[-1], s.line()
    ('competitor_ties', 'created 5, updated 0, unchanged 0, skipped 1 (meetings 3/0/0, competitor_ties 2/0/0)')
    """

    kinds: dict[str, KindCounts] = {kind: KindCounts() for kind in KINDS}
    dry_run: bool = False
    #: Rows and events not imported, each with its reason (empty for canonical files).
    skipped: list[Skipped] = []

    def skip_reasons(self) -> dict[str, int]:
        """How many rows were skipped for each reason, most frequent first."""
        counts: dict[str, int] = {}
        for item in self.skipped:
            counts[item.reason] = counts.get(item.reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def model_post_init(self, __context: object) -> None:
        kinds = [*KINDS, *(kind for kind in STORED_KINDS if kind in self.kinds and kind not in KINDS)]
        self.kinds = {kind: self.kinds.get(kind, KindCounts()).model_copy() for kind in kinds}

    def counts(self, kind: str) -> KindCounts:
        """The counts of one kind, added to :attr:`kinds` when missing (a kind of :data:`STORED_KINDS`)."""
        return self.kinds.setdefault(kind, KindCounts())

    @property
    def created(self) -> int:
        """Records created, all kinds."""
        return sum(c.created for c in self.kinds.values())

    @property
    def updated(self) -> int:
        """Records updated, all kinds."""
        return sum(c.updated for c in self.kinds.values())

    @property
    def unchanged(self) -> int:
        """Records left as they were, all kinds."""
        return sum(c.unchanged for c in self.kinds.values())

    def line(self) -> str:
        """One summary line: totals, then created/updated/unchanged per kind seen."""
        parts = [f"{k} {c.created}/{c.updated}/{c.unchanged}" for k, c in self.kinds.items() if c.total]
        head = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        if self.skipped:
            head += f", skipped {len(self.skipped)}"
        if self.dry_run:
            head = "dry run, nothing written: would have " + head
        return head + (f" ({', '.join(parts)})" if parts else "")


@dataclass
class AccountSnapshot:
    """One account as the analysis sees it.

    ``stakeholders`` holds everybody ever recorded at the account (including
    people who left); ``staff`` the staff on the account team or in any of the
    account's meetings; ``meetings`` only those up to ``as_of`` when it is
    given, each listing attendees of this account and staff only;
    ``competitor_ties`` the stakeholders' leanings toward competitors, all of
    them whatever their ``since`` (the analysis drops those after its as-of
    date). Lists are sorted by id (meetings by date, then id; ties by
    stakeholder, then competitor) so that results never depend on load order.
    """

    account: Account
    stakeholders: list[Stakeholder]
    staff: list[Staff]
    reporting_lines: list[ReportingLine]
    relationships: list[Relationship]
    meetings: list[Meeting]
    as_of: dt.date | None = None
    competitor_ties: list[CompetitorTie] = field(default_factory=list)

    @property
    def meeting_rows(self) -> list[MeetingRow] | None:
        """A store's packed rows the meetings are built from (:class:`PackedSnapshot`); None: records only."""
        return None

    def person(self, person_id: str) -> Stakeholder | Staff | None:
        """Return the stakeholder or staff member with this id, if present."""
        for group in (self.stakeholders, self.staff):
            for person in group:
                if person.id == person_id:
                    return person
        return None


#: One meeting in a store's packed form: ``(date ISO, id, account, kind value, subject, source, source id,
#: "attendee,attendee,...")`` -- the attendees the account sees, sorted and joined.
MeetingRow = Sequence[Any]


def row_attendees(rows: Sequence[MeetingRow]) -> list[str]:
    """Everyone in these packed meeting rows, once per attendance (one join and one split, not one a row).

    Examples
    --------
    >>> row_attendees([("2026-03-02", "m1", "a", "call", None, None, None, "c1,s1"),
    ...                ("2026-03-03", "m2", "a", "call", None, None, None, "c2,s1")])
    ['c1', 's1', 'c2', 's1']
    >>> row_attendees([])
    []
    """
    return ",".join([row[7] for row in rows]).split(",") if rows else []


#: Stands for "no records given" in :class:`PackedSnapshot`'s ``__init__`` (and its call of the dataclass' own).
_UNBUILT: list[Meeting] = []


class PackedSnapshot(AccountSnapshot):
    """An :class:`AccountSnapshot` whose meetings stay in the store's packed rows until they are read.

    A portfolio-wide job reads hundreds of meetings per account but most of its analysis needs only each
    meeting's date, kind and attendees: :func:`kamgraph.graph.account_graph.build_account_graph` sums the
    tie strengths straight from :attr:`meeting_rows`, and the :class:`~kamgraph.domain.models.Meeting`
    records are built (by ``build``, the store's own function) the first time anything reads
    :attr:`meetings` -- a departure's impact, a trend, a report. Building them, and freeing them, was about
    an eighth of the instructions of an alert check on a synthetic store (issue #15; callgrind,
    ``benchmarks/alerts_callgrind.py``). Assigning :attr:`meetings` replaces the rows, so the two never disagree.

    Parameters
    ----------
    meeting_rows : list of MeetingRow
        Sorted by date, then id (the order of :attr:`AccountSnapshot.meetings`).
    build : callable
        ``rows -> list[Meeting]``, the same records in the same order (a module-level function, so that a
        snapshot pickles).
    meetings : list of Meeting, optional
        Records instead of rows (what :func:`dataclasses.replace` passes): a plain snapshot, then.
    **fields
        The other fields of :class:`AccountSnapshot`.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamgraph.domain.models import Account
    >>> built = []
    >>> def build(rows):
    ...     built.append(len(rows))
    ...     return [Meeting(id=r[1], date=dt.date.fromisoformat(r[0]), account=r[2], kind=r[3],
    ...                     attendees=r[7].split(",")) for r in rows]
    >>> snap = PackedSnapshot(meeting_rows=[("2026-03-02", "m1", "a", "call", None, None, None, "c1,s1")],
    ...                       build=build, account=Account(id="a", name="A"), stakeholders=[], staff=[],
    ...                       reporting_lines=[], relationships=[])
    >>> len(snap.meeting_rows), built
    (1, [])
    >>> [(m.id, m.date.isoformat(), m.attendees) for m in snap.meetings], built
    ([('m1', '2026-03-02', ['c1', 's1'])], [1])
    >>> snap == AccountSnapshot(account=snap.account, stakeholders=[], staff=[], reporting_lines=[],
    ...                         relationships=[], meetings=snap.meetings)
    True
    >>> snap.meetings = []
    >>> snap.meeting_rows is None, snap.meetings
    (True, [])
    """

    def __init__(self, *, meeting_rows: list[MeetingRow] | None = None,
                 build: Callable[[list[MeetingRow]], list[Meeting]] | None = None,
                 meetings: list[Meeting] = _UNBUILT, **fields: Any) -> None:
        if meeting_rows and build is None:
            raise TypeError("PackedSnapshot: meeting_rows need the build function that makes their records")
        self._rows: list[MeetingRow] | None = meeting_rows if meetings is _UNBUILT else None
        self._build = build
        self._built: list[Meeting] | None = None
        super().__init__(meetings=meetings, **fields)  # records given (dataclasses.replace): the rows are dropped

    @property  # type: ignore[override]
    def meetings(self) -> list[Meeting]:
        """The meetings as records (built from the rows on first use)."""
        if self._built is None:
            self._built = self._build(self._rows) if self._rows and self._build is not None else []
        return self._built

    @meetings.setter
    def meetings(self, value: list[Meeting]) -> None:
        if value is _UNBUILT:  # the dataclass' own __init__
            return
        self._built, self._rows = value, None

    @property
    def meeting_rows(self) -> list[MeetingRow] | None:
        """The packed rows the meetings are built from, or None once :attr:`meetings` was assigned."""
        return self._rows

    def with_meeting_rows(self, rows: list[MeetingRow], **fields: Any) -> PackedSnapshot:
        """A snapshot of the same store holding ``rows`` (built by the same function) and ``fields``, the other
        fields being this one's (:func:`kamgraph.analysis.trend.snapshot_on` cuts one at a past date so)."""
        kept = {f: getattr(self, f) for f in _SNAPSHOT_FIELDS if f != "meetings"}
        return PackedSnapshot(meeting_rows=rows, build=self._build, **{**kept, **fields})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AccountSnapshot):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _SNAPSHOT_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # as the dataclass: mutable, compared by value


_SNAPSHOT_FIELDS = tuple(f.name for f in dataclass_fields(AccountSnapshot))


class AccountSummary(BaseModel):
    """One line of the account list."""

    id: str
    name: str
    tier: str | None = None
    segment: str | None = None
    stakeholders: int = 0
    stakeholders_left: int = 0
    staff: int = 0
    meetings: int = 0
    last_meeting: dt.date | None = None
