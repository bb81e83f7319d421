"""Acknowledged alerts: who acknowledged which raising of an alert, kept in a JSON file by the web app.

The store keeps the alerts themselves (:meth:`kamgraph.store.base.GraphStore.load_alerts`); an
acknowledgement is about one raising (``key`` and ``raised_on``), so an alert raised again after it
cleared is new again. The file lives beside the users file.

Examples
--------
>>> import tempfile, pathlib, datetime as dt
>>> acks = Acknowledgements(pathlib.Path(tempfile.mkdtemp()) / "acks.json")
>>> acks.add("overdue:nw:x", dt.date(2025, 1, 2), "ana", dt.date(2025, 1, 3))
>>> acks.get("overdue:nw:x", dt.date(2025, 1, 2))["by"], acks.get("overdue:nw:x", dt.date(2025, 2, 1))
('ana', None)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import threading
from pathlib import Path

__all__ = ["Acknowledgements"]


class Acknowledgements:
    """The acknowledgements file (missing: none)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def all(self) -> dict[str, dict[str, str]]:
        """``{"KEY@RAISED_ON": {"by": user, "on": date}}``."""
        return self._load()

    def get(self, key: str, raised_on: dt.date) -> dict[str, str] | None:
        """The acknowledgement of one raising, if any."""
        return self._load().get(f"{key}@{raised_on.isoformat()}")

    def add(self, key: str, raised_on: dt.date, user: str, on: dt.date) -> None:
        """Record an acknowledgement (the file is replaced atomically)."""
        with self._lock:
            data = self._load()
            data.setdefault(f"{key}@{raised_on.isoformat()}", {"by": user, "on": on.isoformat()})
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".acks-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2)
            os.replace(tmp, self.path)
