r"""The account-review report as Markdown, with its pictures written beside it as PNG files.

``review.md`` links ``review-map.png``, ``review-matrix.png`` and
``review-timeline.png`` (relative links, so the folder can be moved or
committed to a wiki). Every string from the data is escaped with
:func:`md_escape`: the characters that make Markdown (emphasis, links, code,
tables, strikethrough, math) get a backslash, ``<``, ``>``, ``&`` become HTML
entities, and a value that would start a heading or a list at the start of a
line is defused -- so neither Markdown nor raw HTML in a name can change the
document. Bidirectional controls (U+202A-U+202E, U+2066-U+2069) are removed
(:func:`kamgraph.views.formatting.no_bidi_controls`), so a name cannot reorder
the text around it. Ordinary punctuation (full stops, parentheses, hyphens, ``!``, ``#``
inside a line) is left alone, so sentences read as written.

Examples
--------
>>> print(md_escape("<script>alert(1)</script> *x* [a](b) | c"))
&lt;script&gt;alert(1)&lt;/script&gt; \*x\* \[a\](b) \| c
>>> print(md_escape("Health 72 / 100. Re-thread (now)!"))
Health 72 / 100. Re-thread (now)!
>>> print(md_escape("# 1. - not a heading"), md_escape("2024. A year"))
\# 1. - not a heading 2024\. A year
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from ...domain.plans import Objective
from ..formatting import no_bidi_controls
from .content import SECTIONS, ReviewContent, Table, review_content

if TYPE_CHECKING:
    from ...analysis.pipeline import AccountAnalysis

__all__ = ["md_escape", "content_markdown", "write_markdown_report", "picture_paths"]

#: Characters that make Markdown anywhere in a line (GitHub/GitLab flavoured, with $math$).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
#: What makes a block only at the start of a line: heading, quote (entity already), list, rule, numbered list.
_LINE_START = re.compile(r"^(#|[+\-=](?=\s|$)|\d+(?=[.)](?:\s|$)))")


def md_escape(text: object) -> str:
    """Escape a value for Markdown text and table cells (one line; HTML-sensitive characters as entities)."""
    value = " ".join(no_bidi_controls(str(text)).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
    match = _LINE_START.match(value)
    if match is None:
        return value
    if match.group(1)[0].isdigit():  # "2024. A year" would be a numbered list
        end = match.end()
        return value[:end] + "\\" + value[end:]
    return "\\" + value


def picture_paths(report: str | Path) -> dict[str, Path]:
    """Where the pictures of a Markdown report go: beside it, named after it.

    Examples
    --------
    >>> {k: v.name for k, v in picture_paths("out/review.md").items()}
    {'map': 'review-map.png', 'matrix': 'review-matrix.png', 'timeline': 'review-timeline.png'}
    """
    path = Path(report)
    return {kind: path.with_name(f"{path.stem}-{kind}.png") for kind in ("map", "matrix", "timeline")}


def _table(table: Table) -> list[str]:
    lines = [f"**{md_escape(table.title)}**", ""]
    if not table.rows:
        return [*lines, f"_{md_escape(table.note)}_", ""]
    lines.append("| " + " | ".join(md_escape(h) for h in table.headers) + " |")
    lines.append("|" + "---|" * len(table.headers))
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in table.rows]
    return [*lines, ""]


def _decisions(content: ReviewContent) -> list[str]:
    lines = []
    for i, r in enumerate(content.risks, 1):
        lines.append(f"{i}. **{md_escape(r.person)}** ({r.kind}): leaving would cut off {100 * r.share:.0f} % of "
                     f"the account (weighted): {md_escape(r.lost)}. Fix: {md_escape(r.fix)}. "
                     f"Owner: {md_escape(r.owner)}.")
    if lines:
        lines.append("")
    if content.changes:
        lines.append(f"| figure | {content.compared_on} | {content.xray.as_of.isoformat()} | change |")
        lines.append("|---|---|---|---|")
        lines += [f"| {md_escape(c.figure)} | {md_escape(c.before)} | {md_escape(c.now)} | {md_escape(c.change)} |"
                  for c in content.changes]
        lines.append("")
    lines += [f"- _{md_escape(n)}_" for n in content.notes]
    return [*lines, ""] if content.notes else lines


def content_markdown(content: ReviewContent, pictures: dict[str, str]) -> str:
    """The report as Markdown; ``pictures`` maps ``map``/``matrix``/``timeline`` to relative image links."""
    x = content.xray
    lines = [f"# {md_escape(x.account.name)}: account review", "",
             f"As of **{x.as_of.isoformat()}**"
             + "".join(f" · {md_escape(v)}" for v in (x.account.tier, x.account.segment) if v), ""]
    shown = {"map": "map", "matrix": "matrix", "trend": "timeline"}
    for sid, title in SECTIONS:
        lines += [f"## {md_escape(title)}", ""]
        if sid in content.intro:
            lines += [md_escape(content.intro[sid]), ""]
        if sid == "decisions":
            lines += _decisions(content)
        if shown.get(sid) in pictures:
            # Percent-encoded as a URL path: a space or a parenthesis would end the link, "#" and "?" would
            # start a fragment or a query (a report named "review #3.md" showed no picture), "%" an escape.
            link = quote(pictures[shown[sid]], safe="/")
            lines += [f"![{md_escape(title)}]({link})", ""]
        for table in content.tables.get(sid, []):
            lines += _table(table)
    lines += ["---", "", f"_Generated by kamgraph as of {x.as_of.isoformat()}._", ""]
    return "\n".join(lines)


def write_markdown_report(analysis: AccountAnalysis, path: str | Path, *, top_risks: int = 3,
                          dpi: float = 130, previous: AccountAnalysis | None = None,
                          objectives: Sequence[Objective] = ()) -> list[Path]:
    """Write ``path`` (Markdown) and its three PNG pictures beside it; returns every file written
    (``objectives``: the account's plan, shown with the actions)."""
    from .html import draw_pictures

    content = review_content(analysis, top_risks=top_risks, previous=previous, objectives=objectives)
    target = Path(path)
    images = picture_paths(target)
    data = draw_pictures(content, analysis, "png", dpi)
    text = content_markdown(content, {k: p.name for k, p in images.items()})
    for kind, picture in images.items():
        picture.write_bytes(data[kind])
    target.write_text(text, encoding="utf-8")
    return [target, *images.values()]
