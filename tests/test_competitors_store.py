"""Competitor ties and per-person cadence overrides in both stores, the import file and the command line."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kamgraph.domain.dataset import Batch
from kamgraph.domain.models import CompetitorTie
from kamgraph.errors import InputError
from kamgraph.ingest.competitors import import_competitor_ties
from kamgraph.store import open_store
from kamgraph.store.base import GraphStore
from kamgraph.store.transfer import copy_store

from .test_store import sample_batch

TIES = [CompetitorTie(stakeholder="a-ceo", competitor="Contoso", strength=4, since="2025-02-01", note="ran a pilot"),
        CompetitorTie(stakeholder="a-ceo", competitor="Fabrikam", strength=2),
        CompetitorTie(stakeholder="b-cto", competitor="Contoso", strength=5, since="2025-03-01")]


def with_ties() -> Batch:
    batch = sample_batch()
    batch.stakeholders = [s.model_copy(update={"cadence_days": 14}) if s.id == "a-cfo" else s
                          for s in batch.stakeholders]
    batch.competitor_ties = list(TIES)
    return batch


def test_ties_and_cadence_are_stored_and_loaded(store: GraphStore) -> None:
    first = store.import_batch(with_ties())
    assert first.kinds["competitor_ties"].created == 3
    plain = store.import_batch(Batch(accounts=sample_batch().accounts))
    assert "competitor_ties" not in plain.kinds  # imports without ties read as before
    again = store.import_batch(with_ties())
    assert (again.created, again.updated) == (0, 0) and again.kinds["competitor_ties"].unchanged == 3
    assert store.competitor_ties() == TIES
    assert store.competitor_ties(["beta"]) == [TIES[2]]
    acme = store.load_account("acme")
    assert acme.competitor_ties == TIES[:2]
    assert {s.id: s.cadence_days for s in acme.stakeholders} == {
        "a-ceo": None, "a-cfo": 14, "a-eng": None, "a-old": None}
    chunked = {snap.account.id: snap for snap in store.load_accounts(["beta", "acme"])}
    assert chunked["acme"].competitor_ties == TIES[:2] and chunked["beta"].competitor_ties == [TIES[2]]
    assert chunked["acme"].stakeholders == acme.stakeholders
    assert store.get_person("a-cfo").cadence_days == 14  # type: ignore[union-attr]
    dumped = store.dump()
    assert dumped.competitor_ties == TIES
    assert {s.id: s.cadence_days for s in dumped.stakeholders}["a-cfo"] == 14


def test_a_changed_tie_is_updated_and_one_can_be_removed(store: GraphStore) -> None:
    store.import_batch(with_ties())
    stronger = TIES[1].model_copy(update={"strength": 3.5, "since": dt.date(2025, 4, 1)})
    summary = store.import_batch(Batch(competitor_ties=[stronger, TIES[0]]))
    counts = summary.kinds["competitor_ties"]
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    assert store.competitor_ties(["acme"]) == [TIES[0], stronger]
    assert store.remove_competitor_tie("a-ceo", "Fabrikam") is True
    assert store.remove_competitor_tie("a-ceo", "Fabrikam") is False
    assert store.competitor_ties() == [TIES[0], TIES[2]]
    cleared = store.import_batch(Batch(stakeholders=[s for s in sample_batch().stakeholders if s.id == "a-cfo"]))
    assert cleared.kinds["stakeholders"].updated == 1  # cadence_days 14 -> not given
    assert store.get_person("a-cfo").cadence_days is None  # type: ignore[union-attr]


def test_a_tie_to_an_unknown_stakeholder_writes_nothing(store: GraphStore) -> None:
    batch = sample_batch()
    batch.competitor_ties = [TIES[0], CompetitorTie(stakeholder="nobody", competitor="Contoso")]
    with pytest.raises(InputError, match="unknown stakeholder 'nobody'"):
        store.import_batch(batch)
    assert store.is_empty() and store.competitor_ties() == []
    store.import_batch(sample_batch())
    dry = store.import_batch(Batch(competitor_ties=TIES), dry_run=True)
    assert dry.kinds["competitor_ties"].created == 3 and store.competitor_ties() == []


def test_copy_carries_competitor_ties(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "a.db"), create=True) as a, open_store(str(tmp_path / "b.db"), create=True) as b:
        a.import_batch(with_ties())
        copy_store(a, b)
        assert b.competitor_ties() == TIES
        assert b.get_person("a-cfo").cadence_days == 14  # type: ignore[union-attr]


def test_cadence_days_survive_a_copy(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "a.db"), create=True) as a, open_store(str(tmp_path / "b.db"), create=True) as b:
        a.import_batch(with_ties())
        copy_store(a, b)
        assert b.get_person("a-cfo").cadence_days == 14  # type: ignore[union-attr]


def test_sqlite_rows_are_what_was_written(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with open_store(str(path), create=True) as store:
        store.import_batch(with_ties())
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT stakeholder_id, competitor, strength, since, note FROM competitor_tie "
                          "ORDER BY 1, 2").fetchall()
        days = db.execute("SELECT id, cadence_days FROM stakeholder WHERE cadence_days IS NOT NULL").fetchall()
    assert rows == [("a-ceo", "Contoso", 4.0, "2025-02-01", "ran a pilot"), ("a-ceo", "Fabrikam", 2.0, None, None),
                    ("b-cto", "Contoso", 5.0, "2025-03-01", None)]
    assert days == [("a-cfo", 14)]


def test_a_version_3_file_takes_ties_and_cadence_after_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.write_bytes((Path(__file__).parent / "data" / "store-v3.sqlite").read_bytes())
    with open_store(str(path)) as store:
        someone = store.list_stakeholders()[0]
        store.import_batch(Batch(stakeholders=[someone.model_copy(update={"cadence_days": 30})],
                                 competitor_ties=[CompetitorTie(stakeholder=someone.id, competitor="Contoso")]))
        assert store.get_person(someone.id).cadence_days == 30  # type: ignore[union-attr]
        assert store.competitor_ties() == [CompetitorTie(stakeholder=someone.id, competitor="Contoso")]


# --------------------------------------------------------------------------- the import file
def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_import_file_all_or_nothing(store: GraphStore, tmp_path: Path) -> None:
    store.import_batch(sample_batch())
    good = write(tmp_path / "competitors.csv", "stakeholder_id,competitor,strength,since,note\n"
                                               "a-ceo,Contoso,4,2025-02-01,ran a pilot\n\n"
                                               "a-ceo,Fabrikam,,,\nb-cto,Contoso,5,2025-03-01,\n")
    summary = import_competitor_ties([good], store)
    assert summary.line() == "created 3, updated 0, unchanged 0 (competitor_ties 3/0/0)"
    assert store.competitor_ties() == [TIES[0], TIES[1].model_copy(update={"strength": 3.0}), TIES[2]]
    assert import_competitor_ties([good], store).line() == "created 0, updated 0, unchanged 3 (competitor_ties 0/0/3)"
    cases = {
        "stakeholder,competitor\na-eng,Contoso\nnobody,Contoso\n": "3: stakeholder: 'nobody' is not in the store",
        "stakeholder,competitor\ns1,Contoso\n": "2: stakeholder: 's1' is a staff member, not a stakeholder",
        "stakeholder,competitor,strength\na-eng,Contoso,0\n": "2: strength: Input should be greater than or equal to 1",
        "stakeholder,competitor,since\na-eng,Contoso,01/02/2025\n": "2: since: not a date",
        "stakeholder,rival\na-eng,Contoso\n": "1: rival: unknown column for competitor ties",
        "competitor,strength\nContoso,3\n": "1: stakeholder: required column missing",
        "stakeholder,competitor\na-eng,Contoso,4\n": "2: 3 cells, but the header has 2 columns",
        "stakeholder,competitor,strength\na-eng,Contoso,4\na-eng,Contoso,5\n":
            "3: competitor: 'a-eng' and 'Contoso' appear again with different values (first at",
    }
    for number, (text, message) in enumerate(cases.items()):
        bad = write(tmp_path / f"bad{number}.csv", text)
        with pytest.raises(InputError) as caught:
            import_competitor_ties([good, bad], store)
        assert str(caught.value).startswith(f"{bad}:{message}"), str(caught.value)
    assert len(store.competitor_ties()) == 3  # nothing of the bad imports was written


def test_command_line(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    with open_store(db, create=True) as store:
        store.import_batch(sample_batch())
    file = write(tmp_path / "competitors.csv", "stakeholder,competitor,strength\na-ceo,Contoso,4\n")
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, ["--store", db, "competitors", *args])
        return result.exit_code, result.output

    line = "created 1, updated 0, unchanged 0 (competitor_ties 1/0/0)"
    assert run("import", str(file)) == (0, f"sqlite://{db}: {line}\n")
    code, out = run("add", "Bo Tech", "Fabrikam", "--strength", "3.5", "--since", "2025-05-01", "--json")
    assert code == 0 and json.loads(out) == {"stakeholder": "b-cto", "competitor": "Fabrikam", "strength": 3.5,
                                             "since": "2025-05-01", "note": None}
    code, out = run("list", "acme", "--json")
    assert code == 0 and [(t["stakeholder"], t["competitor"]) for t in json.loads(out)] == [("a-ceo", "Contoso")]
    code, out = run("list")
    assert code == 0 and "Bo Tech" in out and "Ann Boss" in out
    assert run("add", "s1", "Contoso")[0] == 2
    assert run("remove", "a-ceo", "Nope")[0] != 0
    assert run("remove", "a-ceo", "Contoso")[0] == 0
    bad = write(tmp_path / "bad.csv", "stakeholder,competitor,strength\na-ceo,Contoso,9\n")
    code, out = run("import", str(bad))
    assert code == 2 and f"{bad}:2: strength:" in out and "Traceback" not in out
    with open_store(db) as store:
        assert [t.key for t in store.competitor_ties()] == [("b-cto", "Fabrikam")]


def test_the_general_import_points_to_the_competitors_command(store: GraphStore, tmp_path: Path) -> None:
    from kamgraph.ingest import import_files

    file = write(tmp_path / "rivals.csv", "stakeholder_id,competitor,strength\na-ceo,Contoso,4\n")
    with pytest.raises(InputError, match=r"rivals.csv:1: competitor: this is a file of competitor ties: import it "
                                         r"with 'kamgraph competitors import FILE'"):
        import_files([file], store)


def test_import_json(store: GraphStore, tmp_path: Path) -> None:
    store.import_batch(sample_batch())
    good = write(tmp_path / "ties.json", '{"competitor_ties": [\n  {"stakeholder": "a-ceo", "competitor": "Contoso",'
                                         ' "strength": 4, "since": "2025-02-01", "note": "ran a pilot"},\n'
                                         '  {"stakeholder_id": "b-cto", "competitor": "Contoso", "strength": 5,'
                                         ' "since": "2025-03-01"}\n]}\n')
    assert import_competitor_ties([good], store).kinds["competitor_ties"].created == 2
    assert store.competitor_ties() == [TIES[0], TIES[2]]
    bad = write(tmp_path / "bad.json", '{"competitor_ties": [\n  {"stakeholder": "a-ceo", "competitor": "X"},\n'
                                       '  {"stakeholder": "a-ceo", "competitor": "Y", "strength": 6}\n]}\n')
    with pytest.raises(InputError, match=r"bad.json:3: strength: Input should be less than or equal to 5"):
        import_competitor_ties([bad], store)
    for text in ('{"ties": []}', "[1, 2]", "{"):
        with pytest.raises(InputError, match=r"bad2.json:1: "):
            import_competitor_ties([write(tmp_path / "bad2.json", text)], store)
    assert len(store.competitor_ties()) == 2


def test_cadence_days_on_a_store_wide_read(tmp_path: Path) -> None:
    """More stakeholders than one chunk of parameters (900): the overrides are read in one query."""
    from kamgraph.domain.models import Account, Stakeholder

    people = [Stakeholder(id=f"c{i:04d}", account="big", name=f"P{i}", cadence_days=(i % 7 + 1) if i % 3 == 0 else None)
              for i in range(1000)]
    with open_store(str(tmp_path / "big.db"), create=True) as store:
        store.import_batch(Batch(accounts=[Account(id="big", name="Big")], stakeholders=people))
        assert [p.cadence_days for p in store.list_stakeholders()] == [p.cadence_days for p in people]
        assert [p.cadence_days for p in store.load_account("big").stakeholders] == [p.cadence_days for p in people]
        assert store.import_batch(Batch(stakeholders=people)).kinds["stakeholders"].unchanged == 1000
