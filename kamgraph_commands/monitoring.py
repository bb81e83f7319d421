"""What changes: ``kamgraph leave``, ``kamgraph return``, ``kamgraph sync`` and ``kamgraph alerts``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kamgraph import KamgraphError
from kamgraph_commands.common import (
    DATE,
    CliError,
    as_of_option,
    date_option,
    emit,
    json_option,
    store_config_json_options,
    store_option,
)
from kamgraph_commands.common import state as _state


@click.command()
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


@click.command("return")
@click.argument("person")
@store_option
@json_option
def return_cmd(person: str, as_json: bool) -> None:
    """Undo a departure of PERSON recorded by mistake: they are active again."""
    from kamgraph.monitor.departure import record_return

    with _state().open_store() as store:
        back = record_return(store, person)
    emit(back, as_json, lambda: f"{back.name} ({back.id}) is active again: the departure is undone")


@click.command()
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


@click.command()
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


COMMANDS = [leave, return_cmd, sync, alerts]
