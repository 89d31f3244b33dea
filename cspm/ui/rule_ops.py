"""Which operators each field type offers, and which value editor each operator needs.

This mirrors `cspm.core.rules.nodes.OPS_BY_TYPE` (the service stays the judge; the UI only
avoids offering what the service would refuse) and adds the labels a CSM reads.
"""

from __future__ import annotations

NUMERIC = ("number", "money", "score")
EMPTY_OPS = [("is_empty", "is empty"), ("is_not_empty", "is not empty")]
HISTORY_OPS = [
    ("dropped_by", "dropped by"),
    ("rose_by", "rose by"),
    ("dropped_by_pct", "dropped by %"),
    ("rose_by_pct", "rose by %"),
]
DAY_OPS = ("within_next_days", "within_last_days", "older_than_days")
OPS = {
    "text": [
        ("=", "is"),
        ("!=", "is not"),
        ("in", "is one of"),
        ("not_in", "is none of"),
        ("contains", "contains"),
        *EMPTY_OPS,
    ],
    "number": [
        ("=", "="),
        ("!=", "≠"),
        (">", ">"),
        (">=", "≥"),
        ("<", "<"),
        ("<=", "≤"),
        ("between", "between"),
        *EMPTY_OPS,
        *HISTORY_OPS,
        ("in", "is one of"),
        ("not_in", "is none of"),
    ],
    "date": [
        ("within_next_days", "in the next"),
        ("within_last_days", "in the last"),
        ("older_than_days", "more than … ago"),
        ("before", "before"),
        ("after", "after"),
        *EMPTY_OPS,
    ],
    "bool": [("=", "is"), ("!=", "is not"), *EMPTY_OPS],
}


def ops_for(ftype: str) -> list[tuple[str, str]]:
    """(op, label) offered for a field type; unknown types ('?': not in the data) get text's."""
    return OPS["number" if ftype in NUMERIC else ftype if ftype in OPS else "text"]


def editor_kind(ftype: str, op: str) -> str | None:
    """The value editor an operator needs on a field type; None when it takes no value.

    The `_pct` history ops get their own kind: their editor shows a '%' and so is not the
    same widget as the plain history one.
    """
    if op in ("is_empty", "is_not_empty"):
        return None
    if op in dict(HISTORY_OPS):
        return "history_pct" if op.endswith("_pct") else "history"
    if op in DAY_OPS:
        return "days"
    if op in ("before", "after"):
        return "date"
    if op == "between":
        return "between"
    if op in ("in", "not_in"):
        return "list"
    if ftype == "bool":
        return "bool"
    return "number" if ftype in NUMERIC else "text"
