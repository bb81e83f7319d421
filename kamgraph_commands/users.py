"""``kamgraph user``: the web app's users (add, list, remove, passwd); passwords are prompted, never arguments."""

from __future__ import annotations

import click

from kamgraph_commands.common import config_option, emit, json_option, store_option
from kamgraph_commands.serve import users_path


def _password(confirm: bool = True) -> str:
    return click.prompt("Password", hide_input=True, confirmation_prompt=confirm, err=True)


@click.group("user")
def user() -> None:
    """Manage who may sign in to the web app ('kamgraph serve') and what they see.

    \b
    Roles: admin (every account, manages users), director (reads every account),
    account_manager (only the accounts of the staff member given with --staff).
    Users are kept in [web] users_file (default: kamgraph-users.json beside the store).
    """


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "director", "account_manager"]), required=True,
              help="What the user may see.")
@click.option("--staff", metavar="STAFF_ID", default=None,
              help="The staff record an account manager is linked to (their accounts are the ones they see).")
@store_option
@config_option
@json_option
def user_add(name: str, role: str, staff: str | None, as_json: bool) -> None:
    """Add user NAME; the password is asked for twice (never give it on the command line)."""
    from kamgraph.web.users import UserFile

    if staff:
        from kamgraph.domain.models import Staff
        from kamgraph_commands.common import CliError, state

        with state().open_store() as store:
            try:
                member = store.get_person(staff)
            except Exception:
                member = None
        if not isinstance(member, Staff):
            raise CliError(f"--staff: {staff!r} is not one of our staff in the store", 2)
    files = UserFile(users_path())
    from kamgraph import KamgraphError
    from kamgraph_commands.common import CliError

    try:
        added = files.add(name, role, _password(), staff=staff)
    except KamgraphError as exc:
        raise CliError(str(exc), 2) from None
    emit(added.public(), as_json, lambda: f"added {added.name} ({added.role}) to {files.path}")


@user.command("list")
@store_option
@config_option
@json_option
def user_list(as_json: bool) -> None:
    """List the users with their roles and linked staff (never their password hashes)."""
    from kamgraph.web.users import UserFile

    users = UserFile(users_path()).list()
    emit([u.public() for u in users], as_json,
         lambda: "\n".join(f"{u.name:<24} {u.role:<16} {u.staff or ''}" for u in users) or "no users")


@user.command("remove")
@click.argument("name")
@store_option
@config_option
def user_remove(name: str) -> None:
    """Remove user NAME (their sessions end at once)."""
    from kamgraph.web.users import UserFile

    UserFile(users_path()).remove(name)
    click.echo(f"removed {name}")


@user.command("passwd")
@click.argument("name")
@store_option
@config_option
def user_passwd(name: str) -> None:
    """Set a new password for NAME (asked for twice); their other sessions end."""
    from kamgraph import KamgraphError
    from kamgraph.web.users import UserFile
    from kamgraph_commands.common import CliError

    try:
        UserFile(users_path()).set_password(name, _password())
    except KamgraphError as exc:
        raise CliError(str(exc), exc.exit_code if exc.exit_code != 1 else 2) from None
    click.echo(f"password of {name} changed")


COMMANDS = [user]
