"""Departures: ``kamgraph leave`` records one and shows what it breaks, ``kamgraph return`` undoes it."""

from __future__ import annotations

import datetime as dt

import click

from kamgraph_commands.common import (
    date_option,
    emit,
    json_option,
    person_id,
    store_config_json_options,
    store_option,
)
from kamgraph_commands.common import state as _state


@click.command()
@click.argument("person")
@date_option("--date", "date",
             help="The day they left (YYYY-MM-DD or 'today'; default today). The impact is computed on it.")
@click.option("--moved-to", metavar="COMPANY_OR_ACCOUNT",
              help="Where they went: a company, or one of our accounts (id or name) -- an opportunity.")
@click.option("--note", metavar="TEXT", help="Why you know, or anything worth keeping with the departure.")
@click.option("--dry-run", is_flag=True, help="Show the impact, record nothing.")
@store_config_json_options
def leave(person: str, date: dt.date, moved_to: str | None, note: str | None, dry_run: bool,
          as_json: bool) -> None:
    """Record that PERSON (stakeholder or staff; id, e-mail address or name) left, and show what it breaks.

    Nothing is deleted: the person is marked left on the date, their history
    stays, and an X-ray --as-of an earlier date still sees them. Printed for
    every account concerned: ties lost, required roles left without cover,
    fragility and every summary figure before -> after (the figures of
    'kamgraph whatif ACCOUNT --leave PERSON --as-of DATE'), key stakeholders
    whose connectivity to our team dropped, and a re-threading plan
    (stakeholder) or handover plan (staff).
    """
    from kamgraph.monitor.departure import record_departure
    from kamgraph.views.alerts_text import render_impact

    state = _state()
    with state.open_store() as store:
        impact = record_departure(store, person_id(store, person), date, moved_to=moved_to, note=note,
                                  settings=state.settings, dry_run=dry_run)
    emit(impact, as_json, lambda: render_impact(impact))


@click.command("return")
@click.argument("person")
@store_option
@json_option
def return_cmd(person: str, as_json: bool) -> None:
    """Undo a departure of PERSON (id, e-mail address or name) recorded by mistake: they are active again."""
    from kamgraph.monitor.departure import record_return

    with _state().open_store() as store:
        back = record_return(store, person_id(store, person))
    emit(back, as_json, lambda: f"{back.name} ({back.id}) is active again: the departure is undone")


COMMANDS = [leave, return_cmd]
