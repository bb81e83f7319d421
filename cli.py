#!/usr/bin/env python3
"""The kamgraph command line: parse arguments, call the library, format the result.

Run it from a checkout as ``python cli.py --help``; an installed kamgraph
gives the same commands as ``kamgraph``. Library errors become one-line
messages and an exit status (2 for bad input, 3 for an unreachable or broken
store, 1 otherwise); no command prints a traceback for a user's mistake.

This module talks to no database driver: stores are opened through
:func:`kamgraph.store.open_store`. Heavy imports happen inside commands so
that ``--help`` and quick commands start fast.

Here: the group, its options and the core commands (demo, import, the X-ray and its sections, config, copy).
Every other family of commands is a module of :mod:`kamgraph_commands`, added by
:func:`kamgraph_commands.register`; options and helpers they share are in :mod:`kamgraph_commands.common`.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kamgraph import __version__
from kamgraph.ingest.formats import FORMATS, KINDS
from kamgraph_commands import register
from kamgraph_commands.common import (
    DATE,
    STORE_HELP,
    CliError,
    KamgraphGroup,
    State,
    as_of_option,
    config_option,
    csv_option,
    date_option,
    emit,
    json_option,
    load_analysis,
    person_id,
    set_config,
    set_neo4j,
    set_output,
    set_store,
    show_text,
    store_config_json_options,
    store_option,
    xray_section,
)
from kamgraph_commands.common import state as _state

if TYPE_CHECKING:

    pass

DEMO_STORE = "./kamgraph-demo.db"


@click.group(cls=KamgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", metavar="URL", expose_value=False, callback=set_store, is_eager=True, help=STORE_HELP)
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), expose_value=False,
              callback=set_config, is_eager=True,
              help="Settings file, read after the per-user file and ./kamgraph.toml (see 'kamgraph config show').")
@click.option("--neo4j-user", "neo4j_user", metavar="USER", expose_value=False, callback=set_neo4j,
              is_eager=True, help="User for bolt:// and neo4j:// stores (default $KAMGRAPH_NEO4J_USER, else neo4j). "
                                  "The password comes from $KAMGRAPH_NEO4J_PASSWORD, kamgraph.toml or a prompt.")
@click.option("--neo4j-database", "neo4j_database", metavar="NAME", expose_value=False, callback=set_neo4j,
              is_eager=True, help="Database for bolt:// and neo4j:// stores (default $KAMGRAPH_NEO4J_DATABASE, "
                                  "else neo4j); bolt://HOST:PORT/NAME also picks it.")
@click.option("--no-color", "no_color", is_flag=True, expose_value=False, callback=set_output,
              help="No colour (also: the NO_COLOR variable; colour is only ever used on a terminal).")
@click.option("--no-pager", "no_pager", is_flag=True, expose_value=False, callback=set_output,
              help="Never page long output (it is paged only when stdout is a terminal).")
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
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
              help="Format of the files: auto tells each file's format from its content (the header of a CSV, "
                   "its name only breaking ties; .ics calendars, .vcf vCards, .json).")
@click.option("--type", "kind", type=click.Choice(KINDS), default=None,
              help="The records every CSV file holds (canonical columns), instead of telling it from the header.")
@click.option("--mapping", type=click.Path(path_type=Path, dir_okay=False),
              help="TOML file naming which column of other CSV exports means what (see the docs, Importing data).")
@click.option("--since", type=DATE, default=None,
              help="Expand recurring calendar events from this day (default: [ingest] window_days before --until).")
@click.option("--until", type=DATE, default=None, help="Expand recurring calendar events up to this day "
                                                       "(default today).")
@click.option("--dry-run", is_flag=True, help="Check and count everything, write nothing.")
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the skipped rows, with their reasons, to this CSV file.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no breakdown of skip reasons.")
@store_config_json_options
def import_cmd(files: tuple[Path, ...], fmt: str, kind: str | None, mapping: Path | None, since: dt.date | None,
               until: dt.date | None, dry_run: bool, report: Path | None, quiet: bool, as_json: bool) -> None:
    """Import files into the store, all or nothing.

    Canonical CSV/JSON, Salesforce and HubSpot CSV exports, other CSVs through
    a --mapping file, vCards (.vcf) and calendars (.ics) -- in any mix. A CSV
    may use commas, semicolons or tabs and be UTF-8 (with or without BOM),
    UTF-16 or Windows-1252, as Excel writes them; which records it holds is
    read from its header (--type forces it). Records
    are matched by id (people also by e-mail): re-importing a file changes
    nothing. Any bad record stops the import with FILE:LINE: FIELD: problem
    and exit status 2, and the store is left exactly as it was. Rows that are
    skipped on purpose (cancelled events, contacts without an account, ...)
    are counted with their reason.
    """
    from kamgraph.ingest import import_files
    from kamgraph.ingest.report import render_import
    from kamgraph.views.csv_text import skipped_csv

    state = _state()
    settings = state.settings.ingest
    progress = _ProgressBar(enabled=not quiet and not as_json and sys.stderr.isatty())
    with state.create_store(dry_run=dry_run) as store:
        summary = import_files(list(files), store, dry_run=dry_run, format=fmt, mapping=mapping,
                               settings=settings, since=since, until=until, progress=progress,  # type: ignore[arg-type]
                               kind=kind, calendar=state.settings.calendar, limits=state.settings.limits)
    if report is not None:
        Path(report).write_text(skipped_csv(summary), encoding="utf-8", newline="")
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
    with state.create_store(default=DEMO_STORE) as store:
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
    show_text(f"Demo portfolio written to {store.url}: {summary.line()}\n\n" + render_xray(xray)
              + f"\n\nExplore it:\n  kamgraph --store {url} accounts\n  kamgraph --store {url} xray {MAIN_ACCOUNT}\n"
              f"  kamgraph --store {url} people {MAIN_ACCOUNT}\n"
              f"  kamgraph --store {url} whatif {MAIN_ACCOUNT} --leave \"Maya Lindqvist\"\n"
              f"  kamgraph --store {url} report {MAIN_ACCOUNT} -o review.html")


# --------------------------------------------------------------------------- read commands
@cli.command()
@click.argument("account")
@as_of_option
@store_config_json_options
def xray(account: str, as_of: dt.date, as_json: bool) -> None:
    """The relationship X-ray of ACCOUNT (its id or exact name)."""
    from kamgraph.views.plans_text import render_plan_section
    from kamgraph.views.text import render_xray
    from kamgraph.views.xray import build_xray

    state = _state()
    day = as_of
    with state.open_store() as store:
        acc = store.find_account(account)
        report = build_xray(store.load_account(acc.id, day), day, state.settings,
                            objectives=store.load_objectives([acc.id], include_closed=True))
    # The account plan (kamgraph plan) closes the text, after the next actions.
    plan = f"\n\n{render_plan_section(report.plan)}" if report.plan else ""
    emit(report, as_json, lambda: render_xray(report) + plan)


@cli.command()
@store_option
@csv_option
@json_option
def accounts(as_csv: bool, as_json: bool) -> None:
    """List the accounts in the store with their counts."""
    from kamgraph.views.text import render_accounts

    with _state().open_store() as store:
        rows = store.list_accounts()
    data = [r.model_dump(mode="json") for r in rows]
    if as_csv:
        from kamgraph.views.csv_text import csv_text

        fields = list(type(rows[0]).model_fields) if rows else ["id", "name"]
        click.echo(csv_text(fields, [[d[f] for f in fields] for d in data]), nl=False)
        return
    emit(data, as_json, lambda: render_accounts(rows))


@cli.command()
@click.argument("person")
@as_of_option
@click.option("--limit", default=20, show_default=True, help="How many recent meetings to list.")
@store_config_json_options
def show(person: str, as_of: dt.date, limit: int, as_json: bool) -> None:
    """One PERSON (stakeholder or staff; id, e-mail address or name): who they are, their ties and meetings.

    A name may be written "First Last", "Last, First", in any case, without
    accents, or as the start of a unique name; when it could mean several
    people they are listed with their ids and the command exits with status 2.
    """
    from kamgraph.analysis.person_profile import person_profile
    from kamgraph.monitor.provenance import where_from
    from kamgraph.views.text import render_profile

    state = _state()
    with state.open_store() as store:
        pid = person_id(store, person)
        profile = person_profile(store, pid, as_of, state.settings, max_meetings=limit)
        sources = where_from(store, pid)
    data = {**profile.model_dump(mode="json"), "sources": sources.model_dump(mode="json")["entries"]}
    emit(data, as_json, lambda: render_profile(profile) + "\n\n" + sources.text())


# --------------------------------------------------------------------------- analysis commands
@cli.command()
@click.argument("account")
@as_of_option
@store_config_json_options
def gaps(account: str, as_of: dt.date, as_json: bool) -> None:
    """Coverage gaps of ACCOUNT: uncovered people and roles, single threads, concentration."""
    from kamgraph.views.text import render_gaps

    analysis, _ = load_analysis(account, as_of)
    report, data = xray_section(analysis, "gaps")
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

    analysis, _ = load_analysis(account, as_of)
    report, data = xray_section(analysis, "bridges")
    ranked: list[tuple[str, str, float]] = []
    if all_pairs:
        from kamgraph.analysis.bridging import all_pairs_ranking

        top = all_pairs_ranking(analysis.cg, analysis.ag.settings.bridges.top)
        ranked = [(r.name, r.kind, r.value) for r in top]
        data["all_pairs_betweenness"] = [{"id": r.id, "name": r.name, "value": r.value} for r in top]
    emit(data, as_json, lambda: f"BRIDGES  {report.account.name}  as of {report.as_of}\n"
         + render_bridges(report.bridges, ranked))


@cli.command()
@click.argument("account")
@as_of_option
@click.option("--limit", default=15, show_default=True, help="How many people to list.")
@csv_option
@store_config_json_options
def fragility(account: str, as_of: dt.date, limit: int, as_csv: bool, as_json: bool) -> None:
    """Fragility of ACCOUNT: the stakeholders each departure would lose (uncovered or cut off), and key
    stakeholders' connectivity. --csv lists every person with their share lost (all of them, not --limit)."""
    from kamgraph.views.text import render_fragility

    analysis, _ = load_analysis(account, as_of)
    report, data = xray_section(analysis, "fragility")
    if as_csv:
        from kamgraph.views.csv_text import csv_text

        rows = [[r.id, r.name, r.kind, r.share, len(r.lost),
                 ";".join(i for i in r.lost_threads if i not in r.lost_paths), ";".join(r.lost_paths)]
                for r in report.fragility.people]
        click.echo(csv_text(["id", "name", "kind", "share_lost", "lost", "uncovered_ids", "cut_off_ids"], rows),
                   nl=False)
        return
    emit(data, as_json, lambda: f"FRAGILITY  {report.account.name}  as of {report.as_of}\n"
         + render_fragility(report.fragility, limit))


