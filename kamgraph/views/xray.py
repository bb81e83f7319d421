"""The relationship X-ray of one account: a pydantic report model and its builder.

The report is data first: ``kamgraph xray --json`` prints ``XRay.model_dump``
as is, and the terminal view (:mod:`kamgraph.views.text`) only formats it.
Every person appears by id and name. Sections: summary scores, stakeholders,
people who left, our team, coverage (headline), gaps, bridges, fragility,
shape, attitude, competitors, relationship stage and next actions; see
:mod:`kamgraph.analysis.pipeline` for how each is computed, and
:mod:`kamgraph.analysis.attitude`, :mod:`kamgraph.analysis.competition` and
:mod:`kamgraph.portfolio.stage` for the last three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from pydantic import BaseModel, Field

from ..analysis.actions import next_actions
from ..analysis.attitude import attitude_summary
from ..analysis.cadence import cadence_source
from ..analysis.competition import Lean, competitor_ties_on
from ..analysis.gaps import OpponentGap, is_detractor
from ..analysis.pipeline import AccountAnalysis, PersonRef, SummaryScores, analyze
from ..analysis.shape import Shape
from ..domain.dataset import AccountSnapshot
from ..domain.models import BuyingRole, Seniority
from ..domain.plans import Objective, ObjectiveStatus
from ..kernels.gc_pause import paused_gc
from ..portfolio.plans import evaluate_objectives
from ..portfolio.stage import StageResult, relationship_stage
from ..settings import Settings

__all__ = [
    "AccountHeader",
    "Thread",
    "StakeholderView",
    "DepartedView",
    "StaffView",
    "RoleCoverage",
    "CoverageSummary",
    "PersonRef",
    "GapsView",
    "BridgesView",
    "FragilityView",
    "ActionView",
    "CompetitorLean",
    "OpponentGapView",
    "AttitudeView",
    "CompetitorsView",
    "XRay",
    "build_xray",
    "xray_from_analysis",
]


class AccountHeader(BaseModel):
    """Who the account is."""

    id: str
    name: str
    tier: str | None = None
    segment: str | None = None
    revenue: float | None = None
    potential: float | None = None
    currency: str | None = None


class Thread(BaseModel):
    """One of our staff and their tie to a stakeholder."""

    staff: str
    name: str
    strength: float
    meetings: int
    last: dt.date | None = Field(description="Their last meeting (none for an offline thread).")
    offline: bool = Field(default=False, description=(
        "A recorded KNOWS tie counted as a thread ([analysis] knows_ties_are_threads), no meeting behind it."))


class CompetitorLean(BaseModel):
    """A stakeholder's tie to a competitor of ours."""

    competitor: str
    strength: float = Field(description="1 (slight preference) to 5 (committed to them).")
    since: dt.date | None = None
    note: str | None = None
    leans: bool = Field(description="At least [attitude] competitor_strength strong.")


class StakeholderView(BaseModel):
    """An active stakeholder as the X-ray shows them."""

    id: str
    name: str
    title: str | None = None
    department: str | None = None
    seniority: Seniority | None = None
    buying_role: BuyingRole | None = None
    influence: int
    attitude: int = Field(description="Toward us: -2 (hostile) to +2 (strong supporter).")
    detractor: bool = Field(default=False, description="Attitude below [attitude] detractor_below.")
    importance: float
    key: bool
    verified: bool = True
    covered: bool
    threads: list[Thread] = Field(description="Active staff at or above the thread threshold, strongest first.")
    weak_ties: list[Thread] = Field(default_factory=list,
                                    description="Staff who met them, but below the thread threshold.")
    last_contact: dt.date | None = None
    days_since_contact: int | None = None
    cadence: str = Field(description="ok / due / overdue / never against the role's target interval.")
    cadence_target_days: int
    cadence_source: str = Field(default="role", description=(
        "Where the target interval comes from: 'person' (their own cadence_days) or 'role'."))
    competitors: list[CompetitorLean] = Field(default_factory=list, description=(
        "Their ties to competitors noticed by the as-of date, strongest first."))
    reachable: bool = Field(description="At least one path from our team (threads, lines or known ties).")
    connectivity: int | None = Field(default=None, description="Key stakeholders: departures that cut them off.")
    bridging: float = Field(description="Share of our team's shortest paths into the client through them.")
    reports_to: str | None = Field(default=None, description="Id of their solid-line manager.")
    dotted_to: list[str] = Field(default_factory=list, description="Ids of their dotted-line managers.")


