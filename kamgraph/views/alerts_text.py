"""Plain-text views of departures, contact syncs and alert runs (``kamgraph leave / sync / alerts``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .formatting import fmt_health, fmt_share, fmt_summary_figure, name_list
from .text import render_lost, table

if TYPE_CHECKING:
    from ..monitor.alerts import AlertRun
    from ..monitor.departure import AccountImpact, DepartureImpact
    from ..monitor.sync import SyncPlan

__all__ = ["render_impact", "render_account_impact", "render_sync", "render_alert_run"]


def render_impact(impact: DepartureImpact) -> str:
    """A departure and its impact on every account concerned."""
    status = "recorded" if impact.recorded else "dry run: nothing written"
    moved = f" for {impact.moved_to}" if impact.moved_to else ""
    out = [f"DEPARTURE  {impact.name} ({impact.id}) · {impact.kind} · left on {impact.left_on}{moved}  [{status}]"]
    facts = [impact.title, impact.role.replace("_", " ") if impact.role else None,
             f"influence {impact.influence}" if impact.influence is not None else None,
             f"importance {impact.importance:g}" + (" (key)" if impact.key else "")
             if impact.importance is not None else None,
             impact.department,
             f"{impact.account.name} ({impact.account.id})" if impact.account else None]
    out.append("  " + " · ".join(f for f in facts if f))
    if impact.note:
        out.append(f"  note: {impact.note}")
    if impact.opportunity:
        out.append(f"  OPPORTUNITY: {impact.opportunity}")
    if not impact.accounts:
        out.append("  no account concerned: not on any account team and no meetings with clients")
    for account in impact.accounts:
        out += ["", render_account_impact(account, impact.id, impact.kind)]
    return "\n".join(out)


def render_account_impact(impact: AccountImpact, person_id: str, kind: str) -> str:
    """What the departure does to one account."""
    w = impact.whatif
    acc = impact.account
    out = [f"{acc.name.upper()} ({acc.id})"]
    other = "our staff" if kind == "stakeholder" else "stakeholder"
    out.append(f"  TIES LOST ({len(impact.ties_lost)})")
    if impact.ties_lost:
        out.append(table([other, "strength", "meetings", "last", "thread"],
                         [[t.name, f"{t.strength:.2f}", t.meetings, t.last, "yes" if t.thread else "weak"]
                          for t in impact.ties_lost], right=[1, 2], indent="    "))
    else:
        out.append("    none: nobody on the other side met them")
    out.append(f"  REQUIRED ROLES LEFT WITHOUT COVER: {', '.join(w.roles_uncovered) or 'none'}")
    out.append(f"  FRAGILITY INDEX {fmt_share(w.before.fragility_index)} -> {fmt_share(w.after.fragility_index)}"
               f"   HEALTH {fmt_health(w.before.health)} -> {fmt_health(w.after.health)}"
               f"   KEY COVERED {w.before.key_covered}/{w.before.key_stakeholders} -> "
               f"{w.after.key_covered}/{w.after.key_stakeholders}")
    out += render_lost(w.unreachable, w.uncovered, w.cut_off, w.lost_importance_share, limit=12, indent="  ")
    out.append("  KEY STAKEHOLDERS' CONNECTIVITY TO OUR TEAM (departures it takes to cut them off; ! = 0 or 1 now)")
    out.append("    " + ("; ".join(f"{'! ' if d.after <= 1 else ''}{d.name} {d.before} -> {d.after}"
                                   for d in impact.connectivity_drops) or "no change"))
    out.append(f"  SUMMARY FIGURES THAT CHANGE (= kamgraph whatif {acc.id} --leave {person_id} --as-of {w.as_of})")
    if w.changes:
        out.append(table(["figure", "before", "after"],
                         [[c.figure, fmt_summary_figure(c.figure, c.before), fmt_summary_figure(c.figure, c.after)]
                          for c in w.changes], right=[1, 2], indent="    "))
    else:
        out.append("    none")
    if kind == "stakeholder":
        out.append(f"  RE-THREADING PLAN ({len(impact.rethread_plan)})")
        if not impact.rethread_plan:
            out.append("    no successor identified: find out who took over")
        for i, c in enumerate(impact.rethread_plan, 1):
            facts = [c.title, c.buying_role.replace("_", " ") if c.buying_role else None, f"influence {c.influence}",
                     "key" if c.key else None, c.department]
            out.append(f"    {i}. {c.name} ({', '.join(f for f in facts if f)})")
            out.append(f"       why: {', '.join(c.reasons)}; "
                       + (f"already covered by {name_list(c.threads, 12)}" if c.covered else "nobody covers them yet"))
            if len(c.path) > 1:
                out.append(f"       warmest path: {' -> '.join(p.name for p in c.path)}")
            elif not c.path:
                out.append("       no path from our team yet")
            if c.owner:
                out.append(f"       owner: {c.owner.name}")
    else:
        out.append(f"  HANDOVER PLAN ({len(impact.handover_plan)} stakeholders they were a thread of)")
        if impact.handover_plan:
            out.append(table(["stakeholder", "imp", "their tie", "hand over to", "tie", "why", "still covered"],
                             [[h.stakeholder.name + (" *" if h.key else ""), f"{h.importance:g}", f"{h.strength:.2f}",
                               h.to.name if h.to else "nobody", f"{h.to_strength:.2f}", h.basis,
                               "yes" if h.still_covered else "NO"] for h in impact.handover_plan],
                             right=[1, 2, 4], indent="    ", max_col=48))
    return "\n".join(out)


def render_sync(plan: SyncPlan) -> str:
    """The proposals of a contacts sync, and whether they were applied."""
    acc = plan.account
    status = "applied" if plan.applied else "proposals only: add --apply to write them"
    out = [f"SYNC  {plan.file} -> {acc.name} ({acc.id})  on {plan.date}  [{status}]",
           f"  {plan.rows} rows, {plan.matched} matched, {plan.trivial} with trivial differences only (ignored), "
           f"{len(plan.departures)} departures, {len(plan.new)} new"]
    out += ["", f"DEPARTURES ({len(plan.departures)})"]
    if plan.departures:
        out.append(table(["name", "reason", "detail", "line", "left on", "moved to", "key", "threads"],
                         [[d.name, d.reason, d.detail, d.line, d.left_on,
                           d.moved_to_account.name if d.moved_to_account else d.moved_to,
                           "yes" if d.key else "", d.threads] for d in plan.departures],
                         right=[3, 7], max_col=60))
    else:
        out.append("  none")
    out += ["", f"NEW STAKEHOLDERS ({len(plan.new)})"]
    if plan.new:
        out.append(table(["line", "id", "name", "email", "title", "department"],
                         [[n.line, n.id, n.name, n.email, n.title, n.department] for n in plan.new], right=[0]))
    else:
        out.append("  none")
    if plan.partial:
        out += ["", f"NOT IN THE EXPORT ({len(plan.not_in_export)}; not proposed as departures: the export "
                    "looks partial -- add --complete if it lists every contact)"]
        out.append("  " + (", ".join(plan.not_in_export) or "none"))
    if plan.near_matches:
        out += ["", f"NEAR NAMES ({len(plan.near_matches)}; neither created nor departed: give the row the "
                    "stakeholder's id or e-mail to match it)"]
        out += [f"  line {m.line}: {m.name} -- near " + ", ".join(f"{c.name} ({c.id})" for c in m.candidates)
                for m in plan.near_matches]
    if plan.moved_here:
        out += ["", f"MOVED HERE FROM OTHER ACCOUNTS ({len(plan.moved_here)}; not created again)"]
        out += [f"  line {m.line}: {m.name} ({m.id}), {m.buying_role or 'no role'} at {m.from_account.name}"
                for m in plan.moved_here]
    if plan.opportunities:
        out += ["", f"OPPORTUNITIES ({len(plan.opportunities)})"]
        out += [f"  {o.text}" for o in plan.opportunities]
    if plan.changes:
        out += ["", f"OTHER CHANGES ({len(plan.changes)}; reported, not applied)"]
        out.append(table(["line", "name", "field", "stored", "export"],
                         [[c.line, c.name, c.field, c.stored, c.exported] for c in plan.changes], right=[0]))
    return "\n".join(out)


def render_alert_run(run: AlertRun, webhook: str | None = None) -> str:
    """New alerts (most severe first), with counts; ``webhook`` is the redacted URL used."""
    head = (f"ALERTS  as of {run.as_of}  {len(run.accounts)} account{'s' if len(run.accounts) != 1 else ''} checked: "
            f"{len(run.new)} new, {run.ongoing} ongoing (not repeated), {len(run.cleared)} cleared")
    out = [head]
    if not run.new:
        out.append("  no new alerts")
    for a in run.new:
        out.append(f"  [{a.severity}] {a.account} · {a.rule} · {a.title}")
        if a.message:
            out.append(f"      {a.message}")
    if run.cleared:
        out.append("  cleared: " + "; ".join(f"{a.account} · {a.rule} · {a.title}" for a in run.cleared[:10])
                   + (f" (+{len(run.cleared) - 10} more)" if len(run.cleared) > 10 else ""))
    if webhook is not None:
        sent = [d for d in run.deliveries if d.delivered]
        failed = [d for d in run.deliveries if not d.delivered]
        if not run.deliveries:
            out.append(f"  webhook {webhook}: nothing to send")
        if sent:
            out.append(f"  webhook {webhook}: delivered {len(sent)} payload{'s' if len(sent) != 1 else ''} "
                       f"({sum(d.alerts for d in sent)} alerts)")
        for d in failed:
            out.append(f"  webhook {webhook}: FAILED after {d.attempts} attempt{'s' if d.attempts != 1 else ''} "
                       f"({d.error}); {d.alerts} alerts kept for the next run")
    return "\n".join(out)
