"""ExportDialog with real widgets: a workbook, a QBR pack for an account, the task list with a
filter, the service's sentence when a folder is in the way, and cancelling a running export."""

from __future__ import annotations

import csv
import datetime as dt
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt

from cspm.service.imports import import_file
from cspm.service.progress import CancelledError
from cspm.service.tasks import list_tasks
from cspm.ui import export_choices
from cspm.ui.export_dialog import ExportDialog
from tests.files import HEADER, write_xlsx

D = dt.datetime
ACCOUNTS = [
    ["A-1", "Acme", "Dana", 120_000, D(2027, 1, 10), 82, D(2024, 3, 1), "Active"],
    ["A-2", "Globex", "Dana", 45_000, D(2026, 12, 30), 35, D(2025, 9, 1), "Active"],
    ["A-3", "Initech", "Fox", 12_500, D(2026, 12, 15), 30, D(2023, 5, 5), "Active"],
    ["A-4", "Umbrella", "Dana", 30_000, D(2026, 12, 20), 70, D(2022, 1, 1), "Active"],
    ["A-5", "Hooli", "Fox", 300_000, D(2027, 3, 1), 90, D(2021, 2, 2), "Active"],
]


@pytest.fixture
def portfolio(ctx, tmp_path: Path):
    import_file(ctx, write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ACCOUNTS]))
    return ctx


def open_dialog(qtbot, ctx, **kwargs) -> ExportDialog:
    dialog = ExportDialog(ctx, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.choices is not None, timeout=30_000)
    return dialog


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def export_to(qtbot, dialog: ExportDialog, path: Path) -> Path:
    dialog.path_edit.setText(str(path))
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def test_portfolio_workbook_is_written_and_opens(qtbot, portfolio, tmp_path) -> None:
    dialog = open_dialog(qtbot, portfolio)
    assert dialog.kind().id == "workbook"
    assert Path(dialog.path_edit.text()).name == "portfolio-2026-11-23.xlsx"
    written = export_to(qtbot, dialog, tmp_path / "book.xlsx")
    assert written == tmp_path / "book.xlsx" and written.exists()
    book = load_workbook(written, read_only=True)
    assert book.sheetnames
    book.close()
    assert "Saved" in dialog.status_label.text() and "book.xlsx" in dialog.status_label.text()
    assert "Open folder" in dialog.status_label.text()
    assert dialog.export_button.isEnabled() and dialog.cancel_button.text() == "Close"


def test_qbr_pack_for_the_account_it_was_opened_from(qtbot, portfolio, tmp_path) -> None:
    dialog = open_dialog(qtbot, portfolio, account="A-3")
    assert dialog.kind().id == "qbr" and dialog.one_account.isChecked()
    assert dialog.account_edit.text() == "Initech (A-3)"
    assert Path(dialog.path_edit.text()).name == "qbr-initech-2026-11-23.pdf"
    assert dialog.options()["account"] == "A-3"
    dialog.page_combo.setCurrentText("Letter")
    assert dialog.options() == {"account": "A-3", "page_size": "Letter", "audience": "customer"}
    written = export_to(qtbot, dialog, tmp_path / "initech.pdf")
    assert written.read_bytes().startswith(b"%PDF")


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_qbr_pack_is_for_the_customer_unless_internal_is_chosen(qtbot, portfolio, tmp_path) -> None:
    dialog = open_dialog(qtbot, portfolio, account="A-3")
    assert dialog.audience_combo.currentData() == "customer"
    assert dialog.audience_combo.currentText() == "The customer (to send)"
    customer = export_to(qtbot, dialog, tmp_path / "customer.pdf")
    text = pdf_text(customer)
    assert "Initech" in text and "Agenda" in text
    assert "priority" not in text.casefold() and "Open tasks" not in text
    # choose "Internal review" with the keyboard, as a user would
    dialog.audience_combo.setFocus()
    qtbot.keyClick(dialog.audience_combo, Qt.Key.Key_Down)
    assert dialog.audience_combo.currentData() == "internal"
    assert dialog.options()["audience"] == "internal"
    internal = export_to(qtbot, dialog, tmp_path / "internal.pdf")
    text = pdf_text(internal)
    assert "Open tasks" in text and "Priority".upper() in text.upper()


def test_opened_from_a_segment_it_is_a_qbr_pack_of_that_segment(qtbot, portfolio) -> None:
    dialog = open_dialog(qtbot, portfolio, segment="at risk")
    assert dialog.kind().id == "qbr" and dialog.whole_segment.isChecked()
    assert dialog.qbr_segment_combo.currentData() == "At risk"
    assert dialog.options() == {"segment": "At risk", "page_size": "A4", "audience": "customer"}
    assert Path(dialog.path_edit.text()).name == "qbr-at-risk-2026-11-23.pdf"
    # switching to the task list keeps the segment as the filter
    choose(dialog.what_combo, "tasks_csv")
    assert dialog.segment_combo.currentData() == "At risk"
    assert Path(dialog.path_edit.text()).name == "tasks-2026-11-23.csv"


def test_task_list_with_an_owner_filter(qtbot, portfolio, tmp_path) -> None:
    dialog = open_dialog(qtbot, portfolio)
    choose(dialog.what_combo, "tasks_csv")
    choose(dialog.owner_combo, "Fox")
    written = export_to(qtbot, dialog, tmp_path / "fox")  # the extension is added
    assert written == tmp_path / "fox.csv"
    with written.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = list_tasks(portfolio, owner="Fox")
    assert len(rows) == len(expected) > 0
    assert {r["owner"] for r in rows} == {"Fox"}


def test_a_folder_in_the_way_shows_the_services_sentence(qtbot, portfolio, tmp_path) -> None:
    target = tmp_path / "portfolio.xlsx"
    target.mkdir()
    dialog = open_dialog(qtbot, portfolio)
    dialog.path_edit.setText(str(target))
    exported = []
    dialog.exported.connect(exported.append)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running(), timeout=60_000)
    text = dialog.status_label.text()
    assert "portfolio.xlsx" in text and "close it in Excel and try again" in text
    assert not exported and target.is_dir()
    assert dialog.export_button.isEnabled()  # fix the name and try again


def test_cancel_stops_a_running_export(qtbot, portfolio, tmp_path, monkeypatch) -> None:
    release = threading.Event()

    def slow_export(ctx, path, *, progress, cancelled, **options):
        progress(0.1, "Writing the accounts")
        release.wait(30)  # the test lets go once Cancel was clicked
        if cancelled():
            raise CancelledError("Export cancelled; nothing was written.")
        raise AssertionError("not cancelled")

    monkeypatch.setattr(export_choices, "export", slow_export)  # what the worker calls
    dialog = open_dialog(qtbot, portfolio)
    dialog.path_edit.setText(str(tmp_path / "big.xlsx"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.progress.value() == 10, timeout=30_000)
    assert dialog.cancel_button.text() == "Cancel" and not dialog.export_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: not dialog.running(), timeout=30_000)
    assert dialog.status_label.text() == "Export cancelled; nothing was written."
    assert not (tmp_path / "big.xlsx").exists()
    assert dialog.isVisible()  # cancelling the export does not close the dialog