class DepartedView(BaseModel):
    """A stakeholder who left on or before the as-of date."""

    id: str
    name: str
    title: str | None = None
    department: str | None = None
    buying_role: BuyingRole | None = None
    influence: int
    left_on: dt.date
    moved_to: str | None = None
    last_contact: dt.date | None = None
    threads_lost: list[Thread] = Field(default_factory=list, description="Their ties with our staff.")
    reports_to: str | None = Field(default=None, description="Id of their solid-line manager.")


class StaffView(BaseModel):
    """One of our people on this account."""

    id: str
    name: str
    title: str | None = None
    role: str
    on_account_team: bool
    threads: int = Field(description="Stakeholders for whom this person is a thread.")
    strength: float = Field(description="Sum of this person's tie strengths with active stakeholders.")
    share_of_strength: float = Field(description="Their share of the account's total tie strength.")
    bridging: float = Field(description="Share of our team's shortest paths into the client through them.")
    removal_share: float = Field(description="Importance-weighted share of stakeholders lost if they leave.")


class RoleCoverage(BaseModel):
    """How one buying role is held and covered."""

    role: BuyingRole
    holders: list[str]
    covered_holders: list[str]


class CoverageSummary(BaseModel):
    """Headline coverage figures."""

    active_stakeholders: int
    covered: int
    uncovered: int
    coverage: float = Field(description="Covered / active stakeholders (0 when there are none).")
    roles: list[RoleCoverage]
    roles_uncovered: list[BuyingRole] = Field(description="Roles that someone holds but nobody covers.")


class SingleThread(BaseModel):
    """A key stakeholder with one thread."""

    stakeholder: PersonRef
    staff: PersonRef


class OpponentGapView(BaseModel):
    """A detractor or blocker nobody covers, or only one of us covers (see :mod:`kamgraph.analysis.gaps`)."""

    stakeholder: PersonRef
    attitude: int
    buying_role: BuyingRole | None = None
    key: bool
    severity: str = Field(description="high / medium / low (rules in the docs, 'Attitude and competitors').")
    reasons: list[str] = Field(description="detractor (attitude) and/or blocker.")
    staff: PersonRef | None = Field(default=None, description="The one thread, when single-threaded.")


class GapsView(BaseModel):
    """Where the relationship is thin."""

    uncovered: list[PersonRef] = Field(description="Stakeholders without a thread, most important first.")
    uncovered_key: list[PersonRef]
    roles_uncovered: list[str] = Field(description="Required roles whose holders are all uncovered.")
    roles_missing: list[str] = Field(description="Required roles nobody at the account holds (not identified).")
    departments_uncovered: list[str]
    levels_uncovered: list[str]
    single_threaded_key: list[SingleThread]
    concentration: float
    top_staff: PersonRef | None
    concentrated: bool
    opponents_uncovered: list[OpponentGapView] = Field(
        default_factory=list, description="Detractors and blockers nobody covers, worst first.")
    opponents_single_threaded: list[OpponentGapView] = Field(
        default_factory=list, description="Detractors and blockers only one of us covers, worst first.")


class Scored(BaseModel):
    """A person with a figure."""

    id: str
    name: str
    kind: str
    value: float


class CutVertex(BaseModel):
    """A person whose departure cuts stakeholders off from our team."""

    id: str
    name: str
    kind: str
    cut_off: list[PersonRef]
    share: float


