"""The validation page's two previews: what the first rows' cells became, and the big changes
the import would make against the stored accounts, which the user confirms before importing.

Both are computed by the service in one worker (`preview_job`) when the page opens; the page
stays usable meanwhile and Next waits for the comparison (and, when it finds big changes, for
the "I have reviewed these changes" tick), so nothing lands unseen.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspm.core.related.kinds import ACCOUNTS
from cspm.service.context import AppContext
from cspm.service.import_preview import BigChanges, big_changes, value_preview
from cspm.service.import_results import ImportResult, PreparedImport

from .models import RowsModel
from .plans import link_preview

PREVIEW_ROWS = 5
LISTED = 200  # big changes listed one by one; the rest are counted


def preview_job(
    ctx: AppContext, prepared: PreparedImport, kind: str = ACCOUNTS
) -> tuple[pd.DataFrame, BigChanges, ImportResult | None]:
    """In a worker: the values preview, the big changes, and for a related file how its rows
    would link (a dry run: reads the database, writes nothing).

    A related file (subscriptions, tickets...) sets no stored account value itself (its rows
    are linked and the accounts' fields derived from them), so it has no big changes to
    confirm: an empty list, which lets the import go on."""
    frame = value_preview(ctx, prepared, PREVIEW_ROWS)
    if kind == ACCOUNTS:
        return frame, big_changes(ctx, prepared), None
    return frame, BigChanges(), link_preview(ctx, prepared, kind)


def links_sentence(dry: ImportResult) -> str:
    """ "Linking: 5 of 6 rows link to an account; 1 links to none (row 7: account ID
    '0015e...' is no stored account ...)." from the dry run of a related import."""
    if dry.status == "already_imported":
        return (dry.message or "")[:1].upper() + (dry.message or "")[1:] + "."
    rel = dry.related
    if rel is None or dry.status != "dry_run":
        return ""
    total = rel.linked + rel.unlinked
    text = f"Linking: {rel.linked:,} of {total:,} row{'' if total == 1 else 's'} link to an account"
    if not rel.unlinked:
        return text + "."
    first = rel.unlinked_examples[0] if rel.unlinked_examples else {}
    why = f": {row_text(first.get('row'))}{first['why']}" if "why" in first else ""
    return (
        f"{text}; {rel.unlinked:,} link{'s' if rel.unlinked == 1 else ''} to none{why}. "
        "Unlinked rows are kept and link when their account is imported."
    )


def row_text(row: object) -> str:
    """ "row 7, " for an example's sheet row (stored as a number, maybe a float), else ""."""
    try:
        return f"row {int(float(str(row)))}, "
    except ValueError:
        return ""


class ValuesPreview(QTableView):
    """Row | Column | Imported as | In the file | Becomes, for the first rows."""

    HEADERS = ("Row", "Column", "Imported as", "In the file", "Becomes")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_ = RowsModel(list(self.HEADERS))
        self.setModel(self.model_)
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def set_preview(self, frame: pd.DataFrame) -> None:
        rows: list[tuple[Any, ...]] = [
            (r.row, r.column, r.field, r.raw, r.parsed) for r in frame.itertuples(index=False)
        ]
        self.model_.set_rows(rows)
        self.resizeColumnsToContents()

    def pairs(self) -> list[tuple[str, str, str]]:
        """(column, raw, parsed) per line as shown, for tests and screenshots."""
        return [(str(r[1]), str(r[3]), str(r[4])) for r in self.model_.rows]


class BigChangesPanel(QGroupBox):
    """The big changes and the confirmation tick; `confirmed_changed` when it may go on."""

    confirmed_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Big changes against the accounts already stored", parent)
        self.changes: BigChanges | None = None
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setMaximumHeight(130)
        self.confirm = QCheckBox("I have reviewed these changes")
        self.confirm.toggled.connect(lambda _on: self.confirmed_changed.emit())
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.list)
        lay.addWidget(self.confirm, 0, Qt.AlignmentFlag.AlignLeft)  # as wide as its words
        self.hide()

    def computing(self) -> None:
        """While the worker compares: nothing to confirm yet, and Next waits."""
        self.changes = None
        self.confirm.setChecked(False)
        self.hide()

    def set_changes(self, changes: BigChanges) -> None:
        self.changes = changes
        self.confirm.blockSignals(True)
        self.confirm.setChecked(False)
        self.confirm.blockSignals(False)
        self.list.clear()
        self.list.addItems(changes.lines(LISTED))
        missing = changes.count("missing")
        note = (
            " Accounts not in this file stay as they are; that only matters if the file is"
            " meant to hold the whole portfolio."
            if missing
            else ""
        )
        self.summary.setText(f"{changes.summary()}. Check them before importing.{note}")
        self.setVisible(not changes.empty)
        self.confirmed_changed.emit()

    def ready(self) -> bool:
        """Compared, and either nothing big or the user ticked that they reviewed it."""
        if self.changes is None:
            return False
        return self.changes.empty or self.confirm.isChecked()

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]
