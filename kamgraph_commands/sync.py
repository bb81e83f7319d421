"""``kamgraph sync``: compare a CRM export of an account's contacts with the store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kamgraph_commands.common import (
    date_option,
    emit,
    store_config_json_options,
)
from kamgraph_commands.common import state as _state


@click.command()
@click.argument("contacts", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--account", required=True, help="The account the export belongs to (id or exact name).")
@date_option("--date", "date",
             help="Date of the export: departures found are dated on it (default today).")
@click.option("--apply", "apply_", is_flag=True,
              help="Write every proposal (departures and new stakeholders) in one transaction.")
@click.option("--complete", "missing", flag_value="propose",
              help="The export lists every contact: with --apply, record everyone it leaves out as departed "
                   "(at most [sync] max_inferred_departures per run).")
@click.option("--partial", "missing", flag_value="ignore",
              help="The export lists only some contacts: never propose the people it leaves out.")
@click.option("--max-departures", type=click.IntRange(min=0), metavar="N",
              help="Allow up to N departures inferred from absence in this run (overrides the [sync] cap).")
@store_config_json_options
def sync(contacts: Path, account: str, date: dt.date, apply_: bool, missing: str | None,
         max_departures: int | None, as_json: bool) -> None:
    """Compare a CRM export of an account's contacts (CONTACTS.csv) with the store.

    People missing from the export, flagged inactive, or with another employer
    or e-mail domain are proposed as departures; trivial differences (case,
    spacing, punctuation, legal suffixes such as Inc., Ltd, GmbH) are not.
    New people are proposed as new stakeholders; a champion seen at another
    company or account is reported as an opportunity. An export that leaves
    out more than half of the account's people is taken as partial (they are
    listed, not proposed) unless --complete says otherwise. A departure
    inferred only from absence is a proposal: --apply records it only with
    --complete, and then at most [sync] max_inferred_departures of them
    (--max-departures N allows more). The company column also matches the
    account's recorded aliases and CRM ids. Nothing is written without
    --apply; with it, all or nothing.
    """
    from kamgraph.monitor.sync import sync_contacts
    from kamgraph.views.alerts_text import render_sync

    state = _state()
    with state.open_store() as store:
        plan = sync_contacts(store, contacts, account, date, state.settings, apply=apply_,
                             missing=missing or "auto", max_departures=max_departures)  # type: ignore[arg-type]

    def text() -> str:
        out = [render_sync(plan)]
        if plan.held_back:
            out.append(f"\nNOT WRITTEN ({len(plan.held_back)} departures inferred only from absence): "
                       + ", ".join(plan.held_back) + " -- add --complete if the export lists every contact")
        if plan.unknown_companies:
            out.append("\nNOT DEPARTURES: " + "; ".join(f"{n} rows name {c!r}" for c, n in
                                                       sorted(plan.unknown_companies.items()))
                       + f" -- most of the export: if that is {plan.account.name}, add it to the account's aliases")
        return "\n".join(out)

    emit(plan, as_json, text)


COMMANDS = [sync]
