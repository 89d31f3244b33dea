"""The wizard's validation page shows what the values became and the big changes against the
stored accounts; Import waits for the user to confirm them (real xlsx files, real clicks)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from cspm.service.imports import import_file
from cspm.service.portfolio import list_accounts
from cspm.ui.import_wizard import ImportWizard
from tests.files import write_xlsx
from tests.ui.test_import_wizard import next_page, open_wizard, run_import

HEADER = ["Account ID", "Account Name", "ARR", "Owner", "Reference"]
BEFORE = [
    ["E-1", "Evergreen Bank", 157_800, "Dana", "yes"],
    ["S-2", "Sprout Cafe", 9_000, "Fox", "no"],
    ["M-3", "Meridian Labs", 60_000, "Fox", ""],
]


def _stored(ctx, tmp_path: Path) -> None:
    assert import_file(ctx, write_xlsx(tmp_path / "before.xlsx", [HEADER, *BEFORE])).status == (
        "imported"
    )


def _to_validation(qtbot, ctx, path: Path) -> ImportWizard:
    wizard = open_wizard(qtbot, ctx, path)
    next_page(qtbot, wizard, ImportWizard.HEADER)
    next_page(qtbot, wizard, ImportWizard.KIND)
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    next_page(qtbot, wizard, ImportWizard.VALIDATION)  # no yes/no-word columns: no values step
    panel = wizard.validation_page.changes_panel
    qtbot.waitUntil(lambda: panel.changes is not None, timeout=20_000)
    return wizard


def test_an_arr_drop_is_listed_and_import_waits_for_confirmation(qtbot, ctx, tmp_path) -> None:
    _stored(ctx, tmp_path)
    after = [
        ["E-1", "Evergreen Bank", "$1,250", "Dana", "yes"],  # Enterprise -> SMB
        ["S-2", "Sprout Cafe", "9,200", "Fox", "no"],  # +2%: not big
    ]  # Meridian Labs is not in this file
    wizard = _to_validation(qtbot, ctx, write_xlsx(tmp_path / "after.xlsx", [HEADER, *after]))
    page = wizard.validation_page
    panel = page.changes_panel
    assert panel.isVisible()
    assert panel.lines() == [
        "Evergreen Bank: ARR $157,800 -> $1,250",
        "Evergreen Bank: tier Enterprise -> SMB",
        "Meridian Labs: not in this file (kept as it is)",
    ]
    assert "not in this file" in panel.summary.text()
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()
    assert "I have reviewed these changes" in page.why.text()
    assert not wizard.run_page.isComplete()  # the Import button would wait too

    qtbot.mouseClick(panel.confirm, Qt.MouseButton.LeftButton)
    assert next_button.isEnabled() and not page.why.isVisible()
    next_page(qtbot, wizard, ImportWizard.RUN)
    result = run_import(qtbot, wizard)
    assert result.status == "imported"
    assert list_accounts(ctx).set_index("name").at["Evergreen Bank", "tier"] == "SMB"


def test_a_file_without_big_changes_needs_no_confirmation(qtbot, ctx, tmp_path) -> None:
    _stored(ctx, tmp_path)
    wizard = _to_validation(qtbot, ctx, write_xlsx(tmp_path / "same.xlsx", [HEADER, *BEFORE]))
    panel = wizard.validation_page.changes_panel
    assert panel.changes is not None and panel.changes.empty
    assert not panel.isVisible() and not panel.confirm.isChecked()
    qtbot.waitUntil(wizard.button(QWizard.WizardButton.NextButton).isEnabled, timeout=10_000)


def test_raw_cells_and_parsed_values_side_by_side(qtbot, ctx, tmp_path) -> None:
    rows = [["E-1", "Evergreen Bank", "$157.8k", "Dana", "yes"], ["S-2", "Sprout", 9000, "", ""]]
    wizard = _to_validation(qtbot, ctx, write_xlsx(tmp_path / "a.xlsx", [HEADER, *rows]))
    preview = wizard.validation_page.preview
    pairs = preview.pairs()
    assert ("ARR", "$157.8k", "157,800 USD") in pairs
    assert ("Reference", "yes", "Yes") in pairs
    assert ("Owner", "", "") in pairs  # blank stays blank
    assert ("ARR", "9000", "9,000 USD") in pairs
    # no problems to fix: the page opens on the preview tab
    tabs = wizard.validation_page.tabs
    assert tabs.currentWidget() is preview
    assert preview.model().headerData(3, Qt.Orientation.Horizontal) == "In the file"
