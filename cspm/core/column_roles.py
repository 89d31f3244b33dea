"""Deciding a column's role from its values where the header alone misleads, and saying so.

Headers are the same words in every CRM, but the values are not: Salesforce's "Account Owner"
in a Data Export holds user IDs (`005...`), HubSpot's "Lifecycle Stage" holds marketing stages
(subscriber, lead, customer, evangelist), not the customer-success lifecycle. After the header
mapping, each such column is checked on its distinct values and moved to the field the values
belong to. Every decision the user did not make by hand becomes one info line in the import
summary: a column moved by its values, an owner ID kept as an ID, a column that lost a field to
another column.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pandas as pd

from .fields import FIELDS
from .header import Table
from .mapping import CUSTOM, IGNORE, ColumnMapping, ColumnMatch, custom_field_name
from .plan import Problem

ID_SHARE = 0.9
"""A column is "IDs" when at least this share of its distinct non-blank values look like IDs."""

# Salesforce 15/18-character record IDs (with digits: a 15-letter surname is not an ID),
# numeric IDs (HubSpot owner IDs), GUIDs with or without braces (Dynamics 365), Zoho's
# "zcrm_" IDs.
_ID = re.compile(
    r"(?=[A-Za-z0-9]*[0-9][A-Za-z0-9]*[0-9])(?:[A-Za-z0-9]{15}|[A-Za-z0-9]{18})"
    r"|[0-9]{3,}"
    r"|\{?[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}?"
    r"|zcrm_[0-9]+"
)

HUBSPOT_LIFECYCLE = frozenset(
    {
        "subscriber",
        "lead",
        "marketingqualifiedlead",
        "mql",
        "salesqualifiedlead",
        "sql",
        "opportunity",
        "customer",
        "evangelist",
        "other",
    }
)
"""HubSpot's default lifecycle stages, as internal codes and (squashed) UI labels."""

_DECIDED_BY_HEADER = ("synonym", "fuzzy")  # user and profile choices are never second-guessed


def _distinct(series: pd.Series) -> list[str]:
    """Distinct non-blank cell texts, trimmed (the check runs on these, not on every row)."""
    values = series.dropna()
    if values.empty:
        return []
    texts = pd.Series(values.unique()).astype("str").str.strip()
    return [t for t in texts.unique().tolist() if t]


def looks_like_ids(series: pd.Series) -> bool:
    """True when the column's values are record IDs rather than people's names."""
    values = _distinct(series)
    if not values:
        return False
    hits = sum(bool(_ID.fullmatch(v)) for v in values)
    return hits >= ID_SHARE * len(values)


def looks_like_marketing_stages(series: pd.Series) -> bool:
    """True when every value is one of HubSpot's lifecycle stages (any case or spacing)."""
    values = _distinct(series)
    squashed = {re.sub(r"[^a-z]", "", v.casefold()) for v in values}
    return bool(squashed) and squashed <= HUBSPOT_LIFECYCLE


def _note(header: str, message: str) -> Problem:
    """One decision about a column, as the summary lists it."""
    return Problem(None, header, None, message, "info")


def _sample(series: pd.Series) -> str:
    values = _distinct(series)
    return values[0] if values else ""


def _move(mapping: ColumnMapping, match: ColumnMatch, target: str) -> ColumnMapping:
    """`match` retargeted to `target` by its values; kept as custom when `target` is taken."""
    taken = set(mapping.field_columns())
    if target in taken:
        used = {c.custom_name for c in mapping.columns if c.custom_name}
        base = custom_field_name(match.header)
        name, n = base, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        new = ColumnMatch(match.header, CUSTOM, "values", name, target, taken_by(mapping, target))
    else:
        new = replace(match, target=target, how="values")
    return ColumnMapping([new if c is match else c for c in mapping.columns], mapping.kind)


def taken_by(mapping: ColumnMapping, target: str) -> str | None:
    """The header of the column mapped to `target`, if any."""
    return mapping.field_columns().get(target)


def decide_roles(table: Table, mapping: ColumnMapping) -> tuple[ColumnMapping, list[Problem]]:
    """The mapping with value-decided roles applied, and one info Problem per decision."""
    notes: list[Problem] = []
    data = table.data
    for match in list(mapping.columns):
        if match.how not in _DECIDED_BY_HEADER or match.header not in data.columns:
            continue
        values = data[match.header]
        if match.target == "owner" and looks_like_ids(values):
            mapping = _move(mapping, match, "owner_id")
        elif match.target == "lifecycle_stage" and looks_like_marketing_stages(values):
            mapping = _move(mapping, match, "crm_lifecycle_stage")
            if taken_by(mapping, "crm_lifecycle_stage") != match.header:
                continue  # kept as custom: the "also looked like" note below says why
            notes.append(
                _note(
                    match.header,
                    "holds the CRM's marketing stages (lead, customer, evangelist...), not the "
                    "customer-success lifecycle: kept as CRM Lifecycle Stage; cspm assigns "
                    "lifecycle stages by its own rules",
                )
            )
    has_arr = "arr" in mapping.field_columns() or "mrr" in mapping.field_columns()
    for col in mapping.columns:
        if col.target == IGNORE and col.how in _DECIDED_BY_HEADER:
            notes.append(
                _note(
                    col.header,
                    "is the sync tool's or CRM's own bookkeeping, not account data: ignored",
                )
            )
        if col.target == "company_revenue" and col.how in _DECIDED_BY_HEADER:
            notes.append(
                _note(
                    col.header,
                    "is the customer company's own revenue: kept as Company Revenue, never "
                    "used as ARR"
                    + ("" if has_arr else "; no column holds ARR, so no account gets an ARR tier"),
                )
            )
        if col.target == "owner_id" and col.how in (*_DECIDED_BY_HEADER, "values"):
            sample = _sample(data[col.header]) if col.header in data.columns else ""
            like = f" (like '{sample}')" if sample else ""
            notes.append(
                _note(
                    col.header,
                    f"holds user IDs{like}, not names: kept as Owner ID, never shown as the "
                    "account owner",
                )
            )
        if col.wanted and col.custom_name:
            seen = "was also mapped to" if col.how == "user" else "also looked like"
            notes.append(
                _note(
                    col.header,
                    f"{seen} {FIELDS[col.wanted].label}; kept as custom field "
                    f"{col.custom_name} (column '{col.lost_to}' is used)",
                )
            )
    return mapping, notes
