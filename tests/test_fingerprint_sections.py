"""The settings fingerprint that tells a stored analysis snapshot (and an alert check's kept past points) is
stale covers every settings section the figures read."""

from __future__ import annotations

from kamgraph.analysis.snapshot import analysis_fingerprint
from kamgraph.settings import Settings


def test_the_fingerprint_covers_the_sections_the_figures_read() -> None:
    """``analysis.knows_ties_are_threads`` changes the threads, ``attitude.detractor_below`` the gaps: both
    change the fingerprint (stored snapshots and kept points go stale)."""
    base = analysis_fingerprint(Settings())
    assert analysis_fingerprint(Settings(analysis={"knows_ties_are_threads": True})) != base
    assert analysis_fingerprint(Settings(attitude={"detractor_below": -1})) != base
    assert analysis_fingerprint(Settings(web={"cache_seconds": 5})) == base
