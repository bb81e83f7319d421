"""``kamgraph team`` as a text table and as CSV (one row per staff member).

Examples
--------
>>> import datetime as dt
>>> from kamgraph.portfolio.team import StaffLoad, TeamLoad
>>> m = StaffLoad(id="s1", name="+Sam", role="kam", level=2, accounts=["a", "b"], threads=41, key_threads=5,
...     sole_threads=3, sole_key=2, meetings_per_month=6.5, capacity=40, load=1.025, headroom=-1, overloaded=True,
...     single_point_of_failure=True, per_account=[])
>>> print(team_csv(TeamLoad(as_of=dt.date(2026, 3, 1), window_days=90, members=[m], overloaded=[],
...     single_points_of_failure=[])).splitlines()[1])
s1,'+Sam,kam,a;b,41,5,3,2,6.5,40,1.025,-1,True,True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .csv_text import csv_text
from .text import table

if TYPE_CHECKING:
    from ..portfolio.team import TeamLoad

__all__ = ["TEAM_COLUMNS", "render_team", "team_csv"]

#: The CSV columns (the staff member's field names; accounts joined with ";").
TEAM_COLUMNS = ("id", "name", "role", "accounts", "threads", "key_threads", "sole_threads", "sole_key",
                "meetings_per_month", "capacity", "load", "headroom", "overloaded", "single_point_of_failure")


def team_csv(team: TeamLoad) -> str:
    """One row per staff member: :data:`TEAM_COLUMNS`."""
    rows = [[";".join(m.accounts) if c == "accounts" else getattr(m, c) for c in TEAM_COLUMNS] for m in team.members]
    return csv_text(TEAM_COLUMNS, rows)


def render_team(team: TeamLoad) -> str:
    """The staff-load table, then the overloaded people and the single points of failure."""
    where = f", people on {team.account}" if team.account else ""
    head = f"STAFF LOAD as of {team.as_of} ({len(team.members)} people{where}; meetings over {team.window_days} days)"
    if not team.members:
        return head + "\n  nobody"
    rows = [[m.name, m.role, ", ".join(m.accounts), m.threads, m.key_threads, m.sole_threads, m.sole_key,
             f"{m.meetings_per_month:.1f}", f"{m.threads}/{m.capacity}", f"{m.load:.0%}",
             ("OVERLOADED " if m.overloaded else "") + ("SPOF" if m.single_point_of_failure else "")]
            for m in team.members]
    out = [head, table(["staff", "role", "accounts", "threads", "key", "only thread", "only key", "mtg/month",
                        "load", "of cap.", "flags"], rows, right=[3, 4, 5, 6, 7, 8, 9])]
    if team.most_sole_key:
        out.append(f"  most key stakeholders held alone: {team.most_sole_key.name} ({team.most_sole_key.id}), "
                   f"{team.most_sole_key_count}")
    out.append("  overloaded: " + (", ".join(p.name for p in team.overloaded) or "nobody"))
    out.append("  single points of failure: " + (", ".join(p.name for p in team.single_points_of_failure)
                                                 or "nobody"))
    return "\n".join(out)
