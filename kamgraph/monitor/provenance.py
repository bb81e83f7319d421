"""Where a record came from, for people to read: the sources a pull (or import) noted for it.

``kamgraph show PERSON`` lists them under the person; ``kamgraph pull --json``
counts, per calendar or object, the records whose sources it noted. The
entries themselves are kept by the store (:mod:`kamgraph.domain.provenance`).

Examples
--------
>>> import datetime as dt
>>> from kamgraph.domain.provenance import Provenance
>>> day = dt.date(2025, 3, 1)
>>> found = WhereFrom(record_id="c-ceo", entries=[
...     Provenance(kind="stakeholder", record_id="c-ceo", source="salesforce", source_id="0035g00000CeoA1AAJ",
...                first_seen=day, last_seen=dt.date(2025, 3, 8))])
>>> print(found.text())
Sources:
  salesforce 0035g00000CeoA1AAJ  first seen 2025-03-01, last seen 2025-03-08
>>> print(WhereFrom(record_id="x", entries=[]).text())
Sources: none recorded (imported before sources were kept, or entered by hand)
"""

from __future__ import annotations

from pydantic import BaseModel

from ..domain.provenance import Provenance
from ..store.base import GraphStore

__all__ = ["WhereFrom", "where_from"]


class WhereFrom(BaseModel):
    """The sources of one record, oldest source first."""

    record_id: str
    entries: list[Provenance]

    def text(self) -> str:
        """A few lines for the terminal (``Sources:`` then one line per source record)."""
        if not self.entries:
            return "Sources: none recorded (imported before sources were kept, or entered by hand)"
        lines = ["Sources:"]
        for e in self.entries:
            name = f"{e.source} {e.source_id}".strip()
            lines.append(f"  {name}  first seen {e.first_seen.isoformat()}, last seen {e.last_seen.isoformat()}")
        return "\n".join(lines)


def where_from(store: GraphStore, record_id: str) -> WhereFrom:
    """The sources the store noted for one record (a person, an account or a meeting), oldest first."""
    entries = store.provenance_of([record_id]).get(record_id, [])
    return WhereFrom(record_id=record_id,
                     entries=sorted(entries, key=lambda e: (e.first_seen, e.source, e.source_id)))
