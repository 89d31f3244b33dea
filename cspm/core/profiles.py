"""What a saved mapping profile keeps, and how it is stored.

A profile began as a flat JSON object (normalised header -> target). It now also keeps value
maps and scale choices, so a CRM's "Non-renewing means churned" or "this NPS is in points" is
decided once. Old flat documents still load (they are column mappings only), and a profile with
no value maps or scales is still written flat, so older versions of cspm can read it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_COLUMNS, _VALUES, _SCALES, _KIND = "columns", "values", "scales", "kind"
ACCOUNTS = "accounts"


@dataclass(frozen=True)
class ProfileDocument:
    """columns: normalised header -> target; values: normalised header -> value key ->
    target; scales: normalised header -> scale; kind: the kind of file it maps (a profile
    applies only to files of its kind; profiles saved before kinds existed map accounts)."""

    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    scales: dict[str, str] = field(default_factory=dict)
    kind: str = ACCOUNTS

    @classmethod
    def from_stored(cls, doc: Any) -> ProfileDocument:
        """Read either form: {"columns": {...}, "values": {...}, "scales": {...}} or flat.

        A flat profile's values are all strings; the new form's "columns" is an object, so a
        file with a column literally called "Columns" cannot be mistaken for the new form.
        """
        doc = dict(doc or {})
        if isinstance(doc.get(_COLUMNS), dict):
            values = doc.get(_VALUES) or {}
            return cls(
                {str(k): str(v) for k, v in doc[_COLUMNS].items()},
                {
                    str(h): {str(k): str(t) for k, t in m.items()}
                    for h, m in values.items()
                    if isinstance(m, dict)
                },
                {str(k): str(v) for k, v in (doc.get(_SCALES) or {}).items()},
                str(doc.get(_KIND) or ACCOUNTS),
            )
        return cls({str(k): str(v) for k, v in doc.items() if isinstance(v, str)})

    def to_stored(self) -> dict[str, Any]:
        """Flat for an accounts profile with columns only; otherwise the object form, with
        the kind written only when it is not accounts (what older versions wrote stays)."""
        if not self.values and not self.scales and self.kind == ACCOUNTS:
            return dict(self.columns)
        stored: dict[str, Any] = {
            _COLUMNS: dict(self.columns),
            _VALUES: self.values,
            _SCALES: self.scales,
        }
        if self.kind != ACCOUNTS:
            stored[_KIND] = self.kind
        return stored
