"""Mapping source columns to canonical fields: saved profile, else synonyms, else fuzzy match.

Unmapped columns are not dropped: they become custom fields (usable in segment rules), because
a CRM export's extra columns are often exactly what a CSM wants to segment on.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .errors import BadInputError
from .fields import CANONICAL_FIELDS, FIELDS, normalise_header

CUSTOM = "custom"
IGNORE = "ignore"
FUZZY_CUTOFF = 0.86

MatchKind = Literal["profile", "user", "synonym", "fuzzy", "custom", "ignore"]

_SYNONYMS: dict[str, str] = {}
for _spec in CANONICAL_FIELDS:
    for _syn in _spec.synonyms:
        _SYNONYMS.setdefault(_syn, _spec.name)


@dataclass(frozen=True)
class ColumnMatch:
    """What one source column becomes. `target` is a canonical field, CUSTOM or IGNORE."""

    header: str
    target: str
    how: MatchKind
    custom_name: str | None = None  # the custom field's name when target == CUSTOM

    @property
    def field(self) -> str | None:
        return self.target if self.target in FIELDS else None


@dataclass
class ColumnMapping:
    columns: list[ColumnMatch] = field(default_factory=list)

    def field_columns(self) -> dict[str, str]:
        """canonical field -> source header, for mapped columns."""
        return {c.target: c.header for c in self.columns if c.target in FIELDS}

    def custom_columns(self) -> dict[str, str]:
        """custom field name -> source header, for kept unmapped columns."""
        return {c.custom_name: c.header for c in self.columns if c.custom_name}

    def as_profile(self) -> dict[str, str]:
        """normalised header -> target, the form saved as a mapping profile."""
        return {normalise_header(c.header): c.target for c in self.columns}

    def as_record(self) -> dict[str, str]:
        """source header -> target ("custom:<name>" for custom fields), for the import record."""
        return {
            c.header: (f"{CUSTOM}:{c.custom_name}" if c.custom_name else c.target)
            for c in self.columns
        }


def custom_field_name(header: str) -> str:
    """A rule-friendly name for an unmapped column: "Product Line" -> "product_line"."""
    slug = re.sub(r"[^a-z0-9]+", "_", normalise_header(header)).strip("_") or "column"
    if slug[0].isdigit():
        slug = f"c_{slug}"
    return f"custom_{slug}" if slug in FIELDS else slug


def _best_fuzzy(norm: str) -> str | None:
    hits = difflib.get_close_matches(norm, list(_SYNONYMS), n=1, cutoff=FUZZY_CUTOFF)
    return _SYNONYMS[hits[0]] if hits else None


def auto_map(
    headers: Iterable[str],
    profile: Mapping[str, str] | None = None,
    user: Mapping[str, str] | None = None,
) -> ColumnMapping:
    """Map each header; each canonical field is taken by at most one column.

    Precedence per column: `user` choices (header -> target, from the wizard or CLI), then the
    saved `profile` (normalised header -> target), then exact synonyms, then fuzzy matches.
    When two columns claim one field, the stronger kind of match wins, then the leftmost; the
    loser is kept as a custom field, so no data is dropped silently.
    """
    headers = list(headers)
    profile = profile or {}
    user = user or {}
    for target in [*profile.values(), *user.values()]:
        if target not in FIELDS and target not in (CUSTOM, IGNORE):
            raise BadInputError(f"'{target}' is not a field cspm knows.")
    rank = {"user": 0, "profile": 1, "synonym": 2, "fuzzy": 3}
    claims: list[tuple[int, int, str, MatchKind]] = []  # (rank, position, field, how)
    decided: dict[int, ColumnMatch] = {}
    for pos, header in enumerate(headers):
        norm = normalise_header(header)
        choice: tuple[str, MatchKind] | None = None
        if header in user:
            choice = (user[header], "user")
        elif norm in profile:
            choice = (profile[norm], "profile")
        elif norm in _SYNONYMS:
            choice = (_SYNONYMS[norm], "synonym")
        elif (fz := _best_fuzzy(norm)) is not None:
            choice = (fz, "fuzzy")
        if choice is None:
            continue
        target, how = choice
        if target in FIELDS:
            claims.append((rank[how], pos, target, how))
        else:
            decided[pos] = ColumnMatch(header, target, how)
    taken: set[str] = set()
    for _, pos, target, how in sorted(claims):
        if target not in taken:
            taken.add(target)
            decided[pos] = ColumnMatch(headers[pos], target, how)
    used_names: set[str] = set()
    columns: list[ColumnMatch] = []
    for pos, header in enumerate(headers):
        match = decided.get(pos)
        if match is not None and match.target != CUSTOM:
            columns.append(match)
            continue
        name = custom_field_name(header)
        base, n = name, 2
        while name in used_names:
            name, n = f"{base}_{n}", n + 1
        used_names.add(name)
        kind: MatchKind = match.how if match is not None else "custom"
        columns.append(ColumnMatch(header, CUSTOM, kind, custom_name=name))
    return ColumnMapping(columns)


def profile_fits(profile: Mapping[str, str], headers: Iterable[str]) -> bool:
    """A saved profile applies automatically when it names every header of the file."""
    norms = {normalise_header(h) for h in headers}
    return bool(norms) and norms <= set(profile)
