"""An account's analysis as plain records to store (``kamgraph analyze --write``), and the settings fingerprint.

:func:`metrics_snapshot` turns an :class:`~kamgraph.analysis.pipeline.AccountAnalysis` into a
:class:`~kamgraph.domain.metrics.MetricsSnapshot`: the X-ray summary of the account, one record per active
person and one per tie. Each figure is the one ``kamgraph xray --json`` shows under the same name (rounded
the same way), so a query on the stored tables and the X-ray agree.

:func:`analysis_fingerprint` is a short sha256 of the canonical JSON of the settings sections the stored
figures depend on (:data:`FINGERPRINT_SECTIONS`); a stored snapshot whose fingerprint differs from the current
settings' one is out of date.

Examples
--------
>>> from kamgraph.settings import Settings
>>> fp = analysis_fingerprint(Settings())
>>> len(fp), fp == analysis_fingerprint(Settings()), fp == analysis_fingerprint(Settings(web={"cache_seconds": 1}))
(16, True, True)
>>> fp == analysis_fingerprint(Settings(strength={"half_life_days": 30}))
False
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from ..domain.metrics import AccountMetrics, MetricsSnapshot, PersonMetrics, TieMetrics
from ..settings import Settings
from .pipeline import AccountAnalysis, SummaryScores

__all__ = ["FINGERPRINT_SECTIONS", "analysis_fingerprint", "metrics_snapshot", "summary_of"]

#: The settings sections the stored figures depend on: tie strength and meeting size (threads), importance,
#: coverage, cadence, shape, bridges, fragility, the stage ladder (the stored stage), ``analysis`` (whether a
#: recorded KNOWS tie counts as a thread) and ``attitude`` (the detractor threshold of the gaps).
FINGERPRINT_SECTIONS = ("strength", "meeting_size", "importance", "coverage", "cadence", "shape", "bridges",
                        "fragility", "stage", "analysis", "attitude")


def analysis_fingerprint(settings: Settings) -> str:
    """The first 16 hex digits of the sha256 of the canonical JSON (sorted keys, no spaces) of the
    :data:`FINGERPRINT_SECTIONS` of ``settings``."""
    data = {name: getattr(settings, name).model_dump(mode="json") for name in FINGERPRINT_SECTIONS}
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def summary_of(metrics: AccountMetrics) -> SummaryScores:
    """The X-ray summary stored in ``metrics`` (the inverse of what :func:`metrics_snapshot` stores).

    Examples
    --------
    >>> m = AccountMetrics(account="a", name="A", as_of="2026-01-31", fingerprint="f", generation=0,
    ...                    computed_at="2026-02-01T08:00:00+00:00", health=61.5, shape="diamond")
    >>> s = summary_of(m)
    >>> s.health, s.shape
    (61.5, 'diamond')
    """
    return SummaryScores.model_validate({name: getattr(metrics, name) for name in SummaryScores.model_fields})


def metrics_snapshot(analysis: AccountAnalysis, *, fingerprint: str, generation: int,
                     computed_at: dt.datetime) -> MetricsSnapshot:
    """The records of one analysed account (stage fields left empty: :mod:`kamgraph.portfolio` adds them).

    Parameters
    ----------
    analysis : AccountAnalysis
        A full analysis (``detail=True``: connectivity and bridging of everyone).
    fingerprint : str
        :func:`analysis_fingerprint` of the settings the analysis ran with.
    generation : int
        The store's data generation read before the account was loaded.
    computed_at : datetime.datetime
        When (UTC).

    Examples
    --------
    >>> from kamgraph.domain.dataset import AccountSnapshot
    >>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
    >>> from kamgraph.analysis.pipeline import analyze
    >>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s1", name="S1")],
    ...     stakeholders=[Stakeholder(id="ch", account="a", name="CH", influence=4, buying_role="champion")],
    ...     reporting_lines=[], relationships=[], meetings=[Meeting(id="m", date="2025-03-03", attendees=["s1", "ch"])])
    >>> when = dt.datetime(2025, 3, 10, tzinfo=dt.timezone.utc)
    >>> m = metrics_snapshot(analyze(snap, dt.date(2025, 3, 10)), fingerprint="f", generation=1, computed_at=when)
    >>> m.account.covered, [(p.person, p.articulation_point, p.threads) for p in m.people]
    (1, [('ch', False, 1), ('s1', True, 1)])
    >>> [(t.staff, t.stakeholder, t.meetings, t.sole_thread) for t in m.ties]
    [('s1', 'ch', 1, True)]
    """
    ag = analysis.ag
    as_of = ag.as_of
    account_id = ag.snapshot.account.id
    impacts = analysis.impacts
    between = analysis.team_betweenness
    people: list[PersonMetrics] = []
    threads_of: dict[str, list[str]] = {c: [s for s, _ in ag.threads.get(c, [])] for c in ag.stakeholders}

    def fragility(pid: str) -> dict[str, object]:
        impact = impacts.get(pid)
        lost_paths = impact.lost_paths if impact else ()
        return {"articulation_point": bool(lost_paths), "cut_off": len(lost_paths),
                "removal_share": impact.share if impact else 0.0, "bridging": round(between.get(pid, 0.0), 6)}

    for cid, person in ag.stakeholders.items():
        last = ag.last_contact.get(cid)
        cadence = analysis.cadence[cid]
        people.append(PersonMetrics(
            account=account_id, person=cid, as_of=as_of, kind="stakeholder", name=person.name,
            importance=analysis.importance[cid], key=cid in analysis.key, covered=bool(threads_of[cid]),
            threads=len(threads_of[cid]), cadence=cadence.status, cadence_target_days=cadence.target_days,
            last_contact=last, days_since_contact=(as_of - last).days if last else None,
            reachable=cid in analysis.reach, connectivity=analysis.connectivity.get(cid), **fragility(cid)))
    strength = ag.staff_strength()
    total = sum(strength.values())
    for sid, member in ag.staff.items():
        threaded = [c for c, staff in threads_of.items() if sid in staff]
        mine = strength.get(sid, 0.0)
        people.append(PersonMetrics(
            account=account_id, person=sid, as_of=as_of, kind="staff", name=member.name, threads=len(threaded),
            sole_threads=sum(1 for c in threaded if len(threads_of[c]) == 1), strength=round(mine, 6),
            share_of_strength=round(mine / total, 6) if total else 0.0, **fragility(sid)))
    ties = [TieMetrics(account=account_id, staff=s, stakeholder=c, as_of=as_of, strength=round(tie.strength, 6),
                       meetings=tie.count, first_met=tie.first, last_met=tie.last, thread=s in threads_of[c],
                       sole_thread=threads_of[c] == [s])
            for (s, c), tie in sorted(ag.ties.items()) if s in ag.staff and c in ag.stakeholders]
    account = AccountMetrics(
        account=account_id, name=ag.snapshot.account.name, as_of=as_of, fingerprint=fingerprint,
        generation=generation, computed_at=computed_at, **analysis.summary.model_dump(),
        active_staff=len(ag.staff), departed=len(ag.departed), meetings=len(ag.meeting_dates), ties=len(ties),
        articulation_points=sum(1 for p in people if p.articulation_point))
    return MetricsSnapshot(account=account, people=sorted(people, key=lambda p: p.person), ties=ties)
