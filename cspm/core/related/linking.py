"""Linking related rows to accounts: which account each subscription, usage event, ticket,
contact and churn event belongs to.

Exports name their account in different ways: a CRM ID, a company name, or not at all (usage
events carry a subscription ID or the user's e-mail). The rules, first that applies wins:

1. `account_id` equals an account's external ID (trimmed, case-insensitive) or its key, or
   is the other spelling of its Salesforce ID (15 characters for 18, or 18 for 15);
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

import numpy as np
import pandas as pd

from .domains import email_domains, website_domains
from .frames import RelatedFrames
from .kinds import CHURN_EVENTS, CONTACTS, RELATED_KIND_NAMES, SUBSCRIPTIONS, TICKETS, USAGE
from .normalise import Normaliser, email, loose, on_uniques, text
from .salesforce_ids import other_spelling

BY_ACCOUNT = "account"
BY_SUBSCRIPTION = "subscription"
BY_CONTACT = "contact"
BY_DOMAIN = "domain"
LINKED_BY = (BY_ACCOUNT, BY_SUBSCRIPTION, BY_CONTACT, BY_DOMAIN)
"""Every value of the `linked_by` column (None: the row links to nothing)."""


def _table(pairs: list[tuple[pd.Series, pd.Series]]) -> dict[str, str]:
    """Lookup value -> account key. Earlier pairs take precedence over later ones for the same
    value; a value pointing at two different keys in the first pair that has it is ambiguous
    and maps to nothing (later pairs do not rescue it)."""
    out: dict[str, str] = {}
    decided: set[str] = set()
    for values, keys in pairs:
        df = pd.DataFrame(
            {"value": values.to_numpy(object), "key": keys.to_numpy(object)}, dtype=object
        )
        df = df.dropna().drop_duplicates()
        df = df[~df["value"].isin(decided)]
        ambiguous = df["value"].duplicated(keep=False).to_numpy()
        value_list = df["value"].to_numpy(object)
        out.update(zip(value_list[~ambiguous], df["key"].to_numpy(object)[~ambiguous], strict=True))
        decided.update(value_list.tolist())
    return out


class _Column:
    """One column factorized once, so each rule's normalising and lookup runs over its
    distinct values and is spread to the rows with one take."""

    def __init__(self, values: pd.Series) -> None:
        self.codes, uniques = pd.factorize(values, use_na_sentinel=True)
        self.uniques = pd.Series(uniques, dtype=object)

    def _spread(self, per_unique: np.ndarray) -> np.ndarray:
        out = np.full(len(self.codes), None, dtype=object)
        has = self.codes >= 0
        out[has] = per_unique[self.codes[has]]
        return out

    def present(self) -> np.ndarray:
        """Rows whose value is not missing or blank."""
        return pd.notna(self._spread(text(self.uniques).to_numpy(object)))

    def lookup(self, normalise: Normaliser, table: Mapping[str, str]) -> np.ndarray:
        """The account key each row names through `table` (None when none)."""
        if not table or not len(self.uniques):
            return np.full(len(self.codes), None, dtype=object)
        found = normalise(self.uniques).map(table)
        return self._spread(found.astype(object).where(found.notna(), None).to_numpy(object))


class _Accounts:
    """The accounts' lookup tables, built once per `link` call."""

    def __init__(self, accounts: pd.DataFrame) -> None:
        def col(name: str) -> pd.Series:
            if name in accounts.columns:
                return accounts[name].astype(object).reset_index(drop=True)
            return pd.Series([None] * len(accounts), dtype=object)

        key = text(col("key"))
        ext, name = col("external_id"), col("name")
        self.exact_id = _table([(text(ext), key), (key, key), (other_spelling(text(ext)), key)])
        self.loose_id = _table([(loose(ext), key), (loose(key), key)])
        self.name = _table([(loose(name), key), (loose(key), key)])
        self.domain = _table([(website_domains(col("website")), key)])


def _apply(
    key: np.ndarray, by: np.ndarray, todo: np.ndarray, found: np.ndarray, label: str
) -> np.ndarray:
    """Fill `key`/`by` where `todo` and `found` is known; returns the rows still to do."""
    hit = todo & pd.notna(found)
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
    key = np.full(n, None, dtype=object)
    by = np.full(n, None, dtype=object)
    todo = np.ones(n, dtype=bool)
    if n and "account_id" in frame:
        ids = _Column(frame["account_id"])
        found = ids.lookup(text, accounts.exact_id)
        folded = ids.lookup(loose, accounts.loose_id)
        todo = _apply(key, by, todo, np.where(pd.notna(found), found, folded), BY_ACCOUNT)
        todo &= ~ids.present()  # an ID naming no account waits for it; no guessing
    if todo.any() and "account_name" in frame:
        found = _Column(frame["account_name"]).lookup(loose, accounts.name)
        todo = _apply(key, by, todo, found, BY_ACCOUNT)
    if todo.any() and subscriptions is not None and "subscription_id" in frame:
        found = _Column(frame["subscription_id"]).lookup(text, subscriptions)
        todo = _apply(key, by, todo, found, BY_SUBSCRIPTION)
    if todo.any() and email_column is not None and email_column in frame:
        emails = _Column(frame[email_column])
        if contacts is not None:
            todo = _apply(key, by, todo, emails.lookup(email, contacts), BY_CONTACT)
        if todo.any():
            todo = _apply(key, by, todo, emails.lookup(email_domains, accounts.domain), BY_DOMAIN)
    out = frame.copy()
    out["account_key"] = pd.Series(key, index=frame.index, dtype=object)
    out["linked_by"] = pd.Series(by, index=frame.index, dtype=object)
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
