"""The evidence screens on the demo: the Forecast view takes a CSM's call, the Insights view
creates a segment from a finding, and Settings > Health score shows the track record, follows
unsaved edits with the what-if and copies a suggestion into the editor without saving it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from cspm.service.context import AppContext
from cspm.service.forecast import forecast_rows
from cspm.service.segments import list_segments
from cspm.service.settings import health_config
from cspm.ui.forecast_view import ForecastView
from cspm.ui.insights_view import InsightsView
from cspm.ui.settings_view import SettingsView
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401 (fixtures)
from tests.ui.test_imports_settings import click


def test_forecast_view_takes_a_call(qtbot, demo: AppContext) -> None:  # noqa: F811
    view = ForecastView(demo)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.show()
    rows = forecast_rows(demo)
    assert view.model.rowCount() == len(rows)
    assert view.totals_model.rowCount() > 0
    quarters = view.totals_model.quarters
    assert quarters == list(dict.fromkeys(rows["quarter"]))
    target = rows[rows["category"] == "Likely"].iloc[0]
    source_row = list(view.model.frame["key"]).index(target["key"])
    view.table.selectRow(view.proxy.mapFromSource(view.model.index(source_row, 0)).row())
    assert view.change_button.isEnabled()
    click(qtbot, view.change_button)
    dialog = view.call_dialog
    dialog.category.setCurrentIndex(dialog.category.findData("Churn expected"))
    qtbot.keyClicks(dialog.reason, "moving to a competitor")
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        dialog.save()
    row = forecast_rows(demo).set_index("key").loc[target["key"]]
    assert row["category"] == "Churn expected" and row["override_reason"] == (
        "moving to a competitor"
    )
    model_row = list(view.model.frame["key"]).index(target["key"])
    shown = view.model.data(view.model.index(model_row, 5 + quarters.index(row["quarter"])))
    assert shown.startswith("✎ Churn expected")


def test_insights_view_creates_a_segment_from_a_finding(qtbot, demo: AppContext) -> None:  # noqa: F811
    view = InsightsView(demo, min_group=15)  # the test demo has 150 accounts, not 300
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        view.show()
    assert view.report is not None and view.groups.rowCount() > 0
    assert view.engagement.rowCount() >= 2
    finding = view.current()
    assert finding is not None and finding.group.value == "Education"  # the demo's planted one
    assert view.segment_button.isEnabled()
    with qtbot.waitSignal(view.data_changed, timeout=20_000):
        click(qtbot, view.segment_button)
    names = [s.name for s in list_segments(demo)]
    assert f"{finding.group.label}: {finding.group.value}" in names


def test_health_settings_show_the_evidence_and_the_what_if(qtbot, demo: AppContext) -> None:  # noqa: F811
    view = SettingsView(demo)
    qtbot.addWidget(view)
    view.show()
    evidence = view.health_evidence
    qtbot.waitUntil(lambda: evidence.report is not None, timeout=30_000)
    assert evidence.record.rowCount() == len(evidence.report.tiers)
    assert evidence.record.item(evidence.record.rowCount() - 1, 0).text() == "All tiers"
    qtbot.waitUntil(lambda: "change colour" in evidence.what_if.text(), timeout=20_000)
    assert "0 accounts change colour" in evidence.what_if.text()
    with qtbot.waitSignal(evidence.what_if_shown, timeout=20_000):
        view.health.red_below.setValue(80)
    assert "0 accounts change colour" not in evidence.what_if.text()
    usable = [s for s in evidence.suggestions if s.weights is not None]
    assert usable, "the demo has enough churn for at least one tier"
    tier = usable[0].tier
    saved = health_config(demo)
    button = next(
        b for b in evidence.suggest_box.findChildren(type(view.save_button))
        if b.objectName() == f"use-weights-{tier}"
    )  # fmt: skip
    click(qtbot, button)
    rows = [r for r in view.health.overrides if r.key == tier]
    assert rows and rows[0].weights() == usable[0].weights
    assert health_config(demo) == saved  # nothing saved until Save
    assert isinstance(view.health.add_tier, QComboBox)
