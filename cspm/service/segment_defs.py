"""Stored segment definitions with their rules checked against the current field catalogue.

A stored rule can stop fitting the data (a custom column it names is gone from newer imports);
such a segment is kept, flagged with the reason, and left out of evaluation rather than
breaking every view.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.orm import Session

from cspm.core.errors import BadInputError
from cspm.core.fields import FieldType
from cspm.core.rules import Rule, parse_rule
from cspm.storage import segments_repo


@dataclass(frozen=True)
class SegmentDef:
    name: str
    description: str
    rule_json: dict[str, Any]
    colour: str | None
    builtin: bool
    rule: Rule | None = None  # parsed; None when the rule does not fit the catalogue
    error: str | None = None
    changed_by: str | None = None  # who added or last changed it

    def checked(self, catalog: dict[str, FieldType]) -> SegmentDef:
        try:
            return replace(self, rule=parse_rule(self.rule_json, catalog), error=None)
        except BadInputError as exc:
            return replace(self, rule=None, error=str(exc))


def load_segment_defs(session: Session) -> list[SegmentDef]:
    return [
        SegmentDef(r.name, r.description, r.rule, r.colour, r.builtin, changed_by=r.user)
        for r in segments_repo.list_segments(session)
    ]
