"""The account table: a model that sorts and filters itself with whole-array operations.

A QSortFilterProxyModel over 100,000 rows calls back into Python for every comparison (about a
minute per sort); here everything per-row is prepared once per reload, in a worker
(`prepare_table`, no Qt): display strings as numpy object arrays, one float sort key per column
(NaN = missing, so missing sorts last both ways), tier/stage codes and a casefolded search text.
The model then keeps one numpy index array of the visible rows: a sort is one argsort, a filter
is one boolean mask, and `data()` is two array look-ups. Numbers (ARR, health, days) are not
formatted up front: `data()` formats the one cell the view asks for from the float sort key,
since a window shows a few dozen rows of 100,000 and formatting them all cost 0.1 s per load.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication

from cspm.core.settings import LIFECYCLE_STAGES

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
RED_BELOW, GREEN_FROM = 50.0, 75.0
# Band hues, mixed into the palette's base colour (so the tint works on light and dark).
BAND_RGB = {1: (200, 85, 61), 2: (227, 176, 75), 3: (94, 158, 126)}
BAND_NAMES = {0: "no score", 1: "red", 2: "yellow", 3: "green"}


@dataclass(frozen=True)
class Column:
    id: str
    title: str
    kind: str  # text | tier | stage | money | score | date | number | list
    visible: bool = True  # by default
    tip: str = ""

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "score", "date", "number")


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
                text = _money(number) if kind == "money" else _whole(number)
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
            return _money_one(value) if kind == "money" else _whole_one(value)
        return str(self.column_text(column)[row])

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


PER_CELL = ("money", "score", "number")  # kinds formatted per cell from the sort key


def _money_one(x: float) -> str:
    return f"${x:,.0f}" if math.isfinite(x) else ""


def _whole_one(x: float) -> str:
    # + 0.0 turns -0.0 into 0.0, so a rounded -0.2 shows as "0", never "-0"
    return str(int(round(x) + 0.0)) if math.isfinite(x) else ""


def _money(v: np.ndarray) -> np.ndarray:
    return np.array([_money_one(x) for x in v.tolist()], dtype=object)


def _whole(v: np.ndarray) -> np.ndarray:
    return np.array([_whole_one(x) for x in v.tolist()], dtype=object)


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
        return (_money(num) if col.kind == "money" else _whole(num)), num
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


def prepare_table(
    frame: pd.DataFrame, tiers: Sequence[str], hidden: Sequence[str] = ()
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
    keys[0] = _text_sort_key(text[0])  # type: ignore[arg-type]  # name: the default sort
    health = (
        _numbers(frame["health_score"]) if "health_score" in frame.columns else np.full(n, np.nan)
    )
    band = np.where(health < RED_BELOW, 1, np.where(health < GREEN_FROM, 2, 3)).astype(np.int8)
    band[np.isnan(health)] = 0

    def formatted(column_id: str) -> list[str]:
        return text[COLUMN_IDS.index(column_id)].tolist()  # type: ignore[union-attr]

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
    )


def empty_table() -> TableData:
    return prepare_table(pd.DataFrame(index=pd.Index([], dtype=object)), ())


def _mix(base: QColor, rgb: tuple[int, int, int], amount: float) -> QColor:
    r, g, b = rgb
    return QColor(
        round(base.red() * (1 - amount) + r * amount),
        round(base.green() * (1 - amount) + g * amount),
        round(base.blue() * (1 - amount) + b * amount),
    )


def band_brushes(palette: QPalette) -> dict[int, QBrush]:
    """Health tints mixed into the palette's base colour: light tints on a light palette,
    deep ones on a dark palette; the palette's text colour stays readable on both."""
    base = palette.color(QPalette.ColorRole.Base)
    amount = 0.45 if base.lightness() < 128 else 0.32
    return {band: QBrush(_mix(base, rgb, amount)) for band, rgb in BAND_RGB.items()}


