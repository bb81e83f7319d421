"""``kamgraph plan``: relationship objectives per account (add, list, done, drop, adopt an X-ray action)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from kamgraph_commands.common import (
    DATE,
    CliError,
    as_of_option,
    csv_option,
    date_option,
    emit,
    store_config_json_options,
)
from kamgraph_commands.common import state as _state

if TYPE_CHECKING:
    from kamgraph.domain.models import Account
    from kamgraph.domain.plans import Objective
    from kamgraph.store.base import GraphStore

#: ``--goal`` values (hyphens or underscores) and the options each takes.
GOALS = ("cover-person", "cover-role", "connectivity", "cadence", "concentration", "stage")
_OPTIONS = {"cover_person": {"person", "threads"}, "cover_role": {"role", "holders"},
            "connectivity": {"person", "at_least"}, "cadence": {"person", "every"},
            "concentration": {"under"}, "stage": {"stage"}}
_FLAGS = {"person": "--person", "threads": "--threads", "role": "--role", "holders": "--holders",
          "at_least": "--at-least", "every": "--every", "under": "--under", "stage": "--stage"}


@click.group()
def plan() -> None:
    """Account plans: relationship objectives with an owner and a due date, evaluated against the graph.

    Each open objective is met, on track, at risk (not met and due within [plans] at_risk_days) or missed
    (not met after its due date); 'kamgraph alerts' raises objective_missed for a missed one.
    """


def _owner(store: GraphStore, text: str) -> str:
    from kamgraph.domain.models import Staff
    from kamgraph_commands.common import person_id

    pid = person_id(store, text, among=store.list_staff())
    person = store.get_person(pid)
    if not isinstance(person, Staff):
        raise CliError(f"--owner: {text!r} is a client stakeholder, not one of our staff", 2)
    if person.left_on is not None:
        raise CliError(f"--owner: {person.name} left on {person.left_on}", 2)
    return pid


def _stakeholder(store: GraphStore, account: Account, text: str) -> str:
    from kamgraph.errors import InputError
    from kamgraph_commands.common import person_id

    people = store.load_account(account.id).stakeholders
    try:
        pid = person_id(store, text, among=people)
    except InputError as exc:
        if "could mean" in str(exc):
            raise
        pid = ""
    if pid not in {p.id for p in people}:
        raise CliError(f"--person: {text!r} is not a stakeholder of {account.name} "
                       f"(see 'kamgraph people {account.id}')", 2)
    return pid


def _next_id(store: GraphStore, account: str) -> str:
    from kamgraph.portfolio.plans import next_objective_id

    return next_objective_id(account, [o.id for o in store.load_objectives([account], include_closed=True)])


def _names(store: GraphStore, objective: Objective) -> tuple[str | None, str | None]:
    """Display names of the objective's stakeholder (person kinds) and owner."""
    from kamgraph.domain.plans import PERSON_KINDS

    wanted = [p for p in (objective.subject if objective.kind in PERSON_KINDS else None, objective.owner) if p]
    people = store.get_people(wanted)
    subject = people[objective.subject].name if objective.subject in people else None
    owner = people[objective.owner].name if objective.owner in people else objective.owner
    return subject, owner


def _save_new(store: GraphStore, objective: Objective) -> Objective:
    """Store a new objective under the account's next free id; another ``plan add`` taking that id first
    (a race) makes this one take the next (a few tries, then the conflict is the error)."""
    from kamgraph.errors import ConflictError

    for attempt in range(3):
        try:
            store.save_objective(objective)
            return objective
        except ConflictError:
            if attempt == 2:
                raise
            objective = objective.model_copy(update={"id": _next_id(store, objective.account)})
    raise AssertionError("unreachable")


def _echo_saved(store: GraphStore, objective: Objective, as_json: bool, verb: str) -> None:
    subject, owner = _names(store, objective)
    emit(objective, as_json, lambda: f"{verb} objective {objective.id} ({objective.account}): "
                                     f"{objective.describe(subject)}, owner {owner or '-'}, due {objective.due}")


@plan.command("add")
@click.argument("account")
@click.option("--goal", required=True, type=click.Choice([*GOALS, *(g.replace("-", "_") for g in GOALS)]),
              help="What the objective asks for.")
