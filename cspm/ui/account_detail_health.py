"""The account detail's health section: the score used, the file's and the computed score side
by side when both exist, which one is used and why (the setting that decides it), coverage,
and the components behind the computed score.

Why side by side: a file's "47 / 100" beside component bars averaging 78 reads as a bug unless
the screen says that these are two scores and which setting picks one.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from cspm.service.accounts import AccountDetail

from .account_detail_parts import make_label, pretty_component
from .account_table import GREEN_FROM, RED_BELOW

SETTING = "“Use the CRM's health score when the file has one” (Settings > Health)"


def band(score: float) -> str:
    return "red" if score < RED_BELOW else "yellow" if score < GREEN_FROM else "green"


def health_head_text(d: AccountDetail) -> str:
    """The score used, with its band: "47 / 100 (red)"."""
    score = d.health_score
    if score is None:
        return "Not enough data" if d.health_source == "insufficient" else "No health score"
    return f"{score:.0f} / 100  ({band(score)})"


def health_coverage_text(d: AccountDetail) -> str:
    """Coverage of the computed score: "3 of 6 signals", and the minimum when short of it."""
    have, of = d.health_signals, d.health_signals_possible
    text = f"{have} of {of} signals"
    if d.health_computed is None and have:
        text += f"; a computed score needs at least {d.health_min_signals}"
    return text + "."


def health_choice_text(d: AccountDetail) -> str:
    """Which score is used and why, in plain words; "" when there is only a computed one."""
    imported, computed = d.health_imported, d.health_computed
    if imported is None:
        return ""
    if computed is None:
        return (
            "Using the file's score: the signals here are too few to compute one"
            f" (it needs at least {d.health_min_signals})."
        )
    if d.health_source == "imported":
        return (
            f"Using the file's score because {SETTING} is on. The CRM's score can weigh things"
            " this file does not carry; untick the setting to use the computed score."
        )
    return f"Using the computed score because {SETTING} is off."


class HealthBox(QGroupBox):
    """The health section; its labels are attributes so tests and the dialog can read them."""

    def __init__(self, d: AccountDetail, parent: QWidget | None = None) -> None:
        super().__init__("Health", parent)
        layout = QVBoxLayout(self)
        self.head = make_label(health_head_text(d), bold=True)
        self.head.setObjectName("health-head")
        layout.addWidget(self.head)
        self.scores: dict[str, QLabel] = {}
        both = QFormLayout()
        if d.health_imported is not None:
            used = d.health_source == "imported"
            self.scores["imported"] = self._score(d.health_imported, used)
            both.addRow("From the file (CRM):", self.scores["imported"])
            computed = d.health_computed
            self.scores["computed"] = (
                self._score(computed, d.health_source == "computed")
                if computed is not None
                else make_label("not enough data", muted=True)
            )
            both.addRow("Computed from the signals:", self.scores["computed"])
            layout.addLayout(both)
        self.choice = make_label(health_choice_text(d), muted=True)
        self.choice.setObjectName("health-choice")
        self.choice.setVisible(bool(self.choice.text()))
        layout.addWidget(self.choice)
        self.coverage = make_label(health_coverage_text(d), muted=True)
        self.coverage.setObjectName("health-coverage")
        layout.addWidget(self.coverage)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.breakdown: dict[str, QWidget] = {}
        for component, value in d.health_breakdown:
            if value is None:
                field: QWidget = make_label("no data", muted=True)
            else:
                bar = QProgressBar()
                bar.setRange(0, 100)
                bar.setValue(round(value))
                bar.setFormat(f"{value:.0f}")
                bar.setMaximumHeight(18)
                field = bar
            field.setObjectName(f"health-{component}")
            self.breakdown[component] = field
            form.addRow(pretty_component(component), field)
        layout.addLayout(form)
        note = (
            "The computed score is the weighted average of these components (0–100);"
            " missing data is left out of it."
        )
        self.note = make_label(note, muted=True)
        layout.addWidget(self.note)
        # the box is as tall as tier + stage beside it: the room goes below, not between lines
        layout.addStretch(1)

    @staticmethod
    def _score(value: float, used: bool) -> QLabel:
        text = f"{value:.0f} / 100  ({band(value)})" + ("  ✓ used" if used else "  (not used)")
        return make_label(text, bold=used, muted=not used)
