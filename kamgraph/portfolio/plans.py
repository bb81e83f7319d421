"""Account plans evaluated against the graph: is each objective met, on track, at risk or missed?

An objective (:class:`kamgraph.domain.plans.Objective`) is evaluated on an as-of date against the
account's X-ray analysis on that date (:func:`kamgraph.analysis.pipeline.analyze`, so ``--as-of``
semantics hold: meetings after the date are ignored, people who left on or before it are gone). Each
kind reads one measure the analysis already computes:

=================  =========================================================================  ==============
kind               met on the as-of date when                                                 measure
=================  =========================================================================  ==============
``cover_person``   the stakeholder is active and has at least ``target`` threads              threads
``cover_role``     at least ``target`` active holders of the buying role have a thread        threads
``connectivity``   the stakeholder's node connectivity from our team is at least ``target``    fragility
``cadence``        the stakeholder was last met at most ``target`` days before                 cadence
``concentration``  some tie strength exists and the top staff member holds under ``target``    gaps
``stage``          the relationship stage is the named one or higher                          stage
=================  =========================================================================  ==============

**Status.** With ``days_left = due - as_of`` (days) and ``N = plans.at_risk_days`` (default 30):

* **met** -- the condition holds on the as-of date (whenever it came to hold; after the due date too);
* **missed** -- not met and ``days_left < 0`` (the due date has passed);
* **at risk** -- not met and ``0 <= days_left <= N``;
* **on track** -- not met and ``days_left > N``.

The status is read on the date alone, never from history: an objective met once and lost again is
no longer met. Which objectives a date shows is :meth:`Objective.open_on` (created on or before it,
not closed by then).

Examples
--------
>>> import datetime as dt
>>> from kamgraph.analysis.pipeline import analyze
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s1", name="Sam", accounts=["a"])],
...     stakeholders=[Stakeholder(id="eb", account="a", name="Eve", influence=5, buying_role="economic_buyer")],
...     reporting_lines=[], relationships=[], meetings=[Meeting(id="m", date="2026-03-02", attendees=["s1", "eb"])])
>>> goal = Objective(id="a-1", account="a", kind="cadence", subject="eb", target=30, owner="s1",
...                  due=dt.date(2026, 4, 30), created_on=dt.date(2026, 3, 1))
>>> [(d, evaluate_objective(goal, analyze(snap, dt.date(2026, 4, d))).status.value) for d in (1, 10)]
[(1, 'met'), (10, 'at_risk')]
>>> evaluate_objective(goal, analyze(snap, dt.date(2026, 4, 10))).evidence
'last met 39 days ago, target every 30 days; due 2026-04-30, in 20 days'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field

from ..analysis.actions import Action, next_actions
from ..analysis.fragility import compact_connectivity
from ..analysis.pipeline import AccountAnalysis, analyze
from ..domain.models import BuyingRole
from ..domain.plans import GoalKind, Objective, ObjectiveStatus, PlanStatus
from ..errors import InputError
from ..settings import Settings
from ..store.base import GraphStore
from .stage import STAGES, relationship_stage

__all__ = ["STATUS_ORDER", "AccountPlan", "evaluate_objective", "evaluate_objectives", "account_plan",
           "portfolio_plans", "check_stage", "ADOPTED_KINDS", "adopt_action", "next_objective_id"]

#: The goal kind each X-ray action kind becomes when adopted (see :func:`adopt_action`).
ADOPTED_KINDS = {"meet": GoalKind.COVER_PERSON, "add_thread": GoalKind.COVER_PERSON,
                 "bridge_department": GoalKind.COVER_PERSON, "rethread": GoalKind.COVER_PERSON,
                 "reconnect": GoalKind.CADENCE, "spread": GoalKind.CONCENTRATION}

#: Statuses, most urgent first (how lists are ordered).
STATUS_ORDER = (PlanStatus.MISSED, PlanStatus.AT_RISK, PlanStatus.ON_TRACK, PlanStatus.MET)


class AccountPlan(BaseModel):
    """The plan of one account on one date: its objectives open on that date, each evaluated."""

    account: str
    name: str
    as_of: dt.date
    objectives: list[ObjectiveStatus] = Field(description="Most urgent first, then by due date and id.")

    def count(self, status: PlanStatus) -> int:
        """How many objectives have this status."""
        return sum(1 for o in self.objectives if o.status is status)


def check_stage(name: str) -> str:
    """A relationship stage name as stored, or :class:`InputError` naming the stages.

    Examples
    --------
    >>> check_stage("Cooperative")
    'cooperative'
    """
    stage = name.strip().lower()
    if stage not in STAGES:
        raise InputError(f"unknown relationship stage {name!r} (one of: {', '.join(STAGES)})", field="stage")
    return stage


def _threads_text(analysis: AccountAnalysis, cid: str) -> str:
    threads = analysis.ag.threads.get(cid, [])
    return ", ".join(f"{analysis.ag.name(s)} {v:.2f}" for s, v in threads)


def _condition(o: Objective, analysis: AccountAnalysis) -> tuple[bool, float | str | None, float | str | None, str]:
    """(met, value now, target, evidence) of one objective on the analysis' date."""
    ag = analysis.ag
    kind = o.kind
    target = o.target
    if kind in (GoalKind.COVER_PERSON, GoalKind.CONNECTIVITY, GoalKind.CADENCE):
        cid = o.subject or ""
        name = ag.name(cid)
        if cid not in ag.stakeholders:
            gone = ag.departed.get(cid)
            why = f"{name} left on {gone.left_on}" if gone else f"{cid} is not a stakeholder of the account"
            return False, None, target, why
        if kind is GoalKind.COVER_PERSON:
            n = len(ag.threads.get(cid, []))
            need = int(target or 1)
            shown = f" ({_threads_text(analysis, cid)})" if n else ""
            return n >= need, float(n), target, f"{name} has {n} thread{'' if n == 1 else 's'}{shown}, needs {need}"
        if kind is GoalKind.CONNECTIVITY:
            need = int(target or 1)
            index = analysis.cg.index.get(cid)
            value = compact_connectivity(analysis.cg, index, need) if index is not None else 0
            shown = f"at least {value}" if value >= need else str(value)
            return value >= need, float(value), target, f"{name}'s connectivity is {shown}, needs {need}"
        cadence = analysis.cadence[cid]
        every = int(target or 1)
        if cadence.days_since is None:
            return False, None, target, f"{name} was never met, target every {every} days"
        return (cadence.days_since <= every, float(cadence.days_since), target,
                f"last met {cadence.days_since} days ago, target every {every} days")
    if kind is GoalKind.COVER_ROLE:
        role = BuyingRole(o.subject)
        holders = sorted(c for c, p in ag.stakeholders.items() if p.buying_role is role)
        covered = [c for c in holders if ag.threads.get(c)]
        need = int(target or 1)
        label = role.value.replace("_", " ")
        if not holders:
            return False, 0.0, target, f"nobody holds the {label} role"
        names = ", ".join(ag.name(c) for c in covered) or "none"
        return (len(covered) >= need, float(len(covered)), target,
                f"{len(covered)} of {len(holders)} {label} holders covered ({names}), needs {need}")
    if kind is GoalKind.CONCENTRATION:
        gaps = analysis.gaps
        limit = float(target or 0)
        if gaps.top_staff is None:
            return False, None, target, "no tie strength yet"
        return (gaps.concentration < limit, gaps.concentration, target,
                f"{ag.name(gaps.top_staff)} holds {gaps.concentration:.0%} of the tie strength, "
                f"target under {limit:.0%}")
    stage = relationship_stage(ag)
    wanted = check_stage(o.subject or "")
    level = STAGES.index(wanted) + 1
    text = f"stage {stage.stage} ({stage.level}), target {wanted} ({level})"
    if stage.level < level and stage.next_stage == wanted and stage.missing:
        text += "; missing: " + ", ".join(stage.missing)
    return stage.level >= level, stage.stage, wanted, text


