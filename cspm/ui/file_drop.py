"""The main window's smaller behaviours: a spreadsheet dropped on it starts an import, and the
About box. Apart from `main_window` to keep that module about views and data changes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMessageBox, QWidget


class FileDropTarget:
    """Mixed into the main window (before QMainWindow): a dropped local file is imported with
    the window's `import_path`."""

    def import_path(self, path: str) -> None:  # provided by the window
        raise NotImplementedError

    @staticmethod
    def _dropped_file(event: QDragEnterEvent | QDropEvent) -> str | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile():
                return url.toLocalFile()
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if not path:
            event.ignore()
            return
        event.acceptProposedAction()
        self.import_path(path)


def show_about(parent: QWidget) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "About cspm",
        "cspm: a portfolio manager for Customer Success Managers.\n"
        "Import CRM spreadsheets, see accounts by tier and lifecycle stage, "
        "watch segments, work your tasks.",
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
