"""The kind step: what kind of file this is (detected from its headers and shape), changeable.

Shown as soon as the cells are read and the header row known: "This looks like a subscriptions
file: one row per subscription; columns 'Subscription ID', 'Current Period Start'". The combo
lists every kind with a short explanation; choosing another forgets the mapping choices made for
the old kind and the next step re-plans from the cells already read (never the file).
Detection runs in a worker (it looks at the key column's repeats over every row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from cspm.core.file_kind import counts_text
from cspm.core.related.kinds import ACCOUNTS, KIND_NAMES

from ..busy import run
from .helpers import bold, cell_text, message_label, message_of, say
from .kind_texts import KIND_TEXTS, choice_label, feeds_sentence
from .plans import KindGuess, detect_job

if TYPE_CHECKING:
    from .wizard import ImportWizard

GLIMPSE_ROWS = 6


def _quoted(columns: tuple[str, ...], most: int = 3) -> str:
    shown = ", ".join(f"'{c}'" for c in columns[:most])
    more = len(columns) - most
    return shown + (f" and {more} more" if more > 0 else "")


def _same(a: tuple[object, int | None] | None, b: tuple[object, int | None] | None) -> bool:
    """The same cells object (identity: cells compare by value, slowly) and header row."""
    return a is not None and b is not None and a[0] is b[0] and a[1] == b[1]


def detected_sentence(found: KindGuess) -> str:
    """ "This looks like a subscriptions file: one row per subscription; columns
    'Subscription ID', 'Current Period Start'." (plain text; the page bolds the noun)."""
    text = KIND_TEXTS[found.kind]
    columns = f"; columns {_quoted(found.evidence)}" if found.evidence else ""
    source = f" ({found.source}: its closed-won rows are subscriptions)" if found.source else ""
    counts = f" ({counts_text(found.shape)})" if found.shape is not None else ""
    return f"This looks like {text.noun}{source}: {text.shape}{counts}{columns}."


