"""Staff load (``kamgraph team``): a hand-worked two-account portfolio, both stores, and the demo."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.domain.models import Staff
from kamgraph.portfolio.team import build_team
from kamgraph.settings import Settings
from kamgraph.store.base import GraphStore

from .accounts import AS_OF, as_batch, met, person, snapshot, us


def two_accounts():  # type: ignore[no-untyped-def]
    """acc: A economic buyer (5: importance 10, key), B champion (4: 6, key), C user (2: 1.6); S1 (KAM), S2.
    acc2: P decision maker (5: 9, key), Q (3, no role); S1 and S3 (support) on its team.

    S1 met A 10 days ago, B 20 days ago, P and Q together 30 days ago; S2 met B 5 days ago and C 100 days ago
    (0.46: below the thread threshold, and outside the 90-day meetings window); S3 met Q 200 days ago (0.21).
    """
    s1 = Staff(id="S1", name="Sam", role="kam", accounts=["acc", "acc2"])
    acc = snapshot([person("A", 5, "economic_buyer"), person("B", 4, "champion"), person("C", 2, "user")],
                   [s1, us("S2", "delivery")],
                   [met("m1", 10, "S1", "A"), met("m2", 20, "S1", "B"), met("m3", 5, "S2", "B"),
                    met("m4", 100, "S2", "C")])
    other = [p.model_copy(update={"account": "acc2"}) for p in (person("P", 5, "decision_maker"), person("Q", 3))]
    acc2 = snapshot(other, [s1, Staff(id="S3", name="Sia", role="support", accounts=["acc2"])],
                    [met("m5", 30, "S1", "P", "Q"), met("m6", 200, "S3", "Q")], account="acc2")
    return as_batch(acc, acc2)


def test_staff_load_worked_by_hand(store: GraphStore) -> None:
    store.import_batch(two_accounts())
    settings = Settings()
    settings.team.capacity = {"kam": 3}
    team = build_team(store, AS_OF, settings)
    by_id = {m.id: m for m in team.members}
    s1, s2, s3 = by_id["S1"], by_id["S2"], by_id["S3"]
    # S1 is the only thread of A, P and Q (A and P key); B has S1 and S2; C has nobody.
    assert (s1.accounts, s1.threads, s1.key_threads, s1.sole_threads, s1.sole_key) == (["acc", "acc2"], 4, 3, 3, 2)
    assert s1.meetings_per_month == round(3 * 30.4375 / 90, 2)  # m1, m2, m5 in the last 90 days
    assert (s1.capacity, s1.headroom, s1.load, s1.overloaded) == (3, -1, round(4 / 3, 6), True)
    assert (s2.threads, s2.key_threads, s2.sole_threads, s2.sole_key) == (1, 1, 0, 0)
    assert s2.meetings_per_month == round(30.4375 / 90, 2) and s2.capacity == 40  # m4 is 100 days old
    assert (s3.accounts, s3.threads, s3.meetings_per_month, s3.single_point_of_failure) == (["acc2"], 0, 0.0, False)
    assert [(r.account, r.threads, r.sole_key) for r in s1.per_account] == [("acc", 2, 1), ("acc2", 2, 1)]
    assert [m.id for m in team.members] == ["S1", "S2", "S3"]
    assert [p.id for p in team.overloaded] == ["S1"] and [p.id for p in team.single_points_of_failure] == ["S1"]
    assert (team.most_sole_key and team.most_sole_key.id, team.most_sole_key_count) == ("S1", 2)
    # Limited to acc: S3 is not on it; S1's figures are still the whole portfolio's.
    only = build_team(store, AS_OF, settings, account="acc")
    assert [m.id for m in only.members] == ["S1", "S2"] and only.members[0].threads == 4


def test_team_command_json_csv_and_text(tmp_path: Path) -> None:
    from kamgraph.store import open_store

    db = str(tmp_path / "kam.db")
    with open_store(db, create=True) as store:
        store.import_batch(two_accounts())
    runner = CliRunner()
    out = runner.invoke(cli, ["--store", db, "team", "--as-of", AS_OF.isoformat(), "--json"])
    data = json.loads(out.output)
    assert data["most_sole_key"]["id"] == "S1" and data["most_sole_key_count"] == 2
    csv = runner.invoke(cli, ["--store", db, "team", "--as-of", AS_OF.isoformat(), "--csv"]).output.splitlines()
    assert csv[0].startswith("id,name,role,accounts,threads") and csv[1].startswith("S1,Sam,kam,acc;acc2,4,3,3,2,")
    text = runner.invoke(cli, ["--store", db, "team", "--as-of", AS_OF.isoformat(), "--account", "acc"]).output
    assert "STAFF LOAD" in text and "Sam" in text and "Sia" not in text
    bad = runner.invoke(cli, ["--store", db, "team", "--account", "nowhere"])
    assert bad.exit_code != 0 and "nowhere" in bad.output and "Traceback" not in bad.output


@pytest.mark.parametrize("anchor", [dt.date(2026, 11, 22), dt.date(2025, 6, 1)], ids=str)
def test_demo_names_who_alone_holds_the_most_key_stakeholders(tmp_path: Path, anchor: dt.date) -> None:
    """By hand, from the demo's meeting patterns: Sofia Rossi is the only one of us who meets Quarry's managing
    director (every 75 days), head of operations (every 30) and plant manager (every 30, and weekly-ish calls;
    Rachel Moss, who also met him, left 75 days ago), and Orbit's CTO (every 120 days: 2^(-110/90) +
    2^(-230/90) > 0.5). At Northwind, Maya alone holds the champion and Tom alone the CEO: one each."""
    db = str(tmp_path / "demo.db")
    runner = CliRunner()
    assert runner.invoke(cli, ["--store", db, "demo", "--as-of", anchor.isoformat()]).exit_code == 0
    data = json.loads(runner.invoke(cli, ["--store", db, "team", "--as-of", anchor.isoformat(), "--json"]).output)
    assert data["most_sole_key"] == {"id": "st-sofia", "name": "Sofia Rossi"} and data["most_sole_key_count"] == 4
    sofia = next(m for m in data["members"] if m["id"] == "st-sofia")
    assert {r["account"]: r["sole_key"] for r in sofia["per_account"]} == {"quarry": 3, "orbit": 1}
    sole = {m["id"]: m["sole_key"] for m in data["members"]}
    assert (sole["st-maya"], sole["st-tom"]) == (1, 1)
    # The same people, read off each account's X-ray (single-threaded key stakeholders).
    held: dict[str, set[str]] = {}
    for account in ("northwind", "helios", "quarry", "orbit"):
        xray = json.loads(runner.invoke(cli, ["--store", db, "xray", account, "--as-of", anchor.isoformat(),
                                              "--json"]).output)
        for single in xray["gaps"]["single_threaded_key"]:
            held.setdefault(single["staff"]["id"], set()).add(single["stakeholder"]["id"])
    assert held["st-sofia"] == {"qf-ceo", "qf-ops", "qf-plant", "ot-cto"}
    assert held["st-maya"] == {"nw-arch"} and held["st-tom"] == {"nw-ceo"}
    assert {k: len(v) for k, v in held.items()} == {k: v for k, v in sole.items() if v}
