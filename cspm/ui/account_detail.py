"""One account in depth (a non-modal dialog): every field, why its tier and stage, health with
its breakdown, segments with the reason each matched, history charts, tasks and touchpoints.

The tier override is edited here (tier + reason, Save / Clear -> `set_tier_override`); after a
change the dialog reloads itself and emits `data_changed` so the window reloads the portfolio.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cspm.core.fields import CANONICAL_FIELDS, FieldType
from cspm.core.money import USD, MoneyFormat, full_one
from cspm.service.accounts import AccountDetail, account_detail
from cspm.service.context import AppContext
from cspm.service.portfolio import set_tier_override
from cspm.service.settings import get_settings

from .account_table import GREEN_FROM, RED_BELOW
from .busy import run
from .rule_fields import CANONICAL_LABELS, DERIVED_LABELS

MONEY_FIELDS = {f.name for f in CANONICAL_FIELDS if f.type == FieldType.MONEY}
TIER_SOURCES = {
    "override": "set by hand",
    "imported": "from the imported file",
    "arr_band": "from its ARR band",
    "none": "no ARR",
}
HEALTH_SOURCES = {
    "imported": "from the file",
    "computed": "computed",
    "insufficient": "not enough data",
    "none": "no data",
}


def format_value(name: str, value: Any, money: MoneyFormat = USD, note: str = "") -> str:
    """A field's value as the detail shows it; amounts in the portfolio currency, followed by
    `note` (the amount as the file had it) when there is one."""
    if note:
        shown = format_value(name, value, money)
        return note if shown == "—" else f"{shown}  ·  {note}"
    if value is None:
        return "—"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) or hasattr(value, "__float__"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return str(value)
        if math.isnan(number):
            return "—"
        if name in MONEY_FIELDS:
            return full_one(number, money)
        return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"
    return str(value)


def health_coverage_text(d: AccountDetail) -> str:
    """Coverage ("3 of 6 signals") and, when the score shown is not the components' own, why."""
    have, of = d.health_signals, d.health_signals_possible
    text = f"{have} of {of} signals"
    if d.health_computed is None and have:
        text += f"; a computed score needs at least {d.health_min_signals}"
    if d.health_source == "imported" and d.health_score is not None:
        if d.health_computed is None:
            text += ". The score is the file's: the signals here are too few to compute one."
        elif abs(d.health_score - d.health_computed) >= 0.5:
            text += (
                f". The score is the file's ({d.health_score:.0f}); the components below"
                f" compute {d.health_computed:.0f}. The CRM's score can weigh things this file"
                " does not carry (Settings > Health: untick 'Use the CRM's health score' to use"
                " the computed one)."
            )
    return text + ("" if text.endswith(".") else ".")


# a reason's field, as the user knows it ("renewal_date 2027-01-11 ..." -> "Renewal Date ...")
REASON_FIELDS = {**CANONICAL_LABELS, **DERIVED_LABELS, "seat_utilization": "Seat utilization"}
_LEADING_NAME = re.compile(r"^([a-z][a-z0-9_]*)(?=\s)")


def readable_reason(text: str) -> str:
    """A reason with each clause's leading field name in words; other words are left alone."""

    def clause(part: str) -> str:
        m = _LEADING_NAME.match(part)
        if m is None or m.group(1) not in REASON_FIELDS:
            return part
        return REASON_FIELDS[m.group(1)] + part[m.end() :]

    return "; ".join(clause(part) for part in text.split("; "))


def _pretty(component: str) -> str:
    text = component.replace("_", " ").capitalize()
    return text.replace("Mau", "MAU").replace("Nps", "NPS").replace("utilization", "utilisation")


