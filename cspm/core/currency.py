"""Amounts in the portfolio currency: an account's own currency converted by a dated rate table.

A CRM exports each account's amounts in the account's currency (Salesforce `CurrencyIsoCode`,
a "Currency" column). Summing them as they are would add euros to dollars, so an import
converts ARR, MRR, potential ARR, unpaid invoices and company revenue into the portfolio
currency at the rate in effect on the file's as-of date (the latest rate dated on or before it),
and keeps what it did per account in two stored fields:

- `fx_rate`: the rate applied (1 for amounts already in the portfolio currency, and for a file
  without a currency column); the original amount is the stored amount divided by it.
- `arr_unconverted`: the ARR as written, for an account whose currency has no rate. Its amounts
  are left *missing* in the money fields, so no total, tier band, percentile or outcome can add
  them to the others; screens show the unconverted ARR flagged, and the import warns naming the
  rows. Adding a rate and importing the file again converts them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .money import MoneyFormat, format_for, full_one, money_full
from .plan import ImportPlan, Problem
from .settings import CurrencySettings, FxRate

AMOUNT_FIELDS: tuple[str, ...] = (
    "arr",
    "mrr",
    "potential_arr",
    "unpaid_invoices",
    "company_revenue",
)
"""The money fields an account's currency applies to."""
CONVERSION_FIELDS: tuple[str, ...] = ("fx_rate", "arr_unconverted")
"""Stored fields the conversion writes; never read from a file (not mapping targets)."""
CODE = re.compile(r"^[A-Z]{3}$")
MAX_ROWS_NAMED = 10


