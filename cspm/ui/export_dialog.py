"""Export: pick a report, its filters and a file; the export runs in a worker with progress.

Portfolio workbook (.xlsx), account list (.csv), task list (.csv or .xlsx) or a QBR pack (.pdf,
for one account or every account of a segment). The file name follows the report
("portfolio-2026-11-23.xlsx") until the user picks their own. Errors are the service's
sentence ("… close it in Excel and try again"), shown in the dialog; nothing is lost.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.service.context import AppContext

from . import export_defaults
from .busy import run
from .export_choices import (
    AUDIENCE_ITEMS,
    FILTERS,
    KINDS,
    Choices,
    Kind,
    load_choices,
    run_export,
    slug,
)
from .export_defaults import ExportPrefill
from .worker import Worker


def _combo(any_text: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(any_text, None)
    combo.setMinimumContentsLength(18)
    return combo


class ExportDialog(QDialog):
    exported = Signal(object)  # the Path written

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        account: str | None = None,
        segment: str | None = None,
        prefill: ExportPrefill | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.folder = export_defaults.default_folder()  # read once: where the file name starts
        self._prefill = prefill or ExportPrefill()
        self.setWindowTitle("Export")
        self.setObjectName("export-dialog")
        self.choices: Choices | None = None
        self.worker: Worker | None = None
        self.written: Path | None = None
        self._auto_text = ""  # the file name last filled in for the user
        self._want_account, self._want_segment = account, segment

        self.what_combo = QComboBox()
        for kind in KINDS:
            self.what_combo.addItem(kind.label, kind.id)

        self.filters_box = QGroupBox("Which accounts")
        self.segment_combo = _combo("Every segment")
        self.owner_combo = _combo("Every owner")
        self.tier_combo = _combo("Every tier")
        form = QFormLayout(self.filters_box)
        form.addRow("Segment:", self.segment_combo)
        form.addRow("Owner:", self.owner_combo)
        form.addRow("Tier:", self.tier_combo)

        self.qbr_box = QGroupBox("QBR pack for")
        self.one_account = QRadioButton("One account:")
        self.whole_segment = QRadioButton("Every account in a segment:")
        self.one_account.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.one_account)
        group.addButton(self.whole_segment)
        self.account_edit = QLineEdit()
        self.account_edit.setPlaceholderText("Account name or ID")
        self._account_model = QStringListModel(self)
        completer = QCompleter(self._account_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.account_edit.setCompleter(completer)
        self.qbr_segment_combo = QComboBox()
        self.qbr_segment_combo.setMinimumContentsLength(18)
        self.page_combo = QComboBox()
        self.page_combo.addItems(["A4", "Letter"])
        self.audience_combo = QComboBox()  # who reads it: the customer unless chosen otherwise
        for label, audience, tip in AUDIENCE_ITEMS:
            self.audience_combo.addItem(label, audience)
            self.audience_combo.setItemData(
                self.audience_combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole
            )
        qform = QFormLayout(self.qbr_box)
        qform.addRow(self.one_account, self.account_edit)
        qform.addRow(self.whole_segment, self.qbr_segment_combo)
        qform.addRow("For:", self.audience_combo)
        qform.addRow("Page size:", self.page_combo)

        self.path_edit = QLineEdit()
        self.path_edit.setMinimumWidth(380)
        self.browse_button = QPushButton("Choose…")
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(self.browse_button)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status_label = QLabel()
        self.status_label.setObjectName("export-status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        self.status_label.setOpenExternalLinks(False)
        self.status_label.linkActivated.connect(self._open_link)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)

        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #607d8b;")
        form = QFormLayout()
        form.addRow("Report:", self.what_combo)
        form.addRow("", self.hint)
        form.addRow(self.filters_box)
        form.addRow(self.qbr_box)
        form.addRow("Save as:", where)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.what_combo.currentIndexChanged.connect(self._kind_changed)
        self.one_account.toggled.connect(self._update)
        self.account_edit.textChanged.connect(self._update)
        self.qbr_segment_combo.currentIndexChanged.connect(self._update)
        self.browse_button.clicked.connect(self.browse)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button.clicked.connect(self.cancel_or_close)

        if account or segment:
            self.what_combo.setCurrentIndex(self.what_combo.findData("qbr"))
            self.one_account.setChecked(bool(account))
            self.whole_segment.setChecked(not account)
            if account:
                self.account_edit.setText(account)
        self._update()
        self.adjustSize()
        self.status_label.setText("Loading the portfolio…")
        run(self, load_choices, ctx, on_done=self._fill, on_error=self._failed)

    # -- choices --
    def _fill(self, choices: Choices) -> None:
        self.choices = choices
        self.status_label.setText("")
        for combo, items in ((self.segment_combo, choices.segments),
                             (self.owner_combo, choices.owners),
                             (self.tier_combo, choices.tiers)):  # fmt: skip
            for item in items:
                combo.addItem(item, item)
        self.qbr_segment_combo.blockSignals(True)
        for item in choices.segments:
            self.qbr_segment_combo.addItem(item, item)
        self.qbr_segment_combo.blockSignals(False)
        self._account_model.setStringList([label for _key, label in choices.accounts])
        if self._want_segment:
            fold = self._want_segment.casefold()
            for combo in (self.segment_combo, self.qbr_segment_combo):
                for i in range(combo.count()):
                    if str(combo.itemData(i) or "").casefold() == fold:
                        combo.setCurrentIndex(i)
        if self._want_account:
            label = self._account_label(self._want_account)
            if label:
                self.account_edit.setText(label)
        self._apply_prefill()
        self._update()

    def _apply_prefill(self) -> None:
        """The filter the user was looking at (owner, tier, segment, selected account)."""
        pre = self._prefill
        export_defaults.select_data(self.owner_combo, pre.owner)
        export_defaults.select_data(self.tier_combo, pre.tier)
        if not self._want_segment and export_defaults.select_data(self.segment_combo, pre.segment):
            export_defaults.select_data(self.qbr_segment_combo, pre.segment)
        if pre.account and not self.account_edit.text().strip():
            label = self._account_label(pre.account)
            if label:
                self.account_edit.setText(label)

    def _account_label(self, ref: str) -> str | None:
        """The listed "Name (ID)" of the account a key, ID or name refers to."""
        fold = ref.strip().casefold()
        for key, label in self.choices.accounts if self.choices else []:
            low = label.casefold()
            if fold in (key.casefold(), low, low.rsplit(" (", 1)[0]) or low.endswith(f"({fold})"):
                return label
        return None

    def _account_ref(self) -> str:
        """What the service gets for the account: its key when the text is a listed label."""
        text = self.account_edit.text().strip()
        for key, label in self.choices.accounts if self.choices else []:
            if label == text:
                return key
        return text

    # -- form state --
    def kind(self) -> Kind:
        return next(k for k in KINDS if k.id == self.what_combo.currentData())

    def _kind_changed(self) -> None:
        if not self._auto_path():
            text = self.path_edit.text().strip()
            self.path_edit.setText(str(Path(text).with_suffix(self.kind().suffix)))
        self._update()
        self.adjustSize()

    def _auto_path(self) -> bool:
        """True while the file name is ours (not typed or chosen by the user)."""
        text = self.path_edit.text().strip()
        return not text or text == self._auto_text

    def _update(self) -> None:
        kind = self.kind()
        qbr = kind.id == "qbr"
        self.hint.setText(kind.hint)
        self.filters_box.setVisible(not qbr)
        self.qbr_box.setVisible(qbr)
        self.account_edit.setEnabled(self.one_account.isChecked())
        self.qbr_segment_combo.setEnabled(self.whole_segment.isChecked())
        if self._auto_path():
            self._auto_text = str(self.folder / self.default_name())
            self.path_edit.setText(self._auto_text)

    def default_name(self) -> str:
        kind, day = self.kind(), self.ctx.today.isoformat()
        if kind.id != "qbr":
            return f"{kind.stem}-{day}{kind.suffix}"
        if self.one_account.isChecked():
            text = self.account_edit.text().strip()
            who = slug(text.rsplit(" (", 1)[0]) if text else "account"
        else:
            who = slug(self.qbr_segment_combo.currentText() or "segment")
        return f"qbr-{who}-{day}.pdf"

    def target(self) -> Path:
        text = self.path_edit.text().strip()
        path = Path(text).expanduser() if text else self.folder / self.default_name()
        suffix = self.kind().suffix
        return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)

    def options(self) -> dict[str, Any]:
        kind = self.kind()
        if kind.id == "qbr":
            if self.one_account.isChecked():
                return {
                    "account": self._account_ref() or None,
                    "page_size": self.page_combo.currentText(),
                    "audience": self.audience_combo.currentData(),
                }
            return {
                "segment": self.qbr_segment_combo.currentData(),
                "page_size": self.page_combo.currentText(),
                "audience": self.audience_combo.currentData(),
            }
        return {
            "what": kind.what,
            "segment": self.segment_combo.currentData(),
            "owner": self.owner_combo.currentData(),
            "tier": self.tier_combo.currentData(),
        }

    @Slot()
    def browse(self) -> None:
        suffix = self.kind().suffix
        path, _ = QFileDialog.getSaveFileName(
            self, "Export to", str(self.target()), FILTERS[suffix]
        )
        if path:
            self.path_edit.setText(path)

    # -- running --
    def running(self) -> bool:
        return self.worker is not None

    @Slot()
    def start_export(self) -> None:
        if self.running():
            return
        path = self.target()
        self.path_edit.setText(str(path))
        self.written = None
        self._set_running(True)
        self._status("Starting…", "")
        self.worker = run(
            self,
            run_export,
            self.ctx,
            path,
            self.options(),
            with_progress=True,
            on_progress=self._progress,
            on_done=self._done,
            on_error=self._failed,
        )

    def _set_running(self, running: bool) -> None:
        for w in (self.what_combo, self.filters_box, self.qbr_box, self.path_edit,
                  self.browse_button, self.export_button):  # fmt: skip
            w.setEnabled(not running)
        if not running:
            self._update()
        self.progress.setVisible(running)
        self.progress.setValue(0)
        self.cancel_button.setText("Cancel" if running else "Close")
        self.cancel_button.setToolTip("Stop the export; nothing is written" if running else "")

    def _progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(100 * max(0.0, min(1.0, fraction))))
        self._status(message, "")

    def _done(self, path: Path) -> None:
        self.worker = None
        self.written = Path(path)
        self.folder = self.written.parent
        export_defaults.remember_folder(self.folder)
        self._set_running(False)
        folder = QUrl.fromLocalFile(str(self.written.parent)).toString()
        self._status(
            f"Saved <b>{html.escape(self.written.name)}</b> in "
            f"{html.escape(str(self.written.parent))}. <a href='{folder}'>Open folder</a>",
            "#2e7d32",
            rich=True,
        )
        self.exported.emit(self.written)

    def _failed(self, exc: BaseException) -> None:
        self.worker = None
        self._set_running(False)
        if isinstance(exc, CspmError):
            self._status(str(exc), "#c62828")
        else:
            self._status(f"The export failed unexpectedly: {exc!r}", "#c62828")

    def _status(self, text: str, colour: str, *, rich: bool = False) -> None:
        self.status_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.status_label.setText(text if rich else html.escape(text))

    def _open_link(self, url: str) -> None:
        QDesktopServices.openUrl(QUrl(url))

    @Slot()
    def cancel_or_close(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self._status("Cancelling…", "")
        else:
            self.reject()

    def reject(self) -> None:
        if self.worker is not None:
            self.worker.cancel()  # the late answer goes nowhere: the relay dies with us
        super().reject()
