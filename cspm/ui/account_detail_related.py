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
from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from cspm.core.money import MoneyFormat, format_for, full_one
from cspm.core.related.account_view import ACTIVE, ENDED, LATER
from cspm.reports.usage_chart import usage_chart
from cspm.service.account_related import AccountRelated, plural

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
    """An amount in the subscription's own currency when the file names another one than
    the portfolio's (not converted here: the tooltip says so)."""
    if _missing(value):
        return Cell("—")
    fmt = money
    code = currency.strip().upper() if isinstance(currency, str) else ""
    if code and code != money.code:
        fmt = format_for(code, money)
        tip = "; ".join(t for t in (tip, f"in {code} as the file gives it, not converted") if t)
    return Cell(full_one(float(value), fmt), float(value), tip)


def _days(n: float) -> str:
    return plural(int(n), "day")


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
        box = QGroupBox(f"Subscriptions ({r.active_subscriptions} active of {len(subs)})")
        layout = QVBoxLayout(box)
        head = make_label(r.renewal_text, bold=r.next_renewal is not None)
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
        box = QGroupBox(f"Contacts ({r.contacts_summary})")
        layout = QVBoxLayout(box)
        rows, marks = [], []
        for p in people.itertuples(index=False):
            if p.never:
                status, mark = "Inactive · never logged in", "warn"
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
        box = QGroupBox(f"Open tickets ({r.tickets_summary})")
        layout = QVBoxLayout(box)
        self.tickets_closed_label = make_label(r.closed_text, muted=True)
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
        text = r.usage_summary
        if usage["partial"].astype(bool).any():
            text += f". The hollow point is this {r.usage_period} so far"
        self.usage_label = make_label(text + ".", muted=True)
        layout.addWidget(self.usage_label)
        return box
