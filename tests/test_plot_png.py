"""PNG pictures: kamgraph's SVG rasterised by resvg, checked pixel by pixel against the SVG document itself.

Every expectation is read from the SVG (its ``width``/``height`` in points,
the markers' and cells' positions and fills, a label's position, size and
DejaVu Sans width) and looked up in the PNG decoded by Pillow, so the checks
do not depend on the rasteriser: a wrong scale, a transparent or grey
background, a lost fill, a missing or substituted font each fail one.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from PIL import Image

from kamgraph.views.plots.raster import available, font_files
from kamgraph.views.plots.save import plot_svg, write_plot
from kamgraph.views.plots.textmetrics import ASCENT, DESCENT, text_width

from .review_data import DEMO_AS_OF, demo_analysis

NS = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent
DPI = 100

pytestmark = pytest.mark.skipif(not available() and not os.environ.get("CI"), reason="resvg is not installed")


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _close(pixel: tuple[int, ...], want: tuple[int, int, int], tolerance: int = 10) -> bool:
    return max(abs(p - q) for p, q in zip(pixel[:3], want, strict=True)) <= tolerance


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[ET.Element, Image.Image]]:
    """Each kind's SVG document and the PNG :func:`write_plot` writes at :data:`DPI`, decoded."""
    folder = tmp_path_factory.mktemp("png")
    analysis = demo_analysis()
    out = {}
    for kind in ("map", "matrix", "timeline"):
        root = ET.fromstring(plot_svg(analysis, kind))
        png = write_plot(analysis, kind, folder / f"{kind}.png", dpi=DPI)
        image = Image.open(io.BytesIO(png.read_bytes()))
        assert image.format == "PNG"
        out[kind] = (root, image.convert("RGBA"))
    return out


