"""The domain model: accounts, client stakeholders, our staff, meetings.

Every record carries a stable external id (``id``) chosen by the source system,
so importing the same data twice changes nothing. People -- stakeholders and
staff -- share one id space, because a meeting lists its attendees by id.

Enumerations accept the spellings people type (``"Economic Buyer"``,
``"economic-buyer"``) and store one canonical value (``"economic_buyer"``).

Examples
--------
>>> s = Stakeholder(id="c1", account="acme", name="Ada Park", buying_role="Economic Buyer",
...                 influence="5")
>>> s.buying_role, s.influence, s.status
(<BuyingRole.ECONOMIC_BUYER: 'economic_buyer'>, 5, <Status.ACTIVE: 'active'>)
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import InputError

__all__ = [
    "BuyingRole",
    "Seniority",
    "MeetingKind",
    "Status",
    "StaffRole",
    "LineKind",
    "TieKind",
    "Account",
    "Stakeholder",
    "Staff",
    "Meeting",
    "Relationship",
    "CompetitorTie",
    "ReportingLine",
    "Person",
    "input_error_from_validation",
]

_ID_RE = re.compile(r"^[^\s;,][^;,\r\n\t]{0,199}$")


def _canonical_token(value: Any) -> Any:
    """Lower-case a user-typed enum spelling: ``'Economic Buyer'`` -> ``'economic_buyer'``."""
    if isinstance(value, str):
        return re.sub(r"[\s\-/]+", "_", value.strip().lower())
    return value


class _TypedEnum(StrEnum):
    """A string enum that also accepts a few aliases (see ``_aliases``)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        token = _canonical_token(value)
        aliases = getattr(cls, "_aliases", lambda: {})()
        token = aliases.get(token, token)
        for member in cls:
            if member.value == token:
                return member
        return None


class BuyingRole(_TypedEnum):
    """A stakeholder's role in buying decisions (Miller Heiman / MEDDICC style)."""

    ECONOMIC_BUYER = "economic_buyer"
    DECISION_MAKER = "decision_maker"
    CHAMPION = "champion"
    COACH = "coach"
    INFLUENCER = "influencer"
    TECHNICAL_BUYER = "technical_buyer"
    USER = "user"
    GATEKEEPER = "gatekeeper"
    BLOCKER = "blocker"

    @staticmethod
    def _aliases() -> dict[str, str]:
        return {"eb": "economic_buyer", "dm": "decision_maker", "user_buyer": "user",
                "end_user": "user", "technical": "technical_buyer", "tb": "technical_buyer"}


class Seniority(_TypedEnum):
    """Level in the client's organisation, top first."""

    C_LEVEL = "c_level"
    VP = "vp"
    DIRECTOR = "director"
    MANAGER = "manager"
    INDIVIDUAL = "individual"

    @staticmethod
    def _aliases() -> dict[str, str]:
        return {"c_suite": "c_level", "clevel": "c_level", "executive": "c_level",
                "exec": "c_level", "vice_president": "vp", "head": "director",
                "ic": "individual", "staff": "individual", "senior": "individual"}

    @property
    def rank(self) -> int:
        """0 for the top level (C-level) to 4 for individual contributors."""
        return list(Seniority).index(self)


class MeetingKind(_TypedEnum):
    """How people met; each kind has a weight in the strength formula."""

    MEETING = "meeting"
    CALL = "call"
    EMAIL = "email"
    WORKSHOP = "workshop"
    QBR = "qbr"
    EVENT = "event"

    @staticmethod
    def _aliases() -> dict[str, str]:
        return {"visit": "meeting", "video": "call", "phone": "call", "video_call": "call",
                "review": "qbr", "business_review": "qbr", "conference": "event",
                "dinner": "event", "lunch": "event"}


class Status(_TypedEnum):
    """Whether a person is still in their job."""

    ACTIVE = "active"
    LEFT = "left"

    @staticmethod
    def _aliases() -> dict[str, str]:
        return {"inactive": "left", "gone": "left", "former": "left"}


