"""The import wizard: file -> sheet -> header row -> kind -> mapping -> values -> validation
-> import -> summary.

Each step shows what the service's pure steps produced before anything is written; reading,
preparing and importing run in workers, so the window stays responsive, and errors appear as a
sentence on the page. The import itself is one transaction: Cancel leaves the database as it was.

The wizard holds the state the pages share (path, sheet, the cells read at the header step,
header row, the kind of file, the user's mapping, value and scale choices, the prepared plan);
each page module holds one page. Every kind (accounts, subscriptions, usage, tickets, contacts,
churn events) goes through the same pages; the pages that only make sense for accounts (value
meanings of tiers and stages, big changes against the stored accounts) step aside for the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget, QWizard

from cspm.core.related.kinds import ACCOUNTS
from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, ImportResult, PreparedImport, SheetCells

from .file_page import FilePage, SheetPage
from .header_page import HeaderPage
from .kind_page import KindPage
from .mapping_page import MappingPage
from .run_pages import RunPage
from .summary_page import SummaryPage
from .validation_page import ValidationPage
from .values_page import ValuesPage

if TYPE_CHECKING:
    from cspm.service.imports import RawSheet


class ImportWizard(QWizard):
    imported = Signal(object)  # the ImportResult, as soon as the import is written

    FILE, SHEET, HEADER, KIND, MAPPING, VALUES, VALIDATION, RUN, SUMMARY = range(9)

    def __init__(
        self, ctx: AppContext, path: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Import a file")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.resize(920, 640)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.path: Path | None = None
        self.sheets: list[str] = []
        self.sheet: str | None = None
        # the sheet read once at the header step; every later plan is made from these cells
        self.cells: SheetCells | None = None
        self.header_index: int | None = None
        self.kind: str | None = None  # the kind imported as (detected, or the user's choice)
        self.detected_kind: str | None = None
        self.kind_chosen = False  # the user picked the kind (a new detection does not replace it)
        self.user_mapping: dict[str, str] = {}
        self.user_values: dict[str, dict[str, str]] = {}  # header -> value -> meaning
        self.user_scales: dict[str, str] = {}  # header -> scale
        self.save_profile: str | None = None
        self.skip_invalid = False
        self.prepared: PreparedImport | None = None
        self.import_result: ImportResult | None = None
        self.file_page = FilePage(self)
        self.sheet_page = SheetPage(self)
        self.header_page = HeaderPage(self)
        self.kind_page = KindPage(self)
        self.mapping_page = MappingPage(self)
        self.values_page = ValuesPage(self)
        self.validation_page = ValidationPage(self)
        self.run_page = RunPage(self)
        self.summary_page = SummaryPage(self)
        for page_id, page in enumerate(
            (
                self.file_page,
                self.sheet_page,
                self.header_page,
                self.kind_page,
                self.mapping_page,
                self.values_page,
                self.validation_page,
                self.run_page,
                self.summary_page,
            )
        ):
            self.setPage(page_id, page)
        if path:
            self.file_page.path_edit.setText(str(path))

    @property
    def raw(self) -> RawSheet | None:
        """The sheet's cells as read (None until the header step has read them)."""
        return self.cells.raw if self.cells is not None else None

    def import_options(self) -> ImportOptions:
        return ImportOptions(
            sheet=self.sheet,
            header_index=self.header_index,
            mapping=dict(self.user_mapping),
            value_maps={h: dict(v) for h, v in self.user_values.items()},
            scales=dict(self.user_scales),
            save_profile=self.save_profile,
            skip_invalid=self.skip_invalid,
            # the user's kind; else None, so the service checks the file's shape itself (a
            # file of many rows per account of no known kind is refused as an accounts list)
            kind=self.kind if self.kind_chosen else None,
        )

    @property
    def related(self) -> bool:
        """Whether the file is imported as a related kind (not as accounts)."""
        return self.kind not in (None, ACCOUNTS)

    def reset_from_sheet(self) -> None:
        """Another file or sheet: forget the cells read, the kind, and everything planned."""
        self.cells = None
        self.header_index = None
        self.kind = None
        self.detected_kind = None
        self.kind_chosen = False
        self.reset_from_header()

    def set_kind(self, kind: str) -> None:
        """Import as another kind: the mapping made for the old kind no longer applies; the
        cells do (the mapping step re-plans from them)."""
        if kind != self.kind:
            self.kind = kind
            self.reset_from_header()

    def reset_from_header(self) -> None:
        """Another header row: the mapping choices and the plan no longer apply; the cells do."""
        self.user_mapping = {}
        self.user_values = {}
        self.user_scales = {}
        self.prepared = None
        self.skip_invalid = False

    def forget_choices_of(self, header: str) -> None:
        """A column mapped anew: its value meanings and scale no longer apply."""
        self.user_values.pop(header, None)
        self.user_scales.pop(header, None)

    def reject(self) -> None:
        if self.run_page.running():
            self.run_page.cancel()  # the transaction rolls back; nothing is written
        super().reject()
