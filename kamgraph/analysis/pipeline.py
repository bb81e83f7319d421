"""The X-ray analysis of one account: every measure, computed once, in one place.

:func:`analyze` runs the whole pipeline on a store snapshot -- strengths and
threads, the relationship graph, coverage gaps, cadence, bridging contacts,
fragility, relationship shape -- and returns an :class:`AccountAnalysis`
that the report (:mod:`kamgraph.views.xray`), the what-if (:mod:`kamgraph.analysis.whatif`)
and the actions (:mod:`kamgraph.analysis.actions`) read. The kernels run on the compact
graph; every one of them has a networkx-facing twin in its own module, which
is what the tests compare against independent references.

:class:`SummaryScores` are the headline figures of an account; ``health`` is
a 0-100 composite documented on the field.

Examples
--------
One staff member, two stakeholders; the champion met last week, the economic
buyer never:

>>> import datetime as dt
>>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
>>> from kamgraph.domain.dataset import AccountSnapshot
>>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s1", name="S1")],
...     stakeholders=[Stakeholder(id="ch", account="a", name="CH", influence=4, buying_role="champion"),
...                   Stakeholder(id="eb", account="a", name="EB", influence=5, buying_role="economic_buyer",
...                               reports_to="ch")],
...     reporting_lines=[], relationships=[],
...     meetings=[Meeting(id="m", date="2025-03-03", attendees=["s1", "ch"])])
>>> a = analyze(snap, dt.date(2025, 3, 10))
>>> a.summary.covered, a.summary.key_covered, a.gaps.uncovered, a.connectivity
(1, 1, ['eb'], {'ch': 1, 'eb': 1})
>>> a.most_critical, round(a.fragility_index, 3)  # s1 holds ch's only thread; eb hangs off ch
('s1', 1.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from pydantic import BaseModel, Field

from ..domain.dataset import AccountSnapshot
from ..domain.models import Stakeholder
from ..graph.account_graph import AccountGraph, build_account_graph
from ..graph.compact import CompactGraph
from ..kernels.gc_pause import paused_gc
from ..settings import Settings
from .bridging import DepartmentGateway, compact_team_betweenness, department_gateways, ranked_brokers
from .cadence import CadenceStatus, cadence_status, target_days
from .fragility import compact_connectivity, compact_impacts
from .gaps import CoverageGaps, coverage_gaps, required_role_gaps, top_staff_share
from .shape import Shape, relationship_shape

__all__ = ["Impact", "Broker", "CutEdge", "Cadence", "PersonRef", "SummaryScores", "AccountAnalysis", "analyze",
           "SUMMARY_FIGURES", "summary_figure"]


class Impact(NamedTuple):
    """One person's removal impact (see :mod:`kamgraph.analysis.fragility`)."""

    person: str
    share: float
    lost: tuple[str, ...]
    lost_threads: tuple[str, ...]
    lost_paths: tuple[str, ...]


@dataclass(frozen=True)
class Broker:
    """A stakeholder tied into several departments, with Burt's constraint (low = broker)."""

    person: str
    constraint: float
    departments: tuple[str, ...]


@dataclass(frozen=True)
class CutEdge:
    """A link whose loss cuts stakeholders off from our team."""

    a: str
    b: str
    kind: str
    cut_off: tuple[str, ...]


class Cadence(NamedTuple):
    """A stakeholder's contact cadence."""

    status: CadenceStatus
    target_days: int
    days_since: int | None


class PersonRef(BaseModel):
    """A person by id and name (used across reports)."""

    id: str
    name: str


class SummaryScores(BaseModel):
    """The headline figures of one account on one date."""

    active_stakeholders: int
    covered: int
    coverage: float = Field(description="Covered / active stakeholders.")
    weighted_coverage: float = Field(description="Importance-weighted share of stakeholders covered.")
    key_stakeholders: int
    key_covered: int
    key_coverage: float
    reachable: float = Field(description="Importance-weighted share of stakeholders with a path to our team.")
    required_roles_covered: int
    required_roles: int
    single_threaded_key: int
    concentration: float = Field(description="Top staff member's share of the total tie strength.")
    top_staff: str | None
    fragility_index: float = Field(description="Largest importance-weighted share one departure cuts off.")
    most_critical_person: str | None
    key_at_connectivity_1: int = Field(description="Key stakeholders that one departure would cut off.")
    min_key_connectivity: int | None
    overdue_key: int = Field(description="Key stakeholders overdue or never met.")
    shape: str
    health: float = Field(description=(
        "0-100: 100 x (0.35 key coverage + 0.2 weighted coverage + 0.15 required roles covered share "
        "+ 0.2 (1 - fragility index) + 0.1 (1 - overdue key share))."))


