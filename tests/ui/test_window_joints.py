"""Small joints of the window: its shortcuts whatever has focus, its title, the Imports view's
as-of box before anything is selected."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from cspm.service.database_name import database_title
from cspm.ui.export_dialog import ExportDialog
from cspm.ui.imports_view import NO_DATE_TEXT
from cspm.ui.main_window import MainWindow
from cspm.ui.shortcut_guard import text_keeps
from tests.ui.test_main_window import _window_settings, open_window  # noqa: F401
from tests.ui.test_portfolio_view import build_portfolio


class ClaimsEveryKey(QObject):
    """What a Linux desktop's line edit does with Ctrl+E (end of line), Ctrl+F (next character)
    and the other Emacs keys of the KDE/GNOME key scheme: it claims them before any shortcut.
    The offscreen test platform uses the Windows scheme, so the test installs the claim."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return False


def override_claimed(widget: QWidget, sequence: QKeySequence) -> bool:
    """Whether the focused widget keeps this key from the window's shortcuts."""
    combo = sequence[0]
    event = QKeyEvent(QEvent.Type.ShortcutOverride, combo.key(), combo.keyboardModifiers())
    event.ignore()
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def window_shortcuts(window: MainWindow) -> list[tuple[QAction, QKeySequence]]:
    found = []
    for action in window.findChildren(QAction):
        if action.shortcutContext() != Qt.ShortcutContext.WindowShortcut:
            continue
        found += [(action, s) for s in action.shortcuts() if action.isEnabled()]
    return found


@pytest.fixture
def window(qtbot, ctx, tmp_path: Path) -> MainWindow:
    build_portfolio(ctx, tmp_path, accounts=40)
    w = open_window(qtbot, ctx)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    return w


def test_ctrl_e_in_the_search_box_opens_export(qtbot, window) -> None:
    claim = ClaimsEveryKey(window.search)
    window.search.installEventFilter(claim)
    window.search.setFocus()
    qtbot.keyClicks(window.search, "Acme")
    qtbot.keyClick(window.search, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ExportDialog)]
    assert [d for d in dialogs if d.isVisible()], "Ctrl+E did not open the export dialog"
    for d in dialogs:
        d.close()
    assert window.search.text() == "Acme"  # the typing is untouched


def test_every_window_shortcut_wins_over_the_search_box_and_the_table(qtbot, window) -> None:
    window.show_view("imports")
    window.show_view("portfolio")  # Back is enabled now
    shortcuts = window_shortcuts(window)
    keys = {s.toString() for _a, s in shortcuts}
    assert {"Ctrl+E", "Ctrl+F", "Ctrl+I", "Ctrl+Q", "F5", "Ctrl+1", "Alt+Left"} <= keys
    table = window.portfolio.table
    for widget in (window.search, table):
        widget.installEventFilter(ClaimsEveryKey(widget))
        widget.setFocus()
        kept = [s.toString() for _a, s in shortcuts if override_claimed(widget, s)]
        assert kept == [], widget.objectName()


def test_a_text_box_keeps_its_own_editing_keys(qtbot) -> None:
    box = QLineEdit()
    qtbot.addWidget(box)

    def key(sequence: str) -> QKeyEvent:
        combo = QKeySequence(sequence)[0]
        return QKeyEvent(QEvent.Type.KeyPress, combo.key(), combo.keyboardModifiers())

    assert not text_keeps(box, key("Ctrl+Z"))  # nothing typed: Undo is the window's
    qtbot.keyClicks(box, "Lumen")
    assert text_keeps(box, key("Ctrl+Z"))  # the typing is undone first
    assert text_keeps(box, key("Ctrl+C")) and text_keeps(box, key("Ctrl+V"))
    assert not text_keeps(box, key("Ctrl+E")) and not text_keeps(box, key("Alt+Left"))


def test_the_title_is_the_database_file_name(window, ctx) -> None:
    name = Path(ctx.db.url.split("///", 1)[1]).name
    assert window.windowTitle() == f"cspm — {name}"
    assert "sqlite:" not in window.windowTitle() and "/" not in window.windowTitle()


def test_database_titles_never_show_a_url() -> None:
    assert database_title("sqlite:////home/ann/cspm/book.sqlite3") == "book.sqlite3"
    assert database_title("sqlite://") == "in-memory database"
    url = "postgresql+psycopg://ann:secret@db.example.com:5432/customer_success"
    assert database_title(url) == "customer_success"


def test_imports_view_shows_no_made_up_date_until_a_row_is_selected(qtbot, window) -> None:
    window.show_view("imports")
    view = window.view("imports")
    qtbot.waitUntil(lambda: view.imports is not None, timeout=30_000)
    edit = view.as_of_edit
    assert edit.text() == NO_DATE_TEXT and "2000" not in edit.text()
    assert not edit.isEnabled() and not view.redate_button.isEnabled()
    rect = view.table.visualRect(view.model.index(0, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert edit.text() == view.imports[0].as_of.isoformat()
    assert edit.isEnabled() and view.redate_button.isEnabled()
    view.refresh()  # the list reloads (after a re-date): the box follows the (lost) selection
    qtbot.waitUntil(lambda: edit.text() == NO_DATE_TEXT, timeout=30_000)
