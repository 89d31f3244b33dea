"""The list sheets of the portfolio workbook: Accounts, Segments, Tasks and About."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import pandas as pd
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

import cspm
from cspm.core.field_labels import AGGREGATE_FIELDS, field_label, is_percent
from cspm.core.fields import FIELDS, FieldType
from cspm.core.money import full_one

from .data import WorkbookData
from .safe_write import Cancelled
from .workbook_common import (
    Column,
    Styles,
    excel_serials,
    print_wide,
    write_table,
    write_text,
)

ACCOUNT_SHEET_COLUMNS: tuple[Column, ...] = (
    Column("external_id", "Account ID", max_width=24),
    Column("name", "Account", max_width=40),
    Column("owner", "Owner", max_width=24),
    Column("tier", "Tier", max_width=16),
    Column("lifecycle_stage", "Lifecycle stage", max_width=16),
    Column("arr", "ARR", "money"),
    # the file's own amount: converted from another currency, or left out (no rate)
    Column("arr_note", "ARR as in the file", max_width=40),
    Column("potential_arr", "Potential ARR", "money"),
    Column("health_score", "Health", "score"),
    Column("health_band", "Health band", max_width=12),
    Column("renewal_date", "Renewal date", "date"),
    Column("days_to_renewal", "Days to renewal", "int"),
    Column("contract_start", "Contract start", "date"),
    Column("last_interaction", "Last interaction", "date"),
    Column("last_qbr", "Last QBR", "date"),
    # related-data aggregates: fractions as Excel percents, counts whole, dates as dates
    *(
        Column(
            name,
            field_label(name),
            "percent"
            if is_percent(name)
            else "date"
            if FIELDS[name].type == FieldType.DATE
            else "number"
            if name == "ticket_satisfaction_90d"
            else "int",
        )
        for name in AGGREGATE_FIELDS
    ),
    Column("segments", "Segments", max_width=60),
)
MEMBER_SHEET_COLUMNS: tuple[Column, ...] = (
    Column("key", "Account ID", max_width=24),
    Column("name", "Account", max_width=40),
    Column("owner", "Owner", max_width=24),
    Column("tier", "Tier", max_width=16),
    Column("arr", "ARR", "money"),
    Column("health_score", "Health", "score"),
    Column("why", "Why it matched", max_width=90),
)
TASK_SHEET_COLUMNS: tuple[Column, ...] = (
    Column("priority", "Priority", "priority"),
    Column("due_date", "Due", "date"),
    Column("account", "Account ID", max_width=24),
    Column("account_name", "Account", max_width=40),
    Column("owner", "Owner", max_width=24),
    Column("title", "Task", max_width=50),
    Column("trigger", "Trigger", max_width=30),
    Column("reasons", "Why", max_width=80),
    Column("status", "Status", max_width=12),
)


def present(columns: Sequence[Column], frame: pd.DataFrame) -> list[Column]:
    """The columns whose field the frame has (a missing field is left out, not left blank)."""
    return [c for c in columns if c.field in frame.columns]


def _filtered_list(ws: Worksheet, columns: list[Column], rows: int, *, freeze_cols: int) -> None:
    """Called before the rows are written: in constant-memory mode a row's height can only be
    set before the row is left."""
    ws.freeze_panes(1, freeze_cols)
    ws.autofilter(0, 0, max(rows, 1), max(len(columns) - 1, 0))
    ws.set_row(0, 30)
    print_wide(ws, repeat_header=True)


def write_accounts(
    wb: Workbook, styles: Styles, accounts: pd.DataFrame, cancelled: Cancelled | None = None
) -> Worksheet:
    ws = wb.add_worksheet("Accounts")
    columns = present(ACCOUNT_SHEET_COLUMNS, accounts)
    freeze = 2 if {"external_id", "name"} <= set(accounts.columns) else 1
    _filtered_list(ws, columns, len(accounts), freeze_cols=freeze)
    last = write_table(ws, styles, 0, 0, accounts, columns, cancelled=cancelled)
    fields = [c.field for c in columns]
    if "health_score" in fields and len(accounts):
        col = fields.index("health_score")
        if "health_band" in fields:
            band_col = xl_col_to_name(fields.index("health_band"))
            for band, fmt in styles.band_fill.items():
                ws.conditional_format(
                    1, col, last, col,
                    {"type": "formula", "criteria": f'=${band_col}2="{band}"', "format": fmt},
                )  # fmt: skip
        else:
            for criteria, value, band in ((">=", 75, "green"), ("<", 50, "red")):
                ws.conditional_format(
                    1, col, last, col,
                    {"type": "cell", "criteria": criteria, "value": value,
                     "format": styles.band_fill[band]},
                )  # fmt: skip
    if "days_to_renewal" in fields and len(accounts):
        col = fields.index("days_to_renewal")
        ws.conditional_format(
            1, col, last, col,
            {"type": "cell", "criteria": "<", "value": 0, "format": styles.alert_text},
        )  # fmt: skip
        ws.conditional_format(
            1, col, last, col,
            {"type": "cell", "criteria": "between", "minimum": 0, "maximum": 90,
             "format": styles.warn_text},
        )  # fmt: skip
    return ws


def write_segments(wb: Workbook, styles: Styles, data: WorkbookData) -> Worksheet:
    """One block per segment: a title line, its description and totals, then its members."""
    ws = wb.add_worksheet("Segments")
    print_wide(ws)
    widths = [18.0, 34.0, 20.0, 13.0, 13.0, 8.0, 70.0]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    names = list(data.segments["name"]) if "name" in data.segments else []
    names += [n for n in data.segment_members if n not in names]
    info = data.segments.set_index("name") if "name" in data.segments else pd.DataFrame()
    row = 0
    if not names:
        ws.write_string(0, 0, "No segments defined.", styles.label)
        return ws
    for name in names:
        members = data.segment_members.get(name, pd.DataFrame(columns=["key"]))
        write_text(ws, row, 0, name, styles.section)
        for c in range(1, len(widths)):
            ws.write_blank(row, c, None, styles.section)
        description = info["description"].get(name) if "description" in info else None
        arr = pd.to_numeric(members.get("arr"), errors="coerce")
        total = float(arr.sum()) if isinstance(arr, pd.Series) else 0.0
        line = f"{len(members):,} accounts, {full_one(total, styles.money)} ARR"
        if isinstance(description, str) and description:
            line = f"{description} — {line}"
        write_text(ws, row + 1, 0, line, styles.label)
        if members.empty:
            write_text(ws, row + 3, 0, "No accounts match this segment.", styles.label)
            row += 5
            continue
        columns = present(MEMBER_SHEET_COLUMNS, members)
        last = write_table(ws, styles, row + 3, 0, members, columns, set_widths=False)
        row = last + 3
    return ws


def write_tasks(
    wb: Workbook, styles: Styles, tasks: pd.DataFrame, today: datetime.date | None
) -> Worksheet:
    ws = wb.add_worksheet("Tasks")
    columns = present(TASK_SHEET_COLUMNS, tasks)
    if tasks.empty:
        for c, column in enumerate(columns):
            ws.write_string(0, c, column.header, styles.header)
        write_text(ws, 1, 0, "No open tasks.", styles.label)
        return ws
    _filtered_list(ws, columns, len(tasks), freeze_cols=0)
    last = write_table(ws, styles, 0, 0, tasks, columns)
    fields = [c.field for c in columns]
    if "priority" in fields:
        col = fields.index("priority")
        ws.conditional_format(
            1, col, last, col,
            {"type": "data_bar", "bar_color": "#9DBBD3", "bar_solid": True,
             "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 100},
        )  # fmt: skip
    if "due_date" in fields and today is not None:
        col = fields.index("due_date")
        serial = excel_serials(pd.Series([pd.Timestamp(today)]))[0]
        ws.conditional_format(
            1, col, last, col,
            {"type": "cell", "criteria": "<", "value": serial, "format": styles.alert_text},
        )  # fmt: skip
    return ws


def write_about(wb: Workbook, styles: Styles, data: WorkbookData, sheets: list[str]) -> Worksheet:
    ws = wb.add_worksheet("About")
    print_wide(ws)
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 90)
    ws.write_string(0, 0, "About this report", styles.title)
    row = 2
    rows: list[tuple[str, str]] = [
        ("Generated", f"{data.generated_at:%Y-%m-%d %H:%M}"),
        *([("Generated by", data.generated_by)] if data.generated_by else []),
        ("Database", data.database),
        ("Last import", data.last_import or "No import yet"),
        ("Accounts in this report", f"{len(data.accounts):,}"),
    ]
    if data.filters:
        rows += [(f"Filter: {key}", value) for key, value in data.filters.items()]
    else:
        rows.append(("Filters", "None: the whole portfolio"))
    for label, value in rows:
        write_text(ws, row, 0, label, styles.label)
        write_text(ws, row, 1, value)
        row += 1
    row += 1
    ws.write_string(row, 0, "Settings used", styles.section)
    ws.write_blank(row, 1, None, styles.section)
    row += 1
    for label, value in data.settings_rows:
        write_text(ws, row, 0, label, styles.label)
        write_text(ws, row, 1, value)
        row += 1
    row += 1
    ws.write_string(row, 0, "Sheets", styles.section)
    ws.write_blank(row, 1, None, styles.section)
    row += 1
    for sheet in sheets:
        write_text(ws, row, 0, sheet, styles.label)
        write_text(ws, row, 1, SHEET_NOTES.get(sheet, ""))
        row += 1
    row += 1
    write_text(ws, row, 0, f"Written by cspm {cspm.__version__}", styles.subtitle)
    return ws


SHEET_NOTES = {
    "Summary": "Portfolio totals, tier x lifecycle stage matrix (accounts and ARR), segments, "
    "health distribution and charts.",
    "Accounts": "Every account in the report with tier, stage, health, segments and key dates.",
    "Segments": "One block per segment: its members and why each matched.",
    "Tasks": "Open tasks, highest priority first, with the reasons behind each priority.",
    "Outcomes": "ARR movements, retention and health per tier and per segment by quarter.",
    "About": "This page.",
}
