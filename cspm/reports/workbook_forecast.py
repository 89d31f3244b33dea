"""The workbook's Forecast sheet: totals per quarter, tier and category, then every renewal.

The totals come first (what a CS leader reads), then the account list with the category, the
amount and why, filterable like the Accounts sheet."""

from __future__ import annotations

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .workbook_common import Column, Styles, print_wide, write_table, write_text

SHEET = "Forecast"
TOTAL_COLUMNS: tuple[Column, ...] = (
    Column("quarter", "Quarter", max_width=12),
    Column("group", "Tier", max_width=24),
    Column("category", "Category", max_width=16),
    Column("accounts", "Renewals", "int"),
    Column("arr_up", "ARR up", "money"),
    Column("expected_arr", "Expected ARR", "money"),
)
ROW_COLUMNS: tuple[Column, ...] = (
    Column("quarter", "Quarter", max_width=12),
    Column("key", "Account ID", max_width=24),
    Column("name", "Account", max_width=40),
    Column("tier", "Tier", max_width=18),
    Column("owner", "Owner", max_width=24),
    Column("renewal_date", "Renewal", "date"),
    Column("arr_up", "ARR up", "money"),
    Column("category", "Category", max_width=16),
    Column("amount", "Expected amount", "money"),
    Column("probability", "Probability", "percent"),
    Column("expected_arr", "Expected ARR", "money"),
    Column("why", "Why", max_width=70),
)


def write_forecast(
    wb: Workbook, styles: Styles, totals: pd.DataFrame, rows: pd.DataFrame
) -> Worksheet:
    ws = wb.add_worksheet(SHEET)
    print_wide(ws)
    write_text(ws, 0, 0, "Renewal forecast by tier", styles.section)
    if rows.empty:
        write_text(ws, 2, 0, "No renewal dates in this quarter or the next three.", styles.label)
        return ws
    last = write_table(ws, styles, 2, 0, totals, TOTAL_COLUMNS)
    top = last + 3
    write_text(ws, top, 0, f"{len(rows):,} renewals", styles.section)
    shown = rows.assign(why=_why(rows))
    write_table(ws, styles, top + 2, 0, shown, ROW_COLUMNS, set_widths=False)
    return ws


def _why(rows: pd.DataFrame) -> list[str]:
    out = []
    for overridden, reason, by, rule in zip(
        rows["overridden"], rows["override_reason"], rows["override_by"], rows["category_reason"],
        strict=True,
    ):  # fmt: skip
        if overridden:
            out.append(f"CSM call{f' ({by})' if isinstance(by, str) and by else ''}: {reason}")
        else:
            out.append(str(rule or ""))
    return out
