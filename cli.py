#!/usr/bin/env python3
"""The kamgraph command line: parse arguments, call the library, format the result.

Run it from a checkout as ``python cli.py --help``; an installed kamgraph
gives the same commands as ``kamgraph``. Library errors become one-line
messages and an exit status (2 for bad input, 3 for an unreachable or broken
store, 1 otherwise); no command prints a traceback for a user's mistake.

This module talks to no database driver: stores are opened through
:func:`kamgraph.store.open_store`. Heavy imports happen inside commands so
that ``--help`` and quick commands start fast.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kamgraph import KamgraphError, __version__
from kamgraph_commands import register
from kamgraph_commands.common import (
    DATE,
    STORE_HELP,
    CliError,
    KamgraphGroup,
    State,
    as_of_option,
    config_option,
    date_option,
    emit,
    json_option,
    set_config,
    set_neo4j,
    set_store,
    store_config_json_options,
    store_option,
)
from kamgraph_commands.common import state as _state

if TYPE_CHECKING:

    pass

DEMO_STORE = "./kamgraph-demo.db"


@click.group(cls=KamgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", metavar="URL", expose_value=False, callback=set_store, is_eager=True, help=STORE_HELP)
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), expose_value=False,
              callback=set_config, is_eager=True, help="Settings file (default ./kamgraph.toml).")
@click.option("--neo4j-user", "neo4j_user", metavar="USER", expose_value=False, callback=set_neo4j,
              is_eager=True, help="User for bolt:// and neo4j:// stores (default $KAMGRAPH_NEO4J_USER, else neo4j). "
                                  "The password comes from $KAMGRAPH_NEO4J_PASSWORD, kamgraph.toml or a prompt.")
@click.option("--neo4j-database", "neo4j_database", metavar="NAME", expose_value=False, callback=set_neo4j,
              is_eager=True, help="Database for bolt:// and neo4j:// stores (default $KAMGRAPH_NEO4J_DATABASE, "
                                  "else neo4j); bolt://HOST:PORT/NAME also picks it.")
@click.version_option(__version__, prog_name="kamgraph")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """kamgraph: relationship X-rays, fragility and alerts for your key accounts.

    \b
    Start with the demo:      kamgraph demo
    Import your own data:     kamgraph import accounts.csv staff.csv stakeholders.csv meetings.csv
    X-ray one account:        kamgraph xray ACCOUNT
    """
    ctx.ensure_object(State)


# --------------------------------------------------------------------------- import
IMPORT_FORMATS = ("auto", "canonical", "salesforce", "hubspot", "ics", "vcard", "mapping")


class _ProgressBar:
    """A progress bar on stderr for imports of many rows (none when stderr is not a terminal)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def start(self, label: str, total: int) -> None:
        from kamgraph.ingest.progress import BAR_MIN_ROWS

        if self.enabled and total >= BAR_MIN_ROWS:
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            self.bar.__enter__()

    def advance(self, n: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS), default="auto", show_default=True,
              help="Format of the files: auto tells each file's format from its name and header "
                   "(.ics calendars, .vcf vCards, .json and canonical CSV, Salesforce and HubSpot exports).")
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False),
              help="TOML file naming which column of other CSV exports means what (see README).")
@click.option("--since", type=DATE, default=None,
              help="Expand recurring calendar events from this day (default: [ingest] window_days before --until).")
@click.option("--until", type=DATE, default=None, help="Expand recurring calendar events up to this day "
                                                       "(default today).")