@dataclass
class AccountAnalysis:
    """Everything the X-ray knows about one account on one date."""

    ag: AccountGraph
    cg: CompactGraph
    reach: set[str]
    impacts: dict[str, Impact]
    fragility_index: float
    most_critical: str | None
    connectivity: dict[str, int]
    team_betweenness: dict[str, float]
    cut_edges: list[CutEdge]
    gateways: list[DepartmentGateway]
    brokers: list[Broker]
    gaps: CoverageGaps
    cadence: dict[str, Cadence]
    shape: Shape
    summary: SummaryScores
    importance: dict[str, float] = field(default_factory=dict)
    key: set[str] = field(default_factory=set)
    #: Look-up tables built on first use by readers of the analysis (e.g. the actions).
    cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)


def _brokers(cg: CompactGraph, top: int) -> list[Broker]:
    return [Broker(person=person, constraint=value, departments=depts)
            for value, person, depts in ranked_brokers(cg, top)]


def analyze(snapshot: AccountSnapshot, as_of: dt.date, settings: Settings | None = None, *,
            detail: bool = True) -> AccountAnalysis:
    """Run the X-ray analysis of one account on ``as_of``.

    Parameters
    ----------
    snapshot : AccountSnapshot
        From a store (meetings after ``as_of`` are ignored).
    as_of : datetime.date
        The date described.
    settings : Settings, optional
        Defaults when not given.
    detail : bool
        False computes only what the summary scores need (for portfolios):
        no betweenness, bridges, gateways or brokers, and each key
        stakeholder's connectivity only as far as the summary needs it (exact
        up to 2, and the exact minimum). The summary is identical either way.
    """
    with paused_gc():
        return _analyze(snapshot, as_of, settings or Settings(), detail)


def _analyze(snapshot: AccountSnapshot, as_of: dt.date, settings: Settings, detail: bool) -> AccountAnalysis:
    ag = build_account_graph(snapshot, as_of, settings)
    cg = CompactGraph.from_account(ag)
    ids = cg.ids
    n_staff = cg.n_staff
    importance = ag.importance
    key = ag.key

    found = compact_impacts(cg, want_bridges=detail)
    reach = {ids[i] for i in found.reach}
    shares, lost_threads, lost_paths = found.share, found.lost_threads, found.lost_paths
    impacts = {ids[v]: Impact(ids[v], shares[v], tuple([ids[x] for x in lost]),
                              tuple([ids[x] for x in lost_threads[v]]), tuple([ids[x] for x in lost_paths[v]]))
               for v, lost in enumerate(found.lost) if lost or shares[v] > 0}
    index_value, critical = 0.0, None
    for person in sorted(impacts):  # the largest share; on a tie, the smallest id
        if impacts[person].share > index_value:
            index_value, critical = impacts[person].share, person
    keys = [i for i in range(n_staff, cg.n) if cg.key[i]]
    if detail:
        cap = settings.fragility.connectivity_cap
        connectivity = {ids[i]: compact_connectivity(cg, i, cap) for i in keys}
        between = compact_team_betweenness(cg, weighted=settings.bridges.weighted_betweenness)
        team_between = {ids[i]: between[i] for i in range(cg.n)}
        cut_edges = [CutEdge(a=ids[a], b=ids[b], kind=cg.kinds_of(a, b)[0], cut_off=tuple(ids[x] for x in cut))
                     for a, b, cut in sorted(zip(*found.bridges, strict=True), key=lambda e: (-len(e[2]), e[0], e[1]))]
        gateways = department_gateways(cg, lost_paths, found.reach)
        brokers = _brokers(cg, settings.bridges.top)
    else:
        connectivity = _summary_connectivity(cg, keys, settings.fragility.connectivity_cap)
        team_between, cut_edges, gateways, brokers = {}, [], [], []
    gaps = coverage_gaps(ag)

    cadence = _cadences(ag, as_of, settings, ag.stakeholders.items())
    shape = relationship_shape(ag)
    summary = _summary(ag, importance, key, reach, index_value, critical, connectivity, gaps, cadence, shape)
    return AccountAnalysis(ag=ag, cg=cg, reach=reach, impacts=impacts, fragility_index=index_value,
                           most_critical=critical, connectivity=connectivity, team_betweenness=team_between,
                           cut_edges=cut_edges, gateways=gateways, brokers=brokers, gaps=gaps, cadence=cadence,
                           shape=shape, summary=summary, importance=importance, key=key)


