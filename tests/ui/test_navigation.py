"""Open an account from anywhere and Back/Forward, in the real window on the demo portfolio:
double-click a task, Enter on a segment member, "Open account" on what changed, Alt+Left and
the mouse's back button, with real clicks and keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from cspm.service.outcomes import changes
from cspm.ui.account_detail import AccountDetailDialog
from cspm.ui.history import History, Place
from cspm.ui.main_window import MainWindow
from tests.ui.test_main_window import _window_settings, open_window  # noqa: F401
from tests.ui.test_tasks_view import demo_ctx, demo_file  # noqa: F401  (shared fixtures)


@pytest.fixture
def window(qtbot, demo_ctx) -> MainWindow:  # noqa: F811
    w = open_window(qtbot, demo_ctx)
    w.resize(1200, 800)
    return w


def detail_of(qtbot, window: MainWindow) -> AccountDetailDialog:
    dialog = window.navigator.detail_dialog
    assert isinstance(dialog, AccountDetailDialog)
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.isVisible(), timeout=30_000)
    return dialog


def activate(qtbot, widget: QWidget) -> None:
    """Make `widget`'s window the active one; asked again until it is (a request made while
    the window is still being shown can be ignored)."""

    def active() -> bool:
        if not widget.isActiveWindow():
            widget.activateWindow()
        return widget.isActiveWindow()

    qtbot.waitUntil(active)


def tasks_view(qtbot, window: MainWindow):
    window.show_view("tasks")
    view = window.view("tasks")
    qtbot.waitUntil(lambda: view.tasks is not None and len(view.tasks) > 0, timeout=30_000)
    return view


def double_click_task(qtbot, view, row: int) -> str:
    """Double-click a task row; the account key the row belongs to."""
    index = view.proxy.index(row, 2)
    rect = view.table.visualRect(index)
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return str(view.model.task(view.proxy.mapToSource(index).row())["account_key"])


def test_double_clicking_a_task_opens_its_account(qtbot, window) -> None:
    view = tasks_view(qtbot, window)
    key = double_click_task(qtbot, view, 1)
    dialog = detail_of(qtbot, window)
    assert dialog.key == key
    assert dialog.detail is not None and dialog.detail.key == key
    task = view.model.task(view.proxy.mapToSource(view.proxy.index(1, 0)).row())
    name = str(task["account_name"])
    assert name in dialog.title.text()


def test_enter_and_the_context_menu_open_a_task_account(qtbot, window) -> None:
    view = tasks_view(qtbot, window)
    activate(qtbot, window)
    view.table.setFocus()
    view.table.setCurrentIndex(view.proxy.index(2, 0))
    key = view.selected_task()["account_key"]
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert detail_of(qtbot, window).key == key
    window.navigator.detail_dialog.close()
    # The task's own menu starts with "Open account"; Ctrl+Return still completes (not opens).
    view.table.setCurrentIndex(view.proxy.index(3, 0))
    key = view.selected_task()["account_key"]
    view._context_menu(view.table.visualRect(view.proxy.index(3, 0)).center())
    first = view.menu.actions()[0]
    assert first.text() == "Open account"
    first.trigger()
    assert detail_of(qtbot, window).key == key


def test_enter_on_a_segment_member_opens_it(qtbot, window) -> None:
    window.show_view("segments")
    segments = window.view("segments")
    members = segments.members
    qtbot.waitUntil(
        lambda: members.members_loaded_for is not None and members.model.rowCount() > 0,
        timeout=30_000,
    )
    activate(qtbot, window)
    members.view.setFocus()
    row = members.model.rowCount() - 1
    members.view.setCurrentIndex(members.proxy.index(row, 0))
    key = members.model.key(members.proxy.mapToSource(members.proxy.index(row, 0)).row())
    qtbot.keyClick(members.view, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert detail_of(qtbot, window).key == key


def test_open_account_from_the_what_changed_panel_menu(qtbot, window, demo_ctx) -> None:  # noqa: F811
    window.show_view("trends")
    trends = window.view("trends")
    panel = trends.changes_panel
    qtbot.waitUntil(lambda: panel.ready and trends.table_frame is not None, timeout=60_000)
    top = changes(demo_ctx).moves.top_arr_changes.iloc[0]
    item = panel.item_of("Biggest ARR changes", str(top["name"]))
    assert item is not None
    tree = panel.tree
    tree.scrollToItem(item)
    pos = tree.visualItemRect(item).center()
    QApplication.sendEvent(
        tree.viewport(),
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, tree.viewport().mapToGlobal(pos)),
    )
    menu = panel.opener.menu
    assert menu is not None and [a.text() for a in menu.actions()] == ["Open account"]
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, Qt.Key.Key_Down)
    qtbot.keyClick(menu, Qt.Key.Key_Return)
    dialog = detail_of(qtbot, window)
    assert dialog.key == str(top["account"])
    # A heading is not an account: no menu, nothing opens.
    head = panel.sections["Tier moves"]
    assert panel.key_at(tree.indexFromItem(head)) is None


def test_alt_left_goes_back_to_tasks_and_alt_right_forward(qtbot, window) -> None:
    view = tasks_view(qtbot, window)  # history: Portfolio, Tasks
    key = double_click_task(qtbot, view, 0)
    dialog = detail_of(qtbot, window)
    activate(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert not dialog.isVisible()
    assert window.current_view_id() == "tasks"
    activate(qtbot, window)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert detail_of(qtbot, window).key == key
    # Back twice from the account: Tasks, then the Portfolio the window opened on.
    activate(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    activate(qtbot, window)
    window.search.setFocus()
    qtbot.keyClick(window.search, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_view_id() == "portfolio"
    assert not window.navigator.back_action.isEnabled()
    assert window.navigator.forward_action.isEnabled()


def test_the_mouse_back_button_goes_back_from_any_child(qtbot, window) -> None:
    window.show_view("segments")
    window.show_view("imports")
    imports = window.view("imports")
    viewport = imports.table.viewport()
    for kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
        event = QMouseEvent(kind, QPointF(20, 20), QPointF(viewport.mapToGlobal(QPoint(20, 20))),
                            Qt.MouseButton.BackButton, Qt.MouseButton.BackButton,
                            Qt.KeyboardModifier.NoModifier)  # fmt: skip
        QApplication.sendEvent(viewport, event)
    assert window.current_view_id() == "segments"


def test_the_go_menu_and_toolbar_carry_back_and_forward(qtbot, window) -> None:
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles.index("Go") == titles.index("Help") - 1
    assert [a.text() for a in window.navigator.menu.actions()] == ["Back", "Forward"]
    assert window.toolbar.actions()[:2] == [
        window.navigator.back_action,
        window.navigator.forward_action,
    ]
    assert window.navigator.back_action.toolTip() == "Back (Alt+Left)"


def test_history_drops_the_forward_part_and_repeats() -> None:
    h = History(limit=3)
    for place in ("view a", "view b", "account k"):
        kind, _, ident = place.partition(" ")
        h.visit(Place(kind, ident))  # type: ignore[arg-type]
    h.visit(Place("account", "k"))  # the same place again is one entry
    assert [str(p) for p in h.places] == ["view a", "view b", "account k"]
    assert h.back() == Place("view", "b")
    h.visit(Place("view", "c"))  # a new place after Back: "account k" is no longer ahead
    assert not h.can_go_forward()
    h.visit(Place("view", "d"))  # past the limit: the oldest goes
    assert [str(p) for p in h.places] == ["view b", "view c", "view d"]
    assert h.back() == Place("view", "c") and h.back() == Place("view", "b")
    assert h.back() is None and h.forward() == Place("view", "c")


def test_an_account_that_moved_opens_from_the_import_summary(qtbot, ctx, tmp_path) -> None:
    from cspm.service.imports import import_file
    from cspm.ui.import_wizard import ImportWizard
    from tests.ui.test_import_wizard import ROWS, next_page, report, run_import

    import_file(ctx, report(tmp_path / "q4.xlsx", ROWS))
    window = open_window(qtbot, ctx)
    moved = [[*r] for r in ROWS]
    moved[2][3] = 60_000  # Initech moves up a tier
    wizard = window.open_import_wizard(str(report(tmp_path / "q4b.xlsx", moved)))
    assert isinstance(wizard, ImportWizard)
    for page in (wizard.HEADER, wizard.KIND, wizard.MAPPING, wizard.VALUES, wizard.VALIDATION):
        next_page(qtbot, wizard, page)
    # Initech's tier move is a big change: the user confirms it before importing.
    panel = wizard.validation_page.changes_panel
    qtbot.waitUntil(lambda: panel.changes is not None, timeout=10_000)
    qtbot.mouseClick(panel.confirm, Qt.MouseButton.LeftButton)
    next_page(qtbot, wizard, wizard.RUN)
    run_import(qtbot, wizard)
    summary = wizard.summary_page
    assert summary.moves.rows[0][0] == "Initech"
    # What changed opened beside it, non-modal: an account opened from it is not blocked.
    assert window.changes_dialog.windowModality() == Qt.WindowModality.NonModal
    rect = summary.moves_view.visualRect(summary.moves.index(0, 0))
    qtbot.mouseClick(summary.moves_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(summary.moves_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = detail_of(qtbot, window)
    assert dialog.detail is not None and dialog.detail.name == "Initech"
    qtbot.waitUntil(lambda: window.wizard is None)  # the import is written: the wizard closed


def test_the_portfolio_table_has_open_account_in_its_menu(qtbot, window) -> None:
    table = window.portfolio.table
    table.scrollTo(window.portfolio.model.index(4, 0))
    pos = table.visualRect(window.portfolio.model.index(4, 0)).center()
    QApplication.sendEvent(
        table.viewport(),
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, table.viewport().mapToGlobal(pos)),
    )
    menu = table.opener.menu
    assert [a.text() for a in menu.actions()] == ["Open account"]
    menu.actions()[0].trigger()
    assert detail_of(qtbot, window).key == window.portfolio.model.key_at(4)
    assert window.navigator.history.current == Place("account", window.portfolio.model.key_at(4))
