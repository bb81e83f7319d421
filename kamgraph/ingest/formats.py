"""The import formats kamgraph knows, by name (kept apart so the command line can list them cheaply).

Examples
--------
>>> "ics" in FORMATS and FORMATS[0] == "auto"
True
"""

from __future__ import annotations

__all__ = ["FORMATS"]

#: Values of ``import --format``: ``auto`` tells each file's format from its name and header.
FORMATS = ("auto", "canonical", "salesforce", "hubspot", "ics", "vcard", "mapping")
