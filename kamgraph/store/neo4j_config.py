"""Where a Neo4j store lives and who connects to it -- without importing the driver.

A Neo4j store URL is ``SCHEME://[USER@]HOST[:PORT][/DATABASE][?ROUTING]`` with
SCHEME one of ``bolt``, ``bolt+s``, ``bolt+ssc``, ``neo4j``, ``neo4j+s``,
``neo4j+ssc``. Each setting is taken from the first source that gives it:

* **user**: ``USER@`` in the URL, the ``user`` keyword (CLI ``--neo4j-user``),
  ``KAMGRAPH_NEO4J_USER``, ``[neo4j] user`` in ``kamgraph.toml``, else ``neo4j``;
* **database**: ``/DATABASE`` in the URL, the ``database`` keyword (CLI
  ``--neo4j-database``), ``KAMGRAPH_NEO4J_DATABASE``, ``[neo4j] database``,
  else ``neo4j``;
* **batch size** (rows per batched write statement): the ``batch_size`` keyword,
  ``KAMGRAPH_NEO4J_BATCH_SIZE``, ``[neo4j] batch_size``, else 1000.

The **password** comes only from ``KAMGRAPH_NEO4J_PASSWORD``, the settings
file, or (on a terminal) a prompt -- never from the command line: a URL
holding ``user:password@`` is refused.

Examples
--------
>>> t = bolt_target("bolt://kam@db.example:7687/sales", env={})
>>> t.address, t.user, t.database, t.url
('bolt://db.example:7687', 'kam', 'sales', 'bolt://kam@db.example:7687/sales')
>>> bolt_target("neo4j+s://db.example", env={"KAMGRAPH_NEO4J_DATABASE": "kam"}).url
'neo4j+s://neo4j@db.example/kam'
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import StoreError
from .url import NEO4J_SCHEMES

if TYPE_CHECKING:
    from ..settings import Neo4jSettings, Neo4jTimeoutSettings

__all__ = ["BoltTarget", "bolt_target", "resolve_password", "resolve_timeouts", "CONNECT_ENV", "RETRY_ENV",
           "USER_ENV", "DATABASE_ENV",
           "PASSWORD_ENV", "BATCH_SIZE_ENV", "DEFAULT_USER", "DEFAULT_DATABASE", "DEFAULT_BATCH_SIZE"]

USER_ENV = "KAMGRAPH_NEO4J_USER"
DATABASE_ENV = "KAMGRAPH_NEO4J_DATABASE"
PASSWORD_ENV = "KAMGRAPH_NEO4J_PASSWORD"  # noqa: S105 - the name of a variable, not a password
BATCH_SIZE_ENV = "KAMGRAPH_NEO4J_BATCH_SIZE"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"
DEFAULT_BATCH_SIZE = 1000
#: The ``[neo4j_timeouts]`` settings as environment variables (the settings' own naming).
CONNECT_ENV = "KAMGRAPH_NEO4J_TIMEOUTS__CONNECT_SECONDS"
RETRY_ENV = "KAMGRAPH_NEO4J_TIMEOUTS__RETRY_SECONDS"
#: Defaults of ``[neo4j_timeouts]`` (seconds).
DEFAULT_CONNECT_SECONDS = 5.0
DEFAULT_RETRY_SECONDS = 5.0

#: Query parameters that carry a secret: refused in a store URL (they would show in process lists and logs).
_SECRET_KEY = re.compile(r"pass|pwd|secret|token|credential|auth|key", re.IGNORECASE)
_DATABASE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9._-]{0,62}$")


@dataclass(frozen=True)
class BoltTarget:
    """A resolved Neo4j store location (holds no password)."""

    scheme: str
    host: str
    user: str
    database: str
    batch_size: int
    query: str = ""

    @property
    def address(self) -> str:
        """What the driver connects to: ``scheme://host[:port][?routing context]``."""
        return f"{self.scheme}://{self.host}" + (f"?{self.query}" if self.query else "")

    @property
    def url(self) -> str:
        """The store URL to show users: ``scheme://user@host[:port]/database``."""
        return f"{self.scheme}://{self.user}@{self.host}/{self.database}"


def _first(*values: object) -> str | None:
    for value in values:
        if value not in (None, ""):
            return str(value)
    return None


