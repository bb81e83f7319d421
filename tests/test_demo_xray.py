"""The X-ray of the demo account names the problems the demo was built with, and a fix for each."""

from __future__ import annotations

import datetime as dt

import pytest

from kamgraph.analysis.fragility import removal_impact_bruteforce
from kamgraph.analysis.pipeline import analyze
from kamgraph.analysis.whatif import what_if
from kamgraph.graph.networkx_view import relationship_graph
from kamgraph.samples.demo import DEMO_PROBLEMS, MAIN_ACCOUNT, build_demo
from kamgraph.store.sqlite import SqliteStore
from kamgraph.views.xray import XRay, build_xray

ANCHORS = [dt.date(2026, 11, 22), dt.date(2025, 6, 1)]


def _load(anchor: dt.date):  # type: ignore[no-untyped-def]
    store = SqliteStore(":memory:")
    store.import_batch(build_demo(anchor))
    return store.load_account(MAIN_ACCOUNT, anchor)


@pytest.fixture(scope="module", params=ANCHORS, ids=str)
def xray(request: pytest.FixtureRequest) -> XRay:
    return build_xray(_load(request.param), request.param)


def test_names_the_unmet_economic_buyer(xray: XRay) -> None:
    cfo = DEMO_PROBLEMS["economic_buyer_unmet"]
    assert cfo in [p.id for p in xray.gaps.uncovered_key]
    assert "economic_buyer" in xray.gaps.roles_uncovered
    assert any(a.kind == "meet" and a.target and a.target.id == cfo for a in xray.actions)


def test_names_the_single_threaded_champion(xray: XRay) -> None:
    champion = DEMO_PROBLEMS["single_threaded_champion"]
    assert champion in [t.stakeholder.id for t in xray.gaps.single_threaded_key]
    assert any(a.kind == "add_thread" and a.target and a.target.id == champion for a in xray.actions)


def test_names_the_dominant_staff_member(xray: XRay) -> None:
    maya = DEMO_PROBLEMS["dominant_staff"]
    assert xray.gaps.concentrated and xray.gaps.top_staff and xray.gaps.top_staff.id == maya
    assert xray.shape.shape == "bow-tie"
    assert any(a.kind == "spread" and a.target and a.target.id == maya for a in xray.actions)


def test_names_the_sole_bridge_to_a_department(xray: XRay) -> None:
    bridge, dept = DEMO_PROBLEMS["sole_bridge"], DEMO_PROBLEMS["bridged_department"]
    assert any(g.department == dept and g.gateway.id == bridge for g in xray.bridges.department_gateways)
    assert any(a.kind == "bridge_department" and dept in a.title for a in xray.actions)


def test_names_the_contact_who_left(xray: XRay) -> None:
    left = DEMO_PROBLEMS["departed_key_contact"]
    assert [d.id for d in xray.departed][-1] == left
    assert xray.departed[-1].threads_lost
    assert any(a.kind == "rethread" and xray.departed[-1].name in a.title for a in xray.actions)


@pytest.mark.parametrize("anchor", ANCHORS, ids=str)
def test_whatif_dominant_staff_agrees_with_brute_force(anchor: dt.date) -> None:
    snap = _load(anchor)
    maya = DEMO_PROBLEMS["dominant_staff"]
    result = what_if(snap, anchor, [maya])
    brute = removal_impact_bruteforce(relationship_graph(analyze(snap, anchor).ag), maya)
    assert [p.id for p in result.unreachable] == list(brute.lost)
    assert result.unreachable  # the champion at least loses her only thread
    assert result.lost_importance_share == pytest.approx(brute.share, abs=1e-6)
    assert DEMO_PROBLEMS["single_threaded_champion"] in [p.id for p in result.uncovered]
