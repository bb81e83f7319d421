"""Width of a label in points, without matplotlib: the advance widths of DejaVu Sans read with fontTools.

The map is laid out before it is drawn, and the layout needs each label's
width. matplotlib can measure text, but importing it costs more than a whole
``kamgraph xray``, so the SVG pictures measure with fontTools (a matplotlib
dependency, so always installed) from the font files themselves: the sum of
the glyphs' advance widths, no kerning (DejaVu's kerning only narrows text,
so a label never needs more room than measured). A character the font lacks
(Chinese, Japanese, Korean...) counts as one em, the width of the CJK fonts
a browser falls back to.

The fonts are the DejaVu Sans files matplotlib ships (found without
importing it), else the system's (Debian ``fonts-dejavu-core``). Reading
their tables takes about 0.2 s, a third of an X-ray, so the advance widths
are kept in ``dejavu_widths.json`` beside this module (written by
:func:`width_table`; ``tests/test_svg_pictures.py`` checks it against the font
files) and read from there.

Examples
--------
>>> round(text_width("Ingrid", 8), 1) == round(sum(advance(c) for c in "Ingrid") * 8, 1)
True
>>> text_width("会社", 10)  # two characters DejaVu Sans lacks: one em each
20.0
>>> text_width("Ingrid", 8, "bold") > text_width("Ingrid", 8)
True
"""

from __future__ import annotations

import importlib.util
import json
from functools import cache
from pathlib import Path

__all__ = ["text_width", "short", "advance", "font_file", "width_table", "WIDTHS_FILE", "ASCENT", "DESCENT"]

#: Height above the baseline of capitals and below it of descenders, in em (DejaVu Sans: 0.73 and 0.236).
ASCENT, DESCENT = 0.73, 0.236

_FILES = {"normal": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
_SYSTEM = Path("/usr/share/fonts/truetype/dejavu")
#: The advance widths of both weights, in font units: ``{"units": N, "normal": [[first, [w, ...]], ...], ...}``.
WIDTHS_FILE = Path(__file__).with_name("dejavu_widths.json")


def font_file(weight: str = "normal") -> Path | None:
    """The DejaVu Sans file of this weight (``normal`` or ``bold``): matplotlib's copy, else the system's."""
    name = _FILES["bold" if weight == "bold" else "normal"]
    spec = importlib.util.find_spec("matplotlib")
    places = list(spec.submodule_search_locations or []) if spec else []
    for folder in [*(Path(p) / "mpl-data" / "fonts" / "ttf" for p in places), _SYSTEM]:
        if (folder / name).is_file():
            return folder / name
    return None


def width_table() -> dict[str, object]:
    """The advance widths of DejaVu Sans and DejaVu Sans Bold read from the font files with fontTools.

    Runs of consecutive characters are stored together: ``[first, [width, ...]]``.
    """
    from fontTools.ttLib import TTFont

    table: dict[str, object] = {}
    for weight in _FILES:
        path = font_file(weight)
        if path is None:
            raise FileNotFoundError(f"DejaVu Sans ({_FILES[weight]}) is not installed")
        with TTFont(str(path), lazy=True) as font:
            table["units"] = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            widths = {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}
        runs: list[list[object]] = []
        for code in sorted(widths):
            if runs and runs[-1][0] + len(runs[-1][1]) == code:  # type: ignore[operator, arg-type]
                runs[-1][1].append(widths[code])  # type: ignore[union-attr]
            else:
                runs.append([code, [widths[code]]])
        table[weight] = runs
    return table


@cache
def _table() -> dict[str, object]:
    try:
        return json.loads(WIDTHS_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    except (OSError, ValueError):
        try:
            return width_table()
        except (OSError, ImportError):
            return {}


@cache
def _advances(weight: str) -> dict[int, float]:
    """Advance width (em) of every character the font maps."""
    table = _table()
    if not table:
        return {}
    units = float(table["units"])  # type: ignore[arg-type]
    return {first + i: w / units for first, widths in table[weight] for i, w in enumerate(widths)}  # type: ignore[attr-defined]


def advance(char: str, weight: str = "normal") -> float:
    """Advance width of one character in em (1.0 when the font lacks it; 0.6 when no font file is found)."""
    table = _advances("bold" if weight == "bold" else "normal")
    if not table:
        return 0.6
    return table.get(ord(char), 0.0 if ord(char) < 32 or 0x200B <= ord(char) <= 0x206F else 1.0)


def text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width of ``text`` in points at ``size`` points."""
    return sum(advance(c, weight) for c in text) * size


def short(text: str | None, limit: int) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis.

    Examples
    --------
    >>> short("Chief Information Officer", 12), short(None, 5)
    ('Chief Infor…', '')
    """
    if not text:
        return ""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
