"""People by name: ids, e-mail addresses and names in show / leave / return / whatif, and ``kamgraph people``."""

from __future__ import annotations

import csv
import io
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.domain.models import Staff, Stakeholder
from kamgraph.domain.people import match_people, name_key, near_matches, parse_name, resolve_person
from kamgraph.errors import InputError

AS_OF = ["--as-of", "2026-11-22"]
LENA_EMAIL = "lena.fischer@northwind-logistics.example"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = str(tmp_path_factory.mktemp("people") / "demo.db")
    result = CliRunner().invoke(cli, ["--store", url, "demo", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    return url


def run(store: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--store", store, *args])
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def everyone(store: str) -> list[dict[str, object]]:
    code, out = run(store, "people", "--json")
    assert code == 0, out
    _, left = run(store, "people", "--left", "--json")
    return json.loads(out) + json.loads(left)


# --------------------------------------------------------------------------- the rules, on hand-made people
def _fold(text: str) -> str:
    """Case and accents dropped, the independent way: NFKD and no combining marks."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()


PEOPLE = [Stakeholder(id="c1", name="Zoë Ångström", account="acme", email="zoe@acme.example"),
          Stakeholder(id="c2", name="Zoe Angstrom", account="globex"),
          Staff(id="s1", name="Dan Cho", accounts=["acme"]),
          Staff(id="s2", name="Daniel Cho", accounts=["globex"], email="daniel.cho@ours.example")]


def test_exact_name_wins_over_the_folded_match() -> None:
    assert [p.id for p in match_people("Zoë Ångström", PEOPLE)] == ["c1"]
    # folded: both Zoës are the same to a reader who types without accents -> ambiguous, both listed
    assert {p.id for p in match_people("zoe angstrom", PEOPLE)} == {"c1", "c2"}
    assert _fold("Zoë Ångström") == _fold("Zoe Angstrom")


def test_id_and_email_come_first() -> None:
    assert resolve_person("s2", PEOPLE).name == "Daniel Cho"
    assert resolve_person("DANIEL.CHO@ours.example", PEOPLE).id == "s2"


def test_last_comma_first_and_brackets() -> None:
    assert resolve_person("Cho, Daniel", PEOPLE).id == "s2"
    assert resolve_person("Daniel Cho (ext)", PEOPLE).id == "s2"
    assert parse_name("Angstrom, Zoe") == "Zoe Angstrom"
    assert name_key("Cho, Daniel") == name_key("daniel  CHO")


def test_unique_prefix_and_ambiguity() -> None:
    assert resolve_person("Danie", PEOPLE).id == "s2"
    with pytest.raises(InputError) as err:
        resolve_person("Da", PEOPLE)
    message = str(err.value)
    assert err.value.exit_code == 2
    for person, where in (("Dan Cho (id s1", "staff on acme"), ("Daniel Cho (id s2", "staff on globex")):
        assert person in message and where in message
    with pytest.raises(InputError, match="no stakeholder or staff member"):
        resolve_person("Nobody", PEOPLE)


def test_near_matches_propose_but_do_not_merge() -> None:
    # "Dan Cho" and "Daniel Cho" are different strings: match_people never takes one for the other ...
    assert [p.id for p in match_people("Dan Cho", PEOPLE)] == ["s1"]
    # ... but near_matches proposes the other spelling
    assert near_matches("Dan Cho", ["Daniel Cho", "Dana Scully", "Zoe Angstrom"]) == ["Daniel Cho"]
    assert near_matches("Cho, Daniel", ["Daniel Cho"]) == ["Daniel Cho"]
    assert near_matches("Lena Fischer", ["Paul Nguyen", "Ingrid Solberg"]) == []


# --------------------------------------------------------------------------- the commands, on the demo
def test_show_by_name_and_email_is_show_by_id(demo: str) -> None:
    by_id = run(demo, "show", "nw-arch", *AS_OF, "--json")
    assert by_id[0] == 0
    for key in ("Lena Fischer", LENA_EMAIL, LENA_EMAIL.upper(), "fischer, lena", "LENA FISCHER", "Léna Fischer",
                "Lena Fisch"):
        assert run(demo, "show", key, *AS_OF, "--json") == by_id, key


def test_ambiguous_name_lists_every_candidate(demo: str) -> None:
    code, out = run(demo, "show", "Ma", *AS_OF)
    assert code == 2
    # the candidates, worked out independently: every active or departed person whose name starts with "ma"
    expected = [p for p in everyone(demo) if _fold(str(p["name"])).startswith("ma")]
    assert len(expected) >= 2
    for person in expected:
        assert f"{person['name']} (id {person['id']}," in out
        assert str(person["account"]).split(",")[0] in out
    assert out.count("(id ") == len(expected)


def test_leave_and_whatif_by_name(demo: str, tmp_path: Path) -> None:
    assert run(demo, "leave", "Lena Fischer", "--dry-run", "--date", "2026-11-22", "--json") == \
        run(demo, "leave", "nw-arch", "--dry-run", "--date", "2026-11-22", "--json")
    by_name = run(demo, "whatif", "northwind", "--leave", "Maya Lindqvist", "--leave", LENA_EMAIL, *AS_OF, "--json")
    by_id = run(demo, "whatif", "northwind", "--leave", "st-maya", "--leave", "nw-arch", *AS_OF, "--json")
    assert by_name == by_id and by_name[0] == 0
    # a name of another account's stakeholder is not one of northwind's people
    code, out = run(demo, "whatif", "northwind", "--leave", "Anna Lindberg", *AS_OF)
    assert code == 2 and "Anna Lindberg" in out
    # leave and return, by name, on a copy of the store
    copy = str(tmp_path / "copy.db")
    shutil.copy(demo, copy)
    code, out = run(copy, "leave", "Lena Fischer", "--date", "2026-11-22", "--json")
    assert code == 0 and json.loads(out)["id"] == "nw-arch"
    left = json.loads(run(copy, "people", "northwind", "--left", "--json")[1])
    assert "nw-arch" in [p["id"] for p in left]
    code, out = run(copy, "return", "fischer, lena")
    assert code == 0 and "(nw-arch) is active again" in out


def test_people_lists_match_the_account_counts(demo: str) -> None:
    accounts = json.loads(run(demo, "accounts", "--json")[1])
    stakeholders = json.loads(run(demo, "people", "--stakeholders", "--json")[1])
    left = json.loads(run(demo, "people", "--stakeholders", "--left", "--json")[1])
    assert len(stakeholders) == sum(a["stakeholders"] for a in accounts)
    assert len(left) == sum(a["stakeholders_left"] for a in accounts)
    assert all(p["kind"] == "stakeholder" and p["status"] == "active" for p in stakeholders)
    assert all(p["status"] == "left" and p["left_on"] for p in left)
    north = json.loads(run(demo, "people", "northwind", "--stakeholders", "--json")[1])
    assert len(north) == next(a["stakeholders"] for a in accounts if a["id"] == "northwind") == 44
    staff = json.loads(run(demo, "people", "northwind", "--staff", "--json")[1])
    xray = json.loads(run(demo, "xray", "northwind", *AS_OF, "--json")[1])
    assert {p["id"] for p in staff} == {s["id"] for s in xray["staff"]}


def test_people_csv_and_table(demo: str) -> None:
    data = json.loads(run(demo, "people", "orbit", "--json")[1])
    code, text = run(demo, "people", "orbit", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == [p["id"] for p in data]
    assert [r["email"] for r in rows] == [p["email"] or "" for p in data]
    table = run(demo, "people", "orbit")[1]
    for person in data:
        assert person["id"] in table and str(person["name"]) in table
    assert table.startswith(f"PEOPLE ({len(data)})")
