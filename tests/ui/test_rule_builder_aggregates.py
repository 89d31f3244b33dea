"""The rule builder offers the related-data aggregates under their own heading, by label, with a
percent editor for shares: a CSM picks "Contacts Inactive Share (10 days)", types 30%, saves,
and the segment holds exactly the accounts above 30% (accounts without contact data never)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from cspm.core.field_labels import AGGREGATE_GROUP
from cspm.service.imports import import_file
from cspm.service.segments import segment_members
from cspm.ui.rule_fields import FIELD_ROLE
from cspm.ui.rule_numbers import parse_fraction
from cspm.ui.rule_values import BetweenValue, HistoryValue, PercentEdit
from cspm.ui.segments_view import SegmentsView
from tests.files import write_csv
from tests.ui.test_rule_builder import choose
from tests.ui.test_segments_view import row_of

# An accounts export (HubSpot labels) that carries the aggregates as columns.
HEADER = [
    "Record ID",
    "Company name",
    "Annual Recurring Revenue",
    "Contacts",
    "Contacts Inactive Share (10 days)",
    "Usage Trend (30 days)",
]
ROWS = [
    ["101", "Acme", "120000", "10", "45%", "-40%"],
    ["102", "Globex", "45000", "10", "30%", "5%"],  # exactly 30%: not above
    ["103", "Initech", "12500", "4", "0.75", "-0.1"],  # a fraction is read as such too
    ["104", "Umbrella", "30000", "", "", ""],  # no contact data: never a member
]
SHARE = "contacts_inactive_share_10d"


@pytest.fixture
def view(qtbot, ctx, tmp_path: Path) -> SegmentsView:
    import_file(ctx, write_csv(tmp_path / "companies.csv", [HEADER, *ROWS]))
    v = SegmentsView(ctx)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: v.segments is not None, timeout=10_000)
    return v


def _new_dialog(qtbot, view: SegmentsView):
    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    dialog = view.dialog
    qtbot.waitUntil(lambda: dialog.root is not None and dialog.is_ready(), timeout=10_000)
    return dialog


def test_choose_the_inactive_share_type_30_percent_save_and_see_the_members(
    qtbot, view, ctx
) -> None:
    dialog = _new_dialog(qtbot, view)
    row = dialog.root.conditions()[0]
    combo = row.field_combo
    index = combo.findText("Contacts Inactive Share (10 days)")
    assert index >= 0
    # listed under the related-data heading, after the account fields
    model = combo.model()
    headers = [i for i in range(model.rowCount()) if model.item(i).data(FIELD_ROLE) is None]
    assert [model.item(i).text() for i in headers][:2] == ["Account fields", AGGREGATE_GROUP]
    assert max(h for h in headers if h < index) == headers[1]
    combo.setCurrentIndex(index)
    choose(row.op_combo, ">", Qt.ItemDataRole.UserRole)
    assert isinstance(row.editor, PercentEdit)
    qtbot.keyClicks(row.editor, "30%")
    row.editor.editingFinished.emit()
    assert row.editor.text() == "30%"
    qtbot.keyClicks(dialog.name_edit, "Quiet users")
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    assert dialog.rule_json() == {"all": [{"field": SHARE, "op": ">", "value": 0.3}]}
    assert dialog.count_label.text().startswith("2 accounts")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: row_of(view, "Quiet users") >= 0, timeout=10_000)
    members = segment_members(ctx, "Quiet users")
    assert sorted(members["name"]) == ["Acme", "Initech"]
    qtbot.waitUntil(lambda: view.members_loaded_for == "Quiet users", timeout=10_000)
    why = [view.members_model.data(view.members_model.index(r, 7)) for r in range(2)]
    assert "Contacts Inactive Share (10 days) 45% > 30%" in why, why
    assert not any(SHARE in w for w in why)


def test_a_fraction_typed_as_0_3_is_the_same_rule_and_reloads_as_30_percent(qtbot, view) -> None:
    dialog = _new_dialog(qtbot, view)
    row = dialog.root.conditions()[0]
    choose(row.field_combo, SHARE)
    choose(row.op_combo, ">", Qt.ItemDataRole.UserRole)
    qtbot.keyClicks(row.editor, "0.3")
    row.editor.editingFinished.emit()
    assert row.editor.text() == "30%"
    assert dialog.rule_json()["all"][0]["value"] == 0.3
    choose(row.op_combo, "between", Qt.ItemDataRole.UserRole)
    assert isinstance(row.editor, BetweenValue) and isinstance(row.editor.low, PercentEdit)
    dialog.reject()

    rule = {"field": "usage_trend_30d", "op": "dropped_by", "value": 0.1, "since_days": 30}
    view._open_builder(None, "Trend down", "", rule)
    dialog = view.dialog
    qtbot.waitUntil(lambda: dialog.root is not None and dialog.is_ready(), timeout=10_000)
    row = dialog.root.conditions()[0]
    assert isinstance(row.editor, HistoryValue) and isinstance(row.editor.amount, PercentEdit)
    assert row.editor.amount.text() == "10%"  # ten percentage points of the trend
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    dialog.reject()


def test_parse_fraction() -> None:
    assert [parse_fraction(t) for t in ("30%", "0.3", "30", "-35.5%", "1", "x")] == [
        0.3,
        0.3,
        0.3,
        -0.355,
        1,
        None,
    ]
