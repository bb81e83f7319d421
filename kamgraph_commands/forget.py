"""``kamgraph forget``: erase a person, or an account, everywhere in the store (personal-data erasure)."""

from __future__ import annotations

import click

from kamgraph_commands.common import emit, person_id, store_config_json_options
from kamgraph_commands.common import state as _state


@click.command()
@click.argument("people", nargs=-1, metavar="[PERSON]...")
@click.option("--account", "accounts", multiple=True, metavar="ACCOUNT",
              help="Erase this account (id or exact name) and all its stakeholders; may be repeated.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--verify", is_flag=True,
              help="Afterwards, search the whole store (SQLite: the file's bytes) for their names and addresses.")
@store_config_json_options
def forget(people: tuple[str, ...], accounts: tuple[str, ...], yes: bool, verify: bool, as_json: bool) -> None:
    """Erase PERSON (stakeholder or staff; id, e-mail address or name) everywhere, for good.

    Removed: the person, their attendances, meetings no stakeholder attends any
    more, reporting lines, ties, competitor ties, objectives about them,
    provenance and analysis rows, and every alert, check fact and undelivered
    webhook payload that mentions them; their name and e-mail address are taken
    out of meeting subjects and notes that stay. With --account, the account and
    all its stakeholders go the same way (our staff stay). An SQLite file is
    rewritten so that no free page or log keeps the erased data. Asks first,
    unless --yes. Exports made earlier are files of yours: delete them too.
    """
    from kamgraph.monitor.forget import forget as erase
    from kamgraph.monitor.forget import forget_target

    state = _state()
    with state.open_store() as store:
        ids = [person_id(store, p) for p in people]
        target = forget_target(store, ids, accounts)
        if not yes:
            listed = "\n".join(f"  {line}" for line in target.described)
            click.confirm(f"Erase for good, from {store.url}:\n{listed}\n"
                          f"({target.stakeholders} stakeholders, {target.staff} staff). This cannot be undone. "
                          "Go on?", abort=True, err=True)
        result = erase(store, ids, target.accounts, max_lines=state.settings.alerts.webhook.max_text_lines,
                       verify=verify)

    def text() -> str:
        c = result.counts
        return (f"Erased {result.accounts} account{'s' if result.accounts != 1 else ''} and {result.people} "
                f"{'person' if result.people == 1 else 'people'}: {c.stakeholders} stakeholders, {c.staff} staff, "
                f"{c.meetings} meetings, {c.attendances} attendances, {c.reporting_lines} reporting lines, "
                f"{c.relationships} ties, {c.competitor_ties} competitor ties, {c.objectives} objectives, "
                f"{c.provenance} provenance and {c.metrics} analysis rows, {c.alerts} alerts, "
                f"{c.outbox} queued payloads; {c.texts_scrubbed} subjects or notes and {c.checks_scrubbed} "
                "alert checks had them taken out.\nNothing about them is kept. Exports made before are yours to "
                "delete." + ("" if result.remaining is None else
                             "\nVerified: no trace of their names or addresses is left." if not result.remaining else
                             f"\nWARNING: {result.remaining} places still hold a name or address of theirs."))

    emit(result, as_json, text)


COMMANDS = [forget]
