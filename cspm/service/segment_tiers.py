"""Renaming a tier inside stored segment rules, when the tier itself is renamed in Settings.

Kept apart from `segments` (the use cases over segments): it runs inside the settings
transaction and needs nothing but the stored rule JSON.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from cspm.storage import segments_repo


def _rename_tier_json(node: Any, old: str, new: str) -> Any:
    """The rule JSON with tier values equal to `old` (case-insensitive) replaced by `new`.

    Works on the JSON, not a parsed rule, so rules naming custom fields are renamed too."""
    if isinstance(node, list):
        return [_rename_tier_json(n, old, new) for n in node]
    if not isinstance(node, dict):
        return node
    if node.get("field") == "tier" and "value" in node:

        def swap(v: Any) -> Any:
            return new if isinstance(v, str) and v.strip().casefold() == old.casefold() else v

        value = node["value"]
        return {
            **node,
            "value": [swap(v) for v in value] if isinstance(value, list) else swap(value),
        }
    return {k: _rename_tier_json(v, old, new) for k, v in node.items()}


def rename_tier_in_segments(session: Session, old: str, new: str) -> None:
    """Rewrite tier conditions naming `old` (called inside the settings transaction)."""
    for row in segments_repo.list_segments(session):
        renamed = _rename_tier_json(row.rule, old, new)
        if renamed != row.rule:
            seg = segments_repo.find(session, row.name)
            if seg is not None:
                segments_repo.update(session, seg, rule=renamed)
