"""Outputs for account reviews: ``kamgraph export`` (graph files), ``kamgraph plot`` (pictures), ``kamgraph report``."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import click

from kamgraph_commands.common import (
    CliError,
    as_of_option,
    emit,
    load_analysis,
    store_config_json_options,
)
from kamgraph_commands.common import state as _state
from kamgraph_commands.portfolio import load_portfolio


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


@click.command("export")
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
    from kamgraph.views.graph_export import export_accounts, write_export, write_portfolio_export

    if bool(account) == all_accounts:
        raise CliError("give one ACCOUNT or --all", 2)
    state = _state()
    with state.open_store() as store:
        if all_accounts and output is not None:  # written as the accounts are analysed: memory stays flat
            with _Writing():
                paths = write_portfolio_export(store, None, as_of, state.settings, fmt, output)
            _written(paths, as_json)
            return
        ids = None if all_accounts else [store.find_account(account).id]
        graph = export_accounts(store, ids, as_of, state.settings)
    with _Writing():
        text, paths = write_export(graph, fmt, output)
    if output is None:
        click.echo(text, nl=False)
    else:
        _written(paths, as_json)


@click.command()
@click.argument("account", required=False)
@click.option("--kind", type=click.Choice(["map", "matrix", "timeline", "trend"]), default="map", show_default=True,
              help="map: org chart with our team and contacts; matrix: communication heatmap; timeline: meetings "
                   "per month with departures; trend: the headline figures over the [trend] periods up to --as-of.")
@click.option("--portfolio", "whole_portfolio", is_flag=True,
              help="Instead of one account: every account's qualification score against its fragility, by tier.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="Picture to write: FILE.png, FILE.svg or FILE.pdf (.svg and .png are drawn without matplotlib).")
@click.option("--by", type=click.Choice(["department", "buying_role"]), default="department", show_default=True,
              help="timeline: stack the bars by department or buying role.")
@click.option("--dpi", type=click.IntRange(50, 600), default=150, show_default=True, help="PNG resolution.")
@click.option("--only", metavar="WHICH", default=None,
              help="map: show only 'key' stakeholders, the 'uncovered' ones, or 'department NAME' (quoted), with "
                   "the staff who meet them.")
@click.option("--slide", is_flag=True, help="map: lay the organisation out for a 16:9 slide.")
@as_of_option
@store_config_json_options
def plot(account: str | None, kind: str, whole_portfolio: bool, output: str, by: str, dpi: int, only: str | None,
         slide: bool, as_of: dt.date, as_json: bool) -> None:
    """Draw a picture of ACCOUNT for a review (relationship map, matrix heatmap or timeline), or with
    --portfolio the portfolio's score-vs-fragility chart."""
    if Path(output).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise CliError(f"{output}: the file name must end in .png, .svg or .pdf", 2)
    if whole_portfolio == bool(account):
        raise CliError("give either ACCOUNT or --portfolio", 2)
    if whole_portfolio:
        from kamgraph.views.plots import figure_bytes, plot_portfolio

        result = load_portfolio(as_of)
        with _state().open_store() as store:
            revenue = {a.id: a.revenue for a in store.all_accounts()}
        axes = plot_portfolio(result, thresholds=_state().settings.portfolio.tiers, revenue=revenue)
        with _Writing():
            Path(output).write_bytes(figure_bytes(axes.figure, Path(output).suffix.lower().lstrip("."), dpi))
        _written([output], as_json)
        return
    from kamgraph.views.plots import write_plot

    if (only or slide) and kind != "map":
        raise CliError("--only and --slide apply to --kind map", 2)
    if only:
        from kamgraph.views.plots.relmap import select_people

        try:
            select_people([], only)
        except ValueError as exc:
            raise CliError(str(exc), 2) from None
    if kind == "trend":
        from kamgraph.analysis.trend import default_start
        from kamgraph.portfolio.trend import load_trend
        from kamgraph.views.plots.trend import write_trend_plot

        settings = _state().settings
        every = settings.trend.every
        with _state().open_store() as store:
            trend = load_trend(store, account or "", default_start(as_of, every, settings.trend.periods), as_of,
                               every, settings)
        with _Writing():
            write_trend_plot(trend, output, dpi=dpi)
        _written([output], as_json)
        return
    analysis, _ = load_analysis(account, as_of)  # type: ignore[arg-type]
    options: dict[str, object] = {"by": by} if kind == "timeline" else {}
    if kind == "map":
        options.update(only=only, aspect=16 / 9 if slide else 1.0)
    with _Writing():
        write_plot(analysis, kind, output, dpi=dpi, **options)
    _written([output], as_json)


