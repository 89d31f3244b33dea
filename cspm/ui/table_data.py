"""The account table's data, prepared without Qt: display strings, sort keys, filter codes.

`prepare_table` runs in a worker on every reload, so this module must not import Qt (a worker
may not touch widgets, and the data half is easier to test and benchmark alone). It makes,
once per reload, the per-row arrays `account_table.AccountTableModel` reads: display strings as
numpy object arrays, one float sort key per column (NaN = missing, so missing sorts last both
ways), tier/stage codes, the health band and a casefolded search text. Numbers (ARR, health,
days) are not formatted up front: `TableData.cell_text` formats the one cell the view asks for
from the float sort key, since a window shows a few dozen rows of 100,000 and formatting them
all cost 0.1 s per load. Columns hidden at load time are formatted when first needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.currency import normalise_code, unconverted_mask, unconverted_text
from cspm.core.field_labels import AGGREGATE_FIELDS, field_label, is_percent, percent_text
from cspm.core.fields import FIELDS, FieldType
from cspm.core.money import USD, MoneyFormat, format_for, full_one, money_full
from cspm.core.settings import LIFECYCLE_STAGES

RED_BELOW, GREEN_FROM = 50.0, 75.0  # health bands: red < 50 <= yellow < 75 <= green


@dataclass(frozen=True)
class Column:
    id: str
    title: str
    kind: str  # text | tier | stage | money | score | date | number | decimal | percent | list
    visible: bool = True  # by default
    tip: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "score", "date", "number", "decimal", "percent")


COLUMNS: tuple[Column, ...] = (
    Column("name", "Name", "text"),
    Column("owner", "Owner", "text"),
    Column("tier", "Tier", "tier"),
    Column("lifecycle_stage", "Stage", "stage", tip="Lifecycle stage"),
    Column("arr", "ARR", "money", tip="Annual recurring revenue"),
    Column("health_score", "Health", "score", tip="Health score: red < 50, yellow < 75, green"),
    Column("renewal_date", "Renewal", "date", tip="Renewal date"),
    Column("days_since_last_interaction", "Days idle", "number", tip="Days since last interaction"),
    Column("segments", "Segments", "list"),
    Column("external_id", "ID", "text", visible=False, tip="Account ID"),
    Column("industry", "Industry", "text", visible=False),
    Column("region", "Region", "text", visible=False),
    Column("plan", "Plan", "text", visible=False),
    Column("nps", "NPS", "number", visible=False),
    Column("days_to_renewal", "Days to renewal", "number", visible=False),
)


def _aggregate_kind(name: str) -> str:
    if is_percent(name):
        return "percent"
    if FIELDS[name].type == FieldType.DATE:
        return "date"
    return "decimal" if name == "ticket_satisfaction_90d" else "number"


RELATED_COLUMNS: tuple[Column, ...] = tuple(
    Column(name, field_label(name), _aggregate_kind(name), visible=False)
    for name in AGGREGATE_FIELDS
)
"""Aggregates of related data (subscriptions, usage, tickets, contacts): offered by the column
menu, hidden until chosen."""
COLUMNS += RELATED_COLUMNS
COLUMN_IDS = [c.id for c in COLUMNS]


@dataclass(frozen=True)
class TableData:
    """Everything the model shows, prepared once per reload (in a worker)."""

    keys: np.ndarray  # account keys (object)
    text: list[np.ndarray | None]  # per column (COLUMNS order): display strings; None = not yet
    sort_keys: list[np.ndarray | None]  # per column: float64, NaN = missing; None = not yet
    tiers: tuple[str, ...]
    stages: tuple[str, ...]
    tier_codes: np.ndarray  # int16 index into tiers, -1 other
    stage_codes: np.ndarray  # int16 index into stages, -1 other
    band: np.ndarray  # int8 0 none, 1 red, 2 yellow, 3 green
    search: np.ndarray  # fixed-width unicode: casefolded "name, owner, ID, key" per row
    deferred: dict[int, pd.Series]  # source values of columns not formatted yet
    money: MoneyFormat = USD  # the portfolio currency
    # row -> ("⚠ £30,000", "£30,000 (GBP: no rate, not in totals)"): the cell and tooltip of
    # an ARR kept in its own currency (missing as a number: it sorts and sums with the missing)
    arr_notes: dict[int, tuple[str, str]] | None = None

    @property
    def rows(self) -> int:
        return len(self.keys)

    def column_text(self, column: int) -> np.ndarray:
        """Display strings of a column; a column hidden at load time is formatted when first
        needed (about 0.1 s per 100,000 rows), then kept until the next reload."""
        text = self.text[column]
        if text is None:
            kind = COLUMNS[column].kind
            number = self.sort_keys[column]
            if kind in PER_CELL and number is not None:
                text = self._money(number) if kind == "money" else _per_kind(kind, number)
            else:
                text, key = _column(self.deferred.pop(column), COLUMNS[column], self.tiers)
                if self.sort_keys[column] is None:
                    self.sort_keys[column] = key
            self.text[column] = text
        return text

    def cell_text(self, column: int, row: int) -> str:
        """One display string; numbers are formatted per cell (see the module docstring)."""
        text = self.text[column]
        if text is not None:
            return str(text[row])
        kind = COLUMNS[column].kind
        number = self.sort_keys[column]
        if kind in PER_CELL and number is not None:
            value = float(number[row])
            if kind != "money":
                return _one(kind, value)
            if self.arr_notes and value != value and COLUMNS[column].id == "arr":
                return self.arr_notes.get(row, ("", ""))[0]
            return full_one(value, self.money)
        return str(self.column_text(column)[row])

    def _money(self, number: np.ndarray) -> np.ndarray:
        text = money_full(number, self.money)
        for row, (cell, _tip) in (self.arr_notes or {}).items():
            text[row] = cell
        return text

    def cell_tip(self, column: int, row: int) -> str | None:
        """The tooltip of an ARR held in its own currency (why it is flagged), else None."""
        if self.arr_notes and COLUMNS[column].id == "arr" and row in self.arr_notes:
            return self.arr_notes[row][1]
        return None

    def sort_key(self, column: int) -> np.ndarray:
        """The column's sort key; text keys (a string sort, ~0.2 s per 100,000 rows) are
        made on the first sort by that column and kept until the next reload."""
        key = self.sort_keys[column]
        if key is None:
            text = self.column_text(column)
            key = self.sort_keys[column]
            if key is None:
                key = _text_sort_key(text)
                self.sort_keys[column] = key
        return key


def _strings(values: pd.Series) -> np.ndarray:
    return np.array(
        [
            v if isinstance(v, str) else ("" if v is None or v != v else str(v))
            for v in values.tolist()
        ],
        dtype=object,
    )


def _text_sort_key(text: np.ndarray) -> np.ndarray:
    folded = np.array([t.casefold() for t in text.tolist()], dtype=str)
    if not len(folded):
        return np.zeros(0, dtype=np.float64)
    _, codes = np.unique(folded, return_inverse=True)
    key = codes.astype(np.float64).reshape(-1)
    key[folded == ""] = np.nan
    return key


def _codes(values: pd.Series, names: Sequence[str]) -> np.ndarray:
    lookup = {n: i for i, n in enumerate(names)}
    return np.array([lookup.get(v, -1) for v in values.tolist()], dtype=np.int16)


PER_CELL = ("money", "score", "number", "decimal", "percent")  # formatted from the sort key


def _whole_one(x: float) -> str:
    # + 0.0 turns -0.0 into 0.0, so a rounded -0.2 shows as "0", never "-0"
    return str(int(round(x) + 0.0)) if math.isfinite(x) else ""


def _one(kind: str, x: float) -> str:
    """One number in the column's kind: a share as 40%, an average as 4.3, others whole."""
    if not math.isfinite(x):
        return ""
    if kind == "percent":
        return percent_text(x)
    if kind == "decimal":
        return f"{x:,.1f}"
    return _whole_one(x)


