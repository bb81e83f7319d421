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
        self.neo4j_user: str | None = None
        self.neo4j_database: str | None = None

    @property
    def settings(self) -> Settings:
        """The effective settings (defaults < kamgraph.toml or --config < KAMGRAPH_* variables)."""
        if self._settings is None:
            from kamgraph.settings import CONFIG_FILE, load_settings

            self._settings = load_settings(self.config or CONFIG_FILE, required=self.config is not None)
        return self._settings

    def open_store(self, *, create: bool = False, url: str | None = None) -> GraphStore:
        """Open the chosen store (``--store``, else ``$KAMGRAPH_STORE``, else ./kamgraph.db)."""
        from kamgraph.store import open_store, resolve_store_url
        from kamgraph.store.bolt_config import is_bolt_url

        target = resolve_store_url(url or self.store_url)
        if not is_bolt_url(target):
            return open_store(target, create=create)
        return open_store(target, create=create, **self.neo4j_options(target))

    def neo4j_options(self, url: str) -> dict[str, Any]:
        """User, database, settings and password for a Neo4j store; asks for the password on a terminal."""
        from kamgraph.store.bolt_config import bolt_target, resolve_password

        settings = self.settings.neo4j
        options: dict[str, Any] = {"user": self.neo4j_user, "database": self.neo4j_database, "settings": settings}
        if resolve_password(settings=settings) is None and _interactive():
            where = bolt_target(url, user=self.neo4j_user, database=self.neo4j_database, settings=settings).url
            options["password"] = click.prompt(f"Password for {where}", hide_input=True, err=True)
        return options


def _interactive() -> bool:
    """True when a person can answer a prompt (stdin is a terminal)."""
    return sys.stdin.isatty()


def _state() -> State:
    ctx = click.get_current_context()
    return ctx.ensure_object(State)


def _set_store(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(State).store_url = value


def _set_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value:
        ctx.ensure_object(State).config = value


def _set_neo4j(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        setattr(ctx.ensure_object(State), str(param.name), value)


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
@click.option("--neo4j-user", "neo4j_user", metavar="USER", expose_value=False, callback=_set_neo4j,
              is_eager=True, help="User for bolt:// and neo4j:// stores (default $KAMGRAPH_NEO4J_USER, else neo4j). "
                                  "The password comes from $KAMGRAPH_NEO4J_PASSWORD, kamgraph.toml or a prompt.")
@click.option("--neo4j-database", "neo4j_database", metavar="NAME", expose_value=False, callback=_set_neo4j,
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


# --------------------------------------------------------------------------- copy
@cli.command("copy")
@click.option("--from", "source", metavar="URL", default=None,
              help="The store to copy (default: --store, $KAMGRAPH_STORE, ./kamgraph.db).")
@click.option("--to", "target", metavar="URL", required=True,
              help="The store to copy into: sqlite:///PATH or a file path, bolt://HOST:PORT[/DATABASE], neo4j://...")
@click.option("--replace", is_flag=True, help="Empty the target first, so that it ends up an exact mirror.")
@click.option("--chunk", type=click.IntRange(min=1), default=5000, show_default=True,
              help="Meetings per transaction.")
@store_option
@config_option
@json_option
def copy_cmd(source: str | None, target: str, replace: bool, chunk: int, as_json: bool) -> None:
    """Copy a whole store into another one (SQLite to Neo4j and back).

    Records are matched by id, so copying again changes nothing, and a copy
    that stopped half-way is completed by running it again. Afterwards the
    X-ray of any account is the same on both stores.
    """
    from kamgraph.dataset import KINDS
    from kamgraph.transfer import copy_store

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


def main(argv: list[str] | None = None) -> None:
    """Console entry point (``kamgraph``)."""
    cli.main(args=argv, prog_name="kamgraph")


if __name__ == "__main__":
    sys.exit(main())
