"""Relationship shape: bow-tie (one-to-one) or diamond (many-to-many).

The classic picture of key account development: in a **bow-tie** one key
account manager talks to one buyer and everything runs through that knot; in a
**diamond** many people on both sides talk directly. Two figures decide:

* **concentration** -- the strongest staff member's share of the account's
  total tie strength;
* **pair share** -- of all possible (staff on the account, key stakeholder)
  pairs, the share that are threaded.

With the defaults (:class:`kamgraph.settings.ShapeSettings`): bow-tie when
concentration >= 0.5 or pair share < 0.15; diamond when concentration <= 0.35
and pair share >= 0.3; otherwise ``in between``.

Examples
--------
>>> from kamgraph.settings import ShapeSettings
>>> classify(0.8, 0.1, ShapeSettings()), classify(0.2, 0.5, ShapeSettings()), classify(0.4, 0.2, ShapeSettings())
('bow-tie', 'diamond', 'in between')
"""

from __future__ import annotations

from dataclasses import dataclass

from ..graph.account_graph import AccountGraph
from ..settings import ShapeSettings
from .gaps import staff_strength

__all__ = ["Shape", "classify", "relationship_shape"]


@dataclass(frozen=True)
class Shape:
    """The call and the figures behind it."""

    shape: str
    concentration: float
    pair_share: float
    staff: int
    key_stakeholders: int
    threaded_key_pairs: int
    mean_threads_per_key: float


def classify(concentration: float, pair_share: float, settings: ShapeSettings) -> str:
    """``'bow-tie'``, ``'diamond'`` or ``'in between'`` from the two figures."""
    if concentration >= settings.bow_tie_concentration or pair_share < settings.bow_tie_pair_share:
        return "bow-tie"
    if concentration <= settings.diamond_concentration and pair_share >= settings.diamond_pair_share:
        return "diamond"
    return "in between"


def relationship_shape(ag: AccountGraph) -> Shape:
    """Classify an account's relationship shape (see the module docstring)."""
    keys = sorted(ag.key)
    totals = staff_strength(ag)
    total = sum(totals.values())
    concentration = max(totals.values()) / total if total else 0.0
    threaded = sum(len(ag.threads.get(c, ())) for c in keys)
    possible = len(ag.staff) * len(keys)
    pair_share = threaded / possible if possible else 0.0
    return Shape(shape=classify(concentration, pair_share, ag.settings.shape) if total else "none",
                 concentration=round(concentration, 6), pair_share=round(pair_share, 6), staff=len(ag.staff),
                 key_stakeholders=len(keys), threaded_key_pairs=threaded,
                 mean_threads_per_key=round(threaded / len(keys), 6) if keys else 0.0)
