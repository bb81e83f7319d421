"""Writing a batch and noting where its records came from (:mod:`kamgraph.domain.provenance`), in one place.

The pull (:mod:`kamgraph.monitor.pull`) notes each record's connector and
source id; a file import notes the CRM record each record of a Salesforce or
HubSpot export was read from (:func:`origin_provenance`), and can note the
file each record was read from (:func:`file_provenance`). Both write through :func:`write_noting_sources`,
which also keeps the entries a record had before: on Neo4j an update replaces
a node's properties, and with them its provenance lists, so they are read
first and written back after the import (in SQLite they live in their own
table and are simply written again).

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.models import Account
>>> from kamgraph.ingest.parsed import Located, Parsed
>>> parsed = Parsed()
>>> parsed.accounts.append(Located(Account(id="acme", name="Acme"), "/exports/accounts.csv", 2))
>>> [(e.kind, e.record_id, e.source, e.source_id) for e in file_provenance(parsed, dt.date(2025, 3, 1))]
[('account', 'acme', 'file', 'accounts.csv')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import PurePath

from ..domain.dataset import Batch, ImportSummary
from ..domain.provenance import Provenance
from ..store.base import GraphStore
from .parsed import Parsed

__all__ = ["file_provenance", "origin_provenance", "write_noting_sources", "PARSED_KINDS"]

#: The provenance kind of each kind of parsed record.
PARSED_KINDS = {"accounts": "account", "staff": "staff", "stakeholders": "stakeholder", "meetings": "meeting"}


def file_provenance(parsed: Parsed, day: dt.date, source: str = "file") -> list[Provenance]:
    """One entry per record read: ``source`` (``file``) and the name of the file it was read from."""
    entries: dict[tuple[str, str, str, str], Provenance] = {}
    for attribute, kind in PARSED_KINDS.items():
        for item in getattr(parsed, attribute):
            entry = Provenance(kind=kind, record_id=item.record.id, source=source,  # type: ignore[arg-type]
                               source_id=PurePath(item.file).name, first_seen=day, last_seen=day)
            entries.setdefault(entry.key, entry)
    return list(entries.values())


def origin_provenance(parsed: Parsed, batch: Batch, day: dt.date) -> list[Provenance]:
    """One entry per CRM record ``parsed`` read (:attr:`~kamgraph.ingest.parsed.Parsed.origins`) whose record
    ``batch`` writes, first and last seen on ``day``.

    What lets a later import of the same CRM's exports find a user, contact or account it matched by e-mail or
    name (stored under the id it matched, not the CRM's id): the Salesforce reader looks a CRM id up in the
    provenance when the store has no record of that id.

    Examples
    --------
    >>> import datetime as dt
    >>> from kamgraph.domain.dataset import Batch
    >>> from kamgraph.domain.models import Staff
    >>> from kamgraph.ingest.parsed import Origin, Parsed
    >>> parsed = Parsed(origins=[Origin("staff", "s-kim", "salesforce", "0055g00000KimB1AAJ"),
    ...                          Origin("stakeholder", "c-gone", "salesforce", "0035g00000Gone1AAJ")])
    >>> batch = Batch(staff=[Staff(id="s-kim", name="Kim Berger")])
    >>> [(e.kind, e.record_id, e.source, e.source_id) for e in origin_provenance(parsed, batch, dt.date(2025, 3, 1))]
    [('staff', 's-kim', 'salesforce', '0055g00000KimB1AAJ')]
    """
    written = {(kind, record.id) for attribute, kind in PARSED_KINDS.items() for record in getattr(batch, attribute)}
    entries: dict[tuple[str, str, str, str], Provenance] = {}
    for origin in parsed.origins:
        if (origin.kind, origin.record_id) in written:
            entry = Provenance(kind=origin.kind, record_id=origin.record_id, source=origin.source,  # type: ignore[arg-type]
                               source_id=origin.source_id, first_seen=day, last_seen=day)
            entries.setdefault(entry.key, entry)
    return list(entries.values())


def write_noting_sources(store: GraphStore, batch: Batch, entries: Sequence[Provenance], *,
                         dry_run: bool = False) -> ImportSummary:
    """:meth:`~kamgraph.store.base.GraphStore.import_batch`, then note ``entries`` (nothing with ``dry_run``).

    The import and the note are two transactions: a process killed between
    them leaves the records written and the note missing, which the same
    import or pull run again makes good. An import keeps the sources noted
    before (SQLite holds them in their own table; a Neo4j update sets only
    the record's own properties).
    """
    summary = store.import_batch(batch, dry_run=dry_run)
    if entries and not dry_run:
        store.record_provenance(list(entries))
    return summary
