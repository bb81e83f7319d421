"""Parsed records that remember where they came from (file and line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from ..domain.dataset import KINDS, Skipped
from ..domain.models import input_error_from_validation
from ..errors import InputError

__all__ = ["Located", "Origin", "Parsed", "validate_record"]


@dataclass(frozen=True, slots=True)
class Located:
    """A validated record with its origin, for error messages (slots: a big import makes one per row)."""

    record: Any
    file: str
    line: int
    #: True for records from a partial source (CRM, calendar, vCard) that were
    #: merged with what the import and the store knew; a later one replaces an
    #: earlier one with the same id instead of clashing with it.
    partial: bool = False

    def error(self, problem: str, field: str | None = None) -> InputError:
        """An :class:`InputError` pointing at this record."""
        return InputError(problem, file=self.file, line=self.line, field=field)


class Origin(NamedTuple):
    """The record a source's own record was read as: ``kind`` (``account``, ``staff``, ``stakeholder``,
    ``meeting``), our ``record_id``, the ``source`` (``salesforce``, ``hubspot``) and its id there.

    A CRM export names other records by the CRM's ids (an event's owner, a contact's account); a user, contact or
    account matched by e-mail or name is stored under the id it was matched to, so a later import needs this to
    find it again (:class:`kamgraph.domain.provenance.Provenance`, written by the import).
    """

    kind: str
    record_id: str
    source: str
    source_id: str


@dataclass
class Parsed:
    """Records read from one or more files, per kind (see :data:`kamgraph.domain.dataset.KINDS`)."""

    accounts: list[Located] = field(default_factory=list)
    staff: list[Located] = field(default_factory=list)
    stakeholders: list[Located] = field(default_factory=list)
    meetings: list[Located] = field(default_factory=list)
    relationships: list[Located] = field(default_factory=list)
    #: Rows and events deliberately not imported, each with its reason.
    skipped: list[Skipped] = field(default_factory=list)
    #: The files read, in order.
    sources: list[str] = field(default_factory=list)
    #: The CRM records each record was read from (noted as their provenance when the import writes).
    origins: list[Origin] = field(default_factory=list)

    def extend(self, other: Parsed) -> None:
        """Append another file's records."""
        for kind in KINDS:
            getattr(self, kind).extend(getattr(other, kind))
        self.skipped.extend(other.skipped)
        self.sources.extend(other.sources)
        self.origins.extend(other.origins)

    def skip(self, file: str, line: int | None, reason: str, detail: str = "", row: str = "") -> None:
        """Record that a row or event is not imported, and why."""
        self.skipped.append(Skipped(file=file, line=line, reason=reason, detail=detail, row=row))

    def collapse_partial(self) -> None:
        """Keep only the last copy of each id whose last copy is partial (it holds the earlier ones)."""
        for kind in ("accounts", "staff", "stakeholders", "meetings"):
            items: list[Located] = getattr(self, kind)
            last: dict[str, int] = {}
            for index, item in enumerate(items):
                last[item.record.id] = index
            if len(last) == len(items):
                continue
            keep = [item for index, item in enumerate(items)
                    if last[item.record.id] == index or not items[last[item.record.id]].partial]
            setattr(self, kind, keep)

    def later(self, a: Located, b: Located) -> Located:
        """Whichever of two records was read last (to report the second of a clashing pair)."""
        order = {name: i for i, name in enumerate(self.sources)}
        return max(a, b, key=lambda item: (order.get(item.file, -1), item.line))

    def __len__(self) -> int:
        return sum(len(getattr(self, kind)) for kind in KINDS)


def validate_record(model: type[BaseModel], data: dict[str, Any], file: str, line: int) -> Located:
    """Validate one raw record into ``model``; raise a located :class:`InputError` if it is bad."""
    try:
        return Located(model.model_validate(data), file, line)
    except ValidationError as exc:
        raise input_error_from_validation(exc, file=file, line=line, data=data) from None
