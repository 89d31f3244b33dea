"""The one way from stored data to the analysed portfolio a CSM sees, at any date.

Every view of the portfolio (the window, the CLI, outcomes at a past date, the tier and stage
moves an import reports, task generation, reports) calls `analyse_portfolio`, so none of them
can layer touchpoints, pinned tiers or segment rules its own way: an account a logged QBR took
out of "No QBR in 120 days" is out of it in every one of them.

The order, once:
1. logged touchpoints dated on or before `today` over the imported interaction and QBR dates
   (the newer date wins);
2. pinned tiers (overrides) and their reasons;
3. `analysis.analyse`: tier -> effective health -> lifecycle stage -> derived fields;
4. segment rules checked against the catalogue of that portfolio (a rule that names a custom
   field no longer there is reported, not fatal), then membership and the `segments` column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .analysis import AnalysedPortfolio, analyse, segment_lists, snapshot_index, with_all_fields
from .errors import BadInputError
from .fields import FieldType
from .health import HealthConfig
from .rules import Rule, build_catalog, evaluate_many, parse_rule
from .settings import Settings
from .state import last_touch_dates, layer_touchpoints


@dataclass
class Analysed(AnalysedPortfolio):
    """`AnalysedPortfolio` plus the segment rules it was evaluated with.

    rules: the rules that fit this portfolio's catalogue, by segment name; rule_errors: the
    segments left out, with the sentence saying why."""

    rules: dict[str, Rule] = field(default_factory=dict)
    rule_errors: dict[str, str] = field(default_factory=dict)


def override_series(
    state: pd.DataFrame, overrides: pd.DataFrame
) -> tuple[pd.Series | None, pd.Series | None, pd.Series | None]:
    """Pinned tier, its reason and who pinned it per account of `state` (indexed by key), or
    Nones.

    overrides: indexed by account key, columns tier, reason and (optionally) user."""
    if not len(overrides):
        return None, None, None
    keys = state.set_index("key", drop=False)["key"]
    by = keys.map(overrides["user"]) if "user" in overrides.columns else None
    return keys.map(overrides["tier"]), keys.map(overrides["reason"]), by


def check_rules(
    segments: Mapping[str, Any], catalog: dict[str, FieldType]
) -> tuple[dict[str, Rule], dict[str, str]]:
    """(rules that fit the catalogue, {segment: why it does not}) from rule JSON by name."""
    rules: dict[str, Rule] = {}
    errors: dict[str, str] = {}
    for name, source in segments.items():
        try:
            rules[name] = parse_rule(source, catalog)
        except BadInputError as exc:
            errors[name] = str(exc)
    return rules, errors


def analyse_portfolio(
    state: pd.DataFrame,
    history: pd.DataFrame | None,
    today: dt.date,
    *,
    settings: Settings,
    overrides: pd.DataFrame,
    touchpoints: pd.DataFrame,
    health: HealthConfig | None,
    segments: Mapping[str, Any] | None = None,
    rules: Mapping[str, Rule] | None = None,
    custom: tuple[pd.DataFrame, dict[str, FieldType]] | None = None,
    contacts: pd.DataFrame | None = None,
) -> Analysed:
    """The analysed portfolio on `today` from stored account states (see module docstring).

    state: column `key`, canonical fields (and optionally `custom` dicts); history: key,
    as_of, import_id and numeric fields (only what is on or before `today` counts for
    trends, as the caller passes it); touchpoints: account_key, kind, date.
    segments: rule JSON by segment name, checked against this portfolio's catalogue; or
    rules: rules already checked (outcomes at a past date use today's). Neither: no segments.
    custom: the `expand_custom` result of the state's custom dicts when the caller has it.
    contacts: the contact table (`related.contact_table`) on `today`, for segments counted
    over contacts; None: such segments match nobody (no contacts, or a past date: contacts
    have no history).
    """
    state = with_all_fields(state)  # every field present, so the touch dates can be layered
    state = layer_touchpoints(state, last_touch_dates(touchpoints, today))
    tiers, notes, by = override_series(state, overrides)
    snapshots = snapshot_index(history, state, today)  # one per load: analysis and segments
    base = analyse(
        state,
        history,
        settings,
        today,
        override_tiers=tiers,
        override_notes=notes,
        override_by=by,
        health=health,
        custom=custom,
        snapshots=snapshots,
    )
    errors: dict[str, str] = {}
    if segments is not None:
        checked, errors = check_rules(segments, build_catalog(base.custom_types))
    else:
        checked = dict(rules or {})
    frame, membership = base.frame, base.membership
    if checked:
        membership = evaluate_many(
            checked, frame, history, today, contacts=contacts, snapshots=snapshots
        )
        frame["segments"] = segment_lists(membership)
    return Analysed(frame, membership, base.custom_types, checked, errors)


def health_change(frame: pd.DataFrame, history: pd.DataFrame, today: dt.date) -> pd.Series:
    """Per account of `frame` (indexed by key): its health score now minus the one of the
    import before the latest on or before `today` (NaN without two snapshots). Task triggers
    ("health dropped") and priority read it."""
    hist = history[history["as_of"] <= pd.Timestamp(today)]
    hist = hist.sort_values(["as_of", "import_id"], kind="stable")
    previous = hist.groupby("key")["health_score"].nth(-2)
    previous_by_key = pd.Series(previous.to_numpy(), index=hist.loc[previous.index, "key"])
    return frame["health_score"] - frame.index.map(previous_by_key).astype(float)
