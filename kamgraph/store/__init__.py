"""Stores: where kamgraph keeps the account graph.

:func:`open_store` picks the backend from a URL:

* ``sqlite:///abs/path/kam.db`` or a plain file path -- the embedded default;
* ``bolt://host:7687``, ``neo4j://host``, ``neo4j+s://host`` -- a Neo4j server.

Which URL a command means and which backend serves it is decided in :mod:`kamgraph.store.url` only.
"""

from __future__ import annotations

from .base import SCHEMA_VERSION, GraphStore
from .url import DEFAULT_STORE, NEO4J_SCHEMES, backend_of, resolve_store_url, sqlite_path

__all__ = ["GraphStore", "SCHEMA_VERSION", "open_store", "DEFAULT_STORE", "resolve_store_url", "sqlite_path",
           "NEO4J_SCHEMES"]


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
