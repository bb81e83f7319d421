"""What every command of the kamgraph command line shares: the state of the group options, the common
options (``--store``, ``--config``, ``--json``, ``--as-of``), the date type, one-line errors and output.

The commands themselves live in ``cli.py`` (the core commands) and in the modules of this package (one module
per family of commands, each listing its click commands in ``COMMANDS``; :func:`kamgraph_commands.register`
adds them to the group). Like ``cli.py``, nothing here talks to a database driver.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kamgraph import KamgraphError
from kamgraph.store.url import DEFAULT_STORE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pydantic import BaseModel

    from kamgraph.domain.models import Staff, Stakeholder
    from kamgraph.settings import Settings
    from kamgraph.store.base import GraphStore

__all__ = ["CliError", "KamgraphGroup", "State", "state", "STORE_HELP", "store_option", "config_option",
           "json_option", "csv_option", "store_config_json_options", "as_of_option", "date_option", "DATE",
           "DateType", "emit", "set_store", "set_config", "set_neo4j", "set_output", "show_text", "load_analysis",
           "xray_section", "person_id", "PERSON_HELP"]

F = TypeVar("F", bound=Callable[..., Any])

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
        #: The settings files read, in order (known once :attr:`settings` was asked for).
        self.settings_files: list[Path] = []
        self.neo4j_user: str | None = None
        self.neo4j_database: str | None = None
        self.no_pager = False

    @property
    def settings(self) -> Settings:
        """The effective settings: defaults < the per-user file < ./kamgraph.toml < --config
        < NEO4J_USERNAME/NEO4J_PASSWORD < KAMGRAPH_* variables (:func:`kamgraph.settings.load_layered`)."""
        if self._settings is None:
            from kamgraph.settings import load_layered
            from kamgraph.views.csv_text import set_neutralising

            self._settings, self.settings_files = load_layered(self.config)
            set_neutralising(self._settings.csv.neutralise_formulas)
        return self._settings

    def open_store(self, *, create: bool = False, url: str | None = None, default: str = DEFAULT_STORE
                   ) -> GraphStore:
        """Open the chosen store (``--store``, else ``$KAMGRAPH_STORE``, else ``default``: ./kamgraph.db)."""
        from kamgraph.store import open_store
        from kamgraph.store.url import is_neo4j_url, resolve_store_url

        target = resolve_store_url(url or self.store_url, default=default)
        if not is_neo4j_url(target):
            return open_store(target, create=create)
        return open_store(target, create=create, **self.neo4j_options(target))

    @contextlib.contextmanager
    def create_store(self, *, url: str | None = None, default: str = DEFAULT_STORE,
                     dry_run: bool = False) -> Iterator[GraphStore]:
        """Open the chosen store, creating it when missing (only demo, import, pull and copy do this).

        A new store is announced on stderr once the block succeeds; when the block fails, a new SQLite
        file and the folders made for it are removed (:func:`kamgraph.store.new_store_guard`), and so they
        are after a ``dry_run``.
        """
        from kamgraph.store import new_store_guard
        from kamgraph.store.url import resolve_store_url

        target = resolve_store_url(url or self.store_url, default=default)
        with new_store_guard(target, keep=not dry_run) as new, self.open_store(create=True, url=target) as store:
            yield store
        if new and not dry_run:
            click.echo(f"Created a new store: {store.url}", err=True)

    def neo4j_options(self, url: str) -> dict[str, Any]:
        """User, database, settings and password for a Neo4j store; asks for the password on a terminal."""
        from kamgraph.store.neo4j_config import bolt_target, resolve_password

        settings = self.settings.neo4j
        options: dict[str, Any] = {"user": self.neo4j_user, "database": self.neo4j_database, "settings": settings,
                                   "timeouts": self.settings.neo4j_timeouts}
        if resolve_password(settings=settings) is None and _interactive():
            where = bolt_target(url, user=self.neo4j_user, database=self.neo4j_database, settings=settings).url
            options["password"] = click.prompt(f"Password for {where}", hide_input=True, err=True)
        return options


def _interactive() -> bool:
    """True when a person can answer a prompt (stdin is a terminal)."""
    return sys.stdin.isatty()


def state() -> State:
    """The group's :class:`State` (made on first use)."""
    ctx = click.get_current_context()
    return ctx.ensure_object(State)