@cli.command()
@click.argument("account")
@as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
@csv_option
@click.option("--value", type=click.Choice(["strength", "count", "last", "status"]), default=None,
              help="What a cell shows, in the table and the CSV (default: meetings/strength in the table, "
                   "strength in the CSV).")
@store_config_json_options
def matrix(account: str, as_of: dt.date, fmt: str, value: str | None, as_csv: bool, as_json: bool) -> None:
    """The communication matrix of ACCOUNT: their stakeholders (rows) x our staff (columns).

    Each cell: meetings, last date, tie strength and cadence status of the pair;
    rows and columns carry totals. The table and the CSV have the same
    orientation. --csv is --format csv, --json is --format json.
    """
    from kamgraph.analysis.matrix import communication_matrix
    from kamgraph.views.csv_text import matrix_csv
    from kamgraph.views.text import render_matrix

    analysis, _ = load_analysis(account, as_of)
    grid = communication_matrix(analysis.ag)
    if as_json or fmt == "json":
        from kamgraph.analysis.matrix import matrix_dict

        emit(matrix_dict(grid, analysis.ag.snapshot.account.id), True, str)
    elif as_csv or fmt == "csv":
        click.echo(matrix_csv(grid, value or "strength", rows="stakeholders"), nl=False)
    else:
        show_text(render_matrix(grid, value))