def bolt_target(url: str, *, user: str | None = None, database: str | None = None,
                batch_size: int | None = None, env: Mapping[str, str] | None = None,
                settings: Neo4jSettings | None = None) -> BoltTarget:
    """Resolve a Neo4j store URL with options, environment and settings (see the module docstring).

    Raises
    ------
    StoreError
        Not a Neo4j URL, a password in the URL, a bad database name or batch size.
    """
    env = os.environ if env is None else env
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in NEO4J_SCHEMES:
        raise StoreError(f"not a Neo4j store URL: {scheme or '(no scheme)'}://... (use bolt://HOST:PORT or "
                         "neo4j://HOST)")
    secret_keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)
                          if _SECRET_KEY.search(key)})
    if parts.password is not None or secret_keys:
        where = "URL" if parts.password is not None else f"URL's query ({', '.join(secret_keys)})"
        raise StoreError(f"refusing a password in the store {where}: set {PASSWORD_ENV}, put it in kamgraph.toml "
                         "[neo4j] password, or type it when asked")
    if not parts.hostname:
        raise StoreError(f"no host in the store URL {scheme}://...")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    try:
        port = parts.port
    except ValueError:
        raise StoreError(f"bad port in the store URL {scheme}://{parts.netloc.rsplit('@', 1)[-1]}") from None
    if port is not None:
        host = f"{host}:{port}"
    path_db = unquote(parts.path.strip("/")) or None
    resolved_user = _first(unquote(parts.username) if parts.username else None, user, env.get(USER_ENV),
                           settings.user if settings else None) or DEFAULT_USER
    resolved_db = _first(path_db, database, env.get(DATABASE_ENV),
                         settings.database if settings else None) or DEFAULT_DATABASE
    if not _DATABASE_RE.match(resolved_db):
        raise StoreError(f"bad Neo4j database name {resolved_db!r}")
    size_text = _first(batch_size, env.get(BATCH_SIZE_ENV), settings.batch_size if settings else None)
    try:
        size = int(size_text) if size_text is not None else DEFAULT_BATCH_SIZE
    except ValueError:
        raise StoreError(f"{BATCH_SIZE_ENV}: not a whole number: {size_text!r}") from None
    if size < 1:
        raise StoreError(f"batch size must be at least 1 (got {size})")
    return BoltTarget(scheme=scheme, host=host, user=resolved_user, database=resolved_db, batch_size=size,
                      query=parts.query)


def resolve_password(password: str | None = None, *, env: Mapping[str, str] | None = None,
                     settings: Neo4jSettings | None = None) -> str | None:
    """The password to use: the one given, else ``$KAMGRAPH_NEO4J_PASSWORD``, else the settings file's.

    Returns None when none of them has one (the CLI then asks on a terminal).

    Examples
    --------
    >>> resolve_password(env={"KAMGRAPH_NEO4J_PASSWORD": "s3cret-pw"})
    's3cret-pw'
    >>> resolve_password(env={}) is None
    True
    """
    env = os.environ if env is None else env
    if password:
        return password
    if env.get(PASSWORD_ENV):
        return env[PASSWORD_ENV]
    if settings is not None and settings.password is not None:
        return settings.password.get_secret_value() or None
    return None


def resolve_timeouts(connect: float | None = None, retry: float | None = None, *,
                     env: Mapping[str, str] | None = None, settings: Neo4jTimeoutSettings | None = None
                     ) -> tuple[float, float]:
    """``(connect_seconds, retry_seconds)``: the values given, else the environment
    (``KAMGRAPH_NEO4J_TIMEOUTS__*``), else ``[neo4j_timeouts]``, else 5 s each.

    Examples
    --------
    >>> resolve_timeouts(env={}), resolve_timeouts(2, env={RETRY_ENV: "1.5"})
    ((5.0, 5.0), (2.0, 1.5))
    """
    env = os.environ if env is None else env
    found = []
    for given, name, setting, default in (
            (connect, CONNECT_ENV, settings.connect_seconds if settings else None, DEFAULT_CONNECT_SECONDS),
            (retry, RETRY_ENV, settings.retry_seconds if settings else None, DEFAULT_RETRY_SECONDS)):
        text = _first(given, env.get(name), setting)
        try:
            value = float(text) if text is not None else default
        except ValueError:
            raise StoreError(f"{name}: not a number of seconds: {text!r}") from None
        if not value >= 0:
            raise StoreError(f"{name}: seconds cannot be negative (got {value})")
        found.append(value)
    return found[0], found[1]
