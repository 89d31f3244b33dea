"""Value maps of related files: what a word in a yes/no, stage or label column means.

The same three sources as an accounts file (`cspm.core.value_maps`), in the same order: the
user's map (strict: a value or target that does not fit is one sentence), the saved profile's
(lenient), the built-in words. Decided per distinct value, never per row.

- yes/no fields (escalated, is_reactivation, is_won): targets true, false, unknown. The boolean
  parser reads Yes/No, TRUE/FALSE, 1/0, Y/N; the built-in words add what churn and ticket
  exports write ("Reactivation"/"Churn" in an event type column, "Escalated").
- stage (opportunities): won or other; "Closed Won" (and HubSpot's "closedwon") are won.
- labels (plan, priority, role, status, feature): any text, a rename.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cspm.core.errors import BadInputError
from cspm.core.field_spec import FieldType, normalise_header
from cspm.core.parsing.booleans import FALSE_TEXTS, TRUE_TEXTS
from cspm.core.parsing.missing import is_missing
from cspm.core.value_maps import MAX_LISTED, How, ValueColumn, ValueCount
from cspm.core.vocabulary import value_key

WON, OTHER, TRUE, FALSE, UNKNOWN = "won", "other", "true", "false", "unknown"
LABEL_FIELDS = frozenset({"plan", "priority", "role", "status", "feature"})
_BOOL_WORDS: dict[str, dict[str, str]] = {
    "is_reactivation": {
        **{w: TRUE for w in ("reactivation", "reactivated", "win back", "winback", "returned")},
        **{w: FALSE for w in ("churn", "churned", "cancellation", "cancelled", "canceled")},
    },
    "escalated": {"escalated": TRUE, "not escalated": FALSE},
    "is_won": {"won": TRUE, "closed won": TRUE, "lost": FALSE, "closed lost": FALSE},
}
_WON_WORDS = frozenset({"closed won", "closedwon", "won", "closed - won", "closed/won"})
_BOOL_ALIASES = {"yes": TRUE, "no": FALSE, "y": TRUE, "n": FALSE, "1": TRUE, "0": FALSE}


def value_fields(types: Mapping[str, FieldType]) -> tuple[str, ...]:
    """The fields (of those given with their types) whose values can be mapped."""
    return tuple(
        f for f, t in types.items() if t == FieldType.BOOL or f == "stage" or f in LABEL_FIELDS
    )


def choices(fname: str, ftype: FieldType) -> tuple[tuple[str, str], ...]:
    """(target, label) pairs a value of `fname` can map to (labels: any text, shown as keep)."""
    if ftype == FieldType.BOOL:
        return ((TRUE, "Yes (true)"), (FALSE, "No (false)"), (UNKNOWN, "Unknown (left empty)"))
    if fname == "stage":
        return ((WON, "Closed won (a subscription)"), (OTHER, "Not won (skipped)"))
    return (("keep", "Keep as written"),)


def _resolve(fname: str, ftype: FieldType, target: str) -> str | None:
    key = value_key(target)
    if ftype == FieldType.BOOL:
        key = _BOOL_ALIASES.get(key, key)
        return key if key in (TRUE, FALSE, UNKNOWN) else None
    if fname == "stage":
        key = {"closed won": WON, "not won": OTHER, "lost": OTHER}.get(key, key)
        return key if key in (WON, OTHER) else None
    return target.strip() or None


def _builtin(fname: str, ftype: FieldType, key: str) -> str | None:
    if ftype == FieldType.BOOL:
        if key in TRUE_TEXTS or key in FALSE_TEXTS:
            return None  # the boolean parser reads it
        return _BOOL_WORDS.get(fname, {}).get(key)
    if fname == "stage":
        return WON if key in _WON_WORDS else OTHER
    return None


@dataclass
class RelatedValues:
    """Translated raw columns (field -> column), what the wizard lists, notes and what a
    profile saved from this plan keeps (normalised header -> value key -> target)."""

    raw: dict[str, pd.Series] = field(default_factory=dict)
    columns: list[ValueColumn] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (header, message)
    used: dict[str, dict[str, str]] = field(default_factory=dict)


def map_related_values(
    data: pd.DataFrame,
    fields_at: Mapping[str, str],
    types: Mapping[str, FieldType],
    user: Mapping[str, Mapping[str, str]] | None = None,
    profile: Mapping[str, Mapping[str, str]] | None = None,
) -> RelatedValues:
    """Decide every value of every mappable column and translate the columns to parse.

    fields_at: field -> header of the mapped columns; user: header -> value -> target (strict);
    profile: normalised header -> value key -> target (lenient).
    """
    result = RelatedValues()
    field_of = {h: f for f, h in fields_at.items()}
    mappable = set(value_fields({f: types[f] for f in fields_at}))
    strict: dict[str, dict[str, str]] = {}
    for given, values in (user or {}).items():
        header = next((h for h in field_of if normalise_header(h) == normalise_header(given)), "")
        if header not in field_of or field_of[header] not in mappable:
            raise BadInputError(
                f"Column '{given}' is not a yes/no, stage or label column of this file; value "
                "maps apply to those."
            )
        fname = field_of[header]
        for value, target in values.items():
            resolved = _resolve(fname, types[fname], target)
            if resolved is None:
                allowed = ", ".join(t for t, _ in choices(fname, types[fname]))
                raise BadInputError(
                    f"'{target}' is not a meaning for column '{header}'; use one of {allowed}."
                )
            strict.setdefault(header, {})[value_key(value)] = resolved
    for fname in sorted(mappable, key=list(fields_at).index):
        header = fields_at[fname]
        saved = (profile or {}).get(normalise_header(header), {})
        _one_column(
            data[header], header, fname, types[fname], strict.get(header, {}), saved, result
        )
    return result


def _one_column(
    raw: pd.Series,
    header: str,
    fname: str,
    ftype: FieldType,
    mine: Mapping[str, str],
    saved: Mapping[str, str],
    result: RelatedValues,
) -> None:
    present = ~is_missing(raw).to_numpy(dtype=bool)
    codes, uniques = pd.factorize(raw.where(present, None), use_na_sentinel=True)
    texts = [str(u).strip() for u in uniques]
    keys = [value_key(t) for t in texts]
    missing_keys = [k for k in mine if k not in keys]
    if missing_keys:
        shown = ", ".join(f"'{t}'" for t in texts[:12])
        raise BadInputError(
            f"Column '{header}' has no value '{missing_keys[0]}' (its values: {shown or 'none'})."
        )
    counts = np.bincount(codes[codes >= 0], minlength=len(texts))
    decided: list[tuple[str | None, How]] = []
    for key in keys:
        if key in mine:
            decided.append((mine[key], "yours"))
        elif key in saved and (t := _resolve(fname, ftype, saved[key])) is not None:
            decided.append((t, "profile"))
        else:
            t = _builtin(fname, ftype, key)
            decided.append((t, "vocabulary" if t is not None else "none"))
    used = {
        k: t for k, (t, how) in zip(keys, decided, strict=True) if how in ("yours", "profile") and t
    }
    if used:
        result.used[normalise_header(header)] = used
    replacement = [_stored(ftype, texts[i], t) for i, (t, _) in enumerate(decided)]
    if any(r is not texts[i] for i, r in enumerate(replacement)):
        table = np.array([*replacement, None], dtype=object)
        values = table[np.where(codes >= 0, codes, len(texts))]
        result.raw[fname] = pd.Series(values, index=raw.index, dtype=object).where(
            present, raw.astype(object)
        )
    order = np.argsort(-counts, kind="stable")
    listed = tuple(
        ValueCount(texts[i], int(counts[i]), decided[i][0] or "keep", decided[i][1])
        for i in order[:MAX_LISTED]
    )
    if ftype == FieldType.BOOL or fname == "stage":
        result.columns.append(
            ValueColumn(
                header, fname, listed, choices(fname, ftype), max(0, len(texts) - MAX_LISTED)
            )
        )
    for i in order:
        target, how = decided[i]
        if target is not None and how in ("yours", "profile") and target != texts[i]:
            whose = "your value map" if how == "yours" else "the profile's value map"
            result.notes.append((header, f"'{texts[i]}' read as '{target}' ({whose})"))


def _stored(ftype: FieldType, text: str, target: str | None) -> str | None:
    """The cell text to parse for a value (the same object when unchanged)."""
    if target is None or target == "keep":
        return text
    if ftype == FieldType.BOOL:
        return {TRUE: "true", FALSE: "false"}.get(target)  # unknown: nothing
    return target
