"""The fields an import maps columns to, as plain records for `cspm fields [--kind KIND]`.

A user writing `--map HEADER=FIELD` or a mapping profile needs the valid names and the header
texts each one already recognises; this is the one list per kind of file, straight from the
kind's vocabulary (`cspm.core.field_vocab`): the account fields, or a related kind's own fields
followed by the columns it only reads to derive them (an opportunity's stage, a price's
billing interval).
"""

from __future__ import annotations

from typing import Any

from cspm.core.field_labels import AGGREGATE_FIELDS, is_percent
from cspm.core.field_vocab import vocabulary
from cspm.core.related.kinds import ACCOUNTS, RELATED_KINDS

_DERIVES: dict[str, str] = {
    "amount": "read: ARR of an opportunity, or MRR with interval and seats",
    "interval": "read: the billing interval of amount (month, year...)",
    "stage": "read: only Closed Won opportunities are imported",
    "is_won": "read: only won opportunities are imported",
    "term_months": "read: end date = start + term where no end is given",
    "cancel_at_period_end": "read: ends at the current period end where no end is given",
    "first_name": "read: name = first + last name",
    "last_name": "read: name = first + last name",
}


def field_catalogue(kind: str = ACCOUNTS) -> list[dict[str, Any]]:
    """One record per field of `kind`: name, type, label, synonyms and weak synonyms, and for a
    related kind's read-only inputs a note saying what they become; whether it is an aggregate
    of related data and whether it is a fraction read and written as a percent (0.3 = 30%).

    Synonyms are shown in their normalised form (lower case, no punctuation), which is how
    headers are compared; API names match them without spaces ("AnnualRevenue").
    """
    own = set(RELATED_KINDS[kind].field_names) if kind in RELATED_KINDS else None
    records = []
    for f in vocabulary(kind).fields.values():
        record: dict[str, Any] = {
            "name": f.name,
            "type": str(f.type),
            "label": f.label,
            "synonyms": list(f.synonyms),
            "weak_synonyms": list(f.weak_synonyms),
            "aggregate": own is None and f.name in AGGREGATE_FIELDS,
            "percent": own is None and is_percent(f.name),
        }
        if own is not None:
            record["stored"] = f.name in own
            if f.name not in own:
                record["note"] = _DERIVES.get(f.name, "read, not stored")
        records.append(record)
    return records
