"""Settings > You: "I am <owner>", the personal setting behind the owner filter's "Me".

It is the person's, not the team's (see `cspm.service.personal`): it saves at once, to this
computer, and is not part of the settings pages' Save / Revert. The owners offered are those in
the data; a name chosen on another database that this one does not have is still shown, so
nothing the user chose is lost silently.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from cspm.core.book import UNASSIGNED
from cspm.service.book import my_owner_in, owners
from cspm.service.context import AppContext
from cspm.service.personal import ME, set_personal

from .busy import run

NOT_CHOSEN = "Not chosen"


def _owners_and_me(ctx: AppContext) -> tuple[list[str], str | None]:
    """The owner names in the data and "I am": the chosen one, else the owner named as the
    user (`book.my_owner_in`) (in a worker: reads a file)."""
    return [o.name for o in owners(ctx) if o.name != UNASSIGNED], my_owner_in(ctx)


def _save(name: str | None) -> str | None:
    set_personal(ME, name)
    return name


class YouPanel(QGroupBox):
    """The "You" section: one combo box; `me_changed(name or None)` once it is saved."""

    me_changed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("You", parent)
        self.setObjectName("settings-you")
        self.ctx = ctx
        self._saving = False
        self._wanted: str | None = None
        self.combo = QComboBox()
        self.combo.setObjectName("i-am")
        self.combo.setMinimumContentsLength(20)
        self.combo.addItem(NOT_CHOSEN, None)
        self.message = QLabel("Saved on this computer, for you only.")
        self.message.setWordWrap(True)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("I am:", self.combo)
        form.addRow("", self.message)
        self.combo.activated.connect(self._chosen)
        self.refresh()

    def refresh(self) -> None:
        run(self, _owners_and_me, self.ctx, on_done=self._fill)

    def _fill(self, result: tuple[list[str], str | None]) -> None:
        names, me = result
        self.combo.clear()
        self.combo.addItem(NOT_CHOSEN, None)
        for name in names:
            self.combo.addItem(name, name)
        fold = me.casefold() if me else None
        index = next(
            (i for i in range(1, self.combo.count()) if self.combo.itemText(i).casefold() == fold),
            -1,
        )
        if me and index < 0:  # chosen on another database: kept, and said so
            self.combo.addItem(f"{me} (no accounts here)", me)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(max(0, index))

    def _chosen(self, index: int) -> None:
        """Save the choice; one save at a time, the latest choice last (arrowing through the
        list must not leave an earlier name saved by a slower worker)."""
        self._wanted = self.combo.itemData(index)
        self.message.setText("Saving…")
        if not self._saving:
            self._save_next()

    def _save_next(self) -> None:
        self._saving = True
        run(self, _save, self._wanted, on_done=self._saved, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        self.message.setText(f"Not saved: {exc}")

    def _saved(self, name: str | None) -> None:
        self._saving = False
        if name != self._wanted:
            self._save_next()
            return
        self.message.setText(
            f'Saved: "Me" in the owner filter is {name}.' if name else "Saved: nobody chosen."
        )
        self.me_changed.emit(name)