def _load_pair(account: str, as_of: dt.date, days: int, *, plan: bool = False):  # type: ignore[no-untyped-def]
    """The account on ``as_of`` (full analysis) and ``days`` earlier (summary only), from one store session;
    with ``plan``, also the account's plan objectives (a third item)."""
    from kamgraph.analysis.pipeline import analyze

    current = _state()
    settings = current.settings
    before = as_of - dt.timedelta(days=days)
    with current.open_store() as store:
        account_id = store.find_account(account).id
        now = store.load_account(account_id, as_of)
        then = store.load_account(account_id, before)
        objectives = store.load_objectives([account_id], include_closed=True) if plan else []
    pair = analyze(now, as_of, settings), analyze(then, before, settings, detail=False)
    return (*pair, objectives) if plan else pair


@click.command()
@click.argument("account")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="File to write (default review.html, .md, .pdf or .pptx). Markdown pictures go beside it.")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "pdf", "pptx"]), default="html",
              show_default=True,
              help="html: one self-contained page (inline SVG and CSS); md: Markdown with PNG pictures beside it; "
                   "pdf: the page printed by headless Chromium (A4 landscape); pptx: a slide deck.")
@click.option("--top-risks", type=click.IntRange(0, 10), default=3, show_default=True,
              help="How many of the most critical people are named as risks and get a what-if.")
@click.option("--compare-days", type=click.IntRange(1, 3650), default=None,
              help="Compare the headline figures with this many days earlier (default: the [report] "
                   "compare_days setting, 91: last quarter).")
@as_of_option
@store_config_json_options
def report(account: str, output: str | None, fmt: str, top_risks: int, compare_days: int | None, as_of: dt.date,
           as_json: bool) -> None:
    """Write the account-review report of ACCOUNT (HTML, Markdown, PDF or slides).

    It leads with the decisions: health, the top risks with their fix and
    owner, and the change of every headline figure since last quarter; then
    the relationship map, communication matrix, trends, gaps, bridges,
    fragility, what-if of the top risks and the recommended actions. Brand it
    with your own Jinja2 templates: the [report] template_dir setting.
    """
    try:
        import jinja2  # noqa: F401
    except ImportError:
        raise CliError("kamgraph report needs Jinja2: pip install 'kamgraph[report]'", 1) from None
    settings = _state().settings.report
    analysis, previous, objectives = _load_pair(account, as_of, compare_days or settings.compare_days, plan=True)
    target = output or f"review.{fmt}"
    if fmt in ("html", "pdf"):
        from kamgraph.views.report.html import render_html_report

        page = render_html_report(analysis, top_risks=top_risks, previous=previous,
                                  template_dir=settings.template_dir, objectives=objectives)
        with _Writing():
            if fmt == "html":
                Path(target).write_text(page, encoding="utf-8")
            else:
                from kamgraph.views.report.pdf import html_to_pdf

                html_to_pdf(page, target)
        _written([target], as_json)
    elif fmt == "pptx":
        from kamgraph.views.report.slides import write_slides

        if importlib.util.find_spec("pptx") is None:
            raise CliError("kamgraph report --format pptx needs python-pptx: pip install 'kamgraph[report]'", 1)

        with _Writing():
            write_slides(analysis, target, top_risks=top_risks, previous=previous, objectives=objectives)
        _written([target], as_json)
    else:
        from kamgraph.views.report.markdown import write_markdown_report

        with _Writing():
            written = write_markdown_report(analysis, target, top_risks=top_risks, previous=previous,
                                            objectives=objectives)
        _written([str(p) for p in written], as_json)


COMMANDS = [export_cmd, plot, report]