class StaffRole(_TypedEnum):
    """The part one of our people plays on an account."""

    KAM = "kam"
    EXEC_SPONSOR = "exec_sponsor"
    SOLUTION_ENGINEER = "solution_engineer"
    DELIVERY = "delivery"
    SUPPORT = "support"
    SALES = "sales"
    PRODUCT = "product"
    OTHER = "other"

    @staticmethod
    def _aliases() -> dict[str, str]:
        return {"key_account_manager": "kam", "account_manager": "kam", "executive_sponsor": "exec_sponsor",
                "sponsor": "exec_sponsor", "se": "solution_engineer", "presales": "solution_engineer",
                "customer_success": "delivery", "csm": "delivery"}


class LineKind(_TypedEnum):
    """Solid (line manager) or dotted (functional) reporting line."""

    SOLID = "solid"
    DOTTED = "dotted"


class TieKind(_TypedEnum):
    """A known link between two people that is not a meeting."""

    KNOWS = "knows"
    INFLUENCES = "influences"


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise ValueError(
            "an id is 1-200 characters without tabs, line breaks, ';' or ',', "
            "not starting with a space"
        )
    return value


def _split_list(value: Any) -> Any:
    """Accept ``'a;b;c'`` (CSV) as well as ``['a', 'b', 'c']`` (JSON)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return value


def _strict_date(value: Any) -> Any:
    """Parse ``YYYY-MM-DD`` (or an ISO datetime, keeping its date) and nothing else."""
    if value is None or isinstance(value, dt.date):
        if isinstance(value, dt.datetime):
            return value.date()
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    raise ValueError(f"not a date (expected YYYY-MM-DD): {value!r}")


ExternalId = Annotated[str, AfterValidator(_check_id)]
IdList = Annotated[list[ExternalId], BeforeValidator(_split_list), AfterValidator(lambda v: sorted(set(v)))]
StrList = Annotated[list[str], BeforeValidator(_split_list)]
Day = Annotated[dt.date, BeforeValidator(_strict_date)]


#: Line breaks and tabs inside a one-line text field: they become one space.
_BREAKS = re.compile(r" *[\t\n\r\x0b\x0c\x85\u2028\u2029][ \t\n\r\x0b\x0c\x85\u2028\u2029]*")
#: Control characters (C0 but tab, line feed and carriage return; DEL; C1) and NUL: dropped. They break XML
#: (GraphML, GEXF, SVG) and terminals.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Line breaks other than CR and LF: in a multi-line field they become a line feed.
_OTHER_BREAKS = re.compile(r"[\x0b\x0c\x85\u2028\u2029]")
#: Fields that may hold several lines of text; every other text field is one line.
MULTILINE_FIELDS = frozenset({"note", "subject"})


def clean_text(value: str, *, one_line: bool = True) -> str:
    """A text as kamgraph stores it: control characters and NUL dropped, and for a one-line field
    (a name, a title, an id) line breaks and tabs turned into one space.

    Examples
    --------
    >>> clean_text("Ana\\x00 Lima\\r\\nCFO\\x1b[31m")
    'Ana Lima CFO[31m'
    >>> clean_text("first line\\nsecond\\x07", one_line=False)
    'first line\\nsecond'
    """
    value = _BREAKS.sub(" ", value) if one_line else _OTHER_BREAKS.sub("\n", value)
    return _CONTROLS.sub("", value)


def _clean_values(value: Any, one_line: bool) -> Any:
    if isinstance(value, str):
        return clean_text(value, one_line=one_line)
    if isinstance(value, list):
        return [_clean_values(v, one_line) for v in value]
    if isinstance(value, dict):
        return {(clean_text(k) if isinstance(k, str) else k): _clean_values(v, one_line) for k, v in value.items()}
    return value


class Record(BaseModel):
    """Base of every stored record: strict about unknown fields, trims strings, no control characters.

    Every text value is cleaned by :func:`clean_text` before it is validated (names, titles and ids on one
    line; notes and subjects may keep their line breaks), so what is stored can be written to XML, SVG and
    a terminal as it is.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=False)

    id: ExternalId

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: _clean_values(value, key not in MULTILINE_FIELDS) for key, value in data.items()}
        return data


