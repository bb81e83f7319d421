"""Gaps, cadence, shape, matrix, actions and what-if on hand-worked accounts."""

from __future__ import annotations

import datetime as dt

import pytest

from kamgraph.analysis.actions import next_actions
from kamgraph.analysis.matrix import communication_matrix
from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.whatif import what_if
from kamgraph.settings import Settings
from kamgraph.views.csv_text import matrix_csv

from .accounts import AS_OF, met, person, six_people, snapshot, us


def test_gaps_hand_worked() -> None:
    snap = snapshot(
        stakeholders=[person("eb", 5, "economic_buyer", dept="Finance", seniority="c_level"),
                      person("dm", 4, "decision_maker", dept="Ops", seniority="vp"),
                      person("ch", 4, "champion", dept="IT", seniority="director"),
                      person("u1", 2, "user", dept="IT", seniority="individual")],
        staff=[us("S1"), us("S2")],
        # dm: S1 and S2; ch: only S1; u1: only S2; eb met 200 days ago (2**(-200/90) = 0.21 < 0.5).
        meetings=[met("a", 3, "S1", "S2", "dm"), met("b", 7, "S1", "ch"), met("c", 9, "S2", "u1"),
                  met("d", 200, "S1", "eb")])
    gaps = analyze(snap, AS_OF).gaps
    assert gaps.uncovered == ["eb"]
    assert gaps.roles_uncovered == ["economic_buyer"] and gaps.roles_missing == ["technical_buyer"]
    assert gaps.departments_uncovered == ["Finance"] and gaps.levels_uncovered == ["c_level"]
    assert gaps.single_threaded_key == [("ch", "S1")]  # dm has two threads; u1 is not key
    # Strength by hand (all kind 'meeting', weight 1): S1 = 2**(-3/90) + 2**(-7/90) + 2**(-200/90);
    # S2 = 2**(-3/90) + 2**(-9/90). Concentration = S1 / (S1 + S2).
    s1 = 2 ** (-3 / 90) + 2 ** (-7 / 90) + 2 ** (-200 / 90)
    s2 = 2 ** (-3 / 90) + 2 ** (-9 / 90)
    assert gaps.top_staff == "S1" and gaps.concentration == pytest.approx(s1 / (s1 + s2), abs=1e-6)
    assert gaps.concentrated  # 0.57 >= 0.5


@pytest.mark.parametrize(("days", "status"), [(None, "never"), (0, "ok"), (16, "ok"), (17, "due"), (21, "due"),
                                              (22, "overdue")])
def test_cadence_of_a_champion(days: int | None, status: str) -> None:
    # Champion target 21 days; due from 0.8 x 21 = 16.8 days.
    meetings = [met("m", days, "S1", "ch")] if days is not None else []
    snap = snapshot(stakeholders=[person("ch", 4, "champion")], staff=[us("S1")], meetings=meetings)
    cadence = analyze(snap, AS_OF).cadence["ch"]
    assert (cadence.status, cadence.target_days, cadence.days_since) == (status, 21, days)


def test_shape_bow_tie_and_diamond() -> None:
    keys = [person(f"k{i}", 5, "decision_maker") for i in range(3)]
    one = snapshot(stakeholders=keys, staff=[us("S1"), us("S2"), us("S3")],
                   meetings=[met(f"m{i}", 5, "S1", f"k{i}") for i in range(3)])
    shape = analyze(one, AS_OF).shape
    # Only S1 meets anyone: concentration 1, 3 of 3 x 3 = 9 pairs threaded.
    assert (shape.shape, shape.concentration, shape.pair_share) == ("bow-tie", 1.0, pytest.approx(3 / 9))
    many = snapshot(stakeholders=keys, staff=[us("S1"), us("S2"), us("S3")],
                    meetings=[met(f"m{i}{j}", 5, f"S{j}", f"k{i}") for i in range(3) for j in (1, 2, 3)])
    shape = analyze(many, AS_OF).shape
    # Everyone meets everyone equally: concentration 1/3, all 9 pairs threaded.
    assert (shape.shape, shape.concentration, shape.pair_share) == ("diamond", pytest.approx(1 / 3), 1.0)


