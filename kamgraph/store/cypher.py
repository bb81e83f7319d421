"""Named Cypher queries, kept as package data in ``cypher/*.cypher``.

Every Cypher statement kamgraph runs lives in a ``.cypher`` file, several to a
file, each introduced by a header and a one-line description::

    // name: account_by_id
    // One account's properties.
    <the statement, any number of lines>

Names are unique across all files. The loader fails loudly -- with the file
and line -- on a duplicate name, a missing description or an empty statement,
and looking up a name that does not exist raises :class:`CypherCatalogError`
listing the near misses. Statements take user values only as ``$parameters``;
nothing here builds Cypher from strings.

The files are read with :mod:`importlib.resources` from ``kamgraph/cypher/``
(see :func:`query_dir`).

Examples
--------
>>> book = parse_queries("// name: one\\n// The number one.\\nRETURN 1 AS one\\n", "x.cypher")
>>> book["one"].text, book["one"].description, book["one"].file
('RETURN 1 AS one', 'The number one.', 'x.cypher')
>>> "two" in book
False
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ..errors import KamgraphError

__all__ = ["NamedQuery", "QueryBook", "CypherCatalogError", "parse_queries", "load_queries", "queries",
           "query_dir"]

_HEADER = re.compile(r"^//\s*name:\s*(?P<name>\S*)\s*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class CypherCatalogError(KamgraphError):
    """The query files are broken (duplicate or missing name, no description) or a name is unknown."""


@dataclass(frozen=True)
class NamedQuery:
    """One statement of the catalogue."""

    name: str
    description: str
    text: str
    file: str
    line: int


class QueryBook(Mapping[str, NamedQuery]):
    """All named queries, by name; ``book[name]`` fails loudly on an unknown name."""

    def __init__(self, queries: Mapping[str, NamedQuery]) -> None:
        self._queries = dict(queries)

    def __getitem__(self, name: str) -> NamedQuery:
        try:
            return self._queries[name]
        except KeyError:
            near = difflib.get_close_matches(name, self._queries, n=3)
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            raise CypherCatalogError(f"no Cypher query named {name!r} in cypher/*.cypher{hint}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)

    def in_file(self, stem: str) -> list[NamedQuery]:
        """The queries of one file (``'schema'`` for ``schema.cypher``), in file order."""
        found = [q for q in self._queries.values() if Path(q.file).stem == stem]
        if not found:
            raise CypherCatalogError(f"no Cypher file {stem}.cypher (or it holds no queries)")
        return found


def parse_queries(source: str, file: str) -> dict[str, NamedQuery]:
    """Split one ``.cypher`` file into named queries (see the module docstring).

    Raises
    ------
    CypherCatalogError
        Text before the first header, a bad or repeated name, a missing
        description line, or an empty statement -- naming file and line.
    """
    found: dict[str, NamedQuery] = {}
    current: tuple[str, int] | None = None
    description = ""
    body: list[str] = []

    def finish() -> None:
        if current is None:
            return
        name, line = current
        text = "\n".join(body).strip()
        if not text:
            raise CypherCatalogError(f"{file}:{line}: query {name!r} has no statement")
        found[name] = NamedQuery(name=name, description=description, text=text, file=file, line=line)

    lines = source.splitlines()
    index = 0
    while index < len(lines):
        raw = lines[index]
        number = index + 1
        header = _HEADER.match(raw.strip())
        if header:
            finish()
            name = header["name"]
            if not _NAME.match(name):
                raise CypherCatalogError(f"{file}:{number}: bad query name {name!r} (use lower_snake_case)")
            if name in found:
                raise CypherCatalogError(f"{file}:{number}: duplicate query name {name!r}")
            following = lines[index + 1].strip() if index + 1 < len(lines) else ""
            if not following.startswith("//") or _HEADER.match(following) or not following[2:].strip():
                raise CypherCatalogError(f"{file}:{number}: query {name!r} needs a one-line '// description' "
                                         "right after its name")
            current, description, body = (name, number), following[2:].strip(), []
            index += 2
            continue
        if current is None:
            if raw.strip() and not raw.strip().startswith("//"):
                raise CypherCatalogError(f"{file}:{number}: statement before the first '// name:' header")
        else:
            body.append(raw)
        index += 1
    finish()
    return found


def query_dir() -> Traversable:
    """Where the ``.cypher`` files are: ``kamgraph/cypher/``, the one place.

    In a checkout that is a symbolic link to the repository's top-level ``cypher/``; hatchling follows it
    when it builds the wheel, so an installed kamgraph has the same files at the same place.
    """
    packaged = resources.files("kamgraph") / "cypher"
    if packaged.is_dir():
        return packaged
    raise CypherCatalogError("the Cypher query files are missing (kamgraph/cypher/ does not exist); reinstall kamgraph")


def load_queries(directory: Traversable | Path | None = None) -> QueryBook:
    """Read every ``*.cypher`` file of ``directory`` (default :func:`query_dir`) into one book.

    Raises
    ------
    CypherCatalogError
        A broken file, or a name defined in two files (both are named).
    """
    where = query_dir() if directory is None else directory
    merged: dict[str, NamedQuery] = {}
    files = sorted((f for f in where.iterdir() if f.name.endswith(".cypher")), key=lambda f: f.name)
    for file in files:
        for name, query in parse_queries(file.read_text(encoding="utf-8"), file.name).items():
            if name in merged:
                first = merged[name]
                raise CypherCatalogError(f"{query.file}:{query.line}: duplicate query name {name!r} "
                                         f"(first defined at {first.file}:{first.line})")
            merged[name] = query
    if not merged:
        raise CypherCatalogError(f"no named Cypher queries found in {where}")
    return QueryBook(merged)


@lru_cache(maxsize=1)
def queries() -> QueryBook:
    """The shipped catalogue, loaded once."""
    return load_queries()
