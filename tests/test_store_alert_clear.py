"""Clearing an alert twice keeps the day it was first cleared (both stores)."""

from __future__ import annotations

import datetime as dt

from kamgraph.store.base import GraphStore

from .test_alert_store import alert

D1, D2, D3 = dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 3, 3)


def test_a_cleared_alert_is_not_cleared_again(store: GraphStore) -> None:
    a, b = alert("overdue", "acme", "c1"), alert("overdue", "acme", "c2")
    store.record_alert_check(D1, {"acme": {}}, raised=[a, b])
    store.record_alert_check(D2, {"acme": {}}, cleared=[a.key])
    store.record_alert_check(D3, {"acme": {}}, cleared=[a.key, b.key])  # a again: already cleared on D2
    history = {x.key: x.cleared_on for x in store.load_alerts(["acme"], include_cleared=True)}
    assert history == {a.key: D2, b.key: D3}
    assert store.load_alerts(["acme"]) == []
