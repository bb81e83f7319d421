"""Store URLs: which store a command means, and which backend serves it -- decided here only.

A store URL is one of

* ``sqlite:///abs/path/kam.db``, ``sqlite:relative.db`` or a plain file path -- the embedded default;
* ``SCHEME://[USER@]HOST[:PORT][/DATABASE]`` with SCHEME one of :data:`NEO4J_SCHEMES` -- a Neo4j server
  (the rest of such a URL is read by :mod:`kamgraph.store.neo4j_config`).

The URL a command uses is the first of: the one given (``--store``), ``$KAMGRAPH_STORE``, ``$NEO4J_URI``
(Neo4j's own variable, as cypher-shell reads it; ``NEO4J_USERNAME`` and ``NEO4J_PASSWORD`` are read
by :mod:`kamgraph.settings`), the default (:data:`DEFAULT_STORE`, or another default the caller names,
as the demo does).

Examples
--------
>>> resolve_store_url(None, env={})
'./kamgraph.db'
>>> resolve_store_url(None, env={"KAMGRAPH_STORE": "bolt://db:7687"})
'bolt://db:7687'
>>> resolve_store_url(None, default="./demo.db", env={})
'./demo.db'
>>> resolve_store_url(None, env={"NEO4J_URI": "neo4j://db"}), resolve_store_url(None, env={
...     "NEO4J_URI": "neo4j://db", "KAMGRAPH_STORE": "kam.db"})
('neo4j://db', 'kam.db')
>>> backend_of("neo4j+s://db.example"), backend_of("kam.db"), backend_of("sqlite:///tmp/kam.db")
('neo4j', 'sqlite', 'sqlite')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from ..errors import StoreError

__all__ = ["DEFAULT_STORE", "STORE_ENV", "NEO4J_URI_ENV", "NEO4J_SCHEMES", "resolve_store_url", "sqlite_path",
           "is_neo4j_url",
           "backend_of", "shown_url"]

#: The store used when neither ``--store`` nor ``KAMGRAPH_STORE`` says otherwise.
DEFAULT_STORE = "./kamgraph.db"

#: The environment variable that names the store.
STORE_ENV = "KAMGRAPH_STORE"

#: Neo4j's own variable for the server (used when ``KAMGRAPH_STORE`` is not set).
NEO4J_URI_ENV = "NEO4J_URI"

#: URL schemes served by the Neo4j backend (the schemes the official driver accepts).
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def resolve_store_url(url: str | None, *, default: str = DEFAULT_STORE, env: Mapping[str, str] | None = None) -> str:
    """The store URL to use: ``url``, else ``$KAMGRAPH_STORE``, else ``$NEO4J_URI``, else ``default``."""
    env = os.environ if env is None else env
    return url or env.get(STORE_ENV) or env.get(NEO4J_URI_ENV) or default


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


def is_neo4j_url(url: str) -> bool:
    """True when ``url`` names a Neo4j (Bolt protocol) store.

    Examples
    --------
    >>> is_neo4j_url("bolt://h:7687"), is_neo4j_url("sqlite:///tmp/kam.db"), is_neo4j_url("kam.db")
    (True, False, False)
    """
    return "://" in url and url.split("://", 1)[0].lower() in NEO4J_SCHEMES


def backend_of(url: str) -> Literal["sqlite", "neo4j"]:
    """Which backend serves ``url``; a :class:`~kamgraph.errors.StoreError` for an unknown scheme."""
    if sqlite_path(url) is not None:
        return "sqlite"
    if is_neo4j_url(url):
        return "neo4j"
    raise StoreError(f"unknown store URL {shown_url(url)!r}: use sqlite:///PATH, a file path, bolt:// or neo4j://")


def shown_url(url: str) -> str:
    """A store URL as it may be shown in a message: no user-info part and no query (either can hold a secret).

    Examples
    --------
    >>> shown_url("http://neo4j:s3cret@db.example:7474/x?password=s3cret")
    'http://db.example:7474/x'
    >>> shown_url("kam.db")
    'kam.db'
    """
    if "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    rest = rest.split("?", 1)[0].split("#", 1)[0]
    authority, slash, path = rest.partition("/")
    return f"{scheme}://{authority.rsplit('@', 1)[-1]}{slash}{path}"
