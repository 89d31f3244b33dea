"""Scales decided per column from its own values, said in one line, changeable by the user.

A number means nothing without its scale: an account-level NPS of 45 (-100..100) read as one
person's 0-10 answer makes the account a "promoter" and an Advocate; a health score of 7 on a
0-10 scale read as 7 out of 100 puts a healthy account at risk. So each such column's scale is
decided from its values, never silently:

- NPS (a column mapped to `nps`): any value outside 0-10 means an account NPS in points, and the
  column is imported as `nps_points` instead; otherwise the values are 0-10 answers.
- Health score: the largest plain number decides: up to 1 with a fraction among the values is
  a 0-1 scale, up to 10 a 0-10 scale, else 0-100. Plain numbers are multiplied onto cspm's
  0-100 scale; "85%" and colour words (Green/Red) already are on it and are left alone.

The user's choice (`--scale "NPS=points"`, the wizard, a saved profile) beats the evidence; a
column the user mapped to `nps` or `nps_points` by hand has its scale pinned by that choice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import BadInputError
from .fields import normalise_header
from .mapping import ColumnMapping
from .parsing.missing import is_missing

NPS_SCALES: tuple[str, ...] = ("response", "points")
HEALTH_SCALES: tuple[str, ...] = ("0-1", "0-10", "0-100")
SCALE_LABELS: dict[str, str] = {
    "response": "0-10 answers",
    "points": "account NPS in points (-100..100)",
    "0-1": "0-1 scale",
    "0-10": "0-10 scale",
    "0-100": "0-100 scale",
}
_ALIASES = {
    "answer": "response",
    "answers": "response",
    "0-10 answers": "response",
    "account": "points",
    "-100..100": "points",
    "fraction": "0-1",
    "percent": "0-100",
}
_FACTORS = {"0-1": 100.0, "0-10": 10.0, "0-100": 1.0}
_NPS_FIELDS = ("nps", "nps_points")


@dataclass(frozen=True)
class ScaleDecision:
    """How one column's numbers are read. field: the field it imports as (nps may become
    nps_points); scale: one of `choices`; how: "values" (decided from them), "earlier" (as the
    database's earlier imports of the column) or "yours"/"profile"."""

    header: str
    field: str
    scale: str
    choices: tuple[str, ...]
    low: float | None
    high: float | None
    how: str

    @property
    def factor(self) -> float:
        """What a plain number is multiplied by to land on the field's stored scale."""
        return _FACTORS.get(self.scale, 1.0)

    def evidence(self) -> str:
        """What the values were and what happens to them: "values from -20 to 45"."""
        if self.low is None or self.high is None:
            return "no numbers in the column"
        text = (
            f"every value is {self.high:g}"
            if self.low == self.high
            else f"values from {self.low:g} to {self.high:g}"
        )
        if self.factor != 1:
            text += f", stored x{self.factor:g} on the 0-100 scale"
        return text

    def message(self) -> str:
        """The summary line: "read as account NPS in points (-100..100): values from -20 to 45"."""
        text = f"read as {SCALE_LABELS[self.scale]}"
        if self.field == "health_score":
            text = f"read on a {SCALE_LABELS[self.scale]}"
        if self.low is not None:
            text += f": {self.evidence()}"
        suffix = {
            "yours": " (your choice)",
            "profile": " (the saved profile's choice)",
            "earlier": " (as earlier imports of this column)",
        }
        return text + suffix.get(self.how, "")


def plain_numbers(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(mask, values): cells that are plain numbers (no "%", no words) and their values.

    Numbers from a workbook count, and texts that read as a number as written ("7", "8.5").
    """
    present = ~is_missing(raw).to_numpy(dtype=bool)
    values = pd.to_numeric(raw.astype(object), errors="coerce").to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    mask = present & ~np.isnan(values)
    return mask, values


def _canonical(text: str, allowed: tuple[str, ...], header: str) -> str:
    key = " ".join(text.split()).casefold()
    key = _ALIASES.get(key, key)
    if key == "0-10" and "response" in allowed:
        key = "response"
    if key not in allowed:
        raise BadInputError(
            f"'{text}' is not a scale for column '{header}'; use one of {', '.join(allowed)}."
        )
    return key


def _find_header(text: str, headers: list[str]) -> str:
    if text in headers:
        return text
    for h in headers:
        if normalise_header(h) == normalise_header(text):
            return h
    shown = ", ".join(f"'{h}'" for h in headers[:12])
    raise BadInputError(f"No column '{text}' in the file (its columns: {shown}).")


def decide_scales(
    data: pd.DataFrame,
    mapping: ColumnMapping,
    user: Mapping[str, str] | None = None,
    profile: Mapping[str, str] | None = None,
    earlier: Mapping[str, str] | None = None,
) -> tuple[ColumnMapping, list[ScaleDecision]]:
    """Each scaled column's decision, and the mapping with NPS columns moved to nps_points.

    user: header -> scale, checked strictly (a column without a scale, or a scale it cannot
    have, is a BadInputError); profile: normalised header -> scale, applied where it fits.
    earlier: normalised header -> the scale this database's latest import of that header used;
    it decides when the values allow it (a filtered report of at-risk accounts, health 5-10
    on 0-100, is not a 0-10 column), and the values decide when they rule it out.
    """
    headers = list(data.columns)
    field_of = {c.header: c.target for c in mapping.columns}
    chosen: dict[str, tuple[str, str]] = {}
    for text, scale in (user or {}).items():
        header = _find_header(text, headers)
        allowed = _allowed(field_of.get(header))
        if not allowed:
            raise BadInputError(
                f"Column '{header}' has no scale to choose; scales apply to NPS and health "
                "score columns."
            )
        chosen[header] = (_canonical(scale, allowed, header), "yours")
    for norm, scale in (profile or {}).items():
        for header in headers:
            allowed = _allowed(field_of.get(header))
            if normalise_header(header) == norm and allowed and header not in chosen:
                key = _ALIASES.get(scale, scale)
                if key in allowed:
                    chosen[header] = (key, "profile")

    def earlier_of(header: str) -> str:
        return (earlier or {}).get(normalise_header(header), "")

    taken = set(mapping.field_columns())
    columns = list(mapping.columns)
    decisions: list[ScaleDecision] = []
    for i, col in enumerate(columns):
        allowed = _allowed(col.target)
        if not allowed:
            continue
        mask, values = plain_numbers(data[col.header])
        low = float(values[mask].min()) if mask.any() else None
        high = float(values[mask].max()) if mask.any() else None
        if col.header in chosen:
            scale, how = chosen[col.header]
        elif col.target in _NPS_FIELDS and col.how == "user":
            scale, how = ("points" if col.target == "nps_points" else "response"), "yours"
        elif _fits(earlier_of(col.header), allowed, low, high):
            scale, how = earlier_of(col.header), "earlier"
        elif col.target == "nps_points":
            scale, how = "points", "values"
        elif col.target == "nps":
            outside = low is not None and (low < 0 or (high or 0) > 10)
            scale, how = ("points" if outside else "response"), "values"
        else:
            scale, how = _health_scale(values[mask]), "values"
        fname = col.target
        if col.target in _NPS_FIELDS:
            wanted = "nps_points" if scale == "points" else "nps"
            if wanted != col.target and wanted not in taken:
                taken.discard(col.target)
                taken.add(wanted)
                columns[i] = dataclasses.replace(col, target=wanted)
                fname = wanted
        if low is None and how == "values":
            continue  # nothing to decide from and nothing chosen: no line
        decisions.append(ScaleDecision(col.header, fname, scale, allowed, low, high, how))
    return ColumnMapping(columns, mapping.kind), decisions


_TOPS = {"0-1": 1.0, "0-10": 10.0, "response": 10.0}


def _fits(scale: str, allowed: tuple[str, ...], low: float | None, high: float | None) -> bool:
    """Whether plain numbers from `low` to `high` can be on `scale` (one of `allowed`)."""
    if scale not in allowed or low is None or high is None:
        return False
    if scale in _TOPS:
        return low >= 0 and high <= _TOPS[scale]
    return True


def _allowed(target: str | None) -> tuple[str, ...]:
    if target in _NPS_FIELDS:
        return NPS_SCALES
    if target == "health_score":
        return HEALTH_SCALES
    return ()


def _health_scale(values: np.ndarray) -> str:
    if not values.size:
        return "0-100"
    high = float(values.max())
    if high <= 1 and bool((values != np.round(values)).any()):
        return "0-1"
    if high <= 10:
        return "0-10"
    return "0-100"


def apply_scale(parsed: pd.Series, raw: pd.Series, decision: ScaleDecision) -> pd.Series:
    """The parsed column with its plain numbers multiplied onto the stored scale."""
    if decision.factor == 1:
        return parsed
    mask, _ = plain_numbers(raw)
    values = parsed.to_numpy(dtype=np.float64, copy=True)
    values[mask] = values[mask] * decision.factor
    return pd.Series(values, index=parsed.index, dtype=np.float64)