def test_matrix_cells_and_totals() -> None:
    snap = snapshot(stakeholders=[person("a", 4, "champion"), person("b", 2, "user")],
                    staff=[us("S1"), us("S2")],
                    meetings=[met("m1", 30, "S1", "a"), met("m2", 10, "S1", "S2", "a", "b"),
                              met("m3", 100, "S2", "b", kind="call")])
    grid = communication_matrix(analyze(snap, AS_OF).ag)
    cell = grid.cells[("S1", "a")]
    assert (cell.count, cell.last, cell.status) == (2, AS_OF - dt.timedelta(days=10), "ok")
    assert cell.strength == pytest.approx(2 ** (-30 / 90) + 2 ** (-10 / 90), abs=1e-6)
    b = grid.cells[("S2", "b")]
    assert b.strength == pytest.approx(2 ** (-10 / 90) + 0.6 * 2 ** (-100 / 90), abs=1e-6)
    assert grid.column_totals["a"].count == 2 and grid.column_totals["b"].count == 2
    assert grid.row_totals["S1"].count == 2 and grid.row_totals["S2"].count == 2
    assert grid.stakeholders == ["a", "b"]  # importance 6 before 1.6
    text = matrix_csv(grid, "count").splitlines()
    assert text[0] == "staff_id,staff_name,a,b,total" and text[-1] == "total,,2,2,"


def test_actions_cover_each_problem() -> None:
    a = analyze(six_people(), AS_OF)
    actions = next_actions(a)
    kinds = {(x.kind, x.target) for x in actions}
    assert ("add_thread", "B") in kinds  # champion B has one thread
    assert ("add_thread", "A") in kinds  # economic buyer A has one thread
    assert ("spread", "S1") in kinds  # S1 holds most of the strength
    assert [x.priority for x in actions] == sorted((x.priority for x in actions), reverse=True)


def test_rethread_after_a_departure_names_the_successor() -> None:
    snap = snapshot(
        stakeholders=[person("boss", 5, "economic_buyer", dept="Finance"),
                      person("old", 4, "decision_maker", dept="Procurement", reports_to="boss",
                             title="Head of Procurement", left_on=AS_OF - dt.timedelta(days=30)),
                      person("new", 4, "decision_maker", dept="Procurement", reports_to="boss",
                             title="Interim Head of Procurement")],
        staff=[us("S1"), us("S2")],
        meetings=[met("a", 60, "S1", "old"), met("b", 5, "S1", "S2", "boss")])
    actions = next_actions(analyze(snap, AS_OF))
    rethread = next(x for x in actions if x.kind == "rethread")
    assert rethread.target == "new" and rethread.path == ["S1", "boss", "new"]


def test_what_if_matches_the_removal_impact() -> None:
    snap = six_people()
    result = what_if(snap, AS_OF, ["S1"])
    assert [p.id for p in result.unreachable] == ["A", "B", "C"]
    assert result.lost_importance_share == pytest.approx(17.6 / 20.6, abs=1e-6)
    assert result.before.covered == 4 and result.after.covered == 1
    assert set(result.roles_uncovered) == {"economic_buyer", "champion"}
    assert {c.figure for c in result.changes} >= {"covered", "key_covered", "fragility_index"}
    # The store snapshot itself is unchanged.
    assert all(s.is_active(AS_OF) for s in snap.staff)


def test_what_if_unknown_person() -> None:
    from kamgraph.errors import NotFoundError

    with pytest.raises(NotFoundError, match="nobody"):
        what_if(six_people(), AS_OF, ["nobody"])


def test_settings_change_the_figures() -> None:
    settings = Settings()
    settings.strength.thread_threshold = 0.99  # one meeting 10 days ago: 2**(-10/90) = 0.926 < 0.99
    a = analyze(six_people(), AS_OF, settings)
    assert "A" in a.gaps.uncovered
