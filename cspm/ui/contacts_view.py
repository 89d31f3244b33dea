"""Contacts: who at each account logs in and who stopped, for a CSM to reach out to.

Filters: role (the roles present, plus "Admins and executives"), "No login in the last N
days" (inactive N days: no login in that window, or never), a text search, and the window's
owner filter. Every change asks the service again off the GUI thread (`busy.run`, superseding
the previous ask); double-click, Enter or "Open account" opens the contact's account. Before
any contacts file is imported the view says how to import one instead of an empty table.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cspm.core.book import UNASSIGNED
from cspm.core.related.roles import EXEC_LABEL
from cspm.service.contacts import list_contacts
from cspm.service.context import AppContext

from .account_opener import AccountOpener
from .busy import run
from .contact_model import SORT_ROLE, ContactModel, ContactRows, prepare_contacts

ALL_ROLES = "All roles"
SEARCH_DELAY_MS = 250


def load_contacts(
    ctx: AppContext,
    role: str | None,
    inactive_days: int | None,
    search: str,
    owner: str | None,
) -> ContactRows:
    """The filtered contacts, ready for the model (runs in the worker)."""
    result = list_contacts(
        ctx, inactive_days=inactive_days, role=role, owner=owner, search=search or None
    )
    return prepare_contacts(result)


def _hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Preferred)
    return label


class ContactsView(QWidget):
    SHOWS = frozenset({"accounts", "imports"})
    loaded = Signal()  # the table shows the latest answer
    account_requested = Signal(str)  # account key: double-click, Enter or "Open account"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.owner: str | None = None
        self.rows: ContactRows | None = None
        self._request = 0

        self.role_combo = QComboBox()
        self.role_combo.setMinimumContentsLength(18)
        self.role_combo.setToolTip("Only contacts whose role is this one")
        self._fill_roles([])
        self.inactive_check = QCheckBox("No login in the last")
        self.inactive_check.setToolTip(
            "Inactive contacts: no login in the last N days, or never logged in"
        )
        self.inactive_days = QSpinBox()
        self.inactive_days.setRange(0, 3650)
        self.inactive_days.setValue(30)
        self.inactive_days.setSuffix(" days")
        self.inactive_days.setEnabled(False)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search e-mail, name, role or account")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self.summary = _hint_label("Loading contacts…")
        top = QHBoxLayout()
        top.addWidget(QLabel("Role:"))
        top.addWidget(self.role_combo)
        top.addSpacing(12)
        top.addWidget(self.inactive_check)
        top.addWidget(self.inactive_days)
        top.addSpacing(12)
        top.addWidget(self.search, 1)
        top.addSpacing(12)
        top.addWidget(self.summary)

        self.model = ContactModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # e-mail takes the rest
        for col, width in enumerate((190, 160, 220, 190, 100, 120)):
            self.table.setColumnWidth(col, width)
        self.opener = AccountOpener(self.table, self._account_key, self.account_requested.emit)

        self.empty = self._empty_page()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.empty)
        self.filters = QWidget()
        self.filters.setLayout(top)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.pages, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.role_combo.currentIndexChanged.connect(self.reload)
        self.inactive_check.toggled.connect(self._inactive_toggled)
        self.inactive_days.valueChanged.connect(self._inactive_changed)
        self.refresh()

    def _empty_page(self) -> QWidget:
        page = QWidget()
        title = QLabel("No contacts yet")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(
            "Contacts show who at each account logs in and who has gone quiet: their role, "
            "last login and days since.<br><br>Import a contacts export: File &gt; Import, or"
            "<br><code>cspm import contacts.csv --kind contacts</code>"
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setObjectName("contacts-empty-text")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        width = max(420, text.fontMetrics().averageCharWidth() * 70)
        text.setFixedWidth(width)
        text.setMinimumHeight(text.heightForWidth(width))
        layout = QVBoxLayout(page)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addSpacing(8)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        return page

    # -- filters --
    def role_filter(self) -> str | None:
        data = self.role_combo.currentData()
        return None if data is None else str(data)

    def inactive_filter(self) -> int | None:
        return self.inactive_days.value() if self.inactive_check.isChecked() else None

    @Slot(bool)
    def _inactive_toggled(self, on: bool) -> None:
        self.inactive_days.setEnabled(on)
        self.reload()

    @Slot(int)
    def _inactive_changed(self, _value: int) -> None:
        if self.inactive_check.isChecked():
            self.reload()

    def set_owner(self, owner: str | None, reload: bool = True) -> None:
        """The contacts of one owner's accounts (None: everyone's): the window's owner filter."""
        self.owner = owner
        if reload:
            self.reload()

    def _fill_roles(self, roles: list[str]) -> None:
        current = self.role_combo.currentData()
        self.role_combo.blockSignals(True)
        try:
            self.role_combo.clear()
            self.role_combo.addItem(ALL_ROLES, None)
            self.role_combo.addItem(EXEC_LABEL, EXEC_LABEL)
            if roles:
                self.role_combo.insertSeparator(self.role_combo.count())
            for role in roles:
                self.role_combo.addItem(role, role)
            index = self.role_combo.findData(current) if current is not None else 0
            if index < 0:  # a role no longer present stays chosen (it now matches nobody)
                self.role_combo.addItem(str(current), current)
                index = self.role_combo.count() - 1
            self.role_combo.setCurrentIndex(index)
        finally:
            self.role_combo.blockSignals(False)

    # -- loading --
    @Slot()
    def refresh(self) -> None:
        self.reload()

    @Slot()
    def reload(self) -> None:
        self._search_timer.stop()
        self._request += 1
        request = self._request
        self.summary.setText("Loading contacts…")
        run(
            self,
            load_contacts,
            self.ctx,
            self.role_filter(),
            self.inactive_filter(),
            self.search.text().strip(),
            self.owner,
            on_done=lambda rows: self._show(request, rows),
            on_error=self._failed,
            supersede="contacts-load",
        )

    def _show(self, request: int, rows: ContactRows) -> None:
        if request != self._request:
            return  # a newer question is on its way
        self.rows = rows
        result = rows.result
        self._fill_roles(result.roles)
        self.model.set_rows(rows)
        imported = result.imported
        self.pages.setCurrentWidget(self.table if imported else self.empty)
        self.filters.setVisible(imported)
        self.summary.setText(self._summary_text(rows) if imported else "")
        self.loaded.emit()

    def _summary_text(self, rows: ContactRows) -> str:
        result = rows.result
        shown = f"{rows.count:,} of {result.linked:,} contacts"
        if self.owner is not None:
            shown += " · " + ("unassigned accounts" if self.owner == UNASSIGNED else self.owner)
        if result.unlinked:
            shown += f" · {result.unlinked:,} link to no account"
        return shown

    def _failed(self, exc: BaseException) -> None:
        from .busy import report_error

        self.summary.setText("Could not load the contacts")
        report_error(self, exc)

    def _account_key(self, index: QModelIndex) -> str | None:
        return self.model.key_at(self.proxy.mapToSource(index).row())