class Account(Record):
    """A customer account.

    ``revenue`` is our current annual revenue from the account, ``potential``
    the annual revenue we could reach, ``category_spend`` the customer's total
    annual spend in our category (so share of wallet = revenue / category_spend).
    ``criteria`` holds named qualification scores set by people (0-10 scale by
    convention); ``domains`` are the customer's e-mail domains, used to match
    calendar attendees. ``aliases`` are other names the customer goes by
    (abbreviations, former names) and ``crm_ids`` its ids in CRM systems: a
    contacts export naming the account by either is matched to it
    (``kamgraph sync``).

    >>> Account(id="nw", name="Northwind", aliases="NWL; Northwind Group;NWL", crm_ids=" 0015g00000XyZ1 ").aliases
    ['NWL', 'Northwind Group']
    """

    name: str = Field(min_length=1)
    tier: str | None = None
    segment: str | None = None
    revenue: float | None = Field(default=None, ge=0)
    potential: float | None = Field(default=None, ge=0)
    category_spend: float | None = Field(default=None, ge=0)
    currency: str | None = None
    criteria: dict[str, float] = Field(default_factory=dict)
    domains: StrList = Field(default_factory=list)
    aliases: StrList = Field(default_factory=list)
    crm_ids: StrList = Field(default_factory=list)

    @field_validator("aliases", "crm_ids")
    @classmethod
    def _unique_names(cls, value: list[str]) -> list[str]:
        return sorted({v.strip() for v in value if v.strip()})

    @field_validator("domains")
    @classmethod
    def _lower_domains(cls, value: list[str]) -> list[str]:
        return sorted({d.lower().lstrip("@") for d in value})


