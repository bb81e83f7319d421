"""Importers: files in, one all-or-nothing batch out.

:func:`import_files` reads every file, checks every record and reference, and
only then writes -- in one store transaction. Any error leaves the store as
it was.

Formats (see the docs, "Importing data"):

* canonical CSV and JSON (:mod:`.canonical`) -- complete records, matched by id;
* Salesforce and HubSpot CSV exports (:mod:`.salesforce`, :mod:`.hubspot`),
  any other CSV through a TOML mapping file (:mod:`.mapping`), vCards
  (:mod:`.vcard`) -- partial records: what they give replaces the stored
  values, what they do not give is kept;
* iCalendar files (:mod:`.ics`) -- meetings, matched to people by e-mail.

Files are read in that order whatever the order on the command line, so that
calendars find the people a CRM export of the same import brings.

The package imports its readers only when one is first used (``kamgraph.ingest.import_files`` and the rest
below load :mod:`.files`), so that the command line, which lists :data:`FORMATS` and :data:`KINDS` in its
options, starts without them (about 0.2 s of every command).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .formats import FORMATS, KINDS

if TYPE_CHECKING:
    from .files import detect_format, import_files, read_canonical_csv, read_files
    from .parsed import Located, Parsed
    from .progress import Progress

__all__ = ["import_files", "read_files", "detect_format", "read_canonical_csv", "FORMATS", "KINDS", "Parsed",
           "Located", "Progress"]

_LAZY = {"import_files": "files", "read_files": "files", "detect_format": "files", "read_canonical_csv": "files",
         "Parsed": "parsed", "Located": "parsed", "Progress": "progress"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