class CutLink(BaseModel):
    """A single link whose loss cuts stakeholders off."""

    a: PersonRef
    b: PersonRef
    kind: str
    cut_off: list[str]


class GatewayView(BaseModel):
    """A department reached only through one person."""

    department: str
    gateway: PersonRef
    gateway_kind: str
    cut_off: list[PersonRef]
    reachable: int


class BrokerView(BaseModel):
    """A stakeholder tied into several departments."""

    id: str
    name: str
    constraint: float = Field(description="Burt's constraint: lower = more of a broker.")
    departments: list[str]


class BridgesView(BaseModel):
    """Bridging contacts."""

    betweenness: list[Scored] = Field(description="Top people by team betweenness.")
    cut_vertices: list[CutVertex] = Field(description="People whose departure cuts off part of the client.")
    cut_links: list[CutLink]
    department_gateways: list[GatewayView]
    brokers: list[BrokerView]


class RiskView(BaseModel):
    """One person's removal impact."""

    id: str
    name: str
    kind: str
    share: float
    lost: list[PersonRef]
    lost_threads: list[str]
    lost_paths: list[str]


class ConnectivityView(BaseModel):
    """A key stakeholder's connectivity to our team."""

    id: str
    name: str
    connectivity: int


class FragilityView(BaseModel):
    """What breaks when someone leaves."""

    index: float = Field(description="Largest importance-weighted share one departure cuts off.")
    most_critical: PersonRef | None
    people: list[RiskView] = Field(description="Everyone whose departure costs something, largest first.")
    key_connectivity: list[ConnectivityView] = Field(description="Key stakeholders, most fragile first.")
    connectivity_cap: int | None = Field(
        default=None, description="Connectivity is counted up to this: a value at it means 'or more'.")


class ActionView(BaseModel):
    """One recommended action."""

    rank: int
    kind: str
    priority: float
    title: str
    reason: str
    target: PersonRef | None = None
    owner: PersonRef | None = None
    path: list[PersonRef] = Field(default_factory=list, description="Warmest path from our team.")


class AttitudeView(BaseModel):
    """Attitude toward us across the active stakeholders (see :mod:`kamgraph.analysis.attitude`)."""

    supporters: int = Field(description="Attitude above 0.")
    neutral: int
    detractors: int = Field(description="Attitude below [attitude] detractor_below.")
    key_supporters: int
    key_detractors: int
    supporters_covered: int
    detractors_covered: int
    weighted_attitude: float = Field(description="Importance-weighted mean attitude, -2..+2.")


class LeanView(BaseModel):
    """A key stakeholder who leans toward a competitor."""

    stakeholder: PersonRef
    competitor: str
    strength: float
    since: dt.date | None = None
    note: str | None = None
    covered: bool = Field(description="Somebody on our side has a thread to them.")


class CompetitorsView(BaseModel):
    """Competitive position (see :mod:`kamgraph.analysis.competition`)."""

    threshold: float = Field(description="[attitude] competitor_strength: a tie at least this strong is a lean.")
    key_leaning: list[LeanView] = Field(description="Key stakeholders who lean toward a competitor, strongest first.")
    competitors: list[str] = Field(description="Every competitor some active stakeholder has a tie to, by name.")
    stakeholders_with_ties: int = Field(description="Active stakeholders with a tie to a competitor (any strength).")


