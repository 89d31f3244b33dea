"""Which contact roles count as admins or executives (the people whose logins a CSM watches:
"no admin/executive has logged in for 15 days"), and what a user types to ask for them.

The word list and the whole-word matching are the aggregates' (`contact_figures`: the "exec
last login" account field), so the Contacts view, `cspm contacts --role exec`, contact-level
segments and the aggregates agree on who is an executive.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .contact_figures import EXEC_ROLE_WORDS, role_matches

__all__ = ["EXEC_FILTER_WORDS", "EXEC_LABEL", "EXEC_ROLE_WORDS", "is_exec_role", "means_exec"]

EXEC_FILTER_WORDS: frozenset[str] = frozenset(
    {"exec", "execs", "admins and executives", "admins & executives", "admin/exec"}
)
"""What a user types as a role filter to mean "admins and executives" (not a text search)."""

EXEC_LABEL = "Admins and executives"


def is_exec_role(roles: pd.Series) -> np.ndarray:
    """Per row: whether the role names an admin or executive (False when missing)."""
    return role_matches(roles.reset_index(drop=True), EXEC_ROLE_WORDS).to_numpy(dtype=bool)


def means_exec(word: str) -> bool:
    """Whether a role filter asks for the admins and executives rather than a text match."""
    return " ".join(word.split()).casefold() in EXEC_FILTER_WORDS
