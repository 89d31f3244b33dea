"""What kind of file this is: a list of accounts, or one of the related kinds.

The headers decide first (`file_kind.file_shape`: a Stripe "Current Period End", a Zendesk
"Requester email", a Salesforce "StageName"), keeping its protection of accounts lists: a file
that maps ARR, a renewal date, a health score... and has no repeated key stays an accounts list.
When the headers name no kind but the key column repeats (many rows per account), the shape
decides: the file is read with each related kind's vocabulary and the kind whose signature
fields all map wins (a start/end date pair: subscriptions; a date and an event or count: usage;
an opened date and a priority or status: tickets; an e-mail and a name or login: contacts; a
churn date: churn events). A file with many rows per account that fits none is refused by the
caller with the sentence it always had (`file_kind.refuse_shape`).

An opportunities export is a subscriptions file: its closed-won rows become subscriptions
(`source` says so, the plan filters by stage).
"""

from __future__ import annotations

from dataclasses import dataclass

from cspm.core.errors import BadInputError
from cspm.core.file_kind import FileShape, counts_text, file_shape
from cspm.core.header import Table
from cspm.core.mapping import ColumnMapping, auto_map

from .kinds import (
    ACCOUNTS,
    CHURN_EVENTS,
    CONTACTS,
    RELATED_KINDS,
    SUBSCRIPTIONS,
    TICKETS,
    USAGE,
)

OPPORTUNITIES = "an opportunities export"
"""`KindGuess.source` of a CRM opportunities/deals export (read as subscriptions)."""

_KIND_OF_EXPORT: dict[str, str] = {
    OPPORTUNITIES: SUBSCRIPTIONS,
    "a support tickets export": TICKETS,
    "a contacts export": CONTACTS,
    "a subscriptions export": SUBSCRIPTIONS,
    "a product usage export": USAGE,
    "a churn events export": CHURN_EVENTS,
}

# kind -> (fields that must all map, fields of which one more must map)
_SIGNATURES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    SUBSCRIPTIONS: (("start_date",), ("end_date", "mrr", "arr", "amount", "seats", "plan")),
    USAGE: (("usage_date",), ("feature", "count", "user_email", "usage_id")),
    TICKETS: (("opened_at",), ("ticket_id", "priority", "status", "closed_at", "escalated")),
    CONTACTS: (("email",), ("name", "role", "last_login", "first_name", "last_name")),
    CHURN_EVENTS: (("churn_date",), ("reason", "is_reactivation")),
}


@dataclass(frozen=True)
class KindGuess:
    """The kind a file was read as, the headers that said so, and the file's shape.

    source: what the file looked like when that differs from the kind's own noun
    ("an opportunities export" read as subscriptions), else "".
    """

    kind: str
    evidence: tuple[str, ...]
    shape: FileShape
    source: str = ""

    @property
    def is_related(self) -> bool:
        return self.kind != ACCOUNTS

    @property
    def from_opportunities(self) -> bool:
        return self.source == OPPORTUNITIES

    def describe(self) -> str:
        """ "a subscriptions file (columns 'Subscription ID', 'Current Period End')"."""
        noun = "a list of accounts" if self.kind == ACCOUNTS else RELATED_KINDS[self.kind].noun
        if self.from_opportunities:
            noun = f"{noun} (closed-won opportunities)"
        if not self.evidence:
            return noun
        return f"{noun} (columns {', '.join(repr(h) for h in self.evidence)})"


class RelatedFileError(BadInputError):
    """An accounts import was asked of a file detected as a related kind: nothing is made of
    it as accounts; the caller can import it as `guess.kind` instead."""

    def __init__(self, message: str, guess: KindGuess) -> None:
        super().__init__(message)
        self.guess = guess


def detect_kind(table: Table, mapping: ColumnMapping) -> KindGuess:
    """The kind of `table`, given its accounts mapping (`auto_map` of its headers).

    Always answers: "accounts" when nothing points elsewhere, including a file with many rows
    per account whose kind is not recognised (`guess.shape.many_rows_per_account` then tells
    the caller to refuse it as an accounts list).
    """
    shape = file_shape(table, mapping)
    if shape.kind is not None:
        kind = _KIND_OF_EXPORT[shape.kind.name]
        source = shape.kind.name if shape.kind.name == OPPORTUNITIES else ""
        return KindGuess(kind, shape.evidence, shape, source)
    # An accounts list's protection (ARR and no repeated key) holds: such a file never has
    # many rows per account, so the shape is never asked.
    if shape.many_rows_per_account:
        by_shape = _kind_by_shape(table.headers)
        if by_shape is not None:
            kind, evidence = by_shape
            return KindGuess(kind, evidence, shape)
    return KindGuess(ACCOUNTS, (), shape)


def _kind_by_shape(headers: list[str]) -> tuple[str, tuple[str, ...]] | None:
    """The related kind whose signature the headers fit best, with the headers that fit."""
    best: tuple[int, str, tuple[str, ...]] | None = None
    for kind, (must, one_of) in _SIGNATURES.items():
        at = auto_map(headers, kind=kind).field_columns()
        if not all(f in at for f in must) or not any(f in at for f in one_of):
            continue
        score = len(at)
        evidence = tuple(at[f] for f in (*must, *one_of) if f in at)[:3]
        if best is None or score > best[0]:
            best = (score, kind, evidence)
    return None if best is None else (best[1], best[2])


def related_refusal(guess: KindGuess, file_name: str) -> RelatedFileError:
    """The error of an accounts import given a related file (no accounts are made of it)."""
    noun = RELATED_KINDS[guess.kind].noun
    looks = guess.shape.kind.name if guess.shape.kind is not None else noun
    shown = ", ".join(f"'{h}'" for h in guess.evidence)
    return RelatedFileError(
        f"'{file_name}' looks like {looks}: {counts_text(guess.shape)} (columns {shown}), so "
        f"it is imported as {noun}, not as a list of accounts (--kind {guess.kind}); no "
        "accounts were created from it.",
        guess,
    )