def _cadences(ag: AccountGraph, as_of: dt.date, settings: Settings, people: Iterable[tuple[str, Stakeholder]]
              ) -> dict[str, Cadence]:
    """The cadence of each ``(id, stakeholder)`` of ``people`` (active stakeholders of ``ag``) on ``as_of``."""
    cadence: dict[str, Cadence] = {}
    statuses = settings.cadence
    targets: dict[object, int] = {}
    last_contact = ag.last_contact
    for cid, person in people:
        role = person.buying_role
        target = getattr(person, "cadence_days", None) or targets.get(role)  # a per-person override first
        if target is None:
            target = targets[role] = target_days(role, statuses)
        last = last_contact.get(cid)
        days = (as_of - last).days if last else None
        cadence[cid] = Cadence(cadence_status(days, target, statuses), target, days)
    return cadence


def _summary_connectivity(cg: CompactGraph, keys: list[int], limit: int | None) -> dict[str, int]:
    """Key stakeholders' connectivity, exact up to 2 and exact for the minimum (enough for the summary).

    Keys are visited from the fewest links up, so a small minimum is found early;
    each search stops once it has found ``max(2, minimum so far)`` disjoint paths
    (and never beyond the settings' cap, as in the full analysis).
    """
    found: dict[str, int] = {}
    smallest = None
    for i in sorted(keys, key=lambda k: (cg.degree(k), k)):
        cap = limit if smallest is None else max(2, smallest)
        if limit is not None and cap is not None:
            cap = min(cap, limit)
        value = compact_connectivity(cg, i, cap)
        found[cg.ids[i]] = value
        smallest = value if smallest is None else min(smallest, value)
    return found


def _share(part: float, whole: float) -> float:
    return round(part / whole, 6) if whole else 0.0


def _overdue_key(key: set[str], cadence: dict[str, Cadence]) -> int:
    """Key stakeholders overdue or never met."""
    return sum(1 for c in key if cadence[c].status in ("overdue", "never"))


def _at_connectivity_1(connectivity: dict[str, int]) -> int:
    """Key stakeholders that one departure would cut off."""
    return sum(1 for v in connectivity.values() if v <= 1)


def _health(people: int, key_coverage: float, weighted_coverage: float, roles_share: float, index_value: float,
            overdue_share: float) -> float:
    """The 0-100 composite documented on :attr:`SummaryScores.health`."""
    health = 100 * (0.35 * key_coverage + 0.2 * weighted_coverage + 0.15 * roles_share + 0.2 * (1 - index_value)
                    + 0.1 * (1 - overdue_share)) if people else 0.0
    return round(health, 1)


def _covered_shares(ag: AccountGraph) -> tuple[set[str], float, float]:
    """The covered stakeholders (with a thread), their importance-weighted share and the key ones' share."""
    people, importance, key = ag.stakeholders, ag.importance, ag.key
    covered = {c for c in people if ag.threads.get(c)}
    return (covered, _share(sum(importance[c] for c in covered), sum(importance.values())),
            _share(len(key & covered), len(key)))


def _key_cadences(ag: AccountGraph, as_of: dt.date, settings: Settings) -> dict[str, Cadence]:
    """The cadence of the key stakeholders only (what the overdue count needs)."""
    people = ag.stakeholders
    return _cadences(ag, as_of, settings, ((c, people[c]) for c in ag.key))


def _roles_ok(ag: AccountGraph, missing: list[str], uncovered: list[str]) -> tuple[int, float]:
    """Required roles covered, and their share of the required roles (1.0 when none is required)."""
    required = ag.settings.coverage.required_roles
    ok = len(required) - len(uncovered) - len(missing)
    return ok, (_share(ok, len(required)) if required else 1.0)


def _summary(ag: AccountGraph, importance: dict[str, float], key: set[str], reach: set[str], index_value: float,
             critical: str | None, connectivity: dict[str, int], gaps: CoverageGaps,
             cadence: dict[str, Cadence], shape: Shape) -> SummaryScores:
    people = ag.stakeholders
    covered, weighted, key_cov = _covered_shares(ag)
    total_imp = sum(importance.values())
    required = ag.settings.coverage.required_roles
    roles_ok, roles_share = _roles_ok(ag, gaps.roles_missing, gaps.roles_uncovered)
    key_covered = len(key & covered)
    overdue = _overdue_key(key, cadence)
    return SummaryScores(
        active_stakeholders=len(people), covered=len(covered), coverage=_share(len(covered), len(people)),
        weighted_coverage=weighted, key_stakeholders=len(key), key_covered=key_covered, key_coverage=key_cov,
        reachable=_share(sum(importance[c] for c in reach), total_imp),
        required_roles_covered=roles_ok, required_roles=len(required),
        single_threaded_key=len(gaps.single_threaded_key), concentration=gaps.concentration,
        top_staff=gaps.top_staff, fragility_index=round(index_value, 6), most_critical_person=critical,
        key_at_connectivity_1=_at_connectivity_1(connectivity),
        min_key_connectivity=min(connectivity.values()) if connectivity else None,
        overdue_key=overdue, shape=shape.shape,
        health=_health(len(people), key_cov, weighted, roles_share, index_value, _share(overdue, len(key))))


