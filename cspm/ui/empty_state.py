"""What the portfolio shows before there is any account: two ways to start, not a blank table."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class EmptyState(QWidget):
    import_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("empty-state")
        title = QLabel("No accounts yet")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "Import a spreadsheet exported from your CRM (Excel or CSV): cspm finds the header "
            "row, maps the columns and shows your portfolio by tier and lifecycle stage.\n\n"
            "Or explore a generated demo portfolio with a year of history first. "
            "You can also drop a file on this window."
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # An aligned item in a layout does not get height-for-width: fix both, so the
        # wrapped text is never clipped.
        width = max(420, text.fontMetrics().averageCharWidth() * 70)
        text.setFixedWidth(width)
        text.setMinimumHeight(text.heightForWidth(width))
        self.import_button = QPushButton("Import a spreadsheet...")
        self.import_button.setDefault(True)
        self.demo_button = QPushButton("Open the demo portfolio")
        self.demo_button.setToolTip("Builds a demo portfolio in its own database file")
        for button in (self.import_button, self.demo_button):
            button.setMinimumHeight(36)
            button.setMinimumWidth(200)
        self.import_button.clicked.connect(self.import_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(420)
        self.progress.hide()
        self.progress_label = QLabel()
        self.progress_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress_label.hide()

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addSpacing(8)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(20)
        layout.addLayout(buttons)
        layout.addSpacing(16)
        layout.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.progress_label)
        layout.addStretch(3)

    def set_busy(self, fraction: float | None, message: str = "") -> None:
        """Show progress (fraction 0..1) and disable the buttons; None ends it."""
        busy = fraction is not None
        self.import_button.setEnabled(not busy)
        self.demo_button.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.progress_label.setVisible(busy)
        if busy:
            self.progress.setValue(round(100 * max(0.0, min(1.0, fraction or 0.0))))
            self.progress_label.setText(message)