def _label(text: str, *, bold: bool = False, muted: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
    if muted:  # the palette's placeholder colour: muted, and readable on light and dark
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _load(ctx: AppContext, key: str) -> tuple[AccountDetail, tuple[str, ...]]:
    return account_detail(ctx, key), get_settings(ctx).tier_names


class AccountDetailDialog(QDialog):
    data_changed = Signal()
    loaded = Signal()

    def __init__(self, ctx: AppContext, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.key = key
        self.detail: AccountDetail | None = None
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
        self.show_account(key)

    # ---- loading ---------------------------------------------------------------------------
    def show_account(self, key: str) -> None:
        self.key = key
        self.reload()

    def reload(self) -> None:
        run(self, _load, self.ctx, self.key, on_done=self._show)

    def _show(self, result: tuple[AccountDetail, tuple[str, ...]]) -> None:
        detail, tiers = result
        self.detail, self.tier_names = detail, tiers
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
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        self.scroll_area.setWidget(self._content(detail))
        self.loaded.emit()

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
            note = d.tier_reason.removeprefix("override: ").removesuffix(" (by user)")
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

    def _health_box(self, d: AccountDetail) -> QGroupBox:
        box = QGroupBox("Health")
        layout = QVBoxLayout(box)
        score = d.health_score
        if score is None:
            head = "Not enough data" if d.health_source == "insufficient" else "No health score"
        else:
            band = "red" if score < RED_BELOW else "yellow" if score < GREEN_FROM else "green"
            head = f"{score:.0f} / 100  ({band}; {HEALTH_SOURCES.get(d.health_source, '')})"
        self.health_head = _label(head, bold=True)
        layout.addWidget(self.health_head)
        self.health_coverage = _label(health_coverage_text(d), muted=True)
        self.health_coverage.setObjectName("health-coverage")
        layout.addWidget(self.health_coverage)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.breakdown: dict[str, QWidget] = {}
        for component, value in d.health_breakdown:
            if value is None:
                field: QWidget = _label("no data", muted=True)
            else:
                bar = QProgressBar()
                bar.setRange(0, 100)
                bar.setValue(round(value))
                bar.setFormat(f"{value:.0f}")
                bar.setMaximumHeight(18)
                field = bar
            field.setObjectName(f"health-{component}")
            self.breakdown[component] = field
            form.addRow(_pretty(component), field)
        layout.addLayout(form)
        note = "Components score 0–100; missing data is left out of the weighted average."
        self.health_note = _label(note, muted=True)
        layout.addWidget(self.health_note)
        # the box is as tall as tier + stage beside it: the room goes below, not between lines
        layout.addStretch(1)
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

    def _tasks_box(self, d: AccountDetail) -> QGroupBox:
        box = QGroupBox("Tasks and touchpoints")
        layout = QGridLayout(box)
        layout.addWidget(_label("Open tasks", bold=True), 0, 0)
        layout.addWidget(_label("Touchpoint log", bold=True), 0, 1)
        tasks = [str(t) for t in d.open_tasks] or ["No tasks"]
        touchpoints = [str(t) for t in d.touchpoints] or ["No touchpoints logged"]
        self.tasks_label = _label("\n".join(tasks), muted=not d.open_tasks)
        self.tasks_label.setObjectName("open-tasks")
        layout.addWidget(self.tasks_label, 1, 0)
        layout.addWidget(_label("\n".join(touchpoints), muted=not d.touchpoints), 1, 1)
        self.touchpoint_button = QPushButton("Log touchpoint...")
        self.touchpoint_button.clicked.connect(self.log_touchpoint)
        self.qbr_button = QPushButton("Export QBR pack...")
        self.qbr_button.clicked.connect(self.export_qbr_pack)
        layout.addWidget(self.qbr_button, 2, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.touchpoint_button, 2, 1, Qt.AlignmentFlag.AlignRight)
        layout.setColumnStretch(0, 1)
        layout.setColumnStretch(1, 1)
        return box

    def log_touchpoint(self) -> None:
        """Log a call/meeting/... for this account; the panel reloads once it is saved."""
        from .touchpoint_dialog import TouchpointDialog

        dialog = TouchpointDialog(self.ctx, self.key, self)
        dialog.logged.connect(lambda _key: self.reload())
        self.touchpoint_dialog = dialog
        dialog.open()

    def export_qbr_pack(self) -> None:
        from .export_dialog import ExportDialog

        self.export_dialog = ExportDialog(self.ctx, self, account=self.key)
        self.export_dialog.open()

    def _fields_box(self, d: AccountDetail) -> QGroupBox:
        box = QGroupBox("All fields")
        grid = QGridLayout(box)
        items = [
            (label, format_value(name, value, d.money, d.money_notes.get(name, "")))
            for name, label, value in d.values
        ]
        items += [(name, format_value(name, value)) for name, value in d.custom.items()]
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
        self.data_changed.emit()
        self.reload()
