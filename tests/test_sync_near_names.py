"""sync proposes a match for near names instead of creating a duplicate, and keeps notes people wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamgraph.ingest import import_files
from kamgraph.monitor.sync import sync_contacts
from kamgraph.store.base import GraphStore
from kamgraph.views.alerts_text import render_sync

from .conftest import CANONICAL, SAMPLE_AS_OF

HEADER = "Contact ID,Full Name,E-mail,Company Name,Job Title,Status\n"
# The five active stakeholders of tests/data/canonical/stakeholders.csv, Chris Adeyemi (c-cto) written with his
# full first name and no id or e-mail, as another CRM would.
EXPORT = HEADER + """\
c-ceo,Alex Moreau,alex.moreau@acme-robotics.example,Acme Robotics,Chief Executive Officer,active
c-cfo,Bea Novak,bea.novak@acme-robotics.example,Acme Robotics,Chief Financial Officer,active
,"Adeyemi, Christopher",,Acme Robotics,Chief Technology Officer,active
c-arch,Dana Kim,dana.kim@acme-robotics.example,Acme Robotics,Lead Architect,active
c-eng,Eli Brandt,eli.brandt@acme-robotics.example,Acme Robotics,Robotics Engineer,active
"""


@pytest.fixture
def acme(store: GraphStore) -> GraphStore:
    import_files(sorted(CANONICAL.glob("*.csv")), store)
    return store


def test_a_near_name_is_proposed_not_created_nor_departed(acme: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text(EXPORT, encoding="utf-8")
    before = acme.counts()
    plan = sync_contacts(acme, path, "acme", SAMPLE_AS_OF, apply=True)
    assert [(m.line, m.name, [(c.id, c.name) for c in m.candidates]) for m in plan.near_matches] == [
        (4, "Adeyemi, Christopher", [("c-cto", "Chris Adeyemi")])]
    assert plan.new == [] and plan.departures == []
    assert acme.counts() == before and acme.get_person("c-cto").left_on is None
    assert "line 4: Adeyemi, Christopher -- near Chris Adeyemi (c-cto)" in render_sync(plan)


def test_a_departure_keeps_the_note_someone_wrote(acme: GraphStore, tmp_path: Path) -> None:
    from kamgraph.domain.dataset import Batch

    eng = acme.get_person("c-eng")
    acme.import_batch(Batch(stakeholders=[eng.model_copy(update={"note": "Met at RoboConf; prefers calls"})]))
    path = tmp_path / "contacts.csv"
    path.write_text(HEADER + "c-eng,Eli Brandt,eli.brandt@acme-robotics.example,Acme Robotics,,inactive\n",
                    encoding="utf-8")
    sync_contacts(acme, path, "acme", SAMPLE_AS_OF, apply=True, missing="ignore")
    note = acme.get_person("c-eng").note or ""
    assert note.startswith("Met at RoboConf; prefers calls\n") and "flagged inactive" in note