@click.option("--person", help="cover-person, connectivity, cadence: the stakeholder (id, e-mail or name).")
@click.option("--threads", type=click.IntRange(min=1), help="cover-person: threads needed (default 1).")
@click.option("--role", help="cover-role: the buying role (e.g. economic_buyer).")
@click.option("--holders", type=click.IntRange(min=1), help="cover-role: covered holders needed (default 1).")
@click.option("--at-least", "at_least", type=click.IntRange(min=1),
              help="connectivity: node connectivity from our team needed (default 2).")
@click.option("--every", type=click.IntRange(min=1), help="cadence: met within the last DAYS days.")
@click.option("--under", type=click.FloatRange(min=0, max=100, min_open=True),
              help="concentration: the top staff member's share of tie strength under PERCENT.")
@click.option("--stage", help="stage: exploratory, basic, cooperative, interdependent or integrated (or higher).")
@click.option("--owner", required=True, help="One of our staff who owns it (id, e-mail or name).")
@click.option("--due", required=True, type=DATE, help="Due date (YYYY-MM-DD).")
@click.option("--note", help="Free text.")
@date_option("--on", "on", help="The day the objective is added (default today); --due may not be before it.")
@store_config_json_options
def plan_add(account: str, goal: str, person: str | None, threads: int | None, role: str | None,
             holders: int | None, at_least: int | None, every: int | None, under: float | None, stage: str | None,
             owner: str, due: dt.date, note: str | None, on: dt.date, as_json: bool) -> None:
    """Add an objective to ACCOUNT's plan.

    \b
    Goals and their options:
      cover-person   --person P [--threads N]   P has at least N threads (default 1)
      cover-role     --role R [--holders N]     N holders of buying role R are covered (default 1)
      connectivity   --person P [--at-least N]  P's connectivity from our team is at least N (default 2)
      cadence        --person P --every DAYS    P was met within the last DAYS days
      concentration  --under PERCENT            the top staff member holds under PERCENT of tie strength
      stage          --stage S                  the relationship stage is S or higher
    """
    from kamgraph.domain.models import BuyingRole
    from kamgraph.domain.plans import Objective
    from kamgraph.portfolio.plans import check_stage

    kind = goal.replace("-", "_")
    given = {name: value for name, value in (("person", person), ("threads", threads), ("role", role),
                                             ("holders", holders), ("at_least", at_least), ("every", every),
                                             ("under", under), ("stage", stage)) if value is not None}
    wrong = sorted(set(given) - _OPTIONS[kind])
    if wrong:
        raise CliError(f"{_FLAGS[wrong[0]]} does not apply to --goal {goal}", 2)
    needed = {"cover_person": "person", "connectivity": "person", "cadence": "every", "cover_role": "role",
              "concentration": "under", "stage": "stage"}[kind]
    if needed not in given or (kind == "cadence" and "person" not in given):
        missing = needed if needed not in given else "person"
        raise CliError(f"--goal {goal} needs {_FLAGS[missing]}", 2)
    if due < on:
        raise CliError(f"--due {due} is before the day it is added ({on})", 2)
    state = _state()
    with state.open_store() as store:
        found = store.find_account(account)
        subject: str | None = None
        target: float | None = None
        if kind in ("cover_person", "connectivity", "cadence"):
            subject = _stakeholder(store, found, person or "")
            target = {"cover_person": threads, "connectivity": at_least, "cadence": every}[kind]
        elif kind == "cover_role":
            try:
                subject = BuyingRole(role).value
            except ValueError:
                raise CliError(f"--role: unknown buying role {role!r} (one of: "
                               f"{', '.join(r.value for r in BuyingRole)})", 2) from None
            target = holders
        elif kind == "concentration":
            target = (under or 0) / 100
        else:
            subject = check_stage(stage or "")
        objective = Objective(id=_next_id(store, found.id), account=found.id, kind=kind, subject=subject,
                              target=target, owner=_owner(store, owner), due=due, created_on=on, note=note,
                              origin="plan add")
        objective = _save_new(store, objective)
        _echo_saved(store, objective, as_json, "Added")


