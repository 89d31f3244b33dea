"""The main window with real widgets: first run, demo, search, wizard, drops, errors, settings."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget, QWizard

from cspm.core.errors import BadInputError
from cspm.service.imports import import_file
from cspm.service.portfolio import list_accounts
from cspm.service.summary import portfolio_summary
from cspm.ui import main_window as main_window_module
from cspm.ui.app import handle_exception
from cspm.ui.busy import report_error
from cspm.ui.main_window import MainWindow
from tests.files import HEADER, write_csv, write_xlsx
from tests.service.test_import_semantics import ROWS
from tests.ui.test_portfolio_view import build_portfolio


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


def open_window(qtbot, ctx) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.summary is not None, timeout=30_000)
    return window


def error_boxes() -> list[QMessageBox]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible() and w.objectName() == "cspm-error"
    ]


def wizards() -> list[QWizard]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QWizard) and w.isVisible()]


def drop(window: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, event)


def test_first_run_offers_import_and_demo_not_a_blank_table(qtbot, ctx) -> None:
    window = open_window(qtbot, ctx)
    view = window.portfolio
    assert view.stack.currentWidget() is view.empty
    assert view.empty.import_button.isVisible()
    assert view.empty.demo_button.isVisible()
    assert window.status_accounts.text() == "0 accounts"
    assert window.status_import.text() == "Last import: never"
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[0] == "Portfolio"
    assert {"Segments", "Imports", "Settings"} <= set(titles)


def test_open_the_demo_portfolio_loads_it_and_the_matrix_matches(qtbot, ctx, tmp_path) -> None:
    window = open_window(qtbot, ctx)
    qtbot.mouseClick(window.portfolio.empty.demo_button, Qt.MouseButton.LeftButton)
    assert not window.portfolio.empty.demo_button.isEnabled()  # busy while it builds
    qtbot.waitUntil(
        lambda: window.summary is not None and window.summary.accounts > 0, timeout=180_000
    )
    demo_ctx = window.ctx
    try:
        assert demo_ctx is not ctx
        data_home = str(Path(__import__("os").environ["XDG_DATA_HOME"]))
        assert data_home in demo_ctx.db.url  # the test's isolated folder, not the user's
        summary = portfolio_summary(demo_ctx)
        m = window.portfolio.matrix.model_
        assert m.tiers == list(summary.matrix.index)
        assert m.stages == list(summary.matrix.columns)
        for r, tier in enumerate(m.tiers):
            for c, stage in enumerate(m.stages):
                assert (
                    m.data(m.index(r, c), Qt.ItemDataRole.UserRole)
                    == (summary.matrix.loc[tier, stage][0])
                )
        assert window.status_accounts.text() == f"{summary.accounts:,} accounts"
        assert window.portfolio.model.rowCount() == summary.accounts
        assert window.portfolio.stack.currentWidget() is window.portfolio.content
    finally:
        window.close()
        demo_ctx.close()


def test_status_bar_shows_accounts_arr_and_last_import(qtbot, ctx, tmp_path) -> None:
    import_file(ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS]))
    window = open_window(qtbot, ctx)
    summary = portfolio_summary(ctx)
    assert window.status_accounts.text() == "3 accounts"
    assert window.status_arr.text() == f"Total ARR ${summary.total_arr:,.0f}"
    assert window.status_import.text() == "Last import: 2026-11-23"
    assert window.portfolio.matrix.model_.tiers == ["Enterprise", "Mid-Market", "SMB", "Unassigned"]


def test_typing_in_the_search_box_filters_by_name_owner_or_id(qtbot, ctx, tmp_path) -> None:
    build_portfolio(ctx, tmp_path)
    window = open_window(qtbot, ctx)
    window.show_view("segments")
    frame = list_accounts(ctx)
    qtbot.keyClicks(window.search, "Acme")
    assert window.current_view_id() == "portfolio"  # typing brings the table forward
    hay = (
        frame["name"].fillna("")
        + "\n"
        + frame["owner"].fillna("")
        + "\n"
        + frame["external_id"].fillna("")
    ).str.casefold()
    expected = set(frame.index[hay.str.contains("acme", regex=False)])
    assert expected
    assert set(window.portfolio.model.visible_keys()) == expected
    window.search.clear()
    assert window.portfolio.model.rowCount() == len(frame)


def test_ctrl_f_focuses_search_and_ctrl_i_opens_the_wizard(qtbot, ctx) -> None:
    window = open_window(qtbot, ctx)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(wizards()), timeout=10_000)
    wizard = window.wizard
    assert wizard is not None and wizard.isVisible()
    wizard.close()
    assert window.import_action.shortcut().toString() == "Ctrl+I"
    assert window.export_action.shortcut().toString() == "Ctrl+E"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


def test_the_empty_state_import_button_opens_the_wizard(qtbot, ctx) -> None:
    window = open_window(qtbot, ctx)
    qtbot.mouseClick(window.portfolio.empty.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(wizards()), timeout=10_000)
    window.wizard.close()


def test_dropping_a_spreadsheet_opens_the_wizard_on_it(qtbot, ctx, tmp_path) -> None:
    path = write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS])
    window = open_window(qtbot, ctx)
    drop(window, path)
    qtbot.waitUntil(lambda: bool(wizards()), timeout=10_000)
    assert window.wizard is not None and window.wizard.isVisible()
    window.wizard.close()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.pdf", b"%PDF-1.4", "is not a file type cspm can read"),
        ("broken.xlsx", b"not a workbook at all", "is not a readable Excel workbook"),
    ],
)
def test_dropping_an_invalid_file_shows_a_readable_message(
    qtbot, ctx, tmp_path, name, content, message
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    window = open_window(qtbot, ctx)
    drop(window, path)
    qtbot.waitUntil(lambda: bool(error_boxes()), timeout=10_000)
    box = error_boxes()[0]
    assert name in box.text() and message in box.text()
    assert "Traceback" not in box.text()
    assert not wizards()
    box.close()


def test_a_dropped_non_file_is_ignored(qtbot, ctx) -> None:
    window = open_window(qtbot, ctx)
    mime = QMimeData()
    mime.setText("hello")
    enter = QDragEnterEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_an_import_or_a_view_change_reloads_portfolio_and_status(qtbot, ctx, tmp_path) -> None:
    window = open_window(qtbot, ctx)
    assert window.status_accounts.text() == "0 accounts"
    result = import_file(ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *ROWS]))
    wizard = window.open_import_wizard()
    with qtbot.waitSignal(window.portfolio.loaded, timeout=30_000):
        wizard.imported.emit(result)
    assert window.status_accounts.text() == "3 accounts"
    assert "Imported a.xlsx" in window.statusBar().currentMessage()
    assert window.portfolio.stack.currentWidget() is window.portfolio.content
    wizard.close()

    with qtbot.waitSignal(window.portfolio.loaded, timeout=30_000):
        window.view("segments").data_changed.emit()


class FakeTasksView(QWidget):
    data_changed = Signal()

    def __init__(self, ctx, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1


def test_tasks_entry_appears_once_the_module_exists(qtbot, ctx, monkeypatch) -> None:
    real = main_window_module._module_exists
    window = open_window(qtbot, ctx)
    if not real("tasks_view"):
        assert "tasks" not in window.views
    module = types.ModuleType("cspm.ui.tasks_view")
    module.TasksView = FakeTasksView  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cspm.ui.tasks_view", module)
    monkeypatch.setattr(
        main_window_module, "_module_exists", lambda name: name == "tasks_view" or real(name)
    )
    window = open_window(qtbot, ctx)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles.index("Tasks") == titles.index("Segments") + 1
    tasks = window.view("tasks")
    # a change elsewhere marks Tasks stale; it refreshes when shown
    with qtbot.waitSignal(window.portfolio.loaded, timeout=30_000):
        window.view("segments").data_changed.emit()
    assert tasks.refreshed == 0
    window.show_view("tasks")
    assert tasks.refreshed == 1
    with qtbot.waitSignal(window.portfolio.loaded, timeout=30_000):
        tasks.data_changed.emit()
    assert tasks.refreshed == 2


def test_export_is_always_offered_with_its_shortcut_in_the_tooltip(qtbot, ctx) -> None:
    window = open_window(qtbot, ctx)
    assert window.export_action.isEnabled()
    assert window.export_action.toolTip() == "Export reports (Ctrl+E)"


def test_geometry_and_last_view_are_remembered(qtbot, ctx, tmp_path) -> None:
    window = open_window(qtbot, ctx)
    window.show_view("imports")
    window.resize(760, 520)  # within the offscreen 800x600 screen, above the view's minimum
    size = (window.width(), window.height())
    assert size[1] == 520
    window.close()
    assert list((tmp_path / "qsettings").glob("*.ini"))  # the test's folder, not the user's
    again = open_window(qtbot, ctx)
    assert again.current_view_id() == "imports"
    assert again.stack.currentWidget().currentWidget() is again.views["imports"]
    assert (again.width(), again.height()) == size


def test_ctrl_q_closes_the_window(qtbot, ctx) -> None:
    window = open_window(qtbot, ctx)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_service_errors_are_messages_and_bugs_go_to_the_log(
    qtbot, ctx, tmp_path, monkeypatch
) -> None:
    window = open_window(qtbot, ctx)
    report_error(window, BadInputError("The rule names an unknown field 'arrr'."))
    qtbot.waitUntil(lambda: bool(error_boxes()))
    assert error_boxes()[0].text() == "The rule names an unknown field 'arrr'."
    error_boxes()[0].close()

    monkeypatch.setattr(sys, "excepthook", handle_exception)
    monkeypatch.setattr(sys, "__excepthook__", lambda *a: None)  # keep stderr quiet
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        report_error(window, exc)
    log = tmp_path / "log" / "cspm.log"
    assert "RuntimeError: boom" in log.read_text(encoding="utf-8")
    boxes = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible() and "unexpected" in w.windowTitle()
    ]
    assert boxes and str(log) in boxes[0].text()
    boxes[0].close()
