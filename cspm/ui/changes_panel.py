"""What changed since the last import: tier moves, stage changes, segments entered and left,
the biggest ARR and health changes, between the last two snapshots (`changes(ctx)`).

A panel in the Trends view, and a dialog of its own after an import (`open_changes_dialog`).
With fewer than two snapshots it says so, kindly, instead of showing an empty list. The accounts
in it (the biggest ARR and health changes) open with a double-click, Enter or "Open account"
(`account_requested`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.core.money import USD, MoneyFormat, compact_one
from cspm.service.context import AppContext
from cspm.service.outcomes import Changes, changes
from cspm.service.settings import money_format

from .account_opener import AccountOpener

MUTED = QColor("#78909c")
UP, DOWN = QColor("#2e7d32"), QColor("#c62828")
EMPTY_TEXT = (
    "Nothing to compare yet.\n\nAfter your next import, this shows which accounts moved tier "
    "or lifecycle stage, which segments they entered or left, and the biggest ARR and health "
    "changes since the import before."
)
KEY_ROLE = Qt.ItemDataRole.UserRole  # an account row's key (column 0)
Row = tuple[str, str, QColor | None, str | None]  # text, figure, figure colour, account key
SECTIONS = ("Tier moves", "Stage changes", "Segments", "Biggest ARR changes",
            "Biggest health changes")  # fmt: skip


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _signed_money(v: float, money: MoneyFormat = USD) -> str:
    return ("+" if v > 0 else "−" if v < 0 else "±") + compact_one(abs(v), money)


def _value(v: Any, money: bool, fmt: MoneyFormat = USD) -> str:
    if v is None or pd.isna(v):
        return "—"
    return compact_one(float(v), fmt) if money else f"{float(v):.0f}"


def _changes_and_money(ctx: AppContext) -> tuple[Changes, MoneyFormat]:
    """The changes and the portfolio currency they are written in (in a worker)."""
    return changes(ctx), money_format(ctx)


class ChangesPanel(QWidget):
    loaded = Signal()
    account_requested = Signal(str)  # account key: double-click, Enter or "Open account"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.changes: Changes | None = None
        self.money: MoneyFormat = USD  # the portfolio currency, loaded with the changes
        self.ready = False
        self.sections: dict[str, QTreeWidgetItem] = {}
        self._request = 0

        self.title = QLabel("What changed since the last import")
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.subtitle = QLabel("Loading…")
        self.subtitle.setStyleSheet("color: #607d8b;")
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.SingleSelection)
        self.opener = AccountOpener(self.tree, self.key_at, self.account_requested.emit)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("changes-empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #607d8b; padding: 16px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.stack, 1)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        from .busy import run

        self._request += 1
        request = self._request
        run(
            self,
            _changes_and_money,
            self.ctx,
            on_done=lambda result: self._show(request, *result),
            on_error=lambda exc: self._failed(request, exc),
        )

    def is_empty(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def _failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self.changes = None
        self.subtitle.setText("")
        if isinstance(exc, CspmError):
            self.empty.setText(EMPTY_TEXT)
        else:
            self.empty.setText(f"Could not compare the last imports: {exc!r}")
        self.stack.setCurrentWidget(self.empty)
        self.ready = True
        self.loaded.emit()

    def _show(self, request: int, result: Changes, money: MoneyFormat = USD) -> None:
        if request != self._request:
            return
        self.changes = result
        self.money = money
        self.subtitle.setText(f"{result.before.isoformat()} → {result.after.isoformat()}")
        self.tree.clear()
        self.sections = {}
        m = result.moves
        tiers = m.tier_matrix[m.tier_matrix["from"] != m.tier_matrix["to"]]
        rows: list[Row] = []
        for r in tiers.to_dict("records"):
            arr = r.get("arr_before", 0.0) if r["to"] == "(churned)" else r["arr"]
            amount = compact_one(arr or 0.0, money)
            figure = f"{_plural(int(r['count']), 'account')} · {amount}"
            rows.append((f"{r['from']} → {r['to']}", figure, None, None))
        self._section("Tier moves", rows, int(tiers["count"].sum()))
        stages = m.stage_transitions[m.stage_transitions["from"] != m.stage_transitions["to"]]
        rows = [(f"{r['from']} → {r['to']}", _plural(int(r["count"]), "account"), None, None)
                for r in stages.to_dict("records")]  # fmt: skip
        self._section("Stage changes", rows, int(stages["count"].sum()))
        rows = []
        for name in dict.fromkeys([*m.segments_entered, *m.segments_left]):
            came, left = len(m.segments_entered.get(name, [])), len(m.segments_left.get(name, []))
            if came or left:
                came_text = f"+{came}" if came else "0"
                left_text = f"−{left}" if left else "0"
                rows.append((name, f"{came_text} in · {left_text} out", None, None))
        self._section("Segments", rows, len(rows))
        self._section("Biggest ARR changes", self._top(m.top_arr_changes, money=True))
        self._section("Biggest health changes", self._top(m.top_health_changes, money=False))
        self.tree.expandAll()
        self.stack.setCurrentWidget(self.tree)
        self.ready = True
        self.loaded.emit()

    def _top(self, frame: pd.DataFrame, *, money: bool) -> list[Row]:
        rows: list[Row] = []
        for r in frame.to_dict("records"):
            before, after = r["before"], r["after"]
            change = r.get("change")
            if change is None or pd.isna(change):
                change = (after or 0.0) - (before or 0.0)
            delta = (
                _signed_money(change, self.money) if money else f"{change:+.0f}".replace("-", "−")
            )
            name = r["name"] if isinstance(r["name"], str) and r["name"] else r["account"]
            was, now = _value(before, money, self.money), _value(after, money, self.money)
            text = f"{was} → {now} ({delta})"
            colour = UP if change > 0 else DOWN if change < 0 else None
            rows.append((str(name), text, colour, str(r["account"])))
        return rows

    def _section(self, title: str, rows: list[Row], total: int | None = None) -> None:
        head = QTreeWidgetItem([title, "" if total is None else f"{total:,}"])
        font = QFont(self.tree.font())
        font.setBold(True)
        head.setFont(0, font)
        head.setFont(1, font)
        head.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.tree.addTopLevelItem(head)
        self.sections[title] = head
        if not rows:
            item = QTreeWidgetItem(["No changes", ""])
            item.setForeground(0, QBrush(MUTED))
            head.addChild(item)
        for text, figure, colour, key in rows:
            item = QTreeWidgetItem([text, figure])
            item.setToolTip(0, f"{text} (double-click to open)" if key else text)
            item.setData(0, KEY_ROLE, key)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if colour is not None:
                item.setForeground(1, QBrush(colour))
            head.addChild(item)

    def key_at(self, index: QModelIndex) -> str | None:
        """The account key of a row (None for headings, counts and "No changes")."""
        key = index.siblingAtColumn(0).data(KEY_ROLE)
        return str(key) if key else None

    def item_of(self, section: str, text: str) -> QTreeWidgetItem | None:
        """The row of one section whose first column reads `text` (for tests)."""
        head = self.sections.get(section)
        for i in range(head.childCount() if head is not None else 0):
            item = head.child(i) if head is not None else None
            if item is not None and item.text(0) == text:
                return item
        return None

    def lines(self, section: str) -> list[str]:
        """The first-column texts of one section (for tests and screen readers)."""
        head = self.sections.get(section)
        if head is None:
            return []
        texts = []
        for i in range(head.childCount()):
            item = head.child(i)
            assert item is not None  # i < childCount(), so the child exists
            texts.append(item.text(0))
        return texts


class ChangesDialog(QDialog):
    """The panel alone in a dialog; `panel.account_requested` opens accounts from it."""

    panel: ChangesPanel


def open_changes_dialog(ctx: AppContext, parent: QWidget | None = None) -> ChangesDialog:
    """The panel in a non-modal dialog, e.g. after an import: the accounts opened from it
    (their detail dialog is the window's) must not be blocked by it."""
    dialog = ChangesDialog(parent)
    dialog.setWindowTitle("What changed since the last import")
    dialog.setObjectName("changes-dialog")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    panel = ChangesPanel(ctx, dialog)
    dialog.panel = panel
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(panel, 1)
    layout.addWidget(buttons)
    dialog.resize(520, 600)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.show()
    return dialog
