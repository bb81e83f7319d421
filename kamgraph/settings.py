"""Every threshold, weight and interval of the analysis, in one settings model.

Settings are read, later sources winning, from (:func:`load_layered`, with pydantic-settings' sources):

1. the defaults below;
2. the per-user file (:func:`user_config_file`, e.g. ``~/.config/kamgraph/kamgraph.toml``);
3. ``kamgraph.toml`` in the current directory;
4. the file given with ``--config``;
5. Neo4j's own ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` (``[neo4j] user`` / ``password`` /
   ``database``);
6. environment variables ``KAMGRAPH_<SECTION>__<KEY>`` (two underscores between
   section and key), e.g. ``KAMGRAPH_STRENGTH__HALF_LIFE_DAYS=60``. Values are
   parsed as TOML values where they can be (numbers, booleans, arrays), else
   taken as strings.

:func:`load_settings` reads one file and the environment (for library use).

Examples
--------
>>> s = Settings()
>>> s.strength.half_life_days, s.strength.thread_threshold
(90.0, 0.5)
>>> load_settings(env={"KAMGRAPH_STRENGTH__HALF_LIFE_DAYS": "60"}, path=None).strength.half_life_days
60.0
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from .domain.models import BuyingRole, MeetingKind, StaffRole
from .domain.names import DEFAULT_LEGAL_SUFFIXES
from .errors import ConfigError

__all__ = [
    "toml_value",
    "load_layered",
    "settings_files",
    "user_config_file",
    "NEO4J_ENV",
    "StrengthSettings",
    "ImportanceSettings",
    "CoverageSettings",
    "CadenceSettings",
    "ShapeSettings",
    "BridgeSettings",
    "FragilitySettings",
    "ActionSettings",
    "Criterion",
    "PortfolioSettings",
    "StageRule",
    "StageSettings",
    "IngestSettings",
    "Severity",
    "AlertRuleSettings",
    "DepartureRuleSettings",
    "OverdueRuleSettings",
    "DecayRuleSettings",
    "SingleThreadedRuleSettings",
    "RoleUncoveredRuleSettings",
    "WebhookSettings",
    "AlertSettings",
    "DepartureSettings",
    "Neo4jSettings",
    "TrendFigure",
    "SustainedFallRuleSettings",
    "TrendSettings",
    "TeamSettings",
    "ReportSettings",
    "EmailSettings",
    "DeliverySettings",
    "CalendarSettings",
    "MeetingSizeSettings",
    "ConnectorSettings",
    "ExecutorSettings",
    "WebSettings",
    "ObjectiveMissedRuleSettings",
    "PlanSettings",
    "Settings",
    "load_settings",
    "settings_toml",
    "CONFIG_FILE",
    "ENV_PREFIX",
]

#: The settings file looked for in the current directory.
CONFIG_FILE = "kamgraph.toml"
#: Prefix of settings environment variables.
ENV_PREFIX = "KAMGRAPH_"

#: The values of the settings that are tables (a weight per meeting kind, a capacity per role, ...), bounded as
#: their single-valued siblings are: a negative weight, a target of 0 days, a capacity or level below 1 is refused
#: with the key named (``team.capacity.kam``), instead of turning every figure that reads it upside down.
_Weight = Annotated[float, Field(ge=0)]
_Days = Annotated[int, Field(gt=0)]
_Score = Annotated[float, Field(ge=0, le=100)]
_AtLeastOne = Annotated[int, Field(ge=1)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class StrengthSettings(_Section):
    """Tie strength ``S = sum_m w(kind_m) * 2 ** (-(T - date_m) / half_life_days)``."""

    half_life_days: float = Field(default=90.0, gt=0, description="Days after which a meeting counts half.")
    thread_threshold: float = Field(default=0.5, gt=0,
                                    description="Minimum strength for a staff member to count as a thread.")
    kind_weights: dict[MeetingKind, _Weight] = Field(
        default_factory=lambda: {
            MeetingKind.MEETING: 1.0,
            MeetingKind.CALL: 0.6,
            MeetingKind.EMAIL: 0.2,
            MeetingKind.WORKSHOP: 1.5,
            MeetingKind.QBR: 2.0,
            MeetingKind.EVENT: 0.5,
        },
        description="Weight of one contact of each kind.",
    )

    def weight(self, kind: MeetingKind) -> float:
        """The weight of a meeting kind (0 for a kind left out of the table)."""
        return self.kind_weights.get(kind, 0.0)


_R = BuyingRole


class ImportanceSettings(_Section):
    """Importance of a stakeholder: ``influence * role_weight[buying_role]``.

    With the defaults an economic buyer of influence 5 scores 10, a user of
    influence 2 scores 1.6. Stakeholders scoring at least ``key_threshold``
    are **key** stakeholders (default 5: anyone of influence 5, or influence 4
    in a champion, decision-maker, economic-buyer or technical-buyer role).
    """

    role_weights: dict[BuyingRole, _Weight] = Field(
        default_factory=lambda: {
            _R.ECONOMIC_BUYER: 2.0, _R.DECISION_MAKER: 1.8, _R.CHAMPION: 1.5, _R.TECHNICAL_BUYER: 1.3,
            _R.COACH: 1.2, _R.BLOCKER: 1.2, _R.INFLUENCER: 1.1, _R.GATEKEEPER: 1.0, _R.USER: 0.8,
        },
        description="Multiplier of influence per buying role.")
    no_role_weight: float = Field(default=1.0, ge=0, description="Multiplier for people without a buying role.")
    key_threshold: float = Field(default=5.0, ge=0, description="Importance from which a stakeholder is key.")


class CoverageSettings(_Section):
    """What counts as a coverage gap."""

    required_roles: list[BuyingRole] = Field(
        default_factory=lambda: [_R.ECONOMIC_BUYER, _R.DECISION_MAKER, _R.CHAMPION, _R.TECHNICAL_BUYER],
        description="Buying roles every key account needs a covered holder of.")
    concentration_threshold: float = Field(
        default=0.5, gt=0, le=1,
        description="Share of the account's tie strength held by one staff member that is a risk.")


class CadenceSettings(_Section):
    """How often each stakeholder should be met.

    ``ok`` while the days since the last meeting stay below ``due_fraction``
    of the target interval, ``due`` from there up to the interval, ``overdue``
    past it, ``never`` without any meeting.
    """

    target_days: dict[BuyingRole, _Days] = Field(
        default_factory=lambda: {
            _R.ECONOMIC_BUYER: 60, _R.DECISION_MAKER: 45, _R.CHAMPION: 21, _R.TECHNICAL_BUYER: 30,
            _R.COACH: 30, _R.BLOCKER: 45, _R.INFLUENCER: 60, _R.GATEKEEPER: 90, _R.USER: 90,
        },
        description="Target days between meetings per buying role.")
    default_days: int = Field(default=120, gt=0, description="Target for people without a buying role.")
    due_fraction: float = Field(default=0.8, gt=0, le=1, description="Share of the interval after which it is due.")


class ShapeSettings(_Section):
    """Bow-tie vs diamond: see :mod:`kamgraph.analysis.shape`."""

    bow_tie_concentration: float = Field(default=0.5, gt=0, le=1)
    bow_tie_pair_share: float = Field(default=0.15, ge=0, le=1)
    diamond_concentration: float = Field(default=0.35, gt=0, le=1)
    diamond_pair_share: float = Field(default=0.3, ge=0, le=1)


class BridgeSettings(_Section):
    """Bridging contacts."""

    weighted_betweenness: bool = Field(
        default=False, description="Use distance 1/strength instead of hops (slower: pure networkx).")
    top: int = Field(default=10, ge=1, description="How many people to list by betweenness and as brokers.")


class FragilitySettings(_Section):
    """Fragility."""

    connectivity_cap: int | None = Field(
        default=10, ge=1,
        description=("Count a key stakeholder's disjoint paths to our team only up to this many: a value at the "
                     "cap means 'at least'. Exact below it; null counts them all (slower on big accounts)."))


class ActionSettings(_Section):
    """Next actions."""

    max_actions: int = Field(default=12, ge=1)
    departed_window_days: int = Field(default=180, ge=0,
                                      description="Departures this recent get a re-threading action.")


class Criterion(_Section):
    """One key-account qualification criterion.

    ``source`` names the raw value: an account field (``revenue``, ``potential``,
    ``category_spend``, ``share_of_wallet`` = revenue / category_spend), a score
    people set on the account (``criteria.NAME``), or a figure computed from the
    relationship graph (``graph.NAME``: any summary score such as ``health``,
    ``key_coverage``, ``fragility_index``, or ``stage``, the relationship stage
    numbered 1-5). The raw value maps linearly onto 0..1 between ``low`` (0) and
    ``high`` (1), clamped; ``low > high`` scores lower values higher.
    """

    name: str
    weight: float = Field(gt=0)
    source: str
    low: float = 0.0
    high: float
    description: str = ""

    @model_validator(mode="after")
    def _scale(self) -> Criterion:
        if self.low == self.high:
            raise ValueError(f"criterion {self.name!r}: low and high must differ")
        return self


def _default_criteria() -> list[Criterion]:
    return [
        Criterion(name="current_revenue", weight=0.25, source="revenue", low=0, high=3_000_000,
                  description="Our annual revenue with the account."),
        Criterion(name="growth_potential", weight=0.2, source="criteria.growth_potential", low=0, high=10,
                  description="Leadership's 0-10 assessment of growth potential."),
        Criterion(name="product_fit", weight=0.15, source="criteria.product_fit", low=0, high=10,
                  description="0-10 fit of our offer with the account's needs."),
        Criterion(name="strategic_value", weight=0.15, source="criteria.strategic_value", low=0, high=10,
                  description="0-10 strategic value (reference, market access, innovation)."),
        Criterion(name="relationship_health", weight=0.25, source="graph.health", low=0, high=100,
                  description="The X-ray's health score, from the relationship graph."),
    ]


class PortfolioSettings(_Section):
    """Key-account qualification: criteria, tier thresholds, near-miss margin, review sensitivity."""

    criteria: list[Criterion] = Field(default_factory=_default_criteria)
    tiers: dict[str, _Score] = Field(
        default_factory=lambda: {"strategic": 75.0, "key": 60.0, "development": 45.0},
        description="Minimum score (0-100) per tier; an account takes the highest tier it reaches.")
    below_tiers: str = Field(default="monitor", description="The tier of accounts below every threshold.")
    near_miss_margin: float = Field(default=5.0, ge=0,
                                    description="Points below a tier threshold that count as a near miss.")
    review_fragility_change: float = Field(default=0.05, ge=0,
                                           description="Fragility index change that a review reports.")

    @field_validator("criteria")
    @classmethod
    def _unique_names(cls, value: list[Criterion]) -> list[Criterion]:
        names = [c.name for c in value]
        if len(set(names)) != len(names):
            raise ValueError("criterion names must be unique")
        return value


class StageRule(_Section):
    """What an account needs to be at one stage of the relationship ladder (all must hold)."""

    threaded: int = Field(default=0, ge=0, description="Stakeholders with at least one thread.")
    departments: int = Field(default=0, ge=0, description="Departments with a threaded stakeholder.")
    levels: int = Field(default=0, ge=0, description="Seniority levels with a threaded stakeholder.")
    staff: int = Field(default=0, ge=0, description="Our staff with at least one thread.")
    exec_ties: int = Field(default=0, ge=0,
                           description="Threads between our executive sponsors and client C-level or VPs.")
    multi_threaded_share: float = Field(default=0.0, ge=0, le=1,
                                        description="Share of threaded stakeholders with two or more threads.")
    max_concentration: float = Field(default=1.0, ge=0, le=1,
                                     description="Largest allowed share of tie strength held by one of us.")
    months: float = Field(default=0.0, ge=0, description="Months since the first meeting.")


class StageSettings(_Section):
    """The McDonald / Millman-Wilson relationship ladder (see :mod:`kamgraph.portfolio.stage`)."""

    basic: StageRule = Field(default_factory=lambda: StageRule(threaded=1, months=3))
    cooperative: StageRule = Field(default_factory=lambda: StageRule(threaded=4, departments=2, staff=2, months=6))
    interdependent: StageRule = Field(default_factory=lambda: StageRule(
        threaded=8, departments=3, levels=3, staff=3, exec_ties=1, multi_threaded_share=0.3,
        max_concentration=0.6, months=12))
    integrated: StageRule = Field(default_factory=lambda: StageRule(
        threaded=15, departments=4, levels=4, staff=4, exec_ties=2, multi_threaded_share=0.5,
        max_concentration=0.4, months=24))


class IngestSettings(_Section):
    """How calendar and CRM imports recognise people, time zones and dates.

    ``our_domains`` are our own e-mail domains: a calendar attendee or vCard
    from one of them is one of our staff. ``window_days`` bounds the expansion
    of recurring calendar events to the last so many days (up to today).
    ``timezone`` dates events whose times carry no zone of their own (UTC or
    floating times). ``day_first`` reads CRM report dates like ``03/04/2025``
    as 3 April instead of March 4.
    """

    our_domains: list[str] = Field(default_factory=list, description="Our own e-mail domains.")
    window_days: int = Field(default=730, gt=0,
                             description="Recurring events are expanded over this many days up to today.")
    timezone: str = Field(default="UTC", description="Time zone for event times that carry none.")
    day_first: bool = Field(default=False, description="Read 03/04/2025 as 3 April (else March 4).")

    @field_validator("our_domains", mode="before")
    @classmethod
    def _lower_domains(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace(";", ",").split(",")
        if isinstance(value, list):
            return sorted({str(d).strip().lower().lstrip("@") for d in value if str(d).strip()})
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as Europe/Berlin)") from None
        return value


#: How urgent an alert is, lowest first.
Severity = Literal["low", "medium", "high"]


class AlertRuleSettings(_Section):
    """Whether a monitoring rule runs, and how severe its alerts are."""

    enabled: bool = Field(default=True, description="Evaluate this rule.")
    severity: Severity = Field(default="medium", description="low, medium or high.")


class DepartureRuleSettings(AlertRuleSettings):
    """``departure``: a stakeholder or staff member of the account left recently."""

    severity: Severity = "high"
    window_days: int = Field(default=90, ge=0,
                             description="Departures dated this many days before the check or later are news.")
    key_only: bool = Field(default=False, description=(
        "Stakeholders: only key ones (default: key ones and anyone one of our staff had met)."))


class OverdueRuleSettings(AlertRuleSettings):
    """``overdue``: a key stakeholder not met within their cadence target."""

    severity: Severity = "medium"
    key_only: bool = Field(default=True, description="Only key stakeholders (else everyone we have met).")


class DecayRuleSettings(AlertRuleSettings):
    """``decay``: a tie that was at or above ``threshold`` at the last check and is below it now."""

    severity: Severity = "low"
    threshold: float = Field(default=0.5, gt=0, description="Tie strength (default: the thread threshold).")
    key_only: bool = Field(default=True, description="Only ties to key stakeholders.")


class SingleThreadedRuleSettings(AlertRuleSettings):
    """``single_threaded``: the account's key relationships came to rest on fewer than ``min_people``.

    Fires when fewer than ``min_people`` of our staff hold a thread to a key
    stakeholder, or fewer than ``min_people`` key stakeholders are covered,
    where at the last check neither was the case.
    """

    severity: Severity = "high"
    min_people: int = Field(default=2, ge=2, description="People needed on each side not to be single-threaded.")


class RoleUncoveredRuleSettings(AlertRuleSettings):
    """``role_uncovered``: a required buying role covered at the last check has no covered holder now."""

    severity: Severity = "high"


class WebhookSettings(_Section):
    """Delivery of new alerts to a webhook (the URL itself is never a setting: see the docs, Departures and alerts)."""

    timeout_seconds: float = Field(default=10.0, gt=0, description="Per attempt.")
    retries: int = Field(default=2, ge=0, description="Further attempts after a failed one.")
    retry_delay_seconds: float = Field(default=1.0, ge=0, description="Wait before the first retry; doubles.")
    max_text_lines: int = Field(default=20, ge=1, description="Alerts listed in the Slack-style text field.")


class AlertSettings(_Section):
    """``kamgraph alerts``: the monitoring rules and the webhook.

    Rules that compare with "the last check" use the date of the account's
    previous ``kamgraph alerts`` run, ``--since`` when given, or
    ``first_check_days`` before the as-of date on the very first run.
    """

    first_check_days: int = Field(default=30, ge=0,
                                  description="On an account's first check, compare with this many days ago.")
    departure: DepartureRuleSettings = Field(default_factory=DepartureRuleSettings)
    overdue: OverdueRuleSettings = Field(default_factory=OverdueRuleSettings)
    decay: DecayRuleSettings = Field(default_factory=DecayRuleSettings)
    single_threaded: SingleThreadedRuleSettings = Field(default_factory=SingleThreadedRuleSettings)
    role_uncovered: RoleUncoveredRuleSettings = Field(default_factory=RoleUncoveredRuleSettings)
    webhook: WebhookSettings = Field(default_factory=WebhookSettings)


class DepartureSettings(_Section):
    """Departure impact (``kamgraph leave``) and CRM contact sync (``kamgraph sync``)."""

    plan_size: int = Field(default=5, ge=1, description="Re-threading candidates listed per departure.")
    max_missing_share: float = Field(
        default=0.5, ge=0, le=1,
        description="sync: an export leaving out more of the account's active stakeholders is taken as partial.")
    opportunity_roles: list[BuyingRole] = Field(
        default_factory=lambda: [_R.CHAMPION],
        description="Buying roles whose holders are an opportunity when they turn up at another company.")
    legal_suffixes: list[str] = Field(
        default_factory=lambda: list(DEFAULT_LEGAL_SUFFIXES),
        description="Legal-form words dropped from the end of company names before comparing.")
def _text(value: Any) -> Any:
    """Numbers typed without quotes in TOML are still a password's text."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class Neo4jSettings(_Section):
    """Connection defaults for Neo4j stores (URL, options and ``KAMGRAPH_NEO4J_*`` variables win).

    The password is kept as a secret: it never shows in a repr, a log or JSON.
    """

    user: str | None = Field(default=None, description="User name (default neo4j).")
    database: str | None = Field(default=None, description="Database name (default neo4j).")
    password: Annotated[SecretStr | None, BeforeValidator(_text)] = Field(
        default=None, description="Password (keep this file private).")
    batch_size: int | None = Field(default=None, ge=1, description="Rows per batched write statement (default 1000).")


