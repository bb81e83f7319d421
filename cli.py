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
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kamgraph import KamgraphError, __version__

if TYPE_CHECKING:
    from pydantic import BaseModel

    from kamgraph.settings import Settings
    from kamgraph.store.base import GraphStore

F = TypeVar("F", bound=Callable[..., Any])

DEMO_STORE = "./kamgraph-demo.db"


class CliError(click.ClickException):
    """A library error shown as ``Error: message`` with the library's exit status."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class KamgraphGroup(click.Group):
    """A click group that turns :class:`kamgraph.KamgraphError` into a one-line error."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KamgraphError as exc:
            raise CliError(str(exc), exc.exit_code) from None


class State:
    """What the group options decided, shared by every command."""

    def __init__(self) -> None:
        self.store_url: str | None = None
        self.config: Path | None = None
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """The effective settings (defaults < kamgraph.toml or --config < KAMGRAPH_* variables)."""
        if self._settings is None:
            from kamgraph.settings import CONFIG_FILE, load_settings

            self._settings = load_settings(self.config or CONFIG_FILE, required=self.config is not None)
        return self._settings

    def open_store(self, *, create: bool = False, url: str | None = None) -> GraphStore:
        """Open the chosen store (``--store``, else ``$KAMGRAPH_STORE``, else ./kamgraph.db)."""
        from kamgraph.store import open_store

        return open_store(url or self.store_url, create=create)


def _state() -> State:
    ctx = click.get_current_context()
    return ctx.ensure_object(State)


def _set_store(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(State).store_url = value


def _set_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value:
        ctx.ensure_object(State).config = value


STORE_HELP = ("Store URL: sqlite:///PATH or a file path (default ./kamgraph.db), or bolt://HOST:PORT / "
              "neo4j://HOST. Also read from KAMGRAPH_STORE.")


def store_option(func: F) -> F:
    """Add ``--store URL`` to a command (it overrides the group's ``--store``)."""
    return click.option("--store", metavar="URL", expose_value=False, callback=_set_store,
                        help=STORE_HELP)(func)


def config_option(func: F) -> F:
    """Add ``--config FILE`` to a command."""
    return click.option("--config", type=click.Path(path_type=Path, dir_okay=False), expose_value=False,
                        callback=_set_config, help="Settings file (default ./kamgraph.toml).")(func)


class DateType(click.ParamType):
    """``YYYY-MM-DD`` or ``today``."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip().lower()
        if text == "today":
            return dt.date.today()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a date (expected YYYY-MM-DD or 'today')", param, ctx)


DATE = DateType()


def as_of_option(func: F) -> F:
    """Add ``--as-of DATE`` (default today)."""
    return click.option("--as-of", "as_of", type=DATE, default=None,
                        help="Describe the account on this date (YYYY-MM-DD; default today). "
                             "Later meetings are ignored.")(func)


def json_option(func: F) -> F:
    """Add ``--json``."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")(func)


def emit(model: BaseModel | list[Any] | dict[str, Any], as_json: bool, text: Callable[[], str]) -> None:
    """Print a result as JSON (``--json``) or as the text view."""
    if as_json:
        if hasattr(model, "model_dump_json"):
            click.echo(model.model_dump_json(indent=2))  # type: ignore[union-attr]
        else:
            import json

            from pydantic import TypeAdapter

            click.echo(json.dumps(TypeAdapter(Any).dump_python(model, mode="json"), indent=2))
    else:
        click.echo(text())


