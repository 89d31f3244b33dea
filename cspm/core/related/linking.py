"""Linking related rows to accounts: which account each subscription, usage event, ticket,
contact and churn event belongs to.

Exports name their account in different ways: a CRM ID, a company name, or not at all (usage
events carry a subscription ID or the user's e-mail). The rules, first that applies wins:

1. `account_id` equals an account's external ID (trimmed, case-insensitive) or its key;
2. `account_name` equals an account's name (casefolded, whitespace collapsed) or its key;
3. usage only: `subscription_id` -> the linked subscription's account;
4. usage and tickets: `user_email` -> the linked contact with that address -> its account;
5. contacts, usage and tickets: the address's domain equals exactly one account's website
   domain (free-mail domains never link; a domain two accounts share links to neither).

A row whose `account_id` names no account stays unlinked: the ID is the file's own statement of
whose row it is, so it waits for that account to arrive (an accounts file imported later) rather
than being guessed from a name or domain now and moved later. An `account_name` naming no
account does fall through to rules 3-5 (names are loose: "Acme Inc." against "Acme, Inc.").
Ambiguous references (one name shared by two accounts, one e-mail on two accounts' contacts)
link nothing. Everything is vectorised over the distinct values of each column, so a million
usage rows with a hundred thousand distinct addresses cost one pass over the uniques.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .domains import email_domains, website_domains
from .frames import RelatedFrames
from .kinds import CHURN_EVENTS, CONTACTS, RELATED_KIND_NAMES, SUBSCRIPTIONS, TICKETS, USAGE
from .normalise import Normaliser, email, loose, on_uniques, text

BY_ACCOUNT = "account"
BY_SUBSCRIPTION = "subscription"
BY_CONTACT = "contact"
BY_DOMAIN = "domain"
LINKED_BY = (BY_ACCOUNT, BY_SUBSCRIPTION, BY_CONTACT, BY_DOMAIN)
"""Every value of the `linked_by` column (None: the row links to nothing)."""


def _table(pairs: list[tuple[pd.Series, pd.Series]]) -> dict[str, str]:
    """Lookup value -> account key; a value that points at two different keys is dropped
    (ambiguous), earlier pairs taking precedence over later ones for the same value."""
    parts = [
        pd.DataFrame({"value": v.to_numpy(object), "key": k.to_numpy(object), "rank": i})
        for i, (v, k) in enumerate(pairs)
    ]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if df.empty:
        return {}
    df = df[df["value"].notna() & df["key"].notna()].drop_duplicates(["value", "key"])
    best = df.groupby("value")["rank"].transform("min")
    df = df[df["rank"] == best]
    keys_per_value = df.groupby("value")["key"].transform("nunique")
    df = df[keys_per_value == 1].drop_duplicates("value")
    return dict(zip(df["value"], df["key"], strict=True))


def _lookup(values: pd.Series, normalise: Normaliser, table: Mapping[str, str]) -> pd.Series:
    """The account key each value names through `table` (None when none)."""
    norm = on_uniques(values, normalise)
    return norm.map(table).astype(object).where(lambda s: s.notna(), None)


class _Accounts:
    """The accounts' lookup tables, built once per `link` call."""

    def __init__(self, accounts: pd.DataFrame) -> None:
        def col(name: str) -> pd.Series:
            if name in accounts.columns:
                return accounts[name].astype(object).reset_index(drop=True)
            return pd.Series([None] * len(accounts), dtype=object)

        key = text(col("key"))
        ext, name = col("external_id"), col("name")
        self.exact_id = _table([(text(ext), key), (key, key)])
        self.loose_id = _table([(loose(ext), key), (loose(key), key)])
        self.name = _table([(loose(name), key), (loose(key), key)])
        self.domain = _table([(website_domains(col("website")), key)])


def _apply(
    key: pd.Series, by: pd.Series, todo: pd.Series, found: pd.Series, label: str
) -> pd.Series:
    """Fill `key`/`by` where `todo` and `found` is known; returns the rows still to do."""
    hit = todo & found.notna()
    key[hit] = found[hit]
    by[hit] = label
    return todo & ~hit


