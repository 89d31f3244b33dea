"""The HTML of the customer's QBR pack (Qt rich-text subset), built from a `QbrAccount`.

What a CSM can send to the customer: their subscription, their usage, health in plain words
and its trend, the renewal date, outcomes by quarter, then an agenda page and a notes page.
Nothing internal: no tier or lifecycle stage, no priorities or percentiles, no potential ARR,
no segment names or rule text, no task list, no touchpoint notes, no day counts.
Pure string building, no Qt: `qbr_pdf` lays it out.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from . import qbr_html as h
from .charts import BAND_COLOURS, BAND_TINTS, INK, MUTED
from .data import QbrAccount
from .qbr_words import health_sentence, health_word, long_date, usage_sentence

WORD_BAND = {"good": "green", "fair": "yellow", "low": "red"}
MAX_QUARTERS = 5


def header(account: QbrAccount, generated_on: datetime.date) -> str:
    by = f" by {account.owner}" if account.owner else ""
    return (
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        f'<td valign="bottom"><span style="font-size:17pt; font-weight:600; color:{INK};">'
        f"{h.esc(account.name)}</span><br/>"
        f"{h._muted(f'Prepared {long_date(generated_on)}{by}')}</td>"
        f'<td align="right" valign="bottom">{h._muted("Quarterly business review")}</td>'
        "</tr></table>"
    )


def _last(history: pd.DataFrame, column: str) -> float | None:
    if history is None or column not in history.columns:
        return None
    values = pd.to_numeric(history[column], errors="coerce").dropna()
    return float(values.iloc[-1]) if len(values) else None


def _renewal_note(account: QbrAccount) -> str:
    """No countdown and no "overdue": a date in the past is simply the date on record."""
    if account.renewal_date is None:
        return "not set"
    days = account.days_to_renewal
    return "date on record" if days is not None and days < 0 else "your subscription renews"


def tiles(account: QbrAccount) -> str:
    word = health_word(account.health_score, account.red_below, account.green_from)
    band = WORD_BAND.get(word, "")
    mau = _last(account.history, "mau")
    active = _last(account.history, "seats_active")
    bought = _last(account.history, "seats_purchased")
    if active is not None and bought:
        seats, seats_note = f"{active:,.0f} of {bought:,.0f}", f"{active / bought:.0%} of seats"
    elif active is not None:
        seats, seats_note = f"{active:,.0f}", "seats in use"
    else:
        seats, seats_note = "–", "not recorded"
    cells = [
        h._tile(
            "Health",
            word.capitalize() if word else "–",
            "overall account health" if word else "not measured yet",
            BAND_TINTS.get(band, h.TILE),
            BAND_COLOURS.get(band, INK),
        ),
        h._tile(
            "Monthly active users",
            "–" if mau is None else f"{mau:,.0f}",
            "latest month" if mau is not None else "not recorded",
        ),
        h._tile("Seats in use", seats, seats_note),
        h._tile(
            "Renewal date",
            f"{account.renewal_date.day} {account.renewal_date:%b %Y}"
            if account.renewal_date
            else "–",
            _renewal_note(account),
        ),
    ]
    return (
        '<table width="100%" cellspacing="5" cellpadding="7" style="margin-top:6px;"><tr>'
        + "".join(cells)
        + "</tr></table>"
    )


def summary(account: QbrAccount) -> str:
    """The health and usage sentences, one paragraph."""
    sentences = [
        health_sentence(account.history, account.health_score, account.red_below,
                        account.green_from),
        usage_sentence(account.history),
    ]  # fmt: skip
    text = " ".join(s for s in sentences if s)
    if not text:
        return ""
    return f'<p style="margin-top:8px; font-size:10pt; color:{INK};">{h.esc(text)}</p>'


def subscription_table(rows: list[tuple[str, str]]) -> str:
    body = "".join(
        f'<tr><td style="color:{MUTED};" width="45%">{h.esc(label)}</td>'
        f"<td>{h.esc(value)}</td></tr>"
        for label, value in rows
    )
    if not body:
        return h._muted("No subscription details recorded.")
    return f'<table width="100%" cellspacing="0" cellpadding="2">{body}</table>'


def quarters_table(account: QbrAccount) -> str:
    """Per quarter, at its last snapshot: active users, seats in use, health in words."""
    history = account.history
    if history is None or history.empty or "as_of" not in history.columns:
        return h._muted("Quarterly figures appear after the first full quarter.")
    hist = history.copy()
    when = pd.to_datetime(hist["as_of"])
    hist["quarter"] = (when.dt.year.astype(str) + " Q" + when.dt.quarter.astype(str)).to_numpy()
    last = hist.iloc[np.argsort(when.to_numpy(), kind="stable")]
    last = last.drop_duplicates("quarter", keep="last").tail(MAX_QUARTERS)
    columns = [  # (heading, column, width, as text); a column no quarter has is left out
        ("Monthly active users", "mau", 28, lambda v: f"{v:,.0f}"),
        ("Seats in use", "seats_active", 26, lambda v: f"{v:,.0f}"),
        ("Health", "health_score", 24,
         lambda v: health_word(v, account.red_below, account.green_from).capitalize()),
    ]  # fmt: skip
    shown = [
        c for c in columns
        if c[1] in last.columns and pd.to_numeric(last[c[1]], errors="coerce").notna().any()
    ]  # fmt: skip
    if not shown:
        return h._muted("No usage figures recorded yet.")
    rows = []
    for rec in last.to_dict("records"):
        row = [h.esc(rec["quarter"])]
        for _, col, _, text in shown:
            v = pd.to_numeric(pd.Series([rec.get(col)]), errors="coerce").iloc[0]
            row.append("–" if pd.isna(v) else h.esc(text(float(v))))
        rows.append(row)
    head = ["Quarter", *(c[0] for c in shown)]
    first = 100 - sum(c[2] for c in shown)
    return h._list_table(head, rows, [f"{first}%", *(f"{c[2]}%" for c in shown)])


def no_history() -> str:
    note = "Usage charts appear once a few months of figures are on record."
    return f'<p style="margin-top:8px;">{h._muted(note)}</p>'


def section_parts(account: QbrAccount, generated_on: datetime.date, chart: str) -> list[str]:
    """The customer's first page: header, tiles, the sentences, subscription and quarters."""
    return [
        header(account, generated_on),
        tiles(account),
        summary(account),
        chart,
        h.two_columns(
            "Your subscription",
            subscription_table(account.subscription),
            "Quarter by quarter",
            quarters_table(account),
        ),
        "<p></p>",
    ]


