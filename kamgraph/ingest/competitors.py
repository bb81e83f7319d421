"""Import competitor ties: which stakeholders lean toward which competitor, how strongly, since when.

One or more CSV files (:func:`kamgraph.ingest.canonical.read_competitor_csv`) or JSON documents
(``{"competitor_ties": [{"stakeholder": ..., "competitor": ..., ...}, ...]}``) become one all-or-nothing
write: every row is checked first -- its cells, that its stakeholder is in the store, that a tie given twice
agrees with itself -- and only then is anything written. Ties are matched by (stakeholder, competitor), so
importing the same file twice changes nothing. Behind ``kamgraph competitors import``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ..domain.dataset import Batch, ImportSummary
from ..domain.models import CompetitorTie
from ..errors import InputError
from ..store.base import GraphStore
from .canonical import _element_lines, read_competitor_csv
from .parsed import Located, validate_record

__all__ = ["read_competitor_ties", "read_competitor_json", "import_competitor_ties", "check_competitor_ties"]


def read_competitor_ties(paths: Sequence[str | Path]) -> list[Located]:
    """Every competitor tie of these CSV and JSON files, with the file and line it came from."""
    found: list[Located] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise InputError("no such file", file=str(path))
        suffix = path.suffix.lower()
        if suffix == ".json":
            found.extend(read_competitor_json(path))
        elif suffix == ".csv":
            found.extend(read_competitor_csv(path))
        else:
            raise InputError(f"unsupported file type {suffix or '(none)'!r} (expected .csv or .json)", file=str(path))
    return found


def read_competitor_json(path: Path) -> list[Located]:
    """The ties of a JSON document ``{"competitor_ties": [...]}``, each with the line its object starts on."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
        document = json.loads(text)
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", file=name) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=name, line=exc.lineno) from None
    except RecursionError:
        raise InputError("nested too deeply for a list of competitor ties", file=name, line=1) from None
    if not isinstance(document, dict) or set(document) != {"competitor_ties"} \
            or not isinstance(document["competitor_ties"], list):
        raise InputError('expected a JSON object with one array named "competitor_ties"', file=name, line=1)
    starts = _element_lines(text).get("competitor_ties", [])
    found = []
    for index, item in enumerate(document["competitor_ties"]):
        line = starts[index] if index < len(starts) else 1
        if not isinstance(item, dict):
            raise InputError(f"competitor_ties[{index}] is not an object", file=name, line=line)
        data = {k: v for k, v in item.items() if v is not None and v != ""}
        if "stakeholder_id" in data and "stakeholder" not in data:
            data["stakeholder"] = data.pop("stakeholder_id")
        found.append(validate_record(CompetitorTie, data, name, line))
    return found


def check_competitor_ties(items: Sequence[Located], store: GraphStore) -> list[CompetitorTie]:
    """Check the ties' stakeholders against the store and each other; the ties to write.

    Raises
    ------
    InputError
        Naming the file, line and field of the first tie whose stakeholder is unknown (or a staff member), or
        that appears twice with different values.
    """
    first: dict[tuple[str, str], Located] = {}
    for item in items:
        seen = first.setdefault(item.record.key, item)
        if seen is not item and seen.record != item.record:
            raise item.error(f"{item.record.stakeholder!r} and {item.record.competitor!r} appear again with "
                             f"different values (first at {seen.file}:{seen.line})", field="competitor")
    people, _ = store.known_ids({item.record.stakeholder for item in items}, ())
    for item in items:
        kind = people.get(item.record.stakeholder)
        if kind != "stakeholder":
            what = "a staff member, not a stakeholder" if kind else "not in the store"
            raise item.error(f"{item.record.stakeholder!r} is {what}", field="stakeholder")
    return [item.record for item in items]


def import_competitor_ties(paths: Sequence[str | Path], store: GraphStore, *, dry_run: bool = False
                           ) -> ImportSummary:
    """Import competitor-tie CSV files into ``store``, all or nothing.

    Examples
    --------
    >>> import tempfile
    >>> from kamgraph.domain.models import Account, Stakeholder
    >>> from kamgraph.store.sqlite import SqliteStore
    >>> store = SqliteStore(":memory:")
    >>> _ = store.import_batch(Batch(accounts=[Account(id="a", name="A")],
    ...                              stakeholders=[Stakeholder(id="c1", account="a", name="Cy")]))
    >>> file = Path(tempfile.mkdtemp()) / "competitors.csv"
    >>> _ = file.write_text("stakeholder,competitor,strength,since\\nc1,Contoso,4,2026-03-01\\n")
    >>> print(import_competitor_ties([file], store).line())
    created 1, updated 0, unchanged 0 (competitor_ties 1/0/0)
    >>> print(import_competitor_ties([file], store).line())
    created 0, updated 0, unchanged 1 (competitor_ties 0/0/1)
    """
    ties = check_competitor_ties(read_competitor_ties(paths), store)
    return store.import_batch(Batch(competitor_ties=ties), dry_run=dry_run)
