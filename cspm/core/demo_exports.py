"""The demo's related exports, all four from one seed: subscriptions, contacts, support
tickets and usage events of the accounts in the demo's CRM exports (`cspm.core.demo`).

`cspm demo` writes them as the CSV files those tools export and imports them through the
same path as a user's files, so the Contacts view, the account detail's subscriptions,
contacts, tickets and usage, and the segments built on them are full on first open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.demo import DemoSnapshot
from cspm.core.demo_related import DemoHistory, subscriptions_export, tickets_export
from cspm.core.demo_usage import contacts_export, usage_export


@dataclass(frozen=True)
class DemoExports:
    """One frame per related export, columns as the source tool writes them."""

    subscriptions: pd.DataFrame
    contacts: pd.DataFrame
    tickets: pd.DataFrame
    usage: pd.DataFrame

    def files(self) -> list[tuple[str, str, pd.DataFrame]]:
        """(kind, file name, frame), in the order they are imported: subscriptions first
        (usage names them), contacts before usage and tickets (which name their e-mails)."""
        return [
            ("subscriptions", "stripe-subscriptions.csv", self.subscriptions),
            ("contacts", "hubspot-contacts.csv", self.contacts),
            ("tickets", "zendesk-tickets.csv", self.tickets),
            ("usage", "product-usage-events.csv", self.usage),
        ]


def generate_exports(snapshots: list[DemoSnapshot], seed: int = 7) -> DemoExports:
    """The related exports of the demo portfolio whose monthly exports are `snapshots`."""
    rng = np.random.default_rng(seed + 1)
    history = DemoHistory.of(snapshots)
    subscriptions, latest = subscriptions_export(history, rng)
    contacts = contacts_export(history, rng)
    tickets = tickets_export(history, contacts, rng)
    usage = usage_export(history, contacts, latest, rng)
    return DemoExports(subscriptions, contacts, tickets, usage)