class XRay(BaseModel):
    """The relationship X-ray of one account on one date."""

    account: AccountHeader
    as_of: dt.date
    summary: SummaryScores
    coverage: CoverageSummary
    stakeholders: list[StakeholderView]
    departed: list[DepartedView]
    staff: list[StaffView]
    gaps: GapsView
    bridges: BridgesView
    fragility: FragilityView
    shape: Shape = Field(description="Bow-tie vs diamond, with the figures behind the call (the analysis's own "
                                   "result, :class:`kamgraph.analysis.shape.Shape`).")
    actions: list[ActionView]
    attitude: AttitudeView | None = Field(default=None, description="Supporters, neutrals and detractors.")
    competitors: CompetitorsView | None = Field(default=None, description="Who leans toward a competitor.")
    plan: list[ObjectiveStatus] = Field(default_factory=list, description=(
        "The account plan: its objectives open on the as-of date, evaluated (met / on track / at risk / missed, "
        "most urgent first; :mod:`kamgraph.portfolio.plans`). Empty when the X-ray was built without them."))
    stage: StageResult | None = Field(default=None, description=(
        "The relationship stage, its evidence and the conditions the next stage still needs "
        "(:mod:`kamgraph.portfolio.stage`)."))


# --------------------------------------------------------------------------- builder
def build_xray(snapshot: AccountSnapshot, as_of: dt.date, settings: Settings | None = None, *,
               objectives: Sequence[Objective] = ()) -> XRay:
    """Build the X-ray of the account in ``snapshot`` on ``as_of``.

    Parameters
    ----------
    snapshot : AccountSnapshot
        From :meth:`kamgraph.store.base.GraphStore.load_account`.
    as_of : datetime.date
        The date the report describes; meetings after it are ignored and people
        who left on or before it are listed as departed.
    settings : Settings, optional
        Defaults when not given.
    objectives : sequence of Objective
        The account's plan (:meth:`~kamgraph.store.base.GraphStore.load_objectives`); those open on
        ``as_of`` are evaluated into :attr:`XRay.plan`.
    """
    settings = settings or Settings()
    return xray_from_analysis(analyze(snapshot, as_of, settings), objectives=objectives, settings=settings)


def xray_from_analysis(analysis: AccountAnalysis, *, objectives: Sequence[Objective] = (),
                       settings: Settings | None = None) -> XRay:
    """The report of an :class:`~kamgraph.analysis.pipeline.AccountAnalysis` (and of the account's plan)."""
    with paused_gc():
        report = _xray(analysis)
    if objectives:
        report.plan = evaluate_objectives(objectives, analysis, settings)
    return report