@click.option("--dry-run", is_flag=True, help="Check and count everything, write nothing.")
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the skipped rows, with their reasons, to this CSV file.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no breakdown of skip reasons.")
@store_config_json_options
def import_cmd(files: tuple[Path, ...], fmt: str, mapping: Path | None, since: dt.date | None,
               until: dt.date | None, dry_run: bool, report: Path | None, quiet: bool, as_json: bool) -> None:
    """Import files into the store, all or nothing.

    Canonical CSV/JSON, Salesforce and HubSpot CSV exports, other CSVs through
    a --mapping file, vCards (.vcf) and calendars (.ics) -- in any mix. Records
    are matched by id (people also by e-mail): re-importing a file changes
    nothing. Any bad record stops the import with FILE:LINE: FIELD: problem
    and exit status 2, and the store is left exactly as it was. Rows that are
    skipped on purpose (cancelled events, contacts without an account, ...)
    are counted with their reason.
    """
    from kamgraph.ingest import import_files
    from kamgraph.ingest.report import render_import, write_skipped

    state = _state()
    settings = state.settings.ingest
    progress = _ProgressBar(enabled=not quiet and not as_json and sys.stderr.isatty())
    with state.open_store(create=True) as store:
        summary = import_files(list(files), store, dry_run=dry_run, format=fmt, mapping=mapping,
                               settings=settings, since=since, until=until, progress=progress)  # type: ignore[arg-type]
    if report is not None:
        write_skipped(summary, report)
    emit(summary, as_json, lambda: render_import(summary, store.url, reasons=not quiet))


# --------------------------------------------------------------------------- demo
@cli.command()
@click.option("--force", is_flag=True, help="Replace the contents of a store that is not empty.")
@date_option("--as-of", "as_of",
             help="The demo's 'today': meetings are dated backwards from it (default today).")
@store_option
@json_option
def demo(force: bool, as_of: dt.date, as_json: bool) -> None:
    """Build the sample portfolio and print the X-ray of its main account.

    Writes to ./kamgraph-demo.db unless --store or KAMGRAPH_STORE names
    another store; a store that already holds data is only replaced with --force.
    """
    from kamgraph.samples.demo import MAIN_ACCOUNT, build_demo
    from kamgraph.views.text import render_xray
    from kamgraph.views.xray import build_xray

    state = _state()
    anchor = as_of
    with state.open_store(create=True, default=DEMO_STORE) as store:
        url = store.url
        if not store.is_empty():
            if not force:
                raise CliError(f"{store.url} already holds data; add --force to replace it with the demo", 1)
            store.clear()
        summary = store.import_batch(build_demo(anchor))
        xray = build_xray(store.load_account(MAIN_ACCOUNT, anchor), anchor, state.settings)
    if as_json:
        emit(xray, True, str)
        return
    click.echo(f"Demo portfolio written to {store.url}: {summary.line()}\n")
    click.echo(render_xray(xray))
    click.echo(f"\nExplore it:\n  kamgraph --store {url} accounts\n  kamgraph --store {url} xray {MAIN_ACCOUNT}\n"
               f"  kamgraph --store {url} whatif {MAIN_ACCOUNT} --leave st-maya\n"
               f"  kamgraph --store {url} report {MAIN_ACCOUNT} -o review.html")


# --------------------------------------------------------------------------- read commands
@cli.command()
@click.argument("account")
@as_of_option
@store_config_json_options
def xray(account: str, as_of: dt.date, as_json: bool) -> None:
    """The relationship X-ray of ACCOUNT (its id or exact name)."""
    from kamgraph.views.text import render_xray
    from kamgraph.views.xray import build_xray

    state = _state()
    day = as_of
    with state.open_store() as store:
        acc = store.find_account(account)
        report = build_xray(store.load_account(acc.id, day), day, state.settings)
    emit(report, as_json, lambda: render_xray(report))


@cli.command()
@store_option
@json_option
def accounts(as_json: bool) -> None:
    """List the accounts in the store with their counts."""
    from kamgraph.views.text import render_accounts

    with _state().open_store() as store:
        rows = store.list_accounts()
    emit([r.model_dump(mode="json") for r in rows], as_json, lambda: render_accounts(rows))


@cli.command()
@click.argument("person")
@as_of_option
@click.option("--limit", default=20, show_default=True, help="How many recent meetings to list.")
@store_config_json_options
def show(person: str, as_of: dt.date, limit: int, as_json: bool) -> None:
    """One person (stakeholder or staff, by id): who they are, their ties and meetings."""
    from kamgraph.analysis.person_profile import person_profile
    from kamgraph.views.text import render_profile

    state = _state()
    with state.open_store() as store:
        profile = person_profile(store, person, as_of, state.settings, max_meetings=limit)
    emit(profile, as_json, lambda: render_profile(profile))