@plan.command("list")
@click.argument("account", required=False)
@click.option("--all", "include_closed", is_flag=True, help="Also objectives marked done or dropped.")
@as_of_option
@csv_option
@store_config_json_options
def plan_list(account: str | None, include_closed: bool, as_of: dt.date, as_csv: bool, as_json: bool) -> None:
    """The objectives of ACCOUNT (default: every account), each evaluated on --as-of: met, on track,
    at risk or missed, with the evidence."""
    from kamgraph.portfolio.plans import portfolio_plans
    from kamgraph.views.plans_text import plan_json, plan_summary, plans_csv, render_objectives

    state = _state()
    with state.open_store() as store:
        plans = portfolio_plans(store, as_of, state.settings, [account] if account else None,
                                include_closed=include_closed)
    statuses = [s for p in plans for s in p.objectives]
    if as_csv:
        click.echo(plans_csv(statuses), nl=False)
        return

    def text() -> str:
        head = f"ACCOUNT PLANS on {as_of}: {plan_summary(statuses)}"
        return head if not statuses else head + "\n" + render_objectives(statuses, with_account=account is None)

    emit({"as_of": as_of.isoformat(), "objectives": plan_json(statuses)}, as_json, text)


def _close(objective_id: str, state_name: str, on: dt.date, note: str | None, as_json: bool) -> None:
    state = _state()
    with state.open_store() as store:
        objective = store.set_objective_state(objective_id, state_name, on, note=note)
        subject, _ = _names(store, objective)
    emit(objective, as_json, lambda: f"Objective {objective.id} ({objective.account}: {objective.describe(subject)}) "
                                     f"marked {state_name} on {on}")


@plan.command("done")
@click.argument("objective_id", metavar="ID")
@date_option("--on", "on", help="The day it was done (default today).")
@click.option("--note", help="Replaces the objective's note.")
@store_config_json_options
def plan_done(objective_id: str, on: dt.date, note: str | None, as_json: bool) -> None:
    """Mark objective ID done (it leaves the plan; 'plan list --all' still shows it)."""
    _close(objective_id, "done", on, note, as_json)


@plan.command("drop")
@click.argument("objective_id", metavar="ID")
@date_option("--on", "on", help="The day it was dropped (default today).")
@click.option("--note", help="Why (replaces the objective's note).")
@store_config_json_options
def plan_drop(objective_id: str, on: dt.date, note: str | None, as_json: bool) -> None:
    """Drop objective ID (no longer pursued; kept in the history)."""
    _close(objective_id, "dropped", on, note, as_json)


@plan.command("adopt")
@click.argument("account")
@click.argument("number", metavar="ACTION_NUMBER", type=int)
@click.option("--owner", help="Owner (id, e-mail or name; default: the action's suggested owner).")
@click.option("--due", type=DATE, default=None,
              help="Due date (default: [plans] adopt_due_days after --as-of).")
@click.option("--note", help="Free text.")
@as_of_option
@store_config_json_options
def plan_adopt(account: str, number: int, owner: str | None, due: dt.date | None, note: str | None,
               as_of: dt.date, as_json: bool) -> None:
    """Make action ACTION_NUMBER of 'kamgraph xray ACCOUNT --as-of DATE' (its NEXT ACTIONS list) an objective.

    meet, bridge_department and rethread become cover-person; add_thread cover-person with 2 threads;
    reconnect cadence (the person's cadence target); spread concentration under the
    [coverage] concentration_threshold.
    """
    from kamgraph.analysis.pipeline import analyze
    from kamgraph.portfolio.plans import adopt_action

    state = _state()
    settings = state.settings
    deadline = due or as_of + dt.timedelta(days=settings.plans.adopt_due_days)
    if deadline < as_of:
        raise CliError(f"--due {deadline} is before --as-of {as_of}", 2)
    with state.open_store() as store:
        found = store.find_account(account)
        analysis = analyze(store.load_account(found.id, as_of), as_of, settings)
        objective = adopt_action(analysis, number, objective_id=_next_id(store, found.id), due=deadline,
                                 owner=_owner(store, owner) if owner else None, created_on=as_of)
        if objective.owner is None:
            raise CliError(f"action {number} suggests no owner: give --owner", 2)
        if note:
            objective = objective.model_copy(update={"note": note})
        objective = _save_new(store, objective)
        _echo_saved(store, objective, as_json, "Adopted")


COMMANDS = [plan]
