"""Which implementation of the hot kernels runs: compiled or pure Python.

The analysis kernels (tie aggregation, the compact graph's layout, removal
impacts, connectivity, team betweenness, brokers' constraint) exist twice:
as plain Python, next to the concept they implement, and compiled with Cython
in :mod:`kamgraph.kernels._compiled`, built when kamgraph is installed (and by
``python hatch_build.py`` in a checkout). The two give the same results --
the tests run both on the same graphs -- the compiled one several times
faster. Without a C compiler kamgraph still installs and works, on the plain
Python twins.

``KAMGRAPH_PURE_PYTHON=1`` forces the plain Python twins.

Examples
--------
>>> backend() in ("compiled", "python")
True
"""

from __future__ import annotations

import os
from types import ModuleType

__all__ = ["compiled", "backend", "load_compiled"]


def load_compiled(env: dict[str, str] | None = None) -> ModuleType | None:
    """The compiled kernels module, or None (not built, or ``KAMGRAPH_PURE_PYTHON`` set)."""
    env = os.environ if env is None else env
    if env.get("KAMGRAPH_PURE_PYTHON", "").strip().lower() in ("1", "true", "yes", "on"):
        return None
    try:
        from . import _compiled as _kernels  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _kernels


#: The compiled kernels, or None when the plain Python twins run.
compiled: ModuleType | None = load_compiled()


def backend() -> str:
    """``'compiled'`` or ``'python'``: which kernels this process runs."""
    return "python" if compiled is None else "compiled"
