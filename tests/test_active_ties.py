"""``AccountGraph.active_ties`` against a brute force: every meeting read again, pair by pair.

The brute force sums each pair's decayed weight (:func:`kamgraph.graph.strength.decay`, meeting weights of the
settings, every meeting of these small accounts under the full-weight size) and keeps the pairs of active staff
and active stakeholders; people who left (some of them, on random days) drop out.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.graph.account_graph import build_account_graph
from kamgraph.graph.strength import decay
from kamgraph.settings import Settings

from .test_properties import AS_OF, PROFILE, accounts


def _brute_force(snap: AccountSnapshot, settings: Settings) -> list[tuple[str, str, float, dt.date]]:
    staff = {s.id for s in snap.staff if s.is_active(AS_OF)}
    clients = {c.id for c in snap.stakeholders if c.is_active(AS_OF)}
    weights = settings.strength.kind_weights
    pairs: dict[tuple[str, str], list] = {}
    for m in sorted(snap.meetings, key=lambda m: (m.date, m.id)):
        if m.date > AS_OF:
            continue
        for s in sorted(staff & set(m.attendees)):
            for c in sorted(clients & set(m.attendees)):
                entry = pairs.setdefault((s, c), [0.0, m.date])
                entry[0] += weights.get(m.kind, 0.0) * decay((AS_OF - m.date).days, settings.strength.half_life_days)
                entry[1] = m.date
    return [(s, c, w, last) for (s, c), (w, last) in sorted(pairs.items())]


@PROFILE
@given(accounts(max_staff=4, max_clients=7), st.data())
def test_active_ties_equal_a_brute_force(snap: AccountSnapshot, data: st.DataObject) -> None:
    left = data.draw(st.sets(st.sampled_from([p.id for p in (*snap.staff, *snap.stakeholders)]), max_size=3))
    on = AS_OF - dt.timedelta(days=data.draw(st.integers(0, 30)))
    snap = AccountSnapshot(
        account=snap.account, reporting_lines=[], relationships=snap.relationships, meetings=snap.meetings,
        staff=[s.model_copy(update={"left_on": on}) if s.id in left else s for s in snap.staff],
        stakeholders=[c.model_copy(update={"left_on": on}) if c.id in left else c for c in snap.stakeholders])
    settings = Settings()
    found = build_account_graph(snap, AS_OF, settings).active_ties()
    expected = _brute_force(snap, settings)
    assert [t[:2] for t in found] == [t[:2] for t in expected]  # the same pairs, by staff then stakeholder
    assert [t[3] for t in found] == [t[3] for t in expected]
    assert [t[2] for t in found] == pytest.approx([t[2] for t in expected], rel=1e-12)