#: The trend figures a sustained-fall rule can watch (see :mod:`kamgraph.analysis.trend`).
TrendFigure = Literal["health", "coverage", "weighted_coverage", "key_coverage", "fragility_index",
                      "concentration", "key_at_connectivity_1", "overdue_key", "meetings"]


class SustainedFallRuleSettings(AlertRuleSettings):
    """``sustained_fall``: a trend figure got worse at every one of the last ``periods`` steps, by ``drop`` in all.

    "Worse" is lower for health and the coverages, higher for the fragility index, concentration, key
    stakeholders at connectivity 1 and overdue key stakeholders (see
    :func:`kamgraph.analysis.trend.sustained_fall`). A step that stays level counts as not better.
    """

    severity: Severity = "medium"
    figure: TrendFigure = Field(default="health", description="The trend figure watched.")
    drop: float = Field(default=10.0, gt=0, description=(
        "How much worse in all, in the figure's own unit (health points; 0-1 shares; counts)."))
    periods: int = Field(default=3, ge=1, description="Consecutive periods, none of them better than the one before.")
    every: Literal["week", "month", "quarter"] = Field(default="month", description="The length of a period.")


class TrendSettings(_Section):
    """``kamgraph trend``: the default period and span, and the sustained-fall rule's parameters."""

    every: Literal["week", "month", "quarter"] = Field(default="month", description="Default --every.")
    periods: int = Field(default=12, ge=1, le=520,
                         description="Without --from, the series starts this many periods before --to.")
    sustained_fall: SustainedFallRuleSettings = Field(default_factory=SustainedFallRuleSettings)


