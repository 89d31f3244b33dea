"""Which contact roles count as admins or executives (the people whose logins a CSM watches:
"no admin/executive has logged in for 15 days").

Matched as whole words in the role or job title, ignoring case, on the distinct role texts only
(a 100,000-contact column has a few hundred distinct titles), so it stays vectorised. The word
list is shared by the Contacts view's "Admins and executives" filter, `cspm contacts --role
exec`, contact-level segments and the aggregates that need the executives' last login.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

EXEC_ROLE_WORDS: tuple[str, ...] = (
    "admin",
    "administrator",
    "executive",
    "exec",
    "ceo",
    "cfo",
    "cto",
    "coo",
    "cio",
    "chief",
    "vp",
    "vice president",
    "president",
    "founder",
    "owner",
    "director",
    "sponsor",
)
"""Words (whole words, any case) that make a role an admin or executive one. The same list
as relcore's `core/related/contact_figures.EXEC_ROLE_WORDS` (the aggregates' "exec last
login"), so the Contacts view and the aggregates agree on who is an executive; once both are
on one branch this module should import it from there."""

EXEC_FILTER_WORDS: frozenset[str] = frozenset(
    {"exec", "execs", "admins and executives", "admins & executives", "admin/exec"}
)
"""What a user types as a role filter to mean "admins and executives" (not a text search)."""

EXEC_LABEL = "Admins and executives"

_PATTERN = re.compile(
    r"(?<![^\W_])(?:"
    + "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in EXEC_ROLE_WORDS)
    + r")(?![^\W_])",
    re.IGNORECASE,
)


def is_exec_role(roles: pd.Series) -> np.ndarray:
    """Per row: whether the role names an admin or executive (False when missing)."""
    codes, uniques = pd.factorize(roles.astype(object))
    if not len(uniques):
        return np.zeros(len(roles), dtype=bool)
    texts = pd.Series(uniques, dtype=object).astype(str)
    hits = texts.map(lambda t: bool(_PATTERN.search(t))).to_numpy(dtype=bool)
    return np.append(hits, False)[codes]  # code -1 (missing) -> False


def means_exec(word: str) -> bool:
    """Whether a role filter asks for the admins and executives rather than a text match."""
    return " ".join(word.split()).casefold() in EXEC_FILTER_WORDS
