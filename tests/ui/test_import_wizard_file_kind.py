"""Files that are not lists of accounts: an opportunities export is read as subscriptions (its
closed-won rows), and a file of many rows per account of no known kind is still refused as an
accounts list, with the same sentence as the command line."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QWizard

from cspm.service.portfolio import load_portfolio
from cspm.storage.related_repo import load_in_force
from cspm.ui.import_wizard import ImportWizard
from tests import crm_exports as crm
from tests.files import write_xlsx
from tests.ui.test_import_wizard import next_page, open_wizard
from tests.ui.test_import_wizard_kinds import through_to_import


def _to_kind(qtbot, ctx, path) -> ImportWizard:
    wizard = open_wizard(qtbot, ctx, path)
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=10_000)
    next_page(qtbot, wizard, ImportWizard.HEADER)
    qtbot.waitUntil(wizard.header_page.isComplete, timeout=10_000)
    next_page(qtbot, wizard, ImportWizard.KIND)
    qtbot.waitUntil(wizard.kind_page.isComplete, timeout=10_000)
    return wizard


def test_opportunities_export_is_read_as_subscriptions(qtbot, ctx, tmp_path) -> None:
    path = crm.salesforce_opportunity_report(tmp_path / "Opportunities.xlsx")
    wizard = _to_kind(qtbot, ctx, path)
    text = wizard.kind_page.detected_label.text()
    assert text.startswith("This looks like <b>a subscriptions file</b> (an opportunities export")
    assert "36 rows, 12 accounts" in text
    assert wizard.kind == "subscriptions"
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    mapping = wizard.mapping_page
    qtbot.waitUntil(mapping.isComplete, timeout=10_000)
    assert mapping.combos["Stage"].currentData() == "stage"  # read to keep the won rows
    assert mapping.combos["Close Date"].currentData() == "start_date"
    next_page(qtbot, wizard, ImportWizard.VALUES)  # which stages are won: asked, as words
    meanings = {v: c.currentData() for (h, v), c in wizard.values_page.value_combos.items()}
    assert meanings == {"Closed Won": "won", "Prospecting": "other", "Closed Lost": "other"}
    result = through_to_import(qtbot, wizard)
    assert result.kind == "subscriptions" and result.related is not None
    assert result.related.rows == 12  # one closed-won opportunity per account
    with ctx.db.session() as s:
        assert len(load_in_force(s, "subscriptions")) == 12
    assert load_portfolio(ctx).frame.empty  # no account is made of an unlinked row


def test_unknown_many_rows_file_is_refused_as_accounts(qtbot, ctx, tmp_path) -> None:
    """A monthly ARR history (one row per account and month) is no kind cspm knows: the kind
    page says so, and the mapping page refuses it as an accounts list."""
    rows = [
        [f"A-{a}", f"Account {a}", dt.datetime(2026, m, 28), 10_000 + a * 100]
        for a in range(6)
        for m in range(1, 6)
    ]
    path = write_xlsx(
        tmp_path / "history.xlsx", [["Account ID", "Account Name", "Month", "ARR"], *rows]
    )
    wizard = _to_kind(qtbot, ctx, path)
    assert wizard.kind == "accounts"
    assert "several rows per account (30 rows, 6 accounts" in wizard.kind_page.message.text()
    next_page(qtbot, wizard, ImportWizard.MAPPING)
    message = wizard.mapping_page.message
    qtbot.waitUntil(lambda: "several rows per account" in message.text(), timeout=10_000)
    assert message.isVisible()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert load_portfolio(ctx).frame.empty
