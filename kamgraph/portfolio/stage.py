"""Relationship stage: where an account stands on the key-account relationship ladder.

McDonald and Millman-Wilson describe key relationships as climbing from
**exploratory** (sounding each other out) through **basic** (one-to-one, the
bow-tie), **cooperative** (more contacts, still funnelled), **interdependent**
(many-to-many, executive ties, hard to replace) to **integrated** (one team
across the boundary). kamgraph reads the stage from the relationship graph:

* ``threaded`` -- stakeholders with at least one thread;
* ``departments`` / ``levels`` -- departments and seniority levels with a threaded stakeholder;
* ``staff`` -- our people with at least one thread;
* ``exec_ties`` -- threads between our executive sponsors and client C-level or VPs;
* ``multi_threaded_share`` -- share of threaded stakeholders with two or more threads (two-way,
  many-to-many contact);
* ``concentration`` -- the strongest staff member's share of tie strength;
* ``months`` -- time since the first meeting.

An account is at the highest stage whose rule (all conditions, see
:class:`kamgraph.settings.StageSettings`) it meets, the stages below it included;
every account is at least exploratory. The result lists the evidence and, for
the next stage, each condition still missing.

Examples
--------
>>> from kamgraph.settings import StageSettings
>>> e = StageEvidence(threaded=5, departments=2, levels=2, staff=2, exec_ties=0, multi_threaded_share=0.2,
...                   concentration=0.7, months=9.0)
>>> s = stage_from_evidence(e, StageSettings())
>>> s.stage, s.level, s.next_stage, s.missing[:2]
('cooperative', 3, 'interdependent', ['threaded 5 < 8', 'departments 2 < 3'])
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..domain.models import Seniority, StaffRole
from ..graph.account_graph import AccountGraph
from ..settings import StageRule, StageSettings

__all__ = ["STAGES", "StageEvidence", "StageResult", "stage_evidence", "stage_from_evidence", "relationship_stage"]

#: The ladder, bottom first.
STAGES = ("exploratory", "basic", "cooperative", "interdependent", "integrated")


class StageEvidence(BaseModel):
    """The figures a stage is read from."""

    threaded: int
    departments: int
    levels: int
    staff: int
    exec_ties: int
    multi_threaded_share: float
    concentration: float
    months: float


class StageResult(BaseModel):
    """The stage, its number (1-5), the evidence and what the next stage needs."""

    stage: str
    level: int
    evidence: StageEvidence
    next_stage: str | None = None
    missing: list[str] = Field(default_factory=list, description="Conditions of the next stage not met yet.")


def _unmet(e: StageEvidence, rule: StageRule) -> list[str]:
    checks = [
        ("threaded", e.threaded, rule.threaded, ">="),
        ("departments", e.departments, rule.departments, ">="),
        ("levels", e.levels, rule.levels, ">="),
        ("staff", e.staff, rule.staff, ">="),
        ("exec_ties", e.exec_ties, rule.exec_ties, ">="),
        ("multi_threaded_share", e.multi_threaded_share, rule.multi_threaded_share, ">="),
        ("concentration", e.concentration, rule.max_concentration, "<="),
        ("months", e.months, rule.months, ">="),
    ]
    missing = []
    for name, have, need, op in checks:
        if (op == ">=" and have < need) or (op == "<=" and have > need):
            shown = f"{have:g}" if isinstance(have, float) else str(have)
            missing.append(f"{name} {shown} {'<' if op == '>=' else '>'} {need:g}")
    return missing


def stage_from_evidence(evidence: StageEvidence, settings: StageSettings) -> StageResult:
    """The highest stage whose rule (and every rule below it) the evidence meets."""
    level = 1
    for number, name in enumerate(STAGES[1:], start=2):
        if _unmet(evidence, getattr(settings, name)):
            break
        level = number
    next_stage = STAGES[level] if level < len(STAGES) else None
    missing = _unmet(evidence, getattr(settings, next_stage)) if next_stage else []
    return StageResult(stage=STAGES[level - 1], level=level, evidence=evidence, next_stage=next_stage,
                       missing=missing)


def stage_evidence(ag: AccountGraph) -> StageEvidence:
    """Read the stage evidence off an account graph."""
    covered = [c for c in ag.stakeholders if ag.threads.get(c)]
    departments = {ag.stakeholders[c].department for c in covered if ag.stakeholders[c].department}
    levels = {ag.stakeholders[c].seniority for c in covered if ag.stakeholders[c].seniority}
    staff = {s for c in covered for s, _ in ag.threads[c]}
    top = (Seniority.C_LEVEL, Seniority.VP)
    exec_ties = sum(1 for c in covered if ag.stakeholders[c].seniority in top
                    for s, _ in ag.threads[c] if ag.staff[s].role is StaffRole.EXEC_SPONSOR)
    multi = sum(1 for c in covered if len(ag.threads[c]) >= 2)
    totals = ag.staff_strength()
    total = sum(totals.values())
    first = ag.first_meeting
    return StageEvidence(
        threaded=len(covered), departments=len(departments), levels=len(levels), staff=len(staff),
        exec_ties=exec_ties, multi_threaded_share=round(multi / len(covered), 6) if covered else 0.0,
        concentration=round(max(totals.values()) / total, 6) if total else 1.0,
        months=round((ag.as_of - first).days / 30.4375, 2) if first else 0.0)


def relationship_stage(ag: AccountGraph) -> StageResult:
    """The relationship stage of an account (see the module docstring)."""
    return stage_from_evidence(stage_evidence(ag), ag.settings.stage)
