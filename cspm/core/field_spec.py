"""What one field is: its value type, label and header synonyms, and how headers normalise.

Shared by the account fields (`cspm.core.fields`) and the related kinds' fields
(`cspm.core.related.kinds`), so every kind maps its headers by the same rules.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    """How a field's raw cells are parsed and how it compares in rules."""

    TEXT = "text"
    MONEY = "money"  # currency amounts: "$1,250.00", "1.2k", "(1,000)", "45.000,00 €"
    NUMBER = "number"  # plain numbers, counts; a "%" value is read on the field's percent scale
    DATE = "date"
    BOOL = "bool"
    SCORE = "score"  # 0-100 score; also accepts Green/Yellow/Amber/Red words and "85%"


@dataclass(frozen=True)
class FieldSpec:
    """One canonical field.

    percent_scale: what "100%" means for this field (100 for a 0-100 score, 1 for a fraction).
    synonyms: header texts (already normalised by `normalise_header`) that map to this field.
    weak_synonyms: header texts that usually mean this field but lose to any other exact
        synonym of it (Salesforce "Type" is Customer/Prospect/Partner: a status only when the
        file has no real "Status" column).
    """

    name: str
    type: FieldType
    label: str
    synonyms: tuple[str, ...] = ()
    percent_scale: float = 100.0
    weak_synonyms: tuple[str, ...] = ()


def normalise_header(text: object) -> str:
    """Lower-case, accent-free, punctuation-free header text, for synonym matching.

    "Acct #" -> "acct #", "ARR (converted)" -> "arr converted", "Renewal_Date" -> "renewal date".
    The "#" survives because CRMs use it to mean "number/ID".
    """
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    s = s.lower().replace("_", " ")
    s = re.sub(r"[^a-z0-9#%]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def field_spec(
    name: str,
    ftype: FieldType,
    label: str,
    *synonyms: str,
    percent_scale: float = 100.0,
    weak: tuple[str, ...] = (),
) -> FieldSpec:
    names = {normalise_header(name), normalise_header(label)}
    names.update(normalise_header(s) for s in synonyms)
    weak_names = tuple(sorted({normalise_header(s) for s in weak} - names))
    return FieldSpec(name, ftype, label, tuple(sorted(names)), percent_scale, weak_names)


T, M, N, D, B, S = (
    FieldType.TEXT,
    FieldType.MONEY,
    FieldType.NUMBER,
    FieldType.DATE,
    FieldType.BOOL,
    FieldType.SCORE,
)