# --------------------------------------------------------------------------- analysis commands
def _analysis(account: str, as_of: dt.date):  # type: ignore[no-untyped-def]
    """Load and analyse one account; returns (analysis, snapshot)."""
    from kamgraph.analysis.pipeline import analyze

    state = _state()
    day = as_of
    with state.open_store() as store:
        snapshot = store.load_account(store.find_account(account).id, day)
    return analyze(snapshot, day, state.settings), snapshot


def _section(analysis, name: str):  # type: ignore[no-untyped-def]
    """A JSON-ready dict with the account, date and one X-ray section."""
    from kamgraph.views.xray import xray_from_analysis

    report = xray_from_analysis(analysis)
    return report, {"account": report.account.model_dump(mode="json"), "as_of": report.as_of.isoformat(),
                    "summary": report.summary.model_dump(mode="json"),
                    name: getattr(report, name).model_dump(mode="json")}


@cli.command()
@click.argument("account")
@as_of_option
@store_config_json_options
def gaps(account: str, as_of: dt.date, as_json: bool) -> None:
    """Coverage gaps of ACCOUNT: uncovered people and roles, single threads, concentration."""
    from kamgraph.views.text import render_gaps

    analysis, _ = _analysis(account, as_of)
    report, data = _section(analysis, "gaps")
    emit(data, as_json, lambda: f"GAPS  {report.account.name}  as of {report.as_of}\n" + render_gaps(report.gaps))


@cli.command()
@click.argument("account")
@as_of_option
@click.option("--all-pairs", is_flag=True,
              help="Also compute standard all-pairs betweenness (slower; staff joined as one team).")
@store_config_json_options
def bridges(account: str, as_of: dt.date, all_pairs: bool, as_json: bool) -> None:
    """Bridging contacts of ACCOUNT: betweenness, articulation points, gateways, brokers."""
    from kamgraph.views.text import render_bridges

    analysis, _ = _analysis(account, as_of)
    report, data = _section(analysis, "bridges")
    ranked: list[tuple[str, str, float]] = []
    if all_pairs:
        from kamgraph.analysis.bridging import betweenness
        from kamgraph.graph.networkx_view import with_team_clique

        graph = with_team_clique(analysis.cg.to_networkx())
        values = betweenness(graph)
        top = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:analysis.ag.settings.bridges.top]
        ranked = [(graph.nodes[p]["name"], graph.nodes[p]["kind"], v) for p, v in top]
        data["all_pairs_betweenness"] = [{"id": p, "name": graph.nodes[p]["name"], "value": v} for p, v in top]
    emit(data, as_json, lambda: f"BRIDGES  {report.account.name}  as of {report.as_of}\n"
         + render_bridges(report.bridges, ranked))


@cli.command()
@click.argument("account")
@as_of_option
@click.option("--limit", default=15, show_default=True, help="How many people to list.")
@store_config_json_options
def fragility(account: str, as_of: dt.date, limit: int, as_json: bool) -> None:
    """Fragility of ACCOUNT: what each departure would cut off, and key stakeholders' connectivity."""
    from kamgraph.views.text import render_fragility

    analysis, _ = _analysis(account, as_of)
    report, data = _section(analysis, "fragility")
    emit(data, as_json, lambda: f"FRAGILITY  {report.account.name}  as of {report.as_of}\n"
         + render_fragility(report.fragility, limit))


@cli.command()
@click.argument("account")
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
@click.option("--value", type=click.Choice(["strength", "count", "last", "status"]), default="strength",
              show_default=True, help="What a CSV cell shows.")
