"""The Outcomes sheet: ARR movements, retention and health per tier and per segment by quarter,
with native charts of ending ARR (stacked by tier) and NRR per tier."""

from __future__ import annotations

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .palette import PALETTE
from .workbook_common import (
    Column,
    Styles,
    column_values,
    fit_width,
    money_chart_format,
    print_wide,
    write_table,
    write_text,
)

SHEET = "Outcomes"
METRIC_COLUMNS: tuple[Column, ...] = (
    Column("group", "Group", max_width=28),
    Column("period", "Quarter", max_width=10),
    Column("start_arr", "Start ARR", "money"),
    Column("new_arr", "New ARR", "money"),
    Column("expansion_arr", "Expansion", "money"),
    Column("contraction_arr", "Contraction", "money"),
    Column("churned_arr", "Churned", "money"),
    Column("end_arr", "End ARR", "money"),
    Column("grr", "GRR", "percent"),
    Column("nrr", "NRR", "percent"),
    Column("logo_churn_rate", "Logo churn", "percent"),
    Column("avg_health", "Avg health", "number"),
    Column("nps", "NPS", "number"),
)
TITLES = {"tier": "By tier", "segment": "By segment"}


def _ordered_groups(frame: pd.DataFrame, order: list[str]) -> list[str]:
    groups = [str(g) for g in frame["group"].dropna().unique()]
    known = [g for g in order if g in groups]
    return known + sorted(g for g in groups if g not in known)


def write_outcomes(
    wb: Workbook, styles: Styles, outcomes: pd.DataFrame, tiers: list[str], segments: list[str]
) -> Worksheet:
    ws = wb.add_worksheet(SHEET)
    print_wide(ws)
    ws.write_string(0, 0, "Outcomes by quarter", styles.title)
    write_text(
        ws, 1, 0,
        "GRR and NRR are ARR retained from the quarter's start; logo churn is the share of "
        "accounts lost.", styles.subtitle,
    )  # fmt: skip
    if outcomes.empty or "group" not in outcomes.columns:
        write_text(ws, 3, 0, "No outcome data for this portfolio yet.", styles.label)
        return ws
    frame = outcomes.copy()
    frame["grouping"] = frame.get("grouping", pd.Series("tier", index=frame.index)).fillna("tier")
    columns = [c for c in METRIC_COLUMNS if c.field in frame.columns]
    periods = sorted(str(p) for p in frame["period"].dropna().unique())
    for c, column in enumerate(columns):  # one width for both blocks: fit tiers and segments
        ws.set_column(c, c, fit_width(column, column_values(frame, column)))
    row = 3
    tier_block: pd.DataFrame | None = None
    for grouping in ("tier", "segment"):
        block = frame[frame["grouping"] == grouping]
        if block.empty:
            continue
        order = _ordered_groups(block, tiers if grouping == "tier" else segments)
        block = block.assign(
            _g=pd.Categorical(block["group"].astype(str), categories=order, ordered=True),
            _p=block["period"].astype(str),
        ).sort_values(["_g", "_p"])
        ws.write_string(row, 0, TITLES[grouping], styles.section)
        for c in range(1, len(columns)):
            ws.write_blank(row, c, None, styles.section)
        last = write_table(ws, styles, row + 1, 0, block, columns, set_widths=False)
        if grouping == "tier":
            tier_block = block
        row = last + 3
    if tier_block is not None and "end_arr" in tier_block and "nrr" in tier_block:
        _tier_charts(wb, ws, styles, row, tier_block, periods, len(columns) + 1)
    return ws


def _pivot(block: pd.DataFrame, value: str, periods: list[str]) -> pd.DataFrame:
    table = block.pivot_table(index="_g", columns="_p", values=value, aggfunc="sum", observed=True)
    return table.reindex(columns=periods)


def _write_pivot(
    ws: Worksheet, styles: Styles, top: int, title: str, table: pd.DataFrame, kind: str
) -> tuple[int, int]:
    """A group x period table; returns (first data row, last data row)."""
    ws.write_string(top, 0, title, styles.section)
    ws.write_string(top + 1, 0, "Group", styles.header)
    for c, period in enumerate(table.columns, start=1):
        write_text(ws, top + 1, c, period, styles.header_num)
    for r, (group, values) in enumerate(table.iterrows(), start=top + 2):
        write_text(ws, r, 0, group, styles.by_kind["text"])
        for c, v in enumerate(values, start=1):
            if pd.notna(v):
                ws.write_number(r, c, float(v), styles.by_kind[kind])
    return top + 2, top + 1 + len(table)


def _tier_charts(
    wb: Workbook,
    ws: Worksheet,
    styles: Styles,
    top: int,
    block: pd.DataFrame,
    periods: list[str],
    chart_col: int,
) -> None:
    end = _pivot(block, "end_arr", periods)
    nrr = _pivot(block, "nrr", periods)
    end_first, end_last = _write_pivot(ws, styles, top, "Ending ARR by tier", end, "money")
    nrr_top = end_last + 3
    nrr_first, nrr_last = _write_pivot(ws, styles, nrr_top, "NRR by tier", nrr, "percent")
    n = len(periods)
    title_font = {"size": 11, "bold": True, "color": "#2F3B45"}
    axis = {"num_font": {"size": 9, "color": "#5F6B75"}, "line": {"color": "#D5DDE4"}}
    grid = {"visible": True, "line": {"color": "#E4E9EE"}}

    stacked = wb.add_chart({"type": "column", "subtype": "stacked"})
    for i, r in enumerate(range(end_first, end_last + 1)):
        stacked.add_series(
            {
                "name": [SHEET, r, 0],
                "categories": [SHEET, end_first - 1, 1, end_first - 1, n],
                "values": [SHEET, r, 1, r, n],
                "fill": {"color": PALETTE[i % len(PALETTE)]},
                "gap": 60,
            }
        )
    stacked.set_title({"name": "Ending ARR by tier", "name_font": title_font})
    largest = float(end.sum(axis=0).max()) if end.size else 0.0
    stacked.set_y_axis(
        {**axis, "num_format": money_chart_format(largest, styles.money), "major_gridlines": grid}
    )
    stacked.set_x_axis(axis)
    stacked.set_legend({"position": "bottom", "font": {"size": 9}})
    ws.insert_chart(3, chart_col, stacked)

    lines = wb.add_chart({"type": "line"})
    for i, r in enumerate(range(nrr_first, nrr_last + 1)):
        colour = PALETTE[i % len(PALETTE)]
        lines.add_series(
            {
                "name": [SHEET, r, 0],
                "categories": [SHEET, nrr_first - 1, 1, nrr_first - 1, n],
                "values": [SHEET, r, 1, r, n],
                "line": {"color": colour, "width": 2},
                "marker": {"type": "circle", "size": 5, "fill": {"color": colour},
                           "border": {"color": colour}},
            }
        )  # fmt: skip
    lines.set_title({"name": "Net revenue retention by tier", "name_font": title_font})
    lines.set_y_axis({**axis, "num_format": "0%", "major_gridlines": grid})
    lines.set_x_axis(axis)
    lines.set_legend({"position": "bottom", "font": {"size": 9}})
    ws.insert_chart(19, chart_col, lines)