def _default_capacity() -> dict[StaffRole, int]:
    return {StaffRole.KAM: 40}


def _default_levels() -> dict[StaffRole, int]:
    return {StaffRole.EXEC_SPONSOR: 1, StaffRole.KAM: 2, StaffRole.SALES: 2, StaffRole.SOLUTION_ENGINEER: 3,
            StaffRole.PRODUCT: 3, StaffRole.DELIVERY: 3, StaffRole.SUPPORT: 4, StaffRole.OTHER: 4}


class TeamSettings(_Section):
    """``kamgraph team`` and the handover plan of ``kamgraph leave``: capacity, level and activity of our staff.

    A staff member's **load** is the number of client stakeholders, across the whole portfolio, for whom
    they are a thread (the "customers" they look after); the practice quotes 40 per account manager.
    """

    capacity: dict[StaffRole, _AtLeastOne] = Field(default_factory=_default_capacity,
                                           description="Stakeholders one person can hold threads to, per role.")
    default_capacity: int = Field(default=40, ge=1, description="Capacity of the roles not listed in capacity.")
    levels: dict[StaffRole, _AtLeastOne] = Field(
        default_factory=_default_levels,
        description="Seniority level per role (1 = most senior); the handover prefers a comparable level.")
    comparable_levels: int = Field(default=1, ge=0, description="Levels apart that still count as comparable.")
    window_days: int = Field(default=90, ge=1, description="Meetings per month are counted over this many days.")

    def capacity_of(self, role: StaffRole) -> int:
        """The capacity of a role.

        Examples
        --------
        >>> t = TeamSettings()
        >>> t.capacity_of(StaffRole.KAM), t.capacity_of(StaffRole.SUPPORT)
        (40, 40)
        """
        return self.capacity.get(role, self.default_capacity)

    def level_of(self, role: StaffRole) -> int:
        """The seniority level of a role (the most junior listed level for an unlisted role)."""
        return self.levels.get(role, max(self.levels.values(), default=1))