def evaluate_objective(objective: Objective, analysis: AccountAnalysis, settings: Settings | None = None
                       ) -> ObjectiveStatus:
    """The status of ``objective`` on the analysis' as-of date (see the module docstring for the rules)."""
    settings = settings or analysis.ag.settings
    as_of = analysis.ag.as_of
    met, value, target, evidence = _condition(objective, analysis)
    days_left = (objective.due - as_of).days
    if met:
        status = PlanStatus.MET
        when = f"; due {objective.due}" + (f", {_days(-days_left)} ago" if days_left < 0 else "")
    elif days_left < 0:
        status, when = PlanStatus.MISSED, f"; due {objective.due}, {_days(-days_left)} ago"
    else:
        status = PlanStatus.AT_RISK if days_left <= settings.plans.at_risk_days else PlanStatus.ON_TRACK
        when = f"; due {objective.due}, " + ("today" if days_left == 0 else f"in {_days(days_left)}")
    subject = objective.subject
    name = analysis.ag.name(subject) if subject and objective.kind not in (GoalKind.COVER_ROLE, GoalKind.STAGE) \
        else None
    return ObjectiveStatus(objective=objective, as_of=as_of, goal=objective.describe(name), status=status,
                           evidence=evidence + when, value=value, target=target, days_left=days_left,
                           owner_name=analysis.ag.name(objective.owner) if objective.owner else None)


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _urgency(s: ObjectiveStatus) -> tuple[int, dt.date, str]:
    return STATUS_ORDER.index(s.status), s.objective.due, s.objective.id


def evaluate_objectives(objectives: Iterable[Objective], analysis: AccountAnalysis, settings: Settings | None = None,
                        *, open_only: bool = True) -> list[ObjectiveStatus]:
    """The statuses of the objectives of the analysed account, most urgent first.

    With ``open_only`` (the default) only the objectives open on the as-of date count
    (:meth:`Objective.open_on`); objectives of other accounts are always left out.
    """
    as_of = analysis.ag.as_of
    account = analysis.ag.snapshot.account.id
    chosen = [o for o in objectives if o.account == account and (not open_only or o.open_on(as_of))]
    return sorted((evaluate_objective(o, analysis, settings) for o in chosen), key=_urgency)


