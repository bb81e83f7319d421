"""Stores: where kamgraph keeps the account graph.

:func:`open_store` picks the backend from a URL:

* ``sqlite:///abs/path/kam.db`` or a plain file path -- the embedded default;
* ``bolt://host:7687``, ``neo4j://host``, ``neo4j+s://host`` -- a Neo4j server.
"""

from __future__ import annotations

import os

from ..errors import StoreError
from .base import SCHEMA_VERSION, GraphStore

__all__ = ["GraphStore", "SCHEMA_VERSION", "open_store", "DEFAULT_STORE", "resolve_store_url",
           "NEO4J_SCHEMES"]

#: The store used when neither ``--store`` nor ``KAMGRAPH_STORE`` says otherwise.
DEFAULT_STORE = "./kamgraph.db"

#: URL schemes served by the Neo4j backend.
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def resolve_store_url(url: str | None) -> str:
    """The store URL to use: the given one, else ``$KAMGRAPH_STORE``, else :data:`DEFAULT_STORE`."""
    return url or os.environ.get("KAMGRAPH_STORE") or DEFAULT_STORE


def sqlite_path(url: str) -> str | None:
    """The file path of an SQLite store URL, or None when the URL is not SQLite.

    Examples
    --------
    >>> sqlite_path("sqlite:///tmp/kam.db"), sqlite_path("kam.db"), sqlite_path("bolt://h:7687")
    ('/tmp/kam.db', 'kam.db', None)
    """
    if url.startswith("sqlite:"):
        rest = url[len("sqlite:"):]
        if rest.startswith("///"):
            return "/" + rest[3:].lstrip("/")
        return rest.lstrip("/") if rest.startswith("//") else rest
    if "://" in url:
        return None
    return url


def open_store(url: str | None = None, *, create: bool = False, **options: object) -> GraphStore:
    """Open the store a URL names.

    Parameters
    ----------
    url : str, optional
        See the module docstring; defaults to :func:`resolve_store_url`.
    create : bool
        For SQLite: create the file when missing. Read-only callers leave it
        False so that a typo in the path is an error, not a new empty store.
    **options
        Backend options (for Neo4j: ``user``, ``database``, ``password``, ``batch_size``,
        ``settings``, ``env``; see :class:`kamgraph.store.neo4j.Neo4jStore`).
    """
    url = resolve_store_url(url)
    path = sqlite_path(url)
    if path is not None:
        from .sqlite import SqliteStore

        return SqliteStore(path, create=create)
    scheme = url.split("://", 1)[0].lower()
    if scheme in NEO4J_SCHEMES:
        try:
            from .neo4j import Neo4jStore  # type: ignore[import-not-found]
        except ImportError as exc:  # pragma: no cover - until the backend exists
            raise StoreError(f"the Neo4j store is not available in this build ({exc})") from exc
        return Neo4jStore(url, **options)  # type: ignore[no-any-return]
    raise StoreError(f"unknown store URL {url!r}: use sqlite:///PATH, a file path, bolt:// or neo4j://")