class AccountTableModel(QAbstractTableModel):
    """Accounts in COLUMNS order; sorts (`sort`) and filters (`set_search`, `set_filter`)
    itself. `visible_changed(int)` carries the number of visible rows after any change."""

    visible_changed = QtSignal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data = empty_table()
        self._order = np.arange(0, dtype=np.int64)
        self._visible = self._order
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._needle = ""
        self._search_mask: np.ndarray | None = None
        self._tier: str | None = None
        self._stage: str | None = None
        self._brushes = band_brushes(QApplication.palette())
        self._health_col = COLUMN_IDS.index("health_score")
        self._segments_col = COLUMN_IDS.index("segments")
        self._align = [
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c.numeric
            else int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            for c in COLUMNS
        ]

    # ---- data in -------------------------------------------------------------------------
    def set_table(self, data: TableData) -> None:
        """New data (after a reload): the current sort, search and filter are kept."""
        self.beginResetModel()
        self._data = data
        self._search_mask = None
        self._order = self._sorted_order()
        self._visible = self._compute_visible()
        self.endResetModel()
        self.visible_changed.emit(len(self._visible))

    def update_palette(self) -> None:
        self._brushes = band_brushes(QApplication.palette())
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, self._health_col),
                self.index(self.rowCount() - 1, self._health_col),
                [Qt.ItemDataRole.BackgroundRole],
            )

    # ---- sorting and filtering -------------------------------------------------------------
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column >= len(COLUMNS):
            return
        self._sort = (column, order) if column >= 0 else None  # -1: unsorted (load order)
        self.layoutAboutToBeChanged.emit()
        previous = self._visible
        self._order = self._sorted_order()
        self._visible = self._compute_visible()
        self._remap_persistent(previous)
        self.layoutChanged.emit()

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self._needle = needle
        self._refilter()

    def set_filter(self, tier: str | None = None, stage: str | None = None) -> None:
        if (tier, stage) == (self._tier, self._stage):
            return
        self._tier, self._stage = tier, stage
        self._refilter()

    @property
    def filter(self) -> tuple[str | None, str | None]:
        return self._tier, self._stage

    @property
    def search_text(self) -> str:
        return self._needle

    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder] | None:
        return self._sort

    def _sorted_order(self) -> np.ndarray:
        n = self._data.rows
        if self._sort is None or n == 0:
            return np.arange(n, dtype=np.int64)
        column, order = self._sort
        key = self._data.sort_key(column)
        if order == Qt.SortOrder.DescendingOrder:
            key = -key  # NaN stays NaN, so missing values stay last
        return np.argsort(key, kind="stable").astype(np.int64, copy=False)

    def _mask(self) -> np.ndarray | None:
        d = self._data
        mask: np.ndarray | None = None
        if self._tier is not None:
            code = d.tiers.index(self._tier) if self._tier in d.tiers else -2
            mask = d.tier_codes == code
        if self._stage is not None:
            code = d.stages.index(self._stage) if self._stage in d.stages else -2
            stage_mask = d.stage_codes == code
            mask = stage_mask if mask is None else mask & stage_mask
        if self._needle:
            search = self._search(self._needle)
            mask = search if mask is None else mask & search
        return mask

    def _search(self, needle: str) -> np.ndarray:
        """Rows whose name/owner/ID contains the needle; narrowing a search (typing on) only
        re-tests the rows that matched the shorter text."""
        cached = self._search_mask
        narrowing = cached is not None and cached[0] and needle.startswith(cached[0])
        prev = np.flatnonzero(cached[1]) if narrowing and cached is not None else None
        if prev is not None and len(prev) < self._data.rows // 2:  # else a full scan is faster
            mask = np.zeros(self._data.rows, dtype=bool)
            mask[prev[np.strings.find(self._data.search[prev], needle) >= 0]] = True
        else:
            mask = np.strings.find(self._data.search, needle) >= 0
        self._search_mask = (needle, mask)
        return mask

    def _compute_visible(self) -> np.ndarray:
        mask = self._mask()
        if mask is None:
            return self._order
        return self._order[mask[self._order]]

    def _refilter(self) -> None:
        self.beginResetModel()
        self._visible = self._compute_visible()
        self.endResetModel()
        self.visible_changed.emit(len(self._visible))

    def _remap_persistent(self, previous: np.ndarray) -> None:
        """Keep the selection and current row on the same accounts across a sort."""
        old = self.persistentIndexList()
        if not old:
            return
        position = np.full(self._data.rows, -1, dtype=np.int64)
        position[self._visible] = np.arange(len(self._visible))
        new = []
        for index in old:
            row = int(position[previous[index.row()]]) if index.row() < len(previous) else -1
            new.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(old, new)

    # ---- look-ups --------------------------------------------------------------------------
    def key_at(self, row: int) -> str:
        return str(self._data.keys[self._visible[row]])

    def row_of_key(self, key: str) -> int | None:
        hits = np.flatnonzero(self._data.keys[self._visible] == key)
        return int(hits[0]) if len(hits) else None

    def visible_keys(self) -> list[str]:
        return [str(k) for k in self._data.keys[self._visible]]

    def column_text(self, column_id: str) -> list[str]:
        return [str(v) for v in self._data.column_text(COLUMN_IDS.index(column_id))[self._visible]]

    @property
    def total_rows(self) -> int:
        return self._data.rows

    # ---- Qt model interface --------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._data.cell_text(index.column(), int(self._visible[index.row()]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align[index.column()]
        column = index.column()
        if role == Qt.ItemDataRole.BackgroundRole and column == self._health_col:
            band = int(self._data.band[self._visible[index.row()]])
            return self._brushes.get(band)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self._health_col:
                return (
                    f"Health band: {BAND_NAMES[int(self._data.band[self._visible[index.row()]])]}"
                )
            if column == self._segments_col:
                text = self._data.column_text(column)[self._visible[index.row()]]
                return text.replace("; ", "\n") or "In no segment"
            return None
        if role == KEY_ROLE:
            return str(self._data.keys[self._visible[index.row()]])
        if role == SORT_ROLE:
            value = self._data.sort_key(column)[self._visible[index.row()]]
            return None if np.isnan(value) else float(value)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        col = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return (col.tip or col.title) + " (click to sort; right-click to choose columns)"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._align[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