def _whole(v: np.ndarray) -> np.ndarray:
    return np.array([_whole_one(x) for x in v.tolist()], dtype=object)


def _per_kind(kind: str, v: np.ndarray) -> np.ndarray:
    if kind in ("percent", "decimal"):
        return np.array([_one(kind, x) for x in v.tolist()], dtype=object)
    return _whole(v)


def _numbers(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_float_dtype(values.dtype):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _column(
    values: pd.Series, col: Column, tiers: Sequence[str]
) -> tuple[np.ndarray, np.ndarray | None]:
    """(display strings, sort key or None for a text key made on demand) of one column."""
    if col.kind in PER_CELL:
        num = _numbers(values)
        return (money_full(num) if col.kind == "money" else _per_kind(col.kind, num)), num
    if col.kind == "date":
        when = pd.to_datetime(values, errors="coerce").to_numpy(dtype="datetime64[ns]")
        text = np.datetime_as_string(when, unit="D").astype(object)
        missing = np.isnat(when)
        text[missing] = ""
        key = when.astype(np.int64).astype(np.float64)
        key[missing] = np.nan
        return text, key
    if col.kind == "list":
        text = np.array(
            ["; ".join(v) if isinstance(v, list | tuple) else "" for v in values.tolist()],
            dtype=object,
        )
        return text, None
    text = _strings(values)
    if col.kind in ("tier", "stage"):
        order = tiers if col.kind == "tier" else LIFECYCLE_STAGES
        codes = _codes(values, order).astype(np.float64)
        codes[codes < 0] = np.nan
        return text, codes
    return text, None


ALWAYS_FORMATTED = ("name", "owner", "external_id")  # the search reads them


def _arr_notes(frame: pd.DataFrame, money: MoneyFormat) -> dict[int, tuple[str, str]]:
    rows = np.flatnonzero(unconverted_mask(frame))
    if not len(rows):
        return {}
    held = frame["arr_unconverted"].to_numpy(dtype=object)
    code = (
        frame["currency"].to_numpy(dtype=object)
        if "currency" in frame.columns
        else np.full(len(frame), None)
    )
    notes = {}
    for r in rows.tolist():
        own = format_for(normalise_code(code[r]) or "?", money)
        cell = "⚠ " + full_one(float(held[r]), own)
        notes[int(r)] = (cell, unconverted_text(float(held[r]), code[r], money))
    return notes


def prepare_table(
    frame: pd.DataFrame,
    tiers: Sequence[str],
    hidden: Sequence[str] = (),
    money: MoneyFormat = USD,
) -> TableData:
    """Display strings, sort keys and filter codes for every account (runs in a worker).

    Columns in `hidden` are formatted later, when first shown or sorted by."""
    tiers = tuple(tiers)
    n = len(frame)
    empty = pd.Series([None] * n, index=frame.index, dtype=object)
    text: list[np.ndarray | None] = []
    keys: list[np.ndarray | None] = []
    deferred: dict[int, pd.Series] = {}
    for i, col in enumerate(COLUMNS):
        values = frame[col.id] if col.id in frame.columns else empty
        if col.kind in PER_CELL:
            text.append(None)
            keys.append(_numbers(values))
            continue
        if col.id in hidden and col.id not in ALWAYS_FORMATTED:
            deferred[i] = values
            text.append(None)
            keys.append(None)
            continue
        t, k = _column(values, col, tiers)
        text.append(t)
        keys.append(k)
    name_text = text[0]
    assert name_text is not None  # the name is always formatted (ALWAYS_FORMATTED)
    keys[0] = _text_sort_key(name_text)  # name: the default sort
    health = (
        _numbers(frame["health_score"]) if "health_score" in frame.columns else np.full(n, np.nan)
    )
    band = np.where(health < RED_BELOW, 1, np.where(health < GREEN_FROM, 2, 3)).astype(np.int8)
    band[np.isnan(health)] = 0

    def formatted(column_id: str) -> list[str]:
        column_text = text[COLUMN_IDS.index(column_id)]
        assert column_text is not None  # only asked for ALWAYS_FORMATTED columns
        return column_text.tolist()

    row_keys = np.array([str(k) for k in frame.index.tolist()], dtype=object)
    search = np.array(
        [
            f"{a}\n{b}\n{c}\n{d}".casefold()
            for a, b, c, d in zip(
                formatted("name"),
                formatted("owner"),
                formatted("external_id"),
                row_keys.tolist(),
                strict=True,
            )
        ],
        dtype=str,
    )
    none = pd.Series([None] * n, dtype=object)
    return TableData(
        keys=row_keys,
        text=text,
        sort_keys=keys,
        tiers=tiers,
        stages=LIFECYCLE_STAGES,
        tier_codes=_codes(frame["tier"] if "tier" in frame.columns else none, tiers),
        stage_codes=_codes(
            frame["lifecycle_stage"] if "lifecycle_stage" in frame.columns else none,
            LIFECYCLE_STAGES,
        ),
        band=band,
        search=search,
        deferred=deferred,
        money=money,
        arr_notes=_arr_notes(frame, money),
    )


def empty_table() -> TableData:
    return prepare_table(pd.DataFrame(index=pd.Index([], dtype=object)), ())
