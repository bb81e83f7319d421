"""Alert state every store backend must keep (run once per backend by the store fixtures)."""

from __future__ import annotations

import datetime as dt

import pytest

from kamgraph.domain.alert_state import AlertRecord, Delivery, alert_key
from kamgraph.errors import NotFoundError, StoreError
from kamgraph.store.base import GraphStore

from .test_store import sample_batch

D1, D2, D3 = dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 3, 3)


def alert(rule: str, account: str, subject: str, state: str = "s", on: dt.date = D1) -> AlertRecord:
    return AlertRecord(key=alert_key(rule, account, subject), rule=rule, account=account, subject=subject,
                       severity="high", state=state, title=f"{rule} {subject}", message="m", raised_on=on,
                       data={"n": 1, "ids": ["a", "b"]})


def test_a_new_store_has_no_alert_state(store: GraphStore) -> None:
    assert store.load_alerts() == [] and store.alert_checks() == {} and store.pending_deliveries() == []


def test_record_load_clear_and_raise_again(store: GraphStore) -> None:
    a, b = alert("overdue", "acme", "c1"), alert("decay", "beta", "s1>c2")
    store.record_alert_check(D1, {"acme": {"thin": False}, "beta": {}}, raised=[a, b])
    assert store.load_alerts() == [b, a]  # sorted by (raised_on, key): decay... < overdue...
    assert store.load_alerts(["acme"]) == [a] and store.load_alerts([]) == []
    checks = store.alert_checks()
    assert {k: (c.checked_on, c.facts) for k, c in checks.items()} == {"acme": (D1, {"thin": False}),
                                                                        "beta": (D1, {})}
    # Clear a, and raise it again in the same run (its situation changed).
    again = alert("overdue", "acme", "c1", state="other", on=D2)
    store.record_alert_check(D2, {"acme": {"thin": True}}, raised=[again], cleared=[a.key, "no:such:key"])
    assert store.load_alerts(["acme"]) == [again]
    history = store.load_alerts(["acme"], include_cleared=True)
    assert history == [a.model_copy(update={"cleared_on": D2}), again]
    assert store.alert_checks()["acme"].checked_on == D2 and store.alert_checks()["beta"].checked_on == D1


def test_open_alert_counts_count_open_alerts_only_by_account(store: GraphStore) -> None:
    assert store.open_alert_counts() == {}
    a1, a2, b1 = alert("overdue", "acme", "c1"), alert("overdue", "acme", "c2"), alert("decay", "beta", "s1>c2")
    store.record_alert_check(D1, {"acme": {}, "beta": {}}, raised=[a1, a2, b1])
    assert store.open_alert_counts() == {"acme": 2, "beta": 1}
    # a1 cleared and raised again (one open, one cleared: counted once), b1 cleared: beta has none open
    store.record_alert_check(D2, {"acme": {}, "beta": {}}, raised=[alert("overdue", "acme", "c1", "x", D2)],
                             cleared=[a1.key, b1.key])
    assert store.open_alert_counts() == {"acme": 2}
    # what the counts stand for: the open alerts load_alerts gives, counted by hand
    assert [a.account for a in store.load_alerts()] == ["acme", "acme"]


def test_a_second_open_alert_with_the_same_key_is_refused_and_nothing_is_written(store: GraphStore) -> None:
    a = alert("overdue", "acme", "c1")
    store.record_alert_check(D1, {"acme": {}}, raised=[a])
    with pytest.raises(StoreError):
        store.record_alert_check(D2, {"acme": {"x": 1}}, raised=[alert("decay", "acme", "z", on=D2), a],
                                 deliveries=[Delivery(id="d1", created_on=D2, payload="{}")])
    assert store.load_alerts(include_cleared=True) == [a]
    assert store.alert_checks()["acme"].checked_on == D1 and store.pending_deliveries() == []
    with pytest.raises(StoreError):
        store.record_alert_check(D2, {}, raised=[a.model_copy(update={"key": "k2", "cleared_on": D2})])


def test_outbox(store: GraphStore) -> None:
    first = Delivery(id="b", created_on=D1, payload='{"count": 1}')
    second = Delivery(id="a", created_on=D2, payload='{"count": 2}')
    store.record_alert_check(D1, {}, deliveries=[second, first])
    assert [d.id for d in store.pending_deliveries()] == ["b", "a"]  # oldest first
    store.finish_delivery("b", delivered=False, error="HTTP 500")
    store.finish_delivery("b", delivered=False, error="timed out")
    failed = store.pending_deliveries()[0]
    assert (failed.attempts, failed.last_error, failed.payload) == (2, "timed out", '{"count": 1}')
    store.finish_delivery("b", delivered=True)
    assert [d.id for d in store.pending_deliveries()] == ["a"]
    with pytest.raises(NotFoundError):
        store.finish_delivery("b", delivered=True)
    with pytest.raises(StoreError):
        store.record_alert_check(D3, {}, deliveries=[Delivery(id="a", created_on=D3, payload="{}")])


def test_clear_removes_alert_state_too(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    store.record_alert_check(D1, {"acme": {}}, raised=[alert("overdue", "acme", "a-cfo")],
                             deliveries=[Delivery(id="d", created_on=D1, payload="{}")])
    store.clear()
    assert store.is_empty() and store.load_alerts(include_cleared=True) == [] and store.alert_checks() == {}
    assert store.pending_deliveries() == []


def test_list_stakeholders(store: GraphStore) -> None:
    store.import_batch(sample_batch())
    assert [p.id for p in store.list_stakeholders()] == ["a-ceo", "a-cfo", "a-eng", "a-old", "b-cto"]
    assert [p.id for p in store.list_stakeholders(["beta"])] == ["b-cto"]
    old = store.list_stakeholders(["acme"])[3]
    assert old.id == "a-old" and old.left_on == dt.date(2025, 2, 1) and old.moved_to == "Globex"
