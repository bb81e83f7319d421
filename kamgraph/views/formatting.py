"""Small formatters every view shares: summary figures and lists of names.

Examples
--------
>>> fmt_figure(0.114184), fmt_figure(71.7), fmt_figure(0.0), fmt_figure(None), fmt_figure(3)
('0.114', '71.7', '0', '-', '3')
>>> name_list(["Ana", "Ben", "Cy"], limit=2)
'Ana, Ben (+1 more)'
>>> name_list(["Ana", "Ben", "Cy"], limit=2, more=" and {n} more"), name_list([])
('Ana, Ben and 1 more', 'none')
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["fmt_figure", "name_list"]


def fmt_figure(value: object) -> str:
    """A summary figure as ``kamgraph whatif`` prints it (floats to 3 decimals, trailing zeros cut; None is -)."""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    return "-" if value is None else str(value)


def name_list(refs: Sequence[object], limit: int = 8, *, more: str = " (+{n} more)") -> str:
    """The names of ``refs`` (objects with a ``name``, or strings), at most ``limit``, then how many more."""
    names = [getattr(r, "name", r) if not isinstance(r, str) else r for r in refs]
    rest = f"{more.format(n=len(names) - limit)}" if len(names) > limit else ""
    return ", ".join(str(n) for n in names[:limit]) + rest if names else "none"
