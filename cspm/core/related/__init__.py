"""Related data: subscriptions, usage events, support tickets, contacts and churn events.

An accounts file has one row per account; these kinds have many rows per account. Their rows
are stored as imported (one table per kind), linked to accounts when read (`linking`), and the
account aggregates at any date (ARR from active subscriptions, open tickets, inactive
contacts...) are derived from them vectorised (`aggregates`), never typed by hand.
"""
