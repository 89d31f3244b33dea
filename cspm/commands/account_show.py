"""`cspm accounts show ACCOUNT`: one account's related data on the command line, as the
account detail shows it: subscriptions (the next renewal), contacts (inactive ones), open
tickets, usage per week, and the files behind them. Sections without rows are left out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from cspm.cli_format import frame_records, text_table

from . import out

SUBSCRIPTION_COLUMNS = ["subscription_id", "plan", "start_date", "end_date", "arr", "mrr", "seats",
                        "status", "next_renewal"]  # fmt: skip
CONTACT_COLUMNS = ["name", "role", "email", "last_login", "days_since", "inactive", "never"]
TICKET_COLUMNS = ["ticket_id", "opened_at", "priority", "escalated", "age_days", "status"]
USAGE_COLUMNS = ["period", "events", "users", "partial"]


def register(sub: Any, sub_command: Any) -> None:
    """The `show` action of `cspm accounts`."""
    s = sub_command(sub, "show", "one account's subscriptions, contacts, open tickets and usage")
    s.add_argument("account", help="the account's ID or exact name")
    s.add_argument("--format", choices=["table", "json"], default="table")
    s.set_defaults(handler=show_command)


def show_command(args: argparse.Namespace) -> int:
    from cspm.service.account_related import account_related
    from cspm.service.accounts import account_names

    from . import opened

    with opened(args) as ctx:
        key, name, external_id = account_names(ctx, args.account)
        related = account_related(ctx, key)
    if args.format == "json":
        out(json.dumps(_json(related, key, name, external_id), indent=2, default=_iso))
        return 0
    out(_text(related, name or key, external_id or key))
    return 0


def _json(r: Any, key: str, name: str | None, external_id: str | None) -> dict[str, Any]:
    return {
        "key": key,
        "external_id": external_id,
        "name": name,
        "next_renewal": r.next_renewal,
        "subscriptions": _records(r.subscriptions, SUBSCRIPTION_COLUMNS),
        "contacts": _records(r.contacts, CONTACT_COLUMNS),
        "open_tickets": _records(r.open_tickets, TICKET_COLUMNS),
        "tickets_closed_90d": r.tickets_closed_90d,
        "usage_period": r.usage_period,
        "usage": _records(r.usage, USAGE_COLUMNS),
        "sources": [
            {"kind": s.kind, "file_name": s.file_name, "as_of": s.as_of, "rows": s.rows}
            for s in r.sources
        ],
    }


def _iso(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _records(frame: Any, columns: list[str]) -> list[dict[str, Any]]:
    """Only the named columns (the frames also carry link and bookkeeping columns)."""
    return [{c: rec.get(c) for c in columns} for rec in frame_records(frame, columns)]


def _text(r: Any, name: str, external_id: str) -> str:
    lines = [f"{name} ({external_id})"]
    if not r.has_any:
        lines.append("No subscriptions, contacts, tickets or usage linked to this account.")
        return "\n".join(lines)
    if len(r.subscriptions):
        lines += ["", f"Subscriptions: {r.active_subscriptions} active of {len(r.subscriptions)}."
                  f" {r.renewal_text.rstrip('.')}."]  # fmt: skip
        records = _records(r.subscriptions, SUBSCRIPTION_COLUMNS)
        for rec in records:
            rec["next_renewal"] = "renews next" if rec["next_renewal"] else ""
        lines.append(text_table(records, SUBSCRIPTION_COLUMNS, r.money))
    if len(r.contacts):
        lines += ["", f"Contacts: {r.contacts_summary}."]
        records = _records(r.contacts, CONTACT_COLUMNS)
        for rec in records:
            never, rec["inactive"] = rec.pop("never"), "inactive" if rec["inactive"] else ""
            rec["inactive"] += " (never logged in)" if never else ""
        lines.append(text_table(records, CONTACT_COLUMNS[:-1]))
    if r.tickets_total:
        lines += ["", f"Open tickets: {r.tickets_summary}. {r.closed_text}"]
        if len(r.open_tickets):
            lines.append(text_table(_records(r.open_tickets, TICKET_COLUMNS), TICKET_COLUMNS))
    if r.usage_rows:
        lines += ["", f"Usage (last 6 months): {r.usage_summary}."]
    if r.sources:
        lines += ["", r.sources_text]
    return "\n".join(lines)
