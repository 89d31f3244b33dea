"""The account detail shows the account's related data: subscriptions with the next renewal
highlighted, contacts with the inactive one marked, the open tickets, a usage chart with a
point per week, and the files behind them; an account without related rows looks as before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel

from cspm.reports.usage_chart import USAGE_LINE
from cspm.ui.account_detail import AccountDetailDialog
from cspm.ui.related_table import RelatedTable
from tests.conftest import TODAY
from tests.related_rows import (
    GLOBEX,
    NORTHWIND,
    SILENT_WEEKS,
    import_accounts,
    insert_related,
    sample_related,
    usage_rows,
)
from tests.ui.palettes import contrast, dark_palette

RELATED_TITLES = ("Subscriptions", "Contacts", "Open tickets", "Usage")


@pytest.fixture(autouse=True)
def _window_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSPM_QSETTINGS_DIR", str(tmp_path / "qsettings"))
    monkeypatch.setenv("CSPM_LOG_DIR", str(tmp_path / "log"))


@pytest.fixture
def portfolio(ctx, tmp_path: Path):
    import_accounts(ctx, tmp_path)
    sample_related(ctx, NORTHWIND, TODAY)
    return ctx


def open_detail(qtbot, ctx, key: str, width: int = 1000) -> AccountDetailDialog:
    dialog = AccountDetailDialog(ctx, key)
    qtbot.addWidget(dialog)
    dialog.resize(width, 900)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=30_000)
    return dialog


def _column(table: RelatedTable, title: str) -> int:
    heads = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    return heads.index(title)


def _row_of(table: RelatedTable, column: str, text: str) -> int:
    return table.row_texts(_column(table, column)).index(text)


def _background(table: RelatedTable, row: int):
    return table.item(row, 0).background().color()


def _click_header(qtbot, table: RelatedTable, column: int) -> None:
    head = table.horizontalHeader()
    pos = QPoint(head.sectionViewportPosition(column) + head.sectionSize(column) // 2, 5)
    qtbot.mouseClick(head.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_the_detail_shows_subscriptions_contacts_tickets_usage_and_sources(
    qtbot, portfolio
) -> None:
    dialog = open_detail(qtbot, portfolio, NORTHWIND)
    box = dialog.related_box
    assert box is not None and box.isVisible()

    # subscriptions: two active of three, the Enterprise one renews next and stands out
    assert box.subscriptions_box.title() == "Subscriptions (2 active of 3)"
    assert box.renewal_label.text() == "Next renewal 2027-01-31, in 69 days"
    subs = box.subscriptions_table
    renews = _row_of(subs, "Subscription", "SUB-1187")
    assert subs.item(renews, _column(subs, "End")).text() == "2027-01-31"
    assert subs.item(renews, _column(subs, "Status")).text() == "Renews next · 69 days"
    assert subs.item(renews, 0).font().bold()
    ended = _row_of(subs, "Subscription", "SUB-1001")
    assert subs.item(ended, _column(subs, "Status")).text() == "Ended"
    assert _background(subs, renews) != _background(subs, ended)
    # the add-on gives MRR only: its ARR reads 12 x MRR and says so
    addon = _row_of(subs, "Subscription", "SUB-1342")
    arr = subs.item(addon, _column(subs, "ARR"))
    assert arr.text() == "$24,000" and "12 × MRR" in arr.toolTip()

    # contacts: Chloe has not logged in for 75 days; Femi never has
    people = box.contacts_table
    assert people.rowCount() == 6
    chloe = _row_of(people, "Name", "Chloe Wu")
    assert people.item(chloe, _column(people, "Status")).text() == "Inactive · 75 days"
    assert people.row_mark(chloe) == "warn"
    femi = _row_of(people, "Name", "Femi Ade")
    assert people.item(femi, _column(people, "Status")).text() == "Inactive · never logged in"
    assert people.row_mark(femi) == "warn"
    ben = _row_of(people, "Name", "Ben Carter")
    assert _background(people, chloe) != _background(people, ben)
    assert people.row_mark(ben) is None
    title = "Contacts (6 contacts · 2 inactive over 30 days (1 never logged in))"
    assert box.contacts_box.title() == title

    # tickets: the two open ones, the escalated one oldest first; one closed in 90 days
    tickets = box.tickets_table
    assert tickets is not None
    assert tickets.row_texts(0) == ["ZD-5012", "ZD-5120"]
    assert tickets.row_texts(_column(tickets, "Escalated")) == ["Yes", "No"]
    assert tickets.row_texts(_column(tickets, "Age")) == ["52 d", "5 d"]
    assert box.tickets_box.title() == "Open tickets (2 open · 1 escalated)"
    assert box.tickets_closed_label.text() == "1 ticket closed in the last 90 days."

    # the files behind it, by kind, name and date
    sources = box.sources_label.text()
    for text in (
        "subscriptions Stripe subscriptions.csv (2026-11-23)",
        "contacts HubSpot contacts.xlsx (2026-11-23)",
        "tickets Zendesk tickets.csv (2026-11-23)",
        "usage Product usage.csv (2026-11-23)",
    ):
        assert text in sources


def test_the_usage_chart_has_a_point_per_week_with_the_week_s_events(qtbot, portfolio) -> None:
    dialog = open_detail(qtbot, portfolio, NORTHWIND)
    canvas = dialog.related_box.usage_canvas
    assert canvas is not None and canvas.isVisible()
    canvas.draw()
    lines = {line.get_gid(): line for line in canvas.figure.axes[0].get_lines()}
    done, running = lines[USAGE_LINE], lines[USAGE_LINE + "-partial"]
    points = {
        pd.Timestamp(x).date(): y for x, y in zip(done.get_xdata(), done.get_ydata(), strict=True)
    }
    # expected from the rows themselves: events summed per Monday-started week
    expected: dict[dt.date, float] = {}
    for row in usage_rows(NORTHWIND, TODAY):
        day = row["usage_date"]
        monday = day - dt.timedelta(days=day.weekday())
        expected[monday] = expected.get(monday, 0.0) + row["count"]
    this_week = TODAY - dt.timedelta(days=TODAY.weekday())
    window_start = dt.date(2026, 5, 23)  # six months back
    for monday, events in expected.items():
        if monday == this_week:
            continue
        if monday + dt.timedelta(days=6) > window_start:
            assert points[monday] == pytest.approx(events), monday
    for monday in SILENT_WEEKS:  # a quiet week is a point at zero, not a gap
        assert points[monday] == 0
    assert len(points) == 26
    # the week still running is apart (hollow), not a fall in use
    assert [pd.Timestamp(x).date() for x in running.get_xdata()] == [this_week]
    assert running.get_ydata()[0] == expected[this_week]


def test_tables_sort_by_value_and_keep_their_marks(qtbot, portfolio) -> None:
    dialog = open_detail(qtbot, portfolio, NORTHWIND)
    subs = dialog.related_box.subscriptions_table
    seats = _column(subs, "Seats")
    _click_header(qtbot, subs, seats)
    assert subs.row_texts(seats) == ["25", "40", "120"]  # as numbers, not as text
    _click_header(qtbot, subs, seats)
    assert subs.row_texts(seats) == ["120", "40", "25"]
    assert subs.row_mark(0) == "renewal" and subs.row_texts(0)[0] == "SUB-1187"
    people = dialog.related_box.contacts_table
    days = _column(people, "Days since")
    _click_header(qtbot, people, days)
    _click_header(qtbot, people, days)  # descending: the no-login contact stays last
    assert people.row_texts(days) == ["75", "21", "7", "3", "1", "—"]
    assert people.row_mark(0) == "warn"


def test_every_column_fits_a_1000_px_window(qtbot, portfolio) -> None:
    dialog = open_detail(qtbot, portfolio, NORTHWIND, width=1000)
    box = dialog.related_box
    qtbot.waitUntil(lambda: box.contacts_table.viewport().width() > 0)
    for table in (box.subscriptions_table, box.contacts_table, box.tickets_table):
        assert table.horizontalHeader().length() <= table.viewport().width()
        assert not table.horizontalScrollBar().isVisible()
        assert not table.verticalScrollBar().isVisible()  # every row shows


def test_marked_rows_stay_readable_on_a_dark_palette(qtbot, portfolio) -> None:
    app = QApplication.instance()
    before = app.palette()
    app.setPalette(dark_palette())
    try:
        dialog = open_detail(qtbot, portfolio, NORTHWIND)
        box = dialog.related_box
        text = box.palette().color(QPalette.ColorRole.Text)
        base = box.subscriptions_table.palette().color(QPalette.ColorRole.Base)
        assert base.lightness() < 128
        marked = [
            (box.subscriptions_table, _row_of(box.subscriptions_table, "Subscription", "SUB-1187")),
            (box.contacts_table, _row_of(box.contacts_table, "Name", "Chloe Wu")),
            (box.tickets_table, 0),
        ]
        for table, row in marked:
            background = _background(table, row)
            assert background != base  # it stands out
            assert contrast(background, text) >= 4.5
    finally:
        app.setPalette(before)


def test_an_account_without_related_rows_shows_none_of_the_sections(qtbot, portfolio) -> None:
    dialog = open_detail(qtbot, portfolio, GLOBEX)
    assert dialog.related is not None and not dialog.related.has_any
    assert dialog.related_box is None
    titles = [b.title() for b in dialog.scroll_area.widget().findChildren(QGroupBox)]
    assert not [t for t in titles if t.startswith(RELATED_TITLES)]
    assert titles[:2] == ["Tier", "Lifecycle stage"]
    assert any(t.startswith("History across imports") for t in titles)
    # and moving the same dialog to an account that has them shows them
    dialog.show_account(NORTHWIND)
    qtbot.waitUntil(lambda: dialog.related_box is not None, timeout=30_000)
    assert dialog.related_box.subscriptions_box is not None


def test_each_section_shows_only_when_its_kind_has_rows(qtbot, portfolio) -> None:
    old = dt.date(2025, 10, 6)  # usage a year ago only; one ticket, solved last month
    insert_related(
        portfolio, "usage",
        [{"account_key": GLOBEX, "usage_id": "U-1", "usage_date": old, "count": 3.0}],
        file_name="usage 2025.csv", as_of=old, key_field="usage_id",
    )  # fmt: skip
    insert_related(
        portfolio, "tickets",
        [{"account_key": GLOBEX, "ticket_id": "T-1", "opened_at": dt.date(2026, 10, 1),
          "closed_at": dt.date(2026, 10, 20), "priority": "Low", "status": "Solved"}],
        file_name="tickets.csv", as_of=TODAY, key_field="ticket_id",
    )  # fmt: skip
    dialog = open_detail(qtbot, portfolio, GLOBEX)
    box = dialog.related_box
    assert box is not None
    assert box.subscriptions_box is None and box.contacts_box is None
    assert box.tickets_box.title() == "Open tickets (0 open)"
    assert box.tickets_table is None
    assert box.tickets_closed_label.text() == (
        "No open tickets. 1 ticket closed in the last 90 days."
    )
    assert box.usage_canvas is None
    texts = [label.text() for label in box.usage_box.findChildren(QLabel)]
    assert "No usage recorded in the last 6 months." in texts
    assert box.sources_label.text() == (
        "Data from: usage usage 2025.csv (2025-10-06) · tickets tickets.csv (2026-11-23)"
    )


def test_an_amount_in_another_currency_reads_in_that_currency(qtbot, portfolio) -> None:
    sub = {"account_key": GLOBEX, "subscription_id": "SUB-UK-7", "plan": "Team",
           "start_date": dt.date(2026, 1, 1), "end_date": None, "arr": 30000.0,
           "currency": "gbp"}  # fmt: skip
    insert_related(
        portfolio, "subscriptions", [sub], file_name="uk.csv", as_of=TODAY,
        key_field="subscription_id",
    )  # fmt: skip
    dialog = open_detail(qtbot, portfolio, GLOBEX)
    box = dialog.related_box
    assert box.renewal_label.text() == "No active subscription has an end date."
    subs = box.subscriptions_table
    arr = subs.item(0, _column(subs, "ARR"))
    assert arr.text() == "£30,000" and "in GBP as the file gives it" in arr.toolTip()
    assert subs.item(0, _column(subs, "MRR")).text() == "£2,500"
    assert subs.item(0, _column(subs, "Status")).text() == "Active"
    assert subs.row_mark(0) is None  # no end date: nothing renews
