"""Store rules the third round of planted bugs found unchecked, worked out by hand.

- ``mark_left`` without a note keeps the note a person has (``note = coalesce(?, note)``): a departure
  recorded, undone with ``mark_returned`` and recorded again without a note still shows the first note;
- ``mark_returned`` clears the departure: status active, no ``left_on`` and no ``moved_to``.

SQLite file in ``tmp_path``; the canonical sample of ``tests/data/canonical``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kamgraph.ingest import import_files
from kamgraph.store import open_store

from .conftest import CANONICAL


def test_a_departure_recorded_again_keeps_the_note_and_a_return_clears_the_departure(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True)
    try:
        import_files(sorted(CANONICAL.glob("*.csv")), store)
        store.mark_left("c-cfo", dt.date(2025, 3, 1), note="joined a competitor")
        store.mark_returned("c-cfo")
        again = store.mark_left("c-cfo", dt.date(2025, 4, 1), moved_to="Globex")
        assert (again.left_on, again.moved_to, again.note) == (dt.date(2025, 4, 1), "Globex", "joined a competitor")
        assert store.get_person("c-cfo").note == "joined a competitor"
        back = store.mark_returned("c-cfo")
        assert (back.status.value, back.left_on, back.moved_to) == ("active", None, None)
    finally:
        store.close()
