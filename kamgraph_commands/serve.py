"""``kamgraph serve``: the account team's web app over the chosen store (uvicorn running kamgraph.web)."""

from __future__ import annotations

import click

from kamgraph_commands.common import CliError, config_option, store_option
from kamgraph_commands.common import state as _state


def users_path():  # type: ignore[no-untyped-def]
    """The users file of the chosen store and settings ([web] users_file, else beside the store)."""
    from kamgraph.store.url import resolve_store_url
    from kamgraph.web.users import default_users_path

    current = _state()
    return default_users_path(resolve_store_url(current.store_url), current.settings.web.users_file)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 behind a reverse proxy that adds TLS).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False), default=None,
              help="TLS certificate (PEM): serve https directly; session cookies are then Secure.")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False), default=None, help="TLS private key (PEM).")
@click.option("--demo", is_flag=True,
              help="Serve the demo store (./kamgraph-demo.db, built when missing); when it has no users yet, make "
                   "'admin' and 'priya' (account manager linked to Priya Raman) with new random passwords shown once.")
@store_option
@config_option
def serve(host: str, port: int, certfile: str | None, keyfile: str | None, demo: bool) -> None:
    """Serve the web app: portfolio, accounts with their relationship map, people, alerts, search.

    Users sign in with the accounts made by 'kamgraph user add'; an account
    manager sees only the accounts of the staff member they are linked to.
    Stop it with Ctrl+C.
    """
    try:
        import uvicorn

        from kamgraph.web.app import create_app
    except ImportError as exc:  # the optional extra is missing
        raise CliError(f"the web app needs the 'web' extra: pip install 'kamgraph[web]' ({exc.name} is missing)",
                       2) from None
    current = _state()
    if demo:
        _demo_store(current)
    path = users_path()
    from kamgraph.web.users import UserFile

    if demo and not UserFile(path).list():
        _demo_users(UserFile(path))
    if not UserFile(path).list():
        raise CliError(f"no users yet in {path}; add one first: kamgraph user add NAME --role admin", 2)
    with current.open_store() as store:  # fail now, with a one-line error, if the store cannot be opened
        url = store.url
    options = current.neo4j_options(url) if url.startswith(("bolt", "neo4j")) else {}

    def open_store():  # type: ignore[no-untyped-def]
        from kamgraph.store import open_store as _open

        return _open(url, **options)

    app = create_app(open_store, current.settings, users_path=path, warm=True)
    scheme = "https" if certfile else "http"
    click.echo(f"kamgraph web app on {scheme}://{host}:{port}/ over {url} (users: {path}); Ctrl+C stops it",
               err=True)
    uvicorn.run(app, host=host, port=port, ssl_certfile=certfile, ssl_keyfile=keyfile, log_level="warning",
                proxy_headers=False)


def _demo_store(current) -> None:  # type: ignore[no-untyped-def]
    """Point the command at ./kamgraph-demo.db, building the demo there when the store is empty or missing."""
    import datetime as dt
    from pathlib import Path

    from kamgraph.samples.demo import build_demo

    if current.store_url is None:
        current.store_url = str(Path("kamgraph-demo.db").resolve())
    with current.open_store(create=True) as store:
        if store.is_empty():
            store.import_batch(build_demo(dt.date.today()))
            click.echo(f"demo portfolio written to {store.url}", err=True)


def _demo_users(files) -> None:  # type: ignore[no-untyped-def]
    """Two demo users with random passwords, shown once on stderr (never in argv or a log)."""
    import secrets

    for name, role, staff in (("admin", "admin", None), ("priya", "account_manager", "st-priya")):
        password = secrets.token_urlsafe(9)
        files.add(name, role, password, staff=staff)
        click.echo(f"demo user {name} ({role}) password: {password}", err=True)


COMMANDS = [serve]
