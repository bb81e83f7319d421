"""The commands' figures against a tiny account worked out by hand (not only exit codes or orderings).

Account ``tiny`` on 2025-06-30, default settings. Staff s1, s2; stakeholders eb (economic buyer,
influence 5: importance 10), ch (champion, 4: 6) reporting to eb, us (user, 2: 1.6) reporting to ch.
s1 met eb and ch that day (strength 1 each), s2 met us 90 days before (2**-1 = 0.5: a thread, at the
threshold). Edges: s1-eb, s1-ch, s2-us (threads), eb-ch, ch-us (reporting lines).

* s1 leaving takes eb's and ch's only threads: share (10 + 6) / 17.6 = 0.909091, the fragility index;
  they stay reachable through s2-us-ch, so each key stakeholder has 2 disjoint paths.
* Team betweenness: s1 lies on the paths to eb and ch (2 of 3), s2 on the one to us (1 of 3).
* All-pairs betweenness with our staff joined (s1-s2): of the 10 pairs, s1 carries s2-eb, half of s1-us
  (also via ch) and half of s2-ch (also via us): 1.5; ch carries eb-us and half of s1-us: 1.5; s2 and us
  half a pair each. Divided by (5-1)(5-2)/2 = 6: 0.25, 0.25, 1/12, 1/12, eb 0.
* Concentration: s1 holds 2 of the 2.5 strength = 0.8. Required roles covered: economic buyer and
  champion of 4. Health = 100 (0.35 x 1 + 0.2 x 1 + 0.15 x 0.5 + 0.2 x (1 - 0.909091) + 0.1 x 1) = 74.3.
* Account ``duo``: x and y (no role, influence 3: not key), each met by s1 and s2 together: fragility 0,
  health = 100 (0.2 x 1 + 0.2 x 1 + 0.1 x 1) = 50.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

AS_OF = ["--as-of", "2025-06-30"]
FILES = {
    "accounts.csv": "id,name\ntiny,Tiny Ltd\nduo,Duo AG\n",
    "staff.csv": "id,name,role,accounts\ns1,Sam One,kam,tiny;duo\ns2,Sue Two,delivery,tiny;duo\n",
    "stakeholders.csv": ("id,account,name,department,buying_role,influence,reports_to\n"
                         "eb,tiny,Eve Buyer,Finance,economic_buyer,5,\nch,tiny,Carl Champion,IT,champion,4,eb\n"
                         "us,tiny,Uma User,IT,user,2,ch\nx,duo,Xavier,Ops,,3,\ny,duo,Yara,Ops,,3,\n"),
    "meetings.csv": ("id,date,kind,account,attendees\nm1,2025-06-30,meeting,tiny,s1;eb\n"
                     "m2,2025-06-30,meeting,tiny,s1;ch\nm3,2025-04-01,meeting,tiny,s2;us\n"
                     "m4,2025-06-30,meeting,duo,s1;s2;x\nm5,2025-06-30,meeting,duo,s1;s2;y\n"),
}


@pytest.fixture
def tiny(tmp_path: Path, runner: CliRunner) -> str:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    url = f"sqlite:///{tmp_path / 'k.db'}"
    result = runner.invoke(cli, ["--store", url, "import", *(str(tmp_path / n) for n in FILES)])
    assert result.exit_code == 0, result.output
    assert "created 14, updated 0, unchanged 0" in result.output
    return url


def run_json(runner: CliRunner, url: str, *args: str) -> dict:
    result = runner.invoke(cli, ["--store", url, *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_xray_summary_figures(runner: CliRunner, tiny: str) -> None:
    s = run_json(runner, tiny, "xray", "tiny", *AS_OF)["summary"]
    assert (s["active_stakeholders"], s["covered"], s["key_stakeholders"], s["key_covered"]) == (3, 3, 2, 2)
    assert (s["required_roles_covered"], s["required_roles"], s["single_threaded_key"]) == (2, 4, 2)
    assert (s["concentration"], s["top_staff"]) == (0.8, "s1")
    assert (s["fragility_index"], s["most_critical_person"]) == (0.909091, "s1")
    assert (s["key_at_connectivity_1"], s["min_key_connectivity"], s["overdue_key"]) == (0, 2, 0)
    assert s["health"] == 74.3


def test_bridges_values(runner: CliRunner, tiny: str) -> None:
    data = run_json(runner, tiny, "bridges", "tiny", *AS_OF, "--all-pairs")
    team = {row["id"]: row["value"] for row in data["bridges"]["betweenness"]}
    assert team == {"s1": pytest.approx(2 / 3, abs=1e-6), "s2": pytest.approx(1 / 3, abs=1e-6)}
    pairs = [(row["id"], row["value"]) for row in data["all_pairs_betweenness"]]
    assert [p for p, _ in pairs] == ["ch", "s1", "s2", "us", "eb"]  # equal values by id
    assert [v for _, v in pairs] == pytest.approx([0.25, 0.25, 1 / 12, 1 / 12, 0.0], abs=1e-12)
    assert data["bridges"]["cut_vertices"] == [] and data["bridges"]["cut_links"] == []


def test_portfolio_values(runner: CliRunner, tiny: str) -> None:
    rows = run_json(runner, tiny, "portfolio", *AS_OF, "--sort", "fragility")["rows"]
    assert [(r["account"], r["fragility_index"], r["health"]) for r in rows] == [("tiny", 0.909091, 74.3),
                                                                                 ("duo", 0.0, 50.0)]
    assert [(r["coverage"], r["key_coverage"], r["overdue_key"]) for r in rows] == [(1.0, 1.0, 0), (1.0, 0.0, 0)]


def test_whatif_values(runner: CliRunner, tiny: str) -> None:
    data = run_json(runner, tiny, "whatif", "tiny", "--leave", "s1", *AS_OF)
    # unreachable (whatif's definition): no thread left or no path left -- eb and ch lose their only thread
    assert [p["id"] for p in data["unreachable"]] == ["ch", "eb"]
    after = data["after"]
    assert (after["covered"], after["key_covered"], after["required_roles_covered"]) == (1, 0, 0)
    assert after["weighted_coverage"] == 0.090909  # 1.6 / 17.6
    assert (after["fragility_index"], after["most_critical_person"], after["min_key_connectivity"]) == (1.0, "s2", 1)
    assert after["health"] == 11.8  # 100 (0.2 x 0.090909 + 0.1)
    changes = {c["figure"]: (c["before"], c["after"]) for c in data["changes"]}
    assert changes["covered"] == (3, 1) and changes["health"] == (74.3, 11.8)


def test_matrix_values(runner: CliRunner, tiny: str) -> None:
    result = runner.invoke(cli, ["--store", tiny, "matrix", "tiny", *AS_OF, "--format", "json"])
    data = json.loads(result.output)
    staff = {r["id"]: (r["count"], r["strength"], r["threads"], r["last"]) for r in data["staff"]}
    assert staff == {"s1": (2, 2.0, 2, "2025-06-30"), "s2": (1, 0.5, 1, "2025-04-01")}
    people = {r["id"]: (r["count"], r["strength"], r["status"]) for r in data["stakeholders"]}
    # cadence: eb and ch met today (ok); us met 90 days ago, a user's target is 90: due, not yet overdue
    assert people == {"eb": (1, 1.0, "ok"), "ch": (1, 1.0, "ok"), "us": (1, 0.5, "due")}
    cells = {(c["staff"], c["stakeholder"]): c["count"] for c in data["cells"]}
    assert cells == {("s1", "eb"): 1, ("s1", "ch"): 1, ("s2", "us"): 1}


def test_show_values(runner: CliRunner, tiny: str) -> None:
    us = run_json(runner, tiny, "show", "us", *AS_OF)
    assert (us["kind"], us["manager"], us["reports"], us["active"]) == ("stakeholder", "Carl Champion", [], True)
    assert [(t["id"], t["strength"], t["meetings"], t["first"], t["last"], t["thread"]) for t in us["ties"]] == [
        ("s2", 0.5, 1, "2025-04-01", "2025-04-01", True)]  # 90 days: half, a thread at the threshold
    assert [(m["id"], m["attendees"]) for m in us["meetings"]] == [("m3", ["Sue Two"])]
    s1 = run_json(runner, tiny, "show", "s1", *AS_OF)
    assert s1["kind"] == "staff" and s1["person"]["accounts"] == ["duo", "tiny"]
    # equal strengths (1.0, met once today): ordered by id, across both accounts
    assert [(t["id"], t["account"], t["strength"]) for t in s1["ties"]] == [
        ("ch", "tiny", 1.0), ("eb", "tiny", 1.0), ("x", "duo", 1.0), ("y", "duo", 1.0)]
    ch = run_json(runner, tiny, "show", "ch", *AS_OF)
    assert (ch["manager"], ch["reports"]) == ("Eve Buyer", ["Uma User"])
    early = run_json(runner, tiny, "show", "us", "--as-of", "2025-03-31")  # before m3: no tie yet
    assert early["ties"] == [] and early["meetings"] == []