@store_config_json_options
def matrix(account: str, as_of: dt.date, fmt: str, value: str, as_json: bool) -> None:
    """The communication matrix of ACCOUNT: our staff x their stakeholders.

    Each cell: meetings, last date, tie strength and cadence status of the pair;
    rows and columns carry totals. --json is the same as --format json.
    """
    from kamgraph.analysis.matrix import communication_matrix
    from kamgraph.views.csv_text import matrix_csv
    from kamgraph.views.text import render_matrix

    analysis, _ = _analysis(account, as_of)
    grid = communication_matrix(analysis.ag)
    if as_json or fmt == "json":
        from kamgraph.analysis.matrix import matrix_dict

        emit(matrix_dict(grid, analysis.ag.snapshot.account.id), True, str)
    elif fmt == "csv":
        click.echo(matrix_csv(grid, value), nl=False)
    else:
        click.echo(render_matrix(grid))


@cli.command()
@click.argument("account")
@click.option("--leave", "leave", multiple=True, required=True, metavar="PERSON",
              help="Id of a stakeholder or staff member who leaves (repeatable).")
@as_of_option
@store_config_json_options
def whatif(account: str, leave: tuple[str, ...], as_of: dt.date, as_json: bool) -> None:
    """What if PERSON(s) left ACCOUNT? Every summary figure before and after; the store is not changed."""
    from kamgraph.analysis.whatif import what_if
    from kamgraph.views.text import render_whatif

    analysis, snapshot = _analysis(account, as_of)
    result = what_if(snapshot, analysis.ag.as_of, list(leave), analysis.ag.settings, before=analysis)
    emit(result, as_json, lambda: render_whatif(result))


@cli.group()
def config() -> None:
    """Inspect the settings (kamgraph.toml, --config, KAMGRAPH_* variables)."""


@config.command("show")
@config_option
@json_option
def config_show(as_json: bool) -> None:
    """Print the effective settings (defaults overridden by the file and environment) as TOML."""
    from kamgraph.settings import settings_toml

    settings = _state().settings
    emit(settings, as_json, lambda: settings_toml(settings))


# --------------------------------------------------------------------------- portfolio
def _portfolio(as_of: dt.date, sort: str = "score"):  # type: ignore[no-untyped-def]
    from kamgraph.portfolio.table import build_portfolio

    state = _state()
    day = as_of
    with state.open_store() as store:
        total = len(store.list_accounts())
        if total > 50 and sys.stderr.isatty():
            with click.progressbar(length=total, label="analysing accounts", file=sys.stderr) as bar:
                return build_portfolio(store, day, state.settings, sort=sort,
                                       progress=lambda done, _total: bar.update(1))
        return build_portfolio(store, day, state.settings, sort=sort)


@cli.group(invoke_without_command=True)
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

    result = _portfolio(as_of, sort)
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

    result = _portfolio(as_of)
    ranked = sorted(result.qualifications.values(), key=lambda q: (-q.score, q.account))
    emit({"as_of": result.as_of.isoformat(), "accounts": [q.model_dump(mode="json") for q in ranked]}, as_json,
         lambda: render_scores(result))


@portfolio.command("review")
@click.option("--since", type=DATE, required=True, help="Compare the portfolio on this date with --as-of.")
@as_of_option
@store_config_json_options
def portfolio_review(since: dt.date, as_of: dt.date, as_json: bool) -> None:
    """Accounts whose tier, stage or fragility changed since a date (input for the periodic criteria review)."""
    from kamgraph.portfolio.review import review_portfolio
    from kamgraph.views.text import render_review

    state = _state()
    day = as_of
    with state.open_store() as store:
        changes = review_portfolio(store, since, day, state.settings)
    data = {"since": since.isoformat(), "as_of": day.isoformat(),
            "changes": [c.model_dump(mode="json") for c in changes]}
    emit(data, as_json, lambda: render_review(changes, since, day))
