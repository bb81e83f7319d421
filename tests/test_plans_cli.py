"""``kamgraph plan add|list|done|drop|adopt`` on the demo (as of 2026-11-22), every figure checked against the
X-ray of the same date; bad input is a one-line error with exit 2 and writes nothing."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.store import open_store

DAY = ["--as-of", "2026-11-22"]


@pytest.fixture
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("demo") / "demo.db")
    result = CliRunner().invoke(cli, ["--store", url, "demo", *DAY])
    assert result.exit_code == 0, result.output
    return url


def _run(demo: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--store", demo, *args])
    return result.exit_code, result.output


def _json(demo: str, *args: str) -> dict:  # type: ignore[type-arg]
    code, out = _run(demo, *args, "--json")
    assert code == 0, out
    return json.loads(out)


def test_add_list_done_drop_on_the_demo(demo: str) -> None:
    xray = _json(demo, "xray", "northwind", *DAY)
    ingrid = next(s for s in xray["stakeholders"] if s["name"] == "Ingrid Solberg")
    assert ingrid["buying_role"] == "economic_buyer" and not ingrid["covered"] and ingrid["threads"] == []

    code, out = _run(demo, "plan", "add", "northwind", "--goal", "cover-person", "--person", "Ingrid Solberg",
                     "--owner", "Maya Lindqvist", "--due", "2026-11-01", "--on", "2026-10-01")
    assert code == 0, out
    assert out.strip() == ("Added objective northwind-1 (northwind): cover Ingrid Solberg, owner Maya Lindqvist, "
                           "due 2026-11-01")
    code, out = _run(demo, "plan", "add", "Northwind Logistics", "--goal", "concentration", "--under", "45",
                     "--owner", "st-maya", "--due", "2027-01-31", "--on", "2026-10-01")
    assert code == 0 and "northwind-2" in out and "under 45%" in out

    listed = _json(demo, "plan", "list", "northwind", *DAY)["objectives"]
    assert [(o["id"], o["status"]) for o in listed] == [("northwind-1", "missed"), ("northwind-2", "on_track")]
    cover, share = listed
    # Due 2026-11-01, checked 2026-11-22: 21 days late; the X-ray shows no thread to her.
    assert (cover["days_left"], cover["value"], cover["subject"], cover["owner"]) == (-21, 0.0, ingrid["id"], "st-maya")
    assert cover["evidence"] == "Ingrid Solberg has 0 threads, needs 1; due 2026-11-01, 21 days ago"
    # Concentration: the X-ray's own figure, against 45 %; due in 70 days > 30: on track.
    assert share["value"] == xray["gaps"]["concentration"] and share["value"] >= 0.45 and share["days_left"] == 70

    assert _json(demo, "plan", "list", "--as-of", "2026-09-30")["objectives"] == []  # not added yet then
    code, out = _run(demo, "plan", "list", *DAY)
    assert code == 0 and "2 objectives: 1 missed, 1 on track" in out and "MISSED" in out
    rows = list(csv.DictReader(io.StringIO(_run(demo, "plan", "list", "--csv", *DAY)[1])))
    assert [(r["id"], r["status"], r["days_left"]) for r in rows] == [("northwind-1", "missed", "-21"),
                                                                     ("northwind-2", "on_track", "70")]

    code, out = _run(demo, "plan", "done", "northwind-1", "--on", "2026-11-22", "--note", "met at the QBR")
    assert code == 0 and "marked done on 2026-11-22" in out
    code, out = _run(demo, "plan", "drop", "northwind-2", "--on", "2026-11-22")
    assert code == 0 and "marked dropped" in out
    assert _json(demo, "plan", "list", "--as-of", "2026-11-23")["objectives"] == []
    closed = _json(demo, "plan", "list", "--all", "--as-of", "2026-11-23")["objectives"]
    assert [(o["id"], o["state"], o["closed_on"], o["note"]) for o in closed] == [
        ("northwind-1", "done", "2026-11-22", "met at the QBR"), ("northwind-2", "dropped", "2026-11-22", None)]
    code, out = _run(demo, "plan", "done", "northwind-1")
    assert code == 2 and out.strip() == "Error: objective northwind-1 is done already"


def test_adopt_numbers_actions_as_the_x_ray_does(demo: str) -> None:
    xray = _json(demo, "xray", "northwind", *DAY)
    actions = xray["actions"]
    people = {s["id"]: s for s in xray["stakeholders"]}
    meet = next(a for a in actions if a["kind"] == "meet")
    code, out = _run(demo, "plan", "adopt", "northwind", str(meet["rank"]), *DAY)
    assert code == 0, out
    adopted = _json(demo, "plan", "list", "northwind", *DAY)["objectives"]
    assert [(o["kind"], o["subject"], o["target"], o["owner"], o["due"]) for o in adopted] == [
        ("cover_person", meet["target"]["id"], 1.0, meet["owner"]["id"], "2026-12-22")]  # due: 30 days later
    assert adopted[0]["origin"] == f"xray action {meet['rank']} on 2026-11-22: {meet['title']}"
    assert adopted[0]["status"] == "at_risk"  # not met (no thread: the action says so), due in 30 days

    again = next(a for a in actions if a["kind"] == "reconnect")
    code, out = _run(demo, "plan", "adopt", "northwind", str(again["rank"]), "--owner", "Ana Souza",
                     "--due", "2027-03-01", *DAY)
    assert code == 0, out
    cadence = next(o for o in _json(demo, "plan", "list", *DAY)["objectives"] if o["kind"] == "cadence")
    person = people[again["target"]["id"]]
    assert (cadence["subject"], cadence["target"]) == (person["id"], float(person["cadence_target_days"]))
    assert cadence["value"] == float(person["days_since_contact"]) and cadence["status"] == "on_track"
    assert cadence["owner_name"] == "Ana Souza" and cadence["id"] == "northwind-2"

    code, out = _run(demo, "plan", "adopt", "northwind", str(len(actions) + 1), *DAY)
    assert code == 2 and out.strip() == (f"Error: action: no action {len(actions) + 1}: the X-ray of northwind on "
                                         f"2026-11-22 lists {len(actions)} actions")


@pytest.mark.parametrize(("args", "message"), [
    (["nowhere", "--goal", "stage", "--stage", "basic"], "no account with id 'nowhere'"),
    (["northwind", "--goal", "cover-person", "--person", "Nobody Here"], "is not a stakeholder of Northwind"),
    (["northwind", "--goal", "cover-person", "--person", "Maya Lindqvist"], "is not a stakeholder of Northwind"),
    (["northwind", "--goal", "stage", "--stage", "basic", "--owner2"], "No such option"),
    (["northwind", "--goal", "cover-role", "--role", "boss"], "unknown buying role 'boss'"),
    (["northwind", "--goal", "stage", "--stage", "top"], "unknown relationship stage 'top'"),
    (["northwind", "--goal", "cadence", "--person", "nw-cfo"], "--goal cadence needs --every"),
    (["northwind", "--goal", "stage", "--stage", "basic", "--under", "5"], "--under does not apply to --goal stage"),
    (["northwind", "--goal", "flying"], "Invalid value for '--goal'"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(demo: str, args: list[str], message: str) -> None:
    extra = [] if "--owner2" in args else ["--owner", "Maya Lindqvist", "--due", "2027-01-01", "--on", "2026-11-22"]
    code, out = _run(demo, "plan", "add", *[a for a in args if a != "--owner2"], *extra,
                     *(["--owner2"] if "--owner2" in args else []))
    assert code == 2 and message in out and "Traceback" not in out
    with open_store(demo) as store:
        assert store.load_objectives(include_closed=True) == []


def test_owner_must_be_our_staff_and_due_not_before_the_day(demo: str) -> None:
    base = ["plan", "add", "northwind", "--goal", "stage", "--stage", "basic", "--on", "2026-11-22"]
    code, out = _run(demo, *base, "--owner", "nw-cfo", "--due", "2027-01-01")
    assert code == 2 and out.strip() == "Error: --owner: 'nw-cfo' is a client stakeholder, not one of our staff"
    code, out = _run(demo, *base, "--owner", "Maya Lindqvist", "--due", "2026-11-21")
    assert code == 2 and out.strip() == "Error: --due 2026-11-21 is before the day it is added (2026-11-22)"
    with open_store(demo) as store:
        assert store.load_objectives(include_closed=True) == []


def test_plan_help_names_every_subcommand() -> None:
    out = CliRunner().invoke(cli, ["plan", "--help"]).output
    assert all(name in out for name in ("add", "list", "done", "drop", "adopt"))
