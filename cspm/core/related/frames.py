"""The related rows in force, one DataFrame per kind, in the column shapes core works on.

Storage loads them (`storage.related_repo`), linking fills `account_key`, aggregation reads
them. The shapes are the contract between those steps:
- text columns are object dtype with None for missing;
- date columns are datetime64[ns] at midnight with NaT for missing;
- number and money columns are float64 with NaN for missing;
- yes/no columns are pandas' nullable "boolean" (three-valued: missing is neither);
- every frame has `row_key`, `account_key` (None while the row links to nothing),
  `account_id` and `account_name` (the file's own account reference), in that order first.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from cspm.core.field_spec import FieldType

from .kinds import RELATED_KIND_NAMES, RELATED_KINDS

LINK_COLUMNS: tuple[str, ...] = ("row_key", "account_key", "account_id", "account_name")


def columns_of(kind: str) -> tuple[str, ...]:
    """Every column of one kind's frame: the link columns, then the kind's own fields."""
    own = [f for f in RELATED_KINDS[kind].field_names if f not in LINK_COLUMNS]
    return (*LINK_COLUMNS, *own)


def empty_frame(kind: str) -> pd.DataFrame:
    """A frame of one kind with no rows and the contract's dtypes."""
    spec = RELATED_KINDS[kind]
    data: dict[str, pd.Series] = {}
    for col in columns_of(kind):
        ftype = spec.field(col).type if col in spec.field_names else FieldType.TEXT
        data[col] = pd.Series(dtype=dtype_of(ftype))
    return pd.DataFrame(data)


def dtype_of(ftype: FieldType) -> str:
    """The frame dtype of a field type (see the module docstring)."""
    if ftype == FieldType.DATE:
        return "datetime64[ns]"
    if ftype in (FieldType.MONEY, FieldType.NUMBER, FieldType.SCORE):
        return "float64"
    if ftype == FieldType.BOOL:
        return "boolean"
    return "object"


@dataclass(frozen=True)
class RelatedFrames:
    """The related rows in force, per kind (an empty frame for a kind never imported)."""

    subscriptions: pd.DataFrame
    usage: pd.DataFrame
    tickets: pd.DataFrame
    contacts: pd.DataFrame
    churn_events: pd.DataFrame

    @classmethod
    def empty(cls) -> RelatedFrames:
        return cls(**{k: empty_frame(k) for k in RELATED_KIND_NAMES})

    def of(self, kind: str) -> pd.DataFrame:
        frame: pd.DataFrame = getattr(self, kind)
        return frame

    def replace(self, **frames: pd.DataFrame) -> RelatedFrames:
        values = {f.name: frames.get(f.name, getattr(self, f.name)) for f in fields(self)}
        return RelatedFrames(**values)

    def present(self) -> tuple[str, ...]:
        """The kinds that have at least one row, in KIND_NAMES order."""
        return tuple(k for k in RELATED_KIND_NAMES if len(self.of(k)))
