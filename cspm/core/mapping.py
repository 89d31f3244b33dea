"""Mapping source columns to canonical fields: saved profile, else synonyms, else fuzzy match.

CRMs write the same field as a label ("Annual Revenue"), an API name ("AnnualRevenue",
"annualrevenue") or a wrapped name ("property_annualrevenue", "ARR__c", "Organization -
Owner"), so synonyms are matched with the wrappers removed and with or without spaces. Fuzzy
matching only catches typos: it never crosses next/last or start/end.

Unmapped columns are not dropped: they become custom fields (usable in segment rules), because
a CRM export's extra columns are often exactly what a CSM wants to segment on. The roles that
only the values can decide (owner IDs, a CRM's marketing stages) are `column_roles`' job.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from .errors import BadInputError
from .field_vocab import Vocabulary, compact, vocabulary
from .fields import normalise_header
from .related.kinds import ACCOUNTS

CUSTOM = "custom"
IGNORE = "ignore"
FUZZY_CUTOFF = 0.86

MatchKind = Literal["profile", "user", "synonym", "fuzzy", "values", "custom", "ignore"]
"""How a column got its target; "values" means a value check moved it (see column_roles)."""


_compact = compact

# Words that turn a header into its opposite: "Next activity date" must not fuzzy-match
# "Last Activity Date", nor "Contract End" "Contract Start".
_POLAR = frozenset(
    {"next", "last", "first", "start", "end", "min", "max", "open", "closed", "won", "lost"}
)

# Wrappers CRMs and sync tools put around a field's own name: Salesforce custom fields
# (ARR__c), Pipedrive's entity prefix ("Organization - Owner"), HubSpot warehouse syncs
# (property_annualrevenue).
_SF_CUSTOM_SUFFIX = re.compile(r"__c\s*$", re.IGNORECASE)
_ENTITY_PREFIX = re.compile(r"^\s*(?:organi[sz]ation|account|company)\s+-\s+", re.IGNORECASE)
_PROPERTY_PREFIX = "property "
# A trailing "(ARR)": a metric's acronym naming the field ("Annual Revenue (ARR)" is ARR). Only
# metrics: "Parent Account (ID)" must not claim the account's own ID.
_PAREN_NAME = re.compile(r"\(\s*(ARR|MRR|NPS|CSAT|MAU)\s*\)\s*$", re.IGNORECASE)
# A trailing scale or unit: "(0-10)", "(1 to 5)", "(%)", "($)", "(USD)", "(#)", "[EUR]".
_PAREN_UNIT = re.compile(
    r"\s*[(\[]\s*(?:-?\d+(?:\.\d+)?\s*(?:-|–|to|/)\s*-?\d+(?:\.\d+)?|%|#|[$€£¥]|[A-Z]{3})"
    r"\s*[)\]]\s*$"
)

# CRM fields cspm has no canonical field for, kept as custom fields under one name whichever
# system they come from (keys are compact normalised headers).
_CRM_CUSTOM_NAMES: dict[str, str] = {
    "numberofemployees": "number_of_employees",
    "createddate": "created_date",
    "createdate": "created_date",
    "createdon": "created_date",
    "createdtime": "created_date",
    "lastmodifieddate": "last_modified_date",
    "hslastmodifieddate": "last_modified_date",
    "modifiedon": "last_modified_date",
    "modifiedtime": "last_modified_date",
    "donotmodifymodifiedon": "last_modified_date",
}


# Columns sync tools and CRMs add for their own bookkeeping, never account data: a warehouse
# sync's load stamps (`_fivetran_synced`, `_airbyte_extracted_at`, `_sdc_batched_at`) and the
# row checksum of a Dynamics 365 Excel export. They are ignored (and the summary says so).
_BOOKKEEPING = re.compile(
    r"^_(?:fivetran|airbyte|sdc|stitch|hevo|dlt)_|^\(do not modify\) row checksum$",
    re.IGNORECASE,
)


def is_bookkeeping(header: object) -> bool:
    """True for a sync tool's or CRM's own bookkeeping column (see `_BOOKKEEPING`)."""
    return bool(_BOOKKEEPING.search(str(header).strip()))


def header_keys(header: object) -> list[str]:
    """The normalised texts a header is looked up by, the header's own form first.

    "ARR__c" -> ["arr"]; "property_annualrevenue" -> ["property annualrevenue",
    "annualrevenue"]; "Organization - Owner" -> ["owner"].
    """
    text = _ENTITY_PREFIX.sub("", _SF_CUSTOM_SUFFIX.sub("", str(header)))
    norm = normalise_header(text)
    keys = [norm]
    if norm.startswith(_PROPERTY_PREFIX) and len(norm) > len(_PROPERTY_PREFIX):
        keys.append(norm[len(_PROPERTY_PREFIX) :])
    # Hand-kept sheets: "Annual Revenue (ARR)" names its field in the parentheses; "Health
    # (0-10)" and "ARR (USD)" put a scale or unit there, which is no part of the name.
    for pattern in (_PAREN_NAME, _PAREN_UNIT):
        found = pattern.search(text)
        if found:
            key = normalise_header(
                found.group(1) if pattern is _PAREN_NAME else text[: found.start()]
            )
            if key and key not in keys:
                keys.append(key)
    return keys


def _synonym(header: object, vocab: Vocabulary) -> tuple[str, bool, int] | None:
    """(field, weak, rank) for a header that is a synonym, spaced or not; None otherwise.

    rank: how much this synonym loses to the field's other synonyms (`Vocabulary.rank`).
    """
    keys = header_keys(header)
    for table, weak in ((vocab.synonyms, False), (vocab.weak, True)):
        for key in keys:
            if key in table:
                return table[key], weak, vocab.rank_of(key)
        compact_table = vocab.compact if table is vocab.synonyms else vocab.weak_compact
        for key in keys:
            if _compact(key) in compact_table:
                return compact_table[_compact(key)], weak, vocab.rank_of(key)
    return None


@dataclass(frozen=True)
class ColumnMatch:
    """What one source column becomes. `target` is a canonical field, CUSTOM or IGNORE.

    A column kept as a custom field because another column took the field it matched says
    so: `wanted` is that field, `lost_to` the header of the column that took it.
    """

    header: str
    target: str
    how: MatchKind
    custom_name: str | None = None  # the custom field's name when target == CUSTOM
    wanted: str | None = None
    lost_to: str | None = None

    @property
    def field(self) -> str | None:
        return None if self.target in (CUSTOM, IGNORE) else self.target


@dataclass
class ColumnMapping:
    """What each column of a file becomes, against the fields of one kind of file (`kind`)."""

    columns: list[ColumnMatch] = field(default_factory=list)
    kind: str = ACCOUNTS

    def field_columns(self) -> dict[str, str]:
        """canonical field -> source header, for mapped columns."""
        names = vocabulary(self.kind).fields
        return {c.target: c.header for c in self.columns if c.target in names}

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


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def custom_field_name(header: str, kind: str = ACCOUNTS) -> str:
    """A rule-friendly name for an unmapped column: "Product Line" -> "product_line".

    API names read as words ("NumberOfEmployees" -> "number_of_employees"), sync and CRM
    wrappers go ("property_domain" -> "domain", "Segment__c" -> "segment"), and record dates
    every CRM has get one name ("CreatedDate", "createdon", "Create Date" -> "created_date").
    """
    keys = header_keys(header)
    known = _CRM_CUSTOM_NAMES.get(_compact(keys[-1]))
    if known:
        return known
    text = _ENTITY_PREFIX.sub("", _SF_CUSTOM_SUFFIX.sub("", str(header))).strip()
    if re.fullmatch(r"[A-Za-z0-9]+", text):
        text = _CAMEL.sub(" ", text)
    norm = normalise_header(text)
    if norm.startswith(_PROPERTY_PREFIX) and len(norm) > len(_PROPERTY_PREFIX):
        norm = norm[len(_PROPERTY_PREFIX) :]
    slug = re.sub(r"[^a-z0-9]+", "_", norm).strip("_") or "column"
    if slug[0].isdigit():
        slug = f"c_{slug}"
    return f"custom_{slug}" if slug in vocabulary(kind).fields else slug


def _best_fuzzy(header: object, vocab: Vocabulary) -> str | None:
    for norm in header_keys(header):
        hits = difflib.get_close_matches(norm, list(vocab.synonyms), n=3, cutoff=FUZZY_CUTOFF)
        polar = _POLAR.intersection(norm.split())
        for hit in hits:
            if _POLAR.intersection(hit.split()) == polar:
                return vocab.synonyms[hit]
    return None


def field_choices(kind: str = ACCOUNTS) -> list[str]:
    """Every target a mapping may name: the kind's fields, then custom and ignore."""
    return [*vocabulary(kind).fields, CUSTOM, IGNORE]


