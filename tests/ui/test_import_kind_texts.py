"""The words the wizard uses for each kind: what a file feeds, and the kind combo's lines."""

from __future__ import annotations

from cspm.core.related.kinds import KIND_NAMES
from cspm.ui.import_wizard.kind_texts import choice_label, feeds_sentence


def test_each_related_kind_names_the_account_fields_it_feeds() -> None:
    assert feeds_sentence("subscriptions") == (
        "ARR, MRR, seats, plan, contract start, renewal date, active subscriptions "
        "from subscriptions"
    )
    assert feeds_sentence("churn_events") == "churn date, churned from churn events"
    assert feeds_sentence("contacts").endswith(
        "last admin/executive login, last login from contacts"
    )
    assert feeds_sentence("accounts") == ""  # an accounts file sets the fields themselves


def test_the_kind_combo_says_what_one_row_is() -> None:
    lines = [choice_label(k) for k in KIND_NAMES]
    assert lines[0] == "Accounts: one row per account"
    assert "Subscriptions or contracts: one row per subscription" in lines
    assert "Support tickets: one row per ticket" in lines
    assert len(set(lines)) == len(KIND_NAMES)
