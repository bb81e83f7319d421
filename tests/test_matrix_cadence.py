"""The communication matrix judges cadence with each stakeholder's own target, as the X-ray's cadence does.

Hand-worked: C is an economic buyer (role target 60 days) with ``cadence_days = 14`` of their own, last met
by S1 20 days ago: overdue (20 > 14), not "ok" as the role's 60 days would say (due from 0.8 x 60 = 48).
D has no override and no role (default 120 days), met 20 days ago: "ok" (due from 96). B, another economic
buyer without an override, read before C (ids in order), met 20 days ago too: "ok" (the role's 60 days) --
and C keeps their own target after B's role target is known.
"""

from __future__ import annotations

from kamgraph.analysis.matrix import communication_matrix
from kamgraph.analysis.pipeline import analyze
from kamgraph.domain.models import BuyingRole, Stakeholder
from kamgraph.settings import Settings

from .accounts import AS_OF, met, snapshot, us


def test_the_matrix_uses_a_stakeholders_own_cadence_target() -> None:
    settings = Settings()
    assert (settings.cadence.target_days[BuyingRole.ECONOMIC_BUYER], settings.cadence.default_days) == (60, 120)
    snap = snapshot([Stakeholder(id="B", account="acc", name="Bo", buying_role="economic_buyer"),
                     Stakeholder(id="C", account="acc", name="Cleo", buying_role="economic_buyer", cadence_days=14),
                     Stakeholder(id="D", account="acc", name="Dan")],
                    [us("S1")], [met("m1", 20, "S1", "C"), met("m2", 20, "S1", "D"), met("m3", 20, "S1", "B")])
    analysis = analyze(snap, AS_OF, settings)
    assert [(c, analysis.cadence[c].status, analysis.cadence[c].target_days) for c in "BCD"] == [
        ("B", "ok", 60), ("C", "overdue", 14), ("D", "ok", 120)]
    grid = communication_matrix(analysis.ag)
    assert (grid.cells[("S1", "C")].status, grid.column_totals["C"].status) == ("overdue", "overdue")
    assert (grid.cells[("S1", "D")].status, grid.column_totals["D"].status) == ("ok", "ok")
    assert (grid.cells[("S1", "B")].status, grid.column_totals["B"].status) == ("ok", "ok")
