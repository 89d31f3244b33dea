"""One account's related data for its detail and `cspm account`: subscriptions, contacts, open
tickets, usage per week, and which related files they came from.

Reads the rows in force linked to the account (`related_repo.load_in_force` by account key, an
indexed read of a few rows even in a large portfolio) and shapes them with
`core.related.account_view`. Runs off the GUI thread like the rest of the detail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PureWindowsPath
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy.orm import Session

from cspm.core.money import USD, MoneyFormat
from cspm.core.related import account_view as view
from cspm.core.related.frames import empty_frame
from cspm.core.related.kinds import CONTACTS, RELATED_KIND_NAMES, SUBSCRIPTIONS, TICKETS, USAGE
from cspm.storage.imports_repo import get_import
from cspm.storage.related_repo import load_in_force

if TYPE_CHECKING:
    from .context import AppContext

SHOWN_KINDS: tuple[str, ...] = (SUBSCRIPTIONS, CONTACTS, TICKETS, USAGE)


@dataclass(frozen=True)
class RelatedSource:
    """A related import that supplied rows of this account."""

    kind: str  # "subscriptions"
    file_name: str  # the file's name, without its folder
    as_of: dt.date
    rows: int  # rows of this account from it, in force


@dataclass(frozen=True)
class AccountRelated:
    """What the detail shows of one account's related rows; every frame may be empty (the
    section is then hidden). Frames follow `core.related.account_view`."""

    key: str
    today: dt.date
    subscriptions: pd.DataFrame = field(default_factory=lambda: empty_frame(SUBSCRIPTIONS))
    contacts: pd.DataFrame = field(default_factory=lambda: empty_frame(CONTACTS))
    open_tickets: pd.DataFrame = field(default_factory=lambda: empty_frame(TICKETS))
    tickets_total: int = 0  # tickets of this account in force, open or closed
    tickets_closed_90d: int = 0
    usage: pd.DataFrame = field(default_factory=pd.DataFrame)  # period, events, users, partial
    usage_period: str = "week"  # or "day"
    usage_rows: int = 0  # usage rows of this account in force (any date)
    sources: tuple[RelatedSource, ...] = ()
    inactive_days: int = view.INACTIVE_DAYS
    money: MoneyFormat = USD

    @property
    def has_any(self) -> bool:
        """Whether the account has any related row (else the detail looks as before)."""
        return bool(
            len(self.subscriptions) or len(self.contacts) or self.tickets_total or self.usage_rows
        )

    @property
    def next_renewal(self) -> dt.date | None:
        rows = self.subscriptions[self.subscriptions["next_renewal"].astype(bool)]
        return None if rows.empty else rows["end_date"].iloc[0].date()

    @property
    def active_subscriptions(self) -> int:
        return int((self.subscriptions["status"] == view.ACTIVE).sum())

    @property
    def renewal_text(self) -> str:
        """'Next renewal 2027-01-31, in 69 days' (or that no active subscription ends)."""
        day = self.next_renewal
        if day is None:
            return "No active subscription has an end date."
        return f"Next renewal {day.isoformat()}, in {plural((day - self.today).days, 'day')}"

    @property
    def contacts_summary(self) -> str:
        """'6 contacts · 2 inactive over 30 days (1 never logged in)'."""
        inactive, never = int(self.contacts["inactive"].sum()), int(self.contacts["never"].sum())
        text = plural(len(self.contacts), "contact")
        if inactive:
            text += f" · {inactive} inactive over {self.inactive_days} days"
            text += f" ({never} never logged in)" if never else ""
        return text

    @property
    def tickets_summary(self) -> str:
        """'2 open · 1 escalated'."""
        escalated = int(self.open_tickets["escalated"].fillna(False).sum())
        return f"{len(self.open_tickets)} open" + (f" · {escalated} escalated" if escalated else "")

    @property
    def closed_text(self) -> str:
        """'1 ticket closed in the last 90 days.' (after 'No open tickets.' when none is)."""
        closed = f"{plural(self.tickets_closed_90d, 'ticket')} closed in the last 90 days."
        return closed if len(self.open_tickets) else f"No open tickets. {closed}"

    @property
    def usage_summary(self) -> str:
        """'9,570 events in 27 weeks; average 366 per week; 2 weeks with no usage'."""
        u, per = self.usage, self.usage_period
        if u.empty:
            return f"No usage recorded in the last {view.USAGE_MONTHS} months"
        done = u[~u["partial"].astype(bool)]
        text = f"{u['events'].sum():,.0f} events in {plural(len(u), per)}"
        if len(done):
            text += f"; average {done['events'].mean():,.0f} per {per}"
        quiet = int((done["events"] == 0).sum())
        if quiet:
            text += f"; {plural(quiet, per)} with no usage"
        return text

    @property
    def sources_text(self) -> str:
        """'Data from: subscriptions subs.csv (2026-11-20) · contacts users.xlsx (...)'."""
        parts = [f"{s.kind} {s.file_name} ({s.as_of.isoformat()})" for s in self.sources]
        return "Data from: " + " · ".join(parts) if parts else ""


def plural(n: int | float, word: str) -> str:
    """'1 day', '69 days', '1,250 events'."""
    return f"{int(n):,} {word}{'' if int(n) == 1 else 's'}"


def account_related(
    ctx: AppContext, key: str, today: dt.date | None = None, *, inactive_days: int | None = None
) -> AccountRelated:
    """The related rows in force linked to account `key` (its stored key), as of `today`
    (default the context's today)."""
    from .settings import money_format

    day = today or ctx.today
    with ctx.db.session() as s:
        frames = {k: load_in_force(s, k, account_keys=[key], extra=True) for k in SHOWN_KINDS}
        sources = _sources(s, frames)
    usage_as_of = max((src.as_of for src in sources if src.kind == USAGE), default=None)
    usage, period = view.usage_series(frames[USAGE], day, through=usage_as_of)
    open_tickets, closed_90d = view.tickets_view(frames[TICKETS], day)
    days = view.INACTIVE_DAYS if inactive_days is None else inactive_days
    return AccountRelated(
        key=key,
        today=day,
        subscriptions=view.subscriptions_view(frames[SUBSCRIPTIONS], day),
        contacts=view.contacts_view(frames[CONTACTS], day, days),
        open_tickets=open_tickets,
        tickets_total=len(frames[TICKETS]),
        tickets_closed_90d=closed_90d,
        usage=usage,
        usage_period=period,
        usage_rows=len(frames[USAGE]),
        sources=sources,
        inactive_days=days,
        money=money_format(ctx),
    )


def _sources(s: Session, frames: dict[str, pd.DataFrame]) -> tuple[RelatedSource, ...]:
    """The imports whose rows are in force for this account, in kind order, newest first."""
    out: list[RelatedSource] = []
    for kind in RELATED_KIND_NAMES:
        frame = frames.get(kind)
        if frame is None or frame.empty:
            continue
        counts = frame["import_id"].value_counts()
        found = []
        for import_id, rows in counts.items():
            record = get_import(s, int(str(import_id)))
            if record is not None:
                # the name without its folder, written with / or \ alike
                name = PureWindowsPath(record.file_name).name or record.file_name
                found.append(RelatedSource(kind, name, record.as_of, int(rows)))
        out.extend(sorted(found, key=lambda src: src.as_of, reverse=True))
    return tuple(out)
