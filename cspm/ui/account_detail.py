"""One account in depth (a non-modal dialog): every field, why its tier and stage, health with
its breakdown, segments with the reason each matched, its related data (subscriptions,
contacts, open tickets, usage; `account_detail_related`), history charts, tasks and touchpoints.

The tier override is edited here (tier + reason, Save / Clear -> `set_tier_override`); open
tasks are completed, snoozed or dismissed here (`account_detail_tasks`). After any change the
dialog reloads itself, keeping its scroll position, and emits `data_changed` so the window
reloads the portfolio. Sections live in their own modules (`account_detail_health`,
`account_detail_tasks`, `account_detail_parts`).
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cspm.service.account_related import AccountRelated, account_related
from cspm.service.accounts import AccountDetail, account_detail
from cspm.service.context import AppContext
from cspm.service.portfolio import set_tier_override
from cspm.service.reasons import field_label, readable_reason
from cspm.service.settings import get_settings

from .account_detail_health import HealthBox, health_coverage_text
from .account_detail_parts import TIER_SOURCES, format_value
from .account_detail_parts import make_label as _label
from .account_detail_related import RelatedSections
from .account_detail_tasks import TasksBox
from .busy import run

__all__ = ["AccountDetailDialog", "format_value", "health_coverage_text", "readable_reason"]


Loaded = tuple[AccountDetail, tuple[str, ...], AccountRelated]


def _load(ctx: AppContext, key: str) -> Loaded:
    detail = account_detail(ctx, key)
    return detail, get_settings(ctx).tier_names, account_related(ctx, detail.key)


class AccountDetailDialog(QDialog):
    data_changed = Signal()
    loaded = Signal()

    def __init__(self, ctx: AppContext, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.key = key
        self.detail: AccountDetail | None = None
        self.related: AccountRelated | None = None
        self.related_box: RelatedSections | None = None  # None: the account has no related rows
        self.tier_names: tuple[str, ...] = ()
        self.setObjectName("account-detail")
        self.setWindowTitle("Account")
        self.resize(860, 780)
        self.title = QLabel("Loading…")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = _label("", muted=True)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(buttons)
        # widgets of the tier override, (re)built with the content
        self.tier_combo = QComboBox()
        self.reason_edit = QLineEdit()
        self.save_button = QPushButton("Save override")
        self.clear_button = QPushButton("Clear override")
        self._to_top = False  # the next content opens at the top (another account)
        self.show_account(key)

    # ---- loading ---------------------------------------------------------------------------
    def show_account(self, key: str) -> None:
        """Show this account; another account than the one shown starts at the top."""
        if key != self.key:
            self._to_top = True
        self.key = key
        self.reload()

    def reload(self) -> None:
        run(self, _load, self.ctx, self.key, on_done=self._show)

    def _changed(self) -> None:
        """Something was saved from here: the window reloads, the dialog too (scroll kept)."""
        self.data_changed.emit()
        self.reload()

    def _keep_scroll(self, value: int) -> None:
        """Put the new content where the old one was scrolled to (once it is laid out), then
        say `loaded`: a reload after an action must not jump back to the top."""
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(value)
        if bar.value() == value:
            self.loaded.emit()
            return

        def later() -> None:  # the range is known after the layout pass
            bar.setValue(value)
            self.loaded.emit()

        QTimer.singleShot(0, self, later)  # never called once the dialog is gone

    def _show(self, result: Loaded) -> None:
        detail, tiers, related = result
        self.detail, self.tier_names, self.related = detail, tiers, related
        name = detail.name or detail.key
        self.setWindowTitle(f"{name} — account")
        self.title.setText(name)
        values = {n: v for n, _, v in detail.values}
        parts = [f"ID {values.get('external_id') or detail.key}"]
        if values.get("owner"):
            parts.append(f"owner {values['owner']}")
        arr_note = detail.money_notes.get("arr", "")
        parts.append(f"ARR {format_value('arr', values.get('arr'), detail.money, arr_note)}")
        self.subtitle.setText(" · ".join(parts))
        scrolled = 0 if self._to_top else self.scroll_area.verticalScrollBar().value()
        self._to_top = False
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        content = self._content(detail)
        self.scroll_area.setWidget(content)
        content.adjustSize()
        self._keep_scroll(scrolled)

    def _content(self, d: AccountDetail) -> QWidget:
        content = QWidget()
        layout = QVBoxLayout(content)
        # two columns side by side (not a grid with health spanning two rows: a spanning box of
        # wrapped text made the grid guess its height too tall, opening empty room below)
        left = QVBoxLayout()
        left.addWidget(self._tier_box(d))
        left.addWidget(self._stage_box(d), 1)
        top = QHBoxLayout()
        top.addLayout(left, 1)
        self.health_box = self._health_box(d)
        top.addWidget(self.health_box, 1)
        layout.addLayout(top)
        layout.addWidget(self._segments_box(d))
        self.related_box = None
        if self.related is not None and self.related.has_any:
            self.related_box = RelatedSections(self.related)
            layout.addWidget(self.related_box)
        layout.addWidget(self._history_box(d))
        layout.addWidget(self._tasks_box(d))
        layout.addWidget(self._fields_box(d))
        layout.addStretch(1)
        return content

    # ---- sections --------------------------------------------------------------------------
    def _tier_box(self, d: AccountDetail) -> QGroupBox:
        box = QGroupBox("Tier")
        layout = QVBoxLayout(box)
        head = _label(f"{d.tier}  ({TIER_SOURCES.get(d.tier_source, d.tier_source)})", bold=True)
        head.setObjectName("tier")
        self.tier_reason = _label(d.tier_reason)
        self.tier_reason.setObjectName("tier-reason")
        layout.addWidget(head)
        layout.addWidget(self.tier_reason)
        self.tier_combo = QComboBox()
        self.tier_combo.addItems(list(self.tier_names))
        self.tier_combo.setCurrentText(d.tier)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("Reason for the override (required)")
        if d.tier_source == "override" and d.tier_reason.startswith("override: "):
            note = re.sub(r" \(by [^()]*\)$", "", d.tier_reason.removeprefix("override: "))
            if not note.startswith("set to "):
                self.reason_edit.setText(note)
        self.save_button = QPushButton("Save override")
        self.save_button.setToolTip("Pin this tier; it survives re-imports until cleared")
        self.clear_button = QPushButton("Clear override")
        self.clear_button.setEnabled(d.tier_source == "override")
        self.save_button.clicked.connect(self._save_override)
        self.clear_button.clicked.connect(self._clear_override)
        self.reason_edit.returnPressed.connect(self._save_override)
        row = QHBoxLayout()
        row.addWidget(self.tier_combo)
        row.addWidget(self.reason_edit, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        layout.addLayout(row)
        layout.addLayout(buttons)
        return box

    def _stage_box(self, d: AccountDetail) -> QGroupBox:
        box = QGroupBox("Lifecycle stage")
        layout = QVBoxLayout(box)
        layout.addWidget(_label(d.lifecycle_stage, bold=True))
        self.stage_reason = _label(readable_reason(d.stage_reason))
        self.stage_reason.setObjectName("stage-reason")
        layout.addWidget(self.stage_reason)
        layout.addStretch(1)
        return box

    def _health_box(self, d: AccountDetail) -> HealthBox:
        box = HealthBox(d)
        self.health_head, self.health_coverage = box.head, box.coverage
        self.health_choice, self.health_note = box.choice, box.note
        self.health_scores, self.breakdown = box.scores, box.breakdown
        return box

    def _segments_box(self, d: AccountDetail) -> QGroupBox:
        box = QGroupBox(f"Segments ({len(d.segments)})")
        layout = QVBoxLayout(box)
        self.segment_labels: list[QLabel] = []
        if not d.segments:
            layout.addWidget(_label("In no segment.", muted=True))
        for name, why in d.segments:
            reasons = "; ".join(readable_reason(w) for w in why) if why else "matches"
            label = QLabel(f"<b>{html.escape(name)}</b>: {html.escape(reasons)}")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            self.segment_labels.append(label)
            layout.addWidget(label)
        return box

    def _history_box(self, d: AccountDetail) -> QGroupBox:
        n = len(d.history)
        box = QGroupBox(f"History across imports ({n} snapshot{'' if n == 1 else 's'})")
        self.history_box = box
        layout = QVBoxLayout(box)
        from .charts import trend_widget

        layout.addWidget(trend_widget(d.history, box))
        return box

    def _tasks_box(self, d: AccountDetail) -> TasksBox:
        box = TasksBox(self.ctx, d)
        self.tasks_box = box
        self.touchpoint_button, self.qbr_button = box.touchpoint_button, box.qbr_button
        self.touchpoint_button.clicked.connect(self.log_touchpoint)
        self.qbr_button.clicked.connect(self.export_qbr_pack)
        box.acted.connect(self._changed)
        return box

    def log_touchpoint(self) -> None:
        """Log a call/meeting/... for this account; the panel reloads once it is saved."""
        from .touchpoint_dialog import TouchpointDialog

        name = self.detail.name if self.detail is not None else None
        dialog = TouchpointDialog(self.ctx, self.key, self, account_name=name)
        dialog.logged.connect(lambda _key: self._changed())
        self.touchpoint_dialog = dialog
        dialog.open()

    def export_qbr_pack(self) -> None:
        from .export_dialog import ExportDialog

        self.export_dialog = ExportDialog(self.ctx, self, account=self.key)
        self.export_dialog.open()

    def _fields_box(self, d: AccountDetail) -> QGroupBox:
        box = QGroupBox("All fields")
        self.fields_box = box
        grid = QGridLayout(box)
        values = [
            # the field "Health Score" is what the file said; the score used is in Health
            (name, label, d.health_imported if name == "health_score" else value)
            for name, label, value in d.values
        ]
        items = [
            (label, format_value(name, value, d.money, d.money_notes.get(name, "")))
            for name, label, value in values
        ]
        items += [(field_label(n), format_value(n, value)) for n, value in d.custom.items()]
        half = (len(items) + 1) // 2
        for i, (label, text) in enumerate(items):
            col = 0 if i < half else 2
            row = i if i < half else i - half
            name_label = _label(label, muted=True, wrap=False)
            grid.addWidget(name_label, row, col)
            grid.addWidget(_label(text), row, col + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setHorizontalSpacing(14)
        return box

    # ---- tier override -------------------------------------------------------------------
    def _save_override(self) -> None:
        self._set_override(self.tier_combo.currentText(), self.reason_edit.text())

    def _clear_override(self) -> None:
        self._set_override(None, "")

    def _set_override(self, tier: str | None, reason: str) -> None:
        self.save_button.setEnabled(False)
        self.clear_button.setEnabled(False)

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self.clear_button.setEnabled(
                self.detail is not None and self.detail.tier_source == "override"
            )
            from .busy import report_error

            report_error(self, exc)

        run(
            self,
            set_tier_override,
            self.ctx,
            self.key,
            tier,
            reason,
            on_done=self._override_saved,
            on_error=failed,
        )

    def _override_saved(self, key: str) -> None:
        self.key = key
        self._changed()
