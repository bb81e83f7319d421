"""Records rebuilt from rows a store validated when it wrote them, without validating them again.

Written by hand because pydantic's own ``model_construct`` costs about 15 microseconds a record (it walks
every field for defaults and aliases) and validation twice that: on a portfolio-wide read of 2,000
accounts -- a million meetings, 300,000 stakeholders -- that was most of the time of ``kamgraph portfolio``
(issue #15). :func:`trusted` does what ``model_construct`` does for a complete set of field values, and
nothing else; callers pass every field, converted to its type (enums as members, dates as dates).

Examples
--------
>>> from kamgraph.domain.models import LineKind, ReportingLine
>>> line = trusted(ReportingLine, {"stakeholder": "c1", "manager": "c2", "line": LineKind.DOTTED})
>>> line == ReportingLine(stakeholder="c1", manager="c2", line="dotted"), hash(line) == hash(
...     ReportingLine(stakeholder="c1", manager="c2", line="dotted"))
(True, True)

A field left out gets its default:

>>> trusted(ReportingLine, {"stakeholder": "c1", "manager": "c2"}).line is LineKind.SOLID
True
"""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["trusted", "members"]

M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", bound=Enum)

_FIELDS: dict[type, frozenset[str]] = {}
_new = object.__new__
_set = object.__setattr__


def trusted(cls: type[M], values: dict[str, Any]) -> M:
    """An instance of ``cls`` holding ``values`` (every field), not validated.

    A field ``values`` lacks gets its default (a field added to a model later reads as its default from a
    caller that does not know it yet).
    """
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = frozenset(cls.model_fields)
    if len(values) != len(fields):
        values = {name: values[name] if name in values else info.get_default(call_default_factory=True)
                  for name, info in cls.model_fields.items()}
    obj = _new(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", set(fields))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def members(enum: type[E]) -> dict[Any, E | None]:
    """``{stored value: member}`` of an enum, with ``None`` for a missing value (a dict look-up is ~10x
    cheaper than calling the enum)."""
    table: dict[Any, E | None] = {m.value: m for m in enum}
    table[None] = None
    return table