def account_plan(store: GraphStore, account: str, as_of: dt.date, settings: Settings | None = None, *,
                 analysis: AccountAnalysis | None = None) -> AccountPlan:
    """The plan of ``account`` (id or exact name) on ``as_of``, evaluated (``analysis`` reused when given)."""
    settings = settings or Settings()
    found = store.find_account(account)
    analysis = analysis or analyze(store.load_account(found.id, as_of), as_of, settings, detail=False)
    objectives = store.load_objectives([found.id], include_closed=True)
    return AccountPlan(account=found.id, name=found.name, as_of=as_of,
                       objectives=evaluate_objectives(objectives, analysis, settings))


def portfolio_plans(store: GraphStore, as_of: dt.date, settings: Settings | None = None,
                    accounts: Sequence[str] | None = None, *, include_closed: bool = False) -> list[AccountPlan]:
    """The plans of every account with an objective open on ``as_of`` (or of ``accounts``), by account id.

    With ``include_closed`` the objectives closed by then count too (every objective created on or before
    ``as_of``; a closed one is still evaluated, its state shows it is closed). Each account is loaded and
    analysed once (the summary analysis, :func:`analyze` with ``detail=False``).
    """
    settings = settings or Settings()
    ids = sorted({store.find_account(a).id for a in accounts}) if accounts is not None else None
    objectives = [o for o in store.load_objectives(ids, include_closed=True)
                  if (o.created_on <= as_of if include_closed else o.open_on(as_of))]
    by_account: dict[str, list[Objective]] = {}
    for o in objectives:
        by_account.setdefault(o.account, []).append(o)
    plans = []
    for snapshot in store.load_accounts(sorted(by_account), as_of):
        analysis = analyze(snapshot, as_of, settings, detail=False)
        plans.append(AccountPlan(account=snapshot.account.id, name=snapshot.account.name, as_of=as_of,
                                 objectives=evaluate_objectives(by_account[snapshot.account.id], analysis, settings,
                                                                open_only=not include_closed)))
    return plans


def next_objective_id(account: str, taken: Iterable[str]) -> str:
    """``ACCOUNT-N`` with N one more than the largest N of ``taken`` (the account's stored objective ids).

    Examples
    --------
    >>> next_objective_id("acme", ["acme-1", "acme-7", "other-9", "acme-x"])
    'acme-8'
    """
    numbers = [int(t[len(account) + 1:]) for t in taken
               if t.startswith(account + "-") and t[len(account) + 1:].isdigit()]
    return f"{account}-{max(numbers, default=0) + 1}"


def adopt_action(analysis: AccountAnalysis, number: int, *, objective_id: str, due: dt.date,
                 owner: str | None = None, created_on: dt.date | None = None) -> Objective:
    """The objective that X-ray action ``number`` (1 = the first of ``kamgraph xray``'s NEXT ACTIONS) becomes.

    The actions are :func:`kamgraph.analysis.actions.next_actions` of ``analysis`` -- the list the X-ray
    numbers, so ``analysis`` must be the full analysis (``detail=True``) of the same date and settings.
    ``meet``, ``bridge_department`` and ``rethread`` become "cover" the action's person (one thread),
    ``add_thread`` "cover with 2 threads", ``reconnect`` "meet every N days" (their cadence target) and
    ``spread`` "bring concentration under" the ``coverage.concentration_threshold``. The owner is
    ``owner`` or else the action's suggested owner.

    Raises
    ------
    InputError
        When ``number`` is not one of the actions, or the action names nobody to act on.
    """
    actions = next_actions(analysis)
    if not 1 <= number <= len(actions):
        raise InputError(f"no action {number}: the X-ray of {analysis.ag.snapshot.account.id} on "
                         f"{analysis.ag.as_of} lists {len(actions)} action{'' if len(actions) == 1 else 's'}",
                         field="action")
    action: Action = actions[number - 1]
    kind = ADOPTED_KINDS[action.kind]
    subject: str | None = action.target
    target: float | None = None
    if kind is GoalKind.CONCENTRATION:
        subject, target = None, analysis.ag.settings.coverage.concentration_threshold
    elif action.target is None or action.target not in analysis.ag.stakeholders:
        raise InputError(f"action {number} ({action.title}) names no stakeholder to act on yet", field="action")
    elif kind is GoalKind.CADENCE:
        target = float(analysis.cadence[action.target].target_days)
    elif action.kind == "add_thread":
        target = 2.0
    return Objective(id=objective_id, account=analysis.ag.snapshot.account.id, kind=kind, subject=subject,
                     target=target, owner=owner or action.owner, due=due, created_on=created_on or analysis.ag.as_of,
                     origin=f"xray action {number} on {analysis.ag.as_of}: {action.title}",
                     data={"action": {"number": number, "kind": action.kind, "title": action.title,
                                      "reason": action.reason}})