# --------------------------------------------------------------------------- departures, sync, alerts
@cli.command()
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
    """Record that PERSON (a stakeholder or one of our staff, by id) left, and show what it breaks.

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
        impact = record_departure(store, person, date, moved_to=moved_to, note=note,
                                  settings=state.settings, dry_run=dry_run)
    emit(impact, as_json, lambda: render_impact(impact))


@cli.command("return")
@click.argument("person")
@store_option
@json_option
def return_cmd(person: str, as_json: bool) -> None:
    """Undo a departure of PERSON recorded by mistake: they are active again."""
    from kamgraph.monitor.departure import record_return

    with _state().open_store() as store:
        back = record_return(store, person)
    emit(back, as_json, lambda: f"{back.name} ({back.id}) is active again: the departure is undone")


@cli.command()
@click.argument("contacts", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--account", required=True, help="The account the export belongs to (id or exact name).")
@date_option("--date", "date",
             help="Date of the export: departures found are dated on it (default today).")
@click.option("--apply", "apply_", is_flag=True,
              help="Write every proposal (departures and new stakeholders) in one transaction.")
@click.option("--complete", "missing", flag_value="propose",
              help="The export lists every contact: propose everyone it leaves out as a departure.")
@click.option("--partial", "missing", flag_value="ignore",
              help="The export lists only some contacts: never propose the people it leaves out.")
@store_config_json_options
def sync(contacts: Path, account: str, date: dt.date, apply_: bool, missing: str | None,
         as_json: bool) -> None:
    """Compare a CRM export of an account's contacts (CONTACTS.csv) with the store.

    People missing from the export, flagged inactive, or with another employer
    or e-mail domain are proposed as departures; trivial differences (case,
    spacing, punctuation, legal suffixes such as Inc., Ltd, GmbH) are not.
    New people are proposed as new stakeholders; a champion seen at another
    company or account is reported as an opportunity. An export that leaves
    out more than half of the account's people is taken as partial (they are
    listed, not proposed) unless --complete says otherwise. Nothing is
    written without --apply; with it, all or nothing.
    """
    from kamgraph.monitor.sync import sync_contacts
    from kamgraph.views.alerts_text import render_sync

    state = _state()
    with state.open_store() as store:
        plan = sync_contacts(store, contacts, account, date, state.settings, apply=apply_,
                             missing=missing or "auto")  # type: ignore[arg-type]
    emit(plan, as_json, lambda: render_sync(plan))


@cli.command()
@click.option("--account", "accounts", multiple=True, metavar="ACCOUNT",
              help="Check only this account (id or exact name; repeatable). Default: every account.")
@click.option("--since", type=DATE, default=None,
              help="Compare with this date instead of each account's last check (and report departures "
                   "from it on).")
@as_of_option
@click.option("--webhook", metavar="URL", envvar="KAMGRAPH_WEBHOOK_URL", default=None,
              help="POST the new alerts as JSON (Slack-compatible) to this http(s) URL; also read from "
                   "KAMGRAPH_WEBHOOK_URL, which keeps it out of process lists. Never shown in full.")
@store_config_json_options
def alerts(accounts: tuple[str, ...], since: dt.date | None, as_of: dt.date, webhook: str | None,
           as_json: bool) -> None:
    """Evaluate every monitoring rule on every account and print the new alerts.

    New alerts are recorded in the store, so the next run does not repeat an
    alert whose situation has not changed (and raises it again if it clears
    and comes back). Rules and thresholds: the [alerts] settings.

    \b
    Exit status (for cron):
      0  no new alerts
      1  new alerts
      2  an error: bad input, store or settings problem, or a webhook
         delivery that failed (the alerts are recorded all the same and the
         payload is kept for the next run)
    """
    import traceback

    from kamgraph.monitor.alerts import run_alerts
    from kamgraph.monitor.webhook import check_webhook_url, redact_url
    from kamgraph.views.alerts_text import render_alert_run

    state = _state()
    shown = None
    try:
        url = check_webhook_url(webhook) if webhook else None
        shown = redact_url(url) if url else None
        with state.open_store() as store:
            run = run_alerts(store, as_of, state.settings, accounts=accounts or None,
                             since=since, webhook_url=url)
    except KamgraphError as exc:
        raise CliError(str(exc), 2) from None
    except Exception as exc:  # anything unexpected must not read as "new alerts" (exit 1) to cron
        traceback.print_exc()
        raise CliError(f"internal error ({type(exc).__name__}); nothing may have been recorded", 2) from None
    emit({**run.model_dump(mode="json"), "webhook": shown}, as_json, lambda: render_alert_run(run, shown))
    ctx = click.get_current_context()
    if run.delivery_failed:
        failed = sum(d.alerts for d in run.deliveries if not d.delivered)
        click.echo(f"Error: webhook delivery to {shown} failed; {failed} alerts are recorded and kept for the "
                   "next run", err=True)
        ctx.exit(2)
    ctx.exit(1 if run.new else 0)
# --------------------------------------------------------------------------- account-review exports
class _Writing:
    """Turn a file that cannot be written into a one-line error (exit status 1)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, OSError):
            raise CliError(f"cannot write {exc.filename or 'the output'}: {exc.strerror or exc}", 1) from None


