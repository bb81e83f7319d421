"""The domain model validates input and names the field and the bad value."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from kamgraph.domain.models import (
    Account,
    BuyingRole,
    Meeting,
    MeetingKind,
    Relationship,
    Seniority,
    Staff,
    StaffRole,
    Stakeholder,
    Status,
    input_error_from_validation,
)
from kamgraph.errors import InputError


def _error(model: type, **data: object) -> InputError:
    with pytest.raises(ValidationError) as info:
        model(**data)
    return input_error_from_validation(info.value, file="f.csv", line=7, data=data)


def test_enums_accept_what_people_type() -> None:
    s = Stakeholder(id="c1", account="a", name="A", buying_role="Economic Buyer", seniority="C-Level")
    assert s.buying_role is BuyingRole.ECONOMIC_BUYER
    assert s.seniority is Seniority.C_LEVEL
    assert Staff(id="s1", name="S", role="Key Account Manager").role is StaffRole.KAM
    assert Meeting(id="m", date="2025-01-01", attendees="a;b", kind="Video Call").kind is MeetingKind.CALL


def test_seniority_rank_orders_levels_top_down() -> None:
    assert [level.rank for level in Seniority] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("influence", "9", "f.csv:7: influence: Input should be less than or equal to 5 (got '9')"),
        ("influence", "high", "f.csv:7: influence: Input should be a valid integer"),
        ("attitude", "-3", "f.csv:7: attitude: Input should be greater than or equal to -2 (got '-3')"),
        ("buying_role", "boss", "f.csv:7: buying_role: Input should be 'economic_buyer'"),
        ("email", "nobody", "f.csv:7: email: not an e-mail address: 'nobody'"),
        ("left_on", "2025-02-30", "f.csv:7: left_on: not a date (expected YYYY-MM-DD): '2025-02-30'"),
        ("id", "a;b", "f.csv:7: id: an id is 1-200 characters"),
    ],
)
def test_validation_errors_name_field_and_value(field: str, value: str, expected: str) -> None:
    data = {"id": "c1", "account": "a", "name": "A", field: value}
    message = str(_error(Stakeholder, **data))
    assert message.startswith(expected), message
    assert value in message


def test_missing_required_field_is_named() -> None:
    assert str(_error(Stakeholder, id="c1", name="A")) == "f.csv:7: account: required, but missing"


def test_left_needs_a_date_and_a_date_means_left() -> None:
    assert str(_error(Stakeholder, id="c", account="a", name="A", status="left")).startswith(
        "f.csv:7: left_on: a date is required")
    s = Stakeholder(id="c", account="a", name="A", left_on="2025-02-01")
    assert s.status is Status.LEFT
    assert s.is_active(dt.date(2025, 1, 31)) and not s.is_active(dt.date(2025, 2, 1))


def test_meeting_needs_two_attendees_and_a_real_date() -> None:
    assert "attendees" in str(_error(Meeting, id="m", date="2025-01-01", attendees="a"))
    assert str(_error(Meeting, id="m", date="15/01/2025", attendees="a;b")) == (
        "f.csv:7: date: not a date (expected YYYY-MM-DD): '15/01/2025'")
    m = Meeting(id="m", date="2025-01-15T09:30:00+01:00", attendees=["b", "a", "b"])
    assert m.date == dt.date(2025, 1, 15) and m.attendees == ["a", "b"]


def test_nobody_reports_to_themselves_or_ties_to_themselves() -> None:
    assert "reports_to" in str(_error(Stakeholder, id="c", account="a", name="A", reports_to="c"))
    assert "target" in str(_error(Relationship, source="c", target="c"))


def test_unknown_fields_are_refused() -> None:
    assert str(_error(Account, id="a", name="A", colour="red")).startswith("f.csv:7: colour: Extra inputs")


def test_lists_accept_csv_cells_and_are_sorted() -> None:
    s = Staff(id="s", name="S", accounts="b; a;b")
    assert s.accounts == ["a", "b"]
    assert Account(id="a", name="A", domains="Acme.example;@acme.example").domains == ["acme.example"]
