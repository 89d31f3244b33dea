"""The segments every CSM starts with, written in the rule language itself.

They are data, not code: the UI offers them as editable templates and the service stores them
like user segments, so a built-in can be changed or shared the same way as any other.
"""

from __future__ import annotations

from typing import Any

from cspm.core.fields import FieldType
from cspm.core.rules.language import parse_rule
from cspm.core.rules.nodes import Rule


def _active(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule for customers who have not churned: a save plan, a re-engagement call or an
    upsell for an account that already left is noise in the CSM's lists and tasks."""
    return {"all": [{"field": "lifecycle_stage", "op": "!=", "value": "Churned"}, rule]}


BUILTIN_SEGMENTS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    (
        "New this week",
        "Contract started in the last 7 days: say hello and book the kick-off.",
        {"field": "contract_start", "op": "within_last_days", "value": 7},
    ),
    (
        "Onboarding",
        "Accounts in the Onboarding lifecycle stage.",
        {"field": "lifecycle_stage", "op": "=", "value": "Onboarding"},
    ),
    (
        "Renewal in next 90 days",
        "Renewal date within the next 90 days.",
        _active({"field": "renewal_date", "op": "within_next_days", "value": 90}),
    ),
    (
        "Expansion potential",
        "Nearly all seats used, usage growing 20%+ in 30 days, or a promoter (NPS 9-10).",
        _active(
            {
                "any": [
                    {"field": "seat_utilization", "op": ">=", "value": 0.95},
                    {"field": "mau", "op": "rose_by_pct", "value": 20, "since_days": 30},
                    {"field": "nps", "op": ">=", "value": 9},
                ]
            }
        ),
    ),
    (
        "At risk",
        "Health below 50, or health dropped 15+ points in 30 days.",
        _active(
            {
                "any": [
                    {"field": "health_score", "op": "<", "value": 50},
                    {"field": "health_score", "op": "dropped_by", "value": 15, "since_days": 30},
                ]
            }
        ),
    ),
    (
        "No interaction in 30+ days",
        "The last interaction on record is more than 30 days old.",
        _active(
            {
                "all": [
                    {"field": "last_interaction", "op": "is_not_empty"},
                    {"field": "last_interaction", "op": "older_than_days", "value": 30},
                ]
            }
        ),
    ),
    (
        "No interaction on record",
        "No interaction date from any file and none logged: log the first touchpoint.",
        _active({"field": "last_interaction", "op": "is_empty"}),
    ),
    (
        "Churned in last 60 days",
        "Churned accounts whose churn date is within the last 60 days: win-back window.",
        {
            "all": [
                {"field": "lifecycle_stage", "op": "=", "value": "Churned"},
                {"field": "churn_date", "op": "within_last_days", "value": 60},
            ]
        },
    ),
    (
        "Unpaid invoices",
        "Accounts with an unpaid invoice amount.",
        {"field": "unpaid_invoices", "op": ">", "value": 0},
    ),
    (
        "No QBR in 120 days",
        "Enterprise and Mid-Market accounts without a QBR in 120 days (or ever).",
        _active(
            {
                "all": [
                    {"field": "last_qbr", "op": "older_than_days", "value": 120},
                    {"field": "tier", "op": "in", "value": ["Enterprise", "Mid-Market"]},
                ]
            }
        ),
    ),
    (
        "Low adoption",
        "Fewer than half of the purchased seats are active.",
        _active({"field": "seat_utilization", "op": "<", "value": 0.5}),
    ),
    # From related data (contacts and usage exports). An account without the underlying data
    # (no contacts file, no usage rows) is never a member: missing stays missing.
    (
        "Users not logging in",
        "More than 30% of the account's users have not logged in in the last 10 days.",
        _active({"field": "contacts_inactive_share_10d", "op": ">", "value": 0.3}),
    ),
    (
        "Executive sponsor inactive",
        "No admin or executive login in the last 15 days (or none on record while the "
        "account has contacts).",
        _active(
            {
                "any": [
                    {
                        "all": [
                            {"field": "exec_last_login", "op": "is_not_empty"},
                            {"field": "exec_last_login", "op": "older_than_days", "value": 15},
                        ]
                    },
                    {
                        "all": [
                            {"field": "exec_last_login", "op": "is_empty"},
                            {"field": "contacts_total", "op": ">", "value": 0},
                        ]
                    },
                ]
            }
        ),
    ),
    (
        # The trend compares the usage events of the 30 days up to the data's date with the 30
        # days before, from the raw events. A history op on usage_events_30d would compare with
        # the latest snapshot on or before today - 30 days: with month-end snapshots that is up
        # to two months back, and nothing at all for a single import.
        "Usage dropped 30% in 30 days",
        "Usage events in the last 30 days are at least 30% below the 30 days before.",
        _active({"field": "usage_trend_30d", "op": "<=", "value": -0.3}),
    ),
)


BUILTIN_REVISIONS: tuple[tuple[int, str, str, dict[str, Any]], ...] = (
    (
        2,
        "No interaction in 30+ days",
        "No logged interaction in the last 30 days (or never).",
        _active({"field": "last_interaction", "op": "older_than_days", "value": 30}),
    ),
)
"""Earlier shipped definitions, by the library version that replaced them: (version, name,
old description, old rule). A database seeded before that version gets the new definition
only where the stored one is still exactly the old one (a user's edit is theirs to keep)."""

ADDED_IN: dict[str, int] = {
    "No interaction on record": 2,
    "Users not logging in": 3,
    "Executive sponsor inactive": 3,
    "Usage dropped 30% in 30 days": 3,
}
"""Built-ins added after the first library, by version: existing databases get each once."""

BUILTIN_VERSION = 3
"""The version of the built-in library; a database records the one it was last brought to."""


def builtin_rules(catalog: dict[str, FieldType]) -> dict[str, Rule]:
    """The built-in segments parsed against a catalogue, by name, in library order."""
    return {name: parse_rule(obj, catalog) for name, _desc, obj in BUILTIN_SEGMENTS}
