"""The portfolio table offers the related-data aggregates in the column menu, hidden by default
(also for a user whose column choice was saved before they existed), shares shown as percents."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from cspm.core.field_labels import AGGREGATE_FIELDS, AGGREGATE_GROUP
from cspm.service.imports import import_file
from cspm.ui.account_table import COLUMN_IDS
from cspm.ui.portfolio_columns import HIDDEN_KEY, KNOWN_KEY
from cspm.ui.prefs import qsettings
from tests.files import write_csv
from tests.ui.test_portfolio_view import open_view
from tests.ui.test_rule_builder_aggregates import HEADER, ROWS

SHARE = "contacts_inactive_share_10d"


@pytest.fixture
def loaded(ctx, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    import_file(ctx, write_csv(tmp_path / "companies.csv", [HEADER, *ROWS]))
    return ctx


def test_aggregates_are_offered_hidden_and_show_as_percents(qtbot, loaded) -> None:
    view = open_view(qtbot, loaded)
    for name in AGGREGATE_FIELDS:
        assert view.table.isColumnHidden(COLUMN_IDS.index(name)), name
    view._column_menu(QPoint(10, 5))
    menu = next(m for m in view.findChildren(QMenu) if m.isVisible())
    sub = next(a.menu() for a in menu.actions() if a.text() == AGGREGATE_GROUP)
    titles = [a.text() for a in sub.actions()]
    assert "Contacts Inactive Share (10 days)" in titles and "Usage Trend (30 days)" in titles
    assert "Region" not in titles  # the account fields stay in the main menu
    next(a for a in sub.actions() if a.text() == "Contacts Inactive Share (10 days)").trigger()
    menu.close()
    column = COLUMN_IDS.index(SHARE)
    assert not view.table.isColumnHidden(column)
    view.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    shown = view.model.column_text(SHARE)
    assert shown == ["75%", "45%", "30%", ""]  # the account without contact data last


def test_a_column_choice_saved_before_the_aggregates_keeps_them_hidden(qtbot, loaded) -> None:
    store = qsettings()
    store.setValue(HIDDEN_KEY, "industry,plan")  # saved by an older version: no known list
    store.remove(KNOWN_KEY)
    view = open_view(qtbot, loaded)
    assert not view.table.isColumnHidden(COLUMN_IDS.index("region"))  # the user's choice
    assert view.table.isColumnHidden(COLUMN_IDS.index("plan"))
    assert all(view.table.isColumnHidden(COLUMN_IDS.index(n)) for n in AGGREGATE_FIELDS)
    view.set_column_visible(SHARE, True)
    again = open_view(qtbot, loaded)
    assert not again.table.isColumnHidden(COLUMN_IDS.index(SHARE))
    assert again.table.isColumnHidden(COLUMN_IDS.index("usage_trend_30d"))


def test_the_account_detail_shows_shares_and_trends_as_percents() -> None:
    from cspm.ui.account_detail_parts import format_value

    assert format_value(SHARE, 0.45) == "45%"
    assert format_value("usage_trend_30d", -0.355) == "-35.5%"
    assert format_value("usage_events_30d", 1200.0) == "1,200"
    assert format_value(SHARE, float("nan")) == "—"