def _written(paths: list[str], as_json: bool) -> None:
    """Report the files a command wrote (one line each, or JSON)."""
    if as_json:
        emit({"written": [{"path": p, "bytes": Path(p).stat().st_size} for p in paths]}, True, str)
    else:
        for p in paths:
            click.echo(f"Wrote {p} ({Path(p).stat().st_size:,} bytes)", err=True)


@cli.command("export")
@click.argument("account", required=False)
@click.option("--all", "all_accounts", is_flag=True, help="Export the whole portfolio as one graph.")
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json", "csv"]), default="graphml",
              show_default=True, help="graphml (yEd, Cytoscape, igraph), gexf (Gephi, GEXF 1.3), json (networkx "
              "node-link), csv (two files for neo4j-admin database import).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (default: standard output). With csv: FILE-nodes.csv and FILE-edges.csv.")
@as_of_option
@store_config_json_options
def export_cmd(account: str | None, all_accounts: bool, fmt: str, output: str | None, as_of: dt.date,
               as_json: bool) -> None:
    """Export the relationship graph of ACCOUNT (or --all accounts) for other tools.

    Nodes are our staff and the client's stakeholders (including people who
    left) with name, title, department, buying role, influence, attitude,
    status, coverage, betweenness and fragility; edges are met (with meeting
    count, first and last date, strength), reports_to and knows/influences.
    --json prints a summary of the files written (with -o).
    """
    from kamgraph.views.graph_export import export_accounts, write_export

    if bool(account) == all_accounts:
        raise CliError("give one ACCOUNT or --all", 2)
    state = _state()
    with state.open_store() as store:
        ids = None if all_accounts else [store.find_account(account).id]
        graph = export_accounts(store, ids, as_of, state.settings)
    with _Writing():
        text, paths = write_export(graph, fmt, output)
    if output is None:
        click.echo(text, nl=False)
    else:
        _written(paths, as_json)


@cli.command()
@click.argument("account", required=False)
@click.option("--kind", type=click.Choice(["map", "matrix", "timeline"]), default="map", show_default=True,
              help="map: org chart with our team and contacts; matrix: communication heatmap; timeline: meetings "
                   "per month with departures.")
