"""Key-account qualification: a weighted score from explicit criteria, tiers, and near misses.

Each criterion (:class:`kamgraph.settings.Criterion`) reads one raw value of
an account -- a field, a score people set, or a figure from the relationship
graph -- and maps it linearly onto 0..1 between ``low`` and ``high``. The
account's **score** is

    score = 100 * sum_i(w_i * n_i) / sum_i(w_i)

and its **tier** the highest tier whose threshold the score reaches. An
account is a **near miss** when it lies within ``near_miss_margin`` points
below the next tier up; the **lift** lists, per criterion, the raw value that
alone would close the gap (criteria already at their maximum cannot).

Examples
--------
>>> from kamgraph.domain.models import Account
>>> from kamgraph.settings import Criterion, PortfolioSettings
>>> s = PortfolioSettings(criteria=[Criterion(name="rev", weight=1, source="revenue", high=100),
...                                 Criterion(name="fit", weight=3, source="criteria.fit", high=10)],
...                       tiers={"key": 60}, near_miss_margin=10)
>>> q = qualify(Account(id="a", name="A", revenue=50, criteria={"fit": 6}), {}, 1, s)
>>> q.score, q.tier, q.near_miss.gap, [(l.criterion, l.to_value) for l in q.near_miss.lifts]
(57.5, 'monitor', 2.5, [('fit', 6.333333), ('rev', 60.0)])
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

from ..domain.models import Account
from ..errors import ConfigError
from ..settings import PortfolioSettings

__all__ = ["CriterionScore", "Lift", "NearMiss", "Qualification", "raw_value", "qualify", "ACCOUNT_SOURCES"]

#: Account fields a criterion can read directly.
ACCOUNT_SOURCES = ("revenue", "potential", "category_spend", "share_of_wallet")


class CriterionScore(BaseModel):
    """One criterion's part of an account's score."""

    name: str
    source: str
    raw: float | None = Field(description="The raw value read (None when the account lacks it).")
    normalized: float = Field(description="0..1 between the criterion's low and high.")
    weight: float
    points: float = Field(description="Contribution to the 0-100 score.")


class Lift(BaseModel):
    """What would lift an account into the next tier through one criterion alone."""

    criterion: str
    from_value: float | None
    to_value: float


class NearMiss(BaseModel):
    """An account just below a tier."""

    tier: str
    threshold: float
    gap: float
    lifts: list[Lift]


class Qualification(BaseModel):
    """An account's score, tier and near miss."""

    account: str
    name: str
    declared_tier: str | None = Field(description="The tier recorded on the account.")
    score: float
    tier: str
    share_of_wallet: float | None
    criteria: list[CriterionScore]
    near_miss: NearMiss | None = None


def raw_value(source: str, account: Account, graph: Mapping[str, float | int | str | None], stage: int) -> float | None:
    """The raw value a criterion source names (None when unknown).

    Raises
    ------
    ConfigError
        For a source that names nothing kamgraph knows.
    """
    if source == "share_of_wallet":
        if account.revenue is None or not account.category_spend:
            return None
        return account.revenue / account.category_spend
    if source in ACCOUNT_SOURCES:
        value = getattr(account, source)
        return None if value is None else float(value)
    if source.startswith("criteria."):
        value = account.criteria.get(source[len("criteria."):])
        return None if value is None else float(value)
    if source == "graph.stage":
        return float(stage)
    if source.startswith("graph."):
        name = source[len("graph."):]
        if name not in graph:
            raise ConfigError(f"criterion source {source!r}: no graph figure named {name!r} "
                              f"(known: stage, {', '.join(sorted(graph))})")
        value = graph[name]
        return float(value) if isinstance(value, int | float) else None
    raise ConfigError(f"criterion source {source!r}: use one of {', '.join(ACCOUNT_SOURCES)}, "
                      "criteria.NAME or graph.NAME")


def qualify(account: Account, graph: Mapping[str, float | int | str | None], stage: int,
            settings: PortfolioSettings) -> Qualification:
    """Score one account against the qualification criteria.

    Parameters
    ----------
    account : Account
        The account record (fields and ``criteria`` scores).
    graph : mapping
        The account's graph figures (the summary scores as a dict).
    stage : int
        The relationship stage number, 1 (exploratory) to 5 (integrated).
    settings : PortfolioSettings
        Criteria, tiers, near-miss margin.
    """
    total_weight = sum(c.weight for c in settings.criteria)
    scores = []
    for c in settings.criteria:
        raw = raw_value(c.source, account, graph, stage)
        normalized = 0.0 if raw is None else min(1.0, max(0.0, (raw - c.low) / (c.high - c.low)))
        scores.append(CriterionScore(name=c.name, source=c.source, raw=raw, normalized=round(normalized, 6),
                                     weight=c.weight, points=round(100 * c.weight * normalized / total_weight, 6)))
    score = round(sum(s.points for s in scores), 6)
    ranked = sorted(settings.tiers.items(), key=lambda kv: -kv[1])
    tier = next((name for name, threshold in ranked if score >= threshold), settings.below_tiers)
    above = [(name, threshold) for name, threshold in ranked if threshold > score]
    near = None
    if above:
        name, threshold = above[-1]
        gap = round(threshold - score, 6)
        if gap <= settings.near_miss_margin:
            lifts = []
            for c, s in zip(settings.criteria, scores, strict=True):
                needed = gap * total_weight / (100 * c.weight)
                if s.normalized + needed <= 1 + 1e-9:
                    lifts.append((needed, Lift(criterion=c.name, from_value=s.raw,
                                               to_value=round(c.low + (s.normalized + needed) * (c.high - c.low), 6))))
            lifts.sort(key=lambda pair: (pair[0], pair[1].criterion))
            near = NearMiss(tier=name, threshold=threshold, gap=gap, lifts=[lift for _, lift in lifts])
    wallet = raw_value("share_of_wallet", account, graph, stage)
    return Qualification(account=account.id, name=account.name, declared_tier=account.tier, score=score, tier=tier,
                         share_of_wallet=round(wallet, 6) if wallet is not None else None, criteria=scores,
                         near_miss=near)
