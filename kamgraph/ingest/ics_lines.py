"""iCalendar content lines for the ``icalendar`` parser, split quickly when they are plain.

``icalendar`` (7.x) splits every content line -- ``NAME;PARAM=VALUE:value`` --
character by character in Python (quotes, backslash escapes, RFC 6868
``^`` escapes, lenient white space), and then parses the parameters again
with a quote-aware splitter. On a calendar export that is more than half of
the parse and a third of a whole ``kamgraph import`` of the file (issue #15:
2,100-2,500 events/s against a goal of 3,000).

:class:`QuickLine` is icalendar's own :class:`~icalendar.parser.Contentline`
with one method written by hand: :meth:`QuickLine.parts` splits a *plain*
line -- a name of letters, digits and ``-``; parameters ``NAME=value`` with
no quote, backslash, caret, percent sign, comma, colon, semicolon, equals
sign, control character or white space next to a delimiter -- with one
regular expression, and hands every other line to icalendar's method. For a
plain line the result is the very same ``(name, Parameters, value)``:
nothing in such a line is escaped, quoted or lists several values, so
icalendar's unescaping steps are identities on it; the value is unescaped
with icalendar's own function. Everything else -- components, property types,
time zones, the error messages of malformed files -- stays icalendar's: the
lines are handed to ``icalendar.Calendar.from_ical``, which takes a list of
content lines as well as text (icalendar 7; with an older icalendar, which
does not, :func:`content_lines` returns the text as it is).
``tests/test_import_speed_ics.py`` checks that
both ways give the same parts for every line of the suite's calendars (the
hostile ones included) and of generated lines, and the same calendars.

Examples
--------
>>> line = QuickLine("ATTENDEE;CN=Ann Lee;PARTSTAT=ACCEPTED:mailto:ann@acme.example")
>>> name, params, value = line.parts()
>>> name, dict(params), value
('ATTENDEE', {'CN': 'Ann Lee', 'PARTSTAT': 'ACCEPTED'}, 'mailto:ann@acme.example')
>>> line.parts() == Contentline(line).parts()
True
>>> [str(line) for line in content_lines("BEGIN:VCALENDAR\\r\\nSUMMARY:a long\\r\\n  line\\r\\nEND:VCALENDAR\\r\\n")]
['BEGIN:VCALENDAR', 'SUMMARY:a long line', 'END:VCALENDAR']
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import partial
from typing import Any

from icalendar.parser import Contentline, Parameters

try:  # icalendar 7: the parser takes content lines, and these are its own line splitting rules
    from icalendar.parser import unescape_backslash
    from icalendar.parser.content_line import NEWLINE, UFOLD
except ImportError:  # pragma: no cover - icalendar 6
    NEWLINE = UFOLD = None

__all__ = ["QuickLine", "content_lines"]

#: A plain line up to its value: the name, then parameters with single plain values, then the colon.
_PLAIN = re.compile(r"([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=[^\x00-\x1f\x7f\"\\^%;:,=]*)*):")
#: A space next to a delimiter, which icalendar's lenient mode strips: such a line is not plain.
_LOOSE = re.compile(r" [;=]|[;=] ")


def _parameters_maker() -> tuple[Any, Any]:
    """How to make an empty :class:`~icalendar.parser.Parameters` and store a plain key in it, quickly.

    ``Parameters()`` runs three ``__init__`` methods (defaults, case folding of the keys given) that do
    nothing for an empty one; on a calendar export that is a tenth of the parse. When an empty instance holds
    no state beyond the (ordered) dictionary -- checked here, once -- it is made with ``__new__``, and a key
    that is already ``str`` and upper-cased is stored by the ordered dictionary's ``__setitem__``, as
    ``CaselessDict.__setitem__`` ends up doing. Otherwise (another icalendar) the public way is used.
    """
    probe = Parameters.__new__(Parameters)
    made = Parameters()
    plain = (isinstance(made, OrderedDict) and not getattr(made, "__dict__", {}) and made == probe
             and type(made).__setitem__ is not OrderedDict.__setitem__)
    if not plain:  # pragma: no cover - an icalendar whose Parameters keep more state
        return Parameters, Parameters.__setitem__
    return partial(Parameters.__new__, Parameters), OrderedDict.__setitem__


_empty_parameters, _store = _parameters_maker()


class QuickLine(Contentline):
    """An icalendar content line whose :meth:`parts` are found quickly when the line is plain."""

    __slots__ = ()

    def parts(self) -> tuple[str, Parameters, str]:
        """``(name, parameters, unescaped value)``, as :meth:`Contentline.parts` gives them.

        Returns
        -------
        tuple
            The name as written, the :class:`~icalendar.parser.Parameters`
            and the value with its backslash escapes undone.
        """
        match = _PLAIN.match(self)
        if match is None or self.strict:
            return super().parts()
        raw = match.group(2)
        if raw and (_LOOSE.search(raw) or raw[-1].isspace()):  # icalendar strips white space at the end too
            return super().parts()
        params = _empty_parameters()
        if raw:
            for item in raw[1:].split(";"):
                key, _, value = item.partition("=")
                _store(params, key.upper(), value)  # Parameters' own __setitem__, for a plain str key
        value = self[match.end():]
        if "\\" in value:
            value = unescape_backslash(value)
        return match.group(1), params, value


def content_lines(text: str) -> list[QuickLine] | str:
    """The content lines of an iCalendar text, unfolded, as ``Contentlines.from_ical`` makes them.

    Parameters
    ----------
    text : str
        The calendar, decoded.

    Returns
    -------
    list of QuickLine or str
        One per non-empty line, for ``icalendar.Calendar.from_ical``; the
        text itself with an icalendar older than 7.
    """
    if UFOLD is None:  # pragma: no cover - icalendar 6
        return text
    return [QuickLine(line) for line in NEWLINE.split(UFOLD.sub("", text)) if line]
