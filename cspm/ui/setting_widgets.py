"""Settings pages' widgets bound to the settings' declarations (`cspm.core.setting_keys`).

A page keeps its layout and its own widget choices (a spin box with "off" for 0, a combo with
worded choices); what a declaration knows comes from it: the label, the tooltip (its help), a
number's range and unit, a combo's choices. So the window, `cspm settings set` and the stored
document cannot disagree about what a setting allows: a spin box never offers a value the save
would refuse, and a value the command line accepted always fits the spin box.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLayout,
    QSpinBox,
    QWidget,
)

from cspm.core.declared import Declared
from cspm.core.setting_keys import DECLARED

SpinT = TypeVar("SpinT", QSpinBox, QDoubleSpinBox)

OPEN_MAX = 1_000_000
"""The top of a spin box whose setting declares no maximum."""

UNIT_SUFFIX = {"days": " days", "h": " h", "signals": " signals", "MB": " MB", "s": " s"}


def declared(key: str) -> Declared:
    return DECLARED[key]


def label(key: str) -> str:
    return DECLARED[key].spec.label


def help_of(key: str) -> str:
    return DECLARED[key].spec.help


def bind_spin(spin: SpinT, key: str, *, suffix: bool = True) -> SpinT:
    """Give `spin` the declared range, unit suffix and help of setting `key`."""
    d = DECLARED[key]
    low = d.spec.min if d.spec.min is not None else -OPEN_MAX
    high = d.spec.max if d.spec.max is not None else OPEN_MAX
    if isinstance(spin, QSpinBox):
        spin.setRange(int(low), int(high))
    else:
        spin.setRange(float(low), float(high))
    if suffix and d.spec.unit:
        spin.setSuffix(UNIT_SUFFIX.get(d.spec.unit, f" {d.spec.unit}"))
    spin.setToolTip(d.spec.help)
    return spin


def check_box(key: str) -> QCheckBox:
    """A check box for a true/false setting, labelled and explained by its declaration."""
    box = QCheckBox(label(key))
    box.setToolTip(DECLARED[key].spec.help)
    return box


def fill_combo(combo: QComboBox, key: str, words: Mapping[str, str] | None = None) -> QComboBox:
    """The declared choices of `key` as items (data: the stored value, text: `words` for it)."""
    d = DECLARED[key]
    combo.clear()
    for choice in d.choices:
        combo.addItem((words or {}).get(choice, choice), choice)
    combo.setToolTip(d.spec.help)
    return combo


def add_row(form: QFormLayout, key: str, field: QWidget | QLayout) -> QLabel:
    """A form row labelled with the declaration's label; the label explains itself too."""
    text = QLabel(label(key))
    text.setToolTip(DECLARED[key].spec.help)
    if isinstance(field, QWidget):
        text.setBuddy(field)
    form.addRow(text, field)
    return text
