"""Plain-text terminal views: aligned tables and the X-ray report.

No colours, no terminal library: output that reads the same in a terminal,
a pipe, a log file or an e-mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .xray import Thread, XRay

if TYPE_CHECKING:
    from .dataset import AccountSummary
    from .profile import PersonProfile

__all__ = ["table", "short_name", "render_xray", "render_accounts", "render_profile", "fmt_date", "fmt_num"]


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, right: Sequence[int] = (),
          max_col: int = 40, indent: str = "  ") -> str:
    """Format rows as an aligned text table.

    Parameters
    ----------
    headers : sequence of str
        Column titles.
    rows : sequence of sequences
        Cells; ``None`` shows as ``-``.
    right : sequence of int
        Indexes of right-aligned (numeric) columns.
    max_col : int
        Cells longer than this are cut with an ellipsis.

    Examples
    --------
    >>> print(table(["name", "n"], [["Ada", 3], ["Grace", None]], right=[1]))
      name   n
      -----  -
      Ada    3
      Grace  -
    """
    def cell(value: object) -> str:
        text = "-" if value is None else str(value)
        text = " ".join(text.split())
        return text if len(text) <= max_col else text[:max_col - 1] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], len(text))

    def line(values: Sequence[str]) -> str:
        parts = [v.rjust(widths[i]) if i in right else v.ljust(widths[i]) for i, v in enumerate(values)]
        return (indent + "  ".join(parts)).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def short_name(name: str) -> str:
    """``'Maya Lindqvist'`` -> ``'M. Lindqvist'`` (single names stay as they are).

    Examples
    --------
    >>> short_name("Maya Lindqvist"), short_name("Cher")
    ('M. Lindqvist', 'Cher')
    """
    parts = name.split()
    return name if len(parts) < 2 else f"{parts[0][0]}. {' '.join(parts[1:])}"


def fmt_date(value: object) -> str:
    """ISO date, or ``-``."""
    return "-" if value is None else str(value)


def fmt_num(value: float | None, digits: int = 2) -> str:
    """A number with ``digits`` decimals, or ``-``."""
    return "-" if value is None else f"{value:.{digits}f}"


def _threads(threads: Sequence[Thread]) -> str:
    return ", ".join(f"{short_name(t.name)} {t.strength:.1f}" for t in threads) or "none"


def render_xray(xray: XRay) -> str:
    """The X-ray as terminal text: header, coverage, stakeholders, departures, our team."""
    acc = xray.account
    cov = xray.coverage
    facts = [f"tier {acc.tier}" if acc.tier else None, acc.segment,
             f"revenue {acc.revenue:,.0f} {acc.currency or ''}".rstrip() if acc.revenue is not None else None]
    out = [f"RELATIONSHIP X-RAY  {acc.name} ({acc.id})  as of {xray.as_of}",
           "  " + " · ".join(f for f in facts if f) if any(facts) else "",
           "",
           f"COVERAGE  {cov.covered} of {cov.active_stakeholders} active stakeholders covered "
           f"({cov.coverage:.0%}), {cov.uncovered} uncovered",
           "  roles: " + ", ".join(f"{r.role.value} {len(r.covered_holders)}/{len(r.holders)}" for r in cov.roles),
           ]
    if cov.roles_uncovered:
        out.append("  roles nobody covers: " + ", ".join(r.value for r in cov.roles_uncovered))
    out += ["", f"STAKEHOLDERS ({len(xray.stakeholders)} active)"]
    rows = [[v.department, v.name, v.title, v.buying_role.value if v.buying_role else None, v.influence,
             _threads(v.threads), fmt_date(v.last_contact), v.days_since_contact]
            for v in xray.stakeholders]
    out.append(table(["department", "name", "title", "buying role", "infl", "threads (strength)",
                      "last contact", "days"], rows, right=[4, 7], max_col=44))
    if xray.departed:
        out += ["", f"DEPARTED ({len(xray.departed)})"]
        out.append(table(["name", "title", "buying role", "infl", "left on", "moved to", "last contact"],
                         [[d.name, d.title, d.buying_role.value if d.buying_role else None, d.influence,
                           fmt_date(d.left_on), d.moved_to, fmt_date(d.last_contact)] for d in xray.departed],
                         right=[3]))
    out += ["", f"OUR TEAM ({len(xray.staff)})"]
    out.append(table(["name", "role", "team", "threads", "strength", "share"],
                     [[s.name, s.role, "yes" if s.on_account_team else "no", s.threads, fmt_num(s.strength),
                       f"{s.share_of_strength:.0%}"] for s in xray.staff], right=[3, 4, 5]))
    return "\n".join(out)


def render_accounts(rows: Sequence[AccountSummary]) -> str:
    """The account list of ``kamgraph accounts``."""
    if not rows:
        return "no accounts in this store (import some with 'kamgraph import', or run 'kamgraph demo')"
    return table(["id", "name", "tier", "segment", "stakeholders", "left", "staff", "meetings", "last meeting"],
                 [[a.id, a.name, a.tier, a.segment, a.stakeholders, a.stakeholders_left, a.staff, a.meetings,
                   fmt_date(a.last_meeting)] for a in rows], right=[4, 5, 6, 7])


def render_profile(profile: PersonProfile) -> str:
    """One person, their ties and their recent meetings (``kamgraph show``)."""
    p = profile.person
    status = "active" if profile.active else f"left on {p.left_on}" + (f" for {p.moved_to}" if p.moved_to else "")
    out = [f"{p.name} ({p.id}) · {profile.kind} · {status}"]
    facts: list[str] = []
    if p.title:
        facts.append(p.title)
    if profile.kind == "stakeholder":
        facts += [f"account {p.account}", f"department {p.department or '-'}",  # type: ignore[union-attr]
                  f"buying role {p.buying_role.value if p.buying_role else '-'}",  # type: ignore[union-attr]
                  f"influence {p.influence}", f"attitude {p.attitude:+d}"]  # type: ignore[union-attr]
    else:
        facts += [f"role {p.role.value}", f"accounts {', '.join(p.accounts) or '-'}"]  # type: ignore[union-attr]
    out.append("  " + " · ".join(facts))
    if p.email:
        out.append(f"  {p.email}")
    if profile.manager:
        out.append(f"  reports to {profile.manager}")
    if profile.reports:
        out.append(f"  direct reports: {', '.join(profile.reports)}")
    out += ["", f"TIES as of {profile.as_of} ({len(profile.ties)})"]
    if profile.ties:
        out.append(table(["name", "account", "strength", "meetings", "first", "last", "thread"],
                         [[t.name, t.account, fmt_num(t.strength), t.meetings, fmt_date(t.first), fmt_date(t.last),
                           "yes" if t.thread else "no"] for t in profile.ties], right=[2, 3]))
    else:
        out.append("  nobody met yet")
    out += ["", f"RECENT MEETINGS ({len(profile.meetings)} shown)"]
    if profile.meetings:
        out.append(table(["date", "kind", "subject", "with"],
                         [[fmt_date(m.date), m.kind, m.subject, ", ".join(m.attendees)] for m in profile.meetings],
                         max_col=60))
    return "\n".join(out)
