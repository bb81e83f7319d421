"""``kamgraph portfolio``: every account in one table, the qualification scores and the periodic review."""

from __future__ import annotations

import datetime as dt
import sys

import click

from kamgraph_commands.common import (
    DATE,
    as_of_option,
    emit,
    store_config_json_options,
)
from kamgraph_commands.common import state as _state


def load_portfolio(as_of: dt.date, sort: str = "score"):  # type: ignore[no-untyped-def]
    """The portfolio table of the chosen store on ``as_of`` (a progress bar on a terminal past 50 accounts)."""
    from kamgraph.portfolio.table import build_portfolio

    state = _state()
    day = as_of
    with state.open_store() as store:
        ids = store.account_ids()
        if len(ids) > 50 and sys.stderr.isatty():
            with click.progressbar(length=len(ids), label="analysing accounts", file=sys.stderr) as bar:
                return build_portfolio(store, day, state.settings, sort=sort, accounts=ids,
                                       progress=lambda done, _total: bar.update(done - bar.pos))
        return build_portfolio(store, day, state.settings, sort=sort, accounts=ids)


@click.group(invoke_without_command=True)
@as_of_option
@click.option("--sort", default="score", show_default=True,
              type=click.Choice(["score", "fragility", "health", "coverage", "key_coverage", "stage", "tier", "name",
                                 "overdue", "alerts"]), help="Order of the table.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of text.")
@store_config_json_options
@click.pass_context
def portfolio(ctx: click.Context, as_of: dt.date, sort: str, as_csv: bool, as_json: bool) -> None:
    """All accounts in one table: tier, score, stage, shape, coverage, fragility, overdue, alerts.

    Subcommands: 'portfolio score' (the qualification detail and near misses),
    'portfolio review --since DATE' (what changed).
    """
    if ctx.invoked_subcommand is not None:
        return
    from kamgraph.views.text import render_portfolio

    result = load_portfolio(as_of, sort)
    if as_csv:
        from kamgraph.views.csv_text import portfolio_csv

        click.echo(portfolio_csv(result), nl=False)
        return
    emit({"as_of": result.as_of.isoformat(), "rows": [r.model_dump(mode="json") for r in result.rows]}, as_json,
         lambda: render_portfolio(result))


@portfolio.command("score")
@as_of_option
@store_config_json_options
def portfolio_score(as_of: dt.date, as_json: bool) -> None:
    """Rank accounts by qualification score with each criterion's contribution, tiers and near misses."""
    from kamgraph.views.text import render_scores

    result = load_portfolio(as_of)
    ranked = sorted(result.qualifications.values(), key=lambda q: (-q.score, q.account))
    emit({"as_of": result.as_of.isoformat(), "accounts": [q.model_dump(mode="json") for q in ranked]}, as_json,
         lambda: render_scores(result))


@portfolio.command("review")
@click.option("--since", type=DATE, required=True, help="Compare the portfolio on this date with --as-of.")
@as_of_option
@click.option("--csv", "as_csv", is_flag=True, help="Print the change-since columns as CSV instead of text.")
@store_config_json_options
def portfolio_review(since: dt.date, as_of: dt.date, as_csv: bool, as_json: bool) -> None:
    """Accounts whose tier, stage or fragility changed since a date (input for the periodic criteria review),
    and every account's change since then: health, coverage, key coverage, fragility index, concentration,
    overdue key stakeholders and stage on both dates (each as 'kamgraph xray --as-of' that date shows it)."""
    from kamgraph.portfolio.review import changes_since, review_portfolio
    from kamgraph.views.review_text import changes_csv, render_changes_since
    from kamgraph.views.text import render_review

    state = _state()
    day = as_of
    with state.open_store() as store:
        changes = review_portfolio(store, since, day, state.settings)
        moved = changes_since(store, since, day, state.settings)
    if as_csv:
        click.echo(changes_csv(moved), nl=False)
        return
    data = {"since": since.isoformat(), "as_of": day.isoformat(),
            "changes": [c.model_dump(mode="json") for c in changes],
            "accounts": [r.model_dump(mode="json") for r in moved]}
    emit(data, as_json, lambda: render_review(changes, since, day) + "\n\n" + render_changes_since(moved, since, day))


COMMANDS = [portfolio]
