"""kamgraph: relationship X-rays, fragility and alerts for key accounts.

The library is importable without click or a database driver; the command
line lives in ``cli.py``. Start from :func:`kamgraph.store.open_store` and
:func:`kamgraph.views.xray.build_xray`.
"""

from __future__ import annotations

from .errors import ConfigError, InputError, KamgraphError, NotFoundError, StoreError

__all__ = ["__version__", "KamgraphError", "InputError", "NotFoundError", "StoreError", "ConfigError"]

__version__ = "0.1.0"
