"""Containers passed between importers, stores and the analysis.

* :class:`Batch` -- the records one import command brings, written all or nothing.
* :class:`ImportSummary` -- what an import created, updated or left unchanged.
* :class:`AccountSnapshot` -- one account's people, lines, ties, meetings and
  competitor ties, as a store loads them for analysis.
* :class:`AccountSummary` -- one row of ``kamgraph accounts``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pydantic import BaseModel

from .models import Account, CompetitorTie, Meeting, Relationship, ReportingLine, Staff, Stakeholder

__all__ = ["KINDS", "STORED_KINDS", "Batch", "KindCounts", "Skipped", "ImportSummary", "AccountSnapshot",
           "AccountSummary"]

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

    def person(self, person_id: str) -> Stakeholder | Staff | None:
        """Return the stakeholder or staff member with this id, if present."""
        for group in (self.stakeholders, self.staff):
            for person in group:
                if person.id == person_id:
                    return person
        return None


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