class KindPage(QWizardPage):
    """The detected kind in a sentence, a combo to change it, and what the chosen kind does."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("What kind of file is this?")
        self.setSubTitle(
            "cspm imports accounts and the exports around them. Each kind is kept in its own "
            "table, linked to your accounts, and feeds their fields."
        )
        self.detected_label = QLabel()
        self.detected_label.setWordWrap(True)
        self.detected_label.setTextFormat(Qt.TextFormat.RichText)
        self.detected_label.setStyleSheet("font-size: 12pt;")
        self.combo = QComboBox()
        for kind in KIND_NAMES:
            self.combo.addItem(choice_label(kind), kind)
            self.combo.setItemData(
                self.combo.count() - 1, KIND_TEXTS[kind].holds, Qt.ItemDataRole.ToolTipRole
            )
        self.combo.setEnabled(False)
        self.reset_button = QPushButton("Use the detected kind")
        self.reset_button.hide()
        self.holds = QLabel()
        self.holds.setWordWrap(True)
        self.feeds = QLabel()
        self.feeds.setWordWrap(True)
        self.choice_note = QLabel()
        self.choice_note.setWordWrap(True)
        self.choice_note.hide()
        self.message = message_label()
        self.glimpse_label = QLabel()
        self.glimpse = QTableWidget(0, 0)
        self.glimpse.verticalHeader().hide()
        self.glimpse.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.glimpse.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.glimpse.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.glimpse.setWordWrap(False)
        row = QHBoxLayout()
        row.addWidget(self.combo, 1)
        row.addWidget(self.reset_button)
        form = QFormLayout()
        form.addRow("Import as", row)
        form.addRow("Its columns", self.holds)
        form.addRow("What it does", self.feeds)
        lay = QVBoxLayout(self)
        lay.addWidget(self.detected_label)
        lay.addSpacing(8)
        lay.addLayout(form)
        lay.addWidget(self.choice_note)
        lay.addWidget(self.message)
        lay.addSpacing(8)
        lay.addWidget(self.glimpse_label)
        lay.addWidget(self.glimpse, 1)
        self.found: KindGuess | None = None
        self._detected_for: tuple[object, int | None] | None = None  # (cells, header row)
        self._busy = False
        self.combo.currentIndexChanged.connect(lambda _i: self._chosen())
        self.reset_button.clicked.connect(self.use_detected)

    # --- detecting ----------------------------------------------------------------------------

    def initializePage(self) -> None:
        cells = self.w.cells
        assert cells is not None, "the header step reads the cells before this page"
        key = (cells, self.w.header_index)
        if _same(key, self._detected_for) and self.found is not None:
            self._show_choice()
            return
        self.found = None
        self._busy = True
        self.combo.setEnabled(False)
        self.detected_label.setText("")
        say(self.message, "Looking at the columns and rows…")
        self.completeChanged.emit()
        run(
            self,
            detect_job,
            cells,
            self.w.header_index,
            on_done=lambda found: self._detected(key, found),
            on_error=lambda exc: self._failed(key, exc),
        )

    def _current_key(self) -> tuple[object, int | None]:
        return (self.w.cells, self.w.header_index)

    def _detected(self, key: tuple[object, int | None], found: KindGuess) -> None:
        if not _same(key, self._current_key()):
            return  # another sheet or header row since: its own detection follows
        self._busy = False
        self._detected_for = key
        self.found = found
        self.w.detected_kind = found.kind
        say(self.message, "")
        if found.kind == ACCOUNTS and found.shape is not None and found.shape.many_rows_per_account:
            say(
                self.message,
                f"It has several rows per account ({counts_text(found.shape)}, column "
                f"'{found.shape.account_column}' repeats) but no kind cspm recognises: as a "
                "list of accounts it would be refused. If it is one of the kinds below, "
                "choose it.",
                error=True,
            )
        sentence = detected_sentence(found)
        noun = KIND_TEXTS[found.kind].noun
        self.detected_label.setText(sentence.replace(noun, f"<b>{noun}</b>", 1))
        if not self.w.kind_chosen:  # no choice of the user's: take what was detected
            self.w.set_kind(found.kind)
        self._show_glimpse(found.evidence)
        self._show_choice()
        self.completeChanged.emit()

    def _failed(self, key: tuple[object, int | None], exc: BaseException) -> None:
        if not _same(key, self._current_key()):
            return
        self._busy = False
        say(
            self.message,
            f"Could not tell what kind of file this is ({message_of(exc)}). Choose it below.",
            error=True,
        )
        if self.w.kind is None:
            self.w.set_kind(KIND_NAMES[0])
        self._show_choice()
        self.completeChanged.emit()

    def _show_glimpse(self, evidence: tuple[str, ...]) -> None:
        """The header and first rows as read, the columns that told the kind in bold."""
        cells = self.w.cells
        if cells is None or self.w.header_index is None:
            return
        top = self.w.header_index
        block = cells.raw.cells.iloc[top : top + 1 + GLIMPSE_ROWS].to_numpy(dtype=object)
        if not len(block):
            return
        headers = [cell_text(v) for v in block[0]]
        used = [j for j, h in enumerate(headers) if h]  # blank header cells: no column
        self.glimpse.clear()
        self.glimpse.setColumnCount(len(used))
        self.glimpse.setRowCount(len(block) - 1)
        told = set(evidence)
        for c, j in enumerate(used):
            item = QTableWidgetItem(headers[j])
            if headers[j] in told:
                item.setFont(bold())
                item.setText(f"★ {headers[j]}")
            self.glimpse.setHorizontalHeaderItem(c, item)
            for r, values in enumerate(block[1:]):
                self.glimpse.setItem(r, c, QTableWidgetItem(cell_text(values[j])))
        self.glimpse.resizeColumnsToContents()
        for c in range(self.glimpse.columnCount()):
            self.glimpse.setColumnWidth(c, min(self.glimpse.columnWidth(c), 200))
        self.glimpse_label.setText(
            "The first rows as read" + (" (★ the columns that tell the kind):" if told else ":")
        )

    # --- choosing -----------------------------------------------------------------------------

    def _show_choice(self) -> None:
        kind = self.w.kind or KIND_NAMES[0]
        self.combo.blockSignals(True)
        self.combo.setCurrentIndex(self.combo.findData(kind))
        self.combo.blockSignals(False)
        self.combo.setEnabled(True)
        text = KIND_TEXTS[kind]
        self.holds.setText(f"{text.shape[:1].upper()}{text.shape[1:]}: {text.holds}.")
        feeds = feeds_sentence(kind)
        self.feeds.setText(
            f"Each row is linked to its account {text.links}; the file derives {feeds}. "
            "Rows that match no account are reported, never made into accounts."
            if feeds
            else "Creates and updates accounts: one snapshot of each as of the import date."
        )
        detected = self.found.kind if self.found is not None else None
        differs = detected is not None and kind != detected
        self.reset_button.setVisible(differs)
        self.choice_note.setVisible(differs)
        if differs and detected is not None:
            dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
            colour = "#ce93d8" if dark else "#6a1b9a"  # "your choice", as the other pages say
            self.choice_note.setStyleSheet(f"color: {colour}; font-weight: 600;")
            self.choice_note.setText(
                f"Your choice: imported as {text.noun} (cspm detected {KIND_TEXTS[detected].noun})."
            )

    def _chosen(self) -> None:
        kind = self.combo.currentData()
        self.w.kind_chosen = self.found is None or kind != self.found.kind
        if kind != self.w.kind:
            self.w.set_kind(kind)
        self._show_choice()
        self.completeChanged.emit()

    def use_detected(self) -> None:
        if self.found is not None:
            self.combo.setCurrentIndex(self.combo.findData(self.found.kind))

    def isComplete(self) -> bool:
        return not self._busy and self.w.kind is not None
