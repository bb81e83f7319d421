"""The report as a slide deck (PowerPoint ``.pptx``, written with python-pptx).

Six 16:9 slides, one each: title, summary with the top risks (and the change
since the comparison date), relationship map, communication matrix, trend
(meetings per month), actions. Text is real, editable text (title and body
placeholders of the default layouts, tables for figures); the pictures are
PNG rendered for the space they fill on the slide (:data:`SLIDE_DPI` dots per
inch of slide), so they are sharp on a projector without bloating the file.

PowerPoint needs raster pictures (python-pptx embeds PNG or JPEG, not SVG): the
pictures are kamgraph's own SVG (:mod:`kamgraph.views.plots.svg_map`,
:mod:`~kamgraph.views.plots.svg_charts`) rasterised by resvg
(:mod:`kamgraph.views.plots.raster`), the same pictures as the HTML report's;
without resvg, matplotlib draws the same scene (:mod:`kamgraph.views.plots.map_scene`),
imported only then.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ...domain.plans import Objective
from .content import ReviewContent, review_content

if TYPE_CHECKING:
    from ...analysis.pipeline import AccountAnalysis

__all__ = ["SLIDE_TITLES", "SLIDE_DPI", "write_slides"]

#: Titles of the slides after the title slide, in order.
SLIDE_TITLES = ("Summary and top risks", "Relationship map", "Communication matrix", "Trend: meetings per month",
                "Recommended actions")
#: Resolution of the pictures, in dots per inch of the slide area they fill.
SLIDE_DPI = 160
_WIDTH_IN, _HEIGHT_IN = 13.333, 7.5


def _picture_png(fig: object, box_w: float, box_h: float) -> tuple[bytes, float, float]:
    """PNG of a figure rendered for a box of ``box_w`` x ``box_h`` inches; returns the bytes and the size used."""
    from ..plots import figure_bytes

    w_in, h_in = fig.get_size_inches()  # type: ignore[attr-defined]
    scale = min(box_w / w_in, box_h / h_in)
    data = figure_bytes(fig, "png", dpi=max(50.0, SLIDE_DPI * scale))  # type: ignore[arg-type]
    return data, w_in * scale, h_in * scale


def _svg_picture_png(svg: str, box_w: float, box_h: float) -> tuple[bytes, float, float]:
    """PNG of an SVG picture (sized in points) rasterised for a box of ``box_w`` x ``box_h`` inches."""
    import re

    from ..plots.raster import svg_png

    size = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"[^>]*\sheight="([\d.]+)pt"', svg)
    assert size is not None, "kamgraph's SVG writers size their pictures in points"
    w_in, h_in = float(size.group(1)) / 72, float(size.group(2)) / 72
    scale = min(box_w / w_in, box_h / h_in)
    return svg_png(svg, dpi=max(50.0, SLIDE_DPI * scale)), w_in * scale, h_in * scale


def write_slides(analysis: AccountAnalysis, path: str | Path, *, top_risks: int = 3,
                 previous: AccountAnalysis | None = None, content: ReviewContent | None = None,
                 objectives: Sequence[Objective] = ()) -> Path:
    """Write the review deck of an analysed account to ``path`` (.pptx) and return the path
    (``objectives``: the account's plan, shown with the actions)."""
    from pptx import Presentation
    from pptx.util import Inches, Pt

    from ..plots import raster
    from ..plots.svg_charts import matrix_svg, timeline_svg
    from ..plots.svg_map import map_svg

    content = content or review_content(analysis, top_risks=top_risks, previous=previous, objectives=objectives)
    x = content.xray
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(_WIDTH_IN), Inches(_HEIGHT_IN)
    title_layout, body_layout, only_title = deck.slide_layouts[0], deck.slide_layouts[1], deck.slide_layouts[5]

    def titled(layout: object, title: str):  # type: ignore[no-untyped-def]
        slide = deck.slides.add_slide(layout)
        slide.shapes.title.text = title
        slide.shapes.title.left, slide.shapes.title.top = Inches(0.4), Inches(0.2)
        slide.shapes.title.width, slide.shapes.title.height = Inches(_WIDTH_IN - 0.8), Inches(0.9)
        return slide

    slide = deck.slides.add_slide(title_layout)
    slide.shapes.title.text = f"{x.account.name}: account review"
    slide.placeholders[1].text = (f"as of {x.as_of.isoformat()} · health {x.summary.health:.0f} / 100"
                                  + (f" · compared with {content.compared_on}" if content.compared_on else ""))

    slide = titled(body_layout, SLIDE_TITLES[0])
    body = slide.placeholders[1]
    body.left, body.top, body.width, body.height = Inches(0.4), Inches(1.2), Inches(7.4), Inches(5.9)
    frame = body.text_frame
    frame.text = f"Health {x.summary.health:.0f} / 100; {x.summary.shape.replace('_', ' ')}"
    for r in content.risks:
        para = frame.add_paragraph()
        para.text = f"{r.person} ({r.kind}): {100 * r.share:.0f} % cut off if they leave"
        sub = frame.add_paragraph()
        sub.text, sub.level = f"Fix: {r.fix} (owner: {r.owner})", 1
    for para in frame.paragraphs:
        for run in para.runs:
            run.font.size = Pt(16 if para.level == 0 else 13)
    if content.changes:
        rows = len(content.changes) + 1
        table = slide.shapes.add_table(rows, 4, Inches(8.0), Inches(1.3), Inches(5.0), Inches(0.3 * rows)).table
        for j, head in enumerate(["figure", str(content.compared_on), x.as_of.isoformat(), "change"]):
            table.cell(0, j).text = head
        for i, ch in enumerate(content.changes, 1):
            for j, value in enumerate([ch.figure, ch.before, ch.now, ch.change]):
                table.cell(i, j).text = value
        for row in table.rows:
            for cell in row.cells:
                for para in cell.text_frame.paragraphs:
                    for run in para.runs:
                        run.font.size = Pt(10)

    box_w, box_h = _WIDTH_IN - 0.8, _HEIGHT_IN - 1.4
    if not raster.available():  # matplotlib draws the pictures instead
        from ..plots import plot_map, plot_matrix, plot_timeline
    pictures = ((SLIDE_TITLES[1], lambda: map_svg(x, title=False), lambda: plot_map(x, title=False)),
                (SLIDE_TITLES[2], lambda: matrix_svg(analysis, title=""), lambda: plot_matrix(analysis, title="")),
                (SLIDE_TITLES[3], lambda: timeline_svg(analysis, title=False),
                 lambda: plot_timeline(analysis, title=False)))
    for title, svg, draw in pictures:
        if raster.available():
            data, w, h = _svg_picture_png(svg(), box_w, box_h)
        else:
            fig = draw().figure
            data, w, h = _picture_png(fig, box_w, box_h)
            fig.clear()
        slide = titled(only_title, title)
        slide.shapes.add_picture(io.BytesIO(data), Inches(0.4 + (box_w - w) / 2), Inches(1.2), Inches(w), Inches(h))

    slide = titled(only_title, SLIDE_TITLES[4])
    actions = x.actions[:8]
    table = slide.shapes.add_table(len(actions) + 1, 3, Inches(0.4), Inches(1.2), Inches(_WIDTH_IN - 0.8),
                                   Inches(0.4 * (len(actions) + 1))).table
    table.columns[0].width, table.columns[1].width = Inches(0.5), Inches(5.5)
    table.columns[2].width = Inches(_WIDTH_IN - 0.8 - 6.0)
    for j, head in enumerate(["#", "action", "owner"]):
        table.cell(0, j).text = head
    for i, a in enumerate(actions, 1):
        for j, value in enumerate([str(a.rank), a.title, a.owner.name if a.owner else "account team"]):
            table.cell(i, j).text = value
    for row in table.rows:
        for cell in row.cells:
            for para in cell.text_frame.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(12)
    _without_bidi_controls(deck)
    target = Path(path)
    deck.save(str(target))
    return target


def _without_bidi_controls(deck: object) -> None:
    """Every run of text on every slide (placeholders, text boxes, table cells) without bidirectional controls
    (:func:`kamgraph.views.formatting.no_bidi_controls`), as the HTML, Markdown and SVG writers print names."""
    from ..formatting import no_bidi_controls

    for slide in deck.slides:  # type: ignore[attr-defined]
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if getattr(shape, "has_table", False) and shape.has_table:
                frames += [cell.text_frame for cell in shape.table.iter_cells()]
            for frame in frames:
                for para in frame.paragraphs:
                    for run in para.runs:
                        clean = no_bidi_controls(run.text)
                        if clean != run.text:
                            run.text = clean
