"""The main window: navigation on the left, one view at a time, toolbar, menus, status bar.

Views follow one contract: constructor (ctx, parent), a `refresh()` slot and a `data_changed`
signal emitted after any mutation. When any view changes data (or an import finishes) the
portfolio is reloaded in a worker and every view is refreshed: the visible one now, the hidden
ones when next shown. A view that lists accounts has an `account_requested(key)` signal.

Which views exist is `views_registry`; building the toolbar, menus and status bar is
`window_chrome`; the worker jobs that open another database are `context_jobs`; opening
accounts and Back/Forward is `navigation`; shortcuts that work whatever has focus is
`shortcut_guard`. This module is the window's behaviour.
"""

from __future__ import annotations

import functools
import importlib
import logging
from typing import Any

from PySide6.QtCore import QByteArray, QSize, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from cspm.service.changes import Change
from cspm.service.context import AppContext
from cspm.service.database_name import database_title
from cspm.service.imports import sheet_names
from cspm.service.summary import PortfolioSummary

from .busy import report_error, run
from .context_jobs import build_demo, open_context
from .file_drop import FileDropTarget, show_about
from .my_book import MyBook
from .navigation import Navigator
from .portfolio_view import PortfolioData, PortfolioView
from .prefs import qsettings
from .shortcut_guard import ShortcutGuard
from .tier_review_dialog import review_action
from .undo_actions import UndoActions, shows
from .views_registry import VIEWS, Placeholder, ViewSpec
from .views_registry import module_exists as _module_exists  # tests patch it here
from .window_chrome import build_menus, build_status_bar, build_toolbar, window_action

log = logging.getLogger(__name__)

GEOMETRY_KEY = "window/geometry"
VIEW_KEY = "window/view"