@click.option("--portfolio", "whole_portfolio", is_flag=True,
              help="Instead of one account: every account's qualification score against its fragility, by tier.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="Picture to write: FILE.png, FILE.svg or FILE.pdf.")
@click.option("--by", type=click.Choice(["department", "buying_role"]), default="department", show_default=True,
              help="timeline: stack the bars by department or buying role.")
@click.option("--dpi", type=click.IntRange(50, 600), default=150, show_default=True, help="PNG resolution.")
@as_of_option
@store_config_json_options
def plot(account: str | None, kind: str, whole_portfolio: bool, output: str, by: str, dpi: int,
         as_of: dt.date, as_json: bool) -> None:
    """Draw a picture of ACCOUNT for a review (relationship map, matrix heatmap or timeline), or with
    --portfolio the portfolio's score-vs-fragility chart."""
    if Path(output).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise CliError(f"{output}: the file name must end in .png, .svg or .pdf", 2)
    if whole_portfolio == bool(account):
        raise CliError("give either ACCOUNT or --portfolio", 2)
    if whole_portfolio:
        from kamgraph.views.plots import figure_bytes, plot_portfolio

        result = _portfolio(as_of)
        axes = plot_portfolio(result, thresholds=_state().settings.portfolio.tiers)
        with _Writing():
            Path(output).write_bytes(figure_bytes(axes.figure, Path(output).suffix.lower().lstrip("."), dpi))
        _written([output], as_json)
        return
    from kamgraph.views.plots import write_plot

    analysis, _ = _analysis(account, as_of)  # type: ignore[arg-type]
    options = {"by": by} if kind == "timeline" else {}
    with _Writing():
        write_plot(analysis, kind, output, dpi=dpi, **options)
    _written([output], as_json)


@cli.command()
@click.argument("account")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (default review.html or review.md). Markdown pictures go beside it.")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True,
              help="html: one self-contained page (inline SVG and CSS); md: Markdown with PNG pictures beside it.")
@click.option("--top-risks", type=click.IntRange(0, 10), default=3, show_default=True,
              help="How many of the most critical people get a what-if.")
@as_of_option
@store_config_json_options
def report(account: str, output: str | None, fmt: str, top_risks: int, as_of: dt.date,
           as_json: bool) -> None:
    """Write the one-page account-review report of ACCOUNT (HTML or Markdown).

    Summary scores, relationship map, communication matrix, meetings over
    time, gaps, bridges, fragility, what-if of the top risks and the
    recommended actions, as of one date.
    """
    analysis, _ = _analysis(account, as_of)
    target = output or f"review.{fmt}"
    if fmt == "html":
        from kamgraph.views.report.html import render_html_report

        page = render_html_report(analysis, top_risks=top_risks)
        with _Writing():
            Path(target).write_text(page, encoding="utf-8")
        _written([target], as_json)
    else:
        from kamgraph.views.report.markdown import write_markdown_report

        with _Writing():
            written = write_markdown_report(analysis, target, top_risks=top_risks)
        _written([str(p) for p in written], as_json)
# --------------------------------------------------------------------------- copy
@cli.command("copy")
@click.option("--from", "source", metavar="URL", default=None,
              help="The store to copy (default: --store, $KAMGRAPH_STORE, ./kamgraph.db).")
@click.option("--to", "target", metavar="URL", required=True,
              help="The store to copy into: sqlite:///PATH or a file path, bolt://HOST:PORT[/DATABASE], neo4j://...")
@click.option("--replace", is_flag=True, help="Empty the target first, so that it ends up an exact mirror.")
@click.option("--chunk", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Meetings per transaction.")
@store_config_json_options
def copy_cmd(source: str | None, target: str, replace: bool, chunk: int, as_json: bool) -> None:
    """Copy a whole store into another one (SQLite to Neo4j and back).

    Records are matched by id, so copying again changes nothing, and a copy
    that stopped half-way is completed by running it again. Afterwards the
    X-ray of any account is the same on both stores.
    """
    from kamgraph.domain.dataset import KINDS
    from kamgraph.store.transfer import copy_store

    state = _state()
    with state.open_store(url=source) as src, state.open_store(create=True, url=target) as dst:
        if src.url == dst.url:
            raise CliError(f"--from and --to are the same store ({src.url})", 2)
        if replace:
            dst.clear()
        total = sum(n for kind, n in src.counts().items() if kind in KINDS)
        with click.progressbar(length=total, label=f"Copying {total} records", file=sys.stderr) as bar:
            summary = copy_store(src, dst, chunk=chunk, progress=bar.update)
    emit(summary, as_json, lambda: f"{src.url} -> {dst.url}: {summary.line()}")


register(cli)


def main(argv: list[str] | None = None) -> None:
    """Console entry point (``kamgraph``)."""
    cli.main(args=argv, prog_name="kamgraph")


if __name__ == "__main__":
    sys.exit(main())
