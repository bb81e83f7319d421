"""Departures: the impact report, the re-threading and handover plans, kamgraph leave / return."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.errors import KamgraphError
from kamgraph.monitor.departure import account_impact, record_departure
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

from .accounts import AS_OF, as_batch, six_people

# six_people(): importance A 10 (economic buyer, key), B 6 (champion, key), C 1.6, D 3; total 20.6.
# S1 met A 10 days ago and B + C 20 days ago; S2 met D 5 days ago; D reports to A.
S1_A = 2 ** (-10 / 90)   # 0.925875
S1_BC = 2 ** (-20 / 90)  # 0.857244
S2_D = 2 ** (-5 / 90)    # 0.962224


def test_stakeholder_departure_impact_worked_by_hand() -> None:
    impact = account_impact(six_people(), "A", AS_OF)
    assert [(t.id, t.thread) for t in impact.ties_lost] == [("S1", True)]
    assert impact.ties_lost[0].strength == pytest.approx(S1_A, abs=1e-6)
    w = impact.whatif
    assert w.roles_uncovered == ["economic_buyer"]  # A was its only holder
    assert w.unreachable == []  # D still has S2; B and C still have S1
    # Before: S1 alone cuts A, B, C off: (10 + 6 + 1.6) / 20.6. After A left: S1 cuts B and C of B + C + D.
    assert w.before.fragility_index == pytest.approx(17.6 / 20.6, abs=1e-6)
    assert w.after.fragility_index == pytest.approx(7.6 / 10.6, abs=1e-6)
    assert impact.connectivity_drops == []  # B's connectivity stays 1
    # Successors of A: D is their direct report (2) in the same department (1.5), importance 3 / 10, covered.
    assert [(c.id, c.reasons, c.score) for c in impact.rethread_plan] == [
        ("D", ["their direct report", "same department"], pytest.approx(3.8))]
    best = impact.rethread_plan[0]
    assert [p.id for p in best.path] == ["S2", "D"] and best.owner and best.owner.id == "S2" and best.covered


def test_staff_departure_impact_worked_by_hand() -> None:
    impact = account_impact(six_people(), "S1", AS_OF)
    assert [(t.id, round(t.strength, 6)) for t in impact.ties_lost] == [
        ("A", round(S1_A, 6)), ("B", round(S1_BC, 6)), ("C", round(S1_BC, 6))]
    assert [p.id for p in impact.whatif.unreachable] == ["A", "B", "C"]
    # After: S2 alone cuts D and A (A hangs off D): 13 / 20.6.
    assert impact.whatif.after.fragility_index == pytest.approx(13 / 20.6, abs=1e-6)
    # Connectivity to the team: A had S1-A and S2-D-A (2), now 1; B had S1 (1), now 0.
    assert [(d.id, d.before, d.after) for d in impact.connectivity_drops] == [("B", 1, 0), ("A", 2, 1)]
    # Nobody else met A, B or C: the handover goes to the only colleague left on the account team.
    plan = [(h.stakeholder.id, h.to.id if h.to else None, h.basis, h.still_covered) for h in impact.handover_plan]
    assert plan == [("A", "S2", "account team (delivery)", False), ("B", "S2", "account team (delivery)", False),
                    ("C", "S2", "account team (delivery)", False)]
    assert impact.rethread_plan == []


def test_handover_prefers_the_next_strongest_tie() -> None:
    from .accounts import met, person, snapshot, us

    snap = snapshot([person("A", 5, "economic_buyer")], [us("S1"), us("S2", "delivery"), us("S3", "support")],
                    [met("m1", 1, "S1", "A"), met("m2", 90, "S2", "A"), met("m3", 180, "S3", "A")])
    impact = account_impact(snap, "S1", AS_OF)
    handover = impact.handover_plan[0]
    # S2's tie is one meeting 90 days ago (0.5), S3's one 180 days ago (0.25).
    assert (handover.to and handover.to.id, handover.to_strength, handover.basis, handover.still_covered) == (
        "S2", 0.5, "next-strongest tie", True)


def test_leave_then_an_xray_before_it_still_sees_the_person(store: GraphStore) -> None:
    from kamgraph.views.xray import build_xray

    store.import_batch(as_batch(six_people()))
    day = AS_OF - dt.timedelta(days=3)
    impact = record_departure(store, "B", day, moved_to="Initech", note="LinkedIn")
    assert impact.recorded and impact.opportunity and "Initech" in impact.opportunity  # B is the champion
    before = build_xray(store.load_account("acc", day - dt.timedelta(days=1)), day - dt.timedelta(days=1))
    assert "B" in {s.id for s in before.stakeholders} and before.departed == []
    after = build_xray(store.load_account("acc", AS_OF), AS_OF)
    assert "B" not in {s.id for s in after.stakeholders}
    assert [(d.id, d.left_on, d.moved_to) for d in after.departed] == [("B", day, "Initech")]
    assert [m.id for m in store.person_meetings("B")] == ["m2"]  # history kept
    with pytest.raises(KamgraphError, match="already recorded as left"):
        record_departure(store, "B", AS_OF)


def test_dry_run_writes_nothing(store: GraphStore) -> None:
    store.import_batch(as_batch(six_people()))
    impact = record_departure(store, "S1", AS_OF, dry_run=True)
    assert not impact.recorded and impact.kind == "staff" and [a.account.id for a in impact.accounts] == ["acc"]
    assert store.get_person("S1").left_on is None


def test_leave_and_return_commands(runner: CliRunner, sqlite_url: str) -> None:
    with open_store(sqlite_url, create=True) as store:
        store.import_batch(as_batch(six_people()))
    result = runner.invoke(cli, ["--store", sqlite_url, "leave", "A", "--date", str(AS_OF), "--note", "retired"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("DEPARTURE  Client A (A) · stakeholder · left on 2025-06-30  [recorded]")
    assert "REQUIRED ROLES LEFT WITHOUT COVER: economic_buyer" in out
    assert "1. Client D (influence 3, Finance)" in out and "warmest path: Staff S2 -> Client D" in out
    again = runner.invoke(cli, ["--store", sqlite_url, "leave", "A"])
    assert again.exit_code == 2 and "already recorded as left on 2025-06-30" in again.output
    back = runner.invoke(cli, ["--store", sqlite_url, "return", "A", "--json"])
    assert back.exit_code == 0 and json.loads(back.output)["left_on"] is None
    assert runner.invoke(cli, ["--store", sqlite_url, "return", "A"]).exit_code == 1
    assert runner.invoke(cli, ["--store", sqlite_url, "leave", "ghost"]).exit_code == 2
    staff = runner.invoke(cli, ["--store", sqlite_url, "leave", "S1", "--date", str(AS_OF), "--dry-run"])
    assert "[dry run: nothing written]" in staff.output and "HANDOVER PLAN (3 stakeholders" in staff.output


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("demo") / "demo.db")
    result = CliRunner().invoke(cli, ["--store", url, "demo", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return url


def test_leaving_champion_agrees_with_whatif_in_either_order(demo_url: str) -> None:
    from kamgraph.samples.demo import DEMO_PROBLEMS

    runner = CliRunner()
    champion = DEMO_PROBLEMS["single_threaded_champion"]
    day = ["--as-of", "2026-11-22"]

    def whatif() -> dict[str, object]:
        result = runner.invoke(cli, ["--store", demo_url, "whatif", "northwind", "--leave", champion, *day, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    first = whatif()
    left = runner.invoke(cli, ["--store", demo_url, "leave", champion, "--date", "2026-11-22", "--json"])
    assert left.exit_code == 0, left.output
    impact = json.loads(left.output)
    second = whatif()
    got = impact["accounts"][0]["whatif"]
    for report in (first, second):
        for part in ("before", "after", "unreachable", "roles_uncovered", "lost_importance_share", "changes"):
            assert got[part] == report[part], part
    assert second["already_left"] == [{"id": champion, "name": "Lena Fischer"}]
    assert got["roles_uncovered"] == ["champion"]  # she was the only champion
    plan = impact["accounts"][0]["rethread_plan"]
    assert plan and all(c["path"] and c["path"][0]["id"].startswith("st-") for c in plan)
    text = runner.invoke(cli, ["--store", demo_url, "leave", "nw-cio", "--date", "2026-11-22", "--dry-run"]).output
    assert "RE-THREADING PLAN" in text and "SUMMARY FIGURES THAT CHANGE" in text
