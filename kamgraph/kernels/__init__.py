"""The hot analysis kernels, compiled or in plain Python: chosen once, at import.

The kernels -- tie aggregation and its views, the compact graph's edge
layout, removal impacts, connectivity, team betweenness, brokers'
constraint, warm paths -- exist twice, with the same names and signatures:
in plain Python (:mod:`kamgraph.kernels.python`, which defines them) and
compiled with Cython (``kamgraph.kernels._compiled``), built when kamgraph is
installed (and by ``python hatch_build.py`` in a checkout). Both take plain
lists, dicts and arrays (CSR arrays, node numbers; nothing else of kamgraph)
and return the named tuples of :mod:`kamgraph.kernels.results`; the tests run
both on the same graphs. The compiled ones are several times faster; without
a C compiler kamgraph still installs and works, on the Python ones.

This package exposes the kernel functions themselves, bound when it is
imported: to the compiled module when it was built and
``KAMGRAPH_PURE_PYTHON`` is not set (to 1, true, yes or on), else to
:mod:`kamgraph.kernels.python`. Callers write ``kernels.impacts(...)`` and
never ask which. :func:`backend` says which runs; :data:`python` and
:func:`compiled_module` give each implementation explicitly (for the tests
and benchmarks).

Examples
--------
>>> backend() in ("compiled", "python")
True
>>> impacts is (python.impacts if backend() == "python" else compiled_module().impacts)
True
>>> load_compiled({"KAMGRAPH_PURE_PYTHON": "1"}) is None
True
"""

from __future__ import annotations

import os
from types import ModuleType

from . import python
from .results import (
    BridgeTable,
    BrokerTable,
    ClientPairTable,
    EdgeLayout,
    Impacts,
    PairTable,
    TieTable,
    TieViews,
    WarmPathTree,
)

__all__ = [
    # the kernels (python.__all__)
    "aggregate_ties", "tie_views", "build_edges", "impacts", "connectivity", "team_betweenness", "brokers",
    "warm_paths",
    # their results
    "PairTable", "ClientPairTable", "TieTable", "TieViews", "EdgeLayout", "BridgeTable", "Impacts", "BrokerTable",
    "WarmPathTree",
    # the choice
    "backend", "load_compiled", "compiled_module", "python",
]


def load_compiled(env: dict[str, str] | None = None) -> ModuleType | None:
    """The compiled kernels module, or None (not built, or ``KAMGRAPH_PURE_PYTHON`` set in ``env``).

    Parameters
    ----------
    env : dict, optional
        The environment to read ``KAMGRAPH_PURE_PYTHON`` from (default: ``os.environ``).
    """
    env = os.environ if env is None else env
    if env.get("KAMGRAPH_PURE_PYTHON", "").strip().lower() in ("1", "true", "yes", "on"):
        return None
    try:
        from . import _compiled  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _compiled


def compiled_module() -> ModuleType | None:
    """The compiled kernels module whenever it was built, whatever ``KAMGRAPH_PURE_PYTHON`` says; else None."""
    return load_compiled({})


#: The compiled module this process runs, or None. (Not named ``_compiled``: a package attribute of the
#: submodule's name would shadow it in ``from . import _compiled``.)
_running_compiled = load_compiled()

# The one switch: every kernel comes from the same module.
if _running_compiled is None:
    from .python import (
        aggregate_ties,
        brokers,
        build_edges,
        connectivity,
        impacts,
        team_betweenness,
        tie_views,
        warm_paths,
    )
else:
    from ._compiled import (  # type: ignore[import-not-found,no-redef]
        aggregate_ties,
        brokers,
        build_edges,
        connectivity,
        impacts,
        team_betweenness,
        tie_views,
        warm_paths,
    )


def backend() -> str:
    """``'compiled'`` or ``'python'``: which kernels this process runs."""
    return "python" if _running_compiled is None else "compiled"
