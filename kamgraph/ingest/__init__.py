"""Importers: files in, one all-or-nothing batch out.

:func:`import_files` reads every file, checks every record and reference, and
only then writes -- in one store transaction. Any error leaves the store as
it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..dataset import ImportSummary
from ..errors import InputError
from ..store.base import GraphStore
from .canonical import read_csv, read_json
from .parsed import Located, Parsed
from .references import check_references

__all__ = ["import_files", "read_files", "Parsed", "Located"]


def read_files(paths: Sequence[str | Path]) -> Parsed:
    """Parse every file (canonical CSV or JSON) into one :class:`Parsed`, without touching a store."""
    parsed = Parsed()
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise InputError("no such file", file=str(path))
        suffix = path.suffix.lower()
        if suffix == ".csv":
            parsed.extend(read_csv(path))
        elif suffix == ".json":
            parsed.extend(read_json(path))
        else:
            raise InputError(f"unsupported file type {suffix or '(none)'!r} (expected .csv or .json)",
                             file=str(path))
    return parsed


def import_files(paths: Sequence[str | Path], store: GraphStore, *, dry_run: bool = False) -> ImportSummary:
    """Import canonical files into ``store`` all or nothing.

    Parameters
    ----------
    paths : sequence of paths
        CSV and JSON files in the canonical format (see :mod:`kamgraph.ingest.canonical`).
    store : GraphStore
        Where to write.
    dry_run : bool
        Check and count, but write nothing.

    Returns
    -------
    ImportSummary
        Created / updated / unchanged per record kind.
    """
    parsed = read_files(paths)
    batch = check_references(parsed, store)
    return store.import_batch(batch, dry_run=dry_run)
