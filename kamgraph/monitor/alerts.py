"""Monitoring rules and the alert run behind ``kamgraph alerts``.

Every rule looks at one account on the as-of date and, where it needs a
comparison, at **the last check**: the facts recorded by the account's
previous run (:func:`account_facts`: covered holders of the required roles,
whether the account was single-threaded, the ties at or above the decay
threshold). On an account's first run, or with ``--since DATE``, those facts
are computed from the store's data as of ``alerts.first_check_days`` before
the as-of date, or as of DATE. Recording the facts, rather than recomputing
them, means a departure recorded late with an earlier date still counts as a
change since the last check. Rules, their default severities and settings
(:class:`kamgraph.settings.AlertSettings`):

=====================  ========  ==============================================================
rule                   severity  fires for
=====================  ========  ==============================================================
``departure``          high      a stakeholder (key, or met by our staff) or a staff member of the
                                 account who left in the last ``window_days`` (or since
                                 ``--since``); the message carries the impact and the
                                 re-threading or handover plan (:mod:`kamgraph.monitor.departure`)
``overdue``            medium    a key stakeholder not met within their cadence target
``decay``              low       a tie (our staff, key stakeholder) at or above ``threshold`` at
                                 the last check and below it now
``single_threaded``    high      the account's key relationships now rest on fewer than
                                 ``min_people`` of our staff or covered key stakeholders, and did
                                 not at the last check
``role_uncovered``     high      a required buying role covered at the last check has no covered
                                 holder now (its only covered holder left or lost their thread)
``sustained_fall``     medium    the ``[trend.sustained_fall]`` figure (default health) got worse
                                 at each of the last ``periods`` period ends (default 3 months)
                                 and by ``drop`` in all (default 10 points); see
                                 :func:`kamgraph.analysis.trend.watch_sustained_fall`
``objective_missed``   medium    an open account-plan objective is past its due date and not met
                                 (``[plans.objective_missed]``; evaluated by the ``evaluate_plans``
                                 function given to :func:`run_alerts`, see below)
=====================  ========  ==============================================================

The last two rules keep their settings outside ``[alerts]``: ``[trend.sustained_fall]`` and
``[plans.objective_missed]`` (``enabled``, ``severity``). A sustained fall is keyed by the account and the
figure and stays open (not repeated) while the fall lasts; a missed objective is keyed by the objective id,
with its due date as the state (a new due date is a new situation), and is cleared once the objective is
met, done or dropped. Objectives are evaluated by :mod:`kamgraph.portfolio.plans`, a layer this module may
not import (monitor and portfolio are independent layers); :func:`run_alerts` takes that evaluator as
``evaluate_plans`` (the command line passes :func:`kamgraph.portfolio.plans.evaluate_objectives`), and
without one the ``objective_missed`` rule is skipped.

**De-duplication.** An alert is identified by ``RULE:ACCOUNT:SUBJECT`` and
carries a ``state`` (the fingerprint of its situation: the departure date, the
side that is single-threaded, ...). A run raises a finding as a new alert only
when no open alert has its key; an open alert whose finding is gone is
**cleared**; one whose state changed is cleared and raised again. So running
twice in a row raises nothing the second time, and a situation that clears
and comes back is raised again. Findings of the comparing rules
(``decay``, ``single_threaded``, ``role_uncovered``) only *raise* an alert
when the change happened since the last check, but keep an open alert open
as long as the situation lasts.

**Recording and delivery.** The run records its new alerts, cleared alerts,
the check date of every account it looked at and, when a webhook is given,
the payload of the new alerts -- all in one store transaction -- and only then
delivers the webhook outbox (:mod:`kamgraph.monitor.webhook`). A failed delivery stays
in the outbox for the next run; it never undoes the recording.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from .. import __version__
from ..analysis.pipeline import AccountAnalysis, analyze
from ..analysis.snapshot import analysis_fingerprint
from ..analysis.trend import watch_sustained_fall
from ..domain.alert_state import KEPT_POINTS, AlertRecord, Delivery, alert_key
from ..domain.dataset import AccountSnapshot
from ..domain.plans import Objective, ObjectiveStatus, PlanStatus
from ..errors import ConflictError
from ..graph.account_graph import AccountGraph, build_account_graph
from ..graph.importance import importance
from ..kernels.gc_pause import paused_gc
from ..settings import AlertRuleSettings, Settings
from ..store.base import GraphStore
from ..store.executor import Executor, executor_for
from .departure import AccountImpact, account_impact
from .webhook import DeliveryResult, alerts_payload, deliver

__all__ = ["RULES", "ALL_RULES", "SEVERITY_ORDER", "Finding", "AlertRun", "PlanEvaluator", "account_facts",
           "evaluate_account", "run_alerts", "rule_settings"]

#: The rules whose settings are in ``[alerts]``, in the order they are reported.
RULES = ("departure", "role_uncovered", "single_threaded", "overdue", "decay")
#: Every rule, in the order they are reported (the last two have their settings in ``[trend]`` and ``[plans]``).
ALL_RULES = (*RULES, "sustained_fall", "objective_missed")

#: Evaluates an account's objectives on the analysis' date: ``(objectives, analysis, settings) -> statuses``
#: (:func:`kamgraph.portfolio.plans.evaluate_objectives`).
PlanEvaluator = Callable[[Sequence[Objective], AccountAnalysis, Settings], list[ObjectiveStatus]]
#: Severities, most urgent first.
SEVERITY_ORDER = ("high", "medium", "low")


@dataclass
class Finding:
    """One situation a rule found on one account.

    ``trigger`` False means the finding may keep an open alert open but does
    not raise a new one (the change happened before the last check).
    ``describe`` fills ``title``/``message``/``data`` when the finding is raised.
    """

    rule: str
    account: str
    subject: str
    state: str
    trigger: bool = True
    title: str = ""
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    describe: Callable[[Finding], None] | None = None

    @property
    def key(self) -> str:
        """``RULE:ACCOUNT:SUBJECT``."""
        return alert_key(self.rule, self.account, self.subject)

    def described(self) -> Finding:
        """This finding with its ``title``, ``message`` and ``data`` written (``describe`` called, once).

        Examples
        --------
        >>> f = Finding("decay", "acme", "s>c", "below", describe=lambda f: setattr(f, "title", "decayed"))
        >>> f.title, f.described().title, f.describe is None
        ('', 'decayed', True)
        """
        if self.describe is not None:
            describe, self.describe = self.describe, None
            describe(self)
        return self


class AlertRun(BaseModel):
    """What one ``kamgraph alerts`` run found, recorded and delivered."""

    as_of: dt.date
    accounts: list[str] = Field(description="Accounts checked.")
    baselines: dict[str, dt.date] = Field(description="Per account: the date compared with (the last check).")
    new: list[AlertRecord] = Field(description="Alerts raised by this run, most severe first.")
    ongoing: int = Field(description="Open alerts whose situation has not changed (not repeated).")
    cleared: list[AlertRecord] = Field(description="Open alerts whose situation is over (cleared by this run).")
    deliveries: list[DeliveryResult] = Field(default_factory=list, description="Webhook deliveries attempted.")

    @property
    def delivery_failed(self) -> bool:
        """True when a webhook payload could not be delivered (it stays queued)."""
        return any(not d.delivered for d in self.deliveries)


#: How often a run whose recording conflicts with a concurrent run's is evaluated again.
_CONFLICT_RETRIES = 3


# --------------------------------------------------------------------------- helpers
def _fmt_share(value: float) -> str:
    return f"{value:.0%}"


def _role(person: Any) -> str:
    role = getattr(person, "buying_role", None)
    return role.value.replace("_", " ") if role is not None else ""


def _who(person: Any, key: bool = False) -> str:
    facts = [f for f in (person.title, _role(person), "key" if key else "") if f]
    return f"{person.name} ({', '.join(facts)})" if facts else person.name


def _impact_text(impact: AccountImpact) -> tuple[str, dict[str, Any]]:
    """The departure impact in a few sentences, and its facts as data."""
    w = impact.whatif
    parts = []
    if impact.ties_lost:
        parts.append("ties lost: " + ", ".join(f"{t.name} {t.strength:.1f}" + ("" if t.thread else " (weak)")
                                               for t in impact.ties_lost[:5]))
    if w.roles_uncovered:
        parts.append("required roles now uncovered: " + ", ".join(w.roles_uncovered))
    parts.append(f"fragility index {_fmt_share(w.before.fragility_index)} -> {_fmt_share(w.after.fragility_index)}, "
                 f"health {w.before.health:.0f} -> {w.after.health:.0f}")
    if w.unreachable:
        parts.append("now unreachable: " + ", ".join(p.name for p in w.unreachable[:6])
                     + (f" (+{len(w.unreachable) - 6})" if len(w.unreachable) > 6 else ""))
    critical = [d for d in impact.connectivity_drops if d.after <= 1]
    if critical:
        parts.append("key stakeholders one departure from being cut off: "
                     + ", ".join(f"{d.name} {d.before}->{d.after}" for d in critical))
    if impact.rethread_plan:
        parts.append("re-thread: " + "; ".join(
            f"{c.name} ({', '.join(c.reasons[:2])})"
            + (f" via {' -> '.join(p.name for p in c.path[:-1])}" if len(c.path) > 1 else "")
            for c in impact.rethread_plan[:3]))
    if impact.handover_plan:
        parts.append("hand over: " + "; ".join(
            f"{h.stakeholder.name} -> {h.to.name if h.to else 'nobody'} ({h.basis})"
            for h in impact.handover_plan[:5]))
    data = {"ties_lost": [t.id for t in impact.ties_lost], "roles_uncovered": w.roles_uncovered,
            "fragility_before": w.before.fragility_index, "fragility_after": w.after.fragility_index,
            "health_before": w.before.health, "health_after": w.after.health,
            "unreachable": [p.id for p in w.unreachable],
            "connectivity_drops": {d.id: [d.before, d.after] for d in impact.connectivity_drops},
            "rethread": [c.id for c in impact.rethread_plan],
            "handover": {h.stakeholder.id: h.to.id if h.to else None for h in impact.handover_plan}}
    return "; ".join(parts), data


# --------------------------------------------------------------------------- rules
def _departures(snapshot: AccountSnapshot, now: AccountAnalysis, start: dt.date, settings: Settings
                ) -> list[Finding]:
    rule = settings.alerts.departure
    ag = now.ag
    account = snapshot.account.id
    staff_at, client_at = ag.table[0][:2]  # everyone in a pair that met, people who left too
    met = {ag.ids[i] for i in {*staff_at, *client_at}}
    found = []
    for pid, person in sorted({**ag.departed, **ag.departed_staff}.items()):
        left = person.left_on
        if left is None or left < start:
            continue
        if pid in ag.departed:
            key = importance(person, settings.importance) >= settings.importance.key_threshold  # type: ignore[arg-type]
            if not key and (rule.key_only or pid not in met):
                continue
        elif pid not in met and account not in person.accounts:  # type: ignore[union-attr]
            continue

        def describe(f: Finding, person: Any = person, left: dt.date = left, staff: bool = pid in ag.departed_staff
                     ) -> None:
            impact = account_impact(snapshot, person.id, left, settings)
            text, data = _impact_text(impact)
            key = not staff and importance(person, settings.importance) >= settings.importance.key_threshold
            who = f"{person.name} ({person.role.value})" if staff else _who(person, key)
            moved = f" (moved to: {person.moved_to})" if person.moved_to else ""
            f.title = f"{who} left on {left}{moved}"
            f.message = text
            f.data = {"person": person.id, "kind": "staff" if staff else "stakeholder", "left_on": left.isoformat(),
                      "moved_to": person.moved_to, **data}

        found.append(Finding("departure", account, pid, state=left.isoformat(), describe=describe))
    return found


def _overdue(snapshot: AccountSnapshot, now: AccountAnalysis, settings: Settings) -> list[Finding]:
    rule = settings.alerts.overdue
    ag = now.ag
    found = []
    overdue = [cid for cid in sorted(ag.stakeholders) if now.cadence[cid].status == "overdue"
               and (not rule.key_only or cid in now.key)]
    latest: dict[str, tuple[dt.date, str]] = {}  # each overdue stakeholder's last met active staff (latest, then id)
    if overdue:
        wanted = set(overdue)
        for s, c, _strength, last in ag.active_ties():
            if c in wanted and (c not in latest or (last, s) > latest[c]):
                latest[c] = (last, s)
    for cid in overdue:
        cad = now.cadence[cid]
        person = ag.stakeholders[cid]
        threads = ag.threads.get(cid, [])
        owner = threads[0][0] if threads else (latest[cid][1] if cid in latest else None)
        found.append(Finding(
            "overdue", snapshot.account.id, cid, state="overdue",
            title=f"{_who(person, cid in now.key)} is overdue: last met {cad.days_since} days ago",
            message=f"target every {cad.target_days} days; "
                    + (f"threads: {', '.join(ag.name(s) + f' {v:.1f}' for s, v in threads)}" if threads
                       else "no thread left")
                    + (f"; owner: {ag.name(owner)}" if owner else ""),
            data={"person": cid, "days_since": cad.days_since, "target_days": cad.target_days,
                  "last_contact": ag.last_contact[cid].isoformat(), "owner": owner}))
    return found


def _watched_ties(ag: AccountGraph, settings: Settings) -> dict[str, float]:
    """``{"STAFF>STAKEHOLDER": strength}`` of the ties the decay rule watches that are at or above its threshold."""
    rule = settings.alerts.decay
    return {f"{s}>{c}": round(w, 6) for s, c, w, _ in ag.active_ties()
            if w >= rule.threshold and (c in ag.key or not rule.key_only)}


def _decay(snapshot: AccountSnapshot, now: AccountAnalysis, previous: dict[str, Any], baseline: dt.date,
           settings: Settings) -> list[Finding]:
    """A finding for every watched tie below the threshold; it triggers when the tie was at or above it at the last
    check. Its texts are written only when it is raised (``describe``): most weak ties neither trigger nor keep an
    alert open, and the run drops them unread."""
    rule = settings.alerts.decay
    ag = now.ag
    strong = previous.get("ties", {})
    account = snapshot.account.id
    threshold, key_only, key = rule.threshold, rule.key_only, now.key
    found = []
    for s, c, strength, last in ag.active_ties():
        if strength >= threshold or (key_only and c not in key):
            continue
        subject = f"{s}>{c}"
        was = strong.get(subject)

        def describe(f: Finding, s: str = s, c: str = c, strength: float = strength, last: dt.date = last,
                     was: float | None = was) -> None:
            f.title = (f"{ag.name(s)}'s tie with {_who(ag.stakeholders[c], c in key)} decayed below "
                       f"{threshold:g}")
            f.message = (f"strength {was or 0:.2f} at the last check ({baseline}) -> {strength:.2f} now; "
                         f"last met {last} ({(ag.as_of - last).days} days ago)")
            f.data = {"staff": s, "person": c, "before": was, "after": round(strength, 6),
                      "threshold": threshold, "last": last.isoformat()}

        found.append(Finding("decay", account, subject, state="below", trigger=was is not None, describe=describe))
    return found


def _thin_sides(ag: AccountGraph, minimum: int) -> tuple[list[str], list[str]] | None:
    """(our staff with a thread to a key stakeholder, covered key stakeholders) when either is too few."""
    if not ag.key:
        return None
    staff = sorted({s for c in ag.key for s, _ in ag.threads.get(c, [])})
    covered = sorted(c for c in ag.key if ag.threads.get(c))
    if len(staff) >= minimum and len(covered) >= minimum:
        return None
    return staff, covered


def _single_threaded(snapshot: AccountSnapshot, now: AccountAnalysis, previous: dict[str, Any], baseline: dt.date,
                     settings: Settings) -> list[Finding]:
    minimum = settings.alerts.single_threaded.min_people
    sides = _thin_sides(now.ag, minimum)
    if sides is None:
        return []
    staff, covered = sides
    ag = now.ag
    parts = []
    if len(staff) < minimum:
        parts.append("our side: " + (", ".join(staff) or "nobody"))
    if len(covered) < minimum:
        parts.append("their side: " + (", ".join(covered) or "nobody"))
    names = [ag.name(s) for s in staff]
    key_names = [ag.name(c) for c in covered]
    return [Finding(
        "single_threaded", snapshot.account.id, snapshot.account.id, state="; ".join(parts),
        trigger=not previous.get("thin", False),
        title=f"{snapshot.account.name} became single-threaded",
        message=f"key relationships held by {len(staff)} of our staff ({', '.join(names) or 'nobody'}) with "
                f"{len(covered)} of {len(now.key)} key stakeholders covered ({', '.join(key_names) or 'none'}); "
                f"not so at the last check ({baseline})",
        data={"staff": staff, "covered_key": covered, "key": sorted(now.key)})]


def _covered_roles(ag: AccountGraph, settings: Settings) -> dict[str, list[str]]:
    """``{required role: covered holders}``."""
    covered: dict[object, list[str]] = {role: [] for role in settings.coverage.required_roles}
    threads = ag.threads
    for c, p in ag.stakeholders.items():  # in id order
        holders = covered.get(p.buying_role)
        if holders is not None and threads.get(c):
            holders.append(c)
    return {role.value: covered[role] for role in settings.coverage.required_roles}


def _role_uncovered(snapshot: AccountSnapshot, now: AccountAnalysis, previous: dict[str, Any], baseline: dt.date,
                    settings: Settings) -> list[Finding]:
    found = []
    covered_now = _covered_roles(now.ag, settings)
    covered_then = previous.get("roles_covered", {})
    for role in settings.coverage.required_roles:
        if covered_now[role.value]:
            continue
        before = list(covered_then.get(role.value, []))
        why = []
        for cid in before:
            if cid in now.ag.departed:
                why.append(f"{now.ag.name(cid)} left on {now.ag.departed[cid].left_on}")
            else:
                last = now.ag.last_contact.get(cid)
                why.append(f"{now.ag.name(cid)} has no thread any more"
                           + (f" (last met {(now.ag.as_of - last).days} days ago)" if last else ""))
        holders = sorted(c for c, p in now.ag.stakeholders.items() if p.buying_role is role)
        label = role.value.replace("_", " ")
        found.append(Finding(
            "role_uncovered", snapshot.account.id, role.value, state="uncovered", trigger=bool(before),
            title=f"{snapshot.account.name}: no covered {label} any more",
            message=(f"covered at the last check ({baseline}) by {', '.join(now.ag.name(c) for c in before)}: "
                     + "; ".join(why) if before else "not covered")
                    + (f"; holders now: {', '.join(now.ag.name(c) for c in holders)}" if holders
                       else f"; nobody holds the {label} role now"),
            data={"role": role.value, "covered_before": before, "holders": holders}))
    return found


def rule_settings(settings: Settings, rule: str) -> AlertRuleSettings:
    """The settings (``enabled``, ``severity``, ...) of one rule of :data:`ALL_RULES`."""
    if rule == "sustained_fall":
        return settings.trend.sustained_fall
    if rule == "objective_missed":
        return settings.plans.objective_missed
    found: AlertRuleSettings = getattr(settings.alerts, rule)
    return found


_FIGURE_LABELS = {"health": "health", "coverage": "coverage", "weighted_coverage": "weighted coverage",
                  "key_coverage": "key coverage", "fragility_index": "fragility index",
                  "concentration": "concentration", "key_at_connectivity_1": "key stakeholders at connectivity 1",
                  "overdue_key": "overdue key stakeholders", "meetings": "meetings"}


def _fmt_figure(figure: str, value: float) -> str:
    if figure == "health":
        return f"{value:.1f}"
    if figure in ("key_at_connectivity_1", "overdue_key", "meetings"):
        return f"{value:g}"
    return _fmt_share(value)


def _sustained_fall(snapshot: AccountSnapshot, now: AccountAnalysis, as_of: dt.date, settings: Settings,
                    past: dict[dt.date, float] | None = None) -> list[Finding]:
    fall = watch_sustained_fall(snapshot, as_of, settings, today=now, past=past)
    if fall is None:
        return []
    rule = settings.trend.sustained_fall
    label = _FIGURE_LABELS.get(fall.figure, fall.figure)
    return [Finding(
        "sustained_fall", snapshot.account.id, fall.figure, state="falling",
        title=f"{snapshot.account.name}: {label} fell {_fmt_figure(fall.figure, fall.before)} -> "
              f"{_fmt_figure(fall.figure, fall.after)} over {fall.periods} {rule.every}s",
        message=f"{label} on {fall.since}: {_fmt_figure(fall.figure, fall.before)}; on {fall.until}: "
                f"{_fmt_figure(fall.figure, fall.after)}; no {rule.every} better than the one before "
                f"(rule: worse by {rule.drop:g} or more over {rule.periods} {rule.every}s)",
        data=fall.model_dump(mode="json"))]


def _objectives_missed(snapshot: AccountSnapshot, now: AccountAnalysis, objectives: Sequence[Objective],
                       evaluate: PlanEvaluator, settings: Settings) -> list[Finding]:
    found = []
    for status in evaluate(objectives, now, settings):
        o = status.objective
        if status.status is not PlanStatus.MISSED or not o.is_open:
            continue
        owner = f"; owner: {status.owner_name}" if status.owner_name else ""
        found.append(Finding(
            "objective_missed", snapshot.account.id, o.id, state=f"due {o.due}",
            title=f"{snapshot.account.name}: objective {o.id} missed: {status.goal} by {o.due}",
            message=status.evidence + owner,
            data={"objective": o.id, "kind": o.kind.value, "subject": o.subject, "target": o.target,
                  "owner": o.owner, "due": o.due.isoformat(), "value": status.value, "days_left": status.days_left}))
    return found


def past_points_key(generation: int, settings: Settings) -> str:
    """What the sustained-fall rule's past points kept in an account's facts are valid for: the store's data
    generation read before the run's accounts were loaded, the analysis settings (their fingerprint), the
    watched figure and the kamgraph version. A check whose key differs computes the points again.

    The figure on a past period end depends on the account's records, the settings and the code only, so a
    check of unchanged data (an hourly check between nightly syncs) reads them instead of analysing the
    account once more per past point. Any write that changes records bumps the generation (see
    :meth:`~kamgraph.store.base.GraphStore.data_generation`): the first check after it computes them afresh.

    Examples
    --------
    >>> s = Settings()
    >>> past_points_key(7, s) == past_points_key(7, Settings()), past_points_key(7, s) == past_points_key(8, s)
    (True, False)
    >>> s.strength.half_life_days = 30  # another analysis: other values
    >>> past_points_key(7, s) == past_points_key(7, Settings())
    False
    """
    return f"{generation}/{analysis_fingerprint(settings)}/{settings.trend.sustained_fall.figure}/{__version__}"


def _kept_points(previous: dict[str, Any] | None, key: str | None) -> dict[dt.date, float] | None:
    """The past points kept in ``previous`` facts under ``key`` (a copy, to be filled in); None: not kept."""
    if key is None:
        return None
    kept = (previous or {}).get(KEPT_POINTS)
    if not isinstance(kept, dict) or kept.get("key") != key:
        return {}
    try:  # facts are the store's own JSON; anything else in them is ignored, and the points computed again
        return {dt.date.fromisoformat(day): float(value) for day, value in kept["values"].items()}
    except (KeyError, AttributeError, TypeError, ValueError):
        return {}


def account_facts(ag: AccountGraph, settings: Settings) -> dict[str, Any]:
    """What the comparing rules compare with at the next check (JSON values only).

    ``roles_covered``: covered holders of each required role; ``thin``: the
    account is single-threaded; ``ties``: the ties the decay rule watches that
    are at or above its threshold, with their strength.
    """
    return {"roles_covered": _covered_roles(ag, settings),
            "thin": _thin_sides(ag, settings.alerts.single_threaded.min_people) is not None,
            "ties": _watched_ties(ag, settings)}


def evaluate_account(snapshot: AccountSnapshot, as_of: dt.date, baseline: dt.date, settings: Settings, *,
                     previous: dict[str, Any] | None = None, since: dt.date | None = None,
                     now: AccountAnalysis | None = None, objectives: Sequence[Objective] = (),
                     evaluate_plans: PlanEvaluator | None = None,
                     past_key: str | None = None) -> tuple[list[Finding], dict[str, Any]]:
    """Every enabled rule on one account.

    Parameters
    ----------
    snapshot : AccountSnapshot
        The account, loaded up to ``as_of``.
    as_of, baseline : datetime.date
        Today and the date of the last check (``baseline <= as_of``).
    settings : Settings
        Rules and thresholds.
    previous : dict, optional
        The :func:`account_facts` recorded at the last check; without them
        they are computed from the store's data as of ``baseline``.
    since : datetime.date, optional
        Start of the departure window (default ``as_of - departure.window_days``).
    now : AccountAnalysis, optional
        The analysis on ``as_of`` if already computed.
    objectives : sequence of Objective
        The account's stored objectives (for ``objective_missed``; only those open on ``as_of`` count).
    evaluate_plans : callable, optional
        :data:`PlanEvaluator` for the objectives; without it ``objective_missed`` is skipped.
    past_key : str, optional
        :func:`past_points_key` of this check: the sustained-fall rule reads the past points that
        ``previous`` keeps under the same key, and the facts returned keep this check's (under
        :data:`KEPT_POINTS`). Without it nothing is kept or read.

    Returns
    -------
    tuple
        The findings (not described yet; see :class:`Finding`) and the facts
        to record for the next check.
    """
    rules = settings.alerts
    now = now or analyze(snapshot, as_of, settings, detail=False)  # the rules read the summary figures only
    facts = account_facts(now.ag, settings)
    if previous is None:  # only threads and key people are needed: the account graph, not the whole analysis
        previous = account_facts(build_account_graph(snapshot, baseline, settings), settings) \
            if baseline < as_of else facts
    found: list[Finding] = []
    if rules.departure.enabled:
        start = since or as_of - dt.timedelta(days=rules.departure.window_days)
        found += _departures(snapshot, now, start, settings)
    if rules.role_uncovered.enabled:
        found += _role_uncovered(snapshot, now, previous, baseline, settings)
    if rules.single_threaded.enabled:
        found += _single_threaded(snapshot, now, previous, baseline, settings)
    if rules.overdue.enabled:
        found += _overdue(snapshot, now, settings)
    if rules.decay.enabled:
        found += _decay(snapshot, now, previous, baseline, settings)
    if settings.trend.sustained_fall.enabled:
        past = _kept_points(previous, past_key)
        found += _sustained_fall(snapshot, now, as_of, settings, past)
        if past:  # the latest points only: the series of the next check moves on a period at a time
            latest = sorted(past.items())[-settings.trend.sustained_fall.periods:]
            facts[KEPT_POINTS] = {"key": past_key, "values": {day.isoformat(): value for day, value in latest}}
    if settings.plans.objective_missed.enabled and evaluate_plans is not None and objectives:
        found += _objectives_missed(snapshot, now, objectives, evaluate_plans, settings)
    return found, facts


def _order(record: AlertRecord) -> tuple[int, str, int, str]:
    severity = SEVERITY_ORDER.index(record.severity) if record.severity in SEVERITY_ORDER else len(SEVERITY_ORDER)
    return (severity, record.account,
            ALL_RULES.index(record.rule) if record.rule in ALL_RULES else len(ALL_RULES), record.subject)


# --------------------------------------------------------------------------- the run
@dataclass
class _ChunkInput:
    """What checking one chunk of accounts needs besides the store (sent to a worker)."""

    as_of: dt.date
    settings: Settings
    since: dt.date | None
    #: Per account: its baseline, the facts of its last check, and its open alerts ``{key: state}``.
    accounts: dict[str, tuple[dt.date, dict[str, Any] | None, dict[str, str]]]
    #: Per account: its stored open objectives (read once by the run, for ``objective_missed``).
    objectives: dict[str, list[Objective]] = field(default_factory=dict)
    #: The objectives' evaluator (a module-level function, so that it pickles to a worker).
    evaluate_plans: PlanEvaluator | None = None
    #: :func:`past_points_key` of the run (None: the sustained-fall rule's past points are not kept).
    past_key: str | None = None


@dataclass
class AccountOutcome:
    """One account's part of an alert run (computed by :func:`check_accounts`, maybe on a worker)."""

    account: str
    facts: dict[str, Any]
    raised: list[AlertRecord]
    cleared: list[str]
    seen: set[str]
    ongoing: int