class CalendarSettings(_Section):
    """Bounds of recurring-event expansion in calendar imports (a hostile rule cannot run away).

    A series yields at most ``max_occurrences_per_series`` occurrences and one
    import at most ``max_occurrences_total``; the rest is skipped with the reason
    "recurrence cut short".
    """

    max_occurrences_per_series: int = Field(default=1000, ge=1, description="Occurrences of one series.")
    max_occurrences_total: int = Field(default=100_000, ge=1, description="Occurrences of all series of an import.")


class MeetingSizeSettings(_Section):
    """How a big meeting counts: past ``full_weight_attendees`` attendees, each pair counts less.

    A meeting of *n* attendees counts ``w(kind) * min(1, full_weight_attendees / n)``
    for each staff-stakeholder pair in it (a 50-person webinar with the default 8
    counts 8/50 = 0.16 of a meeting per pair). 0 turns the reduction off.
    """

    full_weight_attendees: int = Field(default=8, ge=0,
                                       description="Attendees up to which a meeting counts fully (0: always).")


class ConnectorSettings(_Section):
    """Pulls from calendar and CRM services (``kamgraph connect`` / ``kamgraph pull``).

    Connections and sync tokens are kept in ``state_file`` (default: kamgraph's
    directory under the user data directory); secrets are never kept there,
    only in the OS keyring or environment variables.
    """

    state_file: str | None = Field(default=None, description="Where connections and sync tokens are kept.")
    ca_bundle: str | None = Field(default=None, description="CA certificates to trust (default: the system's).")
    timeout_seconds: float = Field(default=30.0, gt=0, description="Per HTTP request.")
    max_retries: int = Field(default=5, ge=0, description="Retries after a 429 or a 5xx.")
    backoff_seconds: float = Field(default=1.0, ge=0, description="Wait before the first retry without Retry-After.")
    max_wait_seconds: float = Field(default=300.0, ge=0, description="Longest Retry-After honoured.")
    page_size: int = Field(default=100, ge=1, le=1000, description="Records asked for per page.")


