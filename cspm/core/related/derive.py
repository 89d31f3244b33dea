"""Turning a related file's input columns into its kind's own fields (see `related.inputs`).

Each step takes the parsed columns (field -> Series, index 0..n-1) and returns them changed,
with the sentences the import summary shows; whole columns at once, never row by row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .values import WON

INTERVAL_MONTHS: dict[str, float] = {
    "month": 1.0,
    "monthly": 1.0,
    "mo": 1.0,
    "year": 12.0,
    "yearly": 12.0,
    "annual": 12.0,
    "annually": 12.0,
    "yr": 12.0,
    "quarter": 3.0,
    "quarterly": 3.0,
    "week": 12.0 / 52.0,
    "weekly": 12.0 / 52.0,
    "day": 12.0 / 365.0,
    "daily": 12.0 / 365.0,
}
"""Months in one billing interval ("month", "year", "1 year" read as "year")."""

SATISFACTION_WORDS: dict[str, float | None] = {
    "good": 100.0,
    "satisfied": 100.0,
    "positive": 100.0,
    "bad": 0.0,
    "unsatisfied": 0.0,
    "dissatisfied": 0.0,
    "negative": 0.0,
    "offered": None,
    "unoffered": None,
    "not offered": None,
}
"""Zendesk-style ratings: good is 100, bad 0 (so an average is the share rated good); offered
and unoffered say nothing."""

INPUT_ONLY: frozenset[str] = frozenset(
    {"amount", "interval", "stage", "is_won", "term_months", "first_name", "last_name"}
)


def won_rows(cols: dict[str, pd.Series], n: int) -> tuple[np.ndarray, str | None]:
    """Which rows of an opportunities file are subscriptions: IsWon true where a won column
    says, else stage Closed Won; with the sentence about the rows left out."""
    if "is_won" in cols:
        won = cols["is_won"].fillna(False).to_numpy(dtype=bool)
        why = "IsWon is not true"
    elif "stage" in cols:
        won = (cols["stage"] == WON).to_numpy(dtype=bool)
        why = "their stage is not Closed Won"
    else:
        return np.ones(n, dtype=bool), None
    skipped = int((~won).sum())
    if not skipped:
        return won, None
    rows = "1 opportunity" if skipped == 1 else f"{skipped:,} opportunities"
    return won, f"{rows} not imported: {why} (only closed-won opportunities are subscriptions)"


def subscription_amounts(cols: dict[str, pd.Series], opportunities: bool) -> list[str]:
    """MRR from a price per billing interval (x quantity), or ARR from a deal's amount.

    A Stripe-style file gives "Amount" per "Interval" per unit: MRR = amount x quantity /
    months in the interval. An opportunity's amount is its ARR. The file's own MRR or ARR
    columns win where they have a value.
    """
    amount = cols.get("amount")
    if amount is None:
        return []
    if "interval" in cols:
        words = cols["interval"].astype("str").str.strip().str.casefold()
        words = words.str.replace(r"^(?:1\s+|per\s+|every\s+)", "", regex=True).str.rstrip("s")
        months = words.map(INTERVAL_MONTHS).astype("float64")
        seats = cols["seats"].fillna(1.0) if "seats" in cols else 1.0
        mrr = amount * seats / months
        cols["mrr"] = cols["mrr"].fillna(mrr) if "mrr" in cols else mrr
        unknown = int((amount.notna() & months.isna()).sum())
        note = "MRR is the amount x quantity per month of its billing interval"
        if unknown:
            note += f"; {unknown:,} row(s) have no interval cspm knows, so no MRR"
        return [note]
    if opportunities or "arr" not in cols:
        cols["arr"] = cols["arr"].fillna(amount) if "arr" in cols else amount
        return ["ARR is each opportunity's amount" if opportunities else "ARR is the amount"]
    return []


def contract_ends(cols: dict[str, pd.Series]) -> list[str]:
    """End = start + the contract term in months, where the file gives no end."""
    term = cols.get("term_months")
    start = cols.get("start_date")
    if term is None or start is None:
        return []
    months = term.round()
    ok = start.notna() & months.notna()
    ends = pd.Series(pd.NaT, index=start.index, dtype="datetime64[ns]")
    if ok.any():
        s = start[ok]
        index = s.dt.year * 12 + s.dt.month - 1 + months[ok].astype("int64")
        first = pd.to_datetime(
            pd.DataFrame({"year": index // 12, "month": index % 12 + 1, "day": 1})
        )
        day = np.minimum(s.dt.day.to_numpy(), first.dt.days_in_month.to_numpy())
        ends[ok] = first + pd.to_timedelta(day - 1, unit="D")  # 31 Jan + 1 month: 28/29 Feb
    cols["end_date"] = cols["end_date"].fillna(ends) if "end_date" in cols else ends
    return ["the end date is the start plus the contract term where no end is given"]


def contact_names(cols: dict[str, pd.Series]) -> None:
    """A contact's name from first and last name where the file has no full name."""
    first, last = cols.get("first_name"), cols.get("last_name")
    if first is None and last is None:
        return
    parts = pd.DataFrame({"f": first, "l": last}).fillna("")
    joined = (parts["f"].astype("str") + " " + parts["l"].astype("str")).str.strip()
    full = joined.where(joined != "", None).astype(object)
    cols["name"] = cols["name"].where(cols["name"].notna(), full) if "name" in cols else full


def satisfaction_words(raw: pd.Series) -> pd.Series:
    """Rating words as scores (see SATISFACTION_WORDS); other cells unchanged."""
    words = raw.astype("str").str.strip().str.casefold()
    known = words.isin(list(SATISFACTION_WORDS)).to_numpy(dtype=bool)
    if not known.any():
        return raw
    out = raw.astype(object).copy()
    out[known] = words[known].map(SATISFACTION_WORDS)
    return out


def lower_emails(values: pd.Series) -> pd.Series:
    """E-mail addresses compare case-insensitively: stored lower-cased."""
    present = values.notna()
    return values.astype("str").str.casefold().astype(object).where(present, None)
