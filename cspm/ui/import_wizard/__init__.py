"""The import wizard (see `wizard.py`), one page per module.

Everything other code imported from the former single module `cspm.ui.import_wizard` is still
importable from here.
"""

from __future__ import annotations

from cspm.core.read_notes import column_letter

from .file_page import FILE_FILTER, FilePage, SheetPage
from .header_page import PREVIEW_ROWS, HeaderPage
from .helpers import cell_text, message_label, message_of, say
from .kind_page import KindPage
from .mapping_page import BADGES, MappingPage
from .models import RawModel, RowsModel
from .run_pages import RunPage
from .summary_page import SummaryPage
from .validation_page import ValidationPage
from .values_page import ValuesPage
from .wizard import ImportWizard

__all__ = [
    "BADGES",
    "FILE_FILTER",
    "PREVIEW_ROWS",
    "FilePage",
    "HeaderPage",
    "ImportWizard",
    "KindPage",
    "MappingPage",
    "RawModel",
    "RowsModel",
    "RunPage",
    "SheetPage",
    "SummaryPage",
    "ValidationPage",
    "ValuesPage",
    "cell_text",
    "column_letter",
    "message_label",
    "message_of",
    "say",
]
