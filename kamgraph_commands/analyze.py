"""``kamgraph analyze``: run the X-ray analysis of accounts and write the results into the store (``--write``)."""

from __future__ import annotations

import datetime as dt
import sys

import click

from kamgraph_commands.common import CliError, as_of_option, emit, store_config_json_options
from kamgraph_commands.common import state as _state


def _text(run, written: bool) -> str:  # type: ignore[no-untyped-def]
    from kamgraph.views.text import table

    verb = "wrote" if written else "computed (not written: add --write)"
    lines = [f"analyze {run.as_of.isoformat()}: {verb} {len(run.written)} snapshot(s), "
             f"{len(run.current)} current already; settings fingerprint {run.fingerprint}, "
             f"data generation {run.generation}"]
    if run.accounts:
        rows = [[m.account, m.name, f"{m.health:.1f}", f"{m.coverage:.0%}", f"{m.key_coverage:.0%}",
                 f"{m.fragility_index:.2f}", str(m.articulation_points), m.stage or ""] for m in run.accounts]
        lines += ["", table(["account", "name", "health", "coverage", "key cov.", "fragility", "cut vertices",
                             "stage"], rows)]
    return "\n".join(lines)


@click.command()
@click.argument("accounts", nargs=-1, metavar="[ACCOUNT]...")
@click.option("--all", "all_accounts", is_flag=True, help="Every account of the store.")
@as_of_option
@click.option("--write", is_flag=True,
              help="Store the results: SQLite tables account_metrics, person_metrics, tie_metrics (history kept); "
                   "Neo4j kg_* properties on Account, Person nodes and MET edges (latest only).")
@click.option("--force", is_flag=True, help="Recompute and rewrite snapshots that are current already.")
@store_config_json_options
def analyze(accounts: tuple[str, ...], all_accounts: bool, as_of: dt.date, write: bool, force: bool,
            as_json: bool) -> None:
    """Analyse ACCOUNTs (ids or exact names) or --all, and with --write store the results in the store.

    Each snapshot is stamped with the as-of date, the fingerprint of the analysis settings and the store's
    data generation; an account whose stored snapshot is current already is left alone (--force rewrites it).
    Portfolio and web pages use a current snapshot instead of analysing again. Without --write nothing is
    stored: the figures are only printed. See the docs page "Analysis in the graph".
    """
    from kamgraph.portfolio.snapshots import write_snapshots

    if bool(accounts) == all_accounts:
        raise click.UsageError("name one or more ACCOUNTs, or --all (not both)")
    state = _state()
    with state.open_store() as store:
        ids = store.account_ids() if all_accounts else list(dict.fromkeys(store.find_account(a).id for a in accounts))
        if not ids:
            raise CliError("the store holds no accounts (run 'kamgraph import' or 'kamgraph demo' first)", 2)
        progress = None
        if len(ids) > 50 and sys.stderr.isatty():
            bar = click.progressbar(length=len(ids), label="analysing accounts", file=sys.stderr)
            progress = lambda done, _total: bar.update(done - bar.pos)  # noqa: E731
        run = write_snapshots(store, as_of, state.settings, accounts=ids, force=force, dry_run=not write,
                              progress=progress)
    data = run.model_dump(mode="json")
    data["stored"] = write
    emit(data, as_json, lambda: _text(run, write))


COMMANDS = [analyze]
