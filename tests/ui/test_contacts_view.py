"""The Contacts view with real widgets: the contacts of a real import, the role, inactivity,
search and owner filters, the empty state before any contacts import, and double-click opening
the contact's account in the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from cspm.core.related.roles import EXEC_LABEL
from cspm.service.context import AppContext
from cspm.ui.contacts_view import ContactsView
from tests.contact_data import contacts_portfolio, import_accounts
from tests.ui.palettes import contrast, dark_palette
from tests.ui.test_main_window import open_window
from tests.ui.test_navigation import detail_of


def shown_emails(view: ContactsView) -> list[str]:
    column = 2
    return [view.proxy.index(r, column).data() for r in range(view.proxy.rowCount())]


def wait_loaded(qtbot, view: ContactsView, action) -> None:
    with qtbot.waitSignal(view.loaded, timeout=30_000):
        action()


@pytest.fixture
def view(qtbot, ctx: AppContext, tmp_path: Path) -> ContactsView:
    contacts_portfolio(ctx, tmp_path)
    v = ContactsView(ctx)
    qtbot.addWidget(v)
    v.resize(1100, 500)
    v.show()
    qtbot.waitUntil(lambda: v.rows is not None, timeout=30_000)
    return v


def test_lists_contacts_with_account_role_and_login_age(view: ContactsView) -> None:
    assert view.pages.currentWidget() is view.table
    assert view.proxy.rowCount() == 8
    first = [view.proxy.index(0, c).data() for c in range(6)]
    assert first == ["Acme Corp", "Ada Lovelace", "ada@acme.com", "CEO", "2026-11-20", "3"]
    cy = shown_emails(view).index("cy@acme.com")
    assert view.proxy.index(cy, 4).data() == "Never" and view.proxy.index(cy, 5).data() == ""
    assert view.summary.text() == "8 of 8 contacts · 1 link to no account"
    roles = [view.role_combo.itemText(i) for i in range(view.role_combo.count())]
    assert roles[:2] == ["All roles", EXEC_LABEL]
    assert {"Analyst", "Engineer", "CEO", "VP Operations"} <= set(roles)


def test_role_and_inactivity_filters_narrow_the_list(qtbot, view: ContactsView) -> None:
    wait_loaded(qtbot, view, lambda: view.role_combo.setCurrentIndex(1))
    assert shown_emails(view) == ["ada@acme.com", "cy@acme.com", "eve@globex.io"]
    wait_loaded(qtbot, view, lambda: view.inactive_check.setChecked(True))  # 30 days
    assert shown_emails(view) == ["cy@acme.com", "eve@globex.io"]
    wait_loaded(qtbot, view, lambda: view.role_combo.setCurrentIndex(0))
    assert shown_emails(view) == ["cy@acme.com", "eve@globex.io"]
    view.inactive_days.selectAll()
    wait_loaded(qtbot, view, lambda: qtbot.keyClicks(view.inactive_days, "10"))
    assert shown_emails(view) == ["bob@acme.com", "cy@acme.com", "eve@globex.io", "hal@initech.com"]
    assert view.summary.text().startswith("4 of 8 contacts")
    index = view.role_combo.findText("Engineer")
    wait_loaded(qtbot, view, lambda: view.role_combo.setCurrentIndex(index))
    assert shown_emails(view) == ["hal@initech.com"]


def test_search_and_owner(qtbot, view: ContactsView) -> None:
    wait_loaded(qtbot, view, lambda: qtbot.keyClicks(view.search, "globex"))
    assert shown_emails(view) == ["eve@globex.io", "fay@globex.io"]
    view.search.clear()
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 8, timeout=30_000)
    wait_loaded(qtbot, view, lambda: view.set_owner("Fox Mulder"))
    assert shown_emails(view) == ["eve@globex.io", "fay@globex.io"]
    assert "Fox Mulder" in view.summary.text()


def test_sorting_by_days_puts_never_logged_in_last(qtbot, view: ContactsView) -> None:
    view.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)
    days = [view.proxy.index(r, 5).data() for r in range(view.proxy.rowCount())]
    assert days == ["1", "2", "3", "8", "13", "22", "53", ""]


def test_before_a_contacts_import_it_says_how_to_import_one(
    qtbot, ctx: AppContext, tmp_path: Path
) -> None:
    import_accounts(ctx, tmp_path)
    v = ContactsView(ctx)
    qtbot.addWidget(v)
    v.show()
    qtbot.waitUntil(lambda: v.rows is not None, timeout=30_000)
    assert v.pages.currentWidget() is v.empty
    text = v.empty.findChild(type(v.summary), "contacts-empty-text").text()
    assert "File &gt; Import" in text and "cspm import contacts.csv --kind contacts" in text
    assert v.filters.isHidden()
    v.resize(900, 420)
    v.grab().save("/tmp/contacts_view_empty.png")


def test_double_click_opens_the_account_in_the_window(qtbot, ctx, tmp_path: Path) -> None:
    keys = contacts_portfolio(ctx, tmp_path)
    window = open_window(qtbot, ctx)
    window.resize(1200, 800)
    window.show_view("contacts")
    view = window.view("contacts")
    assert isinstance(view, ContactsView)
    qtbot.waitUntil(lambda: view.rows is not None, timeout=30_000)
    row = shown_emails(view).index("eve@globex.io")
    rect = view.table.visualRect(view.proxy.index(row, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = detail_of(qtbot, window)
    assert dialog.key == keys["HS-2"]
    assert "Globex" in dialog.title.text()


def test_renders_in_light_and_dark(qtbot, view: ContactsView) -> None:
    wait_loaded(qtbot, view, lambda: view.inactive_check.setChecked(True))
    assert view.summary.text() == "2 of 8 contacts · 1 link to no account"
    summary = view.summary  # never cut off by the search box
    qtbot.waitUntil(lambda: summary.width() >= summary.sizeHint().width(), timeout=5_000)
    view.grab().save("/tmp/contacts_view_light.png")
    view.setPalette(dark_palette())
    view.grab().save("/tmp/contacts_view_dark.png")
    label = view.summary.palette().color(view.summary.foregroundRole())
    assert contrast(label, view.palette().color(QPalette.ColorRole.Window)) >= 4.5
