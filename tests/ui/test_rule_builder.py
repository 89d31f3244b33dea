"""The rule builder, driven through its widgets: live count, inline validation, Save gating."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cspm.service.imports import import_file
from cspm.service.segments import preview_rule
from cspm.ui.rule_builder import RuleBuilderDialog
from cspm.ui.rule_numbers import count_text, parse_number
from cspm.ui.rule_values import (
    BetweenValue,
    DateValue,
    DaysValue,
    ListValue,
    NumberEdit,
    TextValue,
)
from tests.files import HEADER, write_xlsx

D = dt.datetime
ACCOUNTS = [
    ["A-1", "Acme", "Dana", 120_000, D(2027, 1, 10), 82, D(2024, 3, 1), "Active"],
    ["A-2", "Globex", "Dana", 45_000, D(2027, 6, 30), 55, D(2025, 9, 1), "Active"],
    ["A-3", "Initech", "Fox", 12_500, D(2026, 12, 15), 30, D(2023, 5, 5), "Active"],
    ["A-4", "Umbrella", "Dana", 30_000, D(2026, 12, 20), 70, D(2022, 1, 1), "Active"],
    ["A-5", "Hooli", "Fox", 300_000, D(2027, 3, 1), 90, D(2021, 2, 2), "Active"],
]


@pytest.fixture
def loaded(ctx, tmp_path: Path):
    import_file(ctx, write_xlsx(tmp_path / "accounts.xlsx", [HEADER, *ACCOUNTS]))
    return ctx


def open_dialog(qtbot, ctx, **kwargs) -> RuleBuilderDialog:
    dialog = RuleBuilderDialog(ctx, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.root is not None and dialog.is_ready(), timeout=10_000)
    return dialog


def choose(combo, value, role=Qt.ItemDataRole.UserRole) -> None:
    index = combo.findData(value, role)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def test_two_conditions_show_the_service_count_and_enable_save(qtbot, loaded) -> None:
    dialog = open_dialog(qtbot, loaded)
    assert not dialog.save_button.isEnabled()  # a new rule starts with an empty condition
    first = dialog.root.conditions()[0]
    choose(first.field_combo, "owner")
    assert [first.op_combo.itemData(i) for i in range(first.op_combo.count())] == [
        "=", "!=", "in", "not_in", "contains", "is_empty", "is_not_empty",
    ]  # fmt: skip
    assert isinstance(first.editor, TextValue)
    qtbot.waitUntil(lambda: first.editor.findText("Dana") >= 0)  # dropdown from field_values
    qtbot.keyClicks(first.editor.lineEdit(), "Dana")

    qtbot.mouseClick(dialog.root.add_condition_button, Qt.MouseButton.LeftButton)
    second = dialog.root.conditions()[1]
    choose(second.field_combo, "arr")
    choose(second.op_combo, ">=", Qt.ItemDataRole.UserRole)
    assert isinstance(second.editor, NumberEdit)
    qtbot.keyClicks(second.editor, "40000")
    second.editor.editingFinished.emit()
    assert second.editor.text() == "40,000"

    qtbot.keyClicks(dialog.name_edit, "Dana's big accounts")
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10_000)
    rule = dialog.rule_json()
    assert rule == {
        "all": [
            {"field": "owner", "op": "=", "value": "Dana"},
            {"field": "arr", "op": ">=", "value": 40000},
        ]
    }
    count, arr = preview_rule(loaded, rule)
    assert (count, arr) == (2, 165_000)
    assert dialog.count_label.text() == count_text(count, arr) == "2 accounts · $165K ARR"

    qtbot.mouseClick(dialog.root.mode, Qt.MouseButton.LeftButton)  # switch to "any"
    choose(dialog.root.mode, "any", Qt.ItemDataRole.UserRole)
    qtbot.waitUntil(lambda: dialog.count_label.text().startswith("4 accounts"), timeout=10_000)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.segment_name() == "Dana's big accounts"


def test_incomplete_condition_shows_message_and_disables_save(qtbot, loaded) -> None:
    dialog = open_dialog(qtbot, loaded, name="Risky")
    row = dialog.root.conditions()[0]
    assert "needs a 'field'" in dialog.count_label.text()
    assert "color: #c62828" in dialog.count_label.styleSheet()
    choose(row.field_combo, "health_score")
    choose(row.op_combo, "between", Qt.ItemDataRole.UserRole)
    assert isinstance(row.editor, BetweenValue)
    qtbot.keyClicks(row.editor.low, "60")
    qtbot.waitUntil(lambda: "'between' needs" in dialog.count_label.text(), timeout=10_000)
    assert not dialog.save_button.isEnabled()
    assert "(at " not in dialog.count_label.text()
    assert "between" in row.toolTip()  # the faulty row is marked
    qtbot.keyClicks(row.editor.high, "20")  # lo > hi
    qtbot.waitUntil(lambda: "lo <= hi" in dialog.count_label.text(), timeout=10_000)
    assert not dialog.save_button.isEnabled()
    row.editor.high.clear()
    qtbot.keyClicks(row.editor.high, "100")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    assert dialog.count_label.text().startswith("3 accounts")
    assert row.toolTip() == ""
    dialog.name_edit.clear()
    assert not dialog.save_button.isEnabled()  # a name is required too


def test_nested_groups_not_and_editors_fit_the_type(qtbot, loaded) -> None:
    rule = {
        "any": [
            {"field": "renewal_date", "op": "within_next_days", "value": 60},
            {"not": {"all": [{"field": "tier", "op": "in", "value": ["Enterprise"]}]}},
        ]
    }
    dialog = open_dialog(qtbot, loaded, name="Mixed", rule=rule)
    assert dialog.rule_json() == rule  # loads and writes back the same rule
    rows = dialog.root.conditions()
    assert isinstance(rows[0].editor, DaysValue)
    assert isinstance(rows[1].editor, ListValue)
    inner = dialog.root.children_widgets()[1]
    assert inner.not_check.isChecked()
    assert dialog.save_button.isEnabled()
    expected = preview_rule(loaded, rule)
    assert dialog.count_label.text() == count_text(*expected)

    choose(rows[0].op_combo, "before", Qt.ItemDataRole.UserRole)
    assert isinstance(rows[0].editor, DateValue) and rows[0].editor.calendarPopup()
    qtbot.mouseClick(inner.add_group_button, Qt.MouseButton.LeftButton)
    assert len(dialog.root.conditions()) == 3
    nested = inner.children_widgets()[1]
    qtbot.mouseClick(nested.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dialog.root.conditions()) == 2)
    choose(rows[1].field_combo, "health_score")
    choose(rows[1].op_combo, "dropped_by", Qt.ItemDataRole.UserRole)
    rows[1].editor.since.setValue(30)
    qtbot.keyClicks(rows[1].editor.amount, "10")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    assert dialog.rule_json()["any"][1] == {
        "not": {
            "all": [{"field": "health_score", "op": "dropped_by", "value": 10, "since_days": 30}]
        }
    }


def test_number_parsing() -> None:
    assert parse_number("1,200,000") == 1_200_000
    assert parse_number("$1.2M") == 1_200_000
    assert parse_number("250k") == 250_000
    assert parse_number("0.5") == 0.5
    assert parse_number("abc") is None


# ---- bugs found while splitting the module ----


def ops_of(row) -> list[str]:
    return [row.op_combo.itemData(i) for i in range(row.op_combo.count())]


def test_field_change_offers_only_the_new_fields_operators(qtbot, loaded) -> None:
    """'≥' on ARR, then a date field: the row used to keep '>=' (appended to the date ops,
    with a text box for the value), a rule the service can only refuse."""
    dialog = open_dialog(qtbot, loaded, name="x")
    row = dialog.root.conditions()[0]
    choose(row.field_combo, "arr")
    choose(row.op_combo, ">=")
    choose(row.field_combo, "renewal_date")
    assert ">=" not in ops_of(row)
    assert row.op() == "within_next_days"
    assert isinstance(row.editor, DaysValue)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)


def test_operator_change_does_not_write_a_list_into_a_single_value(qtbot, loaded) -> None:
    """'is one of' [Dana, Fox] then 'is': the text box used to read "['Dana', 'Fox']"."""
    rule = {
        "all": [
            {"field": "owner", "op": "in", "value": ["Dana", "Fox"]},
            {"field": "arr", "op": "between", "value": [1, 2]},
        ]
    }
    dialog = open_dialog(qtbot, loaded, name="x", rule=rule)
    text_row, number_row = dialog.root.conditions()
    choose(text_row.op_combo, "=")
    assert isinstance(text_row.editor, TextValue)
    assert text_row.editor.currentText() == ""
    choose(number_row.op_combo, ">")
    assert isinstance(number_row.editor, NumberEdit)
    assert number_row.editor.text() == ""
    qtbot.waitUntil(lambda: "needs a value" in dialog.count_label.text(), timeout=10_000)
    assert not dialog.save_button.isEnabled()


def test_switching_to_the_percent_history_op_keeps_since_days(qtbot, loaded) -> None:
    rule = {"field": "health_score", "op": "dropped_by", "value": 10, "since_days": 30}
    dialog = open_dialog(qtbot, loaded, name="x", rule={"all": [rule]})
    row = dialog.root.conditions()[0]
    assert row.to_json() == rule  # loads amount and since_days
    choose(row.op_combo, "dropped_by_pct")
    assert row.to_json() == {**rule, "op": "dropped_by_pct"}


def test_a_field_chosen_again_gets_its_operator_and_value_back(qtbot, loaded) -> None:
    dialog = open_dialog(qtbot, loaded, name="x")
    row = dialog.root.conditions()[0]
    choose(row.field_combo, "owner")
    qtbot.keyClicks(row.editor.lineEdit(), "Dana")
    choose(row.field_combo, "tier")  # a slip of the mouse ...
    assert row.editor.currentText() == ""  # another field's text is not carried over
    choose(row.field_combo, "owner")  # ... and back
    assert row.to_json() == {"field": "owner", "op": "=", "value": "Dana"}

    choose(row.field_combo, "arr")
    choose(row.op_combo, "between")
    qtbot.keyClicks(row.editor.low, "10k")
    qtbot.keyClicks(row.editor.high, "50k")
    choose(row.field_combo, "renewal_date")
    choose(row.field_combo, "arr")
    assert row.to_json() == {"field": "arr", "op": "between", "value": [10_000, 50_000]}


def test_not_of_not_loads_as_nested_groups_not_an_empty_condition(qtbot, loaded) -> None:
    rule = {"not": {"not": {"field": "arr", "op": ">", "value": 100_000}}}
    dialog = open_dialog(qtbot, loaded, name="x", rule=rule)
    assert [r.to_json() for r in dialog.root.conditions()] == [rule["not"]["not"]]
    assert dialog.save_button.isEnabled()
    assert dialog.last_count == preview_rule(loaded, rule)


def test_erased_days_box_is_an_empty_value_not_the_last_number(qtbot, loaded) -> None:
    """The spin box kept 60 while showing ' days', and Save stayed enabled."""
    rule = {"all": [{"field": "renewal_date", "op": "within_next_days", "value": 60}]}
    dialog = open_dialog(qtbot, loaded, name="Soon", rule=rule)
    days = dialog.root.conditions()[0].editor
    assert isinstance(days, DaysValue)
    days.setFocus()
    days.selectAll()
    qtbot.keyClick(days, Qt.Key.Key_Backspace)
    assert days.value() is None
    qtbot.waitUntil(lambda: "needs a value" in dialog.count_label.text(), timeout=10_000)
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(days, "45")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    assert dialog.rule_json() == {
        "all": [{"field": "renewal_date", "op": "within_next_days", "value": 45}]
    }
