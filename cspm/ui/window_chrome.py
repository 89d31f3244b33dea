"""The main window's chrome: its actions' construction, toolbar, menus and status bar.

Kept apart from `main_window` so that module reads as the window's behaviour (navigation,
refreshing views, import, demo, database switching) rather than widget assembly. These
functions only build and lay out; the window connects the search box and gives each action
its slot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QStatusBar,
    QToolBar,
    QWidget,
)

if TYPE_CHECKING:
    from .main_window import MainWindow


def window_action(
    window: QMainWindow,
    text: str,
    slot: Callable[[], Any],
    shortcut: str | None = None,
    tip: str = "",
) -> QAction:
    """An action of the whole window (its shortcut works wherever the focus is)."""
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def build_toolbar(window: MainWindow) -> tuple[QToolBar, QLineEdit]:
    """Import and Export on the left, the account search on the right: (toolbar, search)."""
    bar = QToolBar("Main")
    bar.setObjectName("main-toolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    bar.addAction(window.import_action)
    bar.addAction(window.export_action)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    search = QLineEdit()
    search.setObjectName("search")
    search.setPlaceholderText("Search name, owner or ID (Ctrl+F)")
    search.setClearButtonEnabled(True)
    search.setMinimumWidth(280)
    bar.addWidget(search)
    window.addToolBar(bar)
    return bar, search


def build_menus(window: MainWindow) -> QMenu:
    """File, Edit, View and Help; returns the View menu, which the window fills per view."""
    menus = window.menuBar()
    file_menu = menus.addMenu("&File")
    file_menu.addAction(window.import_action)
    file_menu.addAction(window.export_action)
    file_menu.addSeparator()
    file_menu.addAction(window.demo_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    edit_menu = menus.addMenu("&Edit")
    edit_menu.addAction(window.undo_actions.undo_action)
    edit_menu.addAction(window.undo_actions.redo_action)
    edit_menu.addSeparator()
    edit_menu.addAction(window.find_action)
    edit_menu.addSeparator()
    edit_menu.addAction(window.review_action)
    view_menu = menus.addMenu("&View")
    help_menu = menus.addMenu("&Help")
    help_menu.addAction(window.about_action)
    return view_menu


def build_status_bar(status: QStatusBar) -> tuple[QLabel, QLabel, QLabel, QProgressBar]:
    """(accounts, total ARR, last import, progress), added as permanent widgets."""
    accounts = QLabel("–")
    arr = QLabel("")
    last_import = QLabel("")
    progress = QProgressBar()
    progress.setMaximumWidth(180)
    progress.setRange(0, 100)
    progress.hide()
    for label in (accounts, arr, last_import):
        label.setContentsMargins(6, 0, 6, 0)
        status.addPermanentWidget(label)
    status.addPermanentWidget(progress)
    return accounts, arr, last_import, progress
