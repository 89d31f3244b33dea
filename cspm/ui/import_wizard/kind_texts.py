"""How the wizard names each kind of file, and which account fields a kind feeds.

Words only (no widgets), kept apart so the kind page, the mapping page and the summary say the
same thing about a kind: "a subscriptions file: one row per subscription", "ARR, MRR, seats,
plan, renewal date from subscriptions".
"""

from __future__ import annotations

from dataclasses import dataclass

from cspm.core.fields import FIELDS
from cspm.core.related.carried import DERIVED_BY_KIND
from cspm.core.related.kinds import ACCOUNTS, KIND_NAMES, RELATED_KINDS


@dataclass(frozen=True)
class KindText:
    title: str  # "Subscriptions or contracts" (the combo's first words)
    noun: str  # "a subscriptions file"
    shape: str  # "one row per subscription"
    holds: str  # what its columns usually are
    source: str  # "subscriptions" in "ARR, MRR ... from subscriptions"
    links: str = ""  # how its rows find their account ("by account ID or name")


KIND_TEXTS: dict[str, KindText] = {
    ACCOUNTS: KindText(
        "Accounts",
        "an accounts file",
        "one row per account",
        "name, owner, ARR, renewal date, health, tier",
        "accounts",
    ),
    "subscriptions": KindText(
        "Subscriptions or contracts",
        RELATED_KINDS["subscriptions"].noun,
        "one row per subscription",
        "start and end dates, MRR or ARR, seats, plan; closed-won opportunities too",
        "subscriptions",
        "by account ID or name",
    ),
    "usage": KindText(
        "Product usage events",
        RELATED_KINDS["usage"].noun,
        "one row per usage event",
        "a date, the user's e-mail or the subscription, a count, the feature",
        "usage",
        "by account ID, subscription ID or the user's e-mail",
    ),
    "tickets": KindText(
        "Support tickets",
        RELATED_KINDS["tickets"].noun,
        "one row per ticket",
        "opened and closed dates, priority, escalation, satisfaction",
        "tickets",
        "by account ID or name, or the requester's e-mail",
    ),
    "contacts": KindText(
        "Contacts or users",
        RELATED_KINDS["contacts"].noun,
        "one row per contact",
        "e-mail, name, role, last login",
        "contacts",
        "by account ID or name, or the e-mail's domain",
    ),
    "churn_events": KindText(
        "Churn events",
        RELATED_KINDS["churn_events"].noun,
        "one row per churn or reactivation",
        "the churn date, a reason, whether it is a reactivation",
        "churn events",
        "by account ID or name",
    ),
}
assert set(KIND_TEXTS) == set(KIND_NAMES), "every kind --kind accepts has words here"

# the fields a summary names where the label reads badly mid-sentence
_SHORT = {"seats_purchased": "seats", "churn_flag": "churned"}


def choice_label(kind: str) -> str:
    """The kind combo's line: "Subscriptions or contracts: one row per subscription"."""
    text = KIND_TEXTS[kind]
    return f"{text.title}: {text.shape}"


def field_label(name: str) -> str:
    """An account field as a summary names it ("ARR", "seats", "Usage Events (30 days)")."""
    if name in _SHORT:
        return _SHORT[name]
    spec = FIELDS.get(name)
    if spec is None:
        return name
    return spec.label if spec.label.isupper() else spec.label.lower()


def fed_fields(kind: str) -> list[str]:
    """The account fields an import of this kind derives (none for accounts: it sets them)."""
    return list(DERIVED_BY_KIND.get(kind, ()))


def feeds_sentence(kind: str) -> str:
    """ "ARR, MRR, seats, plan, contract start, renewal date, active subscriptions from
    subscriptions" (empty for accounts, whose columns are the fields themselves)."""
    names = fed_fields(kind)
    if not names:
        return ""
    return f"{', '.join(field_label(n) for n in names)} from {KIND_TEXTS[kind].source}"
