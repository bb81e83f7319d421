"""Import rules the seventh round of planted bugs found unchecked, worked out by hand.

- A meeting without an account gets the account of its stakeholders *as this import has them*: a stakeholder
  stored under one account and moved to another by the same import gives the meeting the new account, not the
  stored one (the store is asked only for the accounts of stakeholders the import does not name; both stores).
- A mapping's table for a file no table names: the one table without ``files``; with two such tables the choice
  is ambiguous, and the file is refused rather than read with the first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kamgraph.errors import InputError
from kamgraph.ingest import import_files
from kamgraph.ingest.mapping import load_mapping
from kamgraph.store.base import GraphStore


def test_a_meeting_follows_a_stakeholder_moved_by_the_same_import(store: GraphStore, tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    (first / "accounts.csv").write_text("id,name\nacme,Acme\nbeta,Beta\n", encoding="utf-8")
    (first / "staff.csv").write_text("id,name,role,accounts\ns-kim,Kim,kam,acme;beta\n", encoding="utf-8")
    (first / "stakeholders.csv").write_text("id,account,name\nc1,acme,Cleo\nc2,acme,Dana\n", encoding="utf-8")
    import_files([first / "accounts.csv", first / "staff.csv", first / "stakeholders.csv"], store)
    assert store.get_person("c1").account == "acme"
    # the later import moves c1 to beta and records two meetings that name no account:
    # m1 with c1 only -> beta (c1's account in this import); m2 with c2, whom the import does not name -> acme
    # (c2's stored account)
    later = tmp_path / "later"
    later.mkdir()
    (later / "stakeholders.csv").write_text("id,account,name\nc1,beta,Cleo\n", encoding="utf-8")
    (later / "meetings.csv").write_text("id,date,attendees\nm1,2025-05-01,s-kim;c1\nm2,2025-05-02,s-kim;c2\n",
                                        encoding="utf-8")
    import_files([later / "stakeholders.csv", later / "meetings.csv"], store)
    assert store.get_person("c1").account == "beta"
    assert [(m.id, m.account) for m in store.person_meetings("c1")] == [("m1", "beta")]
    assert [(m.id, m.account) for m in store.person_meetings("c2")] == [("m2", "acme")]


CATCH_ALL = '''[[table]]
kind = "stakeholders"
files = ["people*.csv"]
[table.columns]
id = "Ref"

[[table]]
kind = "staff"
[table.columns]
id = "Login"
'''


def test_a_file_no_table_names_goes_to_the_only_table_without_files(tmp_path: Path) -> None:
    path = tmp_path / "map.toml"
    path.write_text(CATCH_ALL, encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.table_for(Path("people-2025.csv")).kind == "stakeholders"
    assert mapping.table_for(Path("team.csv")).kind == "staff"  # the one table with no files
    # a second table without files: which one reads team.csv is ambiguous, so neither does
    path.write_text(CATCH_ALL + '''
[[table]]
kind = "meetings"
[table.columns]
date = "When"
''', encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.table_for(Path("people-2025.csv")).kind == "stakeholders"
    with pytest.raises(InputError, match=r"no \[\[table\]\] of the mapping .* is for this file"):
        mapping.table_for(Path("team.csv"))
