"""``kamgraph connect SOURCE`` and ``kamgraph pull``: connected calendars, pulled on a schedule."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from kamgraph_commands.common import DATE, emit, store_config_json_options
from kamgraph_commands.common import state as _state

_SOURCES = ("m365", "google", "salesforce", "hubspot")


@click.command()
@click.argument("source", type=click.Choice(_SOURCES))
@click.option("--calendar", "calendars", multiple=True, metavar="ADDRESS",
              help="m365, google: a staff mailbox or calendar to pull (repeat for each).")
@click.option("--tenant", help="m365: the Entra ID tenant (id or domain).")
@click.option("--client-id", help="m365: the application (client) id; salesforce: the connected app's consumer key; "
                                  "hubspot: an OAuth app's client id (else a private app's access token is used).")
@click.option("--login-url", help="salesforce: the org's My Domain URL (default https://login.salesforce.com).")
@click.option("--device-code", is_flag=True,
              help="m365: sign in as a person with a device code (else app-only with a client secret).")
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="google: the service account's JSON key, kept in the OS keyring (the file can go afterwards).")
@click.option("--oauth-client", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="google: sign in as a person (installed-app OAuth) with this OAuth client's JSON file; a browser "
                   "opens Google's consent page; client secret and refresh token go to the OS keyring.")
@click.option("--base-url", help="The service's API root (default: the vendor's public one).")
@click.option("--authority", help="m365: the sign-in authority (default https://login.microsoftonline.com/TENANT).")
@store_config_json_options
def connect(source: str, calendars: tuple[str, ...], tenant: str | None, client_id: str | None,
            login_url: str | None, device_code: bool, key_file: Path | None, oauth_client: Path | None,
            base_url: str | None, authority: str | None, as_json: bool) -> None:
    """Store the connection to SOURCE (m365, google, salesforce or hubspot) for 'kamgraph pull'.

    The connection (tenant, client id, calendars, API roots) goes to the pull
    state file; secrets never do, and are never taken from the command line:
    the m365 client secret is asked for (hidden) and kept in the OS keyring,
    or read at pull time from KAMGRAPH_M365_CLIENT_SECRET; the google service
    account key is read from --key-file into the keyring, or from
    KAMGRAPH_GOOGLE_SERVICE_ACCOUNT (the key's JSON) -- or, with
    --oauth-client, a person signs in in the browser and the client secret and
    refresh token are kept in the keyring (or KAMGRAPH_GOOGLE_CLIENT_SECRET and
    KAMGRAPH_GOOGLE_REFRESH_TOKEN); m365 --device-code keeps msal's token cache
    in the keyring; the salesforce client
    secret like the m365 one (KAMGRAPH_SALESFORCE_CLIENT_SECRET); hubspot: a
    private app's token (KAMGRAPH_HUBSPOT_ACCESS_TOKEN), or with --client-id an
    OAuth app's KAMGRAPH_HUBSPOT_CLIENT_SECRET and KAMGRAPH_HUBSPOT_REFRESH_TOKEN.
    """
    from kamgraph.errors import ConfigError
    from kamgraph.ingest.connectors.base import Connection
    from kamgraph.ingest.connectors.secrets import get_secret, keyring_usable, secret_variable, set_secret
    from kamgraph.monitor.pull import PullState, state_path

    settings = _state().settings
    options: dict[str, object] = {"calendars": sorted({c.strip().lower() for c in calendars if c.strip()})}
    if base_url:
        options["base_url"] = base_url
    secret_name = "service_account"  # noqa: S105 (the name of a secret, not one)
    if source in ("m365", "google") and not options["calendars"]:
        raise ConfigError(f"{source}: give the calendars to pull (--calendar ADDRESS, repeated)")
    if source == "salesforce":
        if not client_id:
            raise ConfigError("salesforce: --client-id is required")
        options.update(client_id=client_id, login_url=login_url or "https://login.salesforce.com")
        secret_name = "client_secret"  # noqa: S105
    if source == "hubspot":
        if client_id:
            options["client_id"] = client_id
        secret_name = "refresh_token" if client_id else "access_token"
    if source == "m365":
        if not client_id or not (tenant or authority):
            raise ConfigError("m365: --tenant and --client-id are required")
        options.update(tenant=tenant, client_id=client_id, flow="device" if device_code else "app")
        if authority:
            options["authority"] = authority
        secret_name = "token_cache" if device_code else "client_secret"
    stored = "environment"
    if source == "m365" and device_code:
        from kamgraph.ingest.connectors.m365 import device_sign_in

        device_sign_in(options, settings, lambda text: click.echo(text, err=True))
        stored = "keyring"
    elif source == "google" and oauth_client is not None:
        import json

        from kamgraph.ingest.connectors.google import installed_sign_in

        if not keyring_usable():
            raise ConfigError("google: --oauth-client keeps the refresh token in the OS keyring, and there is none "
                              "here; set KAMGRAPH_GOOGLE_CLIENT_SECRET and KAMGRAPH_GOOGLE_REFRESH_TOKEN instead")
        try:
            client = json.loads(oauth_client.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            raise ConfigError(f"{oauth_client}: not a readable OAuth client JSON file") from None
        options.update(installed_sign_in(client, settings, lambda text: click.echo(text, err=True)))
        stored = "keyring"
    elif source == "google" and key_file is not None:
        set_secret(source, secret_name, key_file.read_text(encoding="utf-8"))
        stored = "keyring"
    elif get_secret(source, secret_name, required=False) is None:
        if keyring_usable() and sys.stdin.isatty():
            set_secret(source, secret_name, click.prompt(f"{source} {secret_name.replace('_', ' ')}",
                                                         hide_input=True, err=True))
            stored = "keyring"
        else:
            stored = f"not found: set {secret_variable(source, secret_name)} for the pull"
    state = PullState(state_path(settings))
    state.connect(Connection(source, options))
    state.save()
    result = {"source": source, "calendars": options["calendars"], "state_file": str(state.path),
              "secret": stored}
    emit(result, as_json, lambda: f"Connected {source}: {len(options['calendars']) or 'all'} "  # type: ignore[arg-type]
                                  f"{'calendar(s)' if options['calendars'] else 'objects'}; "
                                  f"state in {state.path}; secret: {stored}")


class _PullBar:
    """The pull's progress on stderr (a terminal only): one bar per calendar or CRM object, with its pages and
    records so far. A service does not say how many pages are to come, so a bar pulses until its calendar or
    object is done, then shows full."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                            TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=False)
        self.tasks: dict[tuple[str, str], object] = {}
        self.bar.start()

    def step(self, done: object) -> None:
        key = (getattr(done, "source", ""), getattr(done, "calendar", ""))
        pages, records = getattr(done, "pages", 0), getattr(done, "events", 0)
        if key not in self.tasks:
            self._finish()
            self.tasks[key] = self.bar.add_task(f"{key[0]} {key[1]}", total=None, detail="")
        self.bar.update(self.tasks[key], completed=pages,  # type: ignore[arg-type]
                        detail=f"{pages} page(s), {records} record(s)")

    def _finish(self) -> None:
        for task in self.tasks.values():
            done = {t.id: t for t in self.bar.tasks}[task].completed  # type: ignore[index]
            self.bar.update(task, total=max(done, 1), completed=max(done, 1))  # type: ignore[arg-type]

    def close(self) -> None:
        self._finish()
        self.bar.stop()


@click.command()
@click.argument("sources", nargs=-1, type=click.Choice(_SOURCES))
@click.option("--since", type=DATE, default=None,
              help="Pull everything from this day again (a full pull) instead of the changes since the last one.")
@click.option("--dry-run", is_flag=True, help="Fetch and check, write nothing, keep the cursors where they are.")
@store_config_json_options
def pull(sources: tuple[str, ...], since: dt.date | None, dry_run: bool, as_json: bool) -> None:
    """Fetch what changed in the connected calendars (default: every source) and write it.

    Each page is written in one transaction and only then recorded as done:
    a pull that is interrupted and run again ends as one uninterrupted pull.
    Every record keeps where it came from; events deleted or cancelled at the
    source are removed (unless another calendar or source still shows them).
    A progress bar is shown on stderr when it is a terminal (not with --json).
    Throttling (429, Retry-After) is waited out, an expired token is renewed
    once. Run 'kamgraph pull && kamgraph alerts' from cron or a systemd timer
    (see the docs, "Connectors").
    """
    from kamgraph.monitor.pull import pull as run_pull

    current = _state()
    bar = _PullBar() if not as_json and sys.stderr.isatty() else None
    with current.create_store(dry_run=dry_run) as store:  # a first pull may start the store (and says so)
        try:
            summary = run_pull(store, current.settings, sources, since=since, dry_run=dry_run,
                               progress=bar.step if bar else None)
        finally:
            if bar is not None:
                bar.close()

    def text() -> str:
        lines = []
        for c in summary.calendars:
            how = "resumed" if c.resumed else "changes" if c.incremental else "full"
            skipped = ", ".join(f"{k}: {v}" for k, v in c.skipped.items())
            gone = (f", {c.meetings_deleted} deleted at the source" if c.meetings_deleted else "") + (
                f", {c.departures} departure(s)" if c.departures else "")
            lines.append(f"{c.source} {c.calendar} ({how}): {c.pages} page(s), {c.events} event(s), "
                         f"{c.meetings_created} meeting(s) new, {c.meetings_updated} updated{gone}, "
                         f"{c.people_created} new people" + (f"; skipped {skipped}" if skipped else ""))
        return "\n".join(lines) + ("\n(dry run: nothing written)" if summary.dry_run else "")

    emit(summary, as_json, text)


COMMANDS = [connect, pull]
