"""Analysis results as plain records: what ``kamgraph analyze --write`` stores in a store.

One :class:`MetricsSnapshot` is one account analysed on one as-of date: an :class:`AccountMetrics`
(the headline figures of the X-ray summary, the relationship stage and a few counts), one
:class:`PersonMetrics` per active person of the analysis (stakeholders and our staff) and one
:class:`TieMetrics` per pair of an active staff member and an active stakeholder who met. The field names
are those of ``kamgraph xray --json`` wherever the X-ray shows the same figure, and the SQLite tables
``account_metrics``, ``person_metrics`` and ``tie_metrics`` have one column per field.

Every snapshot is stamped with its as-of date, the fingerprint of the settings it was computed with
(:func:`kamgraph.analysis.snapshot.analysis_fingerprint`), the store's data generation when its data was read
(:meth:`kamgraph.store.base.GraphStore.data_generation`) and when it was computed. A snapshot is *current* only
while all three still match (:meth:`AccountMetrics.is_current`).

Examples
--------
>>> m = AccountMetrics(account="a", name="A", as_of="2026-01-31", fingerprint="abc", generation=3,
...                    computed_at="2026-02-01T08:00:00+00:00")
>>> m.is_current(dt.date(2026, 1, 31), "abc", 3), m.is_current(dt.date(2026, 1, 31), "abc", 4)
(True, False)
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AccountMetrics", "PersonMetrics", "TieMetrics", "MetricsSnapshot", "STAGE_FIELDS"]

#: The stage evidence fields of :class:`AccountMetrics` (``stage_`` + the field of the stage evidence).
STAGE_FIELDS = ("threaded", "departments", "levels", "staff", "exec_ties", "multi_threaded_share", "concentration",
                "months")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AccountMetrics(_Record):
    """The headline figures of one account on one date, with the stamps that say what they were computed from.

    The summary fields are those of :class:`kamgraph.analysis.pipeline.SummaryScores` (``xray --json``'s
    ``summary``); ``stage`` and the ``stage_*`` evidence those of :class:`kamgraph.portfolio.stage.StageResult`.
    """

    account: str
    name: str
    as_of: dt.date
    fingerprint: str = Field(description="Short sha256 of the analysis settings (see analysis_fingerprint).")
    generation: int = Field(description="The store's data generation the analysis read.")
    computed_at: dt.datetime
    # -- the X-ray summary (SummaryScores) --
    active_stakeholders: int = 0
    covered: int = 0
    coverage: float = 0.0
    weighted_coverage: float = 0.0
    key_stakeholders: int = 0
    key_covered: int = 0
    key_coverage: float = 0.0
    reachable: float = 0.0
    required_roles_covered: int = 0
    required_roles: int = 0
    single_threaded_key: int = 0
    concentration: float = 0.0
    top_staff: str | None = None
    fragility_index: float = 0.0
    most_critical_person: str | None = None
    key_at_connectivity_1: int = 0
    min_key_connectivity: int | None = None
    overdue_key: int = 0
    shape: str = ""
    health: float = 0.0
    # -- the relationship stage --
    stage: str | None = None
    stage_level: int | None = None
    stage_threaded: int | None = None
    stage_departments: int | None = None
    stage_levels: int | None = None
    stage_staff: int | None = None
    stage_exec_ties: int | None = None
    stage_multi_threaded_share: float | None = None
    stage_concentration: float | None = None
    stage_months: float | None = None
    # -- counts --
    active_staff: int = Field(default=0, description="Active staff in the analysis.")
    departed: int = Field(default=0, description="Stakeholders who left on or before the as-of date.")
    meetings: int = Field(default=0, description="Meetings up to the as-of date.")
    ties: int = Field(default=0, description="Pairs of active staff and stakeholders who met.")
    articulation_points: int = Field(default=0, description="People whose departure cuts stakeholders off.")

    def is_current(self, as_of: dt.date, fingerprint: str, generation: int) -> bool:
        """True when this snapshot describes ``as_of`` with these settings and the store's data as it is now."""
        return self.as_of == as_of and self.fingerprint == fingerprint and self.generation == generation


class PersonMetrics(_Record):
    """One person of an account's analysis (an active stakeholder or one of our active staff).

    Stakeholder-only figures (importance, key, covered, cadence, contact, reachable, connectivity) are None
    for staff; staff-only ones (sole threads, strength, share of strength) are None for stakeholders.
    """

    account: str
    person: str
    as_of: dt.date
    kind: Literal["stakeholder", "staff"]
    name: str
    importance: float | None = None
    key: bool | None = None
    covered: bool | None = None
    threads: int = Field(default=0, description=(
        "A stakeholder's threads (staff at or above the thread threshold); a staff member's: the stakeholders "
        "they are a thread of."))
    sole_threads: int | None = Field(default=None, description="Staff: stakeholders they are the only thread of.")
    cadence: str | None = Field(default=None, description="ok / due / overdue / never.")
    cadence_target_days: int | None = None
    last_contact: dt.date | None = None
    days_since_contact: int | None = None
    reachable: bool | None = None
    connectivity: int | None = Field(default=None, description="Key stakeholders: departures that cut them off.")
    articulation_point: bool = Field(default=False, description="Their departure cuts stakeholders off.")
    cut_off: int = Field(default=0, description="Stakeholders that lose every path to our team if they leave.")
    removal_share: float = Field(default=0.0,
                                 description="Importance-weighted share of stakeholders lost if they leave.")
    bridging: float = 0.0
    strength: float | None = None
    share_of_strength: float | None = None


class TieMetrics(_Record):
    """The tie between one active staff member and one active stakeholder who met (up to the as-of date)."""

    account: str
    staff: str
    stakeholder: str
    as_of: dt.date
    strength: float
    meetings: int
    first_met: dt.date
    last_met: dt.date
    thread: bool = Field(description="The strength reaches the thread threshold.")
    sole_thread: bool = Field(description="The stakeholder's only thread.")


class MetricsSnapshot(_Record):
    """One account analysed on one date: account, people and ties."""

    account: AccountMetrics
    people: list[PersonMetrics] = Field(default_factory=list)
    ties: list[TieMetrics] = Field(default_factory=list)
