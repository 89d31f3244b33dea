"""The import wizard end to end on real files, driven through its buttons and widgets."""

from __future__ import annotations

import csv
import datetime as dt
import threading
from pathlib import Path

from openpyxl import Workbook
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog, QWizard

from cspm.service.imports_list import list_imports
from cspm.service.portfolio import list_accounts
from cspm.ui.import_wizard import ImportWizard
from tests.files import HEADER, write_xlsx

D = dt.datetime
ROWS = [
    ["A-1", "Acme", "Dana", 120_000, D(2027, 1, 10), 82, D(2024, 3, 1), "Active", "Retail"],
    ["A-2", "Globex", "Dana", 45_000, D(2027, 6, 30), 55, D(2025, 9, 1), "Active", "Energy"],
    ["A-3", "Initech", "Fox", 12_500, D(2026, 12, 15), 30, D(2023, 5, 5), "Active", "Software"],
]
COLUMNS = [*HEADER, "Market Sector Code"]  # not a known synonym: kept as custom by default
NO_KEY = [None, None, "Fox", 9_000, None, None, None, "Active", "Retail"]


def report(path: Path, rows) -> Path:
    """A CRM report: a title row and a blank row above the header."""
    return write_xlsx(path, [["Renewals report — Q4"], [], COLUMNS, *rows])


def open_wizard(qtbot, ctx, path=None) -> ImportWizard:
    wizard = ImportWizard(ctx, str(path) if path else None)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def next_page(qtbot, wizard: ImportWizard, expected: int) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=10_000)


def click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def run_import(qtbot, wizard: ImportWizard):
    button = wizard.button(QWizard.WizardButton.CommitButton)
    qtbot.waitUntil(button.isEnabled, timeout=10_000)
    assert button.text() == "Import"
    with qtbot.waitSignal(wizard.imported, timeout=20_000) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.SUMMARY, timeout=10_000)
    return blocker.args[0]


def test_whole_wizard_imports_the_accounts(qtbot, ctx, tmp_path) -> None:
    path = report(tmp_path / "q4.xlsx", ROWS)
    wizard = open_wizard(qtbot, ctx)
    qtbot.keyClicks(wizard.file_page.path_edit, str(path))
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=10_000)
    assert "one sheet" in wizard.file_page.message.text()
    next_page(qtbot, wizard, ImportWizard.HEADER)  # one sheet: the sheet page is skipped

    page = wizard.header_page
    qtbot.waitUntil(page.isComplete, timeout=10_000)
    assert page.guess == 2 and wizard.header_index == 2
    assert "Row 3" in page.choice.text() and "detected" in page.choice.text()
    assert page.model.data(page.model.index(2, 0), Qt.ItemDataRole.BackgroundRole) is not None
    click_row(qtbot, page.table, 0)  # the title row: a poor header, but the user may pick it
    assert wizard.header_index == 0 and "your choice" in page.choice.text()
    assert page.reset_button.isVisible()
    click_row(qtbot, page.table, 2)
    assert wizard.header_index == 2

    next_page(qtbot, wizard, ImportWizard.KIND)

    next_page(qtbot, wizard, ImportWizard.MAPPING)
    mapping = wizard.mapping_page
    qtbot.waitUntil(mapping.isComplete, timeout=10_000)
    badge = {
        mapping.table.item(r, 0).text(): mapping.table.item(r, 3).text()
        for r in range(mapping.table.rowCount())
    }
    assert badge["Account Name"] == "synonym"
    combo = mapping.combos["Market Sector Code"]
    assert combo.currentData() == "custom"
    assert combo.currentText().startswith("Keep as custom field")
    combo.setCurrentIndex(combo.findData("industry"))
    qtbot.waitUntil(mapping.isComplete, timeout=10_000)
    row = [mapping.table.item(r, 0).text() for r in range(mapping.table.rowCount())].index(
        "Market Sector Code"
    )
    assert mapping.table.item(row, 3).text() == "your choice"
    assert mapping.combos["Market Sector Code"].currentData() == "industry"
    qtbot.keyClicks(mapping.profile_name, "Q4 report")

    next_page(qtbot, wizard, ImportWizard.VALUES)
    next_page(qtbot, wizard, ImportWizard.VALIDATION)
    check = wizard.validation_page
    assert check.ok_label.text() == "✓ 3 rows ready"
    assert check.rejected_label.text() == "✕ 0 rows rejected"
    assert not check.skip_check.isVisible()

    next_page(qtbot, wizard, ImportWizard.RUN)
    wizard.run_page.as_of.setDate(QDate(2026, 11, 20))
    result = run_import(qtbot, wizard)
    assert (result.new, result.updated, result.unchanged, result.rejected) == (3, 0, 0, 0)
    counts = {k: v.text() for k, v in wizard.summary_page.counts.items()}
    assert counts == {
        "new": "3",
        "updated": "0",
        "unchanged": "0",
        "rejected": "0",
        "warnings": "0",
    }
    assert "2026-11-20" in wizard.summary_page.headline.text()

    accounts = list_accounts(ctx)
    assert sorted(accounts["name"]) == ["Acme", "Globex", "Initech"]
    assert dict(zip(accounts["name"], accounts["industry"], strict=True))["Globex"] == "Energy"
    assert list_imports(ctx)[0].as_of == dt.date(2026, 11, 20)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()

    # the saved profile is applied (and said so) when the same columns come again;
    # the second import moves Initech up a tier
    moved = [[*r] for r in ROWS]
    moved[2][3] = 60_000
    second = open_wizard(qtbot, ctx, report(tmp_path / "q4b.xlsx", moved))
    next_page(qtbot, second, ImportWizard.HEADER)
    next_page(qtbot, second, ImportWizard.KIND)
    next_page(qtbot, second, ImportWizard.MAPPING)
    qtbot.waitUntil(second.mapping_page.isComplete, timeout=10_000)
    assert "'Q4 report'" in second.mapping_page.profile_label.text()
    assert second.mapping_page.combos["Market Sector Code"].currentData() == "industry"
    next_page(qtbot, second, ImportWizard.VALUES)
    next_page(qtbot, second, ImportWizard.VALIDATION)
    # the tier move is a big change: listed, and Next waits until the user confirms it
    panel = second.validation_page.changes_panel
    qtbot.waitUntil(lambda: panel.changes is not None, timeout=10_000)
    assert panel.lines() == [
        "Initech: ARR $12,500 -> $60,000",
        "Initech: tier SMB -> Mid-Market",
    ]
    assert not second.button(QWizard.WizardButton.NextButton).isEnabled()
    qtbot.mouseClick(panel.confirm, Qt.MouseButton.LeftButton)
    next_page(qtbot, second, ImportWizard.RUN)
    result = run_import(qtbot, second)
    assert (result.new, result.updated, result.unchanged) == (0, 1, 2)
    summary = second.summary_page
    assert summary.moves.rows == [("Initech", "Tier", "SMB", "Mid-Market")]
    assert "1 change" in summary.moves_label.text()


