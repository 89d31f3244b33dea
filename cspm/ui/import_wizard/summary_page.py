"""The last step: what the import did.

For an accounts file: new, updated, unchanged, rejected and warned rows. For a related file
(subscriptions, usage, tickets, contacts, churn events): the rows imported, how many linked to
an account and how many link to none (with the first of them, so the user can see why), and
which account fields the file feeds ("ARR, MRR, seats, plan ... from subscriptions"). Either
way, every account that changed tier or lifecycle stage, one click from its detail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from cspm.core.related.kinds import ACCOUNTS

from .helpers import message_label, say
from .kind_texts import KIND_TEXTS, feeds_sentence, field_label
from .models import RowsModel
from .preview_panel import row_text

if TYPE_CHECKING:
    from cspm.service.imports import ImportResult
    from cspm.service.related_results import RelatedSummary

    from .wizard import ImportWizard

ACCOUNT_COUNTS = ("new", "updated", "unchanged", "rejected", "warnings")
RELATED_COUNTS = ("imported", "linked", "unlinked", "rejected", "warnings")
EXAMPLES = 5  # unlinked rows listed by the summary; the problem CSV has them all


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class SummaryPage(QWizardPage):
    """Counts, links (related kinds), the fields fed, and the tier or stage moves."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle("Imported")
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.counts: dict[str, QLabel] = {}
        self.count_names: dict[str, QLabel] = {}
        self.grid_box = QWidget()
        self.grid = QGridLayout(self.grid_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.notice = message_label()  # work after the commit that failed; the data stands
        self.links = QLabel()
        self.links.setWordWrap(True)
        self.unlinked_list = QListWidget()
        self.feeds = QLabel()
        self.feeds.setWordWrap(True)
        self.moves_label = QLabel()
        self.moves = RowsModel(["Account", "Changed", "From", "To"])
        self.moves_view = QTableView()
        self.moves_view.setModel(self.moves)
        self.moves_view.verticalHeader().hide()
        self.moves_view.horizontalHeader().setStretchLastSection(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.headline)
        lay.addWidget(self.notice)
        lay.addWidget(self.grid_box)
        lay.addWidget(self.links)
        lay.addWidget(self.unlinked_list)
        lay.addWidget(self.feeds)
        lay.addWidget(self.moves_label)
        lay.addWidget(self.moves_view, 1)
        lay.addStretch(0)
        self._set_counts(ACCOUNT_COUNTS)

    def _set_counts(self, keys: tuple[str, ...]) -> None:
        """The row of big numbers, one per key (rebuilt when the kind changes them)."""
        if tuple(self.counts) == keys:
            return
        for label in (*self.counts.values(), *self.count_names.values()):
            self.grid.removeWidget(label)
            label.deleteLater()
        self.counts, self.count_names = {}, {}
        big = QFont(self.font())
        big.setPointSize(16)
        big.setBold(True)
        for i, key in enumerate(keys):
            value = QLabel()
            value.setFont(big)  # a font, not a style sheet: the text keeps the palette's colour
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            name = QLabel(key.capitalize())
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.grid.addWidget(value, 0, i)
            self.grid.addWidget(name, 1, i)
            self.counts[key] = value
            self.count_names[key] = name

    def initializePage(self) -> None:
        r = self.w.import_result
        assert r is not None
        kind = getattr(r, "kind", None) or ACCOUNTS
        as_what = "" if kind == ACCOUNTS else f" as {KIND_TEXTS[kind].noun}"
        self.headline.setText(
            f"<b>{r.file}</b>{f' (sheet {r.sheet})' if r.sheet else ''} imported{as_what} as "
            f"of <b>{r.as_of.isoformat()}</b>: {r.rows_total:,} rows read."
        )
        say(self.notice, " ".join(n[:1].upper() + n[1:] + "." for n in r.notices))
        if kind == ACCOUNTS:
            self._set_counts(ACCOUNT_COUNTS)
            values = {
                "new": r.new,
                "updated": r.updated,
                "unchanged": r.unchanged,
                "rejected": r.rejected,
                "warnings": r.warnings,
            }
            self.links.hide()
            self.unlinked_list.hide()
            self.feeds.hide()
        else:
            self._set_counts(RELATED_COUNTS)
            values = self._show_links(r, kind)
        for key, label in self.counts.items():
            label.setText(f"{values[key]:,}")
        self._show_moves(r)

    def _show_links(self, r: ImportResult, kind: str) -> dict[str, int]:
        """The linked/unlinked sentence, the first unlinked rows, and the fields fed."""
        rel = r.related
        linked = rel.linked if rel is not None else 0
        unlinked = rel.unlinked if rel is not None else 0
        accounts = rel.accounts if rel is not None else 0
        sentence = f"{_plural(linked, 'row')} linked to {_plural(accounts, 'account')}."
        if unlinked:
            sentence += (
                f" {_plural(unlinked, 'row')} link{'s' if unlinked == 1 else ''} to no account: "
                "kept, and linked as soon as their account is imported (no account is made "
                "from them)."
            )
            if rel is not None and rel.unlinked_csv:
                sentence += f" Every one is listed in {rel.unlinked_csv}."
        self.links.setText(sentence)
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        warn = "#ffb74d" if dark else "#b45309"  # a warning, readable on either palette
        self.links.setStyleSheet(f"color: {warn}; font-weight: 600;" if unlinked else "")
        self.links.show()
        self.unlinked_list.clear()
        for example in (rel.unlinked_examples if rel is not None else [])[:EXAMPLES]:
            where = row_text(example.get("row"))
            self.unlinked_list.addItem(f"{where[:1].upper()}{where[1:]}{example.get('why', '')}")
        shown = self.unlinked_list.count()
        frame = 2 * self.unlinked_list.frameWidth()
        self.unlinked_list.setFixedHeight(self.unlinked_list.sizeHintForRow(0) * shown + frame + 4)
        self.unlinked_list.setVisible(shown > 0)
        self.feeds.setText(self._feeds_text(kind, rel))
        self.feeds.setVisible(bool(self.feeds.text()))
        return {
            "imported": rel.rows if rel is not None else 0,
            "linked": linked,
            "unlinked": unlinked,
            "rejected": r.rejected,
            "warnings": r.warnings,
        }

    @staticmethod
    def _feeds_text(kind: str, rel: RelatedSummary | None) -> str:
        """ "This file feeds ARR, MRR, ... from subscriptions", then the history it made and
        any field a newer accounts file still decides."""
        feeds = feeds_sentence(kind)
        if not feeds:
            return ""
        text = f"This file feeds {feeds}."
        if rel is None:
            return text
        if rel.snapshots and rel.first_date and rel.last_date:
            every = "month" if rel.period == "month" else "quarter"
            text += (
                f" History: {_plural(rel.snapshots, 'snapshot')} of "
                f"{_plural(rel.accounts, 'account')}, every {every} end from "
                f"{rel.first_date.isoformat()} to {rel.last_date.isoformat()}."
            )
        overridden = [f"{field_label(f)}: {src}" for f, src in rel.sources.items() if src != kind]
        if overridden:
            text += " Where a newer accounts file carries a field, its values win: "
            text += "; ".join(overridden) + "."
        return text

    def _show_moves(self, r: ImportResult) -> None:
        what = {"tier": "Tier", "lifecycle_stage": "Stage"}
        self.moves.set_rows(
            [(m.name or m.key, what.get(m.what, m.what), m.before, m.after) for m in r.moves]
        )
        self.moves_view.resizeColumnsToContents()
        n = len(r.moves)
        self.moves_view.setVisible(bool(n))
        self.moves_label.setText(
            f"{n:,} change{'' if n == 1 else 's'} of tier or lifecycle stage:"
            if n
            else "No account changed tier or lifecycle stage."
        )