def check_accounts(store: GraphStore, ids: list[str], work: _ChunkInput) -> list[AccountOutcome]:
    """Every rule on one chunk of accounts, compared with their open alerts: what to raise and clear.

    The task :func:`run_alerts` hands its executor: one set-based read of the chunk. The cyclic garbage
    collector is paused throughout (many small objects, no cycles).
    """
    with paused_gc():
        return [_check_account(snapshot, work)
                for snapshot in store.load_accounts(ids, work.as_of, chunk_size=len(ids) or 1)]


def _check_account(snapshot: AccountSnapshot, work: _ChunkInput) -> AccountOutcome:
    """Every rule on one account, compared with its open alerts."""
    account = snapshot.account.id
    baseline, previous, open_states = work.accounts[account]
    findings, facts = evaluate_account(snapshot, work.as_of, baseline, work.settings, since=work.since,
                                       previous=previous, objectives=work.objectives.get(account, ()),
                                       evaluate_plans=work.evaluate_plans, past_key=work.past_key)
    outcome = AccountOutcome(account=account, facts=facts, raised=[], cleared=[], seen=set(), ongoing=0)
    for finding in findings:
        key = finding.key
        if key in outcome.seen:
            continue
        outcome.seen.add(key)
        state = open_states.get(key)
        if state is not None and state == finding.state:
            outcome.ongoing += 1
            continue
        if state is not None:
            outcome.cleared.append(key)
        elif not finding.trigger:
            continue
        finding.described()
        outcome.raised.append(AlertRecord(
            key=key, rule=finding.rule, account=account, subject=finding.subject,
            severity=rule_settings(work.settings, finding.rule).severity, state=finding.state,
            title=finding.title, message=finding.message, raised_on=work.as_of, data=finding.data))
    return outcome


