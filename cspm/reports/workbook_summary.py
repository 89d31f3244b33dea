"""The Summary sheet: portfolio totals, the tier x lifecycle matrix (counts and ARR), the segment
table, a health histogram table, and native Excel charts drawn from those cells."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from cspm.core.settings import UNASSIGNED_TIER

from .data import WorkbookData
from .palette import BAND_COLOURS, COUNT, MONEY, NO_SCORE
from .workbook_common import Styles, money_chart_format, print_wide, write_pairs, write_text

SHEET = "Summary"
HEALTH_BINS = tuple(range(0, 100, 10))


@dataclass
class _Range:
    """Cells a chart reads: categories and values, as absolute sheet ranges."""

    first_row: int
    last_row: int
    cat_col: int
    val_col: int

    def categories(self) -> list[object]:
        return [SHEET, self.first_row, self.cat_col, self.last_row, self.cat_col]

    def values(self) -> list[object]:
        return [SHEET, self.first_row, self.val_col, self.last_row, self.val_col]


def ordered(wanted: list[str], present: pd.Series) -> list[str]:
    """`wanted` in its order, then any other value present in the data (sorted)."""
    seen = set(wanted)
    extra = sorted({str(v) for v in present.dropna().unique()} - seen)
    return [*wanted, *extra]


def subtitle(data: WorkbookData) -> str:
    parts = [f"Generated {data.generated_at:%Y-%m-%d %H:%M} from {data.database}"]
    if data.last_import:
        parts.append(f"last import {data.last_import}")
    if data.filters:
        parts.append("filtered: " + "; ".join(f"{k} = {v}" for k, v in data.filters.items()))
    else:
        parts.append("whole portfolio")
    return " · ".join(parts)


def _totals(accounts: pd.DataFrame) -> list[tuple[str, object, str]]:
    def col(name: str) -> pd.Series:
        if name in accounts.columns:
            return pd.to_numeric(accounts[name], errors="coerce")
        return pd.Series(np.nan, index=accounts.index)

    arr, potential, health = col("arr"), col("potential_arr"), col("health_score")
    days = col("days_to_renewal")
    band = accounts["health_band"] if "health_band" in accounts else pd.Series(dtype=object)
    soon = days.between(0, 90)
    return [
        ("Accounts", len(accounts), "int"),
        ("Total ARR", float(arr.sum()), "money"),
        ("Potential ARR", float(potential.sum()), "money"),
        ("Average ARR per account", float(arr.mean()) if len(arr.dropna()) else None, "money"),
        ("Average health score", float(health.mean()) if len(health.dropna()) else None, "score"),
        ("Health green", int((band == "green").sum()), "int"),
        ("Health yellow", int((band == "yellow").sum()), "int"),
        ("Health red", int((band == "red").sum()), "int"),
        ("Without a health score", int(health.isna().sum()), "int"),
        ("Renewals in the next 90 days", int(soon.sum()), "int"),
        ("ARR renewing in the next 90 days", float(arr[soon].sum()), "money"),
        ("Renewals overdue", int((days < 0).sum()), "int"),
    ]


def _matrix(
    ws: Worksheet,
    styles: Styles,
    top: int,
    title: str,
    table: pd.DataFrame,
    kind: str,
) -> tuple[int, _Range]:
    """A tier x stage table with totals; returns the next free row and the per-tier totals."""
    ws.write_string(top, 0, title, styles.section)
    head = top + 1
    ws.write_string(head, 0, "Tier", styles.header)
    for c, stage in enumerate(table.columns, start=1):
        write_text(ws, head, c, stage, styles.header_num)
    total_col = len(table.columns) + 1
    ws.write_string(head, total_col, "Total", styles.header_num)
    fmt, strong = styles.by_kind[kind], styles.strong_by_kind[kind]
    total_fmt = styles.total_by_kind[kind]
    for r, (tier, values) in enumerate(table.iterrows(), start=head + 1):
        write_text(ws, r, 0, tier, styles.by_kind["text"])
        for c, v in enumerate(values.to_numpy(dtype=float), start=1):
            ws.write_number(r, c, v, fmt)
        ws.write_number(r, total_col, float(values.sum()), strong)
    total_row = head + 1 + len(table)
    ws.write_string(total_row, 0, "Total", styles.total_by_kind["text"])
    for c, v in enumerate(table.sum(axis=0).to_numpy(dtype=float), start=1):
        ws.write_number(total_row, c, v, total_fmt)
    ws.write_number(total_row, total_col, float(table.to_numpy().sum()), total_fmt)
    if len(table) and len(table.columns):
        ws.conditional_format(
            head + 1, 1, total_row - 1, total_col - 1,
            {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#9DBBD3"},
        )  # fmt: skip
    return total_row + 2, _Range(head + 1, total_row - 1, 0, total_col)


def write_summary(wb: Workbook, styles: Styles, data: WorkbookData) -> Worksheet:
    ws = wb.add_worksheet(SHEET)
    ws.hide_gridlines(2)
    accounts = data.accounts
    ws.set_column(0, 0, 32)
    tiers = ordered(list(data.tiers), accounts.get("tier", pd.Series(dtype=object)))
    stages = ordered(list(data.stages), accounts.get("lifecycle_stage", pd.Series(dtype=object)))
    ws.set_column(1, len(stages) + 1, 12.5)
    ws.write_string(0, 0, "Portfolio summary", styles.title)
    write_text(ws, 1, 0, subtitle(data), styles.subtitle)

    ws.write_string(3, 0, "Totals", styles.section)
    totals = _totals(accounts)
    if data.left_out:
        totals.append(("Left out of totals: a currency without a rate", data.left_out, "int"))
    row = write_pairs(ws, styles, 4, totals) + 1

    tier = accounts.get("tier", pd.Series("", index=accounts.index)).fillna(UNASSIGNED_TIER)
    stage = accounts.get("lifecycle_stage", pd.Series("", index=accounts.index)).fillna("Unknown")
    arr = pd.to_numeric(accounts.get("arr", pd.Series(0.0, index=accounts.index)), errors="coerce")
    keys = pd.DataFrame({"tier": tier.astype(str), "stage": stage.astype(str), "arr": arr})
    grouped = keys.groupby(["tier", "stage"], sort=False)["arr"]
    counts = grouped.size().unstack(fill_value=0).reindex(index=tiers, columns=stages, fill_value=0)
    arr_sum = (
        grouped.sum().unstack(fill_value=0.0).reindex(index=tiers, columns=stages, fill_value=0.0)
    )
    counts_top = row
    row, _ = _matrix(ws, styles, row, "Accounts by tier and lifecycle stage", counts, "int")
    row, arr_tier = _matrix(ws, styles, row, "ARR by tier and lifecycle stage", arr_sum, "money")
    stage_counts = _Range(counts_top + 2 + len(tiers), counts_top + 2 + len(tiers), 1, 1)

    row = _segments(ws, styles, row, data.segments)
    health_range, health_colours = _health_table(ws, styles, row, accounts)

    chart_col = len(stages) + 3
    _charts(
        wb, ws, styles, chart_col, arr_tier, counts_top + 1, stages, stage_counts, health_range,
        health_colours, float(arr_sum.sum(axis=1).max()) if len(arr_sum) else 0.0,
    )  # fmt: skip
    print_wide(ws)
    ws.activate()
    return ws


def _segments(ws: Worksheet, styles: Styles, top: int, segments: pd.DataFrame) -> int:
    ws.write_string(top, 0, "Segments", styles.section)
    ws.write_string(top + 1, 0, "Segment", styles.header)
    ws.write_string(top + 1, 1, "Accounts", styles.header_num)
    ws.write_string(top + 1, 2, "ARR", styles.header_num)
    ws.write_string(top + 1, 3, "Description", styles.header)
    for c in range(4, 9):
        ws.write_blank(top + 1, c, None, styles.header)
    row = top + 2
    if segments is None or segments.empty:
        ws.write_string(row, 0, "No segments defined.", styles.label)
        return row + 2
    for rec in segments.itertuples(index=False):
        write_text(ws, row, 0, getattr(rec, "name", ""), styles.by_kind["text"])
        count = pd.to_numeric(getattr(rec, "count", np.nan), errors="coerce")
        arr = pd.to_numeric(getattr(rec, "arr", np.nan), errors="coerce")
        if pd.notna(count):
            ws.write_number(row, 1, float(count), styles.by_kind["int"])
        if pd.notna(arr):
            ws.write_number(row, 2, float(arr), styles.by_kind["money"])
        write_text(ws, row, 3, getattr(rec, "description", ""), styles.note)
        row += 1
    return row + 1


def _health_table(
    ws: Worksheet, styles: Styles, top: int, accounts: pd.DataFrame
) -> tuple[_Range, list[str]]:
    """Accounts per 10-point health bin (and without a score); bar colours by majority band."""
    ws.write_string(top, 0, "Health distribution", styles.section)
    ws.write_string(top + 1, 0, "Health score", styles.header)
    ws.write_string(top + 1, 1, "Accounts", styles.header_num)
    score = pd.to_numeric(accounts.get("health_score"), errors="coerce")
    if score is None or not isinstance(score, pd.Series):
        score = pd.Series(np.nan, index=accounts.index)
    band = accounts["health_band"] if "health_band" in accounts else pd.Series(None, dtype=object)
    bins = np.clip((score // 10).to_numpy(dtype=float), 0, 9)
    colours: list[str] = []
    for i, low in enumerate(HEALTH_BINS):
        row = top + 2 + i
        label = f"{low}–{low + 9}" if low < 90 else "90–100"
        ws.write_string(row, 0, label, styles.by_kind["text"])
        in_bin = bins == i
        ws.write_number(row, 1, int(in_bin.sum()), styles.by_kind["int"])
        modes = band[in_bin].dropna().mode() if len(band) == len(bins) else pd.Series([])
        default = "red" if low < 50 else ("green" if low >= 75 else "yellow")
        colours.append(BAND_COLOURS.get(str(modes.iloc[0]) if len(modes) else default, NO_SCORE))
    row = top + 2 + len(HEALTH_BINS)
    ws.write_string(row, 0, "No score", styles.by_kind["text"])
    ws.write_number(row, 1, int(score.isna().sum()), styles.by_kind["int"])
    colours.append(NO_SCORE)
    return _Range(top + 2, row, 0, 1), colours


def _charts(
    wb: Workbook,
    ws: Worksheet,
    styles: Styles,
    col: int,
    arr_tier: _Range,
    stage_head_row: int,
    stages: list[str],
    stage_counts: _Range,
    health: _Range,
    health_colours: list[str],
    arr_max: float,
) -> None:
    size = {"x_scale": 1.0, "y_scale": 1.0}
    money_axis = money_chart_format(arr_max, styles.money)
    base = {"name_font": {"size": 11, "bold": True, "color": "#2F3B45"}}
    axis = {"num_font": {"size": 9, "color": "#5F6B75"}, "line": {"color": "#D5DDE4"}}
    grid = {"visible": True, "line": {"color": "#E4E9EE"}}

    tier_chart = wb.add_chart({"type": "bar"})
    tier_chart.add_series(
        {
            "name": "ARR",
            "categories": arr_tier.categories(),
            "values": arr_tier.values(),
            "fill": {"color": MONEY},
            "gap": 60,
            "data_labels": {"value": True, "num_format": money_axis, "font": {"size": 8}},
        }
    )
    tier_chart.set_title({"name": "ARR by tier", **base})
    tier_chart.set_x_axis({**axis, "num_format": money_axis, "major_gridlines": grid})
    tier_chart.set_y_axis({**axis, "reverse": True, "crossing": "max"})
    tier_chart.set_legend({"none": True})
    ws.insert_chart(3, col, tier_chart, size)

    total_row = stage_counts.first_row
    stage_chart = wb.add_chart({"type": "column"})
    stage_chart.add_series(
        {
            "name": "Accounts",
            "categories": [SHEET, stage_head_row, 1, stage_head_row, len(stages)],
            "values": [SHEET, total_row, 1, total_row, len(stages)],
            "fill": {"color": COUNT},
            "gap": 50,
            "data_labels": {"value": True, "font": {"size": 8}},
        }
    )
    stage_chart.set_title({"name": "Accounts by lifecycle stage", **base})
    stage_chart.set_x_axis({**axis, "num_font": {"size": 8, "color": "#5F6B75"}})
    stage_chart.set_y_axis({**axis, "major_gridlines": grid})
    stage_chart.set_legend({"none": True})
    ws.insert_chart(19, col, stage_chart, size)

    health_chart = wb.add_chart({"type": "column"})
    health_chart.add_series(
        {
            "name": "Accounts",
            "categories": health.categories(),
            "values": health.values(),
            "points": [{"fill": {"color": c}} for c in health_colours],
            "gap": 20,
        }
    )
    health_chart.set_title({"name": "Health distribution", **base})
    health_chart.set_x_axis({**axis, "num_font": {"size": 8, "color": "#5F6B75", "rotation": -45}})
    health_chart.set_y_axis({**axis, "major_gridlines": grid})
    health_chart.set_legend({"none": True})
    ws.insert_chart(35, col, health_chart, size)
