"""``kamgraph forget`` on both stores: links between two erased people, the stored snapshot naming the erased
as most critical, and a title naming them -- every count worked out by hand from the records in the test."""

from __future__ import annotations

import datetime as dt

from kamgraph.domain.dataset import Batch
from kamgraph.domain.erasure import ERASED, Erasure
from kamgraph.domain.metrics import AccountMetrics, MetricsSnapshot
from kamgraph.domain.models import Account, Meeting, Relationship, Staff, Stakeholder
from kamgraph.store.base import GraphStore

DAY = dt.date(2026, 5, 1)


def _batch() -> Batch:
    """c2 reports to c1 (solid) and knows c1; c3 reports to c1 and is titled after Cy Smith (c1)."""
    return Batch(
        accounts=[Account(id="acc", name="Acme")],
        staff=[Staff(id="s1", name="Sam", accounts=["acc"])],
        stakeholders=[Stakeholder(id="c1", account="acc", name="Cy Smith"),
                      Stakeholder(id="c2", account="acc", name="Di", reports_to="c1"),
                      Stakeholder(id="c3", account="acc", name="Ed", title="Assistant to Cy Smith", reports_to="c1")],
        meetings=[Meeting(id="m1", date=dt.date(2026, 1, 5), attendees=["s1", "c1", "c2", "c3"])],
        relationships=[Relationship(source="c2", target="c1", kind="knows"),
                       Relationship(source="s1", target="c2", kind="influences")])


def _snapshot(critical: str | None, top: str | None = "s1") -> MetricsSnapshot:
    return MetricsSnapshot(account=AccountMetrics(
        account="acc", name="Acme", as_of=DAY, fingerprint="f", generation=1,
        computed_at=dt.datetime(2026, 5, 2, 9, 0), top_staff=top, most_critical_person=critical))


def test_links_between_two_erased_people_count_once(store: GraphStore) -> None:
    store.import_batch(_batch())
    counts = store.erase(Erasure(people=["c1", "c2"], accounts=[], needles=["Cy Smith"]), lambda state: state)
    # reporting lines: c2 -> c1 (both erased: once, not once from each end) and c3 -> c1 = 2;
    # ties: c2 knows c1 (both erased: once) and s1 influences c2 = 2; attendances of c1 and c2 in m1 = 2
    assert (counts.stakeholders, counts.reporting_lines, counts.relationships) == (2, 2, 2)
    assert counts.attendances == 2
    assert counts.meetings == 0  # c3 is still in m1
    # c3's title named Cy Smith: scrubbed (one text), and c3's line to c1 is gone
    assert counts.texts_scrubbed == 1
    c3 = store.get_person("c3")
    assert (c3.title, c3.reports_to) == (f"Assistant to {ERASED}", None)


def test_a_snapshot_naming_the_erased_as_most_critical_goes(store: GraphStore) -> None:
    store.import_batch(_batch())
    store.write_metrics([_snapshot(critical="c3")])
    assert list(store.account_metrics(["acc"], DAY)) == ["acc"]
    counts = store.erase(Erasure(people=["c3"], accounts=[]), lambda state: state)
    # the account's stored snapshot names c3 as its most critical person: it is removed (1 row)
    assert store.account_metrics(["acc"], DAY) == {}
    assert counts.metrics == 1


def test_a_snapshot_naming_someone_else_stays(store: GraphStore) -> None:
    store.import_batch(_batch())
    store.write_metrics([_snapshot(critical="c1", top="s1")])
    counts = store.erase(Erasure(people=["c3"], accounts=[]), lambda state: state)
    kept = store.account_metrics(["acc"], DAY)
    assert (list(kept), kept["acc"].most_critical_person, kept["acc"].top_staff) == (["acc"], "c1", "s1")
    assert counts.metrics == 0
