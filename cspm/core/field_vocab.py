"""The header vocabulary of one kind of file: which header texts name which of its fields.

An accounts file maps its headers to the account fields; a subscriptions file to the
subscription fields (plus the inputs it derives them from, `related.inputs`). Both follow the
same rules (`mapping`): exact synonyms spaced or not, weak synonyms, fuzzy matches. This module
builds those lookup tables once per kind, so the rules take a vocabulary instead of reading one
global field list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from .field_spec import FieldSpec, normalise_header
from .fields import CANONICAL_FIELDS
from .related.inputs import EXTRA_SYNONYMS, INPUT_FIELDS, PREFERRED
from .related.kinds import ACCOUNTS, KIND_NAMES, RELATED_KINDS


def compact(norm: str) -> str:
    """A normalised header without spaces: how API names meet labels ("AnnualRevenue")."""
    return norm.replace(" ", "")


def _index(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """key -> field, dropping keys two fields share (an ambiguous key decides nothing)."""
    seen: dict[str, str] = {}
    clash: set[str] = set()
    for key, name in pairs:
        if seen.setdefault(key, name) != name:
            clash.add(key)
    return {k: v for k, v in seen.items() if k not in clash}


@dataclass(frozen=True)
class Vocabulary:
    """One kind's fields and the tables headers are looked up in.

    fields: name -> spec, in the kind's order (own fields, then input fields).
    synonyms / weak: normalised text -> field; compact / weak_compact: the same without spaces.
    rank: normalised synonym -> how much it loses to the field's other synonyms (0: not at all).
    """

    kind: str
    fields: dict[str, FieldSpec]
    synonyms: dict[str, str]
    weak: dict[str, str]
    compact: dict[str, str]
    weak_compact: dict[str, str]
    rank: dict[str, int]

    @classmethod
    def of(
        cls, kind: str, specs: Iterable[FieldSpec], rank: dict[str, int] | None = None
    ) -> Vocabulary:
        specs = tuple(specs)
        synonyms: dict[str, str] = {}
        for spec in specs:
            for syn in spec.synonyms:
                synonyms.setdefault(syn, spec.name)
        weak = _index((w, f.name) for f in specs for w in f.weak_synonyms if w not in synonyms)
        compacted = _index((compact(k), v) for k, v in synonyms.items())
        weak_compact = _index(
            (compact(k), v) for k, v in weak.items() if compact(k) not in compacted
        )
        return cls(
            kind,
            {s.name: s for s in specs},
            synonyms,
            weak,
            compacted,
            weak_compact,
            dict(rank or {}),
        )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.fields)

    def rank_of(self, header_key: str) -> int:
        """How much a header matched through `header_key` loses to the field's other synonyms."""
        return self.rank.get(header_key, self.rank.get(compact(header_key), 0))


def _with_extra(spec: FieldSpec, extra: tuple[str, ...]) -> FieldSpec:
    if not extra:
        return spec
    added = {normalise_header(s) for s in extra}
    return replace(spec, synonyms=tuple(sorted({*spec.synonyms, *added})))


def _ranks(kind: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for texts in PREFERRED.get(kind, {}).values():
        for n, text in enumerate(texts, start=1):
            norm = normalise_header(text)
            out[norm] = n
            out[compact(norm)] = n
    return out


@cache
def vocabulary(kind: str = ACCOUNTS) -> Vocabulary:
    """The vocabulary of one kind of file (`KIND_NAMES`); accounts are the account fields."""
    if kind == ACCOUNTS:
        return Vocabulary.of(ACCOUNTS, CANONICAL_FIELDS)
    if kind not in RELATED_KINDS:
        raise ValueError(f"no kind of file named {kind!r} (kinds: {', '.join(KIND_NAMES)})")
    extra = EXTRA_SYNONYMS.get(kind, {})
    own = [_with_extra(f, extra.get(f.name, ())) for f in RELATED_KINDS[kind].fields]
    return Vocabulary.of(kind, (*own, *INPUT_FIELDS.get(kind, ())), _ranks(kind))
