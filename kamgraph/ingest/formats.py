"""The import formats kamgraph knows, by name (kept apart so the command line can list them cheaply).

Examples
--------
>>> "ics" in FORMATS and FORMATS[0] == "auto"
True
>>> from kamgraph.ingest.sniff import KIND_ORDER
>>> KINDS == KIND_ORDER
True
"""

from __future__ import annotations

__all__ = ["FORMATS", "KINDS"]

#: Values of ``import --format``: ``auto`` tells each file's format from its name and header.
FORMATS = ("auto", "canonical", "salesforce", "hubspot", "ics", "vcard", "mapping")

#: Values of ``import --type``: the record kind of canonical CSV files (same order as :data:`kamgraph.ingest.KINDS`).
KINDS = ("accounts", "staff", "stakeholders", "meetings", "relationships")
