"""The account detail's related sections: subscriptions (the next renewal highlighted),
contacts (inactive ones marked), open tickets (escalated ones marked), a usage chart, and a
"Data from" line naming the related files behind them.

Built from an `AccountRelated` the dialog loaded in its worker; a section with no rows is not
built at all, so an account without related data reads exactly as before.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from cspm.core.money import MoneyFormat, format_for, full_one
from cspm.core.related.account_view import ACTIVE, ENDED, LATER
from cspm.reports.usage_chart import usage_chart
from cspm.service.account_related import AccountRelated

from .account_detail_parts import make_label
from .charts import figure_widget
from .related_table import Cell, RelatedTable

STATUS_TEXT = {ACTIVE: "Active", ENDED: "Ended", LATER: "Starts later"}


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _date(value: Any) -> Cell:
    if _missing(value):
        return Cell("—")
    day = pd.Timestamp(value).date()
    return Cell(day.isoformat(), float(day.toordinal()))


def _text(value: Any) -> Cell:
    return Cell("—") if _missing(value) else Cell(str(value), str(value))


def _number(value: Any, suffix: str = "") -> Cell:
    if _missing(value) or math.isnan(float(value)):
        return Cell("—")
    return Cell(f"{float(value):,.0f}{suffix}", float(value))


def _money(value: Any, money: MoneyFormat, currency: Any, tip: str = "") -> Cell:
    if _missing(value):
        return Cell("—")
    fmt = money
    if isinstance(currency, str) and currency.strip() and currency.strip().upper() != money.code:
        fmt = format_for(currency.strip().upper(), money)
    return Cell(full_one(float(value), fmt), float(value), tip)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _days(n: float) -> str:
    return _plural(int(n), "day")


class RelatedSections(QWidget):
    """Every related section that has data, top to bottom; attributes name the parts tests
    and the dialog reach (None for a section not shown)."""

    def __init__(self, related: AccountRelated, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.related = related
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.sources_label = make_label(related.sources_text, muted=True)
        self.sources_label.setObjectName("related-sources")
        self.subscriptions_box = self._subscriptions() if len(related.subscriptions) else None
        self.contacts_box = self._contacts() if len(related.contacts) else None
        self.tickets_box = self._tickets() if related.tickets_total else None
        self.usage_box = self._usage() if related.usage_rows else None
        for box in (self.subscriptions_box, self.contacts_box, self.tickets_box, self.usage_box):
            if box is not None:
                layout.addWidget(box)
        if related.sources:
            layout.addWidget(self.sources_label)

    # ---- subscriptions ----------------------------------------------------------------------
    def _subscriptions(self) -> QGroupBox:
        r = self.related
        subs = r.subscriptions
        active = int((subs["status"] == ACTIVE).sum())
        title = f"Subscriptions ({active} active of {len(subs)})"
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        renewal = r.next_renewal
        if renewal is not None:
            days = (renewal - r.today).days
            head = make_label(f"Next renewal {renewal.isoformat()}, in {_days(days)}", bold=True)
        else:
            head = make_label("No active subscription has an end date.", muted=True)
        head.setObjectName("next-renewal")
        self.renewal_label = head
        layout.addWidget(head)
        rows, marks = [], []
        for s in subs.itertuples(index=False):
            status = STATUS_TEXT.get(s.status, "—") if s.status else "—"
            if s.next_renewal:
                status = f"Renews next · {_days(s.days_to_end)}"
            arr_tip = "12 × MRR: the file gives MRR only" if s.arr_from_mrr else ""
            mrr_tip = "ARR ÷ 12: the file gives ARR only" if s.mrr_from_arr else ""
            rows.append([
                _text(s.subscription_id), _text(s.plan), _date(s.start_date), _date(s.end_date),
                _money(s.arr, r.money, s.currency, arr_tip),
                _money(s.mrr, r.money, s.currency, mrr_tip),
                _number(s.seats), Cell(status, status),
            ])  # fmt: skip
            marks.append("renewal" if s.next_renewal else None)
        headers = ["Subscription", "Plan", "Start", "End", "ARR", "MRR", "Seats", "Status"]
        self.subscriptions_table = RelatedTable(headers, rows, marks, numeric=(4, 5, 6))
        layout.addWidget(self.subscriptions_table)
        return box

    # ---- contacts ---------------------------------------------------------------------------
    def _contacts(self) -> QGroupBox:
        r = self.related
        people = r.contacts
        inactive = int(people["inactive"].fillna(False).astype(bool).sum())
        unknown = int(people["inactive"].isna().sum())
        parts = [_plural(len(people), "contact")]
        if inactive:
            parts.append(f"{inactive} inactive over {r.inactive_days} days")
        if unknown:
            parts.append(f"{unknown} with no login on record")
        box = QGroupBox("Contacts (" + " · ".join(parts) + ")")
        layout = QVBoxLayout(box)
        rows, marks = [], []
        for p in people.itertuples(index=False):
            if _missing(p.inactive):
                status, mark = "No login on record", None
            elif p.inactive:
                status, mark = f"Inactive · {_days(p.days_since)}", "warn"
            else:
                status, mark = "Active", None
            days = _number(p.days_since)
            rows.append([
                _text(p.name), _text(p.role), _text(p.email), _date(p.last_login), days,
                Cell(status, status),
            ])  # fmt: skip
            marks.append(mark)
        headers = ["Name", "Role", "Email", "Last login", "Days since", "Status"]
        self.contacts_table = RelatedTable(headers, rows, marks, numeric=(4,))
        layout.addWidget(self.contacts_table)
        return box

    # ---- tickets ----------------------------------------------------------------------------
    def _tickets(self) -> QGroupBox:
        r = self.related
        open_ = r.open_tickets
        escalated = int(open_["escalated"].fillna(False).astype(bool).sum())
        parts = [f"{len(open_)} open"]
        if escalated:
            parts.append(f"{escalated} escalated")
        box = QGroupBox("Open tickets (" + " · ".join(parts) + ")")
        layout = QVBoxLayout(box)
        closed = f"{_plural(r.tickets_closed_90d, 'ticket')} closed in the last 90 days."
        self.tickets_closed_label = make_label(
            closed if len(open_) else f"No open tickets. {closed}", muted=True
        )
        self.tickets_table: RelatedTable | None = None
        if len(open_):
            rows, marks = [], []
            for t in open_.itertuples(index=False):
                esc = "—" if _missing(t.escalated) else ("Yes" if t.escalated else "No")
                rows.append([
                    _text(t.ticket_id), _date(t.opened_at), _text(t.priority),
                    Cell(esc, esc), _number(t.age_days, " d"), _text(t.status),
                ])  # fmt: skip
                marks.append("alert" if esc == "Yes" else None)
            headers = ["Ticket", "Opened", "Priority", "Escalated", "Age", "Status"]
            self.tickets_table = RelatedTable(headers, rows, marks, numeric=(4,), bold_marks=())
            layout.addWidget(self.tickets_table)
        layout.addWidget(self.tickets_closed_label)
        return box

    # ---- usage ------------------------------------------------------------------------------
    def _usage(self) -> QGroupBox:
        r = self.related
        usage = r.usage
        box = QGroupBox("Usage (last 6 months)")
        layout = QVBoxLayout(box)
        self.usage_canvas: QWidget | None = None
        if usage.empty:
            layout.addWidget(make_label("No usage recorded in the last 6 months.", muted=True))
            return box
        self.usage_canvas = figure_widget(usage_chart(usage, r.usage_period), box, 200)
        layout.addWidget(self.usage_canvas)
        layout.addWidget(self._usage_summary())
        return box

    def _usage_summary(self) -> QLabel:
        u = self.related.usage
        done = u[~u["partial"].astype(bool)]
        per = self.related.usage_period
        quiet = int((done["events"] == 0).sum())
        text = f"{u['events'].sum():,.0f} events in {_plural(len(u), per)}"
        if len(done):
            text += f"; average {done['events'].mean():,.0f} per {per}"
        if quiet:
            text += f"; {_plural(quiet, per)} with no usage"
        if u["partial"].astype(bool).any():
            text += f". The hollow point is this {per} so far"
        return make_label(text + ".", muted=True)
