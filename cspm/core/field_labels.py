"""How fields read to a CSM: labels, the related-data group and fractions shown as percents.

Every place that names a field to a person (the rule builder, segment reasons, `cspm segments
why`, column choosers, exports) takes its words from here, so "contacts_inactive_share_10d"
reads "Contacts Inactive Share (10 days)" everywhere and its 0.4 reads "40%" everywhere.
"""

from __future__ import annotations

import math

from .fields import CANONICAL_FIELDS, FIELDS, FieldType

DERIVED_LABELS: dict[str, str] = {
    "tier": "Tier",
    "lifecycle_stage": "Lifecycle Stage",
    "health_score": "Health Score",
    "seat_utilization": "Seat utilization",
    "days_to_renewal": "Days to renewal",
    "days_since_last_interaction": "Days since last interaction",
    "arr_change_pct": "ARR change %",
    "imported_lifecycle_stage": "Lifecycle Stage",
}
"""Computed fields, as the portfolio names them; canonical fields use their own labels."""

FIELD_LABELS: dict[str, str] = {
    **DERIVED_LABELS,
    **{f.name: f.label for f in CANONICAL_FIELDS},
}

AGGREGATE_FIELDS: tuple[str, ...] = (
    "subscriptions_active",
    "usage_events_30d",
    "usage_active_users_30d",
    "usage_active_days_30d",
    "usage_trend_30d",
    "tickets_opened_90d",
    "tickets_escalated_90d",
    "ticket_satisfaction_90d",
    "contacts_total",
    "contacts_active_10d",
    "contacts_active_14d",
    "contacts_active_30d",
    "contacts_inactive_share_10d",
    "exec_last_login",
)
"""Account fields that exist only as aggregates of related rows (subscriptions, usage, tickets,
contacts); listed together under one heading wherever fields are chosen, hidden by default
in tables, and left out of views when no account has a value."""

AGGREGATE_GROUP = "Subscriptions, usage, tickets and contacts"
"""The heading those fields are listed under."""

PERCENT_FIELDS: frozenset[str] = frozenset(
    f.name for f in CANONICAL_FIELDS if f.type == FieldType.NUMBER and f.percent_scale == 1.0
)
"""Number fields stored as fractions (0.3) and shown and typed as percents (30%)."""


def field_label(name: str) -> str:
    """A field's label: the core's for canonical and computed fields; a custom field's name
    title-cased as its header read ("product_line" -> "Product Line")."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    words = name.replace("_", " ").strip()
    return " ".join(w if w.isupper() else w.capitalize() for w in words.split()) or name


def is_percent(name: str) -> bool:
    """True for a fraction field shown as a percent (see PERCENT_FIELDS)."""
    return name in PERCENT_FIELDS


def percent_text(fraction: float, signed: bool = False) -> str:
    """0.4 -> "40%", -0.355 -> "-35.5%", 1/3 -> "33.3%"; signed: 0.1 -> "+10%"; NaN -> "empty".

    Rounded to one decimal of a percent, which is finer than any rule a CSM writes.
    """
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "empty"
    pct = round(float(fraction) * 100, 1) + 0.0  # + 0.0: -0.0 reads "0%"
    text = f"{pct:,.1f}".rstrip("0").rstrip(".")
    return ("+" if signed and pct > 0 else "") + text + "%"


def parse_percent(text: str, scale: float = 1.0) -> float | None:
    """'30%' -> 0.3 on a fraction field (scale 1); None when the text is not 'N%'.

    Only a written '%' is read as a percent: a bare number in a rule is the stored value.
    """
    s = text.strip().replace(",", "").replace(" ", "")
    if not s.endswith("%"):
        return None
    try:
        value = float(s[:-1])
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return round(value * scale / 100, 12)


def percent_scale(name: str) -> float | None:
    """What 100% means for a number field (1 for a fraction, 100 for a score); None otherwise."""
    spec = FIELDS.get(name)
    if spec is None or spec.type not in (FieldType.NUMBER, FieldType.SCORE):
        return None
    return spec.percent_scale
