"""kamgraph sync does not lose people: the issue's numbers (44 stakeholders; an export with 60 % of the rows, one
with exactly half, one whose company column holds an abbreviation or a CRM id) as tests, on both stores."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import Account, Stakeholder, Status
from kamgraph.errors import InputError
from kamgraph.ingest import import_files
from kamgraph.monitor.sync import sync_contacts
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore

DAY = dt.date(2026, 11, 1)
PEOPLE = 44
NAME, ALIAS, CRM_ID = "Northwind Logistics", "NWL", "0015g00000XyZ1AAI"


def _names(i: int) -> tuple[str, str]:
    return f"Person{i:02d} Example", f"p{i:02d}@northwind-logistics.example"


@pytest.fixture
def northwind(store: GraphStore) -> GraphStore:
    store.import_batch(Batch(
        accounts=[Account(id="nw", name=NAME, domains=["northwind-logistics.example"], aliases=[ALIAS],
                          crm_ids=[CRM_ID])],
        stakeholders=[Stakeholder(id=f"p{i:02d}", account="nw", name=_names(i)[0], email=_names(i)[1], influence=3,
                                  title="Manager", note="typed by a KAM" if i == 0 else None)
                      for i in range(PEOPLE)]))
    return store


def _export(tmp_path: Path, rows: range, company: str = NAME, name: str = "export.csv") -> Path:
    lines = ["id,name,email,company,title"]
    lines += [f"p{i:02d},{_names(i)[0]},{_names(i)[1]},{company},Manager" for i in rows]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _left(store: GraphStore) -> int:
    return sum(p.status is Status.LEFT for p in store.list_stakeholders(["nw"]))


def test_an_export_with_60_percent_of_the_rows_records_nobody_without_complete(northwind: GraphStore,
                                                                                tmp_path: Path) -> None:
    export = _export(tmp_path, range(26))  # 26 of 44 rows: 60 %; 18 people left out
    plan = sync_contacts(northwind, export, "nw", DAY, apply=True)
    assert len(plan.departures) == 18 and all(d.inferred and d.reason == "missing" for d in plan.departures)
    assert len(plan.held_back) == 18 and not plan.partial
    assert _left(northwind) == 0  # the issue: 18 of 44 were marked departed


def test_a_complete_export_is_capped_and_the_override_allows_more(northwind: GraphStore, tmp_path: Path) -> None:
    export = _export(tmp_path, range(26))
    # Cap: min(5, floor(0.2 * 44) = 8) = 5 departures inferred from absence per run.
    with pytest.raises(InputError, match=r"18 departures inferred from absence, over the cap of 5 per run.*"
                                         r"--max-departures 18"):
        sync_contacts(northwind, export, "nw", DAY, apply=True, missing="propose")
    assert _left(northwind) == 0
    plan = sync_contacts(northwind, export, "nw", DAY, apply=True, missing="propose", max_departures=18)
    assert plan.applied and _left(northwind) == 18


def test_a_complete_export_within_the_cap_is_applied(northwind: GraphStore, tmp_path: Path) -> None:
    plan = sync_contacts(northwind, _export(tmp_path, range(40)), "nw", DAY, apply=True, missing="propose")
    assert (plan.inferred_cap, plan.applied, _left(northwind)) == (5, True, 4)


def test_an_export_with_exactly_half_the_rows(northwind: GraphStore, tmp_path: Path) -> None:
    export = _export(tmp_path, range(22))  # 22 left out: exactly half, not more, so not taken as partial
    plan = sync_contacts(northwind, export, "nw", DAY, apply=True)
    assert not plan.partial and len(plan.held_back) == 22 and _left(northwind) == 0  # the issue: 22
    with pytest.raises(InputError, match="22 departures inferred from absence"):
        sync_contacts(northwind, export, "nw", DAY, apply=True, missing="propose")
    assert _left(northwind) == 0


@pytest.mark.parametrize("company", [ALIAS, "nwl", CRM_ID, CRM_ID.upper(), "Northwind Logistics GmbH"])
def test_an_abbreviation_or_a_crm_id_in_the_company_column_is_the_account(northwind: GraphStore, tmp_path: Path,
                                                                         company: str) -> None:
    plan = sync_contacts(northwind, _export(tmp_path, range(PEOPLE), company), "nw", DAY, apply=True)
    assert (plan.departures, plan.unknown_companies, _left(northwind)) == ([], {}, 0)  # the issue: all 44


def test_an_unrecorded_name_given_by_most_rows_is_not_an_exodus(northwind: GraphStore, tmp_path: Path) -> None:
    plan = sync_contacts(northwind, _export(tmp_path, range(PEOPLE), "NW Log"), "nw", DAY, apply=True)
    assert plan.departures == [] and plan.unknown_companies == {"NW Log": 44} and _left(northwind) == 0
    # One person at another company is still a departure (and keeps the note a KAM typed).
    two = _export(tmp_path, range(1, PEOPLE), name="rest.csv").read_text() + \
        f"p00,{_names(0)[0]},{_names(0)[1]},Globex Corporation,Director\n"
    (tmp_path / "two.csv").write_text(two, encoding="utf-8")
    plan = sync_contacts(northwind, tmp_path / "two.csv", "nw", DAY, apply=True)
    assert [(d.id, d.reason) for d in plan.departures] == [("p00", "company")]
    p00 = northwind.get_person("p00")
    assert p00.status is Status.LEFT and (p00.note or "").startswith("typed by a KAM\n")
    assert p00.title == "Manager"  # the export's title is reported, never written


def test_aliases_and_crm_ids_round_trip_through_the_canonical_import(store: GraphStore, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("id,name,aliases,crm_ids\nnw,Northwind Logistics,NWL; Northwind Group,0015g00000XyZ1AAI\n",
                        encoding="utf-8")
    import_files([accounts], store)
    got = store.get_account("nw")
    assert (got.aliases, got.crm_ids) == (["NWL", "Northwind Group"], [CRM_ID])
    assert store.all_accounts()[0] == got and store.dump().accounts == [got]
    again = import_files([accounts], store)
    assert again.kinds["accounts"].unchanged == 1


def test_sync_command_says_what_it_held_back(runner: CliRunner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kam.db'}"
    with open_store(url, create=True) as store:
        store.import_batch(Batch(accounts=[Account(id="nw", name=NAME)],
                                 stakeholders=[Stakeholder(id=f"p{i:02d}", account="nw", name=_names(i)[0])
                                               for i in range(PEOPLE)]))
    export = _export(tmp_path, range(26))
    args = ["--store", url, "sync", str(export), "--account", "nw", "--date", str(DAY), "--apply"]
    text = runner.invoke(cli, args)
    assert text.exit_code == 0 and "NOT WRITTEN (18 departures inferred only from absence)" in text.output
    refused = runner.invoke(cli, [*args, "--complete"])
    assert refused.exit_code == 2 and len(refused.output.splitlines()) == 1 and "over the cap of 5" in refused.output
    done = runner.invoke(cli, [*args, "--complete", "--max-departures", "18", "--json"])
    assert done.exit_code == 0 and json.loads(done.output)["applied"]
    with open_store(url) as store:
        assert _left(store) == 18
