"""Writers for the real files tests import: xlsx via openpyxl, csv in any encoding/delimiter."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

Row = Sequence[Any]


def write_xlsx(path: Path, rows: Sequence[Row], sheet: str = "Accounts") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def write_csv(
    path: Path, rows: Sequence[Row], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


HEADER = [
    "Account ID",
    "Account Name",
    "Account Owner",
    "ARR",
    "Renewal Date",
    "Health Score",
    "Contract Start Date",
    "Status",
]


def salesforce_rows(data: Sequence[Row], header: Row = HEADER) -> list[Row]:
    """A Salesforce report export: title, filter lines and blanks above, totals and
    confidentiality/copyright lines below the data."""
    return [
        ["Customer Accounts by Renewal"],
        ["Filtered By: Account Owner equals Dana Scully"],
        ["As of 11/20/2026"],
        [],
        list(header),
        *[list(r) for r in data],
        [],
        [f"Grand Totals ({len(data)} records)"],
        ["Confidential Information - Do Not Distribute"],
        ["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."],
    ]
