"""The settings pages take ranges, labels and help from the settings' declarations, so the
window offers exactly what `cspm settings set` accepts: a value set at its declared maximum on
the command line shows and saves unchanged, and the spin boxes stop where the declaration does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from cspm.cli import main
from cspm.core.setting_keys import DECLARED
from cspm.service.context import AppContext
from cspm.service.settings import load_all
from cspm.ui.settings_view import SettingsView

SPINS = {  # widget path on the view -> declared key
    ("renewal_days",): "lifecycle.renewal_days",
    ("advocate_nps",): "lifecycle.advocate_nps",
    ("engagement", "horizon_days"): "tasks.horizon_days",
    ("engagement", "lead_days"): "tasks.cadence_lead_days",
    ("engagement", "hours_per_month"): "tasks.capacity.hours_per_month",
    ("health", "red_below"): "health.red_below",
    ("health", "trend_days"): "health.mau_trend_days",
    ("health", "min_signals"): "health.min_signals",
    ("health", "satisfaction_max"): "health.satisfaction_max",
}


def open_settings(qtbot, ctx: AppContext) -> SettingsView:
    view = SettingsView(ctx)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.saved is not None, timeout=10_000)
    return view


def widget(view: SettingsView, path: tuple[str, ...]):
    obj = view
    for name in path:
        obj = getattr(obj, name)
    return obj


@pytest.mark.parametrize(("path", "key"), SPINS.items())
def test_spin_boxes_take_the_declared_range_and_help(qtbot, ctx, path, key) -> None:
    view = open_settings(qtbot, ctx)
    spin, d = widget(view, path), DECLARED[key]
    assert (spin.minimum(), spin.maximum()) == (d.spec.min, d.spec.max)
    assert spin.toolTip() == d.spec.help
    labels = [w.text() for w in view.findChildren(QLabel) if w.buddy() is spin]
    assert labels == [d.spec.label]


def test_the_weight_spins_follow_the_declared_weights(qtbot, ctx) -> None:
    view = open_settings(qtbot, ctx)
    seat = view.health.weights["seat_utilization"]
    assert seat.maximum() == DECLARED["health.weights.seat_utilization"].spec.max
    assert "80% or more" in seat.toolTip()
    assert view.health.prefer_imported.text() == DECLARED["health.prefer_imported"].spec.label


def test_a_maximum_set_on_the_command_line_shows_and_saves_unchanged(
    qtbot, ctx: AppContext
) -> None:
    url = ctx.db.url
    assert main(["--db", url, "settings", "set", "lifecycle.renewal_days", "3650"]) == 0
    assert main(["--db", url, "settings", "set", "tasks.horizon_days", "365"]) == 0
    assert main(["--db", url, "settings", "set", "lifecycle.renewal_days", "3651"]) == 2
    view = open_settings(qtbot, ctx)
    assert view.renewal_days.value() == 3650 and view.engagement.horizon_days.value() == 365
    view.renewal_days.selectAll()
    qtbot.keyClicks(view.renewal_days, "9999")  # the box stops at the declared maximum
    assert view.renewal_days.value() <= DECLARED["lifecycle.renewal_days"].spec.max
    with qtbot.waitSignal(view.data_changed, timeout=20_000):
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    saved = load_all(ctx)
    assert saved.settings.lifecycle.renewal_days <= 3650
    assert saved.tasks.horizon_days == 365


def test_combo_choices_are_the_declared_choices(qtbot, ctx) -> None:
    view = open_settings(qtbot, ctx)
    for combo, key in (
        (view.date_order, "date_order"),
        (view.tier_source, "tier_source"),
        (view.currency.placement, "currency.format"),
        (view.currency.separators, "currency.separators"),
    ):
        choices = tuple(combo.itemData(i) for i in range(combo.count()))
        assert choices == DECLARED[key].choices, key