def _xray(analysis: AccountAnalysis) -> XRay:
    ag = analysis.ag
    name = ag.name
    top = ag.settings.bridges.top

    def ref(pid: str) -> PersonRef:
        return PersonRef(id=pid, name=name(pid))

    def kind(pid: str) -> str:
        return "staff" if pid in ag.staff else "stakeholder"

    def thread(staff_id: str, client_id: str) -> Thread:
        tie = ag.ties.get((staff_id, client_id))
        offline = staff_id in ag.offline.get(client_id, ())
        if tie is None:
            return Thread(staff=staff_id, name=name(staff_id), strength=0.0, meetings=0, last=None, offline=offline)
        return Thread(staff=staff_id, name=name(staff_id), strength=round(tie.strength, 6), meetings=tie.count,
                      last=tie.last, offline=offline)

    def opponent(gap: OpponentGap) -> OpponentGapView:
        person = ag.stakeholders[gap.stakeholder]
        return OpponentGapView(stakeholder=ref(gap.stakeholder), attitude=person.attitude,
                               buying_role=person.buying_role, key=gap.stakeholder in analysis.key,
                               severity=gap.severity, reasons=list(gap.reasons),
                               staff=ref(gap.staff) if gap.staff else None)

    threshold = ag.settings.attitude.competitor_strength
    below = ag.settings.attitude.detractor_below
    ties_on = competitor_ties_on(ag)
    leans_of: dict[str, list[Lean]] = {}
    for lean in ties_on:
        leans_of.setdefault(lean.stakeholder, []).append(lean)

    ties_by_client: dict[str, list[str]] = {}
    for s, c in ag.ties:
        ties_by_client.setdefault(c, []).append(s)
    views = []
    for cid, person in ag.stakeholders.items():
        threaded = [s for s, _ in ag.threads.get(cid, [])]
        weak = sorted((s for s in ties_by_client.get(cid, []) if s not in threaded and s in ag.staff),
                      key=lambda s: (-ag.ties[(s, cid)].strength, s))
        last = ag.last_contact.get(cid)
        cad = analysis.cadence[cid]
        views.append(StakeholderView(
            id=cid, name=person.name, title=person.title, department=person.department,
            seniority=person.seniority, buying_role=person.buying_role, influence=person.influence,
            attitude=person.attitude, detractor=is_detractor(person, below), importance=analysis.importance[cid],
            key=cid in analysis.key,
            verified=person.verified, covered=bool(threaded), threads=[thread(s, cid) for s in threaded],
            weak_ties=[thread(s, cid) for s in weak], last_contact=last,
            days_since_contact=(ag.as_of - last).days if last else None, cadence=cad.status,
            cadence_target_days=cad.target_days, cadence_source=cadence_source(person),
            competitors=[CompetitorLean(competitor=x.competitor, strength=x.strength, since=x.since, note=x.note,
                                        leans=x.strength >= threshold) for x in leans_of.get(cid, [])],
            reachable=cid in analysis.reach,
            connectivity=analysis.connectivity.get(cid), bridging=round(analysis.team_betweenness[cid], 6),
            reports_to=person.reports_to, dotted_to=list(person.dotted_to)))
    views.sort(key=lambda v: (v.department or "~", -v.importance, v.name, v.id))

    departed = [DepartedView(id=p.id, name=p.name, title=p.title, department=p.department,
                             buying_role=p.buying_role, influence=p.influence, left_on=p.left_on,  # type: ignore[arg-type]
                             moved_to=p.moved_to, last_contact=ag.last_contact.get(p.id),
                             threads_lost=sorted((thread(s, p.id) for s in ties_by_client.get(p.id, [])),
                                                 key=lambda t: (-t.strength, t.staff)),
                             reports_to=p.reports_to)
                for p in sorted(ag.departed.values(), key=lambda p: (p.left_on, p.id))]
    acc = ag.snapshot.account
    gaps = analysis.gaps
    summary = analysis.summary
    return XRay(
        account=AccountHeader(id=acc.id, name=acc.name, tier=acc.tier, segment=acc.segment,
                              revenue=acc.revenue, potential=acc.potential, currency=acc.currency),
        as_of=ag.as_of, summary=summary, coverage=_coverage(views), stakeholders=views, departed=departed,
        staff=_staff_views(analysis),
        gaps=GapsView(
            uncovered=[ref(c) for c in gaps.uncovered],
            uncovered_key=[ref(c) for c in gaps.uncovered if c in analysis.key],
            roles_uncovered=gaps.roles_uncovered, roles_missing=gaps.roles_missing,
            departments_uncovered=gaps.departments_uncovered, levels_uncovered=gaps.levels_uncovered,
            single_threaded_key=[SingleThread(stakeholder=ref(c), staff=ref(s)) for c, s in gaps.single_threaded_key],
            concentration=gaps.concentration, top_staff=ref(gaps.top_staff) if gaps.top_staff else None,
            concentrated=gaps.concentrated,
            opponents_uncovered=[opponent(g) for g in gaps.opponents_uncovered],
            opponents_single_threaded=[opponent(g) for g in gaps.opponents_single_threaded]),
        bridges=BridgesView(
            betweenness=[Scored(id=p, name=name(p), kind=kind(p), value=round(v, 6))
                         for p, v in sorted(analysis.team_betweenness.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
                         if v > 0],
            cut_vertices=[CutVertex(id=p, name=name(p), kind=kind(p), cut_off=[ref(c) for c in imp.lost_paths],
                                    share=imp.share)
                          for p, imp in sorted(analysis.impacts.items(),
                                               key=lambda kv: (-len(kv[1].lost_paths), kv[0])) if imp.lost_paths],
            cut_links=[CutLink(a=ref(e.a), b=ref(e.b), kind=e.kind, cut_off=list(e.cut_off))
                       for e in analysis.cut_edges],
            department_gateways=[GatewayView(department=g.department, gateway=ref(g.gateway),
                                             gateway_kind=kind(g.gateway), cut_off=[ref(c) for c in g.cut_off],
                                             reachable=g.reachable) for g in analysis.gateways],
            brokers=[BrokerView(id=b.person, name=name(b.person), constraint=b.constraint,
                                departments=list(b.departments)) for b in analysis.brokers]),
        fragility=FragilityView(
            index=summary.fragility_index,
            most_critical=ref(analysis.most_critical) if analysis.most_critical else None,
            people=[RiskView(id=p, name=name(p), kind=kind(p), share=imp.share, lost=[ref(c) for c in imp.lost],
                             lost_threads=list(imp.lost_threads), lost_paths=list(imp.lost_paths))
                    for p, imp in sorted(analysis.impacts.items(), key=lambda kv: (-kv[1].share, kv[0]))],
            key_connectivity=[ConnectivityView(id=c, name=name(c), connectivity=k)
                              for c, k in sorted(analysis.connectivity.items(), key=lambda kv: (kv[1], kv[0]))],
            connectivity_cap=ag.settings.fragility.connectivity_cap),
        shape=analysis.shape,
        actions=[ActionView(rank=i + 1, kind=a.kind, priority=a.priority, title=a.title, reason=a.reason,
                            target=ref(a.target) if a.target else None, owner=ref(a.owner) if a.owner else None,
                            path=[ref(p) for p in a.path])
                 for i, a in enumerate(next_actions(analysis))],
        attitude=AttitudeView(**vars(attitude_summary(ag))),
        competitors=CompetitorsView(
            threshold=threshold,
            key_leaning=[LeanView(stakeholder=ref(x.stakeholder), competitor=x.competitor, strength=x.strength,
                                  since=x.since, note=x.note, covered=bool(ag.threads.get(x.stakeholder)))
                         for x in ties_on if x.key and x.strength >= threshold],
            competitors=sorted({x.competitor for x in ties_on}), stakeholders_with_ties=len(leans_of)),
        stage=relationship_stage(ag))


def _coverage(views: list[StakeholderView]) -> CoverageSummary:
    covered = sum(v.covered for v in views)
    roles = []
    for role in BuyingRole:
        holders = [v.id for v in views if v.buying_role is role]
        if holders:
            roles.append(RoleCoverage(role=role, holders=holders,
                                      covered_holders=[v.id for v in views if v.buying_role is role and v.covered]))
    return CoverageSummary(
        active_stakeholders=len(views), covered=covered, uncovered=len(views) - covered,
        coverage=round(covered / len(views), 6) if views else 0.0, roles=roles,
        roles_uncovered=[r.role for r in roles if not r.covered_holders])


def _staff_views(analysis: AccountAnalysis) -> list[StaffView]:
    ag = analysis.ag
    strength = ag.staff_strength()
    total = sum(strength.values())
    thread_count: dict[str, int] = {}
    for ties in ag.threads.values():
        for s, _ in ties:
            thread_count[s] = thread_count.get(s, 0) + 1
    account_id = ag.snapshot.account.id
    views = [StaffView(id=sid, name=p.name, title=p.title, role=p.role.value,
                       on_account_team=account_id in p.accounts, threads=thread_count.get(sid, 0),
                       strength=round(strength.get(sid, 0.0), 6),
                       share_of_strength=round(strength.get(sid, 0.0) / total, 6) if total else 0.0,
                       bridging=round(analysis.team_betweenness.get(sid, 0.0), 6),
                       removal_share=analysis.impacts[sid].share if sid in analysis.impacts else 0.0)
             for sid, p in ag.staff.items()]
    views.sort(key=lambda v: (-v.strength, v.id))
    return views
