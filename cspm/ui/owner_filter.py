"""The toolbar's owner filter: Me / each owner in the data (with counts) / Everyone / Unassigned.

A CSM works their own book: "Me" is the owner they chose as "I am" (a personal setting, see
`cspm.service.personal`). Choosing "Me" before anyone was chosen asks once, with the owners in
the data to pick from; cancelling goes back to the previous choice. The widget only knows the
choice; `my_book.MyBook` makes the views follow it. The last choice is kept in the window's
preferences ("me" stays "me" even when the chosen name changes).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from cspm.core.book import UNASSIGNED
from cspm.service.book import OwnerCount

from .prefs import qsettings

ME = "\x00me"
"""The "Me" entry's data (resolved to the chosen owner name)."""
EVERYONE = "\x00everyone"
CHOICE_KEY = "book/owner"


def owner_text(name: str) -> str:
    return "Unassigned" if name == UNASSIGNED else name


class WhoAmIDialog(QDialog):
    """ "Which owner are you?": the owners in the data, the current one preselected."""

    chosen = Signal(str)

    def __init__(self, owners: Sequence[str], current: str | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("who-am-i")
        self.setWindowTitle("My book")
        self.combo = QComboBox()
        for name in owners:
            self.combo.addItem(name, name)
        self.combo.setCurrentIndex(max(0, self.combo.findData(current)))
        text = QLabel(
            'Which account owner are you? "Me" then shows your accounts everywhere: the '
            "matrix, the table, tasks, segments and trends. You can change it in Settings."
        )
        text.setWordWrap(True)
        form = QFormLayout()
        form.addRow("I am:", self.combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def accept(self) -> None:
        name = self.combo.currentData()
        super().accept()
        if name:
            self.chosen.emit(str(name))


class OwnerFilter(QComboBox):
    """`owner_changed(owner)`: a name, UNASSIGNED or None (everyone); "Me" is resolved."""

    owner_changed = Signal(object)
    me_chosen = Signal(str)  # a name picked in the "who am I" question (to be saved)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("owner-filter")
        self.setToolTip("Whose accounts the window shows: yours, an owner's, or everyone's")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumContentsLength(14)
        self.me: str | None = None
        self.owners: list[OwnerCount] = []
        self.dialog: WhoAmIDialog | None = None
        saved = str(qsettings().value(CHOICE_KEY) or EVERYONE)
        self._choice = saved  # ME, EVERYONE, UNASSIGNED or a name
        self._fill()
        self.activated.connect(self._activated)

    # ---- state ---------------------------------------------------------------------------
    def owner(self) -> str | None:
        """The owner the window shows: a name, UNASSIGNED or None (everyone or "Me" unknown)."""
        if self._choice == EVERYONE:
            return None
        if self._choice == ME:
            return self.me
        return self._choice

    @property
    def choice(self) -> str:
        return self._choice

    def set_owners(self, owners: Sequence[OwnerCount], me: str | None) -> None:
        """The owners of the loaded data and who "Me" is (None: not chosen or not in it)."""
        before = self.owner()
        self.owners, self.me = list(owners), me
        names = {o.name.casefold() for o in owners}
        if self._choice not in (ME, EVERYONE) and self._choice.casefold() not in names:
            self._choice = EVERYONE  # that owner has no accounts in this database
        if self._choice == ME and me is None:
            self._choice = EVERYONE  # "Me" is somebody not in this database
        self._fill()
        if self.owner() != before:
            self.owner_changed.emit(self.owner())

    def set_me(self, me: str | None) -> None:
        """ "I am" changed (Settings or the question)."""
        before = self.owner()
        self.me = me
        if self._choice == ME and me is None:
            self._choice = EVERYONE
        self._fill()
        if self.owner() != before:
            self.owner_changed.emit(self.owner())

    def choose(self, choice: str) -> None:
        """Select ME, EVERYONE, UNASSIGNED or an owner name (as the user would)."""
        index = self.findData(choice)
        if index < 0 and choice not in (ME, EVERYONE):
            fold = choice.strip().casefold()
            index = next(
                (i for i in range(self.count()) if str(self.itemData(i) or "").casefold() == fold),
                -1,
            )
        if index >= 0:
            self.setCurrentIndex(index)
            self._activated(index)

    # ---- the list --------------------------------------------------------------------------
    def _fill(self) -> None:
        self.blockSignals(True)
        try:
            self.clear()
            mine = next((o for o in self.owners if o.name == self.me), None)
            me_text = f"Me ({self.me}, {mine.accounts:,})" if self.me and mine else "Me…"
            self.addItem(me_text, ME)
            self.setItemData(0, "Your own accounts (choose who you are once)",
                             Qt.ItemDataRole.ToolTipRole)  # fmt: skip
            named = [o for o in self.owners if o.name != UNASSIGNED]
            if named:
                self.insertSeparator(self.count())
            for o in named:
                self.addItem(f"{o.name} ({o.accounts:,})", o.name)
            self.insertSeparator(self.count())
            self.addItem("Everyone", EVERYONE)
            for o in self.owners:
                if o.name == UNASSIGNED:
                    self.addItem(f"Unassigned ({o.accounts:,})", UNASSIGNED)
            index = self.findData(self._choice)
            self.setCurrentIndex(index if index >= 0 else self.findData(EVERYONE))
        finally:
            self.blockSignals(False)

    def _activated(self, index: int) -> None:
        data = str(self.itemData(index) or EVERYONE)
        if data == ME and self.me is None:
            self._ask()
            return
        self._set_choice(data)

    def _set_choice(self, choice: str) -> None:
        before = self.owner()
        self._choice = choice
        qsettings().setValue(CHOICE_KEY, choice)
        self._fill()
        if self.owner() != before:
            self.owner_changed.emit(self.owner())

    def _ask(self) -> None:
        """ "Me" with nobody chosen: ask once; back to the previous choice meanwhile."""
        self._fill()  # shows the previous choice until answered
        names = [o.name for o in self.owners if o.name != UNASSIGNED]
        if not names:
            return
        dialog = WhoAmIDialog(names, None, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.chosen.connect(self._answered)
        self.dialog = dialog
        dialog.open()

    def _answered(self, name: str) -> None:
        self.me = name
        self.me_chosen.emit(name)
        self._set_choice(ME)