#: The summary figures :func:`summary_figure` computes on their own (the numeric ones a trend follows).
SUMMARY_FIGURES = ("health", "coverage", "weighted_coverage", "key_coverage", "fragility_index", "concentration",
                   "key_at_connectivity_1", "overdue_key")


def summary_figure(snapshot: AccountSnapshot, as_of: dt.date, settings: Settings, figure: str) -> float:
    """One figure of ``analyze(snapshot, as_of, settings).summary``, computing only what that figure needs.

    For a rule that watches one figure on past dates (the sustained fall): the health needs the threads, the
    fragility index and the key stakeholders' cadence, but not the other gaps, the shape, the connectivity,
    nor each person's impact; the coverage figures need the threads only. The value equals the summary's
    (the same helpers compute both; ``tests/test_summary_figure.py`` compares them on random accounts).

    Parameters
    ----------
    snapshot : AccountSnapshot
        As for :func:`analyze`.
    as_of : datetime.date
        The date described.
    settings : Settings
        Thresholds and weights.
    figure : str
        One of :data:`SUMMARY_FIGURES`.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
    >>> snap = AccountSnapshot(account=Account(id="a", name="A"), staff=[Staff(id="s1", name="S1")],
    ...     stakeholders=[Stakeholder(id="ch", account="a", name="CH", influence=4, buying_role="champion"),
    ...                   Stakeholder(id="eb", account="a", name="EB", influence=5, buying_role="economic_buyer")],
    ...     reporting_lines=[], relationships=[], meetings=[Meeting(id="m", date="2025-03-03", attendees=["s1", "ch"])])
    >>> day, settings = dt.date(2025, 3, 10), Settings()
    >>> [summary_figure(snap, day, settings, f) for f in ("key_coverage", "weighted_coverage", "fragility_index")]
    [0.5, 0.375, 0.375]

    Both are key, of importance 6 (ch) and 10 (eb), so s1's thread to ch covers 3/8 and its loss cuts off 3/8.
    One required role of four covered (champion; economic buyer uncovered, the other two missing), eb never
    met: 100 x (0.35 x 0.5 + 0.2 x 0.375 + 0.15 x 0.25 + 0.2 x 0.625 + 0.1 x 0.5) = 46.25, rounded:

    >>> summary_figure(snap, day, settings, "health"), analyze(snap, day, settings).summary.health
    (46.2, 46.2)
    """
    if figure not in SUMMARY_FIGURES:
        raise ValueError(f"not a summary figure: {figure!r} (one of: {', '.join(SUMMARY_FIGURES)})")
    with paused_gc():
        return _summary_figure(snapshot, as_of, settings, figure)


def _summary_figure(snapshot: AccountSnapshot, as_of: dt.date, settings: Settings, figure: str) -> float:
    ag = build_account_graph(snapshot, as_of, settings)
    if figure == "concentration":
        return top_staff_share(ag)[1]
    people, key = ag.stakeholders, ag.key
    if figure == "overdue_key":
        return _overdue_key(key, _key_cadences(ag, as_of, settings))
    covered, weighted, key_cov = _covered_shares(ag)
    if figure == "coverage":
        return _share(len(covered), len(people))
    if figure == "weighted_coverage":
        return weighted
    if figure == "key_coverage":
        return key_cov
    cg = CompactGraph.from_account(ag)
    if figure == "key_at_connectivity_1":
        keys = [i for i in range(cg.n_staff, cg.n) if cg.key[i]]
        return _at_connectivity_1(_summary_connectivity(cg, keys, settings.fragility.connectivity_cap))
    index_value = max(compact_impacts(cg, want_bridges=False).share, default=0.0)  # as the analysis's largest share
    if figure == "fragility_index":
        return round(index_value, 6)
    _, roles_share = _roles_ok(ag, *required_role_gaps(ag, covered))
    overdue = _overdue_key(key, _key_cadences(ag, as_of, settings))
    return _health(len(people), key_cov, weighted, roles_share, index_value, _share(overdue, len(key)))
