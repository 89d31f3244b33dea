"""A wizard page that re-plans the import in a worker whenever the user changes a choice.

The mapping and values steps both re-plan from the cells the wizard already read (as the chosen
kind: `plans.plan_cells`);
only the newest request may land (an older one finishing late is dropped), the page's controls
are disabled while a plan is in flight, and Next waits for a plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget, QWizardPage

from cspm.service.imports import PreparedImport

from ..busy import run
from .helpers import message_of, say
from .plans import plan_cells

if TYPE_CHECKING:
    from .wizard import ImportWizard


class ReplanningPage(QWizardPage):
    """Subclasses set `w` and `message`, and give `_controls()` and `_show()`."""

    w: ImportWizard
    message: QLabel

    def __init__(self) -> None:
        super().__init__()
        self._seq = 0
        self._busy = False

    def _controls(self) -> QWidget:
        """The widget disabled while a plan is being made."""
        raise NotImplementedError

    def _show(self, prepared: PreparedImport) -> None:
        raise NotImplementedError

    def prepare(self) -> None:
        """Plan the import from the kept cells with the wizard's current choices."""
        cells = self.w.cells
        assert cells is not None, "the header step reads the cells before this page is shown"
        self._seq += 1
        seq = self._seq
        self._busy = True
        self._controls().setEnabled(False)
        say(self.message, "Reading values…")
        self.completeChanged.emit()
        run(
            self,
            plan_cells,
            self.w.ctx,
            cells,
            self.w.import_options(),
            on_done=lambda p: self._prepared(seq, p),
            on_error=lambda exc: self._failed(seq, exc),
        )

    def _prepared(self, seq: int, prepared: PreparedImport) -> None:
        if seq != self._seq:
            return
        self._busy = False
        self.w.prepared = prepared
        self._controls().setEnabled(True)
        say(self.message, "")
        self._show(prepared)
        self.completeChanged.emit()

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self._busy = False
        self.w.prepared = None
        self._controls().setEnabled(True)
        say(self.message, message_of(exc), error=True)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self._busy and self.w.prepared is not None
