"""The fields a rule can name, as the rule builder offers them.

`Shared` is what every row of one dialog needs (context, the service's field catalogue and a
cache of each text field's existing values, fetched once per dialog in a worker), and
`field_model` builds the field chooser's grouped list from that catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from cspm.core.field_labels import AGGREGATE_FIELDS, AGGREGATE_GROUP, is_percent
from cspm.core.fields import CANONICAL_FIELDS
from cspm.service.context import AppContext
from cspm.service.segments import field_values

from .busy import run

FIELD_ROLE = Qt.ItemDataRole.UserRole
TYPE_ROLE = Qt.ItemDataRole.UserRole + 1
UNKNOWN_TYPE = "?"  # a field a loaded rule names but the data no longer has

# Computed fields (the service's catalogue has them after the canonical ones); labels for the UI.
DERIVED_LABELS = {
    "tier": "Tier",
    "lifecycle_stage": "Lifecycle stage",
    "health_score": "Health score",
    "seat_utilization": "Seat utilization (0–1)",
    "days_to_renewal": "Days to renewal",
    "days_since_last_interaction": "Days since last interaction",
    "arr_change_pct": "ARR change % (vs previous import)",
}
CANONICAL_LABELS = {f.name: f.label for f in CANONICAL_FIELDS}


class Shared(QObject):
    """What every row needs: the context, the field catalogue and a cache of field values."""

    values_loaded = Signal(str, list)
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QObject) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.catalog: dict[str, str] = {}
        self.values: dict[str, list[str]] = {}
        self._asked: set[str] = set()
        # "Count contacts" mode: the contact fields under their labels, their values, and no
        # history operators (contacts have no snapshots); None/True: the account rule's
        self.labels: dict[str, str] | None = None
        self.values_fn: Callable[[AppContext, str], list[str]] = field_values
        self.history = True

    def use_catalog(
        self,
        catalog: dict[str, str],
        labels: dict[str, str] | None = None,
        values_fn: Callable[[AppContext, str], list[str]] = field_values,
    ) -> None:
        """Switch what rows offer (the account fields, or a contact rule's own fields)."""
        self.catalog, self.labels, self.values_fn = catalog, labels, values_fn
        self.history = labels is None
        self.values, self._asked = {}, set()

    def request_values(self, field: str) -> None:
        """Emit `values_loaded` for the field now if cached, else once its worker answers."""
        if field in self.values:
            self.values_loaded.emit(field, self.values[field])
        elif field not in self._asked:
            self._asked.add(field)
            run(self, self.values_fn, self.ctx, field, on_done=partial(self._loaded, field))

    def _loaded(self, field: str, values: list[str]) -> None:
        self.values[field] = values
        self.values_loaded.emit(field, values)


def field_model(
    catalog: dict[str, str],
    wanted: object,
    parent: QObject,
    labels: dict[str, str] | None = None,
) -> QStandardItemModel:
    """The field chooser's items, under bold unselectable headers: account, the aggregates of
    related data (subscriptions, usage, tickets, contacts), computed, custom (with `labels`:
    one "Contact fields" group under those labels).

    `wanted` is the field a loaded rule names; when the catalogue lacks it, it is listed as
    '(not in the data)' so the row can show it and the service can say what is wrong.
    """
    catalog = dict(catalog)
    if isinstance(wanted, str) and wanted and wanted not in catalog:
        catalog[wanted] = UNKNOWN_TYPE
    groups: dict[str, list[tuple[str, str, str]]] = {
        "Account fields": [],
        AGGREGATE_GROUP: [],
        "Computed": [],
        "Custom fields": [],
    }
    for name, ftype in catalog.items():
        if labels is not None:
            groups.setdefault("Contact fields", []).append((labels.get(name, name), name, ftype))
        elif name in DERIVED_LABELS:
            groups["Computed"].append((DERIVED_LABELS[name], name, ftype))
        elif name in AGGREGATE_FIELDS:
            groups[AGGREGATE_GROUP].append((CANONICAL_LABELS[name], name, ftype))
        elif name in CANONICAL_LABELS:
            groups["Account fields"].append((CANONICAL_LABELS[name], name, ftype))
        else:
            label = name if ftype != UNKNOWN_TYPE else f"{name} (not in the data)"
            groups["Custom fields"].append((label, name, ftype))
    model = QStandardItemModel(parent)
    bold = QFont()
    bold.setBold(True)
    for title, entries in groups.items():
        if not entries:
            continue
        header = QStandardItem(title)
        header.setFlags(Qt.ItemFlag.NoItemFlags)
        header.setFont(bold)
        model.appendRow(header)
        for label, name, ftype in entries:
            item = QStandardItem(label)
            item.setData(name, FIELD_ROLE)
            item.setData(ftype, TYPE_ROLE)
            unit = " · a percent (30% or 0.3)" if is_percent(name) else ""
            item.setToolTip(f"{name} · {ftype}{unit}")
            model.appendRow(item)
    return model
