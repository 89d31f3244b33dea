"""What views say to the user when something fails or needs a yes/no.

Shared by several views (segments, imports, settings), so the wording of errors and the way a
question is asked (non-blocking, No as default) are the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from cspm.core.errors import CspmError


def confirm(parent: QWidget, title: str, text: str, on_yes: Callable[[], object]) -> QMessageBox:
    """A non-blocking Yes/No question; `on_yes()` runs when Yes is clicked.

    open(), not exec(): a nested event loop would let workers' results arrive mid-question.
    """
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("cspm-confirm")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    yes = box.button(QMessageBox.StandardButton.Yes)
    box.buttonClicked.connect(lambda b: on_yes() if b is yes else None)
    box.open()
    return box


def message_of(exc: BaseException) -> str:
    """Our own errors already read as one sentence for the user; anything else is a bug."""
    return str(exc) if isinstance(exc, CspmError) else f"Unexpected error: {exc!r}"