def resolve_target(text: str, kind: str = ACCOUNTS) -> str:
    """The target a user typed: a field name or label in any case, or custom/ignore.

    "ARR", "arr" and "Renewal Date" all resolve; anything else is refused with the list.
    """
    given = str(text).strip()
    low = given.casefold()
    vocab = vocabulary(kind)
    if low in vocab.fields or low in (CUSTOM, IGNORE):
        return low
    by_label = {normalise_header(f.label): f.name for f in vocab.fields.values()}
    if normalise_header(given) in by_label:
        return by_label[normalise_header(given)]
    what = "a field cspm knows" if kind == ACCOUNTS else f"a field of {kind} files"
    listing = "`cspm fields`" if kind == ACCOUNTS else f"`cspm fields --kind {kind}`"
    raise BadInputError(
        f"'{given}' is not {what}; use one of: {', '.join(field_choices(kind))} "
        f"({listing} lists them with labels and synonyms)."
    )


def _resolve_user(user: Mapping[str, str], headers: list[str], kind: str) -> dict[str, str]:
    """User choices keyed by the file's own headers; a header the file lacks is refused.

    A header given in another case or spacing ("renewal date" for "Renewal Date") is taken
    when exactly one column matches it that way.
    """
    by_norm: dict[str, list[str]] = {}
    for h in headers:
        by_norm.setdefault(normalise_header(h), []).append(h)
    resolved: dict[str, str] = {}
    for given, target in user.items():
        target = resolve_target(target, kind)
        if given in headers:
            resolved[given] = target
            continue
        same = by_norm.get(normalise_header(given), [])
        if len(same) == 1:
            resolved[same[0]] = target
            continue
        if same:
            shown = ", ".join(f"'{h}'" for h in same)
            raise BadInputError(
                f"Several columns match '{given}' ({shown}); give the header exactly as written."
            )
        raise BadInputError(_no_such_column(given, headers))
    return resolved


