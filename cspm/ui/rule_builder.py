"""The rule builder dialog: name, description and a rule tree, with a live count while editing.

The dialog knows the rule language only through the service: field types come from
`field_catalog`, dropdown values from `field_values`, and every edit is checked by
`preview_rule` (debounced, in a worker), whose message is shown inline. Save stays disabled
until the service has accepted exactly the rule on screen. Saving itself is the caller's job.

The tree is built from `rule_group` (all/any groups) and `rule_condition` (one condition row),
whose value editors live in `rule_values`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.core.money import USD, MoneyFormat
from cspm.core.related.contact_table import CONTACT_FIELD_LABELS
from cspm.service.contacts import contact_field_catalog, contact_field_values
from cspm.service.context import AppContext
from cspm.service.segments import field_catalog, preview_rule
from cspm.service.settings import money_format

from .busy import run
from .rule_condition import ConditionRow
from .rule_contacts import CONTACTS, CountBar, mixes_contacts
from .rule_fields import Shared
from .rule_group import GroupWidget
from .rule_numbers import count_text, parse_number

# Other views print money the way the live count does; they import it from here.
__all__ = [
    "ConditionRow",
    "GroupWidget",
    "RuleBuilderDialog",
    "count_text",
    "open_rule_builder",
    "parse_number",
]

DEBOUNCE_MS = 250
_AT = re.compile(r"\s*\(at ([^)]*)\)\s*$")


class RuleBuilderDialog(QDialog):
    """Edit a segment: name, description and rule; the live count says what it matches."""

    def __init__(
        self,
        ctx: AppContext,
        name: str = "",
        description: str = "",
        rule: dict[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Segment" if not name else f"Segment — {name}")
        self.resize(900, 560)
        self.shared = Shared(ctx, self)
        self.root: GroupWidget | None = None
        self._initial_rule = rule
        self._seq = 0
        self._accepted_rule: dict[str, Any] | None = None  # the last rule the service accepted
        self._pending = False
        self.last_count: tuple[int, float] | None = None
        self.money: MoneyFormat = USD  # the portfolio currency, loaded in a worker

        self.name_edit = QLineEdit(name)
        self.name_edit.setPlaceholderText("Segment name (required)")
        self.description_edit = QLineEdit(description)
        self.description_edit.setPlaceholderText("What this segment is for (optional)")
        form = QFormLayout()
        form.addRow("Name", self.name_edit)
        form.addRow("Description", self.description_edit)
        self.count_bar = CountBar()
        self.count_bar.setEnabled(False)  # until the fields are loaded
        form.addRow("Count", self.count_bar)
        self.account_catalog: dict[str, str] = {}
        self._fixed_rule = False  # a rule the tree cannot show: kept as it is

        self.tree_host = QWidget()
        self.tree_layout = QVBoxLayout(self.tree_host)
        self.tree_layout.setContentsMargins(0, 0, 0, 0)
        self.tree_layout.addWidget(QLabel("Loading fields…"))
        self.tree_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.tree_host)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.count_label = QLabel("")
        self.count_label.setObjectName("count")
        self.count_label.setWordWrap(True)
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.buttons)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(scroll, 1)
        lay.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._preview)
        self.name_edit.textChanged.connect(self._update_save)
        self.count_bar.mode_changed.connect(self._count_mode_changed)
        self.count_bar.changed.connect(self._schedule)
        run(self, field_catalog, ctx, on_done=self._catalog_loaded, on_error=self._catalog_failed)
        run(self, money_format, ctx, on_done=self._money_loaded)

    # -- results --
    def segment_name(self) -> str:
        return " ".join(self.name_edit.text().split())

    def description(self) -> str:
        return self.description_edit.text().strip()

    def rule_json(self) -> dict[str, Any]:
        if self.root is None:
            return dict(self._initial_rule or {"all": []})
        return self.count_bar.wrap(self.root.to_json())

    def is_ready(self) -> bool:
        """Fields loaded and the last preview matches the rule on screen."""
        return self.root is not None and not self._pending and not self._timer.isActive()

    # -- building --
    def _catalog_loaded(self, catalog: dict[str, str]) -> None:
        self.account_catalog = catalog
        self.shared.catalog = catalog
        rule = self._initial_rule
        if mixes_contacts(rule):  # shown as its rule text; saved unchanged (renaming works)
            self._clear_tree()
            self.count_bar.setEnabled(False)
            self._fixed_rule = True
            note = QLabel(
                "This rule combines account conditions with a contacts condition inside a "
                "group, which the builder cannot show. Edit it on the command line:\n"
                "cspm segments edit NAME --rule RULE.json"
            )
            note.setWordWrap(True)
            self.tree_layout.addWidget(note)
            self.tree_layout.addStretch(1)
            self._preview()
            return
        rows = self.count_bar.load(rule)
        self.count_bar.setEnabled(True)
        if self.count_bar.counts_contacts():
            self._use_contact_fields()
        self._build_tree(rows)

    def _use_contact_fields(self) -> None:
        self.shared.use_catalog(contact_field_catalog(), CONTACT_FIELD_LABELS, contact_field_values)

    def _count_mode_changed(self, mode: str) -> None:
        """Accounts <-> contacts: the rows name other fields, so they start over."""
        if mode == CONTACTS:
            self._use_contact_fields()
        else:
            self.shared.use_catalog(self.account_catalog)
        self._build_tree(None)

    def _clear_tree(self) -> None:
        self.root = None
        for i in reversed(range(self.tree_layout.count())):
            item = self.tree_layout.takeAt(i)
            assert item is not None  # i < count(), so there is an item to take
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()

    def _build_tree(self, rule: dict[str, Any] | None) -> None:
        self._clear_tree()
        self.root = GroupWidget(self.shared, 0, rule if rule else None)
        if not rule:
            self.root.add_condition()
        self.root.changed.connect(self._schedule)
        self.tree_layout.addWidget(self.root)
        self.tree_layout.addStretch(1)
        self._preview()

    def _money_loaded(self, money: MoneyFormat) -> None:
        self.money = money
        if self.last_count is not None and not self._pending:
            self._show_message(count_text(*self.last_count, money), error=False)

    def _catalog_failed(self, exc: BaseException) -> None:
        self._show_message(str(exc) if isinstance(exc, CspmError) else repr(exc), error=True)

    # -- live count --
    def _schedule(self) -> None:
        self._pending = True
        self._update_save()
        self._timer.start()

    def _preview(self) -> None:
        self._seq += 1
        self._pending = True
        self._update_save()
        rule = self.rule_json()
        run(
            self,
            preview_rule,
            self.ctx,
            rule,
            on_done=partial(self._previewed, self._seq, rule),
            on_error=partial(self._preview_failed, self._seq),
        )

    def _previewed(self, seq: int, rule: dict[str, Any], result: tuple[int, float]) -> None:
        if seq != self._seq:
            return
        self._pending = False
        self._accepted_rule = rule
        self.last_count = result
        self._mark(None)
        self._show_message(count_text(*result, self.money), error=False)
        self._update_save()

    def _preview_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self._pending = False
        self._accepted_rule = None
        self.last_count = None
        if not isinstance(exc, CspmError):
            self._show_message(f"Could not count the accounts: {exc!r}", error=True)
            self._update_save()
            return
        message = str(exc)
        at = _AT.search(message)
        text = _AT.sub("", message)
        text = text[:1].upper() + text[1:]
        self._mark(at.group(1) if at else None, text)
        self._show_message(text, error=True)
        self._update_save()

    def _mark(self, path: str | None, message: str = "") -> None:
        if self.root is None:
            return
        for row in self.root.conditions():
            row.mark(None)
        if path:
            target = self.root.find_path(path)
            if isinstance(target, ConditionRow):
                target.mark(message)

    def _show_message(self, text: str, *, error: bool) -> None:
        colour = "#c62828" if error else "#1b5e20"
        self.count_label.setStyleSheet(f"QLabel#count {{ color: {colour}; font-weight: 600; }}")
        self.count_label.setText(text)

    def _update_save(self) -> None:
        ok = (
            (self.root is not None or self._fixed_rule)
            and not self._pending
            and self._accepted_rule is not None
            and self._accepted_rule == self.rule_json()
            and bool(self.segment_name())
        )
        self.save_button.setEnabled(ok)
        self.save_button.setToolTip("" if ok else "Give the segment a name and a complete rule")


def open_rule_builder(
    parent: QWidget,
    ctx: AppContext,
    on_accept: Callable[[RuleBuilderDialog], None],
    name: str = "",
    description: str = "",
    rule: dict[str, Any] | None = None,
) -> RuleBuilderDialog:
    """Show the dialog window-modally without blocking (open(), not exec())."""
    dialog = RuleBuilderDialog(ctx, name, description, rule, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: on_accept(dialog))
    dialog.open()
    return dialog
