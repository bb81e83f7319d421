"""Import rules the sixth round of planted bugs found unchecked, worked out by hand.

- A stakeholder's dotted-line manager may be a stakeholder stored by an earlier import: the reference check
  looks it up in the store, as it does for the solid-line manager (both stores).
"""

from __future__ import annotations

from pathlib import Path

from kamgraph.ingest import import_files
from kamgraph.store.base import GraphStore

HEADER = "id,account,name,reports_to,dotted_to\n"


def test_a_dotted_line_to_a_stakeholder_stored_earlier(store: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").write_text("id,name\nacme,Acme\n", encoding="utf-8")
    first = tmp_path / "first"
    first.mkdir()
    (first / "stakeholders.csv").write_text(HEADER + "c-ceo,acme,Cleo Chief,,\nc-cfo,acme,Fay Finance,c-ceo,\n",
                                            encoding="utf-8")
    import_files([tmp_path / "accounts.csv", first / "stakeholders.csv"], store)
    # a later file names only the new person: solid line to c-cfo, dotted line to c-ceo (both stored already)
    later = tmp_path / "later"
    later.mkdir()
    (later / "stakeholders.csv").write_text(HEADER + "c-eng,acme,Eno Eng,c-cfo,c-ceo\n", encoding="utf-8")
    import_files([later / "stakeholders.csv"], store)
    eng = store.get_person("c-eng")
    assert (eng.reports_to, eng.dotted_to) == ("c-cfo", ["c-ceo"])
    lines = sorted((r.stakeholder, r.manager, r.line.value) for r in store.load_account("acme").reporting_lines)
    assert lines == [("c-cfo", "c-ceo", "solid"), ("c-eng", "c-ceo", "dotted"), ("c-eng", "c-cfo", "solid")]
