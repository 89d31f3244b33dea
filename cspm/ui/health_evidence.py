"""Beside the health weights: the score's track record, what the edits would do, and the weights
the history suggests.

- **Track record**: per tier, the backtest of the saved score (ROC AUC of 100 - health against
  churn within 90 days, and the churn rate of each colour band) from `service.evidence`.
- **What-if**: while the user edits weights or bands (not saved yet), today's accounts over the
  bands and how many would change colour, and the backtest AUC of the edited settings. Edits
  are debounced (400 ms) and computed in a worker; an older answer never overwrites a newer.
- **Suggested weights**: per tier, weights fitted to the history, with their out-of-sample AUC
  against the current weights'. "Use these weights" copies them into the editor, unsaved:
  nothing is ever applied silently; the user still presses Save.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.core.health import COMPONENTS, HealthConfig
from cspm.core.health_fit import Suggestion
from cspm.service.context import AppContext
from cspm.service.evidence import (
    BacktestReport,
    WhatIf,
    health_backtest,
    suggested_weights,
    what_if,
)

from .busy import run

BAND_TEXT = {"red": "Red", "yellow": "Amber", "green": "Green"}


def _auc(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f}"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


class HealthEvidence(QWidget):
    """`use_weights(tier, weights)` when the user takes a suggestion into the editor."""

    use_weights = Signal(str, object)
    loaded = Signal()
    what_if_shown = Signal()

    def __init__(
        self, ctx: AppContext, edited: Callable[[], HealthConfig | None], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._edited = edited
        self._request = 0
        self.report: BacktestReport | None = None
        self.suggestions: list[Suggestion] = []
        self.record = QTableWidget(0, 7)
        self.record.setHorizontalHeaderLabels(
            ["Tier", "AUC", "Accounts", "Churned", "Red churn", "Amber churn", "Green churn"]
        )
        self.record.verticalHeader().hide()
        self.record.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.record_note = QLabel("Reading the history…")
        self.record_note.setWordWrap(True)
        track = QGroupBox("Track record: the saved score against churn within 90 days")
        track_lay = QVBoxLayout(track)
        track_lay.addWidget(self.record_note)
        track_lay.addWidget(self.record)

        self.what_if = QLabel("")
        self.what_if.setObjectName("health-what-if")
        self.what_if.setWordWrap(True)
        edits = QGroupBox("What your unsaved edits would do")
        QVBoxLayout(edits).addWidget(self.what_if)

        self.suggest_box = QGroupBox("Weights the history suggests (not applied)")
        self.suggest_lay = QVBoxLayout(self.suggest_box)
        self.suggest_note = QLabel("")
        self.suggest_note.setWordWrap(True)
        self.suggest_lay.addWidget(self.suggest_note)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(track)
        layout.addWidget(edits)
        layout.addWidget(self.suggest_box)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(400)
        self.timer.timeout.connect(self._compute_what_if)

    # ---- the saved score's record and the suggestions ----------------------------------------
    def refresh(self) -> None:
        run(self, _evidence, self.ctx, on_done=self._show, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, CspmError) else f"Could not read the history: {exc!r}"
        self.record_note.setText(text)

    def _show(self, result: tuple[BacktestReport, list[Suggestion]]) -> None:
        self.report, self.suggestions = result
        report = self.report
        self.record.setRowCount(0 if report.note else len(report.tiers))
        if report.note:
            self.record_note.setText(report.note)
        else:
            first, last = report.windows[0][0], report.windows[-1][0]
            self.record_note.setText(
                f"Each account's score at {len(report.windows)} snapshot dates ({first:%d %b %Y}"
                f" to {last:%d %b %Y}) against whether it churned in the next 90 days. AUC 0.5 "
                "is a coin toss, 1.0 ranks every churn first."
            )
            for r, t in enumerate(report.tiers):
                bands = {b.band: b for b in t.bands}
                cells = [t.tier, _auc(t.auc), f"{t.accounts:,}", f"{t.events:,}"]
                cells += [_pct(getattr(bands.get(b), "churn_rate", None)) for b in BAND_TEXT]
                for c, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if c == 1 and t.note:
                        item.setToolTip(t.note)
                    self.record.setItem(r, c, item)
        self.record.resizeRowsToContents()
        rows = self.record.verticalHeader().length() if self.record.rowCount() else 28
        self.record.setFixedHeight(
            self.record.horizontalHeader().sizeHint().height() + rows + 2 * self.record.frameWidth()
        )
        self._show_suggestions()
        self.loaded.emit()
        self.edits_changed()

    def _show_suggestions(self) -> None:
        while self.suggest_lay.count() > 1:
            item = self.suggest_lay.takeAt(1)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        usable = [s for s in self.suggestions if s.weights is not None]
        if not usable:
            notes = {s.note for s in self.suggestions if s.note}
            self.suggest_note.setText(
                " ".join(sorted(notes)) or "There is not enough history to suggest weights yet."
            )
            return
        self.suggest_note.setText(
            "Fitted per tier to the stored history (a regularised logistic regression of churn "
            "on the components); AUCs are out of sample. Using them fills the editor; Save "
            "applies them."
        )
        for s in usable:
            assert s.weights is not None
            shown = ", ".join(
                f"{c.replace('_', ' ')} {getattr(s.weights, c):.2f}"
                for c in COMPONENTS
                if getattr(s.weights, c) > 0
            )
            row = QWidget()
            lay = QHBoxLayout(row)
            lay.setContentsMargins(0, 0, 0, 0)
            text = QLabel(
                f"<b>{s.tier}</b>: AUC {_auc(s.auc_suggested)} against {_auc(s.auc_current)} "
                f"now ({s.events:,} churns in {s.pairs:,} account-dates). {shown}"
            )
            text.setWordWrap(True)
            button = QPushButton("Use these weights")
            button.setObjectName(f"use-weights-{s.tier}")
            button.clicked.connect(
                lambda _c=False, tier=s.tier, w=s.weights: self.use_weights.emit(tier, w)
            )
            lay.addWidget(text, 1)
            lay.addWidget(button)
            self.suggest_lay.addWidget(row)

    # ---- the what-if ---------------------------------------------------------------------------
    def edits_changed(self) -> None:
        """Called on every edit of the health settings: recompute after a short pause."""
        self.timer.start()

    def _compute_what_if(self) -> None:
        config = self._edited()
        if config is None:
            return
        self._request += 1
        request = self._request
        self.what_if.setText("Computing…")
        run(
            self,
            what_if,
            self.ctx,
            config,
            on_done=lambda result: self._show_what_if(request, result),
            on_error=lambda exc: self.what_if.setText(str(exc)),
            supersede="health-what-if",
        )

    def _show_what_if(self, request: int, result: WhatIf) -> None:
        if request != self._request:
            return
        spread = result.spread
        after = spread.after
        counts = ", ".join(f"{after.get(b, 0):,} {BAND_TEXT[b].lower()}" for b in BAND_TEXT)
        none = after.get("none", 0)
        text = f"Today: {counts}" + (f", {none:,} without a score" if none else "")
        text += f"; {spread.changed:,} account{'s' if spread.changed != 1 else ''} change colour."
        if result.auc_now is not None or result.auc_edited is not None:
            text += (
                f" Backtest AUC with these settings {_auc(result.auc_edited)} "
                f"(saved settings {_auc(result.auc_now)})."
            )
        elif result.note:
            text += f" {result.note}"
        self.what_if.setText(text)
        self.what_if_shown.emit()


def _evidence(ctx: AppContext) -> tuple[BacktestReport, list[Suggestion]]:
    """The saved score's backtest and the suggested weights (in a worker)."""
    return health_backtest(ctx), suggested_weights(ctx)
