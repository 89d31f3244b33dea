"""The portfolio workbook (.xlsx) and the one-sheet task list, written with XlsxWriter.

Native Excel charts, number formats and conditional formatting; text is escaped against formula
injection; the file is written beside the target and moved into place only when complete.
Sheets: Summary, Accounts, Segments, Tasks, Outcomes (only with outcomes data), About.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from .data import WorkbookData
from .safe_write import (
    Cancelled,
    Progress,
    atomic_output,
    check_cancelled,
    not_writable,
    report_progress,
)
from .workbook_common import IN_MEMORY_OPTIONS, WORKBOOK_OPTIONS, Styles
from .workbook_forecast import write_forecast
from .workbook_outcomes import write_outcomes
from .workbook_sheets import write_about, write_accounts, write_segments, write_tasks
from .workbook_summary import write_summary


def _close(wb: xlsxwriter.Workbook, target: Path) -> None:
    try:
        wb.close()
    except FileCreateError as exc:
        raise not_writable(target) from exc


def write_workbook(
    path: Path | str,
    data: WorkbookData,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    *,
    constant_memory: bool = True,
) -> Path:
    """Write the portfolio workbook to `path`; returns the path.

    Rows are streamed to temporary files (`constant_memory`); False holds every cell in memory
    until the end, the previous writer's mode, for comparing the two.

    Raises `ExportCancelledError` (a `CspmError`) when `cancelled()` turns true between sheets,
    and `BadInputError` when the target cannot be written; an older file at `path` then stays.
    """
    target = Path(path)
    with atomic_output(target) as temp:
        options = WORKBOOK_OPTIONS if constant_memory else IN_MEMORY_OPTIONS
        wb = xlsxwriter.Workbook(str(temp), options)
        wb.set_properties(
            {
                "title": "Portfolio report",
                "subject": f"Customer Success portfolio from {data.database}",
                "author": "cspm",
                "created": data.generated_at,
                "comments": data.last_import or "",
            }
        )
        styles = Styles(wb, data.money)
        sheets = ["Summary", "Accounts", "Segments", "Tasks"]
        if data.outcomes is not None:
            sheets.append("Outcomes")
        if data.forecast_rows is not None and data.forecast_totals is not None:
            sheets.append("Forecast")
        sheets.append("About")
        segment_names = [str(n) for n in data.segments.get("name", pd.Series(dtype=object))]

        report_progress(progress, 0.0, "Writing the summary")
        check_cancelled(cancelled)
        write_summary(wb, styles, data)
        report_progress(progress, 0.1, f"Writing {len(data.accounts):,} accounts")
        check_cancelled(cancelled)
        write_accounts(wb, styles, data.accounts, cancelled)
        report_progress(progress, 0.5, "Writing segments")
        check_cancelled(cancelled)
        write_segments(wb, styles, data)
        report_progress(progress, 0.65, "Writing tasks")
        check_cancelled(cancelled)
        write_tasks(wb, styles, data.tasks, data.generated_at.date())
        if data.outcomes is not None:
            report_progress(progress, 0.7, "Writing outcomes")
            check_cancelled(cancelled)
            write_outcomes(wb, styles, data.outcomes, list(data.tiers), segment_names)
        if data.forecast_rows is not None and data.forecast_totals is not None:
            check_cancelled(cancelled)
            write_forecast(wb, styles, data.forecast_totals, data.forecast_rows)
        check_cancelled(cancelled)
        write_about(wb, styles, data, sheets)
        report_progress(progress, 0.75, "Saving the workbook")
        check_cancelled(cancelled)
        _close(wb, target)
    report_progress(progress, 1.0, f"Saved {target.name}")
    return target


def write_tasks_xlsx(path: Path | str, tasks: pd.DataFrame) -> Path:
    """A one-sheet formatted task list (frozen header, filter, due dates, priority bars)."""
    target = Path(path)
    with atomic_output(target) as temp:
        wb = xlsxwriter.Workbook(str(temp), WORKBOOK_OPTIONS)
        wb.set_properties({"title": "Tasks", "author": "cspm"})
        write_tasks(wb, Styles(wb), tasks, datetime.date.today())
        _close(wb, target)
    return target
