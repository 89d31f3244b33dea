"""Insights: the groups of accounts that churn or grow differently from the portfolio, and how
much attention each tier gets for its churn.

Everything is one worker call (`service.evidence.insights`). Each finding has "Create segment"
(a rule for exactly that group, named after it, as an undoable change) and "Show accounts" (the
group's accounts in the window, which open like any account list). Below, the engagement table:
touchpoints per account per month against churn, GRR and NRR per tier.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cspm.core.errors import CspmError
from cspm.core.group_insights import Finding, GroupFigures
from cspm.service.context import AppContext
from cspm.service.evidence import InsightsReport, insights
from cspm.service.segments import add_segment

from .account_opener import AccountOpener
from .busy import run, show_error

GROUP_HEADERS = ("Field", "Group", "Accounts", "Logo churn", "x portfolio", "NRR")
ENGAGEMENT_HEADERS = ("Tier", "Accounts", "Touches / account / month", "Logo churn", "GRR", "NRR")


def _pct(v: float | None, digits: int = 1) -> str:
    return "—" if v is None else f"{v:.{digits}%}"


class InsightsView(QWidget):
    loaded = Signal()
    data_changed = Signal()
    account_requested = Signal(str)
    SHOWS = frozenset({"accounts", "imports", "settings", "touchpoints", "overrides"})

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, *, min_group: int = 30
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.min_group = min_group  # the smallest group tested
        self.report: InsightsReport | None = None
        self.heading = QLabel("Reading the history…")
        self.heading.setWordWrap(True)
        self.findings = QListWidget()
        self.findings.setObjectName("insight-findings")
        self.findings.setWordWrap(True)
        self.findings.currentRowChanged.connect(lambda _r: self._update_buttons())
        self.segment_button = QPushButton("Create segment")
        self.accounts_button = QPushButton("Show accounts")
        self.segment_button.clicked.connect(self.create_segment)
        self.accounts_button.clicked.connect(self.show_accounts)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.accounts_button)
        buttons.addWidget(self.segment_button)
        self.groups = QTableWidget(0, len(GROUP_HEADERS))
        self.groups.setObjectName("insight-groups")
        self.groups.setHorizontalHeaderLabels(GROUP_HEADERS)
        self.groups.verticalHeader().hide()
        self.groups.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.groups.setSortingEnabled(True)
        self.groups.horizontalHeader().setStretchLastSection(True)
        found = QGroupBox("Groups that differ from the portfolio")
        found_lay = QVBoxLayout(found)
        found_lay.addWidget(self.findings, 1)
        found_lay.addLayout(buttons)
        found_lay.addWidget(QLabel("Every group tested (95% intervals):"))
        found_lay.addWidget(self.groups, 2)

        self.engagement = QTableWidget(0, len(ENGAGEMENT_HEADERS))
        self.engagement.setHorizontalHeaderLabels(ENGAGEMENT_HEADERS)
        self.engagement.verticalHeader().hide()
        self.engagement.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.engagement.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.engagement_note = QLabel("")
        self.engagement_note.setWordWrap(True)
        engaged = QGroupBox("Engagement per tier: attention against outcome")
        engaged_lay = QVBoxLayout(engaged)
        engaged_lay.addWidget(self.engagement)
        engaged_lay.addWidget(self.engagement_note)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(found, 1)
        layout.addWidget(engaged)
        self._update_buttons()
        self.refresh()

    def refresh(self) -> None:
        run(self, _insights, self.ctx, self.min_group, on_done=self._show,
            on_error=self._failed, supersede="insights-load")  # fmt: skip

    def _failed(self, exc: BaseException) -> None:
        show_error(self, str(exc) if isinstance(exc, CspmError) else f"Unexpected error: {exc!r}")

    def _show(self, report: InsightsReport) -> None:
        self.report = report
        self.findings.clear()
        found = report.insights
        if found is None or report.start is None:
            self.heading.setText(report.note or "Insights need at least two imports.")
        else:
            rate = _pct(found.churn_rate)
            self.heading.setText(
                f"From {report.start:%d %b %Y} to {report.end:%d %b %Y}: {found.accounts:,} "
                f"paying accounts at the start, {found.churned:,} churned ({rate}), NRR "
                f"{_pct(found.nrr, 0)}. {found.tested // 2} groups of at least "
                f"{self.min_group} accounts "
                "tested; a group is listed only when its difference is beyond chance after "
                "allowing for how many were tested."
            )
            for f in found.findings:
                item = QListWidgetItem(f.sentence)
                item.setData(Qt.ItemDataRole.UserRole, f)
                self.findings.addItem(item)
            if not found.findings:
                item = QListWidgetItem(
                    found.note or "No group differs from the portfolio beyond chance."
                )
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                self.findings.addItem(item)
            else:
                self.findings.setCurrentRow(0)
        self._show_groups(report)
        self._show_engagement(report)
        self._update_buttons()
        self.loaded.emit()

    def _show_groups(self, report: InsightsReport) -> None:
        groups = [] if report.insights is None else report.insights.groups
        groups = sorted(groups, key=lambda g: -(g.ratio or 0))
        self.groups.setSortingEnabled(False)
        self.groups.setRowCount(len(groups))
        for r, g in enumerate(groups):
            nrr = _pct(g.nrr, 0)
            if g.nrr_low is not None and g.nrr_high is not None:
                nrr += f" ({g.nrr_low:.0%}–{g.nrr_high:.0%})"
            cells = [
                g.label, g.value, g.accounts,
                f"{_pct(g.churn_rate)} ({_pct(g.churn_low)}–{_pct(g.churn_high)})",
                "—" if g.ratio is None else f"{g.ratio:.1f}x", nrr,
            ]  # fmt: skip
            for c, value in enumerate(cells):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.DisplayRole, value)
                self.groups.setItem(r, c, item)
        self.groups.setSortingEnabled(True)
        self.groups.resizeColumnsToContents()

    def _show_engagement(self, report: InsightsReport) -> None:
        rows = report.engagement
        self.engagement.setRowCount(len(rows))
        for r, e in enumerate(rows):
            churn = f"{_pct(e.churn_rate)} ({e.churned})"
            touches = f"{e.touches_per_account_month:.1f}"
            cells = [e.tier, f"{e.accounts:,}", touches, churn, _pct(e.grr, 0), _pct(e.nrr, 0)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setToolTip(f"95% CI {_pct(e.churn_low)}–{_pct(e.churn_high)}")
                self.engagement.setItem(r, c, item)
        said = [e.sentence for e in rows if e.sentence]
        self.engagement_note.setText(
            " ".join(f"{s}." for s in said)
            if said
            else "Touchpoints are the calls, emails and meetings logged in cspm."
        )
        self.engagement.resizeRowsToContents()
        body = self.engagement.verticalHeader().length() if rows else 28
        header = self.engagement.horizontalHeader().sizeHint().height()
        self.engagement.setFixedHeight(header + body + 2 * self.engagement.frameWidth())

    def current(self) -> Finding | None:
        item = self.findings.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return data if isinstance(data, Finding) else None

    def _update_buttons(self) -> None:
        finding = self.current()
        self.segment_button.setEnabled(finding is not None)
        self.accounts_button.setEnabled(finding is not None)

    def create_segment(self) -> None:
        finding = self.current()
        if finding is None:
            return
        g = finding.group
        name = f"{g.label}: {g.value}"
        description = f"Suggested by Insights: {finding.sentence}"
        run(
            self,
            add_segment,
            self.ctx,
            name,
            finding.rule,
            description,
            on_done=lambda _s: self._segment_made(name),
            on_error=self._failed,
        )

    def _segment_made(self, name: str) -> None:
        self.heading.setText(f"Segment '{name}' created; it is live on every import.")
        self.data_changed.emit()

    def show_accounts(self) -> None:
        finding = self.current()
        if finding is None:
            return
        names = self.report.names if self.report is not None else {}
        dialog = GroupAccounts(finding.group, names, self.account_requested.emit, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.accounts_dialog = dialog


class GroupAccounts(QDialog):
    """The accounts of one insight group (at the window's start); double-click opens one."""

    def __init__(
        self,
        group: GroupFigures,
        names: dict[str, str],
        open_account: Callable[[str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{group.label}: {group.value}")
        self.resize(420, 480)
        self.list = QListWidget()
        for key in sorted(group.keys, key=lambda k: (names.get(k) or k).casefold()):
            item = QListWidgetItem(f"{names.get(key) or key}  ({key})")
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.list.addItem(item)
        self.opener = AccountOpener(
            self.list,
            lambda index: self.list.item(index.row()).data(Qt.ItemDataRole.UserRole),
            open_account,
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"{group.accounts:,} accounts, {group.churned:,} churned in the window")
        )
        layout.addWidget(self.list)
        layout.addWidget(buttons)


def _insights(ctx: AppContext, min_group: int) -> InsightsReport:
    """The insights report (in a worker)."""
    return insights(ctx, min_group=min_group)
