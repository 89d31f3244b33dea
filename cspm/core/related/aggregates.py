"""The account aggregates at any dates, derived from linked related rows, vectorised.

`aggregates_at(frames, dates)` is the whole story of a portfolio's related data as a long
frame: one row per linked account and date, from the account's first related date on, with
every field the present kinds derive (carried.DERIVED_BY_KIND). A related import writes these
rows as snapshots (one per month end, say), so history, outcomes and "dropped since" rules read
related data exactly like accounts files.

Each kind's figures live in their own module (subscription_figures, churn_figures,
usage_figures, ticket_figures, contact_figures) and work on numpy arrays indexed by account
code: preparing sorts each kind once, then each date costs one pass (or a slice) per figure.
The only Python loop is over the dates.

Every figure is explicit at every date (0 open tickets, churn_flag False, ARR 0 with nothing
active), so a snapshot after a reactivation clears the earlier churn. An account with no rows
of a present kind gets that kind's zeros too (the export lists all of them: an account absent
from a tickets export has no tickets). Kinds in `pictures_from` (contacts: a picture of "now",
not a history) are unknown before the picture's date: their fields are blank there, and their
rows date from the picture, not from their own dates, when deciding where an account starts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from cspm.core.field_spec import FieldType

from .carried import DERIVED_BY_KIND, derived_fields
from .churn_figures import ChurnFigures
from .contact_figures import EXEC_ROLE_WORDS, ContactFigures
from .day_arrays import NO_DAY, day_of, days
from .frames import RelatedFrames
from .kinds import CHURN_EVENTS, CONTACTS, RELATED_KINDS, SUBSCRIPTIONS, TICKETS, USAGE
from .subscription_figures import SubscriptionFigures
from .ticket_figures import TicketFigures
from .usage_figures import UsageFigures

__all__ = ["EXEC_ROLE_WORDS", "aggregates_at"]

DATE_FIELDS = frozenset(
    {"contract_start", "renewal_date", "churn_date", "exec_last_login", "last_login"}
)
TEXT_FIELDS = frozenset({"plan"})
BOOL_FIELDS = frozenset({"churn_flag"})

Figures = Callable[[int], dict[str, np.ndarray]]


class _Linked:
    """The linked rows of each kind and their account codes (0..n-1, accounts sorted by key)."""

    def __init__(self, frames: RelatedFrames) -> None:
        self.kinds = frames.present()
        rows = {k: frames.of(k) for k in self.kinds}
        self.rows = {k: f[f["account_key"].notna()] for k, f in rows.items()}
        keys = pd.unique(pd.concat([f["account_key"] for f in self.rows.values()] or [pd.Series()]))
        self.keys = np.sort(np.asarray([k for k in keys if k is not None], dtype=object))
        self.n = len(self.keys)
        index = pd.Index(self.keys, dtype=object)
        self.codes = {
            k: index.get_indexer(f["account_key"]).astype(np.int64) for k, f in self.rows.items()
        }

    def frame(self, kind: str) -> pd.DataFrame:
        return self.rows.get(kind, RelatedFrames.empty().of(kind))

    def codes_of(self, kind: str) -> np.ndarray:
        return self.codes.get(kind, np.zeros(0, np.int64))


def _date_columns(kind: str) -> list[str]:
    return [f.name for f in RELATED_KINDS[kind].fields if f.type == FieldType.DATE]


def _first_days(linked: _Linked, picture_days: Mapping[str, int]) -> np.ndarray:
    """Each account's first related day (NO_DAY when none of its rows has a date)."""
    first = np.full(linked.n, np.iinfo(np.int64).max, dtype=np.int64)
    for kind in linked.kinds:
        codes = linked.codes_of(kind)
        if kind in picture_days:
            np.minimum.at(first, codes, np.full(len(codes), picture_days[kind], np.int64))
            continue
        for col in _date_columns(kind):
            d = days(linked.frame(kind)[col])
            has = d != NO_DAY
            np.minimum.at(first, codes[has], d[has])
    first[first == np.iinfo(np.int64).max] = NO_DAY
    return first


