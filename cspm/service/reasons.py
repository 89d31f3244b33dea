"""Reasons and field names in the words a CSM knows, for every screen that shows them.

The core writes reasons with field names ("contract_start 2025-03-09 is more than 365 days
ago", "no contract_start and no other rule matched", "imported lifecycle_stage 'Onboarding'");
the account detail, the segments' "Why" column and any other view show them with the fields'
labels instead ("Contract Start 2025-03-09 ..."). One place, so the views agree.
"""

from __future__ import annotations

import re

from cspm.core.field_labels import DERIVED_LABELS, FIELD_LABELS, field_label

__all__ = ["DERIVED_LABELS", "FIELD_LABELS", "field_label", "readable_reason", "readable_reasons"]

_LEADING_NAME = re.compile(r"^([a-z][a-z0-9_]*)(?=\s)")
# a snake_case identifier (at least one underscore) outside quotes: only field names look so
_SNAKE = re.compile(r"(?<![\w'])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w'])")
_AFTER_AND = re.compile(r"(?<= and )([a-z][a-z0-9_]*)(?=\s)")


def _outside_quotes(text: str, pattern: re.Pattern[str], known: dict[str, str]) -> str:
    parts = text.split("'")
    for i in range(0, len(parts), 2):  # even parts are outside '...'
        parts[i] = pattern.sub(lambda m: known.get(m.group(1), m.group(1)), parts[i])
    return "'".join(parts)


def readable_reason(text: str) -> str:
    """A reason with its field names in words: each clause's leading name, a name after
    " and ", and any snake_case field name anywhere (outside quoted values); other words,
    and values in quotes, are left alone."""

    def clause(part: str) -> str:
        m = _LEADING_NAME.match(part)
        if m is not None and m.group(1) in FIELD_LABELS:
            part = FIELD_LABELS[m.group(1)] + part[m.end() :]
        part = _outside_quotes(part, _AFTER_AND, FIELD_LABELS)
        return _outside_quotes(part, _SNAKE, FIELD_LABELS)

    return "; ".join(clause(part) for part in text.split("; "))


def readable_reasons(texts: list[str]) -> list[str]:
    """`readable_reason` for many reasons at once (a segment's members' "Why" column); equal
    texts are translated once, so a large segment with few distinct reasons costs little."""
    cache: dict[str, str] = {}
    return [cache.get(t) or cache.setdefault(t, readable_reason(t)) for t in texts]
