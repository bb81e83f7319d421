"""A column mapping's joins, value tables and errors, worked by hand on a two-row export.

``name = ["First", "Last"]`` joins the filled cells of the columns with a space (list fields with the
list separator); ``[table.values.FIELD]`` is looked up ignoring case; a value the record refuses is
reported in the user's own column name, with the file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kamgraph.errors import InputError
from kamgraph.ingest import import_files
from kamgraph.store.base import GraphStore

from .conftest import CANONICAL

MAPPING = '''[[table]]
kind = "stakeholders"
files = ["*people*.csv"]

[table.columns]
id = "Ref"
name = ["First", "Last"]
account = "Company"
buying_role = "Role"
influence = "Clout"

[table.values.buying_role]
"Budget owner" = "economic_buyer"

[[table]]
kind = "meetings"
files = ["*activities*.csv"]
list_separator = ","

[table.columns]
date = "When"
subject = "What"
attendees = ["Who", "Owner"]
'''


@pytest.fixture
def acme(store: GraphStore) -> GraphStore:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def _files(tmp_path: Path, rows: str) -> tuple[list[Path], Path]:
    mapping = tmp_path / "m.toml"
    mapping.write_text(MAPPING)
    people = tmp_path / "crm-people.csv"
    people.write_text("Ref,First,Last,Company,Role,Clout\n" + rows)
    return [people], mapping


def test_joined_names_and_values_looked_up_ignoring_case(acme: GraphStore, tmp_path: Path) -> None:
    files, mapping = _files(tmp_path, "p1,Ada,Lovelace,acme,BUDGET OWNER,4\n"
                                      "p2,Grace,,acme,budget owner,2\n")
    import_files(files, acme, mapping=mapping)
    ada, grace = acme.get_person("p1"), acme.get_person("p2")
    # "Ada" + " " + "Lovelace"; Grace has no last name: no trailing space
    assert (ada.name, grace.name) == ("Ada Lovelace", "Grace")
    assert (ada.buying_role.value, grace.buying_role.value) == ("economic_buyer", "economic_buyer")  # type: ignore[union-attr]
    assert (ada.influence, grace.influence) == (4, 2)  # type: ignore[union-attr]


def test_a_refused_value_names_the_users_column(acme: GraphStore, tmp_path: Path) -> None:
    files, mapping = _files(tmp_path, "p1,Ada,Lovelace,acme,Budget owner,4\n"
                                      "p2,Grace,Hopper,acme,Budget owner,lots\n")
    with pytest.raises(InputError) as info:
        import_files(files, acme, mapping=mapping)
    # line 3 of the file (the header is line 1); the field is the user's column "Clout", not "influence"
    assert str(info.value).startswith(f"{files[0]}:3: Clout: "), str(info.value)
    assert [p.id for p in acme.dump().stakeholders if p.id in ("p1", "p2")] == []  # nothing written


def test_a_mapped_meeting_keeps_only_the_attendees_someone_knows(acme: GraphStore, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text(MAPPING)
    activities = tmp_path / "crm-activities.csv"
    # Bea (c-cfo) and a stranger with Kim (s-kim): the stranger is nobody's address in the store
    activities.write_text("When,What,Who,Owner\n"
                          '2025-02-04,Pricing,"bea.novak@acme-robotics.example, nobody@elsewhere.example",'
                          "kim.berger@ourco.example\n")
    import_files([activities], acme, mapping=mapping)
    [meeting] = [m for m in acme.dump().meetings if m.subject == "Pricing"]
    assert (meeting.date.isoformat(), meeting.attendees) == ("2025-02-04", ["c-cfo", "s-kim"])
