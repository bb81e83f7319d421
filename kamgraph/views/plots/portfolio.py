"""The portfolio picture: qualification score against fragility, one dot per account.

Accounts further right qualify better, accounts higher up hang on fewer
people. Dots are coloured by computed tier; near misses
get a ring; dashed vertical lines mark the tier thresholds; a dot's area is
the account's revenue when ``revenue`` is given (else its health). The four
quadrants -- split at ``quadrant_score`` (default: the lowest tier threshold,
else 50) and ``quadrant_fragility`` -- are labelled in their corners. Names
are drawn as plain text (no math parsing), so any account name is shown as
written.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .style import FONT, new_figure, short

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ...portfolio.table import Portfolio

__all__ = ["TIER_COLORS", "QUADRANTS", "dot_sizes", "plot_portfolio"]

#: Colours of the computed tiers, strongest first (the Okabe-Ito palette, colour-blind friendly).
TIER_COLORS = ("#0072B2", "#009E73", "#E69F00", "#999999", "#CC79A7", "#56B4E9")


#: Quadrant labels: (right half?, top half?) -> text.
QUADRANTS = {(True, False): "qualifies, robust", (True, True): "qualifies, fragile",
             (False, True): "weak and fragile", (False, False): "weak but robust"}


def dot_sizes(values: list[float], smallest: float = 30.0, largest: float = 600.0) -> list[float]:
    """Marker areas proportional to ``values`` (areas, not radii, so a dot twice the revenue looks twice as big).

    Examples
    --------
    >>> dot_sizes([1.0, 2.0, 4.0], smallest=10, largest=40)
    [10.0, 20.0, 40.0]
    >>> dot_sizes([0.0, 0.0])
    [30.0, 30.0]
    """
    top = max(values, default=0.0)
    if top <= 0:
        return [float(smallest) for _ in values]
    return [float(max(smallest, largest * v / top)) for v in values]


def plot_portfolio(portfolio: Portfolio, ax: Axes | None = None, *, thresholds: dict[str, float] | None = None,
                   title: bool = True, revenue: dict[str, float | None] | None = None,
                   quadrant_score: float | None = None, quadrant_fragility: float = 0.25) -> Axes:
    """Draw the score-vs-fragility scatter of a portfolio and return the axes.

    Parameters
    ----------
    portfolio : Portfolio
        From :func:`kamgraph.portfolio.table.build_portfolio`.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure (``ax.figure``).
    thresholds : dict, optional
        Tier name -> minimum score, drawn as vertical lines (the settings' tiers).
    title : bool
        Put a title above the chart.
    revenue : dict, optional
        Account id -> revenue; dots are sized by it (accounts without one get the smallest dot).
    quadrant_score, quadrant_fragility : float
        Where the quadrants split.
    """
    rows = portfolio.rows
    if ax is None:
        fig = new_figure(720, 480)
        ax = fig.add_axes((0.09, 0.11, 0.66, 0.78))
    text = dict(parse_math=False, fontfamily=FONT)
    tiers = [name for name, _ in sorted((thresholds or {}).items(), key=lambda kv: -kv[1])]
    for row in rows:
        if row.tier not in tiers:
            tiers.append(row.tier)
    colour = {tier: TIER_COLORS[i % len(TIER_COLORS)] for i, tier in enumerate(tiers)}
    for name, value in (thresholds or {}).items():
        ax.axvline(value, color=colour.get(name, "#555555"), linestyle="--", linewidth=0.9, alpha=0.8)
        ax.text(value, 1.01, f" {name} {value:g}", transform=ax.get_xaxis_transform(), fontsize=7.5,
                color=colour.get(name, "#555555"), ha="left", va="bottom", **text)
    for tier in tiers:
        members = [r for r in rows if r.tier == tier]
        if not members:
            continue
        if revenue is not None:
            everyone = dot_sizes([float(revenue.get(r.account) or 0.0) for r in rows])
            by_id = {r.account: size for r, size in zip(rows, everyone, strict=True)}
            sizes = [by_id[r.account] for r in members]
        else:
            sizes = [40 + 12 * math.sqrt(max(r.health, 0.0)) for r in members]
        ax.scatter([r.score for r in members], [r.fragility_index for r in members], s=sizes, color=colour[tier],
                   edgecolor="white", linewidth=0.8, zorder=3, label=f"{tier} ({len(members)})")
    near = [r for r in rows if r.near_miss]
    if near:
        ax.scatter([r.score for r in near], [r.fragility_index for r in near], s=260, facecolor="none",
                   edgecolor="#D55E00", linewidth=1.4, zorder=4, label="near miss")
    if len(rows) <= 40:
        for r in rows:
            ax.annotate(short(r.name, 28), (r.score, r.fragility_index), xytext=(7, 4), textcoords="offset points",
                        fontsize=8, zorder=5, **text)
    ax.set_xlabel("qualification score (0-100)", fontsize=9, **text)
    ax.set_ylabel("fragility index (share one departure cuts off)", fontsize=9, **text)
    low = min([r.score for r in rows] + list((thresholds or {}).values()) + [100.0])
    ax.set_xlim(max(0.0, low - 8), 100)
    ax.set_ylim(-0.03, max(0.5, max((r.fragility_index for r in rows), default=0.0) + 0.08))
    ax.grid(alpha=0.25, zorder=0)
    split_x = quadrant_score if quadrant_score is not None else min((thresholds or {}).values(), default=50.0)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    if x0 < split_x < x1 and y0 < quadrant_fragility < y1:
        ax.axhline(quadrant_fragility, color="#BBBBBB", linewidth=0.8, zorder=1)
        for (right, top), label in QUADRANTS.items():
            ax.text(x1 - 1 if right else x0 + 1, y1 - 0.01 if top else y0 + 0.01, label,
                    ha="right" if right else "left", va="top" if top else "bottom", fontsize=8, color="#888888",
                    fontstyle="italic", zorder=2, **text)
    ax.tick_params(labelsize=8)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8, frameon=False,
              title="computed tier" + ("\n(dot area = revenue)" if revenue is not None else ""), title_fontsize=8.5)
    if title:
        ax.set_title(f"Portfolio as of {portfolio.as_of}: score vs fragility ({len(rows)} accounts)", fontsize=11,
                     loc="left", pad=18, **text)
    return ax
