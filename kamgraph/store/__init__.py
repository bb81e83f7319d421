"""Stores: where kamgraph keeps the account graph.

:func:`open_store` picks the backend from a URL:

* ``sqlite:///abs/path/kam.db`` or a plain file path -- the embedded default;
* ``bolt://host:7687``, ``neo4j://host``, ``neo4j+s://host`` -- a Neo4j server.

Which URL a command means and which backend serves it is decided in :mod:`kamgraph.store.url` only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from .base import SCHEMA_VERSION, GraphStore
from .url import DEFAULT_STORE, NEO4J_SCHEMES, backend_of, resolve_store_url, sqlite_path

__all__ = ["GraphStore", "SCHEMA_VERSION", "open_store", "DEFAULT_STORE", "resolve_store_url", "sqlite_path",
           "NEO4J_SCHEMES", "store_exists", "missing_folders", "new_store_guard"]


def open_store(url: str | None = None, *, create: bool = False, **options: object) -> GraphStore:
    """Open the store a URL names.

    Parameters
    ----------
    url : str, optional
        See :mod:`kamgraph.store.url`; defaults to :func:`~kamgraph.store.url.resolve_store_url`.
    create : bool
        For SQLite: create the file when missing. Read-only callers leave it
        False so that a typo in the path is an error, not a new empty store.
    **options
        Backend options (for Neo4j: ``user``, ``database``, ``password``, ``batch_size``,
        ``settings``, ``env``; see :class:`kamgraph.store.neo4j.Neo4jStore`). SQLite takes none.
    """
    url = resolve_store_url(url)
    if backend_of(url) == "sqlite":
        from .sqlite import SqliteStore

        return SqliteStore(sqlite_path(url) or url, create=create)
    from .neo4j import Neo4jStore

    return Neo4jStore(url, **options)  # type: ignore[arg-type]


def store_exists(url: str) -> bool:
    """False only when ``url`` names an SQLite file that is not there (a Neo4j server is not asked).

    Examples
    --------
    >>> store_exists("/no/such/folder/kam.db"), store_exists("bolt://db:7687"), store_exists(":memory:")
    (False, True, True)
    """
    path = sqlite_path(url)
    return path is None or path == ":memory:" or Path(path).exists()


def missing_folders(url: str) -> list[Path]:
    """The folders an SQLite store at ``url`` would need that do not exist yet, outermost first.

    Examples
    --------
    >>> [p.as_posix() for p in missing_folders("/no/such/kam.db")]
    ['/no', '/no/such']
    """
    path = sqlite_path(url)
    if path is None or path == ":memory:":
        return []
    missing = [p for p in Path(path).absolute().parents if not p.exists()]
    return list(reversed(missing))


@contextlib.contextmanager
def new_store_guard(url: str, *, keep: bool = True) -> Iterator[bool]:
    """Undo the creation of a new SQLite store when the block raises (or always, with ``keep=False``).

    Yields True when ``url`` names an SQLite file that does not exist yet. If
    the block then raises, the file (with its ``-wal``, ``-shm`` and
    ``-journal`` companions) and the folders made for it are removed, so a
    failed import into a new path leaves nothing behind. Close the store
    inside the block. An existing store, or a Neo4j one, is left alone (the
    import itself is all or nothing).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> try:
    ...     with new_store_guard(str(folder / "sub" / "kam.db")) as new:
    ...         with open_store(str(folder / "sub" / "kam.db"), create=True):
    ...             raise ValueError("bad row")
    ... except ValueError:
    ...     pass
    >>> new, list(folder.iterdir())
    (True, [])
    """
    path = sqlite_path(url)
    new = not store_exists(url)
    folders = missing_folders(url) if new else []

    def discard() -> None:
        if new and path is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    Path(path + suffix).unlink()
            for folder in reversed(folders):
                with contextlib.suppress(OSError):
                    folder.rmdir()

    try:
        yield new
    except BaseException:
        discard()
        raise
    if not keep:
        discard()