@click.group(cls=KamgraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", metavar="URL", expose_value=False, callback=_set_store, is_eager=True, help=STORE_HELP)
@click.option("--config", type=click.Path(path_type=Path, dir_okay=False), expose_value=False,
              callback=_set_config, is_eager=True, help="Settings file (default ./kamgraph.toml).")
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
@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and count everything, write nothing.")
@store_option
@json_option
def import_cmd(files: tuple[Path, ...], dry_run: bool, as_json: bool) -> None:
    """Import canonical CSV or JSON files into the store, all or nothing.

    Records are matched by id: re-importing a file changes nothing. Any bad
    record stops the import with FILE:LINE: FIELD: problem and exit status 2,
    and the store is left exactly as it was.
    """
    from kamgraph.ingest import import_files

    with _state().open_store(create=True) as store:
        summary = import_files(list(files), store, dry_run=dry_run)
    emit(summary, as_json, lambda: f"{store.url}: {summary.line()}")


# --------------------------------------------------------------------------- demo
@cli.command()
@click.option("--force", is_flag=True, help="Replace the contents of a store that is not empty.")
@click.option("--as-of", "as_of", type=DATE, default=None,
              help="The demo's 'today': meetings are dated backwards from it (default today).")
@store_option
@json_option
def demo(force: bool, as_of: dt.date | None, as_json: bool) -> None:
    """Build the sample portfolio and print the X-ray of its main account.

    Writes to ./kamgraph-demo.db unless --store or KAMGRAPH_STORE names
    another store; a store that already holds data is only replaced with --force.
    """
    from kamgraph.demo import MAIN_ACCOUNT, build_demo
    from kamgraph.textview import render_xray
    from kamgraph.xray import build_xray

    state = _state()
    url = state.store_url or os.environ.get("KAMGRAPH_STORE") or DEMO_STORE
    anchor = as_of or dt.date.today()
    with state.open_store(create=True, url=url) as store:
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
    click.echo(f"\nExplore it: kamgraph --store {url} accounts | xray {MAIN_ACCOUNT} | show nw-arch")


# --------------------------------------------------------------------------- read commands
@cli.command()
@click.argument("account")
@as_of_option
@store_option
@config_option
@json_option
def xray(account: str, as_of: dt.date | None, as_json: bool) -> None:
    """The relationship X-ray of ACCOUNT (its id or exact name)."""
    from kamgraph.textview import render_xray
    from kamgraph.xray import build_xray

    state = _state()
    day = as_of or dt.date.today()
    with state.open_store() as store:
        acc = store.find_account(account)
        report = build_xray(store.load_account(acc.id, day), day, state.settings)
    emit(report, as_json, lambda: render_xray(report))


@cli.command()
@store_option
@json_option
def accounts(as_json: bool) -> None:
    """List the accounts in the store with their counts."""
    from kamgraph.textview import render_accounts

    with _state().open_store() as store:
        rows = store.list_accounts()
    emit([r.model_dump(mode="json") for r in rows], as_json, lambda: render_accounts(rows))


@cli.command()
@click.argument("person")
@as_of_option
@click.option("--limit", default=20, show_default=True, help="How many recent meetings to list.")
@store_option
@config_option
@json_option
def show(person: str, as_of: dt.date | None, limit: int, as_json: bool) -> None:
    """One person (stakeholder or staff, by id): who they are, their ties and meetings."""
    from kamgraph.profile import person_profile
    from kamgraph.textview import render_profile

    state = _state()
    with state.open_store() as store:
        profile = person_profile(store, person, as_of or dt.date.today(), state.settings, max_meetings=limit)
    emit(profile, as_json, lambda: render_profile(profile))


# --------------------------------------------------------------------------- analysis commands
def _analysis(account: str, as_of: dt.date | None):  # type: ignore[no-untyped-def]
    """Load and analyse one account; returns (analysis, snapshot)."""
    from kamgraph.analysis import analyze

    state = _state()
    day = as_of or dt.date.today()
    with state.open_store() as store:
        snapshot = store.load_account(store.find_account(account).id, day)
    return analyze(snapshot, day, state.settings), snapshot


def _section(analysis, name: str):  # type: ignore[no-untyped-def]
    """A JSON-ready dict with the account, date and one X-ray section."""
    from kamgraph.xray import xray_from_analysis

    report = xray_from_analysis(analysis)
    return report, {"account": report.account.model_dump(mode="json"), "as_of": report.as_of.isoformat(),
                    "summary": report.summary.model_dump(mode="json"),
                    name: getattr(report, name).model_dump(mode="json")}


@cli.command()
@click.argument("account")
@as_of_option
@store_option
@config_option
@json_option
def gaps(account: str, as_of: dt.date | None, as_json: bool) -> None:
    """Coverage gaps of ACCOUNT: uncovered people and roles, single threads, concentration."""
    from kamgraph.textview import render_gaps

    analysis, _ = _analysis(account, as_of)
    report, data = _section(analysis, "gaps")
    emit(data, as_json, lambda: f"GAPS  {report.account.name}  as of {report.as_of}\n" + render_gaps(report.gaps))


@cli.command()
@click.argument("account")
@as_of_option
@click.option("--all-pairs", is_flag=True,
              help="Also compute standard all-pairs betweenness (slower; staff joined as one team).")
@store_option
@config_option
@json_option
def bridges(account: str, as_of: dt.date | None, all_pairs: bool, as_json: bool) -> None:
    """Bridging contacts of ACCOUNT: betweenness, articulation points, gateways, brokers."""
    from kamgraph.textview import render_bridges

    analysis, _ = _analysis(account, as_of)
    report, data = _section(analysis, "bridges")
    ranked: list[tuple[str, str, float]] = []
    if all_pairs:
        from kamgraph.bridging import betweenness
        from kamgraph.graph import with_team_clique

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
@store_option
@config_option
@json_option
def fragility(account: str, as_of: dt.date | None, limit: int, as_json: bool) -> None:
    """Fragility of ACCOUNT: what each departure would cut off, and key stakeholders' connectivity."""
    from kamgraph.textview import render_fragility

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
@store_option
@config_option
@json_option
def matrix(account: str, as_of: dt.date | None, fmt: str, value: str, as_json: bool) -> None:
    """The communication matrix of ACCOUNT: our staff x their stakeholders.

    Each cell: meetings, last date, tie strength and cadence status of the pair;
    rows and columns carry totals. --json is the same as --format json.
    """
    from kamgraph.matrix import communication_matrix, matrix_csv
    from kamgraph.textview import render_matrix

    analysis, _ = _analysis(account, as_of)
    grid = communication_matrix(analysis.ag)
    if as_json or fmt == "json":
        from kamgraph.matrix import matrix_dict

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
@store_option
@config_option
@json_option
def whatif(account: str, leave: tuple[str, ...], as_of: dt.date | None, as_json: bool) -> None:
    """What if PERSON(s) left ACCOUNT? Every summary figure before and after; the store is not changed."""
    from kamgraph.textview import render_whatif
    from kamgraph.whatif import what_if

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
@store_option
@config_option
@json_option
def export_cmd(account: str | None, all_accounts: bool, fmt: str, output: str | None, as_of: dt.date | None,
               as_json: bool) -> None:
    """Export the relationship graph of ACCOUNT (or --all accounts) for other tools.

    Nodes are our staff and the client's stakeholders (including people who
    left) with name, title, department, buying role, influence, attitude,
    status, coverage, betweenness and fragility; edges are met (with meeting
    count, first and last date, strength), reports_to and knows/influences.
    --json prints a summary of the files written (with -o).
    """
    from kamgraph.analysis import analyze
    from kamgraph.export import export_graph, portfolio_graph, write_export

    if bool(account) == all_accounts:
        raise CliError("give one ACCOUNT or --all", 2)
    state = _state()
    day = as_of or dt.date.today()
    with state.open_store() as store:
        ids = [a.id for a in store.list_accounts()] if all_accounts else [store.find_account(account).id]
        snapshots = [store.load_account(i, day) for i in ids]
    graphs = [export_graph(analyze(snap, day, state.settings)) for snap in snapshots]
    graph = portfolio_graph(graphs) if all_accounts else graphs[0]
    with _Writing():
        text, paths = write_export(graph, fmt, output)
    if output is None:
        click.echo(text, nl=False)
    else:
        _written(paths, as_json)


@cli.command()
@click.argument("account")
@click.option("--kind", type=click.Choice(["map", "matrix", "timeline"]), default="map", show_default=True,
              help="map: org chart with our team and contacts; matrix: communication heatmap; timeline: meetings "
                   "per month with departures.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="Picture to write: FILE.png, FILE.svg or FILE.pdf.")
@click.option("--by", type=click.Choice(["department", "buying_role"]), default="department", show_default=True,
              help="timeline: stack the bars by department or buying role.")
@click.option("--dpi", type=click.IntRange(50, 600), default=150, show_default=True, help="PNG resolution.")
@as_of_option
@store_option
@config_option
@json_option
def plot(account: str, kind: str, output: str, by: str, dpi: int, as_of: dt.date | None, as_json: bool) -> None:
    """Draw a picture of ACCOUNT for a review: relationship map, matrix heatmap or timeline."""
    if Path(output).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise CliError(f"{output}: the file name must end in .png, .svg or .pdf", 2)
    from kamgraph.plots import write_plot

    analysis, _ = _analysis(account, as_of)
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
@store_option
@config_option
@json_option
def report(account: str, output: str | None, fmt: str, top_risks: int, as_of: dt.date | None,
           as_json: bool) -> None:
    """Write the one-page account-review report of ACCOUNT (HTML or Markdown).

    Summary scores, relationship map, communication matrix, meetings over
    time, gaps, bridges, fragility, what-if of the top risks and the
    recommended actions, as of one date.
    """
    analysis, _ = _analysis(account, as_of)
    target = output or f"review.{fmt}"
    if fmt == "html":
        from kamgraph.report_html import render_html_report

        page = render_html_report(analysis, top_risks=top_risks)
        with _Writing():
            Path(target).write_text(page, encoding="utf-8")
        _written([target], as_json)
    else:
        from kamgraph.report_md import write_markdown_report

        with _Writing():
            written = write_markdown_report(analysis, target, top_risks=top_risks)
        _written([str(p) for p in written], as_json)


def main(argv: list[str] | None = None) -> None:
    """Console entry point (``kamgraph``)."""
    cli.main(args=argv, prog_name="kamgraph")


if __name__ == "__main__":
    sys.exit(main())
