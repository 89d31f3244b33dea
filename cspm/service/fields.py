"""The canonical fields an import maps columns to, as plain records for `cspm fields`.

A user writing `--map HEADER=FIELD` or a mapping profile needs the valid names and the header
texts each one already recognises; this is the one list, straight from `cspm.core.fields`.
"""

from __future__ import annotations

from typing import Any

from cspm.core.field_labels import AGGREGATE_FIELDS, is_percent
from cspm.core.fields import CANONICAL_FIELDS


def field_catalogue() -> list[dict[str, Any]]:
    """One record per canonical field: name, type, label, synonyms and weak synonyms; whether
    it is an aggregate of related data (subscriptions, usage, tickets, contacts) and whether it
    is a fraction read and written as a percent (0.3 = 30%).

    Synonyms are shown in their normalised form (lower case, no punctuation), which is how
    headers are compared; API names match them without spaces ("AnnualRevenue").
    """
    return [
        {
            "name": f.name,
            "type": str(f.type),
            "label": f.label,
            "synonyms": list(f.synonyms),
            "weak_synonyms": list(f.weak_synonyms),
            "aggregate": f.name in AGGREGATE_FIELDS,
            "percent": is_percent(f.name),
        }
        for f in CANONICAL_FIELDS
    ]
