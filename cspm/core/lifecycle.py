"""Lifecycle stages: where each account is in its customer journey, and why.

A stage tells a CSM what kind of work an account needs (onboard it, drive adoption, prepare the
renewal, win it back), so the rules are a short ordered list a person can check by hand; the
first rule that matches wins, and the reason names that rule and the values it saw:

1. status is a churned status, the churn column (churn_flag) is true,
   the file's own lifecycle_stage is Churned, or churn_date <= today  -> Churned
2. the file's own lifecycle_stage names a configured stage           -> that stage
3. status is a trial status, or contract_start is after today        -> Trial
4. contract_start within the last `onboarding_days`                  -> Onboarding
5. renewal_date within the next `renewal_days`, or already passed    -> Renewal
6. is_reference, or nps >= advocate_nps and health >= advocate_health -> Advocate
7. contract_start within the last `adoption_days`                    -> Adoption
8. contract_start known                                              -> Established
   otherwise                                                         -> Unknown

Windows are inclusive: "within the last 90 days" is 0 <= today - date <= 90. An imported
"Unknown" is not taken as a stage (the rules below it can usually do better). Everything is
computed with numpy masks over the whole portfolio; reason texts are built per rule on that
rule's accounts only, with distinct dates and numbers formatted once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from cspm.core.columns import numeric_column
from cspm.core.settings import LIFECYCLE_STAGES, Settings
from cspm.core.vocabulary import value_key

_UNKNOWN = "Unknown"

# Stage per rule number (rule 1, the imported stage, is filled from the file per account).
_RULE_STAGES: tuple[str | None, ...] = (
    "Churned",
    None,
    "Trial",
    "Onboarding",
    "Renewal",
    "Advocate",
    "Adoption",
    "Established",
    _UNKNOWN,
)
assert all(s is None or s in LIFECYCLE_STAGES for s in _RULE_STAGES)


class _Text:
    """A text column factorised once: per-row codes plus trimmed and casefolded distinct values.

    CRM status/stage columns hold a handful of spellings, so normalising the distinct values
    (not 100,000 cells) keeps the work vectorised.
    """

    def __init__(self, frame: pd.DataFrame, column: str) -> None:
        if column in frame.columns:
            codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
        else:
            codes, uniques = np.full(len(frame), -1, dtype=np.intp), []
        raw = [str(u).strip() for u in uniques]
        self.codes = np.asarray(codes)
        # Trailing "" serves code -1 (missing) when indexing.
        self.raw = np.array([*raw, ""], dtype=object)
        self.keys = [value_key(r) for r in raw]

    def isin(self, values: tuple[str, ...]) -> np.ndarray:
        """Rows whose text is one of `values`, compared by `value_key` (case, spaces, "_")."""
        wanted = {value_key(v) for v in values}
        hits = [i for i, k in enumerate(self.keys) if k in wanted]
        return np.isin(self.codes, hits)

    def lookup(self, names: tuple[str, ...]) -> np.ndarray:
        """Per row, the configured spelling the text names (case-insensitive), else None."""
        spelled = {value_key(n): n for n in names}
        table = np.array([*(spelled.get(k) for k in self.keys), None], dtype=object)
        return table[self.codes]


def _dates(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A date column as datetime64[D] (NaT missing), whatever unit or tz it arrived with."""
    if column not in frame.columns:
        return np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    values = frame[column]
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, errors="coerce")
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_localize(None)
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def _offsets(days: np.ndarray, today: np.datetime64) -> np.ndarray:
    """date - today in whole days, as float with NaN for missing dates (so comparisons fail)."""
    offset = (days - today).astype(np.int64).astype(np.float64)
    offset[np.isnat(days)] = np.nan
    return offset