def agenda_items(account: QbrAccount, generated_on: datetime.date) -> list[str]:
    """The proposed agenda; the renewal item only when the renewal is within six months."""
    items = [
        "Welcome and what we want from today",
        "The last quarter: usage, adoption and what changed",
        "What is working well, and what is getting in the way",
        "Your goals for the next quarter, and how we will measure them",
    ]
    renewal = account.renewal_date
    days = None if renewal is None else (renewal - generated_on).days
    if renewal is not None and days is not None and 0 <= days <= 183:
        items.append(f"Your renewal on {long_date(renewal)}: timeline and next steps")
    elif renewal is not None and days is not None and -90 <= days < 0:
        items.append(f"Your renewal (dated {long_date(renewal)}): where we stand")
    items += ["Actions, owners and dates", "Date of our next review"]
    return items


def agenda_html(account: QbrAccount, generated_on: datetime.date) -> str:
    items = "".join(
        f'<tr><td width="6%" valign="top" style="color:{MUTED}; font-size:11pt;">{i}.</td>'
        f'<td style="font-size:11pt; color:{INK};">{h.esc(text)}</td></tr>'
        for i, text in enumerate(agenda_items(account, generated_on), start=1)
    )
    return (
        f'<p style="font-size:17pt; font-weight:600; color:{INK};">Agenda</p>'
        f"<p>{h._muted(f'{account.name} · {long_date(generated_on)}')}</p>"
        f'<table width="100%" cellspacing="0" cellpadding="5" style="margin-top:10px;">'
        f"{items}</table><p></p>"
    )