class Person(Record):
    """Fields shared by stakeholders and staff."""

    name: str = Field(min_length=1)
    title: str | None = None
    email: str | None = None
    status: Status = Status.ACTIVE
    left_on: Day | None = None
    moved_to: str | None = None
    note: str | None = None

    @field_validator("email")
    @classmethod
    def _check_email(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if value.count("@") != 1 or "." not in value.split("@")[1] or " " in value:
            raise ValueError(f"not an e-mail address: {value!r}")
        return value.lower()

    @model_validator(mode="after")
    def _left_needs_date(self) -> Person:
        if self.left_on is not None and self.status is Status.ACTIVE:
            self.status = Status.LEFT
        if self.status is Status.LEFT and self.left_on is None:
            raise ValueError("left_on: a date is required when status is 'left'")
        return self

    def is_active(self, as_of: dt.date | None = None) -> bool:
        """True when the person is still in their job on ``as_of`` (default: now).

        A person who left is still active on any day before ``left_on``.
        """
        left_on = self.left_on
        if left_on is None:
            return True
        return as_of is not None and as_of < left_on


class Stakeholder(Person):
    """A person on the client side of an account.

    ``influence`` runs 1 (little) to 5 (decisive), ``attitude`` -2 (hostile)
    to +2 (strong supporter). ``reports_to`` is the solid-line manager,
    ``dotted_to`` any dotted-line managers (the solid-line manager is not one
    of them: a dotted line to them is dropped). ``verified`` is False for people
    created automatically (for instance an unknown calendar attendee).
    ``cadence_days``, when given, is this person's own target interval between
    meetings (days), used instead of the target of their buying role
    (:func:`kamgraph.analysis.cadence.stakeholder_target_days`).
    """

    account: ExternalId
    department: str | None = None
    seniority: Seniority | None = None
    buying_role: BuyingRole | None = None
    influence: int = Field(default=3, ge=1, le=5)
    attitude: int = Field(default=0, ge=-2, le=2)
    reports_to: ExternalId | None = None
    dotted_to: IdList = Field(default_factory=list)
    verified: bool = True
    cadence_days: int | None = Field(default=None, ge=1, le=3650)

    @model_validator(mode="after")
    def _not_own_manager(self) -> Stakeholder:
        if self.reports_to == self.id or self.id in self.dotted_to:
            raise ValueError("reports_to: a person cannot report to themselves")
        if self.reports_to in self.dotted_to:  # the solid line is the line to that manager; both stores keep one
            self.dotted_to = [m for m in self.dotted_to if m != self.reports_to]
        return self

    @property
    def kind(self) -> str:
        """Always ``'stakeholder'``."""
        return "stakeholder"


class Staff(Person):
    """One of our people. ``accounts`` lists the account teams they belong to."""

    team: str | None = None
    role: StaffRole = StaffRole.OTHER
    accounts: IdList = Field(default_factory=list)

    @property
    def kind(self) -> str:
        """Always ``'staff'``."""
        return "staff"


class Meeting(Record):
    """A meeting, call, e-mail thread, workshop, QBR or event: a hyperedge.

    ``attendees`` are person ids, staff and stakeholders alike; the importer
    checks that each exists and that at least one of each side attended.
    """

    date: Day
    kind: MeetingKind = MeetingKind.MEETING
    account: ExternalId | None = None
    subject: str | None = None
    source: str | None = None
    source_id: str | None = None
    attendees: IdList = Field(min_length=2)


class Relationship(BaseModel):
    """A known tie between two people that is not a meeting (KNOWS / INFLUENCES)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    source: ExternalId
    target: ExternalId
    kind: TieKind = TieKind.KNOWS
    weight: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _distinct(self) -> Relationship:
        if self.source == self.target:
            raise ValueError("target: a person cannot be tied to themselves")
        return self

    @property
    def key(self) -> tuple[str, str, str]:
        """The identity of the tie: (source, target, kind)."""
        return (self.source, self.target, self.kind.value)


class CompetitorTie(BaseModel):
    """A stakeholder leaning toward a named competitor of ours (competitive position).

    ``strength`` runs 1 (a slight preference) to 5 (committed to them: their
    sponsor, a former employee, a signed pilot); ``since`` is the date the lean
    was first noticed (an X-ray as of an earlier date does not see it).

    Examples
    --------
    >>> tie = CompetitorTie(stakeholder="c1", competitor=" Contoso ", strength="4", since="2026-03-01")
    >>> tie.key, tie.strength, tie.since
    (('c1', 'Contoso'), 4.0, datetime.date(2026, 3, 1))
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stakeholder: ExternalId
    competitor: str = Field(min_length=1, max_length=200)
    strength: float = Field(default=3.0, ge=1, le=5)
    since: Day | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: _clean_values(value, key != "note") for key, value in data.items()}
        return data

    @property
    def key(self) -> tuple[str, str]:
        """The identity of the tie: (stakeholder, competitor)."""
        return (self.stakeholder, self.competitor)


class ReportingLine(BaseModel):
    """``stakeholder`` reports to ``manager`` on a solid or dotted line (derived)."""

    model_config = ConfigDict(frozen=True)

    stakeholder: str
    manager: str
    line: LineKind = LineKind.SOLID


def input_error_from_validation(exc: ValidationError, *, file: str | None = None,
                                line: int | None = None, data: dict[str, Any] | None = None
                                ) -> InputError:
    """Turn pydantic's first validation error into a one-line :class:`InputError`.

    The field is the first element of the error location; the problem names the
    bad value the user gave.

    Examples
    --------
    >>> try:
    ...     Stakeholder(id="c1", account="a", name="X", influence=9)
    ... except ValidationError as exc:
    ...     print(input_error_from_validation(exc, file="s.csv", line=4))
    s.csv:4: influence: Input should be less than or equal to 5 (got 9)
    """
    err = exc.errors(include_url=False)[0]
    loc = [str(part) for part in err.get("loc", ())]
    msg = str(err.get("msg", "invalid"))
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    field = loc[0] if loc else None
    if ": " in msg and msg.split(": ", 1)[0].isidentifier() and (field is None or err["type"] == "value_error"):
        named, msg = msg.split(": ", 1)
        field = named
    bad = err.get("input")
    if data is not None and field in data:
        bad = data[field]
    shown = "" if isinstance(bad, dict) or repr(bad) in msg or err["type"] == "missing" else f" (got {bad!r})"
    if err["type"] == "missing":
        msg = "required, but missing"
    return InputError(f"{msg}{shown}", file=file, line=line, field=field)
