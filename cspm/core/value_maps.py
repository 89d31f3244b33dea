"""Words in status-like columns and what they mean: the built-in vocabulary and the user's maps.

CRMs, billing tools and hand-kept sheets say "churned" in many words ("Closed Lost", "Former
customer", "Inactive", `Churn = Yes`), and a word cspm does not know must never silently leave
a lost customer active. So every value of a status, churn flag, lifecycle stage, tier or plan
column gets a *target*, decided per distinct value (a column holds a handful of spellings, not
100,000), in this order:

1. the user's value map (command line `--value`, the wizard's values page): strict, a value or
   target that does not fit is a one-sentence error;
2. the saved mapping profile's value map: lenient, entries that do not fit this file are skipped;
3. the built-in vocabulary and the settings (`churned_statuses`, `trial_statuses`).

What a target does to the stored value, per field:
- status: meanings active / churned / trial / non_renewing / unknown. Words the vocabulary knows
  are stored as written (the CSM's own words) and read through the settings when the portfolio
  is analysed, so changing `churned_statuses` takes effect without re-importing. A value the
  user maps by hand is stored as the meaning's word ("Non-renewing" mapped to churned is stored
  as "Churned"), so the choice holds whatever the settings say later; "unknown" stores nothing.
- churn_flag: churned is true, active is false, unknown is missing (never false). Yes/No,
  TRUE/FALSE, 1/0, Y/N are read by the boolean parser; status words ("Churned", "Retained") too.
- lifecycle_stage: a configured stage name ("Implementation" -> Onboarding, "Closed Lost" ->
  Churned); "unknown" keeps the text, which the lifecycle rules then ignore.
- tier: a configured tier name ("Tier 1", "Gold"); built-in words apply only when the tier
  source is the imported column. plan: any text (a rename); no built-in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .errors import BadInputError
from .fields import FIELDS, FieldType, normalise_header
from .parsing.missing import is_missing
from .settings import Settings
from .vocabulary import (
    KEEP,
    STORED_WORD,
    UNKNOWN,
    VALUE_FIELDS,
    choices,
    default_target,
    resolve_target,
    tier_words,
    value_key,
)

MAX_LISTED = 40  # distinct values listed per column (the wizard shows one dropdown each)

How = Literal["yours", "profile", "vocabulary", "none"]
"""Who decided a value's target: the user, the saved profile, the vocabulary, or nobody."""


@dataclass(frozen=True)
class ValueCount:
    """One distinct value of a column: as first written, how many rows, its target and why."""

    value: str
    count: int
    target: str
    how: How


@dataclass(frozen=True)
class ValueColumn:
    """A column whose values can be mapped, for the wizard's values page.

    choices: (target, label) pairs the dropdown offers; values: the most frequent distinct
    values (at most MAX_LISTED); more: how many distinct values were not listed.
    """

    header: str
    field: str
    values: tuple[ValueCount, ...]
    choices: tuple[tuple[str, str], ...]
    more: int = 0


@dataclass
class ValueMapResult:
    """The value step's output: the columns to parse (translated), what to show and say."""

    raw: dict[str, pd.Series] = field(default_factory=dict)  # field -> translated raw column
    columns: list[ValueColumn] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (header, value, message)
    used: dict[str, dict[str, str]] = field(default_factory=dict)  # norm header -> key -> target


def _find_header(text: str, headers: list[str]) -> str:
    if text in headers:
        return text
    norm = normalise_header(text)
    for h in headers:
        if normalise_header(h) == norm:
            return h
    shown = ", ".join(f"'{h}'" for h in headers[:12])
    raise BadInputError(f"No column '{text}' in the file (its columns: {shown}).")


_HOLDS = {
    FieldType.MONEY: "amounts",
    FieldType.NUMBER: "numbers",
    FieldType.SCORE: "scores",
    FieldType.DATE: "dates",
    FieldType.BOOL: "yes/no values",
    FieldType.TEXT: "free text",
}


def _value_field(header: str, field_of: Mapping[str, str]) -> str:
    fname = field_of.get(header)
    if fname in VALUE_FIELDS:
        return fname
    what = (
        f"holds {_HOLDS[FIELDS[fname].type]} ({fname})"
        if fname in FIELDS
        else "is not imported as a field"
    )
    raise BadInputError(
        f"Column '{header}' {what}; value maps apply to status, churn flag, lifecycle stage, "
        "tier and plan columns."
    )


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def _describe(fname: str, target: str) -> str:
    if fname == "tier":
        return f"tier {target}"
    if fname == "lifecycle_stage":
        return f"stage {target}"
    if fname == "plan":
        return f"'{target}'"
    if fname == "churn_flag":
        return {"churned": "churned", "active": "not churned"}.get(target, "unknown")
    return target.replace("_", "-")


def map_values(
    data: pd.DataFrame,
    field_of: Mapping[str, str],
    settings: Settings,
    user: Mapping[str, Mapping[str, str]] | None = None,
    profile: Mapping[str, Mapping[str, str]] | None = None,
) -> ValueMapResult:
    """Decide every value of every value-field column of `data` and translate the columns.

    field_of: source header -> canonical field, for the mapped columns. user: header (as the
    user wrote it) -> value -> target, checked strictly (BadInputError names the column, value
    or target that does not fit). profile: normalised header -> value key -> target, applied
    where it fits. Returns translated raw columns for the fields that changed.
    """
    headers = list(data.columns)
    strict: dict[str, dict[str, str]] = {}
    written: dict[tuple[str, str], str] = {}  # how the user wrote each value, for errors
    for text, values in (user or {}).items():
        header = _find_header(text, headers)
        fname = _value_field(header, field_of)
        for value, target in values.items():
            resolved = resolve_target(fname, target, settings)
            if resolved is None:
                allowed = ", ".join(t for t, _ in choices(fname, settings))
                raise BadInputError(
                    f"'{target}' is not a meaning for column '{header}'; use one of {allowed}."
                )
            strict.setdefault(header, {})[value_key(value)] = resolved
            written[(header, value_key(value))] = value
    result = ValueMapResult()
    for header, fname in field_of.items():
        if fname not in VALUE_FIELDS or header not in data.columns:
            continue
        _check_present(data[header], header, strict.get(header, {}), written)
        _one_column(data[header], header, fname, settings, strict, profile or {}, result)
    return result


