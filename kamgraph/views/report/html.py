"""The one-page account-review report as one self-contained HTML file.

Inline CSS and inline SVG pictures (map, matrix, timeline), no scripts, no
external assets: it opens offline in any browser and prints well. Every string
that comes from the data -- names, titles, departments, the account's name --
is escaped by the Jinja2 templates (``templates/``, autoescape on, also for a
company's own templates); the SVG pictures escape their text themselves
(:mod:`kamgraph.views.plots.svg`, which also drops bidirectional controls), and
only their ``<svg>`` element is embedded (no XML declaration or DOCTYPE). The
pictures are drawn without matplotlib (:mod:`kamgraph.views.plots.svg_map`,
:mod:`kamgraph.views.plots.svg_charts`): importing it would cost more than the
whole X-ray the report is built on.

Examples
--------
>>> from kamgraph.views.report.html import esc
>>> esc('<script>alert("x")</script> & co')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co'
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from ...domain.plans import Objective
from ...errors import InputError
from ..formatting import no_bidi_controls, printable
from .content import SECTIONS, ReviewContent, review_content

if TYPE_CHECKING:
    from ...analysis.pipeline import AccountAnalysis

__all__ = ["render_html_report", "content_html", "esc", "inline_svg", "template_environment", "draw_pictures",
           "TEMPLATES"]

TEMPLATES = Path(__file__).with_name("templates")


def template_environment(template_dir: str | Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment of the report: a company's ``template_dir`` first, then the built-in templates.

    Autoescaping is on for every template (whatever its name), so a branded
    template escapes names too; only :class:`markupsafe.Markup` values (the
    inline SVG pictures and the stylesheet) are inserted as they are. Every
    other value printed by a template first loses its bidirectional controls
    (``finalize``: :func:`kamgraph.views.formatting.no_bidi_controls`), so a name
    with a right-to-left override cannot reorder the text around it.
    """
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        folder = Path(template_dir)
        if not folder.is_dir():
            raise InputError(f"{folder}: not a folder of report templates", field="report.template_dir")
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES)))
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, finalize=printable)


def esc(text: object) -> str:
    """HTML-escape any value (quotes too), without bidirectional controls."""
    return html.escape(no_bidi_controls(str(text)), quote=True)


def inline_svg(svg: bytes | str) -> str:
    """The ``<svg>`` element of an SVG document, ready to embed in HTML (no prolog, no DOCTYPE, no comments)."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    start = text.find("<svg")
    if start < 0:
        raise ValueError("not an SVG document")
    body = re.sub(r"<!--.*?-->", "", text[start:], flags=re.S)
    return body.strip()


#: Width of the printed page's text area, in points (A4 landscape, 10 mm margins: 277 mm), which the report's
#: map is laid out for, so that printed at 100 % its labels keep their size (at least 7 pt).
PRINT_WIDTH = 277 / 25.4 * 72

#: Which section shows which picture.
PICTURE_SECTIONS = {"map": "map", "matrix": "matrix", "trend": "timeline"}


def content_html(content: ReviewContent, pictures: dict[str, str], *,
                 template_dir: str | Path | None = None) -> str:
    """The report page from its content and the inline SVG of each picture (``map``, ``matrix``, ``timeline``)."""
    x = content.xray
    acc = x.account
    s = x.summary
    cards = [("health", f"{s.health:.0f}"), ("key covered", f"{s.key_covered}/{s.key_stakeholders}"),
             ("coverage", f"{100 * s.coverage:.0f} %"), ("fragility", f"{100 * s.fragility_index:.0f} %"),
             ("concentration", f"{100 * s.concentration:.0f} %"), ("shape", s.shape.replace("_", " "))]
    env = template_environment(template_dir)
    css = env.get_template("report.css").render()
    shown = {sid: (kind, Markup(pictures[kind])) for sid, kind in PICTURE_SECTIONS.items()  # noqa: S704 - our SVG
             if kind in pictures}
    printed = Markup(pictures["map_print"]) if "map_print" in pictures else None  # noqa: S704 - our SVG
    page = env.get_template("report.html.j2").render(
        x=x, c=content, css=Markup(css.replace("</", "<\\/")), sections=SECTIONS, pictures=shown,  # noqa: S704
        cards=cards, details=[v for v in (acc.tier, acc.segment) if v], map_print=printed)
    return page


def draw_pictures(content: ReviewContent, analysis: AccountAnalysis, fmt: str = "svg", dpi: float = 150
                  ) -> dict[str, bytes]:
    """The three pictures of the report (``map``, ``matrix``, ``timeline``), each drawn once, as bytes.

    SVG comes from kamgraph's own writers (no matplotlib), with a fourth, ``map_print``: the map laid out
    for the printed page (:data:`PRINT_WIDTH`, names only, legend below), which the page shows in print
    instead of the screen's map so that printed at 100 % its labels are 7 pt or more. PNG is that SVG
    rasterised (:mod:`kamgraph.views.plots.raster`) when resvg is installed; PDF, and PNG without resvg,
    come from matplotlib.
    """
    from ..plots import raster

    if fmt == "svg" or (fmt == "png" and raster.available()):
        from ..plots.svg_charts import matrix_svg, timeline_svg
        from ..plots.svg_map import map_svg

        svg = {"map": map_svg(content.xray), "matrix": matrix_svg(analysis), "timeline": timeline_svg(analysis)}
        if fmt == "png":
            return {kind: raster.svg_png(text, dpi) for kind, text in svg.items()}
        return {"map": svg["map"].encode(), "map_print": map_svg(content.xray, fit_width=PRINT_WIDTH - 4).encode(),
                "matrix": svg["matrix"].encode(), "timeline": svg["timeline"].encode()}
    from ..plots import figure_bytes, plot_map, plot_matrix, plot_timeline

    pictures = {}
    for kind, draw in (("map", lambda: plot_map(content.xray)), ("matrix", lambda: plot_matrix(analysis)),
                       ("timeline", lambda: plot_timeline(analysis))):
        fig = draw().figure
        pictures[kind] = figure_bytes(fig, fmt, dpi)
        fig.clear()
    return pictures


def render_html_report(analysis: AccountAnalysis, *, top_risks: int = 3, previous: AccountAnalysis | None = None,
                       template_dir: str | Path | None = None, objectives: Sequence[Objective] = ()) -> str:
    """The whole report of an analysed account as one self-contained HTML document.

    Parameters
    ----------
    analysis : AccountAnalysis
        From :func:`kamgraph.analysis.pipeline.analyze`.
    top_risks : int
        How many of the most critical people are named as risks and get a what-if.
    previous : AccountAnalysis, optional
        The account at the comparison date (the change column of the decisions).
    template_dir : str or Path, optional
        A folder of templates replacing the built-in ones (setting ``[report] template_dir``).
    objectives : sequence of Objective
        The account's plan; those open on the report's date are evaluated into the actions section.
    """
    content = review_content(analysis, top_risks=top_risks, previous=previous, objectives=objectives)
    pictures = {k: inline_svg(v) for k, v in draw_pictures(content, analysis).items()}
    return content_html(content, pictures, template_dir=template_dir)
