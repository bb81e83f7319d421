"""kamgraph: relationship X-rays, fragility and alerts for key accounts.

The library is importable without click or a database driver; the command
line lives in ``cli.py``. The names below are the public API: each is loaded
from its subpackage on first use, so ``import kamgraph`` stays light.

Data flows one way through the subpackages (see the architecture page of the
docs): :mod:`~kamgraph.ingest` -> :mod:`~kamgraph.store` -> :mod:`~kamgraph.graph`
-> :mod:`~kamgraph.analysis` -> :mod:`~kamgraph.portfolio`, :mod:`~kamgraph.monitor`
-> :mod:`~kamgraph.views`, with :mod:`~kamgraph.domain` and :mod:`~kamgraph.kernels`
underneath.

Examples
--------
>>> import datetime as dt, kamgraph
>>> day = dt.date(2026, 11, 15)
>>> with kamgraph.open_store(":memory:", create=True) as store:
...     _ = store.import_batch(kamgraph.build_demo(day))
...     xray = kamgraph.build_xray(store.load_account("northwind", day), day)
>>> xray.account.name, len(xray.stakeholders), len(xray.departed)  # active stakeholders, and who left
('Northwind Logistics', 44, 1)
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import ConfigError, InputError, KamgraphError, NotFoundError, StoreError

__version__ = "0.1.0"

#: Public name -> the module that defines it.
_PUBLIC = {
    "open_store": "kamgraph.store",
    "GraphStore": "kamgraph.store.base",
    "Settings": "kamgraph.settings",
    "load_settings": "kamgraph.settings",
    "import_files": "kamgraph.ingest",
    "build_demo": "kamgraph.samples.demo",
    "analyze": "kamgraph.analysis.pipeline",
    "AccountAnalysis": "kamgraph.analysis.pipeline",
    "what_if": "kamgraph.analysis.whatif",
    "build_xray": "kamgraph.views.xray",
    "XRay": "kamgraph.views.xray",
    "export_graph": "kamgraph.views.graph_export",
    "build_portfolio": "kamgraph.portfolio.table",
    "departure_impact": "kamgraph.monitor.departure",
    "record_departure": "kamgraph.monitor.departure",
    "sync_contacts": "kamgraph.monitor.sync",
    "run_alerts": "kamgraph.monitor.alerts",
}

__all__ = [
    "__version__", "KamgraphError", "InputError", "NotFoundError", "StoreError", "ConfigError",
    "open_store", "GraphStore", "Settings", "load_settings", "import_files", "build_demo", "analyze",
    "AccountAnalysis", "what_if", "build_xray", "XRay", "export_graph", "build_portfolio", "departure_impact",
    "record_departure", "sync_contacts", "run_alerts",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its subpackage on first use (PEP 562).

    The root imports nothing else at import time, on purpose: every subpackage may import ``kamgraph``
    (for :data:`__version__` or the errors) without pulling in the layers above it.
    """
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'kamgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