def _flag(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A boolean column as plain bool, missing counting as False."""
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].eq(True).fillna(False).to_numpy(dtype=bool)


def _per_value(keys: np.ndarray, make: Callable[[Any], str]) -> np.ndarray:
    """`make(key)` per element, calling it once per distinct key (object array of str).

    Every reason is a function of a small key (a day offset, a status code, an (nps, health)
    pair), and a portfolio has a few thousand distinct keys at most, so formatting the
    distinct keys and indexing the result is vectorised in effect and costs almost nothing.
    """
    if keys.size == 0:
        return np.array([], dtype=object)
    uniques, inverse = np.unique(keys, return_inverse=True, axis=0 if keys.ndim > 1 else None)
    table = np.array([make(u) for u in uniques.tolist()], dtype=object)
    return table[inverse.reshape(-1)]


def _days(n: float, *, ago: bool) -> str:
    """A day count as "48 days", "1 day", "today"; with `ago`, "48 days ago"."""
    count = abs(int(n))
    if count == 0:
        return "today"
    text = f"{count} day" if count == 1 else f"{count} days"
    return f"{text} ago" if ago else text


def _today(today: datetime.date) -> np.datetime64:
    """Today as a day, accepting a date, a datetime or a Timestamp."""
    return np.datetime64(pd.Timestamp(today).date(), "D")


def churned_mask(frame: pd.DataFrame, today: datetime.date, settings: Settings) -> np.ndarray:
    """Accounts the Churned rule (rule 1) holds for: a churned status, or a churn date on or
    before today. Tiering needs it before stages exist (a churned account is tiered by its
    last ARR), so it is one function both use."""
    status = _Text(frame, "status")
    churn = _offsets(_dates(frame, "churn_date"), _today(today))
    flagged = _flag(frame, "churn_flag")  # unknown (missing) is not churned
    staged = _Text(frame, "lifecycle_stage").isin(("Churned",))  # the file's own stage
    churned = status.isin(settings.churned_statuses) | flagged | staged | (churn <= 0)
    return np.asarray(churned, dtype=bool)


def assign_stages(
    frame: pd.DataFrame,
    today: datetime.date,
    settings: Settings,
    churned: np.ndarray | None = None,
) -> pd.DataFrame:
    """lifecycle_stage and stage_reason for every account in `frame`, as of `today`.

    Returns a DataFrame indexed like `frame` with str columns; stages are names from
    `LIFECYCLE_STAGES`. See the module docstring for the rules and their order. `churned`:
    `churned_mask` of the same frame when the caller has it already.
    """
    index = frame.index
    win = settings.lifecycle
    day = _today(today)

    status = _Text(frame, "status")
    imported = _Text(frame, "lifecycle_stage")
    imported_stage = imported.lookup(tuple(s for s in LIFECYCLE_STAGES if s != _UNKNOWN))
    churn_days, start_days, renewal_days = (
        _dates(frame, c) for c in ("churn_date", "contract_start", "renewal_date")
    )
    churn = _offsets(churn_days, day)
    start = _offsets(start_days, day)
    renewal = _offsets(renewal_days, day)
    nps = numeric_column(frame, "nps")
    health = numeric_column(frame, "health_score")
    reference = _flag(frame, "is_reference")

    churned_status = status.isin(settings.churned_statuses)
    trial_status = status.isin(settings.trial_statuses)
    with np.errstate(invalid="ignore"):
        promoter = (nps >= win.advocate_nps) & (health >= win.advocate_health)
        conditions = [
            churned_mask(frame, today, settings) if churned is None else churned,
            imported_stage != None,  # noqa: E711 - elementwise on an object array
            trial_status | (start > 0),
            (start <= 0) & (start >= -win.onboarding_days),
            renewal <= win.renewal_days,  # upcoming within the window, or already passed
            reference | promoter,
            (start <= 0) & (start >= -win.adoption_days),
            ~np.isnan(start),
        ]
    rule = np.select(conditions, list(range(len(conditions))), default=len(conditions))

    stage = np.array(_RULE_STAGES, dtype=object)[rule]
    from_file = rule == 1
    stage[from_file] = imported_stage[from_file]

    reason = np.full(len(frame), "no contract_start and no other rule matched", dtype=object)

    def put(sel: np.ndarray, keys: np.ndarray, make: Callable[[Any], str]) -> None:
        if sel.any():
            reason[sel] = _per_value(keys[sel], make)

    def iso(offset: float) -> str:
        return str(day + np.timedelta64(int(offset), "D"))

    onboarding, adoption = win.onboarding_days, win.adoption_days
    by_status = churned_status & (rule == 0)
    put(by_status, status.codes, lambda c: f"status '{status.raw[c]}' is a churned status")
    by_flag = _flag(frame, "churn_flag") & (rule == 0) & ~by_status
    reason[by_flag] = "the churn column says churned"
    by_stage = (rule == 0) & ~by_status & ~by_flag & (imported_stage == "Churned")
    put(by_stage, imported.codes, lambda c: f"imported lifecycle_stage '{imported.raw[c]}'")
    put(
        (rule == 0) & ~by_status & ~by_flag & ~by_stage,
        churn,
        lambda d: f"churn_date {iso(d)} has passed ({_days(d, ago=True)})",
    )
    put(from_file, imported.codes, lambda c: f"imported lifecycle_stage '{imported.raw[c]}'")
    by_status = trial_status & (rule == 2)
    put(by_status, status.codes, lambda c: f"status '{status.raw[c]}' is a trial status")
    put(
        (rule == 2) & ~by_status,
        start,
        lambda d: f"contract_start {iso(d)} is after today (in {_days(d, ago=False)})",
    )
    put(
        rule == 3,
        start,
        lambda d: (
            f"contract_start {iso(d)} is within the last {onboarding:g} days ({_days(d, ago=True)})"
        ),
    )
    put(
        rule == 4,
        renewal,
        lambda d: (
            f"renewal_date {iso(d)} is within the next {win.renewal_days:g} days "
            f"({_days(d, ago=False)})"
            if d >= 0
            else f"renewal_date {iso(d)} has passed ({_days(d, ago=True)}) "
            "and the account is not churned"
        ),
    )
    reason[(rule == 5) & reference] = "is_reference is true"
    put(
        (rule == 5) & ~reference,
        np.column_stack([nps, health]),
        lambda p: (
            f"nps {p[0]:g} >= {win.advocate_nps:g} "
            f"and health_score {p[1]:g} >= {win.advocate_health:g}"
        ),
    )
    put(
        rule == 6,
        start,
        lambda d: (
            f"contract_start {iso(d)} is within the last {adoption:g} days ({_days(d, ago=True)})"
        ),
    )
    put(
        rule == 7,
        start,
        lambda d: (
            f"contract_start {iso(d)} is more than {adoption:g} days ago ({_days(d, ago=True)})"
        ),
    )

    return pd.DataFrame(
        {
            "lifecycle_stage": pd.Series(stage, index=index, dtype="str"),
            "stage_reason": pd.Series(reason, index=index, dtype="str"),
        },
        index=index,
    )