def run_alerts(store: GraphStore, as_of: dt.date, settings: Settings | None = None, *,
               accounts: Iterable[str] | None = None, since: dt.date | None = None,
               webhook_url: str | None = None, sender: Callable[..., DeliveryResult] = deliver,
               executor: Executor | None = None, evaluate_plans: PlanEvaluator | None = None) -> AlertRun:
    """Evaluate every rule on every account (or ``accounts``), record the outcome, deliver the webhook.

    Parameters
    ----------
    store : GraphStore
        Where the account graph and the alert state live.
    as_of : datetime.date
        The day of the check (today in normal use).
    settings : Settings, optional
        Rules, thresholds and webhook settings.
    accounts : iterable of str, optional
        Account ids or names (default: every account).
    since : datetime.date, optional
        Compare with this date instead of each account's last check, and
        report departures from this date on.
    webhook_url : str, optional
        POST the new alerts there (and every payload still queued). The URL is
        neither stored nor shown in full.
    sender : callable
        The delivery function (:func:`kamgraph.monitor.webhook.deliver`).
    executor : Executor, optional
        Where the accounts are checked (default: the one ``settings.executor`` names, see
        :mod:`kamgraph.store.executor`); the alert state is read and recorded here, once.
    evaluate_plans : callable, optional
        Evaluates account-plan objectives (:func:`kamgraph.portfolio.plans.evaluate_objectives`) for the
        ``objective_missed`` rule; the stored open objectives are read here, once. Without it the rule is skipped.

    Two runs at once (cron overlapping a manual run): the one that records second finds its alerts already
    recorded, evaluates again against the new state and reports them as ongoing -- nothing lost, nothing raised
    twice.
    """
    options: dict[str, Any] = {"accounts": accounts, "since": since, "webhook_url": webhook_url, "sender": sender,
                               "executor": executor, "evaluate_plans": evaluate_plans}
    for _ in range(_CONFLICT_RETRIES - 1):
        try:
            return _run_alerts_once(store, as_of, settings, **options)
        except ConflictError:  # a concurrent run recorded the same alerts first: evaluate again against its state
            continue
    return _run_alerts_once(store, as_of, settings, **options)


