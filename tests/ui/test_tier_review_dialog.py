"""Edit > Review tiers: the list read in a worker, a decision needs a reason before it can be
saved, and saving re-pins the account (one change)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit

from cspm.service.context import AppContext
from cspm.service.portfolio import load_portfolio
from cspm.ui.tier_review_dialog import TierReviewDialog
from tests.service.test_tier_review import book  # noqa: F401 (fixture)
from tests.ui.test_imports_settings import click


def test_accept_with_a_reason_repins_the_account(qtbot, book: AppContext) -> None:  # noqa: F811
    dialog = TierReviewDialog(book)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.show()
    keys = list(dialog.rows["key"])
    assert keys == ["A5", "A2", "A1"]
    assert "Health 35 (red)" in dialog.table.item(0, 3).text()
    row = keys.index("A1")
    choice = dialog.table.cellWidget(row, 4)
    reason = dialog.table.cellWidget(row, 5)
    assert isinstance(choice, QComboBox) and isinstance(reason, QLineEdit)
    choice.setCurrentIndex(choice.findData("accept"))
    assert not dialog.apply_button.isEnabled()  # no reason yet
    qtbot.keyClicks(reason, "ARR fell with the reorg")
    assert dialog.apply_button.isEnabled()
    with qtbot.waitSignal(dialog.applied, timeout=10_000):
        click(qtbot, dialog.apply_button)
    frame = load_portfolio(book).frame
    assert frame.at["A1", "tier"] == "Mid-Market"
    assert "ARR fell with the reorg" in frame.at["A1", "tier_reason"]
