"""How related rows' reference texts compare: trimmed IDs, loose names, casefolded e-mails.

Every normaliser takes and returns an object Series (None for missing or blank), and
`on_uniques` runs one over the distinct values only: a million usage rows name a few thousand
subscriptions and users, so normalising the uniques is what keeps linking fast.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

Normaliser = Callable[[pd.Series], pd.Series]


def text(s: pd.Series) -> pd.Series:
    """Trimmed text with None for missing and blank values."""
    out = s.astype(object).where(s.notna(), None)
    ok = out.notna()
    stripped = out[ok].astype(str).str.strip()
    result = pd.Series(stripped, index=s.index, dtype=object).where(ok, None)
    return result.where(result.notna() & (result != ""), None).astype(object)


def loose(s: pd.Series) -> pd.Series:
    """Casefolded with whitespace collapsed: how names (and IDs, case-insensitively) compare."""
    t = text(s)
    ok = t.notna()
    folded = t[ok].astype(str).str.casefold().str.replace(r"\s+", " ", regex=True)
    return pd.Series(folded, index=t.index, dtype=object).where(ok, None)


def email(s: pd.Series) -> pd.Series:
    """Trimmed and casefolded: "Jane@Acme.COM " and "jane@acme.com" are one address."""
    t = text(s)
    ok = t.notna()
    return pd.Series(t[ok].astype(str).str.casefold(), index=t.index, dtype=object).where(ok, None)


def on_uniques(values: pd.Series, normalise: Normaliser) -> pd.Series:
    """`normalise(values)`, computed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    norm = normalise(pd.Series(uniques, dtype=object)).to_numpy(dtype=object)
    out = np.full(len(values), None, dtype=object)
    has = codes >= 0
    out[has] = norm[codes[has]]
    return pd.Series(out, index=values.index, dtype=object)
