"""The one-page account-review report as one self-contained HTML file.

Inline CSS and inline SVG pictures (map, matrix, timeline), no scripts, no
external assets: it opens offline in any browser and prints well. Every string
that comes from the data -- names, titles, departments, the account's name --
is escaped with :func:`html.escape`; the SVG pictures escape their text
themselves (matplotlib's SVG writer), and only their ``<svg>`` element is
embedded (no XML declaration or DOCTYPE).

Examples
--------
>>> from kamgraph.views.report.html import esc
>>> esc('<script>alert("x")</script> & co')
'&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co'
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from .content import SECTIONS, ReviewContent, Table, review_content

if TYPE_CHECKING:
    from ...analysis.pipeline import AccountAnalysis

__all__ = ["render_html_report", "content_html", "esc", "inline_svg"]

CSS = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;color:#1b1b1b;margin:24px auto;max-width:1640px;
padding:0 16px;font-size:14px;line-height:1.45}
header{border-bottom:3px solid #1F3A93;margin-bottom:12px}
h1{font-size:24px;margin:0 0 4px 0}h2{font-size:18px;color:#1F3A93;margin:28px 0 6px 0;
border-bottom:1px solid #d0d7e8}h3{font-size:14px;margin:14px 0 4px 0}
.meta{color:#555;margin:0 0 10px 0}.intro{color:#333;margin:4px 0 8px 0}
table{border-collapse:collapse;margin:4px 0 10px 0}th,td{border:1px solid #d9d9d9;padding:3px 8px;
text-align:left;vertical-align:top}th{background:#eef2fb}td.none{color:#777;font-style:italic;border:none}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}.card{border:1px solid #d0d7e8;border-radius:6px;
padding:8px 12px;min-width:120px;background:#f7f9fd}.card b{display:block;font-size:20px;color:#1F3A93}
figure{margin:6px 0;overflow-x:auto}figure svg{max-width:100%;height:auto}
nav a{margin-right:10px;color:#1F3A93}footer{margin-top:30px;color:#777;font-size:12px}
@media print{nav{display:none}h2{break-after:avoid}figure{break-inside:avoid}}
"""


def esc(text: object) -> str:
    """HTML-escape any value (quotes too)."""
    return html.escape(str(text), quote=True)


def inline_svg(svg: bytes | str) -> str:
    """The ``<svg>`` element of an SVG document, ready to embed in HTML (no prolog, no DOCTYPE, no comments)."""
    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    start = text.find("<svg")
    if start < 0:
        raise ValueError("not an SVG document")
    body = re.sub(r"<!--.*?-->", "", text[start:], flags=re.S)
    return body.strip()


def _table(table: Table) -> str:
    parts = [f"<h3>{esc(table.title)}</h3>"]
    if not table.rows:
        parts.append(f'<table><tr><td class="none">{esc(table.note)}</td></tr></table>')
        return "\n".join(parts)
    parts.append("<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in table.headers) + "</tr></thead>")
    parts.append("<tbody>" + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
                                    for row in table.rows) + "</tbody></table>")
    return "\n".join(parts)


def content_html(content: ReviewContent, pictures: dict[str, str]) -> str:
    """The report page from its content and the inline SVG of each picture (``map``, ``matrix``, ``timeline``)."""
    x = content.xray
    acc = x.account
    s = x.summary
    details = " · ".join(esc(v) for v in (acc.tier, acc.segment) if v)
    cards = [("health", f"{s.health:.0f}"), ("key covered", f"{s.key_covered}/{s.key_stakeholders}"),
             ("coverage", f"{100 * s.coverage:.0f} %"), ("fragility", f"{100 * s.fragility_index:.0f} %"),
             ("concentration", f"{100 * s.concentration:.0f} %"), ("shape", s.shape.replace("_", " "))]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(acc.name)} – account review {esc(x.as_of.isoformat())}</title>",
        f"<style>{CSS}</style></head><body>",
        f'<header><h1>{esc(acc.name)}: account review</h1><p class="meta">as of '
        f'<time datetime="{esc(x.as_of.isoformat())}">{esc(x.as_of.isoformat())}</time>'
        + (f" · {details}" if details else "") + "</p></header>",
        "<nav>" + "".join(f'<a href="#{sid}">{esc(title)}</a>' for sid, title in SECTIONS) + "</nav>",
    ]
    for sid, title in SECTIONS:
        out.append(f'<section id="{sid}"><h2>{esc(title)}</h2>')
        if sid in content.intro:
            out.append(f'<p class="intro">{esc(content.intro[sid])}</p>')
        if sid == "summary":
            out.append('<div class="cards">' + "".join(f"<div class=\"card\"><b>{esc(v)}</b>{esc(k)}</div>"
                                                       for k, v in cards) + "</div>")
        if sid in pictures:
            out.append(f'<figure id="{sid}-picture">{pictures[sid]}</figure>')
        for table in content.tables.get(sid, []):
            out.append(_table(table))
        out.append("</section>")
    out.append(f"<footer>Generated by kamgraph from the account's records as of {esc(x.as_of.isoformat())}. "
               "Figures and definitions: see the kamgraph docs, Concepts.</footer></body></html>")
    return "\n".join(out) + "\n"


def render_html_report(analysis: AccountAnalysis, *, top_risks: int = 3) -> str:
    """The whole report of an analysed account as one self-contained HTML document.

    Parameters
    ----------
    analysis : AccountAnalysis
        From :func:`kamgraph.analysis.pipeline.analyze`.
    top_risks : int
        How many of the most critical people get a what-if.
    """
    from ..plots import figure_bytes, plot_map, plot_matrix, plot_timeline

    content = review_content(analysis, top_risks=top_risks)
    pictures = {}
    for sid, draw in (("map", lambda: plot_map(content.xray)), ("matrix", lambda: plot_matrix(analysis)),
                      ("timeline", lambda: plot_timeline(analysis))):
        fig = draw().figure
        pictures[sid] = inline_svg(figure_bytes(fig, "svg"))
        fig.clear()
    return content_html(content, pictures)
