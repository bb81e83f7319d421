"""Shared data for the review tests (exports, plots, report): the demo account and a hostile one."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from kamgraph.analysis.pipeline import AccountAnalysis, analyze
from kamgraph.domain.dataset import AccountSnapshot
from kamgraph.domain.models import Account, Meeting, Relationship, Staff, Stakeholder
from kamgraph.samples.demo import MAIN_ACCOUNT, build_demo
from kamgraph.samples.synth import synth_account
from kamgraph.store.sqlite import SqliteStore

DEMO_AS_OF = dt.date(2026, 11, 22)
HOSTILE = "<script>alert(1)</script>"
SCHEMAS = Path(__file__).parent / "schemas" / "jgrapht"


@cache
def demo_snapshot() -> AccountSnapshot:
    """The demo's main account on DEMO_AS_OF."""
    store = SqliteStore(":memory:")
    store.import_batch(build_demo(DEMO_AS_OF))
    return store.load_account(MAIN_ACCOUNT, DEMO_AS_OF)


@cache
def demo_analysis() -> AccountAnalysis:
    """The analysis of the demo's main account (computed once per test session)."""
    return analyze(demo_snapshot(), DEMO_AS_OF)


@cache
def synth_analysis(stakeholders: int = 60) -> AccountAnalysis:
    """A random but realistic account of ``stakeholders`` people (kamgraph.samples.synth)."""
    batch = synth_account("big", seed=5, stakeholders=stakeholders, staff=8, as_of=DEMO_AS_OF)
    snap = AccountSnapshot(account=batch.accounts[0], stakeholders=batch.stakeholders, staff=batch.staff,
                           reporting_lines=[], relationships=batch.relationships,
                           meetings=sorted(batch.meetings, key=lambda m: (m.date, m.id)))
    return analyze(snap, DEMO_AS_OF)


def hostile_snapshot() -> AccountSnapshot:
    """A small account whose people and account have names that are markup (and Markdown, and $math$)."""
    day = DEMO_AS_OF
    people = [
        Stakeholder(id="h-boss", account="evil", name=HOSTILE, title="<b>CEO</b> & \"Founder\"",
                    department="R&D <x>", buying_role="economic_buyer", influence=5),
        Stakeholder(id="h-two", account="evil", name="*Star* [link](http://x) $a$ _u_", title="Head of `code`",
                    department="R&D <x>", buying_role="champion", influence=4, reports_to="h-boss"),
        Stakeholder(id="h-three", account="evil", name="O'Brien & Sons | pipe", department="Ops",
                    reports_to="h-boss", influence=3),
        Stakeholder(id="h-gone", account="evil", name="Gone </div><img src=x onerror=alert(2)>",
                    department="Ops", reports_to="h-boss", influence=4, buying_role="decision_maker",
                    status="left", left_on=day - dt.timedelta(days=30)),
    ]
    staff = [Staff(id="h-s1", name="Sam <i>Smith</i>", role="kam", accounts=["evil"]),
             Staff(id="h-s2", name="Kim # Lee", role="delivery", accounts=["evil"])]
    meetings = [Meeting(id=f"hm{i}", date=day - dt.timedelta(days=d), attendees=att)
                for i, (d, att) in enumerate([(5, ["h-s1", "h-boss"]), (40, ["h-s1", "h-two"]),
                                              (70, ["h-s2", "h-two", "h-three"]), (200, ["h-s2", "h-gone"]),
                                              (100, ["h-s1", "h-gone"])])]
    return AccountSnapshot(account=Account(id="evil", name="Evil <Corp> & Co"), stakeholders=people, staff=staff,
                           reporting_lines=[], relationships=[Relationship(source="h-three", target="h-two")],
                           meetings=sorted(meetings, key=lambda m: (m.date, m.id)))


def hostile_analysis() -> AccountAnalysis:
    """The analysis of :func:`hostile_snapshot`."""
    return analyze(hostile_snapshot(), DEMO_AS_OF)