def _run_alerts_once(store: GraphStore, as_of: dt.date, settings: Settings | None = None, *,
                     accounts: Iterable[str] | None = None, since: dt.date | None = None,
                     webhook_url: str | None = None, sender: Callable[..., DeliveryResult] = deliver,
                     executor: Executor | None = None, evaluate_plans: PlanEvaluator | None = None) -> AlertRun:
    """One evaluation and recording (see :func:`run_alerts`)."""
    settings = settings or Settings()
    # Read before any account is loaded: a write landing during the run leaves the points it keeps stale.
    past_key = past_points_key(store.data_generation(), settings)
    ids = [store.find_account(a).id for a in accounts] if accounts is not None else store.account_ids()
    ids = sorted(set(ids))
    checks = store.alert_checks()
    open_alerts = {a.key: a for a in store.load_alerts(ids)}
    open_by_account: dict[str, dict[str, str]] = {}
    for alert in open_alerts.values():
        open_by_account.setdefault(alert.account, {})[alert.key] = alert.state
    baselines: dict[str, dt.date] = {}
    previous: dict[str, dict[str, Any] | None] = {}
    for account in ids:
        last = checks.get(account) if since is None else None
        baseline = since or (last.checked_on if last else as_of - dt.timedelta(days=settings.alerts.first_check_days))
        baselines[account] = min(baseline, as_of)
        previous[account] = last.facts if last and last.facts else None

    objectives: dict[str, list[Objective]] = {}
    if evaluate_plans is not None and settings.plans.objective_missed.enabled:
        for objective in store.load_objectives(ids):
            objectives.setdefault(objective.account, []).append(objective)

    def chunk_input(part: list[str]) -> _ChunkInput:
        return _ChunkInput(as_of=as_of, settings=settings, since=since,
                           accounts={a: (baselines[a], previous[a], open_by_account.get(a, {})) for a in part},
                           objectives={a: objectives[a] for a in part if a in objectives},
                           evaluate_plans=evaluate_plans, past_key=past_key)

    executor = executor or executor_for(settings=settings.executor)
    facts: dict[str, dict[str, Any]] = {}
    raised: list[AlertRecord] = []
    cleared: list[str] = []
    seen: set[str] = set()
    ongoing = 0
    for outcome in executor.run(store, check_accounts, ids, chunk_input):
        facts[outcome.account] = outcome.facts
        raised += outcome.raised
        cleared += outcome.cleared
        seen |= outcome.seen
        ongoing += outcome.ongoing
    cleared += sorted(k for k in open_alerts if k not in seen)
    raised.sort(key=_order)
    deliveries: list[Delivery] = []
    if webhook_url and raised:
        payload = alerts_payload(raised, as_of, settings.alerts.webhook.max_text_lines)
        deliveries.append(Delivery(id=uuid.uuid4().hex, created_on=as_of, payload=payload))
    store.record_alert_check(as_of, facts, raised=raised, cleared=cleared, deliveries=deliveries)
    gone = set(cleared)
    run = AlertRun(as_of=as_of, accounts=ids, baselines=baselines, new=raised, ongoing=ongoing,
                   cleared=sorted((a.model_copy(update={"cleared_on": as_of}) for k, a in open_alerts.items()
                                   if k in gone), key=_order))
    if webhook_url:
        from .delivery.email import is_email_payload  # lazily: smtplib only when a webhook is set

        hook = settings.alerts.webhook
        for item in store.pending_deliveries():
            if is_email_payload(item.payload):  # an e-mail digest waiting for its SMTP server, not a webhook's
                continue
            result = sender(webhook_url, item, timeout=hook.timeout_seconds, retries=hook.retries,
                            retry_delay=hook.retry_delay_seconds)
            store.finish_delivery(item.id, delivered=result.delivered, error=result.error)
            run.deliveries.append(result)
    return run