@pytest.mark.parametrize("kind", ["map", "matrix", "timeline"])
def test_the_png_is_the_svg_size_at_the_dpi_and_opaque_white_behind(kind: str, pictures: dict) -> None:  # type: ignore[type-arg]
    root, image = pictures[kind]
    width, height = (float(root.get(side, "")[:-2]) for side in ("width", "height"))  # "…pt"
    assert abs(image.width - width * DPI / 72) <= 1 and abs(image.height - height * DPI / 72) <= 1
    assert image.getchannel("A").getextrema() == (255, 255)  # no transparency anywhere
    corners = [(0, 0), (image.width - 1, 0), (0, image.height - 1), (image.width - 1, image.height - 1)]
    assert all(image.getpixel(p) == (255, 255, 255, 255) for p in corners)
    small = image.resize((image.width // 4, image.height // 4))
    white = sum(1 for p in small.get_flattened_data() if p[:3] == (255, 255, 255))
    assert white > small.width * small.height * 0.4  # mostly white paper, not a flat fill


def test_the_dpi_scales_the_pixels(tmp_path: Path) -> None:
    analysis = demo_analysis()
    root = ET.fromstring(plot_svg(analysis, "timeline"))
    width = float(root.get("width", "")[:-2])
    for dpi in (72, 216):
        image = Image.open(write_plot(analysis, "timeline", tmp_path / f"t{dpi}.png", dpi=dpi))
        assert abs(image.width - width * dpi / 72) <= 1


def test_map_markers_have_their_fill_at_their_centre(pictures: dict) -> None:  # type: ignore[type-arg]
    root, image = pictures["map"]
    scale = DPI / 72
    markers = [m for m in root.iter() if m.get("class") == "marker"]
    assert len(markers) == 55
    checked = 0
    for marker in markers:
        if marker.tag == NS + "circle":
            x, y = float(marker.get("cx", "")), float(marker.get("cy", ""))
        else:  # a polygon: the centre of its corners (every marker outline is symmetric about its centre)
            corners = [tuple(map(float, p.split(","))) for p in marker.get("points", "").split()]
            x, y = sum(c[0] for c in corners) / len(corners), sum(c[1] for c in corners) / len(corners)
        pixel = image.getpixel((int(x * scale), int(y * scale)))
        assert _close(pixel, _rgb(marker.get("fill", ""))), (marker.get("data-id"), pixel, marker.get("fill"))
        checked += 1
    assert checked == len(markers)


def test_matrix_cells_and_timeline_bars_have_their_fill(pictures: dict) -> None:  # type: ignore[type-arg]
    scale = DPI / 72
    root, image = pictures["matrix"]
    cells = [r for r in root.iter(NS + "rect") if r.get("stroke") == "#DDDDDD" and r.get("fill", "").startswith("#")]
    coloured = [c for c in cells if c.get("fill") != "#FFFFFF"]
    assert len(cells) > 400 and len({c.get("fill") for c in coloured}) == 3
    for cell in cells:  # a quarter in from the top-left corner: inside the cell, clear of its number and border
        x, y = float(cell.get("x", "")) + 0.25 * float(cell.get("width", "")), float(cell.get("y", "")) + 0.25 * float(
            cell.get("height", ""))
        assert _close(image.getpixel((int(x * scale), int(y * scale))), _rgb(cell.get("fill", "")))
    root, image = pictures["timeline"]
    hatched = [(float(r.get("x", "")), float(r.get("y", ""))) for r in root.iter(NS + "rect")
               if r.get("class") == "partial"]
    bars = [r for r in root.iter(NS + "rect") if r.get("class") == "bar"
            and (float(r.get("x", "")), float(r.get("y", ""))) not in hatched and float(r.get("height", "")) > 3]
    assert len(bars) > 50
    for bar in bars:
        x = float(bar.get("x", "")) + float(bar.get("width", "")) / 2
        y = float(bar.get("y", "")) + float(bar.get("height", "")) / 2
        assert _close(image.getpixel((int(x * scale), int(y * scale))), _rgb(bar.get("fill", "")))


@pytest.mark.parametrize("kind", ["map", "matrix", "timeline"])
def test_the_title_is_drawn_in_dejavu_sans(kind: str, pictures: dict) -> None:  # type: ignore[type-arg]
    """Dark ink inside the title's box, spanning the width DejaVu Sans Bold gives it (the layout's font)."""
    root, image = pictures[kind]
    scale = DPI / 72
    title = next(t for t in root.iter(NS + "text") if t.get("class") == "title")
    size, x, y = float(title.get("font-size", "")), float(title.get("x", "")), float(title.get("y", ""))
    assert title.get("text-anchor") is None and title.get("font-weight") == "bold"
    width = text_width(title.text or "", size, "bold")
    top, bottom = int((y - ASCENT * size) * scale), int((y + DESCENT * size) * scale) + 1
    band = image.crop((0, top, int((x + width + 20) * scale), bottom)).convert("L")  # the title and 20 pt after
    dark = [col for col in range(band.width) if min(band.getpixel((col, row)) for row in range(band.height)) < 90]
    assert dark and len(dark) > width * scale * 0.4  # ink along the line, not a stray pixel
    left, right = min(dark) / scale, (max(dark) + 1) / scale
    assert abs(left - x) < 1.5  # starts at the text's x (a glyph's side bearing is under a point)
    assert abs((right - left) - width) < 0.03 * width, (right - left, width)  # DejaVu Sans Bold's width


def test_the_map_names_are_drawn_inside_their_boxes(pictures: dict) -> None:  # type: ignore[type-arg]
    root, image = pictures["map"]
    scale = DPI / 72
    names = [t for t in root.iter(NS + "text") if t.get("class") == "name"]
    assert len(names) == 55
    for name in names:
        size, x, y = float(name.get("font-size", "")), float(name.get("x", "")), float(name.get("y", ""))
        width = text_width(name.text or "", size, name.get("font-weight", "normal"))
        x0 = {"end": x - width, "middle": x - width / 2}.get(name.get("text-anchor", ""), x)
        box = image.crop((int(x0 * scale), int((y - ASCENT * size) * scale), int((x0 + width) * scale) + 1,
                          int((y + DESCENT * size) * scale) + 1)).convert("L")
        fill = sum(_rgb(name.get("fill", "#111111"))) / 3  # ink: at least halfway from white to the text's colour
        ink = sum(1 for p in box.get_flattened_data() if p < (255 + fill) / 2)
        assert ink > 0.05 * box.width * box.height, (name.text, ink)


def test_dejavu_sans_is_found_without_importing_matplotlib() -> None:
    files = font_files()
    assert files and all(Path(f).is_file() for f in files)
    assert {Path(f).name for f in files} >= {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"}


def _run_cli(args: list[str], cwd: Path, *, block_resvg: bool = False) -> list[str]:
    """Run ``kamgraph ARGS`` in a fresh interpreter; the matplotlib modules it had imported when it exited."""
    code = ("import atexit, json, runpy, sys\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"  # this checkout's kamgraph, as `python cli.py` would have
            + ("sys.modules['resvg'] = None\n" if block_resvg else "")
            + "atexit.register(lambda: print('MPL', json.dumps(sorted(m for m in sys.modules "
              "if m.split('.')[0] == 'matplotlib')[:3]), file=sys.stderr))\n"
            f"sys.argv = ['kamgraph', *{args!r}]\n"
            f"runpy.run_path({str(ROOT / 'cli.py')!r}, run_name='__main__')\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stderr.splitlines() if x.startswith("MPL "))
    return json.loads(line[4:])  # type: ignore[no-any-return]


def test_plot_png_does_not_import_matplotlib_and_falls_back_to_it_without_resvg(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "demo.db")]
    subprocess.run([sys.executable, str(ROOT / "cli.py"), *store, "demo", "--as-of", DEMO_AS_OF.isoformat()],
                   cwd=tmp_path, check=True, capture_output=True)
    plot = [*store, "plot", "northwind", "--as-of", DEMO_AS_OF.isoformat(), "--dpi", "60", "-o"]
    assert _run_cli([*plot, str(tmp_path / "fast.png")], tmp_path) == []
    assert _run_cli([*plot, str(tmp_path / "slow.png")], tmp_path, block_resvg=True) != []
    fast, slow = Image.open(tmp_path / "fast.png"), Image.open(tmp_path / "slow.png")
    assert fast.format == slow.format == "PNG" and fast.width > 400 and slow.width > 400


def test_hostile_names_rasterise(tmp_path: Path) -> None:
    """Markup, quotes, bidi controls and CJK in names: the escaped SVG is well-formed for resvg too."""
    from .review_data import hostile_analysis

    analysis = hostile_analysis()
    root = ET.fromstring(plot_svg(analysis, "map"))
    image = Image.open(write_plot(analysis, "map", tmp_path / "hostile.png", dpi=DPI))
    assert abs(image.width - float(root.get("width", "")[:-2]) * DPI / 72) <= 1


def test_the_deck_and_the_markdown_report_rasterise_without_matplotlib(tmp_path: Path) -> None:
    """``report --format pptx`` and ``--format md`` take their pictures from the SVG writers through resvg (no
    matplotlib imported), and fall back to matplotlib without resvg; the deck's map keeps the SVG's proportions."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    store = ["--store", str(tmp_path / "demo.db")]
    subprocess.run([sys.executable, str(ROOT / "cli.py"), *store, "demo", "--as-of", DEMO_AS_OF.isoformat()],
                   cwd=tmp_path, check=True, capture_output=True)
    report = [*store, "report", "northwind", "--as-of", DEMO_AS_OF.isoformat()]
    assert _run_cli([*report, "--format", "pptx", "-o", str(tmp_path / "fast.pptx")], tmp_path) == []
    assert _run_cli([*report, "--format", "md", "-o", str(tmp_path / "fast.md")], tmp_path) == []
    assert _run_cli([*report, "--format", "pptx", "-o", str(tmp_path / "slow.pptx")], tmp_path,
                    block_resvg=True) != []
    from .review_data import demo_analysis

    root = ET.fromstring(plot_svg(demo_analysis(), "map", title=False))
    ratio = float(root.get("width", "")[:-2]) / float(root.get("height", "")[:-2])
    deck = Presentation(str(tmp_path / "fast.pptx"))
    picture = next(sh for sh in deck.slides[2].shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE)
    image = Image.open(io.BytesIO(picture.image.blob))
    assert abs(image.width / image.height - ratio) < 0.01 and abs(picture.width / picture.height - ratio) < 0.01
    assert (tmp_path / "fast-map.png").read_bytes().startswith(b"\x89PNG")
