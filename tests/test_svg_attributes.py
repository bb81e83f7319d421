"""kamgraph's SVG writer keeps names inside the attributes and the text they belong to.

A name with a double quote must not end an attribute (``aria-label``, ``data-*``), and characters XML 1.0
forbids (NUL, vertical tab, form feed) must not make the picture unreadable: parsed with ElementTree, the
root holds exactly the attributes we write, each value reads back as given (forbidden characters dropped).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kamgraph.views.plots.svg import Svg

SVG = "{http://www.w3.org/2000/svg}"
QUOTED = 'Acme" onload="alert(1)'
FORBIDDEN = "Ann\x00 Lee\x0b\x0c"


def test_quotes_stay_inside_attributes_and_forbidden_characters_go() -> None:
    doc = Svg(100, 40, label=QUOTED)
    doc.circle(10, 10, 5, fill="#000000", cls="marker", data={"id": "p1' onclick='x", "name": QUOTED})
    doc.text(5, 20, FORBIDDEN, size=8)
    root = ET.fromstring(doc.render())
    assert root.get("aria-label") == QUOTED and "onload" not in root.attrib
    [circle] = root.iter(f"{SVG}circle")
    assert (circle.get("data-id"), circle.get("data-name")) == ("p1' onclick='x", QUOTED)
    assert not any(k.startswith("on") for el in root.iter() for k in el.attrib)
    [text] = root.iter(f"{SVG}text")
    assert text.text == "Ann Lee"
