"""``kamgraph competitors``: record, import, list and remove stakeholders' leanings toward competitors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kamgraph_commands.common import DATE, emit, person_id, store_config_json_options
from kamgraph_commands.common import state as _state


@click.group()
def competitors() -> None:
    """Competitive position: which stakeholders lean toward which competitor (strength 1-5, since a date).

    The X-ray lists the key stakeholders whose tie is at least [attitude] competitor_strength strong.
    """


@competitors.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and count everything, write nothing.")
@store_config_json_options
def import_ties(files: tuple[Path, ...], dry_run: bool, as_json: bool) -> None:
    """Import competitor ties from CSV files (columns stakeholder,competitor,strength,since,note) or JSON files
    ({"competitor_ties": [...]}), all or nothing.

    Ties are matched by stakeholder and competitor: importing a file again changes nothing. A bad row stops the
    import with FILE:LINE: FIELD: problem and exit status 2, and nothing is written.
    """
    from kamgraph.ingest.competitors import import_competitor_ties

    with _state().open_store() as store:
        summary = import_competitor_ties(list(files), store, dry_run=dry_run)
    emit(summary, as_json, lambda: f"{store.url}: {summary.line()}")


@competitors.command("add")
@click.argument("stakeholder")
@click.argument("competitor")
@click.option("--strength", type=click.FloatRange(1, 5), default=3.0, show_default=True,
              help="1 (a slight preference) to 5 (committed to them).")
@click.option("--since", type=DATE, default=None, help="When the lean was first noticed (YYYY-MM-DD; default today).")
@click.option("--note", default=None, help="What we know about it.")
@store_config_json_options
def add_tie(stakeholder: str, competitor: str, strength: float, since: dt.date | None, note: str | None,
            as_json: bool) -> None:
    """Record that STAKEHOLDER (id, e-mail address or name) leans toward COMPETITOR (replacing an earlier record)."""
    from pydantic import ValidationError

    from kamgraph.domain.dataset import Batch
    from kamgraph.domain.models import CompetitorTie, Stakeholder, input_error_from_validation
    from kamgraph.errors import InputError

    with _state().open_store() as store:
        pid = person_id(store, stakeholder, among=store.list_stakeholders())
        if not isinstance(store.get_person(pid), Stakeholder):
            raise InputError(f"{stakeholder!r} is one of our staff, not a stakeholder", field="stakeholder")
        try:
            tie = CompetitorTie(stakeholder=pid, competitor=competitor, strength=strength,
                                since=since or dt.date.today(), note=note)
        except ValidationError as exc:
            raise input_error_from_validation(exc) from None
        summary = store.import_batch(Batch(competitor_ties=[tie]))
    emit(tie, as_json, lambda: f"{pid} leans toward {tie.competitor} ({tie.strength:g}/5 since {tie.since}): "
                               f"{summary.line()}")


@competitors.command("list")
@click.argument("account", required=False)
@store_config_json_options
def list_ties(account: str | None, as_json: bool) -> None:
    """List the recorded competitor ties (of one ACCOUNT, by id or name; all without)."""
    from kamgraph.views.text import render_competitor_ties

    with _state().open_store() as store:
        accounts = [store.find_account(account).id] if account else None
        ties = store.competitor_ties(accounts)
        names = {p.id: p.name for p in store.get_people({t.stakeholder for t in ties}).values()}
    emit(ties, as_json, lambda: render_competitor_ties(ties, names))


@competitors.command("remove")
@click.argument("stakeholder")
@click.argument("competitor")
@store_config_json_options
def remove_tie(stakeholder: str, competitor: str, as_json: bool) -> None:
    """Forget that STAKEHOLDER (id, e-mail address or name) leans toward COMPETITOR."""
    from kamgraph.errors import NotFoundError

    with _state().open_store() as store:
        pid = person_id(store, stakeholder, among=store.list_stakeholders())
        removed = store.remove_competitor_tie(pid, competitor.strip())
    if not removed:
        raise NotFoundError(f"no competitor tie recorded between {pid!r} and {competitor!r}")
    emit({"stakeholder": pid, "competitor": competitor.strip(), "removed": True}, as_json,
         lambda: f"removed: {pid} -> {competitor.strip()}")


COMMANDS = [competitors]
