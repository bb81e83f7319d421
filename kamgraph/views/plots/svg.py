"""A small SVG document writer for the review pictures: shapes and text, every string escaped.

Why hand-written: the pictures need a dozen element kinds with fixed
attributes; an SVG library (svgwrite, drawsvg) would be one more dependency
for string formatting, and matplotlib's SVG backend costs more to import than
a whole ``kamgraph xray``. What matters here is escaping, done in one place:
:func:`xml_text` escapes ``&``, ``<``, ``>`` and both quotes
(:func:`xml.sax.saxutils.escape`), drops characters XML 1.0 forbids, and
neutralises the bidirectional controls (:func:`kamgraph.views.formatting.no_bidi_controls`)
so that a name cannot reorder the text around it. Attribute values other
than text (numbers, colours from our palette) are formatted here, never taken
from the data.

Examples
--------
>>> doc = Svg(100, 40, label="a <b> & c")
>>> doc.text(5, 20, 'Ann "<i>" \u202eevil', size=8)
>>> out = doc.render()
>>> '&lt;i&gt;' in out and '&quot;' in out and '\u202e' not in out
True
>>> import xml.etree.ElementTree as ET
>>> ET.fromstring(out).find("{http://www.w3.org/2000/svg}text").text
'Ann "<i>" evil'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from ..formatting import no_bidi_controls
from .palette import CSS_FONT_FAMILY
from .textmetrics import ASCENT, DESCENT

__all__ = ["Svg", "xml_text", "num"]

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_QUOTES = {'"': "&quot;", "'": "&apos;"}


def xml_text(value: object) -> str:
    """Text escaped for XML character data and attribute values (quotes too), bidi controls neutralised."""
    return escape(_XML_FORBIDDEN.sub("", no_bidi_controls(str(value))), _QUOTES)


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros.

    Examples
    --------
    >>> num(3.0), num(2.456), num(-0.004)
    ('3', '2.46', '0')
    """
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _points(points: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


class Svg:
    """An SVG document of ``width`` x ``height`` points, built element by element, y growing downwards."""

    def __init__(self, width: float, height: float, *, label: str | None = None) -> None:
        self.width, self.height = width, height
        self.defs: list[str] = []
        self.parts: list[str] = []
        self.label = label

    # -- shapes -----------------------------------------------------------------------------------------------
    def _style(self, fill: str | None, stroke: str | None, width: float | None, opacity: float | None,
               dash: Sequence[float] | None, extra: str = "") -> str:
        out = [f'fill="{fill or "none"}"']
        if stroke:
            out.append(f'stroke="{stroke}"')
            if width is not None:
                out.append(f'stroke-width="{num(width)}"')
        if opacity is not None and opacity < 1:
            out.append(f'opacity="{num(opacity)}"')
        if dash:
            out.append(f'stroke-dasharray="{" ".join(num(d) for d in dash)}"')
        return " ".join(out) + extra

    def _cls(self, cls: str | None, data: dict[str, str] | None) -> str:
        out = f' class="{xml_text(cls)}"' if cls else ""
        for key, value in (data or {}).items():
            out += f' data-{key}="{xml_text(value)}"'
        return out

    def rect(self, x: float, y: float, w: float, h: float, *, fill: str | None = None, stroke: str | None = None,
             width: float | None = None, rx: float = 0, opacity: float | None = None, cls: str | None = None) -> None:
        """A rectangle (``rx``: rounded corners)."""
        corner = f' rx="{num(rx)}"' if rx else ""
        self.parts.append(f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}"{corner} '
                          f'{self._style(fill, stroke, width, opacity, None)}{self._cls(cls, None)}/>')

    def circle(self, x: float, y: float, r: float, *, fill: str | None = None, stroke: str | None = None,
               width: float | None = None, cls: str | None = None, data: dict[str, str] | None = None) -> None:
        """A circle of radius ``r``."""
        self.parts.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" '
                          f'{self._style(fill, stroke, width, None, None)}{self._cls(cls, data)}/>')

    def polygon(self, points: Iterable[tuple[float, float]], *, fill: str | None = None, stroke: str | None = None,
                width: float | None = None, cls: str | None = None, data: dict[str, str] | None = None) -> None:
        """A closed polygon."""
        self.parts.append(f'<polygon points="{_points(points)}" {self._style(fill, stroke, width, None, None)}'
                          f'{self._cls(cls, data)}/>')

    def polyline(self, points: Iterable[tuple[float, float]], *, stroke: str, width: float,
                 opacity: float | None = None, dash: Sequence[float] | None = None, cls: str | None = None,
                 round_caps: bool = False, data: dict[str, str] | None = None) -> None:
        """An open line through ``points``."""
        caps = ' stroke-linecap="round" stroke-linejoin="round"' if round_caps else ""
        self.parts.append(f'<polyline points="{_points(points)}" '
                          f'{self._style(None, stroke, width, opacity, dash, caps)}{self._cls(cls, data)}/>')

    def raw_def(self, element: str) -> None:
        """A ``<defs>`` child written by this package (a gradient or pattern with fixed attributes)."""
        self.defs.append(element)

    # -- text -------------------------------------------------------------------------------------------------
    def text(self, x: float, y: float, value: object, *, size: float, colour: str = "#111111",
             weight: str = "normal", style: str = "normal", ha: str = "left", va: str = "baseline",
             rotate: float = 0, cls: str | None = None) -> None:
        """Text at ``(x, y)``: ``ha`` left/center/right, ``va`` top/center/bottom/baseline (as matplotlib's)."""
        shift = {"top": ASCENT * size, "center": (ASCENT / 2) * size, "bottom": -DESCENT * size}.get(va, 0.0)
        anchor = {"left": "start", "center": "middle", "right": "end"}[ha]
        attrs = [f'x="{num(x)}"', f'y="{num(y + shift)}"', f'font-size="{num(size)}"']
        if weight != "normal":
            attrs.append(f'font-weight="{weight}"')
        if style != "normal":
            attrs.append(f'font-style="{style}"')
        if anchor != "start":
            attrs.append(f'text-anchor="{anchor}"')
        if colour != "#111111":
            attrs.append(f'fill="{colour}"')
        if rotate:
            attrs.append(f'transform="rotate({num(rotate)} {num(x)} {num(y)})"')
        self.parts.append(f'<text {" ".join(attrs)}{self._cls(cls, None)}>{xml_text(value)}</text>')

    # -- output -----------------------------------------------------------------------------------------------
    def render(self) -> str:
        """The ``<svg>`` element (no XML prolog: it embeds in HTML as it is and is a valid ``.svg`` file)."""
        label = f' role="img" aria-label="{xml_text(self.label)}"' if self.label else ""
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{num(self.width)}pt" height="{num(self.height)}pt" '
                f'viewBox="0 0 {num(self.width)} {num(self.height)}"{label} '
                f'font-family="{xml_text(CSS_FONT_FAMILY)}" fill="#111111">')
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        return head + defs + '<rect width="100%" height="100%" fill="white"/>' + "\n".join(self.parts) + "</svg>\n"
