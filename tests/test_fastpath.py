"""The meeting fast path builds exactly what pydantic builds, or steps aside."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kamgraph.domain.models import Meeting
from kamgraph.ingest.fastpath import build_meeting, fast_meeting

ids = st.sampled_from(["s-kim", "c-arch", " c-cto ", "a b", "x,y", " lead", "", "é-ü", "m\t1", "a" * 201, "c1"])
dates = st.sampled_from(["2025-01-15", " 2025-02-28 ", "2025-02-30", "2025-1-5", "15/01/2025",
                         "2025-01-15T10:00:00", "2025-01-15T23:00:00Z", "", "yesterday"])
kinds = st.sampled_from(["meeting", "call", " qbr ", "QBR", "Phone", "video call", "lunch", "dance", ""])
texts = st.sampled_from(["Weekly sync", "  padded  ", "Quarterly\r\nreview", "x"])


@st.composite
def rows(draw: st.DrawFn) -> dict[str, object]:
    data: dict[str, object] = {"id": draw(ids), "date": draw(dates),
                               "attendees": ";".join(draw(st.lists(ids, min_size=0, max_size=5)))}
    if draw(st.booleans()):
        data["kind"] = draw(kinds)
    if draw(st.booleans()):
        data["account"] = draw(ids)
    for name in ("subject", "source", "source_id"):
        if draw(st.booleans()):
            data[name] = draw(texts)
    return {k: v for k, v in data.items() if isinstance(v, str) and v.strip()}  # as the CSV reader passes them


@settings(max_examples=600, deadline=None)
@given(rows())
def test_fast_path_agrees_with_pydantic(data: dict[str, object]) -> None:
    fast = fast_meeting(data)
    try:
        slow = Meeting.model_validate(data)
    except ValidationError:
        assert fast is None
        return
    if fast is not None:
        assert fast == slow
        assert fast.model_dump() == slow.model_dump()
        assert fast.model_fields_set == slow.model_fields_set


def test_the_common_row_takes_the_fast_path() -> None:
    data = {"id": "m-1", "date": "2025-01-15", "kind": "call", "account": "acme", "subject": " Sync ",
            "attendees": "s-kim;c-arch"}
    fast = fast_meeting(data)
    assert fast is not None and fast == Meeting.model_validate(data)


def test_build_meeting_is_model_construct() -> None:
    values = {"id": "m-2", "date": Meeting.model_validate({"id": "x", "date": "2025-03-01",
                                                          "attendees": "a;b"}).date, "attendees": ["a", "b"]}
    built = build_meeting(values, {"id", "date", "attendees"})
    constructed = Meeting.model_construct(_fields_set={"id", "date", "attendees"}, **values)
    assert built == constructed and built.model_dump() == constructed.model_dump()
    assert built.model_fields_set == constructed.model_fields_set and list(built.__dict__) == list(constructed.__dict__)
    assert built.model_copy(update={"account": "acme"}).account == "acme"
