"""``kamgraph alerts``: every monitoring rule on every account, new alerts recorded and delivered."""

from __future__ import annotations

import datetime as dt

import click

from kamgraph import KamgraphError
from kamgraph_commands.common import (
    DATE,
    CliError,
    as_of_option,
    emit,
    store_config_json_options,
)
from kamgraph_commands.common import state as _state


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


COMMANDS = [alerts]
