"""Contacts as a CSM works with them: who at each account logs in, who stopped, which admins
and executives went quiet. For the Contacts view and `cspm contacts` alike.

Rows are the contacts in force (`service.contact_rows`) that link to an account in the
portfolio, with the account's name, ID and owner beside them. Contacts that link to no account
are counted (`ContactList.unlinked`), never shown under a guessed account: the import that
brought them reports them. Filters are vectorised over the whole table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cspm.core.errors import BadInputError
from cspm.core.fields import FieldType
from cspm.core.related.contact_table import (
    CONTACT_RULE_FIELDS,
    casefold_rank,
    contact_table,
    inactive_mask,
)
from cspm.core.related.frames import columns_of
from cspm.core.related.kinds import CONTACTS
from cspm.core.related.roles import EXEC_LABEL, means_exec

from .contact_rows import contacts_table
from .portfolio import load_portfolio, resolve_account

if TYPE_CHECKING:
    from .context import AppContext

CONTACT_COLUMNS: tuple[str, ...] = (
    "email",
    "name",
    "role",
    "last_login",
    "days_since_login",
    "account_key",
    "account_external_id",
    "account_name",
    "owner",
    "active_10d",
    "active_14d",
    "active_30d",
    "is_exec",
)
"""The columns of a contact list, in the order JSON and CSV write them."""

IMPORT_HINT = (
    "Import a contacts export: File > Import, or `cspm import contacts.csv --kind contacts`."
)


@dataclass(frozen=True)
class ContactList:
    """Contacts after the filters, and what a view needs to say about the rest."""

    frame: pd.DataFrame  # CONTACT_COLUMNS, sorted by account name then contact name/e-mail
    imported: bool  # any contact rows in force at all (else: say how to import them)
    linked: int  # contacts that belong to an account of the portfolio (before filters)
    unlinked: int  # contacts in force linking to no account
    roles: list[str] = field(default_factory=list)  # roles present, most common first


def list_contacts(
    ctx: AppContext,
    account: str | None = None,
    inactive_days: int | None = None,
    role: str | None = None,
    today: dt.date | None = None,
    *,
    owner: str | None = None,
    search: str | None = None,
) -> ContactList:
    """The contacts of the portfolio's accounts, optionally of one account (key, external ID
    or name), inactive for more than `inactive_days` days (or never logged in), with a role
    containing `role` (any case; "exec" = admins and executives), of one owner (a name or
    book.UNASSIGNED) or matching `search` (e-mail, name, role or account, any case).

    today: the day "days since login" counts to (default: the context's today)."""
    if inactive_days is not None and inactive_days < 0:
        raise BadInputError(f"--inactive-days must be 0 or more, not {inactive_days}.")
    table = contacts_table(ctx)
    if today is not None and today != ctx.today:
        table = contact_table(table[list(columns_of(CONTACTS))], today)
    p = load_portfolio(ctx)
    accounts = p.frame
    linked_mask = table["account_key"].isin(accounts.index).to_numpy(dtype=bool)
    unlinked = int((~linked_mask).sum())
    linked = table[linked_mask]
    roles = _roles(linked)
    keep = np.ones(len(linked), dtype=bool)
    if account is not None:
        key = resolve_account(accounts, account)
        keep &= (linked["account_key"] == key).to_numpy(dtype=bool)
    if owner is not None:
        from .book import book_index

        scope = book_index(ctx).owner_mask(owner)
        if scope is not None:
            keep &= linked["account_key"].isin(accounts.index[scope]).to_numpy(dtype=bool)
    if inactive_days is not None:
        keep &= inactive_mask(linked, inactive_days)
    if role is not None and role.strip():
        keep &= role_mask(linked, role)
    chosen = _with_accounts(linked[keep], accounts)
    if search is not None and search.strip():
        chosen = chosen[search_mask(chosen, search)]
    return ContactList(
        _sorted(chosen),
        imported=len(table) > 0,
        linked=len(linked),
        unlinked=unlinked,
        roles=roles,
    )


def role_mask(table: pd.DataFrame, role: str) -> np.ndarray:
    """Contacts whose role contains `role` (any case), or the admins and executives when
    `role` says so ("exec", "Admins and executives")."""
    if means_exec(role) or role.strip().casefold() == EXEC_LABEL.casefold():
        return table["is_exec"].to_numpy(dtype=bool)
    needle = role.strip().casefold()
    codes, uniques = pd.factorize(table["role"].astype(object))
    texts = pd.Series(uniques, dtype=object).astype(str).str.casefold()
    hits = texts.str.contains(needle, regex=False).to_numpy(dtype=bool)
    return np.append(hits, False)[codes]


def search_mask(frame: pd.DataFrame, text: str) -> np.ndarray:
    """Rows whose e-mail, name, role or account name contains `text` (any case)."""
    needle = text.strip().casefold()
    hit = np.zeros(len(frame), dtype=bool)
    for col in ("email", "name", "role", "account_name", "account_external_id"):
        values = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
        hit |= values.str.casefold().str.contains(needle, regex=False).to_numpy(dtype=bool)
    return hit


def _roles(table: pd.DataFrame) -> list[str]:
    """Distinct roles (trimmed; first spelling of each ignoring case), most common first.

    Counted on the distinct texts (a few hundred titles among 100,000 contacts)."""
    codes, uniques = pd.factorize(table["role"].astype(object))
    if not len(uniques):
        return []
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    total: dict[str, int] = {}
    first: dict[str, str] = {}  # folded -> the first spelling met
    for text, count in zip(uniques, counts, strict=True):
        shown = str(text).strip()
        if shown:
            fold = shown.casefold()
            total[fold] = total.get(fold, 0) + int(count)
            first.setdefault(fold, shown)
    return [first[f] for f in sorted(total, key=lambda f: (-total[f], f))]


def _with_accounts(table: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """The contact columns plus the account's external ID, name and owner."""
    rows = accounts.index.get_indexer(table["account_key"].to_numpy(dtype=object))
    out = table.copy()
    for col, source in (("account_external_id", "external_id"), ("account_name", "name"),
                        ("owner", "owner")):  # fmt: skip
        values = accounts[source].to_numpy(dtype=object)[rows]  # every row links (rows >= 0)
        out[col] = pd.Series(values, index=table.index, dtype=object)
        out[col] = out[col].where(out[col].notna(), None)
    return out[list(CONTACT_COLUMNS)]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """Account name, then contact name, then e-mail (ignoring case; blanks first): the table
    comes ordered by contact name and e-mail, so one stable sort by account suffices."""
    order = np.argsort(casefold_rank(frame["account_name"]), kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def contact_roles(ctx: AppContext) -> list[str]:
    """The roles present among the portfolio's contacts (for a role filter's choices)."""
    return list_contacts(ctx).roles


def contact_field_catalog() -> dict[str, str]:
    """Contact field -> type name, for a segment counted over contacts (the rule builder's
    "Count contacts" mode)."""
    return {name: str(ftype) for name, ftype in CONTACT_RULE_FIELDS.items()}


def contact_field_values(ctx: AppContext, field: str, limit: int = 200) -> list[str]:
    """Distinct values of a contact text field (role, e-mail domain...), most common first."""
    table = contacts_table(ctx)
    if field not in table.columns or CONTACT_RULE_FIELDS.get(field) != FieldType.TEXT:
        return []
    counts = table[field].dropna().astype(str).str.strip().value_counts()
    return [v for v in counts.index[:limit] if v]
