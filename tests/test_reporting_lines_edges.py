"""Reporting lines of a stakeholder imported again with other lines, on both stores, worked by hand.

An update replaces a stakeholder's lines: the solid one and every dotted one are written again as the new
record has them (the old ones go), whether the person is new or already stored.
"""

from __future__ import annotations

import datetime as dt

from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.store.base import GraphStore


def _people(title: str, solid: str | None, dotted: list[str]) -> list[Stakeholder]:
    return [Stakeholder(id=c, account="acc", name=c.upper()) for c in ("c1", "c3", "c4")] + [
        Stakeholder(id="c2", account="acc", name="Di", title=title, reports_to=solid, dotted_to=dotted)]


def _lines(store: GraphStore) -> list[tuple[str, str, str]]:
    snap = store.load_account("acc")
    return sorted((r.stakeholder, r.manager, str(r.line)) for r in snap.reporting_lines)


def test_an_updated_stakeholder_gets_its_new_dotted_lines(store: GraphStore) -> None:
    base = Batch(accounts=[Account(id="acc", name="Acme")], staff=[Staff(id="s1", name="Sam", accounts=["acc"])],
                 meetings=[Meeting(id="m1", date=dt.date(2026, 1, 5), attendees=["s1", "c2"])])
    store.import_batch(Batch(accounts=base.accounts, staff=base.staff, meetings=base.meetings,
                             stakeholders=_people("Analyst", "c1", ["c3"])))
    assert _lines(store) == [("c2", "c1", "solid"), ("c2", "c3", "dotted")]
    # c2 again, promoted: solid line to c4 now, dotted to c1 and c3
    summary = store.import_batch(Batch(stakeholders=_people("Lead", "c4", ["c1", "c3"])))
    assert summary.counts("stakeholders").updated == 1
    assert _lines(store) == [("c2", "c1", "dotted"), ("c2", "c3", "dotted"), ("c2", "c4", "solid")]
    c2 = store.get_person("c2")
    assert (c2.title, c2.reports_to, c2.dotted_to) == ("Lead", "c4", ["c1", "c3"])  # type: ignore[union-attr]
    # and again with no dotted line at all: only the solid one is left
    store.import_batch(Batch(stakeholders=_people("Lead", "c4", [])))
    assert _lines(store) == [("c2", "c4", "solid")]