class ReportSettings(_Section):
    """``kamgraph report``: branding and the comparison period."""

    template_dir: str | None = Field(
        default=None, description="Folder of Jinja2 templates that replace the built-in ones (report.html.j2, "
                                  "report.css); escaping stays on.")
    compare_days: int = Field(default=91, ge=1, description="'Change since last quarter' compares with this many "
                                                            "days before the as-of date.")


class EmailSettings(_Section):
    """``kamgraph alerts --email``: the SMTP server of the digest (the password comes from the environment only)."""

    host: str | None = Field(default=None, description="SMTP server host name.")
    port: int = Field(default=587, ge=1, le=65535, description="SMTP port (587: submission with STARTTLS).")
    starttls: bool = Field(default=True, description="Upgrade the connection with STARTTLS before logging in.")
    username: str | None = Field(default=None, description="Login name (no login when not set).")
    password_env: str = Field(default="KAMGRAPH_SMTP_PASSWORD",
                              description="Environment variable holding the SMTP password.")
    sender: str | None = Field(default=None, description="From address of the digest.")
    timeout_seconds: float = Field(default=20.0, gt=0, description="Per SMTP connection.")
    ca_file: str | None = Field(default=None, description="PEM file of the CA that signed the server's certificate "
                                                          "(default: the system's trusted CAs).")
    roles: list[str] = Field(default_factory=lambda: ["kam"],
                             description="Staff roles on an account who get its alerts in their digest.")


class DeliverySettings(_Section):
    """How ``kamgraph alerts`` formats what it delivers."""

    webhook_format: Literal["json", "teams", "slack"] = Field(
        default="json", description="json (kamgraph's payload, Slack-compatible text), teams (Adaptive Card) or "
                                    "slack (Block Kit); --webhook-format wins.")
    link_template: str | None = Field(
        default=None, description="Link of each alert in Teams, Slack and e-mail, with {account}, {key}, {rule}, "
                                  "{subject} (e.g. https://crm.example.com/accounts/{account}).")


class ExecutorSettings(_Section):
    """Where portfolio-wide jobs (``portfolio``, ``portfolio review``, ``alerts``) analyse their accounts.

    ``KAMGRAPH_EXECUTOR__URL=dask://HOST:PORT`` selects a Dask cluster without touching the file.
    """

    url: str = Field(default="local", description="'local' (worker processes on this machine), 'serial' "
                                                  "(this process only) or 'dask://HOST:PORT' (a Dask scheduler).")
    workers: int | None = Field(default=None, ge=1, description="Local worker processes (default: CPU count).")
    chunk_size: int = Field(default=200, ge=1, le=900, description="Accounts per task and per set-based read.")
    min_accounts: int = Field(default=400, ge=0,
                              description="Below this many accounts the local executor stays in one process.")


class WebSettings(_Section):
    """The web app (``kamgraph serve``): where its users live, sessions, sign-in throttling, proxy sign-in.

    ``users_file`` defaults to ``kamgraph-users.json`` next to a SQLite store, or in the user data
    directory (platformdirs) for a Neo4j store. The session signing key is kept in a file beside it
    (``<users_file>.key``, created on first use, readable by its owner only).
    """

    users_file: str | None = Field(default=None, description="JSON file of the web app's users (see above).")
    session_hours: float = Field(default=12.0, gt=0, description="How long a sign-in lasts.")
    login_attempts: int = Field(default=5, ge=1,
                                description="Failed sign-ins per user name or client address before a pause.")
    login_window_seconds: int = Field(default=300, ge=1, description="The pause, and the window failures count in.")
    trusted_header: str | None = Field(default=None, description=(
        "Sign in by this request header set by a reverse proxy (e.g. X-Forwarded-User); off when not set."))
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"],
                                       description="Client addresses whose trusted_header is believed.")
    cache_seconds: float = Field(default=300.0, ge=0, description=(
        "Figures of an account are cached this long (writes through the app clear them at once)."))