def normalise_code(text: object) -> str:
    """ "eur " -> "EUR"; blank or missing -> ""."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return str(text).strip().upper()


def check_code(code: str) -> str:
    """A three-letter ISO 4217 code, upper case; anything else is a one-sentence error."""
    from .errors import BadInputError

    clean = normalise_code(code)
    if not CODE.match(clean):
        raise BadInputError(f"'{code}' is not a currency code; use three letters such as EUR.")
    return clean


def rate_on(rates: Sequence[FxRate], currency: str, day: dt.date) -> FxRate | None:
    """The rate of `currency` in effect on `day`: the latest dated on or before it."""
    iso = day.isoformat()
    usable = [r for r in rates if r.currency == currency and r.effective <= iso]
    return max(usable, key=lambda r: r.effective) if usable else None


@dataclass(frozen=True)
class Conversion:
    """What converting one file did, for notes and tests."""

    converted: dict[str, tuple[FxRate, int]]  # currency -> (rate used, accounts)
    unknown: dict[str, list[int]]  # currency -> sheet rows


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:MAX_ROWS_NAMED])
    more = len(rows) - MAX_ROWS_NAMED
    return f"rows {shown}" + (f" and {more} more" if more > 0 else "")


def convert_plan(
    plan: ImportPlan,
    currency: CurrencySettings,
    as_of: dt.date,
    currency_header: str | None = None,
) -> tuple[ImportPlan, Conversion]:
    """The plan with its amounts in the portfolio currency (see module docstring).

    A file that carries no amount is returned unchanged. A file with amounts and no currency
    column is taken to be in the portfolio currency (fx_rate 1), which also clears an earlier
    file's "no rate" flag for its accounts. A blank currency cell counts as the portfolio's.
    """
    frame = plan.frame
    amounts = [f for f in AMOUNT_FIELDS if f in frame.columns]
    if not amounts:
        return plan, Conversion({}, {})
    n = len(frame)
    rate = np.ones(n)
    unconverted = np.full(n, np.nan)
    converted: dict[str, tuple[FxRate, int]] = {}
    unknown: dict[str, list[int]] = {}
    if "currency" in frame.columns:
        raw = frame["currency"].astype(object)
        text = raw.where(raw.notna(), "").astype(str).str.strip().str.upper()
        codes = text.to_numpy(dtype=object)
        codes = np.where(codes == "", currency.code, codes)
        for code in pd.unique(codes):
            if code == currency.code:
                continue
            mask = codes == code
            found = rate_on(currency.rates, str(code), as_of)
            if found is None:
                unknown[str(code)] = frame["source_row"].to_numpy()[mask].astype(int).tolist()
                rate[mask] = np.nan
            else:
                converted[str(code)] = (found, int(mask.sum()))
                rate[mask] = found.rate
    out = frame.copy(deep=False)  # copy-on-write: only the columns set below are new
    no_rate = np.isnan(rate)
    if "arr" in out.columns:
        unconverted[no_rate] = out["arr"].to_numpy(dtype=np.float64, na_value=np.nan)[no_rate]
    for f in amounts:
        out[f] = out[f].astype("float64") * rate  # NaN rate: missing, never a wrong amount
    out["fx_rate"] = rate
    written = ["fx_rate"]
    if "arr" in out.columns:  # a file without ARR leaves an earlier "no rate" ARR flagged
        out["arr_unconverted"] = unconverted
        written.append("arr_unconverted")
    carried = [*plan.carried, *(f for f in written if f not in plan.carried)]
    problems = list(plan.problems)
    for code, (r, count) in converted.items():
        problems.append(
            Problem(
                None,
                currency_header,
                code,
                f"amounts of {count} account(s) in {code} converted to {currency.code} at "
                f"{r.rate:g} (rate from {r.effective})",
                "info",
            )
        )
    for code, rows in unknown.items():
        problems.append(
            Problem(
                None,
                currency_header,
                code,
                f"no {code} rate on or before {as_of.isoformat()} ({_rows_text(rows)}): their "
                f"ARR is kept in {code}, flagged, and left out of every total; other amounts are "
                f"left empty. Add a rate (cspm settings rates {code}=RATE --from DATE) and "
                "import the file again",
                "warning",
            )
        )
    return replace(plan, frame=out, carried=carried, problems=problems), Conversion(
        converted, unknown
    )


def original_text(
    amount: float | None,
    code: str | None,
    rate: float | None,
    money: MoneyFormat,
) -> str:
    """ "€45,000 (converted at 1.08)" for an amount converted from another currency; "" when
    the amount was already in the portfolio currency or is missing."""
    code = normalise_code(code)
    if amount is None or rate is None or code in ("", money.code):
        return ""
    if not (np.isfinite(amount) and np.isfinite(rate)) or rate <= 0 or rate == 1:
        return ""
    own = full_one(amount / rate, format_for(code, money), cents="auto")
    return f"{own} (converted at {rate:g})"


def unconverted_text(amount: float | None, code: str | None, money: MoneyFormat) -> str:
    """ "£45,000 (GBP: no rate, not in totals)" for an ARR kept in its own currency."""
    if amount is None or not np.isfinite(amount):
        return ""
    code = normalise_code(code) or "?"
    own = full_one(amount, format_for(code, money), cents="auto")
    return f"{own} ({code}: no rate, not in totals)"


def unconverted_mask(frame: pd.DataFrame) -> np.ndarray:
    """Accounts whose ARR is held unconverted (their currency had no rate)."""
    if "arr_unconverted" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    held = pd.to_numeric(frame["arr_unconverted"], errors="coerce").notna().to_numpy()
    if "arr" in frame.columns:  # copy-on-write arrays are read-only: combine, never in place
        held = held & pd.to_numeric(frame["arr"], errors="coerce").isna().to_numpy()
    return np.asarray(held, dtype=bool)


def arr_notes(frame: pd.DataFrame, money: MoneyFormat) -> pd.Series:
    """Per account, its ARR as the file had it: "€45,000 (converted at 1.08)", "£30,000 (GBP:
    no rate, not in totals)", or "" (already in the portfolio currency, or no ARR).

    Column-wise per currency, for exports of a whole portfolio.
    """
    out = pd.Series("", index=frame.index, dtype=object)
    if "fx_rate" not in frame.columns or "currency" not in frame.columns or frame.empty:
        return out
    arr = pd.to_numeric(frame.get("arr"), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    rate = pd.to_numeric(frame["fx_rate"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    raw = frame["currency"].astype(object)
    codes = raw.where(raw.notna(), "").astype(str).str.strip().str.upper().to_numpy(dtype=object)
    with np.errstate(invalid="ignore", divide="ignore"):
        converted = np.isfinite(arr) & np.isfinite(rate) & (rate > 0) & (rate != 1)
    converted &= (codes != "") & (codes != money.code)
    held = unconverted_mask(frame)
    kept = pd.to_numeric(frame.get("arr_unconverted"), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    notes = np.full(len(frame), "", dtype=object)
    for code in pd.unique(codes[converted | held]):
        own = format_for(str(code) or "?", money)
        mask = converted & (codes == code)
        if mask.any():
            amounts = money_full(arr[mask] / rate[mask], own, cents="auto").astype(str)
            rates = np.array([f"{r:g}" for r in rate[mask].tolist()], dtype=str)
            text = np.strings.add(np.strings.add(amounts, " (converted at "), rates)
            notes[mask] = np.strings.add(text, ")").astype(object)
        mask = held & (codes == code)
        if mask.any():
            amounts = money_full(kept[mask], own, cents="auto").astype(str)
            suffix = f" ({code or '?'}: no rate, not in totals)"
            notes[mask] = np.strings.add(amounts, suffix).astype(object)
    return pd.Series(notes, index=frame.index, dtype=object)
