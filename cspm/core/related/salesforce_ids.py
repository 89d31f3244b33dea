"""Salesforce record IDs in their two spellings: 15 characters (case-sensitive, what reports
and the UI show) and 18 characters (the 15 plus a 3-character case checksum, what Data Loader,
the API and most exports write). An accounts file from a Data Export carries `001...` IDs of
18 characters while a Cases report names the same account by its 15: they must link.

The checksum is Salesforce's published rule: split the 15 characters into three groups of
five; in each group, bit j is set when character j is an upper-case letter; the 5-bit number
picks a character of "A..Z0..5". Computed on a character array, no loop over IDs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_ALPHABET = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"))
_SHAPE15 = r"^[a-zA-Z0-9]{15}$"
_SHAPE18 = r"^[a-zA-Z0-9]{18}$"


def checksum(ids15: np.ndarray) -> np.ndarray:
    """The 3-character suffix of each 15-character ID (an array of 15-character strings)."""
    if not len(ids15):
        return np.zeros(0, dtype="U3")
    chars = np.asarray(ids15, dtype="U15").view(np.uint32).reshape(-1, 3, 5)
    upper = (chars >= ord("A")) & (chars <= ord("Z"))
    flags = (upper * (1 << np.arange(5))).sum(axis=2)
    letters = _ALPHABET[flags]
    return np.char.add(np.char.add(letters[:, 0], letters[:, 1]), letters[:, 2])


def other_spelling(ids: pd.Series) -> pd.Series:
    """Each ID in its other Salesforce spelling: a 15-character ID's 18-character form, an
    18-character ID's 15 (only when its checksum is right, so an unrelated 18-character code
    never loses its last three characters); None for anything else."""
    text = ids.astype(object).where(ids.notna(), "").astype(str)
    out = pd.Series(None, index=ids.index, dtype=object)
    is15 = text.str.contains(_SHAPE15, regex=True).to_numpy(bool)
    is18 = text.str.contains(_SHAPE18, regex=True).to_numpy(bool)
    if is15.any():
        short = text[is15].to_numpy(dtype="U15")
        out[is15] = np.char.add(short, checksum(short)).astype(object)
    if is18.any():
        long = text[is18].to_numpy(dtype="U18")
        prefix = long.astype("U15")
        valid = np.char.equal(np.char.add(prefix, checksum(prefix)), long)
        idx = np.flatnonzero(is18)
        out.iloc[idx[valid]] = prefix[valid].astype(object)
    return out.astype(object).where(out.notna(), None)
