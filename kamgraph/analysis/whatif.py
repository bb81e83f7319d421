"""What if these people left? Every summary figure before and after, nothing written.

The people are marked as having left on the as-of date in a copy of the
snapshot and the whole analysis runs again, so "after" is exactly the X-ray
the account would have the day they are gone.

A stakeholder becomes **unreachable** when they lose their last thread (none
of our remaining staff meets them) or every path to our team (not even a
reporting line or a known tie leads to someone we meet) -- the same
definition as the removal impact in :mod:`kamgraph.analysis.fragility`, so for one
person the list and its importance share equal that person's impact.

Someone in ``leave`` whose departure is already recorded (on or before the
as-of date) counts as still there in *before*: the comparison is always
"with them" against "without them", so a what-if run after ``kamgraph leave``
shows the same figures as one run before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel, Field

from ..domain.dataset import AccountSnapshot
from ..domain.models import Status
from ..errors import NotFoundError
from ..settings import Settings
from .pipeline import AccountAnalysis, PersonRef, SummaryScores, analyze

__all__ = ["FigureChange", "WhatIf", "what_if", "what_if_analyses", "without_people", "with_people_back"]


class FigureChange(BaseModel):
    """One summary figure before and after."""

    figure: str
    before: float | int | str | None
    after: float | int | str | None


class WhatIf(BaseModel):
    """The effect of a set of departures."""

    account: str
    as_of: dt.date
    leave: list[PersonRef]
    before: SummaryScores
    after: SummaryScores
    changes: list[FigureChange] = Field(description="The figures that change.")
    unreachable: list[PersonRef] = Field(
        description="Stakeholders we can no longer reach: they lose their last thread or every path to our team.")
    cut_off: list[PersonRef] = Field(description="Of those, the ones with no path to our team left at all.")
    uncovered: list[PersonRef] = Field(description="Of those, the ones who had a thread before and none after.")
    roles_uncovered: list[str] = Field(description="Required roles covered before, not after.")
    lost_importance_share: float = Field(
        description="Importance-weighted share of stakeholders who lose every thread or every path.")
    already_left: list[PersonRef] = Field(
        default_factory=list,
        description="People of `leave` whose departure was already recorded; 'before' counts them as present.")


def without_people(snapshot: AccountSnapshot, leave: Sequence[str], on: dt.date) -> AccountSnapshot:
    """A copy of ``snapshot`` in which ``leave`` left on ``on`` (people who left earlier stay as they are)."""
    wanted = set(leave)
    known = {p.id for p in snapshot.stakeholders} | {s.id for s in snapshot.staff}
    missing = sorted(wanted - known)
    if missing:
        raise NotFoundError(f"{missing[0]!r} is neither a stakeholder of {snapshot.account.id!r} nor on its team")

    def gone(person):  # type: ignore[no-untyped-def]
        if person.id in wanted and person.is_active(on):
            return person.model_copy(update={"status": "left", "left_on": on})
        return person

    return AccountSnapshot(account=snapshot.account, stakeholders=[gone(p) for p in snapshot.stakeholders],
                           staff=[gone(s) for s in snapshot.staff], reporting_lines=snapshot.reporting_lines,
                           relationships=snapshot.relationships, meetings=snapshot.meetings, as_of=snapshot.as_of,
                           competitor_ties=snapshot.competitor_ties)


def with_people_back(snapshot: AccountSnapshot, people: Sequence[str]) -> AccountSnapshot:
    """A copy of ``snapshot`` in which ``people`` never left (status active, no ``left_on``)."""
    back = set(people)

    def present(person):  # type: ignore[no-untyped-def]
        if person.id in back and person.left_on is not None:
            return person.model_copy(update={"status": Status.ACTIVE, "left_on": None, "moved_to": None})
        return person

    return AccountSnapshot(account=snapshot.account, stakeholders=[present(p) for p in snapshot.stakeholders],
                           staff=[present(s) for s in snapshot.staff], reporting_lines=snapshot.reporting_lines,
                           relationships=snapshot.relationships, meetings=snapshot.meetings, as_of=snapshot.as_of,
                           competitor_ties=snapshot.competitor_ties)


def what_if(snapshot: AccountSnapshot, as_of: dt.date, leave: Sequence[str], settings: Settings | None = None,
            before: AccountAnalysis | None = None) -> WhatIf:
    """The figures of :func:`what_if_analyses` (see there)."""
    return what_if_analyses(snapshot, as_of, leave, settings, before)[0]


def what_if_analyses(snapshot: AccountSnapshot, as_of: dt.date, leave: Sequence[str],
                     settings: Settings | None = None, before: AccountAnalysis | None = None
                     ) -> tuple[WhatIf, AccountAnalysis, AccountAnalysis]:
    """Compare the account on ``as_of`` with and without the people in ``leave``.

    Parameters
    ----------
    snapshot : AccountSnapshot
        The account as the store has it (unchanged by this function).
    as_of : datetime.date
        The day of the departures.
    leave : sequence of str
        Ids of stakeholders and/or staff.
    settings : Settings, optional
        Defaults when not given.
    before : AccountAnalysis, optional
        The analysis of the unchanged account, if already computed (ignored
        when someone in ``leave`` already left: *before* then counts them back).

    Returns
    -------
    tuple
        ``(WhatIf, analysis before, analysis after)``: the report and the two
        analyses it compares (for callers that need more than the summary).
    """
    settings = settings or Settings()
    gone_already = [p for p in dict.fromkeys(leave)
                    if (person := snapshot.person(p)) is not None and not person.is_active(as_of)]
    if gone_already:
        snapshot = with_people_back(snapshot, gone_already)
        before = None
    first = before or analyze(snapshot, as_of, settings)
    second = analyze(without_people(snapshot, leave, as_of), as_of, settings)
    gone = set(leave)
    name = first.ag.name
    had_thread = {c for c in first.ag.stakeholders if first.ag.threads.get(c)}
    has_thread = {c for c in second.ag.stakeholders if second.ag.threads.get(c)}
    cut_off = sorted((first.reach - second.reach) - gone)
    uncovered = sorted((had_thread - has_thread) - gone)
    lost = set(cut_off) | set(uncovered)
    total = sum(first.importance.values())
    share = sum(first.importance[c] for c in lost) / total if total else 0.0
    before_roles = set(first.gaps.roles_uncovered) | set(first.gaps.roles_missing)
    after_roles = set(second.gaps.roles_uncovered) | set(second.gaps.roles_missing)
    old, new = first.summary.model_dump(), second.summary.model_dump()
    report = WhatIf(
        account=snapshot.account.id, as_of=as_of,
        leave=[PersonRef(id=p, name=name(p)) for p in leave],
        before=first.summary, after=second.summary,
        changes=[FigureChange(figure=k, before=old[k], after=new[k]) for k in old if old[k] != new[k]],
        unreachable=[PersonRef(id=c, name=name(c)) for c in sorted(lost)],
        cut_off=[PersonRef(id=c, name=name(c)) for c in cut_off],
        uncovered=[PersonRef(id=c, name=name(c)) for c in uncovered],
        roles_uncovered=[r.value for r in settings.coverage.required_roles
                         if r.value in after_roles and r.value not in before_roles],
        lost_importance_share=round(share, 6),
        already_left=[PersonRef(id=p, name=name(p)) for p in gone_already])
    return report, first, second
