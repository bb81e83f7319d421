"""PNG from kamgraph's SVG pictures, rasterised by resvg (the ``resvg`` package), without matplotlib.

``kamgraph plot -o FILE.png`` draws the picture with kamgraph's SVG writers
(:mod:`.svg_map`, :mod:`.svg_charts`) and hands the document to resvg, a
self-contained SVG renderer (Rust; the ``resvg`` wheels, a thin binding of
it, need no system library and import in a millisecond). matplotlib's import
alone costs more than a whole ``kamgraph xray``; this path does not import it.
(``resvg-py``, another binding of the same renderer, is better known but its
wheels are built for size, not speed: it renders our map 2-3x slower, which
puts ``plot -o FILE.png`` past twice the time of ``xray``.)

Size: the SVG pictures are sized in points (``width="…pt"``), and resvg turns
points into pixels at the ``dpi`` it is given, so a picture of ``W`` x ``H``
points becomes ``W * dpi / 72`` x ``H * dpi / 72`` pixels (rounded), what
``--dpi`` means for matplotlib's PNG too.

Fonts: the label widths the layout reserves are DejaVu Sans's
(:mod:`.textmetrics`), so resvg is given the DejaVu Sans files (matplotlib's
copy, found without importing it, else the system's) besides the system's
fonts, which supply the scripts DejaVu lacks (Chinese, Japanese, Korean...).

Speed: resvg draws an element with ``opacity`` through an offscreen layer,
which for the map's hundred-odd translucent contact lines and label halos
adds about a third to its time. An element painted with one paint only (a fill and no
stroke, or a stroke and ``fill="none"``: every translucent element our writer
makes) looks the same with ``fill-opacity`` / ``stroke-opacity`` instead, so
:func:`single_paint_opacity` rewrites those before rendering (hand-written:
a one-line attribute rewrite of the documents :class:`~.svg.Svg` writes, not
a general SVG transformation).

Examples
--------
>>> svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="36pt" height="18pt" viewBox="0 0 36 18">'
...        '<rect width="100%" height="100%" fill="white"/>'
...        '<circle cx="9" cy="9" r="6" fill="#CC0033"/></svg>')
>>> import io
>>> from PIL import Image
>>> image = Image.open(io.BytesIO(svg_png(svg, dpi=144))).convert("RGB")
>>> image.size, image.getpixel((18, 18)), image.getpixel((54, 18))
((72, 36), (204, 0, 51), (255, 255, 255))
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

__all__ = ["available", "svg_png", "font_files", "single_paint_opacity"]

_FACES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf")
_SYSTEM = Path("/usr/share/fonts/truetype/dejavu")
_SHAPE = re.compile(r"<(?:rect|circle|polygon|polyline|path|ellipse|line)\b[^>]*>")
_OPACITY = re.compile(r' opacity="([0-9.]+)"')


def available() -> bool:
    """Whether resvg (the ``resvg`` package) is installed: then PNG pictures skip matplotlib."""
    return importlib.util.find_spec("resvg") is not None


@cache
def font_files() -> tuple[str, ...]:
    """The DejaVu Sans files (regular, bold, oblique, bold oblique) found: matplotlib's copy, else the system's."""
    spec = importlib.util.find_spec("matplotlib")
    places = [Path(p) / "mpl-data" / "fonts" / "ttf" for p in (spec.submodule_search_locations or [])] if spec else []
    for folder in [*places, _SYSTEM]:
        found = tuple(str(folder / name) for name in _FACES if (folder / name).is_file())
        if found:
            return found
    return ()


def _one_paint(match: re.Match[str]) -> str:
    tag = match.group(0)
    value = _OPACITY.search(tag)
    if value is None:
        return tag
    stroked = ' stroke="' in tag
    filled = ' fill="none"' not in tag
    if stroked and filled:  # two paints overlap: only group opacity draws that right
        return tag
    paint = "stroke-opacity" if stroked else "fill-opacity"
    return tag[:value.start()] + f' {paint}="{value.group(1)}"' + tag[value.end():]


def single_paint_opacity(svg: str) -> str:
    """``svg`` with ``opacity`` on single-paint shapes turned into ``fill-opacity`` or ``stroke-opacity``.

    Examples
    --------
    >>> single_paint_opacity('<polyline points="0,0 9,9" fill="none" stroke="#333" opacity="0.5"/>')
    '<polyline points="0,0 9,9" fill="none" stroke="#333" stroke-opacity="0.5"/>'
    >>> single_paint_opacity('<rect width="4" height="4" fill="white" opacity="0.85"/>')
    '<rect width="4" height="4" fill="white" fill-opacity="0.85"/>'
    >>> single_paint_opacity('<rect width="4" height="4" fill="red" stroke="blue" opacity="0.5"/>')
    '<rect width="4" height="4" fill="red" stroke="blue" opacity="0.5"/>'
    """
    return _SHAPE.sub(_one_paint, svg)


def svg_png(svg: str, dpi: float = 150) -> bytes:
    """PNG bytes of an SVG document sized in points, at ``dpi`` (pixels = points * dpi / 72), on white.

    Raises :class:`ImportError` when ``resvg`` is not installed (see :func:`available`).
    """
    import resvg

    options = resvg.usvg.Options.default()
    options.dpi = float(dpi)  # usvg turns a length in points into dpi / 72 pixels
    for path in font_files():  # loaded first: DejaVu Sans is found here before any system copy
        options.load_font_file(path)
    options.load_system_fonts()  # the scripts DejaVu Sans lacks
    tree = resvg.usvg.Tree.from_str(single_paint_opacity(svg), options)
    return bytes(resvg.render(tree, (1, 0, 0, 0, 1, 0), bg_color=(255, 255, 255, 255)))
