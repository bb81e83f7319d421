"""The trend picture draws every point, marks departures and shows names as text."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from kamgraph.portfolio.trend import account_trend
from kamgraph.views.plots import figure_bytes
from kamgraph.views.plots.trend import SHARE_LINES, plot_trend

from .test_trend import departure_in_month_three

D = dt.date


def test_the_picture_holds_the_trend_figures() -> None:
    snap = departure_in_month_three()
    snap.account = snap.account.model_copy(update={"name": "<script>alert(1)</script> & $x^2$"})
    trend = account_trend(snap, D(2026, 1, 31), D(2026, 3, 31), "month")
    assert [(d.date, d.id, d.kind) for d in trend.departures] == [(D(2026, 3, 10), "A", "stakeholder")]
    ax = plot_trend(trend, marks=[(D(2026, 2, 3), "kick-off"), (D(2020, 1, 1), "long ago")])
    health = ax.lines[0]
    assert list(health.get_ydata()) == [72.5, 81.1, 74.5]  # the hand-worked account's health
    assert [int(x) for x in health.get_xdata()] == [p.date.toordinal() for p in trend.points]
    shares = next(a for a in ax.figure.axes if a.get_ylabel() == "share (%)")
    assert [line.get_label() for line in shares.lines if not line.get_label().startswith("_")] == [
        label for _, label, _ in SHARE_LINES]
    assert list(shares.lines[3].get_ydata()) == [100 * p.fragility_index for p in trend.points]
    svg = figure_bytes(ax.figure, "svg").decode()
    texts = " ".join(t.text or "" for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"))
    assert "<script>alert(1)</script> & $x^2$" in texts and "<script>" not in svg
    assert "Ann left" in texts and "kick-off" in texts and "long ago" not in texts and "exploratory" in texts
    marked = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert [int(line.get_xdata()[0]) for line in marked] == [D(2026, 2, 3).toordinal(), D(2026, 3, 10).toordinal()]


def test_a_single_point_draws() -> None:
    trend = account_trend(departure_in_month_three(), D(2026, 2, 1), D(2026, 2, 1), "week")
    assert figure_bytes(plot_trend(trend).figure, "png")[:4] == b"\x89PNG"


def test_write_trend_plot(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from kamgraph.views.plots.trend import write_trend_plot

    trend = account_trend(departure_in_month_three(), D(2026, 1, 31), D(2026, 3, 31), "month")
    target = write_trend_plot(trend, tmp_path / "t.svg")
    assert ET.parse(target).getroot().tag.endswith("svg")
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        write_trend_plot(trend, tmp_path / "t.gif")