class MainWindow(FileDropTarget, QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.views: dict[str, QWidget] = {}
        self.portfolio: PortfolioView
        self.summary: PortfolioSummary | None = None  # of the last load
        self.wizard: QWidget | None = None
        self._stale: set[str] = set()
        self.setObjectName("main-window")
        self.setAcceptDrops(True)
        self._update_title()

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(max(150, self.fontMetrics().horizontalAdvance("Segments") * 2))
        self.nav.setFrameShape(QFrame.Shape.NoFrame)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.stack = QStackedWidget()
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self.toolbar, self.search = build_toolbar(self)
        self.search.textChanged.connect(self._search_changed)
        self.book = MyBook(self)  # the toolbar's owner filter; views and status bar follow it
        self.view_menu = build_menus(self)
        self.navigator = Navigator(self)  # opens accounts; Back/Forward
        self.shortcut_guard = ShortcutGuard(self)  # window shortcuts whatever has focus
        (self.status_accounts, self.status_arr, self.status_import, self.status_progress) = (
            build_status_bar(self.statusBar())
        )
        self._build_views(qsettings().value(VIEW_KEY) or "portfolio")
        self._restore_geometry()

    # ---- construction ------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.import_action = window_action(
            self, "Import...", self.open_import_wizard, "Ctrl+I", "Import a spreadsheet (Ctrl+I)"
        )
        self.export_action = window_action(
            self, "Export...", self.open_export, "Ctrl+E", "Export reports (Ctrl+E)"
        )
        self.demo_action = window_action(
            self, "Open the demo portfolio", self.open_demo, tip="Build and open a demo portfolio"
        )
        self.find_action = window_action(self, "Find account", self.focus_search, "Ctrl+F")
        self.review_action = review_action(self)  # Edit > Review tiers
        self.refresh_action = window_action(self, "Reload", self.reload, "F5")
        self.quit_action = window_action(self, "Quit", self.close, "Ctrl+Q")
        self.about_action = window_action(self, "About cspm", lambda: show_about(self))
        self.undo_actions = UndoActions(self, lambda: self.ctx)  # Edit > Undo / Redo
        self.undo_actions.changed.connect(lambda change: self._data_changed(None, change))

    def _build_views(self, current: str) -> None:
        """(Re)build the navigation on the current context. Only the Portfolio view is created
        now; the others when first shown, and never before the portfolio's first load is done,
        so they read the service's cache instead of computing the portfolio a second time."""
        self.nav.blockSignals(True)
        self.nav.clear()
        while self.stack.count():
            widget = self.stack.widget(0)
            assert widget is not None  # count() > 0, so index 0 exists
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self.views = {}
        self.specs: dict[str, ViewSpec] = {}
        self.pages: dict[str, QStackedWidget] = {}
        self._stale.clear()
        self._loaded_once = False
        self.view_menu.clear()
        for spec in VIEWS:
            if spec.optional and not _module_exists(spec.module):
                continue
            self.specs[spec.id] = spec
            page = QStackedWidget()  # holds the view once it exists
            page.addWidget(Placeholder("Loading…"))
            self.pages[spec.id] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.id)
            item.setSizeHint(QSize(0, self.fontMetrics().height() + 16))
            self.nav.addItem(item)
            self._view_action(spec, len(self.specs))
        self.view_menu.addSeparator()
        self.view_menu.addAction(self.refresh_action)
        portfolio = self.view("portfolio")
        assert isinstance(portfolio, PortfolioView)  # _make_view always builds this one
        self.portfolio = portfolio
        self.portfolio.loaded.connect(self._portfolio_loaded)
        self.portfolio.import_requested.connect(self.open_import_wizard)
        self.portfolio.demo_requested.connect(self.open_demo)
        self.portfolio.set_search(self.search.text())
        self.book.attach_portfolio(self.portfolio)
        self.nav.blockSignals(False)
        self.show_view(current if current in self.specs else "portfolio")
        self.undo_actions.refresh()

    def view(self, view_id: str) -> QWidget:
        """The view with this id, created on first use."""
        if view_id in self.views:
            return self.views[view_id]
        spec = self.specs[view_id]
        view = self._make_view(spec) or Placeholder(f"The {spec.title} view is not available.")
        self.views[view_id] = view
        page = self.pages[view_id]
        page.addWidget(view)
        page.setCurrentWidget(view)
        signal = getattr(view, "data_changed", None)
        if signal is not None:
            signal.connect(functools.partial(self._view_changed_data, view_id))
        requested = getattr(view, "database_requested", None)
        if requested is not None:
            requested.connect(self.open_database)
        self.navigator.attach(view)
        self.book.attach_view(view_id, view)
        return view

    def _view_action(self, spec: ViewSpec, number: int) -> None:
        action = QAction(spec.title, self.view_menu)
        if number <= 9:
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
        action.triggered.connect(lambda _c=False, v=spec.id: self.show_view(v))
        self.view_menu.addAction(action)

    def _make_view(self, spec: ViewSpec) -> QWidget | None:
        if spec.id == "portfolio":
            return PortfolioView(self.ctx)
        try:
            module = importlib.import_module(f"cspm.ui.{spec.module}")
            cls = getattr(module, spec.cls)
        except (ImportError, AttributeError):
            if spec.optional:
                return None
            log.exception("view %s is not available", spec.id)
            return Placeholder(f"The {spec.title} view is not available in this build.")
        try:
            return cls(self.ctx)
        except Exception as exc:  # a half-built view must not take the window down
            log.exception("view %s failed to start", spec.id)
            return Placeholder(f"The {spec.title} view could not start: {exc}")

    def _restore_geometry(self) -> None:
        saved = qsettings().value(GEOMETRY_KEY)
        if isinstance(saved, QByteArray | bytes) and self.restoreGeometry(QByteArray(saved)):
            return
        self.resize(1200, 800)

    # ---- navigation ----------------------------------------------------------------------
    def current_view_id(self) -> str:
        item = self.nav.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else "portfolio"

    def show_view(self, view_id: str) -> None:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == view_id:
                self.nav.setCurrentRow(row)
                return

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        view_id = str(self.nav.item(row).data(Qt.ItemDataRole.UserRole))
        self.stack.setCurrentWidget(self.pages[view_id])
        self._bring_up(view_id)

    def _bring_up(self, view_id: str) -> None:
        """Create the shown view (once the portfolio has loaded) or refresh it if stale."""
        if view_id not in self.views:
            if self._loaded_once:
                self.view(view_id)
            return
        if view_id in self._stale:
            self._stale.discard(view_id)
            self._refresh_view(self.views[view_id])

    # ---- data changes --------------------------------------------------------------------
    @Slot()
    def reload(self) -> None:
        """Reload the portfolio (status bar with it); the other views follow its load."""
        self._data_changed(source=None)

    def _view_changed_data(self, source: str) -> None:
        self._data_changed(source)

    def _data_changed(self, source: str | None, change: Change | None = None) -> None:
        # Every other view that shows what changed is stale; they refresh after the portfolio
        # has reloaded (the service's cache is warm then), the shown one at once, the others
        # when next shown. Without a Change (a view's own signal) every view is.
        self._stale.update(
            v for v, w in self.views.items() if v != "portfolio" and shows(w, change)
        )
        self.undo_actions.refresh()
        if source != "portfolio" and shows(self.portfolio, change):
            self.portfolio.refresh()  # the portfolio view reloads itself after its own changes
        else:
            self._bring_up(self.current_view_id())

    def _refresh_view(self, view: QWidget) -> None:
        refresh = getattr(view, "refresh", None)
        if refresh is not None:
            refresh()

    def _portfolio_loaded(self, data: PortfolioData) -> None:
        s = data.summary
        self.summary = s  # the accounts and ARR shown are the book's (my_book)
        last = s.last_import.isoformat() if s.last_import else "never"
        self.status_import.setText(f"Last import: {last}")
        self._loaded_once = True
        self._bring_up(self.current_view_id())

    # ---- search --------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_changed(self, text: str) -> None:
        if text and self.current_view_id() != "portfolio":
            self.show_view("portfolio")
        self.portfolio.set_search(text)

    # ---- import, export, demo, database ----------------------------------------------------
    @Slot()
    def open_import_wizard(self, path: str | None = None) -> QWidget | None:
        from .import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, path, self)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._imported)
        wizard.destroyed.connect(self._wizard_closed)
        self.navigator.attach_import_summary(wizard)
        self.wizard = wizard
        wizard.open()
        return wizard

    def _wizard_closed(self) -> None:
        self.wizard = None

    def import_path(self, path: str) -> None:
        """Open the wizard on a file (dropped or given): its type and readability are checked
        first, in a worker, so a wrong file gets a clear message instead of a wizard."""
        run(self, sheet_names, path, on_done=lambda _sheets: self.open_import_wizard(path))

    def _imported(self, result: Any) -> None:
        name = getattr(result, "file", "the file")
        if getattr(result, "status", "imported") == "imported":
            new, updated = getattr(result, "new", 0), getattr(result, "updated", 0)
            related = getattr(result, "related", None)
            said = (
                f"Imported {name} as {related.noun}: {related.linked:,} rows linked, "
                f"{related.unlinked:,} unlinked; {related.accounts:,} accounts' history derived"
                if related is not None
                else f"Imported {name}: {new:,} new, {updated:,} updated accounts"
            )
            self.statusBar().showMessage(said, 15_000)
            from .changes_panel import open_changes_dialog

            self.changes_dialog = open_changes_dialog(self.ctx, self)
            self.navigator.attach(self.changes_dialog.panel)
        self.reload()

    @Slot()
    def open_export(self) -> None:
        from .export_dialog import ExportDialog

        dialog = ExportDialog(self.ctx, self, prefill=self.book.export_prefill())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def open_demo(self) -> None:
        """Build the demo portfolio (in a worker, with progress) and switch to it."""
        self._set_busy(0.0, "Building the demo portfolio…")
        self.demo_action.setEnabled(False)
        # No pooled connection may keep the old demo file open while it is recreated.
        self.ctx.db.dispose()

        def failed(exc: BaseException) -> None:
            self._set_busy(None)
            self.demo_action.setEnabled(True)
            report_error(self, exc)

        def done(ctx: AppContext) -> None:
            self._set_busy(None)
            self.demo_action.setEnabled(True)
            self.set_context(ctx)
            self.statusBar().showMessage("Opened the demo portfolio", 10_000)

        run(
            self,
            functools.partial(build_demo, self.ctx.today),
            with_progress=True,
            on_progress=self._set_busy,
            on_done=done,
            on_error=failed,
        )

    @Slot(str)
    def open_database(self, url: str) -> None:
        run(self, open_context, url, self.ctx.today, on_done=self.set_context)

    def set_context(self, ctx: AppContext) -> None:
        """Show another database: every view is rebuilt on it, the old context is closed."""
        old, self.ctx = self.ctx, ctx
        current = self.current_view_id()
        self.summary = None
        self._build_views(current)
        self._update_title()
        if old is not ctx:
            run(self, old.close)  # closing may write the portfolio's disk copy

    def _set_busy(self, fraction: float | None, message: str = "") -> None:
        self.portfolio.empty.set_busy(fraction, message)
        self.status_progress.setVisible(fraction is not None)
        if fraction is not None:
            self.status_progress.setValue(round(100 * fraction))
            self.statusBar().showMessage(message)
        else:
            self.statusBar().clearMessage()

    def _update_title(self) -> None:
        self.setWindowTitle(f"cspm — {database_title(self.ctx.db.url)}")

    # ---- closing -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        store = qsettings()
        store.setValue(GEOMETRY_KEY, self.saveGeometry())
        store.setValue(VIEW_KEY, self.current_view_id())
        store.sync()
        super().closeEvent(event)