def _check_present(
    raw: pd.Series,
    header: str,
    mine: Mapping[str, str],
    written: Mapping[tuple[str, str], str],
) -> None:
    """A value the user mapped must be in the column (a typo must not pass silently)."""
    if not mine:
        return
    texts = pd.unique(raw[~is_missing(raw)].astype("str").str.strip())
    keys = {value_key(t) for t in texts}
    for key in mine:
        if key not in keys:
            listed = ", ".join(f"'{t}'" for t in texts[:12])
            raise BadInputError(
                f"Column '{header}' has no value '{written[(header, key)]}' "
                f"(its values: {listed or 'none'})."
            )


def _one_column(
    raw: pd.Series,
    header: str,
    fname: str,
    settings: Settings,
    strict: Mapping[str, Mapping[str, str]],
    profile: Mapping[str, Mapping[str, str]],
    result: ValueMapResult,
) -> None:
    present = ~is_missing(raw).to_numpy(dtype=bool)
    codes, uniques = pd.factorize(raw.where(present, None), use_na_sentinel=True)
    texts = [str(u).strip() for u in uniques]
    keys = [value_key(t) for t in texts]
    counts = np.bincount(codes[codes >= 0], minlength=len(texts))
    by_key: dict[str, tuple[str, int]] = {}
    for text, key, n in zip(texts, keys, counts.tolist(), strict=True):
        first, total = by_key.get(key, (text, 0))
        by_key[key] = (first, total + n)
    mine = strict.get(header, {})
    saved = {
        k: t
        for k, target in profile.get(normalise_header(header), {}).items()
        if (t := resolve_target(fname, target, settings)) is not None
    }
    tiers = tier_words(list(by_key), settings) if fname == "tier" else {}
    decided: dict[str, tuple[str | None, How]] = {}
    for key in by_key:
        if key in mine:
            decided[key] = (mine[key], "yours")
        elif key in saved:
            decided[key] = (saved[key], "profile")
        else:
            target = default_target(fname, key, settings, tiers)
            decided[key] = (target, "vocabulary" if target is not None else "none")
    used = {k: t for k, (t, how) in decided.items() if how in ("yours", "profile") and t}
    if used:
        result.used[normalise_header(header)] = used

    replacement = [_stored(fname, texts[i], *decided[k]) for i, k in enumerate(keys)]
    if any(r is not texts[i] for i, r in enumerate(replacement)):
        table = np.array([*replacement, None], dtype=object)
        values = table[np.where(codes >= 0, codes, len(texts))]
        result.raw[fname] = pd.Series(values, index=raw.index, dtype=object).where(
            present, raw.astype(object)
        )

    listed: list[ValueCount] = []
    for key, (text, n) in sorted(by_key.items(), key=lambda kv: -kv[1][1]):
        target, how = decided[key]
        shown = target or (
            UNKNOWN if fname in ("status", "churn_flag", "lifecycle_stage") else KEEP
        )
        listed.append(ValueCount(text, n, shown, how))
        note = _note(fname, text, key, target, how)
        if note:
            result.notes.append((header, text, f"'{text}' ({_rows(n)}) read as {note}"))
    unknown = [v for v in listed if v.how == "none"]
    if unknown and fname in _UNKNOWN_SAYS:
        shown = ", ".join(f"'{v.value}' ({_rows(v.count)})" for v in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        result.notes.append(
            (header, "", f"no meaning known for {shown}{more}: {_UNKNOWN_SAYS[fname]}")
        )
    if fname != "plan":
        result.columns.append(
            ValueColumn(
                header,
                fname,
                tuple(listed[:MAX_LISTED]),
                choices(fname, settings),
                max(0, len(listed) - MAX_LISTED),
            )
        )


_UNKNOWN_SAYS = {
    "status": "they say nothing about churn or trial (map them with --value or in the wizard)",
    "lifecycle_stage": "the stage rules decide those accounts (map them with --value or in the "
    "wizard)",
}


def _note(fname: str, text: str, key: str, target: str | None, how: str) -> str | None:
    """What one value was read as, when that is worth a line (None: nothing to say)."""
    if target is None:
        return None
    suffix = {"yours": " (your value map)", "profile": " (the profile's value map)"}.get(how, "")
    if how == "vocabulary":
        if fname == "status" and target not in ("churned", "trial", "non_renewing"):
            return None
        if fname in ("lifecycle_stage", "tier") and value_key(target) == key:
            return None
    if target in (KEEP,) and fname in ("tier", "plan"):
        return None
    return _describe(fname, target) + suffix


def _stored(fname: str, text: str, target: str | None, how: str) -> str | None:
    """The cell text to parse for a value with `target` (the same object when unchanged)."""
    if target is None or target == KEEP:
        return text
    if fname == "status":
        if how == "vocabulary":
            return text  # read through the settings at analysis time
        return STORED_WORD.get(target)  # unknown: nothing
    if fname == "churn_flag":
        return {"churned": "true", "active": "false"}.get(target)
    if fname == "lifecycle_stage":
        return text if target == UNKNOWN else target
    return target  # tier name, or the plan's new text
