"""The last step: what the import did (counts, and every account that changed tier or stage).

Kept apart from the run step so the summary can grow per kind of file without the run step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QTableView, QVBoxLayout, QWizardPage

from .helpers import message_label, say
from .models import RowsModel

if TYPE_CHECKING:
    from .wizard import ImportWizard


class SummaryPage(QWizardPage):
    """What the import did: counts, and every account that changed tier or lifecycle stage."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Imported")
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.counts: dict[str, QLabel] = {}
        grid = QGridLayout()
        for i, key in enumerate(("new", "updated", "unchanged", "rejected", "warnings")):
            value = QLabel()
            value.setStyleSheet("font-size: 16pt; font-weight: 600;")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            name = QLabel(key.capitalize())
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(value, 0, i)
            grid.addWidget(name, 1, i)
            self.counts[key] = value
        self.notice = message_label()  # work after the commit that failed; the data stands
        self.moves_label = QLabel()
        self.moves = RowsModel(["Account", "Changed", "From", "To"])
        self.moves_view = QTableView()
        self.moves_view.setModel(self.moves)
        self.moves_view.verticalHeader().hide()
        self.moves_view.horizontalHeader().setStretchLastSection(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.headline)
        lay.addWidget(self.notice)
        lay.addLayout(grid)
        lay.addWidget(self.moves_label)
        lay.addWidget(self.moves_view, 1)

    def initializePage(self) -> None:
        r = self.w.import_result
        assert r is not None
        self.headline.setText(
            f"<b>{r.file}</b>{f' (sheet {r.sheet})' if r.sheet else ''} imported as of "
            f"<b>{r.as_of.isoformat()}</b>: {r.rows_total:,} rows read."
        )
        say(self.notice, " ".join(n[:1].upper() + n[1:] + "." for n in r.notices))
        values = {
            "new": r.new,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "rejected": r.rejected,
            "warnings": r.warnings,
        }
        for key, label in self.counts.items():
            label.setText(f"{values[key]:,}")
        what = {"tier": "Tier", "lifecycle_stage": "Stage"}
        self.moves.set_rows(
            [(m.name or m.key, what.get(m.what, m.what), m.before, m.after) for m in r.moves]
        )
        self.moves_view.resizeColumnsToContents()
        n = len(r.moves)
        self.moves_label.setText(
            f"{n:,} change{'' if n == 1 else 's'} of tier or lifecycle stage:"
            if n
            else "No account changed tier or lifecycle stage."
        )
