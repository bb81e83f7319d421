"""``kamgraph team``: our staff's load across the portfolio."""

from __future__ import annotations

import datetime as dt

import click

from kamgraph_commands.common import as_of_option, emit, store_config_json_options
from kamgraph_commands.common import state as _state


@click.command()
@click.option("--account", metavar="ACCOUNT", default=None,
              help="List only the people on this account (id or name); figures stay portfolio-wide.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of text.")
@as_of_option
@store_config_json_options
def team(account: str | None, as_csv: bool, as_of: dt.date, as_json: bool) -> None:
    """Staff load: per member of our staff, the accounts they are on, threads held, key stakeholders held,
    stakeholders for whom they are the only thread, meetings per month, and load against their capacity
    ([team] settings; default 40 per account manager), flagging overloaded people and single points of failure.
    """
    from kamgraph.portfolio.team import build_team
    from kamgraph.views.team_text import render_team, team_csv

    state = _state()
    with state.open_store() as store:
        result = build_team(store, as_of, state.settings, account=account)
    if as_csv:
        click.echo(team_csv(result), nl=False)
        return
    emit(result, as_json, lambda: render_team(result))


COMMANDS = [team]
