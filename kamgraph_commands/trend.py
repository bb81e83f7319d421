"""``kamgraph trend``: an account's headline figures over time."""

from __future__ import annotations

import datetime as dt

import click

from kamgraph_commands.common import DATE, CliError, emit, store_config_json_options
from kamgraph_commands.common import state as _state


@click.command()
@click.argument("account")
@click.option("--from", "start", type=DATE, default=None,
              help="First point (YYYY-MM-DD; default: the end of the period [trend] periods before --to).")
@click.option("--to", "end", type=DATE, default=None, help="Last point (YYYY-MM-DD or 'today'; default today).")
@click.option("--every", type=click.Choice(["week", "month", "quarter"]), default=None,
              help="A point at the end of every week (Sunday), month or quarter (default: the [trend] setting, "
                   "month).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of text.")
@store_config_json_options
def trend(account: str, start: dt.date | None, end: dt.date | None, every: str | None, as_csv: bool,
          as_json: bool) -> None:
    """The figures of ACCOUNT over time: health, coverage, weighted and key coverage, fragility index,
    concentration, key stakeholders at connectivity <= 1, overdue key stakeholders, meetings in the period
    and relationship stage.

    A point on --from, at the end of every period between, and on --to. Each point is what
    'kamgraph xray --as-of' that date shows (meetings after it ignored, people who left by then gone).
    The account is loaded once, with its history up to --to.
    """
    from kamgraph.analysis.trend import default_start
    from kamgraph.portfolio.trend import load_trend
    from kamgraph.views.trend_text import render_trend, trend_csv

    state = _state()
    settings = state.settings
    period = every or settings.trend.every
    last = end or dt.date.today()
    first = start or default_start(last, period, settings.trend.periods)
    if first > last:
        raise CliError(f"--from {first} is after --to {last}", 2)
    with state.open_store() as store:
        result = load_trend(store, account, first, last, period, settings)
    if as_csv:
        click.echo(trend_csv(result), nl=False)
        return
    emit(result, as_json, lambda: render_trend(result))


COMMANDS = [trend]
