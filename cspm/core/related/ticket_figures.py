"""Support-ticket figures of every account at one date: open tickets, tickets opened and
escalated in the last 90 days (d-90 < opened <= d), and the mean satisfaction of tickets
closed in those 90 days.

A ticket is open on d when it was opened on or before d and is not closed by then (no close
date, or closed after d). A ticket whose status says it is closed or solved but has no close
date is taken as closed on the day it was opened: counting it open for ever would raise every
later open count on the word of a file that says it is done, and its satisfaction is still
counted (in the window of its opening day). A missing escalation flag is not an escalation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .day_arrays import NO_DAY, count_by, days, sum_by

WINDOW_DAYS = 90
CLOSED_STATUS = r"(?i)\b(?:closed|solved|resolved|done|completed|cancell?ed|canceled)\b"
"""Status words that mean a ticket is finished."""


class TicketFigures:
    """Tickets of linked accounts with their effective close day, prepared once."""

    def __init__(self, tickets: pd.DataFrame, codes: np.ndarray, n: int) -> None:
        self.n, self.codes = n, codes
        self.opened = days(tickets["opened_at"])
        closed = days(tickets["closed_at"])
        status = tickets["status"].astype(object).where(tickets["status"].notna(), "")
        said_closed = status.astype(str).str.contains(CLOSED_STATUS, regex=True).to_numpy(bool)
        self.closed = np.where((closed == NO_DAY) & said_closed, self.opened, closed)
        self.escalated = tickets["escalated"].astype("boolean").fillna(False).to_numpy(bool)
        self.satisfaction = tickets["satisfaction"].to_numpy(dtype=np.float64)
        self.has_opened = self.opened != NO_DAY

    def at(self, day: int) -> dict[str, np.ndarray]:
        n, codes = self.n, self.codes
        opened_by = self.has_opened & (self.opened <= day)
        still_open = opened_by & ((self.closed == NO_DAY) | (self.closed > day))
        recent = opened_by & (self.opened > day - WINDOW_DAYS)
        closed_recent = (self.closed != NO_DAY) & (self.closed <= day)
        closed_recent &= self.closed > day - WINDOW_DAYS
        rated = closed_recent & ~np.isnan(self.satisfaction)
        rated_n = count_by(codes, n, rated)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(
                rated_n > 0, sum_by(codes, self.satisfaction, n, rated) / rated_n, np.nan
            )
        return {
            "open_tickets": count_by(codes, n, still_open),
            "tickets_opened_90d": count_by(codes, n, recent),
            "tickets_escalated_90d": count_by(codes, n, recent & self.escalated),
            "ticket_satisfaction_90d": mean,
        }
