"""Tests written for the open survivors of the `store` mutation run (docs/mutation.md, fourth round):
what an erasure removes from the analysis snapshots and how it counts the alert state it rewrites, the
meeting of an erased account that stays, provenance across two parameter chunks, and the one-line errors of
``write_metrics`` and ``restore_alert_state``. Every expected figure is counted by hand in the test; rows of
the snapshot tables are read back with plain SQL (the store has no reader for person and tie rows).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from kamgraph.domain.alert_state import AccountCheck, AlertRecord, Delivery
from kamgraph.domain.dataset import Batch
from kamgraph.domain.erasure import AlertState, Erasure
from kamgraph.domain.metrics import AccountMetrics, MetricsSnapshot, PersonMetrics, TieMetrics
from kamgraph.domain.models import Account, Meeting, Staff, Stakeholder
from kamgraph.domain.provenance import Provenance
from kamgraph.errors import NotFoundError, StoreError
from kamgraph.monitor.forget import scrub_alert_state
from kamgraph.store import open_store

D1, D2, D3 = dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)
NOW = dt.datetime(2026, 5, 2, 9, 0)


def _batch() -> Batch:
    """Two accounts; 'gone' and its stakeholder g1, the stakeholder c1 and our staff member s3 are erased."""
    return Batch(
        accounts=[Account(id="acc", name="Acme"), Account(id="gone", name="Gone Ltd")],
        staff=[Staff(id="s1", name="Sam", accounts=["acc"]), Staff(id="s2", name="Sue", accounts=["acc", "gone"]),
               Staff(id="s3", name="Stu", accounts=["acc"])],
        stakeholders=[Stakeholder(id="c1", account="acc", name="Cy Smith"),
                      Stakeholder(id="c2", account="acc", name="Di"),
                      Stakeholder(id="g1", account="gone", name="Gil")],
        meetings=[Meeting(id="m1", date=dt.date(2026, 1, 5), attendees=["s1", "c2"]),
                  # an erased account's meeting that c2 attended: it stays, without its account
                  Meeting(id="m4", date=dt.date(2026, 1, 8), account="gone", attendees=["s2", "c2", "g1"])])


ERASURE = Erasure(people=["c1", "g1", "s3"], accounts=["gone"], needles=["Cy Smith"])


def _account(account: str, as_of: dt.date, top: str | None, critical: str | None) -> AccountMetrics:
    return AccountMetrics(account=account, name=account, as_of=as_of, fingerprint="f", generation=1,
                          computed_at=NOW, top_staff=top, most_critical_person=critical)


def _person(account: str, person: str, kind: str) -> PersonMetrics:
    return PersonMetrics(account=account, person=person, as_of=D3, kind=kind, name=person)


def _tie(account: str, staff: str, stakeholder: str, as_of: dt.date = D3) -> TieMetrics:
    return TieMetrics(account=account, staff=staff, stakeholder=stakeholder, as_of=as_of, strength=1.0, meetings=1,
                      first_met=D1, last_met=D1, thread=True, sole_thread=False)


def _rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return sorted(db.execute(sql).fetchall())


def test_an_erasure_removes_each_snapshot_row_that_names_the_erased(tmp_path: Path) -> None:
    path = tmp_path / "kam.db"
    snapshots = [
        MetricsSnapshot(account=_account("gone", D1, "s1", "c2")),                      # the erased account: goes
        MetricsSnapshot(account=_account("acc", D1, "s3", None)),                       # top staff erased: goes
        MetricsSnapshot(account=_account("acc", D2, "s1", "c1")),                       # most critical erased: goes
        MetricsSnapshot(account=_account("acc", D3, "s1", "c2"),                        # kept, with its rows:
                        people=[_person("acc", "c1", "stakeholder"),                    # erased person: goes
                                _person("acc", "s3", "staff"),                          # erased staff: goes
                                _person("acc", "c2", "stakeholder")],                   # kept
                        ties=[_tie("acc", "s3", "c2"),                                  # erased staff: goes
                              _tie("acc", "s1", "c1"),                                  # erased stakeholder: goes
                              _tie("acc", "s1", "c2")]),                                # kept
    ]
    with open_store(f"sqlite:///{path}", create=True) as store:
        store.import_batch(_batch())
        assert store.write_metrics(snapshots) == 4
        # rows of the erased account named nobody erased: only the account condition removes them
        store.write_metrics([MetricsSnapshot(account=_account("gone", D2, "s2", None),
                                             people=[_person("gone", "s2", "staff")],
                                             ties=[_tie("gone", "s2", "c2", D2)])])
        counts = store.erase(ERASURE, lambda state: state)
        assert list(store.account_metrics(["acc", "gone"], D3)) == ["acc"]
        assert store.account_metrics(["acc", "gone"], D1) == {}
        assert store.account_metrics(["acc", "gone"], D2) == {}
    # account rows: gone D1, gone D2, acc D1, acc D2 (4); person rows: c1, s3, s2 at gone (3);
    # tie rows: s3-c2, s1-c1, s2-c2 at gone (3)
    assert counts.metrics == 4 + 3 + 3
    assert _rows(path, "SELECT account_id, as_of FROM account_metrics") == [("acc", "2026-05-01")]
    assert _rows(path, "SELECT account_id, person_id FROM person_metrics") == [("acc", "c2")]
    assert _rows(path, "SELECT account_id, staff_id, stakeholder_id FROM tie_metrics") == [("acc", "s1", "c2")]


def test_an_erasure_keeps_the_meeting_of_an_erased_account_without_its_account(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_batch())
        counts = store.erase(ERASURE, lambda state: state)
        meetings = {m.id: (m.account, m.attendees) for m in store.dump().meetings}
    # m4 loses g1 (an attendance) and its account; c2 still attends it, so it stays
    assert meetings == {"m1": (None, ["c2", "s1"]), "m4": (None, ["c2", "s2"])}
    assert (counts.meetings, counts.attendances, counts.accounts) == (0, 1, 1)


def _alert(key: str, raised_on: dt.date, account: str = "acc") -> AlertRecord:
    return AlertRecord(key=key, rule="overdue", account=account, subject=key, severity="low", state="s",
                       title=key, message=key, raised_on=raised_on)


def _check(account: str, facts: dict) -> AccountCheck:
    return AccountCheck(account=account, checked_on=D1, facts=facts)


def test_an_erasure_counts_the_alert_state_the_scrub_changed(tmp_path: Path) -> None:
    before = AlertState(
        alerts=[_alert("a1", D1), _alert("a2", D2), _alert("a3", D3)],
        checks=[_check("acc", {"x": 1}), _check("m", {"x": 2}), _check("z", {"x": 3}), _check("zz", {"x": 4})],
        outbox=[Delivery(id="d1", created_on=D1, payload="{}"), Delivery(id="d2", created_on=D2, payload="{}"),
                Delivery(id="d3", created_on=D3, payload="{}")])
    # by hand: two alerts dropped; checks: 'acc' rewritten and 'zz' dropped (2; 'm' and 'z' unchanged);
    # outbox: d2 rewritten and d3 dropped (2; d1 unchanged)
    after = AlertState(alerts=[before.alerts[0]],
                       checks=[_check("acc", {}), before.checks[1], before.checks[2]],
                       outbox=[before.outbox[0], Delivery(id="d2", created_on=D2, payload='{"alerts": []}')])
    seen: list[AlertState] = []

    def scrub(state: AlertState) -> AlertState:
        seen.append(state)
        return after

    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_batch())
        assert store.restore_alert_state(before) == 10
        counts = store.erase(ERASURE, scrub)
        stored = store.dump_alert_state()
    assert seen == [before]
    assert (counts.alerts, counts.checks_scrubbed, counts.outbox) == (2, 2, 2)
    assert stored == after


def test_the_checks_of_an_erased_account_count_once(tmp_path: Path) -> None:
    checks = [_check("acc", {"x": 1}), _check("gone", {"x": 2}), _check("zed", {"x": 3})]
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_batch())
        store.restore_alert_state(AlertState(checks=checks))
        counts = store.erase(ERASURE, lambda state: scrub_alert_state(state, ERASURE))
        left = store.dump_alert_state().checks
    assert left == [checks[0], checks[2]]       # only the erased account's check went: one check scrubbed
    assert counts.checks_scrubbed == 1


def test_restoring_an_alert_state_with_two_open_alerts_of_one_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kam.db"
    with open_store(f"sqlite:///{path}", create=True) as store:
        store.import_batch(_batch())
        assert store.restore_alert_state(AlertState(alerts=[_alert("k", D1)])) == 1
        with pytest.raises(StoreError) as caught:    # at most one open alert per key (the schema says so)
            store.restore_alert_state(AlertState(alerts=[_alert("j", D1), _alert("j", D2)]))
        assert store.dump_alert_state() == AlertState(alerts=[_alert("k", D1)])
    assert str(caught.value) == (f"{path}: alert state refused (UNIQUE constraint failed: alert.key); "
                                 "nothing written")


# -- provenance -------------------------------------------------------------------------------------------

def _seen(kind: str, record: str, source_id: str) -> Provenance:
    return Provenance(kind=kind, record_id=record, source="crm", source_id=source_id, first_seen=D1, last_seen=D2)


def test_provenance_of_an_account_is_recorded_and_read_in_key_order(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_batch())
        # x1 names a stakeholder, x2 the account: by source id c2 comes first, by key (kind first) acc
        assert store.record_provenance([_seen("stakeholder", "c2", "x1"), _seen("account", "acc", "x2")]) == 2
        assert store.provenance_from("crm", ["x2", "x1"]) == [_seen("account", "acc", "x2"),
                                                              _seen("stakeholder", "c2", "x1")]
        with pytest.raises(StoreError) as caught:
            store.record_provenance([Provenance.model_construct(kind="objective", record_id="o1", source="crm",
                                                                source_id="", first_seen=D1, last_seen=D1)])
    assert str(caught.value) == "no provenance for records of kind 'objective'"


def test_provenance_of_901_source_records_is_read_and_forgotten_in_two_chunks(tmp_path: Path) -> None:
    ids = [f"x{i:04d}" for i in range(901)]            # one more than a chunk of 900 parameters
    with open_store(f"sqlite:///{tmp_path / 'kam.db'}", create=True) as store:
        store.import_batch(_batch())
        assert store.record_provenance([_seen("account", "acc", i) for i in ids]) == 901
        found = store.provenance_from("crm", ids)
        assert [e.source_id for e in found] == ids
        assert store.forget_provenance("crm", ids) == 901
        assert store.provenance_from("crm", ids) == []


# -- write_metrics ----------------------------------------------------------------------------------------

def test_write_metrics_stores_the_ties_of_a_snapshot_without_people(tmp_path: Path) -> None:
    path = tmp_path / "kam.db"
    with open_store(f"sqlite:///{path}", create=True) as store:
        store.import_batch(_batch())
        assert store.write_metrics([MetricsSnapshot(account=_account("acc", D3, None, None),
                                                    ties=[_tie("acc", "s1", "c2")])]) == 1
        with pytest.raises(NotFoundError) as caught:
            store.write_metrics([MetricsSnapshot(account=_account("nope", D3, None, None))])
    assert str(caught.value) == "no account with id 'nope' (see 'kamgraph accounts'); nothing written"
    assert _rows(path, "SELECT account_id, staff_id, stakeholder_id, as_of FROM tie_metrics") == [
        ("acc", "s1", "c2", "2026-05-01")]
    assert _rows(path, "SELECT count(*) FROM person_metrics") == [(0,)]
