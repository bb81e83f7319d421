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
              help="POST the new alerts to this http(s) URL; also read from KAMGRAPH_WEBHOOK_URL, which keeps it "
                   "out of process lists. Never shown in full.")
@click.option("--webhook-format", type=click.Choice(["json", "teams", "slack"]), default=None,
              help="json: kamgraph's payload (Slack-compatible text); teams: an Adaptive Card for a Teams "
                   "workflow webhook; slack: a Block Kit message. Default: the [delivery] webhook_format setting.")
@click.option("--email", "send_email", is_flag=True,
              help="Also e-mail each account manager a digest of their accounts' new alerts ([email] settings; "
                   "the SMTP password from $KAMGRAPH_SMTP_PASSWORD).")
@click.option("--executor", metavar="URL", default=None,
              help="Where each account's check runs: local (worker processes, the default), serial, or "
                   "dask://HOST:PORT (a Dask cluster; the kamgraph[dask] extra). Also [executor] url, "
                   "KAMGRAPH_EXECUTOR__URL.")
@store_config_json_options
def alerts(accounts: tuple[str, ...], since: dt.date | None, as_of: dt.date, webhook: str | None,
           webhook_format: str | None, send_email: bool, executor: str | None, as_json: bool) -> None:
    """Evaluate every monitoring rule on every account and print the new alerts.

    New alerts are recorded in the store, so the next run does not repeat an
    alert whose situation has not changed (and raises it again if it clears
    and comes back). Rules and thresholds: the [alerts] settings.

    \b
    Exit status (for cron):
      0  no new alerts
      1  new alerts
      2  an error: bad input, store or settings problem, or a webhook
         or e-mail delivery that failed (the alerts are recorded all the
         same; a webhook payload is kept for the next run)
    """
    import functools
    import traceback

    from kamgraph.monitor.alerts import run_alerts
    from kamgraph.monitor.webhook import check_webhook_url, deliver, redact_url
    from kamgraph.portfolio.plans import evaluate_objectives
    from kamgraph.store.executor import executor_for
    from kamgraph.views.alerts_text import render_alert_run

    state = _state()
    shown = None
    settings = state.settings
    fmt = webhook_format or settings.delivery.webhook_format
    sender = functools.partial(deliver, fmt=fmt, link_template=settings.delivery.link_template)
    mailed: list[dict[str, object]] = []
    mail_error = None
    if send_email and (not settings.email.host or not settings.email.sender):
        raise CliError("--email needs the [email] host and sender settings", 2)
    try:
        url = check_webhook_url(webhook) if webhook else None
        shown = redact_url(url) if url else None
        runner = executor_for(executor, settings.executor)
        with state.open_store() as store:
            run = run_alerts(store, as_of, settings, accounts=accounts or None,
                             since=since, webhook_url=url, sender=sender, executor=runner,
                             evaluate_plans=evaluate_objectives)
            if send_email:  # also sends digests still waiting from an earlier run
                mailed, mail_error = _email_digests(store, run, settings)
    except KamgraphError as exc:  # cron reads 0/1 as "no new / new alerts": every error is 2 (see the help)
        raise CliError(str(exc), 2) from None
    except Exception as exc:  # anything unexpected must not read as "new alerts" (exit 1) to cron
        traceback.print_exc()
        raise CliError(f"internal error ({type(exc).__name__}); nothing may have been recorded", 2) from None
    emit({**run.model_dump(mode="json"), "webhook": shown, "webhook_format": fmt if shown else None,
          "emailed": mailed}, as_json, lambda: render_alert_run(run, shown))
    ctx = click.get_current_context()
    if mailed and not as_json:
        for m in mailed:
            what = f"{m['alerts']} alerts" if m["alerts"] is not None else "a digest waiting from an earlier run"
            click.echo(f"E-mailed {what} to {m['to']}", err=True)
    if mail_error:
        click.echo(f"Error: {mail_error}; the alerts are recorded", err=True)
        ctx.exit(2)
    if run.delivery_failed:
        failed = sum(d.alerts for d in run.deliveries if not d.delivered)
        click.echo(f"Error: webhook delivery to {shown} failed; {failed} alerts are recorded and kept for the "
                   "next run", err=True)
        ctx.exit(2)
    ctx.exit(1 if run.new else 0)


def _email_digests(store, run, settings):  # type: ignore[no-untyped-def]
    """Queue each account manager's digest of their accounts' new alerts in the outbox, then send every
    digest waiting there (this run's and earlier ones a server refused); returns (what was sent, error)."""
    from email.utils import parseaddr

    from kamgraph.monitor.delivery.email import digest_message, digests, queue_and_send_digests

    groups = digests(run.new, store.list_staff(), settings.email.roles, as_of=run.as_of) if run.new else []
    names = {a.id: a.name for a in store.list_accounts()} if groups else {}
    messages = [digest_message(d, run.as_of, settings.email.sender or "", account_names=names,
                               link_template=settings.delivery.link_template) for d in groups]
    result = queue_and_send_digests(store, messages, settings.email, run.as_of)
    counts = {d.manager.email: (d.manager.name, len(d.alerts)) for d in groups}
    mailed = []
    for to in result.sent:  # the To header: "Name <address>"
        address = parseaddr(to)[1]
        name, n = counts.pop(address, (None, None))
        mailed.append({"to": address, "name": name, "alerts": n})
    error = f"{result.error} ({result.waiting} digests kept for the next run)" if result.error else None
    return mailed, error


COMMANDS = [alerts]
