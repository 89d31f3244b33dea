"""The wizard refuses an opportunities export with the same sentence as the command line."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from cspm.service.portfolio import load_portfolio
from cspm.ui.import_wizard import ImportWizard
from tests import crm_exports as crm
from tests.ui.test_import_wizard import next_page, open_wizard


def test_opportunities_export_is_named_on_the_mapping_page(qtbot, ctx, tmp_path) -> None:
    path = crm.salesforce_opportunity_report(tmp_path / "Opportunities.xlsx")
    wizard = open_wizard(qtbot, ctx, path)
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=10_000)
    next_page(qtbot, wizard, ImportWizard.HEADER)
    qtbot.waitUntil(wizard.header_page.isComplete, timeout=10_000)
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    message = wizard.mapping_page.message
    qtbot.waitUntil(lambda: "opportunities export" in message.text(), timeout=10_000)
    assert "looks like an opportunities export: 36 rows, 12 accounts" in message.text()
    assert message.isVisible()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert load_portfolio(ctx).frame.empty
