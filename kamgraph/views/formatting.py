"""Small formatters every view shares: figures with their unit, lists of names, the terminal's width and colour.

One unit per figure everywhere: shares are percentages (``48%``), the health
score is out of 100 (``72/100``), counts are plain numbers
(:func:`fmt_summary_figure` knows which summary figure is which).

Examples
--------
>>> fmt_figure(0.114184), fmt_figure(71.7), fmt_figure(0.0), fmt_figure(None), fmt_figure(3)
('0.114', '71.7', '0', '-', '3')
>>> fmt_summary_figure("coverage", 0.4772), fmt_summary_figure("health", 71.7), fmt_summary_figure("covered", 21)
('48%', '72/100', '21')
>>> name_list(["Ana", "Ben", "Cy"], limit=2)
'Ana, Ben (+1 more)'
>>> name_list(["Ana", "Ben", "Cy"], limit=2, more=" and {n} more"), name_list([])
('Ana, Ben and 1 more', 'none')
>>> fit_text("  " + "word " * 30, 40).splitlines()[1]
'    word word word word word word word'
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping, Sequence

__all__ = ["fmt_figure", "fmt_summary_figure", "fmt_share", "fmt_health", "name_list", "PERCENT_FIGURES",
           "terminal_width", "DEFAULT_WIDTH", "fit_text", "use_color", "color_enabled", "STATUS_STYLES",
           "colour_wanted", "BIDI_CONTROLS", "no_bidi_controls"]

#: Summary figures that are shares (shown as percentages).
PERCENT_FIGURES = frozenset({"coverage", "weighted_coverage", "key_coverage", "reachable", "concentration",
                             "fragility_index"})

#: The width used when the output is not a terminal and ``COLUMNS`` is not set.
DEFAULT_WIDTH = 120

#: The styles (rich markup) of status words in tables when colour is on.
STATUS_STYLES: Mapping[str, str] = {"overdue": "bold red", "never": "red", "uncovered": "red", "at risk": "yellow",
                                    "due": "yellow", "ok": "green", "critical": "bold red", "high": "red",
                                    "medium": "yellow", "<-": "bold"}

_colour = False

#: The bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NO_BIDI = {ord(c): None for c in BIDI_CONTROLS}


def no_bidi_controls(text: str) -> str:
    """``text`` without bidirectional controls, so a name cannot reorder the text around it.

    A right-to-left override (U+202E) in a name would display everything
    after it, up to the end of the paragraph, backwards ("Ann\u202eyrros" shows
    as "Annsorry" read right to left): a name could make the figures beside it
    read differently. Names written in Arabic or Hebrew need none of these
    controls (the Unicode bidi algorithm orders them by their letters), so
    removing them changes nothing a reader should see. Every HTML, Markdown and
    SVG writer of kamgraph passes names through here.

    Examples
    --------
    >>> no_bidi_controls("Ann\u202eyrros\u202c ok"), no_bidi_controls("\u05e9\u05dc\u05d5\u05dd")
    ('Annyrros ok', 'שלום')
    """
    return text.translate(_NO_BIDI) if any(c in BIDI_CONTROLS for c in text) else text


def printable(value: object) -> object:
    """What a Jinja2 template prints (its ``finalize``): text without bidirectional controls; markup that is
    already safe (it has ``__html__``: kamgraph's own SVG and CSS) and other values as they are.

    Examples
    --------
    >>> printable("Evil\u202e Corp"), printable(3)
    ('Evil Corp', 3)
    """
    if isinstance(value, str) and not hasattr(value, "__html__"):
        return no_bidi_controls(value)
    return value


def fmt_figure(value: object) -> str:
    """A number as ``kamgraph whatif`` printed it before units (floats to 3 decimals, trailing zeros cut)."""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    return "-" if value is None else str(value)


def fmt_share(value: float | None, digits: int = 0) -> str:
    """A share (0-1) as a percentage.

    Examples
    --------
    >>> fmt_share(0.1142), fmt_share(0.1142, 1), fmt_share(None)
    ('11%', '11.4%', '-')
    """
    return "-" if value is None else f"{value:.{digits}%}"


def fmt_health(value: float | None) -> str:
    """The health score, out of 100."""
    return "-" if value is None else f"{value:.0f}/100"


def fmt_summary_figure(name: str, value: object) -> str:
    """One summary figure with its unit: shares as %, health as /100, the rest as they are."""
    if value is None:
        return "-"
    if name in PERCENT_FIGURES and isinstance(value, (int, float)):
        return fmt_share(float(value))
    if name == "health" and isinstance(value, (int, float)):
        return fmt_health(float(value))
    return fmt_figure(value)


def name_list(refs: Sequence[object], limit: int = 8, *, more: str = " (+{n} more)") -> str:
    """The names of ``refs`` (objects with a ``name``, or strings), at most ``limit``, then how many more."""
    names = [getattr(r, "name", r) if not isinstance(r, str) else r for r in refs]
    rest = f"{more.format(n=len(names) - limit)}" if len(names) > limit else ""
    return ", ".join(str(n) for n in names[:limit]) + rest if names else "none"


def terminal_width(env: Mapping[str, str] | None = None) -> int:
    """The width to fit: ``$COLUMNS`` when set, else the terminal's, else :data:`DEFAULT_WIDTH`.

    Examples
    --------
    >>> terminal_width({"COLUMNS": "100"}), terminal_width({"COLUMNS": "junk"}) > 0
    (100, True)
    """
    env = os.environ if env is None else env
    value = env.get("COLUMNS", "").strip()
    if value.isdigit() and int(value) >= 20:
        return int(value)
    size = shutil.get_terminal_size((0, 0))
    return size.columns if size.columns >= 20 else DEFAULT_WIDTH


def fit_text(text: str, width: int | None = None) -> str:
    """Wrap every line wider than ``width`` at spaces, continuing it indented under its own indent.

    Lines with terminal escape codes (coloured tables, already fitted) are left as they are. Widths
    are terminal cells (a CJK character is two), which :mod:`textwrap` does not count: the wrapping is
    written here on rich's cell measure; a word wider than a line is cut into pieces.

    Examples
    --------
    >>> print(fit_text("  会议 首席技术官兼研发中心负责人 ok", 14))
      会议
        首席技术官
        兼研发中心
        负责人 ok
    """
    from rich.cells import cell_len

    width = width or terminal_width()
    out: list[str] = []
    for line in text.split("\n"):
        if "\x1b" in line or cell_len(line) <= width:
            out.append(line)
            continue
        indent = line[:len(line) - len(line.lstrip())]
        out.extend(_wrap(line.strip(), width, indent, indent + "  ", cell_len))
    return "\n".join(out)


def _wrap(text: str, width: int, first: str, rest: str, measure: Callable[[str], int]) -> list[str]:
    lines: list[str] = []
    current = first
    empty = True
    for word in text.split():
        gap = "" if empty else " "
        if measure(current + gap + word) <= width:
            current, empty = current + gap + word, False
            continue
        if not empty:
            lines.append(current)
            current, empty = rest, True
        while measure(current + word) > width and len(word) > 1:  # a word wider than a line: cut it
            room = width - measure(current)
            cut = 1
            while cut < len(word) and measure(word[:cut + 1]) <= room:
                cut += 1
            lines.append(current + word[:cut])
            word, current = word[cut:], rest
        current, empty = current + word, False
    if not empty:
        lines.append(current)
    return lines


def colour_wanted(*, no_color_flag: bool = False, is_terminal: bool = False,
                  env: Mapping[str, str] | None = None) -> bool:
    """Whether to colour: only on a terminal, never with ``--no-color`` or a non-empty ``NO_COLOR``.

    Examples
    --------
    >>> colour_wanted(is_terminal=True, env={}), colour_wanted(is_terminal=True, env={"NO_COLOR": "1"})
    (True, False)
    >>> colour_wanted(is_terminal=False, env={}), colour_wanted(no_color_flag=True, is_terminal=True, env={})
    (False, False)
    """
    env = os.environ if env is None else env
    return is_terminal and not no_color_flag and not env.get("NO_COLOR")


def use_color(enabled: bool) -> None:
    """Turn colour in the text views on or off (off by default: the library prints plain text)."""
    global _colour
    _colour = enabled


def color_enabled() -> bool:
    """Whether the text views colour status words (see :func:`use_color`)."""
    return _colour