class ObjectiveMissedRuleSettings(AlertRuleSettings):
    """``objective_missed``: an open account-plan objective is past its due date and not met."""

    severity: Severity = "medium"


class PlanSettings(_Section):
    """Account plans (``kamgraph plan``): when an objective not met yet counts as at risk, and its alert.

    An open objective not met on the as-of date is **missed** after its due date, **at risk** when it is due
    within ``at_risk_days`` (the due date included), else **on track** (see :mod:`kamgraph.portfolio.plans`).
    """

    at_risk_days: int = Field(default=30, ge=0, description="Not met and due within this many days: at risk.")
    adopt_due_days: int = Field(default=30, ge=0, description=(
        "'plan adopt' without --due: the objective is due this many days after the X-ray's date."))
    objective_missed: ObjectiveMissedRuleSettings = Field(default_factory=ObjectiveMissedRuleSettings)


class SyncSettings(_Section):
    """``kamgraph sync``: how many departures inferred from absence one run may record (``--complete`` exports).

    A run is over the cap when it would record more than ``max_inferred_departures`` people, or more than
    ``max_inferred_share`` of the account's active stakeholders, as departed only because the export leaves
    them out; it then writes nothing unless ``--max-departures N`` allows that many.
    """

    max_inferred_departures: int = Field(default=5, ge=0, description=(
        "Departures inferred from absence one sync may record (--max-departures overrides)."))
    max_inferred_share: float = Field(default=0.2, ge=0, le=1, description=(
        "...and at most this share of the account's active stakeholders."))


class CsvSettings(_Section):
    """CSV written for spreadsheets (``export --format csv``, ``matrix --format csv``, every ``--csv``)."""

    neutralise_formulas: bool = Field(default=True, description=(
        "Put an apostrophe before cells a spreadsheet would run as a formula (=, +, -, @, tab, CR); turn off for "
        "programs reading the files."))


class LimitSettings(_Section):
    """Limits on what one import reads, so that a hostile or mistaken file cannot exhaust memory."""

    max_file_mb: float = Field(default=100.0, gt=0, description=(
        "Largest file an import reads, in MB (a canonical CSV takes about 40 times its size in memory)."))
    max_rows: int = Field(default=1_000_000, ge=1, description=(
        "Most rows (CSV lines, calendar events, vCards) one import reads, all its files together (about 3 GB)."))


class Neo4jTimeoutSettings(_Section):
    """How long a Neo4j store waits when the server is unreachable or goes away mid-command."""

    connect_seconds: float = Field(default=5.0, gt=0, description="To open a connection.")
    retry_seconds: float = Field(default=5.0, ge=0, description=(
        "To keep retrying a transaction that failed with a transient error (the server restarting, say)."))


class AttitudeSettings(_Section):
    """[attitude]: attitude toward us (-2..+2) and leaning toward competitors in the analysis.

    See the docs page "Attitude and competitors" for the rules these settings tune.
    """

    detractor_below: int = Field(
        default=0, ge=-2, le=2,
        description=("A stakeholder whose attitude is below this is a detractor (default 0: -1 and -2); detractors "
                     "and blockers nobody covers, or only one of us covers, are gaps."))
    successor_weight: float = Field(
        default=0.5, ge=0,
        description=("Points per step of attitude in a successor's score after someone left (+1 for a +2 "
                     "supporter, -1 for a -2 detractor with the default)."))
    competitor_strength: float = Field(
        default=3.0, ge=1, le=5,
        description="Competitor ties at least this strong (1-5) make a key stakeholder lean toward a competitor.")


class AnalysisSettings(_Section):
    """[analysis]: what counts as a thread besides meetings."""

    knows_ties_are_threads: bool = Field(
        default=False,
        description=("Count a recorded KNOWS tie from one of our staff to a stakeholder as a thread (marked "
                     "offline: no meeting behind it) when the pair has no thread from meetings."))