def _no_such_column(given: str, headers: list[str]) -> str:
    norms = {normalise_header(h): h for h in headers}
    close = difflib.get_close_matches(normalise_header(given), list(norms), n=3, cutoff=0.5)
    if close:
        hint = "closest: " + ", ".join(f"'{norms[c]}'" for c in close)
    else:
        hint = "the columns are " + ", ".join(f"'{h}'" for h in headers[:12])
        hint += ", ..." if len(headers) > 12 else ""
    return f"The file has no column '{given}' to map ({hint})."


def auto_map(
    headers: Iterable[str],
    profile: Mapping[str, str] | None = None,
    user: Mapping[str, str] | None = None,
    kind: str = ACCOUNTS,
) -> ColumnMapping:
    """Map each header of a file of `kind`; each of its fields is taken by at most one column.

    Precedence per column: `user` choices (header -> target, from the wizard or CLI), then the
    saved `profile` (normalised header -> target), then exact synonyms (spaced or not, with
    CRM wrappers removed), then weak synonyms, then fuzzy matches. When two columns claim one
    field, the stronger kind of match wins, then the leftmost; the loser is kept as a custom
    field that names the field it wanted and the column that took it, so no data is dropped
    silently. A user choice naming a column the file lacks, or an unknown field, is refused.
    Among equally strong synonyms, one the kind ranks lower loses (`Vocabulary.rank`: a
    Stripe "Current Period End" yields to "Ended At"); accounts rank none.
    """
    headers = list(headers)
    vocab = vocabulary(kind)
    fields = vocab.fields
    profile = profile or {}
    user = _resolve_user(user or {}, headers, kind)
    for target in profile.values():
        if target not in fields and target not in (CUSTOM, IGNORE):
            raise BadInputError(f"'{target}' is not a field cspm knows.")
    rank = {"user": 0, "profile": 1, "synonym": 2, "weak": 3, "fuzzy": 4}
    # (rank, synonym rank, position, field, how)
    claims: list[tuple[int, int, int, str, MatchKind]] = []
    decided: dict[int, ColumnMatch] = {}
    for pos, header in enumerate(headers):
        norm = normalise_header(header)
        choice: tuple[str, MatchKind, int, int] | None = None
        if header in user:
            choice = (user[header], "user", rank["user"], 0)
        elif norm in profile:
            choice = (profile[norm], "profile", rank["profile"], 0)
        elif is_bookkeeping(header):
            choice = (IGNORE, "synonym", rank["synonym"], 0)
        elif (syn := _synonym(header, vocab)) is not None:
            choice = (syn[0], "synonym", rank["weak" if syn[1] else "synonym"], syn[2])
        elif (fz := _best_fuzzy(header, vocab)) is not None:
            choice = (fz, "fuzzy", rank["fuzzy"], 0)
        if choice is None:
            continue
        target, how, strength, loses = choice
        if target in fields:
            claims.append((strength, loses, pos, target, how))
        else:
            decided[pos] = ColumnMatch(header, target, how)
    taken: dict[str, int] = {}
    lost: dict[int, tuple[str, MatchKind]] = {}
    for _, _, pos, target, how in sorted(claims):
        if target not in taken:
            taken[target] = pos
            decided[pos] = ColumnMatch(headers[pos], target, how)
        else:
            lost[pos] = (target, how)
    used_names: set[str] = set()
    columns: list[ColumnMatch] = []
    for pos, header in enumerate(headers):
        match = decided.get(pos)
        if match is not None and match.target != CUSTOM:
            columns.append(match)
            continue
        name = custom_field_name(header, kind)
        base, n = name, 2
        while name in used_names:
            name, n = f"{base}_{n}", n + 1
        used_names.add(name)
        if pos in lost:
            wanted, how = lost[pos]
            winner = headers[taken[wanted]]
            columns.append(ColumnMatch(header, CUSTOM, how, name, wanted, winner))
            continue
        matched: MatchKind = match.how if match is not None else "custom"
        columns.append(ColumnMatch(header, CUSTOM, matched, custom_name=name))
    return ColumnMapping(columns, kind)


def profile_fits(profile: Mapping[str, str], headers: Iterable[str]) -> bool:
    """A saved profile applies automatically when it names every header of the file."""
    norms = {normalise_header(h) for h in headers}
    return bool(norms) and norms <= set(profile)