@cli.command()
@click.argument("account")
@click.option("--leave", "leave", multiple=True, required=True, metavar="PERSON",
              help="A stakeholder or staff member who leaves: id, e-mail address or name (repeatable).")
@as_of_option
@store_config_json_options
def whatif(account: str, leave: tuple[str, ...], as_of: dt.date, as_json: bool) -> None:
    """What if PERSON(s) left ACCOUNT? Every summary figure before and after; the store is not changed."""
    from kamgraph.analysis.whatif import what_if
    from kamgraph.views.text import render_whatif

    analysis, snapshot = load_analysis(account, as_of)
    with _state().open_store() as store:
        among = [*snapshot.stakeholders, *snapshot.staff]
        ids = [person_id(store, who, among=among) for who in leave]
    result = what_if(snapshot, analysis.ag.as_of, ids, analysis.ag.settings, before=analysis)
    names = {p.id: p.name for p in [*snapshot.stakeholders, *snapshot.staff]}
    emit(result, as_json, lambda: render_whatif(result, names))


@cli.group()
def config() -> None:
    """Inspect the settings (per-user file, ./kamgraph.toml, --config, NEO4J_* and KAMGRAPH_* variables)."""


@config.command("show")
@config_option
@json_option
def config_show(as_json: bool) -> None:
    """Print the effective settings as TOML, after the list of the files they were read from.

    Later sources win: the defaults, the per-user file (~/.config/kamgraph/kamgraph.toml
    on Linux), ./kamgraph.toml, --config, NEO4J_USERNAME / NEO4J_PASSWORD, then
    KAMGRAPH_<SECTION>__<KEY> variables. The output is valid TOML (the list is
    comments; passwords are never shown) and can be saved as a settings file.
    """
    from kamgraph.settings import settings_toml, user_config_file

    state = _state()
    settings = state.settings
    if as_json:
        emit(settings, True, str)
        return
    read = [f"#   {f}" for f in state.settings_files] or ["#   none (defaults and environment only)"]
    head = ["# settings files read, later ones winning:", *read,
            f"# (the per-user file is {user_config_file()})", ""]
    click.echo("\n".join(head) + settings_toml(settings))  # TOML: never wrapped or paged


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
    with state.open_store(url=source) as src, state.create_store(url=target) as dst:
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