class Settings(_Section):
    """All settings of kamgraph; one section per concern."""

    strength: StrengthSettings = Field(default_factory=StrengthSettings)
    importance: ImportanceSettings = Field(default_factory=ImportanceSettings)
    coverage: CoverageSettings = Field(default_factory=CoverageSettings)
    cadence: CadenceSettings = Field(default_factory=CadenceSettings)
    shape: ShapeSettings = Field(default_factory=ShapeSettings)
    bridges: BridgeSettings = Field(default_factory=BridgeSettings)
    fragility: FragilitySettings = Field(default_factory=FragilitySettings)
    actions: ActionSettings = Field(default_factory=ActionSettings)
    portfolio: PortfolioSettings = Field(default_factory=PortfolioSettings)
    stage: StageSettings = Field(default_factory=StageSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    departures: DepartureSettings = Field(default_factory=DepartureSettings)
    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings)
    trend: TrendSettings = Field(default_factory=TrendSettings)
    team: TeamSettings = Field(default_factory=TeamSettings)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    meeting_size: MeetingSizeSettings = Field(default_factory=MeetingSizeSettings)
    connectors: ConnectorSettings = Field(default_factory=ConnectorSettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    email: EmailSettings = Field(default_factory=EmailSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    executor: ExecutorSettings = Field(default_factory=ExecutorSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    plans: PlanSettings = Field(default_factory=PlanSettings)
    sync: SyncSettings = Field(default_factory=SyncSettings)
    csv: CsvSettings = Field(default_factory=CsvSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    neo4j_timeouts: Neo4jTimeoutSettings = Field(default_factory=Neo4jTimeoutSettings)
    attitude: AttitudeSettings = Field(default_factory=AttitudeSettings)
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)


def _merge(base: dict[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _env_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _toml_leaves(node: Any) -> Any:
    """Environment values (strings) read as TOML values where they can be: ``60``, ``true``, ``[1, 2]``."""
    if isinstance(node, dict):
        return {k: _toml_leaves(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_toml_leaves(v) for v in node]
    return _env_value(node) if isinstance(node, str) else node


@functools.lru_cache(maxsize=1)
def _settings_source_class() -> type:
    """A pydantic-settings class with the fields of :class:`Settings`, for its sources to read against."""
    from pydantic import create_model
    from pydantic_settings import BaseSettings

    return create_model("_SettingsSources", __base__=BaseSettings,
                        **{name: (field.annotation, field) for name, field in Settings.model_fields.items()})


def _file_layer(file: Path) -> dict[str, Any]:
    """One TOML settings file, read by pydantic-settings' TOML source."""
    from pydantic_settings import TomlConfigSettingsSource

    try:
        return dict(TomlConfigSettingsSource(_settings_source_class(), toml_file=file).toml_data)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc})") from None


def _from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """``KAMGRAPH_<SECTION>__<KEY>`` variables, read by pydantic-settings' environment source.

    Without any such variable pydantic-settings is not even imported (it costs a tenth of a second).
    """
    if not any(name.upper().startswith(ENV_PREFIX) and "__" in name for name in env):
        return {}
    from pydantic_settings import EnvSettingsSource

    try:
        from pydantic_settings.sources.utils import parse_env_vars
    except ImportError:  # pydantic-settings before 2.7 kept it in one module
        from pydantic_settings.sources import parse_env_vars  # type: ignore[attr-defined,no-redef]

    class _Env(EnvSettingsSource):
        def _load_env_vars(self) -> Mapping[str, str | None]:
            return parse_env_vars(env, False, False, None)

    try:
        found = _Env(_settings_source_class(), env_prefix=ENV_PREFIX, env_nested_delimiter="__",
                     case_sensitive=False)()
    except Exception as exc:  # pydantic-settings' SettingsError: a list or table that is not valid JSON
        raise ConfigError(f"{ENV_PREFIX}* variables: {exc}") from None
    return _toml_leaves(found)


#: Neo4j's own variables (as cypher-shell and the drivers' examples read them) -> the setting they fill.
NEO4J_ENV = {"NEO4J_USERNAME": "user", "NEO4J_PASSWORD": "password", "NEO4J_DATABASE": "database"}


def _from_neo4j_env(env: Mapping[str, str]) -> dict[str, Any]:
    """``NEO4J_USERNAME``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE`` as ``[neo4j]`` settings (``KAMGRAPH_*`` win)."""
    section = {key: env[name] for name, key in NEO4J_ENV.items() if env.get(name)}
    return {"neo4j": section} if section else {}


def user_config_file() -> Path:
    """The per-user settings file: ``kamgraph.toml`` in the platform's user configuration folder.

    ``~/.config/kamgraph/kamgraph.toml`` on Linux (``$XDG_CONFIG_HOME`` honoured),
    ``~/Library/Application Support/kamgraph/kamgraph.toml`` on macOS,
    ``%LOCALAPPDATA%\\kamgraph\\kamgraph.toml`` on Windows (platformdirs decides).
    """
    import platformdirs

    return Path(platformdirs.user_config_dir("kamgraph", appauthor=False)) / CONFIG_FILE


def settings_files(config: str | Path | None = None, *, cwd: str | Path | None = None,
                   user_file: str | Path | None = None) -> list[Path]:
    """The settings files that exist, in the order they are read (later ones win).

    The per-user file (:func:`user_config_file`), then ``./kamgraph.toml``, then
    ``config`` (``--config``). A file named twice is read once.
    """
    here = Path(cwd) if cwd is not None else Path.cwd()
    candidates = [Path(user_file) if user_file is not None else user_config_file(), here / CONFIG_FILE]
    if config is not None:
        candidates.append(Path(config))
    found: list[Path] = []
    for file in candidates:
        if file.is_file() and not any(_same_file(file, f) for f in found):
            found.append(file)
    return found


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def load_layered(config: str | Path | None = None, *, env: Mapping[str, str] | None = None,
                 cwd: str | Path | None = None, user_file: str | Path | None = None) -> tuple[Settings, list[Path]]:
    """The settings of the command line, and the files they were read from.

    Later sources win: the defaults, the per-user file, ``./kamgraph.toml``,
    ``config`` (which must exist), ``NEO4J_USERNAME`` / ``NEO4J_PASSWORD``,
    then ``KAMGRAPH_<SECTION>__<KEY>`` variables.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "user.toml").write_text("[strength]\\nhalf_life_days = 30\\nthread_threshold = 0.7\\n")
    >>> _ = (folder / "kamgraph.toml").write_text("[strength]\\nhalf_life_days = 45\\n")
    >>> s, files = load_layered(env={"KAMGRAPH_STRENGTH__HALF_LIFE_DAYS": "60"}, cwd=folder,
    ...                         user_file=folder / "user.toml")
    >>> s.strength.half_life_days, s.strength.thread_threshold, [f.name for f in files]
    (60.0, 0.7, ['user.toml', 'kamgraph.toml'])
    """
    if config is not None and not Path(config).is_file():
        raise ConfigError(f"{config}: no such settings file")
    files = settings_files(config, cwd=cwd, user_file=user_file)
    env = os.environ if env is None else env
    layers: list[tuple[str, dict[str, Any]]] = [(str(f), _file_layer(f)) for f in files]
    layers.append(("NEO4J_* variables", _from_neo4j_env(env)))
    layers.append((f"{ENV_PREFIX}* variables", _from_env(env)))
    return _validate(layers), files


def _validate(layers: Sequence[tuple[str, dict[str, Any]]]) -> Settings:
    data: dict[str, Any] = {}
    for _, layer in layers:
        data = _merge(data, layer)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = [str(p) for p in err["loc"]]
        where = ".".join(loc)
        source = next((name for name, layer in reversed(layers) if _has_path(layer, loc)), None)
        source = source or " + ".join(name for name, layer in layers if layer) or "defaults"
        raise ConfigError(f"{source}: {where}: {err['msg']}{_shown_input(where, err)}") from None


#: Setting names whose value may be a secret: never shown in a message.
_SECRET_NAME = re.compile(r"pass|pwd|secret|token|credential|key", re.IGNORECASE)


def _shown_input(where: str, err: Any) -> str:
    """`` (got VALUE)`` for a validation message, or nothing when the value might be a secret.

    An unknown key is often a misspelt secret (``passwrod``), and a whole table may hold one, so neither is
    shown; nor is any value under a name that looks like a secret.
    """
    value = err.get("input")
    if err.get("type") == "extra_forbidden" or _SECRET_NAME.search(where) or isinstance(value, dict | list):
        return " (the value is not shown)"
    return f" (got {value!r})"


def _has_path(node: Any, path: Sequence[str]) -> bool:
    for part in path:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, Mapping) and part in node:
            node = node[part]
        else:
            return False
    return True


def load_settings(path: str | Path | None = CONFIG_FILE, *, env: Mapping[str, str] | None = None,
                  required: bool = False) -> Settings:
    """Build the effective settings from defaults, one TOML file and the environment.

    (The command line reads more files: see :func:`load_layered`.)

    Parameters
    ----------
    path : str or Path or None
        The TOML file; the default ``kamgraph.toml`` is optional, a file named
        explicitly (``required=True``) must exist. None skips the file.
    env : mapping, optional
        Environment to read ``KAMGRAPH_*`` (and ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``)
        variables from (default ``os.environ``).
    required : bool
        Fail when the file does not exist.

    Raises
    ------
    ConfigError
        Naming the file (or variable) and the setting that is wrong.
    """
    layers: list[tuple[str, dict[str, Any]]] = []
    if path is not None:
        file = Path(path)
        if file.is_file():
            layers.append((str(file), _file_layer(file)))
        elif required:
            raise ConfigError(f"{file}: no such settings file")
    env = os.environ if env is None else env
    layers.append(("NEO4J_* variables", _from_neo4j_env(env)))
    layers.append((f"{ENV_PREFIX}* variables", _from_env(env)))
    return _validate(layers)


def toml_value(value: Any) -> str:
    """A setting's value (JSON form) written as TOML, by tomli-w (so newlines and quotes are escaped).

    Examples
    --------
    >>> toml_value({"call": 0.5, "name": 'a "b"', "on": [True, 2]})
    '{ call = 0.5, name = "a \\\\"b\\\\"", on = [true, 2] }'
    >>> toml_value("two\\nlines")
    '"two\\\\nlines"'
    """
    import tomli_w

    if isinstance(value, dict):
        return "{ " + ", ".join(f"{tomli_w.dumps({k: 0}).split(' = ')[0]} = {toml_value(v)}"
                                for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, bool | int | float | str):
        return tomli_w.dumps({"v": value}).split(" = ", 1)[1].rstrip("\n")
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def settings_toml(settings: Settings) -> str:
    """The settings as a TOML document that :func:`load_settings` reads back unchanged.

    Examples
    --------
    >>> text = settings_toml(Settings())
    >>> text.splitlines()[0], tomllib.loads(text)["strength"]["half_life_days"]
    ('[strength]', 90.0)
    >>> Settings.model_validate(tomllib.loads(text)) == Settings()
    True
    """
    blocks: list[str] = []
    for section in type(settings).model_fields:
        _toml_blocks(section, getattr(settings, section), blocks)
    return "\n\n".join(blocks) + "\n"


def _toml_blocks(name: str, section: BaseModel, blocks: list[str], header: str = "[{}]") -> None:
    """``[name]`` with the section's values, then one ``[name.sub]`` table per sub-section and one
    ``[[name.key]]`` table per item of a list of sections."""
    values = section.model_dump(mode="json")
    subs = [key for key in type(section).model_fields if isinstance(getattr(section, key), BaseModel)]
    arrays = [key for key in type(section).model_fields
              if isinstance(getattr(section, key), list) and getattr(section, key)
              and all(isinstance(item, BaseModel) for item in getattr(section, key))]
    lines = [header.format(name)]
    for key, value in values.items():
        if key in subs or key in arrays:
            continue
        if isinstance(getattr(section, key), SecretStr):
            lines.append(f"# {key} = ... (set, not shown)")
        elif value is None:
            lines.append(f"# {key} = (not set)")
        else:
            lines.append(f"{key} = {toml_value(value)}")
    blocks.append("\n".join(lines))
    for key in subs:
        _toml_blocks(f"{name}.{key}", getattr(section, key), blocks)
    for key in arrays:
        for item in getattr(section, key):
            _toml_blocks(f"{name}.{key}", item, blocks, header="[[{}]]")
