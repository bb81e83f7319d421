"""Colours, marker shapes and fonts of the review pictures, without matplotlib (pure data).

Both renderers read these: the matplotlib pictures (:mod:`kamgraph.views.plots.style`
re-exports them) and the SVG writers (:mod:`kamgraph.views.plots.svg_map` and
friends), so a map looks the same whichever draws it.

Examples
--------
>>> recency_colour(0), recency_colour(365), recency_colour(10_000)
('#08306b', '#e3e3e3', '#e3e3e3')
>>> recency_colour(365 / 8)  # halfway between the first two stops
'#145090'
"""

from __future__ import annotations

__all__ = ["COVERAGE_COLORS", "COVERAGE_LABELS", "CADENCE_COLORS", "ROLE_MARKERS", "ROLE_LABELS", "STAFF_COLOR",
           "CUT_COLOR", "FONT_PREFERENCE", "RECENCY_STOPS", "RECENCY_DAYS", "recency_colour", "ATTITUDE_COLORS",
           "attitude_mark", "CSS_FONT_FAMILY"]

#: Fill colour of a stakeholder by coverage status (colour-blind friendly, from the Okabe-Ito palette).
COVERAGE_COLORS = {
    "multi_threaded": "#009E73",
    "single_threaded": "#F0E442",
    "weak": "#E69F00",
    "uncovered": "#D55E00",
    "left": "#BBBBBB",
}
COVERAGE_LABELS = {
    "multi_threaded": "two or more threads",
    "single_threaded": "one thread",
    "weak": "weak contact only",
    "uncovered": "not met",
    "left": "left the company",
}
#: Cell colour of the communication matrix by cadence status.
CADENCE_COLORS = {"ok": "#8FD1B5", "due": "#F6E27F", "overdue": "#F2A06B", "never": "#FFFFFF"}

#: Marker of a stakeholder by buying role (``None``: no role), as matplotlib marker codes.
ROLE_MARKERS = {
    "economic_buyer": "D",
    "decision_maker": "s",
    "champion": "*",
    "technical_buyer": "^",
    "coach": "P",
    "influencer": "p",
    "gatekeeper": "h",
    "blocker": "X",
    "user": "v",
    None: "o",
}
ROLE_LABELS = {
    "economic_buyer": "economic buyer",
    "decision_maker": "decision maker",
    "champion": "champion",
    "technical_buyer": "technical buyer",
    "coach": "coach",
    "influencer": "influencer",
    "gatekeeper": "gatekeeper",
    "blocker": "blocker",
    "user": "user",
    None: "no buying role",
}
STAFF_COLOR = "#1F3A93"
CUT_COLOR = "#CC0033"
#: Colour of the attitude mark beside a stakeholder (toward us: positive, negative).
ATTITUDE_COLORS = {"positive": "#0B7A3B", "negative": "#B00020"}
#: Preferred fonts, in order: DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew...), then fonts that cover
#: the scripts it lacks (Chinese, Japanese, Korean, Indic, Thai...) where installed. Matplotlib falls back glyph
#: by glyph along the list, and so does a browser with the CSS font list, so a name in any script renders when
#: some font on the machine has it.
FONT_PREFERENCE = ("DejaVu Sans", "Noto Sans", "Noto Sans CJK JP", "Noto Sans CJK SC", "Noto Sans CJK KR",
                   "Source Han Sans", "WenQuanYi Zen Hei", "Droid Sans Fallback", "Noto Sans Devanagari",
                   "Noto Sans Bengali", "Noto Sans Tamil", "Noto Sans Thai", "Noto Sans Arabic", "Noto Sans Hebrew",
                   "Noto Sans Armenian", "Noto Sans Georgian", "Noto Sans Ethiopic", "Noto Color Emoji")
#: The same list as a CSS ``font-family`` value (SVG pictures), ending in the generic family.
CSS_FONT_FAMILY = ", ".join(f"'{f}'" for f in FONT_PREFERENCE) + ", sans-serif"

#: Contacts older than this many days get the palest colour.
RECENCY_DAYS = 365
#: Colour stops of the recency scale (0 days .. :data:`RECENCY_DAYS`), evenly spaced, blended linearly in RGB.
RECENCY_STOPS = ("#08306B", "#2171B5", "#6BAED6", "#C6DBEF", "#E3E3E3")


def recency_colour(days: float) -> str:
    """The colour of a contact last met ``days`` ago (the same scale as the colour bar)."""
    t = max(0.0, min(1.0, days / RECENCY_DAYS)) * (len(RECENCY_STOPS) - 1)
    i = min(int(t), len(RECENCY_STOPS) - 2)
    f = t - i
    a, b = RECENCY_STOPS[i], RECENCY_STOPS[i + 1]
    rgb = [round(int(a[k:k + 2], 16) * (1 - f) + int(b[k:k + 2], 16) * f) for k in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def attitude_mark(attitude: int | None) -> tuple[str, str] | None:
    """The mark drawn beside a stakeholder for their attitude toward us (-2..+2), and its colour; none for 0.

    Examples
    --------
    >>> attitude_mark(2), attitude_mark(-1), attitude_mark(0)
    (('++', '#0B7A3B'), ('\u2212', '#B00020'), None)
    """
    if not attitude:
        return None
    sign = "+" if attitude > 0 else "\u2212"
    return sign * min(abs(attitude), 2), ATTITUDE_COLORS["positive" if attitude > 0 else "negative"]
