"""The demo's competitive story (kamgraph/samples/demo.py _COMPETITOR_TIES), worked by hand: as of 2026-11-22
Daniel Cho (nw-it-vp, key) leans to Contoso at strength 4 since 150 days; Ingrid Solberg's tie (strength 2)
is below the default threshold of 3, so she is counted but not listed; Sophie Laurent (he-cio) at exactly
3 is listed (at or above); before a tie's date it is not seen."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import cli

AS_OF = "2026-11-22"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("demo") / "demo.db")
    assert CliRunner().invoke(cli, ["--store", url, "demo", "--as-of", AS_OF]).exit_code == 0
    return url


def _xray(demo: str, account: str, day: str) -> dict:  # type: ignore[type-arg]
    result = CliRunner().invoke(cli, ["--store", demo, "xray", account, "--as-of", day, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_the_demo_shows_who_leans_toward_a_competitor(demo: str) -> None:
    nw = _xray(demo, "northwind", AS_OF)
    leaning = [(x["stakeholder"]["id"], x["competitor"], x["strength"], x["since"])
               for x in nw["competitors"]["key_leaning"]]
    assert leaning == [("nw-it-vp", "Contoso Freight Cloud", 4.0, "2026-06-25")]  # 2026-11-22 minus 150 days
    assert nw["competitors"]["stakeholders_with_ties"] == 2
    assert next(s for s in nw["stakeholders"] if s["id"] == "nw-it-vp")["key"]
    he = _xray(demo, "helios", AS_OF)
    assert [x["stakeholder"]["id"] for x in he["competitors"]["key_leaning"]] == ["he-cio"]
    # 2026-09-01 is before Sophie Laurent's tie (2026-09-08) and Ingrid Solberg's (2026-10-13): only Daniel Cho's.
    early = _xray(demo, "helios", "2026-09-01")
    assert early["competitors"]["key_leaning"] == [] and early["competitors"]["stakeholders_with_ties"] == 0
    assert _xray(demo, "northwind", "2026-09-01")["competitors"]["stakeholders_with_ties"] == 1


def test_the_text_xray_names_the_lean(demo: str) -> None:
    result = CliRunner().invoke(cli, ["--store", demo, "xray", "northwind", "--as-of", AS_OF],
                                env={"COLUMNS": "200"})
    assert "COMPETITORS" in result.output and "Daniel Cho" in result.output and "Contoso Freight Cloud" in result.output