def _figures(linked: _Linked, exec_roles: Sequence[str]) -> list[Figures]:
    n = linked.n
    out: list[Figures] = []
    kinds = set(linked.kinds)
    if SUBSCRIPTIONS in kinds:
        out.append(
            SubscriptionFigures(linked.frame(SUBSCRIPTIONS), linked.codes_of(SUBSCRIPTIONS), n).at
        )
    if CHURN_EVENTS in kinds:
        subs, sub_codes = linked.frame(SUBSCRIPTIONS), linked.codes_of(SUBSCRIPTIONS)
        churn = ChurnFigures(
            linked.frame(CHURN_EVENTS), linked.codes_of(CHURN_EVENTS), subs, sub_codes, n
        )
        out.append(churn.at)
    if USAGE in kinds:
        out.append(UsageFigures(linked.frame(USAGE), linked.codes_of(USAGE), n).at)
    if TICKETS in kinds:
        out.append(TicketFigures(linked.frame(TICKETS), linked.codes_of(TICKETS), n).at)
    if CONTACTS in kinds:
        out.append(
            ContactFigures(linked.frame(CONTACTS), linked.codes_of(CONTACTS), n, exec_roles).at
        )
    return out


def _blank(values: np.ndarray, name: str) -> np.ndarray:
    if name in DATE_FIELDS:
        return np.full(len(values), np.datetime64("NaT", "ns"))
    if name in TEXT_FIELDS:
        return np.full(len(values), None, dtype=object)
    return np.full(len(values), np.nan)


def _column(name: str, parts: list[np.ndarray]) -> pd.Series | np.ndarray:
    """One output column in the account fields' dtype."""
    if name in DATE_FIELDS:
        return (
            np.concatenate(parts).astype("datetime64[ns]")
            if parts
            else np.zeros(0, "datetime64[ns]")
        )
    if name in TEXT_FIELDS:
        return pd.Series(np.concatenate(parts) if parts else [], dtype=object)
    values = np.concatenate(parts).astype(np.float64) if parts else np.zeros(0, np.float64)
    if name in BOOL_FIELDS:
        return pd.array(values, dtype="Float64").astype("boolean")  # NaN -> <NA>
    return values


def aggregates_at(
    frames: RelatedFrames,
    dates: Sequence[dt.date],
    *,
    pictures_from: Mapping[str, dt.date] | None = None,
    exec_roles: Sequence[str] = EXEC_ROLE_WORDS,
) -> pd.DataFrame:
    """Every linked account's aggregates at each date (d inclusive: "as of the end of d").

    Columns: account_key, as_of (datetime64[ns]), then `derived_fields(frames.present())`
    (float64 numbers, datetime64[ns] dates, object plan, "boolean" churn_flag). One row per
    account per date on or after the account's first related date; dates are sorted and
    de-duplicated; rows ordered by date, then account key. Unlinked rows are ignored.
    `pictures_from`: kind -> the date its rows describe (contacts' import as-of date); that
    kind's fields are blank before it. `exec_roles`: role words making a contact an executive.
    """
    fields = derived_fields(frames.present())
    linked = _Linked(frames)
    picture_days = {k: day_of(d) for k, d in (pictures_from or {}).items()}
    first = _first_days(linked, picture_days)
    figures = _figures(linked, exec_roles)
    blanks = {
        day: [f for k, d in picture_days.items() if day < d for f in DERIVED_BY_KIND.get(k, ())]
        for day in sorted({day_of(d) for d in dates})
    }
    keys: list[np.ndarray] = []
    as_of: list[np.ndarray] = []
    parts: dict[str, list[np.ndarray]] = {f: [] for f in fields}
    for day, blank in blanks.items():
        rows = first <= day
        values: dict[str, np.ndarray] = {}
        for at in figures:
            values.update(at(day))
        keys.append(linked.keys[rows])
        as_of.append(np.full(int(rows.sum()), np.datetime64(day, "D")).astype("datetime64[ns]"))
        for name in fields:
            v = values[name][rows]
            if name in BOOL_FIELDS:
                v = v.astype(np.float64)
            parts[name].append(_blank(v, name) if name in blank else v)
    out = pd.DataFrame(
        {
            "account_key": pd.Series(np.concatenate(keys) if keys else [], dtype=object),
            "as_of": pd.Series(
                np.concatenate(as_of) if as_of else np.zeros(0, "datetime64[ns]"),
                dtype="datetime64[ns]",
            ),
        }
    )
    for name in fields:
        out[name] = _column(name, parts[name])
    return out