def _link_frame(
    frame: pd.DataFrame,
    accounts: _Accounts,
    *,
    subscriptions: Mapping[str, str] | None = None,
    contacts: Mapping[str, str] | None = None,
    email_column: str | None = None,
) -> pd.DataFrame:
    """One kind's rows with `account_key` and `linked_by` set by the rules in the docstring."""
    n = len(frame)
    key = pd.Series([None] * n, index=frame.index, dtype=object)
    by = pd.Series([None] * n, index=frame.index, dtype=object)
    if n:
        ids = on_uniques(frame["account_id"], text) if "account_id" in frame else key.copy()
        has_id = ids.notna()
        todo = pd.Series(True, index=frame.index)
        if has_id.any():
            found = _lookup(ids, text, accounts.exact_id)
            folded = _lookup(ids, loose, accounts.loose_id)
            found = found.where(found.notna(), folded)
            todo = _apply(key, by, todo, found, BY_ACCOUNT)
            todo &= ~has_id  # an ID naming no account waits for it; no guessing
        if "account_name" in frame and todo.any():
            found = _lookup(frame["account_name"], loose, accounts.name)
            todo = _apply(key, by, todo, found, BY_ACCOUNT)
        if subscriptions is not None and "subscription_id" in frame and todo.any():
            found = _lookup(frame["subscription_id"], text, subscriptions)
            todo = _apply(key, by, todo, found, BY_SUBSCRIPTION)
        if email_column is not None and email_column in frame and todo.any():
            if contacts is not None:
                found = _lookup(frame[email_column], email, contacts)
                todo = _apply(key, by, todo, found, BY_CONTACT)
            if todo.any() and accounts.domain:
                found = _lookup(frame[email_column], email_domains, accounts.domain)
                todo = _apply(key, by, todo, found, BY_DOMAIN)
    out = frame.copy()
    out["account_key"] = key
    out["linked_by"] = by
    return out


def _links_of(frame: pd.DataFrame, column: str, normalise: Normaliser) -> dict[str, str]:
    """value of `column` -> account key over a linked frame (ambiguous values dropped)."""
    if frame.empty or column not in frame:
        return {}
    linked = frame[frame["account_key"].notna()]
    return _table([(on_uniques(linked[column], normalise), linked["account_key"])])


def link(frames: RelatedFrames, accounts: pd.DataFrame) -> RelatedFrames:
    """Every related row's `account_key` (None when nothing links) and `linked_by` (which rule
    linked it: "account", "subscription", "contact", "domain", or None).

    `accounts`: columns `key` (see core.plan.account_key), `external_id`, `name`, `website`
    (any may be missing). The result is recomputed from scratch: a stored `account_key` is not
    trusted, so re-linking after an accounts import links rows that waited for their account.
    """
    acc = _Accounts(accounts)
    subs = _link_frame(frames.of(SUBSCRIPTIONS), acc)
    contacts = _link_frame(frames.of(CONTACTS), acc, email_column="email")
    churn = _link_frame(frames.of(CHURN_EVENTS), acc)
    by_contact = _links_of(contacts, "email", email)
    usage = _link_frame(
        frames.of(USAGE),
        acc,
        subscriptions=_links_of(subs, "subscription_id", text),
        contacts=by_contact,
        email_column="user_email",
    )
    tickets = _link_frame(frames.of(TICKETS), acc, contacts=by_contact, email_column="user_email")
    return frames.replace(
        subscriptions=subs, contacts=contacts, churn_events=churn, usage=usage, tickets=tickets
    )


def unlinked(frames: RelatedFrames) -> dict[str, pd.DataFrame]:
    """The rows that link to no account, per kind; kinds with none are left out."""
    out: dict[str, pd.DataFrame] = {}
    for kind in RELATED_KIND_NAMES:
        frame = frames.of(kind)
        rows = frame[frame["account_key"].isna()] if len(frame) else frame
        if len(rows):
            out[kind] = rows
    return out