def test_unreadable_file_is_explained_on_the_first_page(qtbot, ctx, tmp_path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("this is not a workbook")
    wizard = open_wizard(qtbot, ctx, path)
    page = wizard.file_page
    qtbot.waitUntil(lambda: "not a readable Excel workbook" in page.message.text(), timeout=10_000)
    assert page.message.isVisible() and "Traceback" not in page.message.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert list_accounts(ctx).empty and list_imports(ctx) == []


def test_rejected_rows_block_next_until_skipped(qtbot, ctx, tmp_path, monkeypatch) -> None:
    path = report(tmp_path / "bad.xlsx", [*ROWS, NO_KEY])
    wizard = open_wizard(qtbot, ctx, path)
    next_page(qtbot, wizard, ImportWizard.HEADER)
    next_page(qtbot, wizard, ImportWizard.KIND)
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    next_page(qtbot, wizard, ImportWizard.VALUES)
    next_page(qtbot, wizard, ImportWizard.VALIDATION)
    page = wizard.validation_page
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert page.rejected_label.text() == "✕ 1 row rejected"
    assert page.ok_label.text() == "✓ 3 rows ready"
    assert page.model.rows[0][0] == 7  # sheet row of the rejected line
    assert "neither an account ID nor a name" in page.model.rows[0][3]
    assert page.skip_check.isVisible() and not page.skip_check.isChecked()
    assert not next_button.isEnabled()
    assert page.why.isVisible() and "Skip" in page.why.text()

    target = tmp_path / "problems.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.saved_to is not None, timeout=10_000)
    with target.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["row"] == "7" and rows[0]["severity"] == "error"
    assert "neither an account ID" in rows[0]["message"]

    qtbot.mouseClick(page.skip_check, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(next_button.isEnabled, timeout=10_000)  # after the comparison (a worker)
    assert page.skip_check.isChecked() and not page.why.isVisible()
    next_page(qtbot, wizard, ImportWizard.RUN)
    result = run_import(qtbot, wizard)
    assert (result.new, result.rejected) == (3, 1)
    assert wizard.summary_page.counts["rejected"].text() == "1"
    assert len(list_accounts(ctx)) == 3


def test_workbook_with_several_sheets_asks_which(qtbot, ctx, tmp_path) -> None:
    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing to see"])
    sheet = wb.create_sheet("Accounts")
    for row in [COLUMNS, *ROWS]:
        sheet.append(row)
    wb.save(tmp_path / "two.xlsx")
    wizard = open_wizard(qtbot, ctx, tmp_path / "two.xlsx")
    next_page(qtbot, wizard, ImportWizard.SHEET)
    sheets = wizard.sheet_page.sheets
    assert [sheets.item(i).text() for i in range(sheets.count())] == ["Notes", "Accounts"]
    rect = sheets.visualItemRect(sheets.item(1))
    qtbot.mouseClick(sheets.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    next_page(qtbot, wizard, ImportWizard.HEADER)
    qtbot.waitUntil(wizard.header_page.isComplete, timeout=10_000)
    assert wizard.sheet == "Accounts" and wizard.header_index == 0


def test_cancel_during_import_changes_nothing(qtbot, ctx, tmp_path, monkeypatch) -> None:
    import cspm.ui.import_wizard.plans as module
    from cspm.service.progress import check

    def slow_apply(ctx, prepared, options, progress, cancelled, keep_plan=True):
        progress(0.5, "Writing accounts")
        while not cancelled():
            threading.Event().wait(0.01)  # the fake import's own polling, in the worker
        check(cancelled)

    monkeypatch.setattr(module, "apply_prepared", slow_apply)
    wizard = open_wizard(qtbot, ctx, report(tmp_path / "q4.xlsx", ROWS))
    for page in (
        ImportWizard.HEADER,
        ImportWizard.KIND,
        ImportWizard.MAPPING,
        ImportWizard.VALUES,
        ImportWizard.VALIDATION,
        ImportWizard.RUN,
    ):
        next_page(qtbot, wizard, page)
    run_page = wizard.run_page
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: run_page.step.text() == "Writing accounts", timeout=10_000)
    assert run_page.progress.value() == 50 and run_page.cancel_button.isVisible()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    qtbot.mouseClick(run_page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cancelled" in run_page.message.text(), timeout=10_000)
    assert wizard.currentId() == ImportWizard.RUN and wizard.import_result is None
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert list_accounts(ctx).empty


def test_mapping_changes_plan_from_the_cells_read_not_the_file(qtbot, ctx, tmp_path) -> None:
    """The header step's cells are kept: with the file gone, every mapping change still plans
    (a re-read would fail with "file not found"), and the import still names the file."""
    path = report(tmp_path / "q4.xlsx", ROWS)
    wizard = open_wizard(qtbot, ctx, path)
    next_page(qtbot, wizard, ImportWizard.HEADER)
    next_page(qtbot, wizard, ImportWizard.KIND)
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    mapping = wizard.mapping_page
    qtbot.waitUntil(mapping.isComplete, timeout=10_000)
    path.unlink()

    # two changes back to back: the first plan is overtaken, the second carries both choices
    sector = mapping.combos["Market Sector Code"]
    sector.setCurrentIndex(sector.findData("industry"))
    owner = mapping.combos["Account Owner"]
    owner.setCurrentIndex(owner.findData("ignore"))
    qtbot.waitUntil(mapping.isComplete, timeout=10_000)
    assert not mapping.message.isVisible(), mapping.message.text()
    assert mapping.combos["Market Sector Code"].currentData() == "industry"
    assert mapping.combos["Account Owner"].currentData() == "ignore"
    badges = {
        mapping.table.item(r, 0).text(): mapping.table.item(r, 3).text()
        for r in range(mapping.table.rowCount())
    }
    assert badges["Market Sector Code"] == "your choice"
    assert badges["Account Owner"] == "your choice"
    assert wizard.prepared is not None
    record = wizard.prepared.mapping.as_record()
    assert record["Market Sector Code"] == "industry" and record["Account Owner"] == "ignore"
    assert "owner" not in wizard.prepared.plan.carried

    next_page(qtbot, wizard, ImportWizard.VALUES)
    next_page(qtbot, wizard, ImportWizard.VALIDATION)
    assert wizard.validation_page.ok_label.text() == "✓ 3 rows ready"
    next_page(qtbot, wizard, ImportWizard.RUN)
    result = run_import(qtbot, wizard)
    assert result.file == "q4.xlsx" and result.new == 3
    assert list_imports(ctx)[0].file_name == "q4.xlsx"
    accounts = list_accounts(ctx)
    assert dict(zip(accounts["name"], accounts["industry"], strict=True))["Globex"] == "Energy"
