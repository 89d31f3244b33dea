"""The wizard's last pages say what the service decided: a file already imported changes
nothing, and a task update that failed after the commit leaves the import standing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QWizard

import cspm.service.task_regeneration as tasks_service
from cspm.service.imports import ImportOptions, import_file
from cspm.service.imports_list import list_imports
from cspm.ui.import_wizard import ImportWizard
from tests.ui.test_import_wizard import ROWS, next_page, open_wizard, report, run_import


def to_run_page(qtbot, ctx, path) -> ImportWizard:
    wizard = open_wizard(qtbot, ctx, path)
    next_page(qtbot, wizard, ImportWizard.HEADER)
    next_page(qtbot, wizard, ImportWizard.KIND)
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    qtbot.waitUntil(wizard.mapping_page.isComplete, timeout=10_000)
    next_page(qtbot, wizard, ImportWizard.VALUES)  # the file has status and health columns
    next_page(qtbot, wizard, ImportWizard.VALIDATION)
    next_page(qtbot, wizard, ImportWizard.RUN)
    wizard.run_page.as_of.setDate(QDate(2026, 11, 20))
    return wizard


def test_identical_file_says_already_imported_and_writes_nothing(qtbot, ctx, tmp_path) -> None:
    path = report(tmp_path / "q4.xlsx", ROWS)
    first = import_file(ctx, path, ImportOptions(as_of=dt.date(2026, 11, 20)))
    assert first.status == "imported"
    wizard = to_run_page(qtbot, ctx, path)
    page = wizard.run_page
    button = wizard.button(QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "nothing changed" in page.message.text(), timeout=20_000)
    day = list_imports(ctx)[0].started_at.date().isoformat()
    assert page.message.text() == (
        f"This file was already imported on {day} as import {first.import_id}; nothing changed."
    )
    assert wizard.currentId() == ImportWizard.RUN
    assert len(list_imports(ctx)) == 1

    # another date is a new import, written from the plan the wizard kept
    page.as_of.setDate(QDate(2026, 11, 21))
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.import_result is not None, timeout=20_000)
    assert wizard.import_result.status == "imported"
    assert (wizard.import_result.new, wizard.import_result.unchanged) == (0, 3)
    assert len(list_imports(ctx)) == 2
    # past the commit page the wizard never shows its plan again: its rows are let go
    # before the task regeneration (a 1,000,000-row plan was ~500 MB of that peak)
    assert wizard.prepared is not None and len(wizard.prepared.plan.frame) == 0


def test_failed_task_update_is_a_notice_on_the_summary(qtbot, ctx, tmp_path, monkeypatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("injected fault in the task planner")

    monkeypatch.setattr(tasks_service, "plan_tasks", broken)
    wizard = to_run_page(qtbot, ctx, report(tmp_path / "q4.xlsx", ROWS))
    result = run_import(qtbot, wizard)
    assert result.status == "imported" and result.new == 3
    notice = wizard.summary_page.notice
    assert notice.isVisible()
    assert notice.text().startswith("Imported; tasks will refresh on next open")


def test_the_wizard_reads_within_the_databases_unpacking_limit(qtbot, ctx, tmp_path) -> None:
    """`reading.max_unpack_ratio` set for this database applies in the window too."""
    from cspm.service.settings import set_value

    set_value(ctx, "reading.max_unpacked_mb", "1")
    rows = [
        [f"A{i}", f"Account {i}", "Dana", i * 10, None, 70, None, "Active"] for i in range(20_000)
    ]
    wizard = open_wizard(qtbot, ctx, report(tmp_path / "q4.xlsx", rows))  # unpacks to > 1 MB
    next_page(qtbot, wizard, ImportWizard.HEADER)
    page = wizard.header_page
    qtbot.waitUntil(lambda: "refuses" in page.message.text(), timeout=10_000)
    assert "q4.xlsx" in page.message.text()
    assert wizard.cells is None
