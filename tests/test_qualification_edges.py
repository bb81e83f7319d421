"""Qualification's near miss, worked by hand: which tier it names, and which lifts it offers.

Criteria as in tests/test_portfolio.py: revenue (weight 2, 0..1,000,000), fit (1, 0..10), health (1,
50..100), risk (1, fragility 1..0); total weight 5. The account: revenue 400,000 (0.4), health 80 (0.6),
fragility 0.25 (0.75).
"""

from __future__ import annotations

import pytest

from kamgraph.domain.models import Account
from kamgraph.portfolio.qualification import qualify
from kamgraph.settings import PortfolioSettings

from .test_portfolio import CRITERIA

GRAPH = {"health": 80.0, "fragility_index": 0.25}


def test_the_near_miss_names_the_next_tier_up_not_the_top_one() -> None:
    # fit 9: 100 x (0.8 + 0.9 + 0.6 + 0.75) / 5 = 61 -> tier C (50); B (63) is 2 above, within the margin;
    # A (70) is 9 above.
    settings = PortfolioSettings(criteria=CRITERIA, tiers={"A": 70, "B": 63, "C": 50}, near_miss_margin=2)
    q = qualify(Account(id="a", name="A", revenue=400_000, criteria={"fit": 9}), GRAPH, 3, settings)
    assert (q.score, q.tier) == (pytest.approx(61.0), "C")
    assert q.near_miss is not None and (q.near_miss.tier, q.near_miss.gap) == ("B", pytest.approx(2.0))


def test_lifts_only_within_each_criterions_scale_smallest_first() -> None:
    # fit 9.5: 100 x (0.8 + 0.95 + 0.6 + 0.75) / 5 = 62; A at 64 is 2 points above. Closing 2 points takes
    # 2 x 5 / (100 x weight) of a criterion's scale: revenue 0.05 (400k -> 450k), health 0.1 (80 -> 85),
    # risk 0.1 (0.25 -> 0.15), fit 0.1 (9.5 -> 10.5, past the top of its scale: no lift).
    settings = PortfolioSettings(criteria=CRITERIA, tiers={"A": 64}, near_miss_margin=5)
    q = qualify(Account(id="a", name="A", revenue=400_000, criteria={"fit": 9.5}), GRAPH, 3, settings)
    assert q.score == pytest.approx(62.0) and q.near_miss is not None
    assert [(lift.criterion, lift.to_value) for lift in q.near_miss.lifts] == [
        ("revenue", pytest.approx(450_000.0)), ("health", pytest.approx(85.0)), ("risk", pytest.approx(0.15))]
