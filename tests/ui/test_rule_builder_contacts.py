"""The rule builder's "Count contacts" mode, driven through its widgets: contact fields and no
history operators, the threshold per account, the live count of accounts from the service,
loading a saved contacts rule back, and a mixed rule shown as not editable here."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cspm.service.context import AppContext
from cspm.service.segments import preview_rule
from cspm.ui.rule_builder import RuleBuilderDialog
from cspm.ui.rule_fields import FIELD_ROLE
from cspm.ui.rule_values import BoolValue, DaysValue
from tests.contact_data import contacts_portfolio
from tests.ui.palettes import dark_palette
from tests.ui.test_rule_builder import choose, open_dialog


@pytest.fixture
def with_contacts(ctx: AppContext, tmp_path: Path) -> AppContext:
    contacts_portfolio(ctx, tmp_path)
    return ctx


def field_names(row) -> list[str]:
    combo = row.field_combo
    return [
        combo.itemData(i, FIELD_ROLE) for i in range(combo.count()) if combo.itemData(i, FIELD_ROLE)
    ]


def test_count_contacts_builds_a_contacts_rule_with_a_live_count(qtbot, with_contacts) -> None:
    dialog = open_dialog(qtbot, with_contacts, name="Exec sponsor gone quiet")
    bar = dialog.count_bar
    assert not bar.amount.isVisible()  # accounts mode: no threshold
    choose(bar.mode, "contacts")
    assert bar.amount.isVisible() and bar.unit.isVisible()
    first = dialog.root.conditions()[0]
    assert set(field_names(first)) == {
        "email", "email_domain", "name", "role", "is_exec", "last_login", "days_since_login",
    }  # fmt: skip
    assert first.field_combo.itemText(1) == "E-mail"  # listed under their labels
    choose(first.field_combo, "is_exec")
    assert isinstance(first.editor, BoolValue)
    qtbot.mouseClick(dialog.root.add_condition_button, Qt.MouseButton.LeftButton)
    second = dialog.root.conditions()[1]
    choose(second.field_combo, "days_since_login")
    ops = [second.op_combo.itemData(i) for i in range(second.op_combo.count())]
    assert ">" in ops and "dropped_by" not in ops  # contacts have no history
    choose(second.field_combo, "last_login")
    choose(second.op_combo, "older_than_days")
    assert isinstance(second.editor, DaysValue)
    second.editor.setValue(15)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    rule = dialog.rule_json()
    assert rule == {
        "over": "contacts",
        "where": {
            "all": [
                {"field": "is_exec", "op": "=", "value": True},
                {"field": "last_login", "op": "older_than_days", "value": 15},
            ]
        },
        "at_least": 1,
    }
    assert dialog.count_label.text().startswith("2 accounts")  # Acme and Globex
    assert preview_rule(with_contacts, rule)[0] == 2

    choose(bar.unit, "at_least_pct")
    bar.amount.setValue(50)
    qtbot.waitUntil(lambda: dialog.count_label.text().startswith("1 account "), timeout=10_000)
    assert dialog.rule_json()["at_least_pct"] == 50  # Globex: 1 of 2 contacts

    dialog.grab().save("/tmp/contacts_rule_builder.png")
    dialog.setPalette(dark_palette())
    dialog.grab().save("/tmp/contacts_rule_builder_dark.png")

    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_a_saved_contacts_rule_loads_back_and_switching_mode_starts_over(
    qtbot, with_contacts
) -> None:
    rule = {
        "over": "contacts",
        "where": {"all": [{"field": "role", "op": "contains", "value": "analyst"}]},
        "at_least_pct": 50,
    }
    dialog = open_dialog(qtbot, with_contacts, name="Analysts", rule=rule)
    assert dialog.count_bar.counts_contacts()
    assert dialog.count_bar.unit.currentData() == "at_least_pct"
    assert dialog.count_bar.amount.value() == 50
    assert dialog.rule_json() == rule
    assert dialog.save_button.isEnabled()
    assert dialog.count_label.text().startswith(f"{preview_rule(with_contacts, rule)[0]} account")
    choose(dialog.count_bar.mode, "accounts")
    row = dialog.root.conditions()[0]
    assert "arr" in field_names(row) and "is_exec" not in field_names(row)
    assert "over" not in dialog.rule_json()


def test_a_rule_mixing_accounts_and_contacts_is_kept_as_is(qtbot, with_contacts) -> None:
    rule = {
        "all": [
            {"field": "arr", "op": ">=", "value": 40000},
            {"over": "contacts", "at_least": 3},
        ]
    }
    dialog = RuleBuilderDialog(with_contacts, name="Covered big", rule=rule)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    assert dialog.root is None and not dialog.count_bar.isEnabled()
    assert dialog.rule_json() == rule
    assert dialog.count_label.text().startswith("1 account ")