def set_store(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(State).store_url = value


def set_config(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value:
        ctx.ensure_object(State).config = value


def set_neo4j(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        setattr(ctx.ensure_object(State), str(param.name), value)


def set_output(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``--no-color`` / ``--no-pager``: colour is on only on a terminal without ``NO_COLOR``."""
    current = ctx.ensure_object(State)
    if param.name == "no_pager":
        current.no_pager = current.no_pager or value
        return
    from kamgraph.views.formatting import colour_wanted, use_color

    use_color(colour_wanted(no_color_flag=value, is_terminal=sys.stdout.isatty()))


STORE_HELP = ("Store URL: sqlite:///PATH or a file path (default ./kamgraph.db), or bolt://HOST:PORT / "
              "neo4j://HOST. Also read from KAMGRAPH_STORE.")


def store_option(func: F) -> F:
    """Add ``--store URL`` to a command (it overrides the group's ``--store``)."""
    return click.option("--store", metavar="URL", expose_value=False, callback=set_store,
                        help=STORE_HELP)(func)


def config_option(func: F) -> F:
    """Add ``--config FILE`` to a command."""
    return click.option("--config", type=click.Path(path_type=Path, dir_okay=False), expose_value=False,
                        callback=set_config,
                        help="Settings file, read after the per-user file and ./kamgraph.toml.")(func)


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


def store_config_json_options(func: F) -> F:
    """Add ``--store``, ``--config`` and ``--json``: the options almost every command shares."""
    return store_option(config_option(json_option(func)))


def _today_if_missing(_ctx: click.Context, _param: click.Parameter, value: dt.date | None) -> dt.date:
    """The one place a missing date becomes today (``--as-of``, ``--date``)."""
    return dt.date.today() if value is None else value


def date_option(*names: str, help: str) -> Callable[[F], F]:
    """Add a date option whose value is today when it is not given."""
    return click.option(*names, type=DATE, default=None, callback=_today_if_missing, help=help)


def as_of_option(func: F) -> F:
    """Add ``--as-of DATE`` (default today)."""
    return date_option("--as-of", "as_of", help="Describe the account on this date (YYYY-MM-DD; default today). "
                                                "Later meetings are ignored.")(func)


def csv_option(func: F) -> F:
    """Add ``--csv`` (every listing command prints CSV under this one name)."""
    return click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of text.")(func)


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
        show_text(text())


def show_text(text: str) -> None:
    """Print a text view: long lines wrapped to the width when it is known (a terminal, or ``COLUMNS``),
    through a pager when it is long and stdout is a terminal (never in a pipe, and not with ``--no-pager``).

    In a pipe without ``COLUMNS`` lines are left whole (for grep and logs); tables fit 120 columns.
    """
    import os

    from kamgraph.views.formatting import fit_text, terminal_width

    if sys.stdout.isatty() or os.environ.get("COLUMNS", "").strip().isdigit():
        text = fit_text(text, terminal_width())
    if _pager_wanted(text):
        click.echo_via_pager(text + "\n")
    else:
        click.echo(text)


def _pager_wanted(text: str) -> bool:
    import shutil

    ctx = click.get_current_context(silent=True)
    current = ctx.find_object(State) if ctx is not None else None
    if current is not None and current.no_pager:
        return False
    if not (sys.stdout.isatty() and sys.stdin.isatty()):
        return False
    return text.count("\n") + 1 > shutil.get_terminal_size((80, 24)).lines - 1


#: How a command's help names a person argument.
PERSON_HELP = "a stakeholder or one of our staff, by id, e-mail address or name"


def person_id(store: GraphStore, text: str, *, among: Sequence[Stakeholder | Staff] | None = None) -> str:
    """The id of the one person ``text`` names: an id, an e-mail address or a name (see
    :mod:`kamgraph.domain.people`); ambiguity or no match is an input error (exit 2) listing candidates.

    ``among`` limits names to these people (one account's, for ``whatif``); ids and e-mails are always looked up.
    """
    from kamgraph.domain.people import resolve_person

    text = text.strip()
    if among is not None and any(p.id == text for p in among):
        return text
    if store.get_people([text]):
        return text
    if "@" in text:
        found = store.people_by_email([text]).get(text.lower())
        if found is not None:
            return found.id
    people = list(among) if among is not None else [*store.list_stakeholders(), *store.list_staff()]
    return resolve_person(text, people).id


def load_analysis(account: str, as_of: dt.date):  # type: ignore[no-untyped-def]
    """Load and analyse one account (id or exact name) of the chosen store; returns (analysis, snapshot)."""
    from kamgraph.analysis.pipeline import analyze

    current = state()
    day = as_of
    with current.open_store() as store:
        snapshot = store.load_account(store.find_account(account).id, day)
    return analyze(snapshot, day, current.settings), snapshot


def xray_section(analysis, name: str):  # type: ignore[no-untyped-def]
    """A JSON-ready dict with the account, date and one X-ray section."""
    from kamgraph.views.xray import xray_from_analysis

    report = xray_from_analysis(analysis)
    return report, {"account": report.account.model_dump(mode="json"), "as_of": report.as_of.isoformat(),
                    "summary": report.summary.model_dump(mode="json"),
                    name: getattr(report, name).model_dump(mode="json")}
