"""``kamgraph people``: who is in the store, with the ids and e-mail addresses other commands accept."""

from __future__ import annotations

import click

from kamgraph_commands.common import csv_option, emit, store_config_json_options
from kamgraph_commands.common import state as _state


@click.command()
@click.argument("account", required=False)
@click.option("--staff", "only", flag_value="staff", help="Only our staff.")
@click.option("--stakeholders", "only", flag_value="stakeholders", help="Only the accounts' stakeholders.")
@click.option("--left", is_flag=True, help="Only people who have left (default: only people still active).")
@csv_option
@store_config_json_options
def people(account: str | None, only: str | None, left: bool, as_csv: bool, as_json: bool) -> None:
    """List stakeholders and staff (of ACCOUNT, id or exact name, or of every account).

    Each person is shown with the id, e-mail address and name that 'kamgraph
    show', 'leave', 'return' and 'whatif' accept. Staff of an account are its
    account team and everyone of ours who met its stakeholders.
    """
    from kamgraph.views.people_text import people_csv, people_rows, render_people

    with _state().open_store() as store:
        if account is not None:
            acc = store.find_account(account)
            snapshot = store.load_account(acc.id)
            stakeholders, staff = snapshot.stakeholders, snapshot.staff
        else:
            stakeholders = store.list_stakeholders() if only != "staff" else []
            staff = store.list_staff() if only != "stakeholders" else []
    chosen = [*(stakeholders if only != "staff" else []), *(staff if only != "stakeholders" else [])]
    chosen = [p for p in chosen if (p.status == "left") == left]
    rows = people_rows(chosen)
    if as_csv:
        click.echo(people_csv(rows), nl=False)
        return
    emit(rows, as_json, lambda: render_people(rows))


COMMANDS = [people]
