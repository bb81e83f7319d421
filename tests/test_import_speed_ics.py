"""The quick content-line split (kamgraph.ingest.ics_lines) gives exactly what icalendar's own split gives.

Checked three ways, each against icalendar itself:

* every content line of every calendar the suite feeds the importer -- ``tests/data/calendar/*.ics`` and
  ``suite-corpus.json.gz``, the 139 texts (after kamgraph's unfolding and rule clean-up) that
  ``test_import_calendar``, ``test_hostile_input``, ``test_cli_import`` and ``tests/fuzz`` hand to icalendar,
  recorded from a run of those tests: the same ``(name, parameters, value)`` as ``Contentline.parts``, or the
  same error;
* each of those calendars parsed from the quick lines and from the text: the same components, properties,
  parameters and values (``to_ical``), or the same exception with the same message;
* generated lines full of what makes a line not plain (quotes, backslashes, carets, percent signs, commas,
  tabs, spaces and no-break spaces next to delimiters, lower-case names, empty values).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentline, Contentlines

from kamgraph.ingest.ics_lines import QuickLine, content_lines

DATA = Path(__file__).parent / "data" / "calendar"


def _corpus() -> list[str]:
    with gzip.open(DATA / "suite-corpus.json.gz", "rt", encoding="utf-8") as handle:
        texts: list[str] = json.load(handle)
    texts += [path.read_text(encoding="utf-8") for path in sorted(DATA.glob("*.ics"))]
    return texts


CORPUS = _corpus()


def _outcome(call: object) -> tuple[str, object]:
    try:
        return "ok", call()  # type: ignore[operator]
    except Exception as exc:  # the outcome compared is the exception itself
        return type(exc).__name__, str(exc)


def _parts(line: Contentline) -> tuple[str, object]:
    kind, value = _outcome(line.parts)
    if kind == "ok":
        name, params, text = value  # type: ignore[misc]
        return kind, (name, type(params), list(params.items()), text)
    return kind, value


def _same_line(line: str) -> None:
    assert _parts(QuickLine(line)) == _parts(Contentline(line)), line


def _calendars(data: object) -> tuple[str, object]:
    kind, value = _outcome(lambda: icalendar.Calendar.from_ical(data, multiple=True))
    if kind != "ok":
        return kind, value
    return kind, [(c.name, c.to_ical(), [(s.name, sorted(s.keys())) for s in c.walk()]) for c in value]  # type: ignore[union-attr]


def test_the_corpus_is_the_suite_s_calendars() -> None:
    assert len(CORPUS) >= 140
    assert sum("BEGIN:VEVENT" in text for text in CORPUS) > 100
    assert any("ATTENDEE;" in text and "PARTSTAT=" in text for text in CORPUS)


@pytest.mark.parametrize("index", range(len(CORPUS)))
def test_every_line_of_the_suite_s_calendars_splits_the_same(index: int) -> None:
    text = CORPUS[index]
    kind, lines = _outcome(lambda: Contentlines.from_ical(text))
    if kind != "ok":
        return  # icalendar cannot even cut this text into lines; test_parsed_calendars compares the whole
    quick = content_lines(text)
    assert [str(line) for line in quick] == [str(line) for line in lines if line]  # type: ignore[union-attr]
    for line in quick:
        _same_line(line)


@pytest.mark.parametrize("index", range(len(CORPUS)))
def test_parsed_calendars_are_the_same(index: int) -> None:
    text = CORPUS[index]
    assert _calendars(content_lines(text)) == _calendars(text)


def test_plain_lines_take_the_quick_path_and_others_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    slow: list[str] = []
    original = Contentline.parts

    def watched(self: Contentline) -> object:
        slow.append(str(self))
        return original(self)

    plain = "ATTENDEE;CUTYPE=INDIVIDUAL;CN=Ann Lee:mailto:ann@acme.example"
    expected = _parts(Contentline(plain))
    monkeypatch.setattr(Contentline, "parts", watched)
    assert _parts(QuickLine(plain)) == expected and not slow
    assert QuickLine(plain).parts()[1] == {"CUTYPE": "INDIVIDUAL", "CN": "Ann Lee"}
    # Quoted, escaped, listed, padded or RFC 6868 parameters go to icalendar's own split.
    others = ['ATTENDEE;CN="Lee, Ann":mailto:ann@acme.example', "ATTENDEE;MEMBER=a,b:mailto:x@y",
              "ATTENDEE;CN=Ann ;ROLE=CHAIR:mailto:x@y", "X-A;P=a^nb:v", "ATTENDEE;CN=\u00a0x\u00a0:m",
              "X_Y;A=b:c", "ATTENDEE;CN=100%:m"]
    for line in others:
        QuickLine(line).parts()
    assert slow == others
    monkeypatch.undo()
    for line in [*others, "SUMMARY:a\\, b\\nc", "summary:lower", "DTSTART;TZID=Europe/Berlin:20250101T100000"]:
        _same_line(line)


_names = st.sampled_from(["ATTENDEE", "attendee", "X-A", "DTSTART", "SUMMARY", "A B", "", "X_Y", "A.B", "Ä"])
_keys = st.sampled_from(["CN", "cn", "ROLE", "X-K", "", "A B", "K\t"])
_chars = st.sampled_from([*"ab ;:,=\"\\^%'\t\u00a0\u2003xé-", "^n", "^^", "^'", "\\,", "\\;", "%2C", "%25"])
_texts = st.lists(_chars, max_size=8).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_names, st.lists(st.tuples(_keys, _texts), max_size=4), _texts, st.sampled_from([":", "", " :", ";:"]))
def test_generated_lines_split_the_same(name: str, params: list[tuple[str, str]], value: str, colon: str) -> None:
    line = name + "".join(f";{key}={text}" for key, text in params) + colon + value
    if "\n" in line or "\r" in line:
        return
    _same_line(line)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_keys, _texts), max_size=3), _texts)
def test_generated_events_parse_the_same(params: list[tuple[str, str]], value: str) -> None:
    attendee = "ATTENDEE" + "".join(f";{key}={text}" for key, text in params) + ":" + value
    text = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//EN", "BEGIN:VEVENT", "UID:u1",
                        "DTSTART:20250101T100000Z", f"SUMMARY:{value}", attendee, "END:VEVENT", "END:VCALENDAR", ""])
    assert _calendars(content_lines(text)) == _calendars(text)
