"""`account_key` and text trimming (plain Python passes) give what pandas string methods gave."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cspm.core.plan import account_key


def _previous_account_key(
    external_id: pd.Series | None, name: pd.Series | None, index: pd.Index
) -> pd.Series:
    """The implementation before, kept as the reference."""

    def clean(s: pd.Series | None) -> pd.Series:
        if s is None:
            return pd.Series(None, index=index, dtype=object)
        return pd.Series(s.to_numpy(dtype=object), index=index, dtype=object)

    ext = clean(external_id)
    ext_s = ext.astype("str").str.strip()
    ext_ok = ext.notna() & (ext_s != "")
    nm = clean(name)
    nm_s = nm.astype("str").str.strip().str.casefold().str.replace(r"\s+", " ", regex=True)
    nm_ok = nm.notna() & (nm_s != "")
    key = pd.Series(None, index=index, dtype=object)
    key = key.mask(nm_ok, nm_s.astype(object))
    key = key.mask(ext_ok, ext_s.astype(object))
    return key


_cell = st.one_of(
    st.none(),
    st.just(np.nan),
    st.sampled_from(
        ["", "  ", "ACC-001", " acc-001 ", "Acme  GmbH", "ACME\tgmbh", "Straße\u00a0AG"]
    ),
    st.text(max_size=8),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_cell, _cell), min_size=1, max_size=30),
    st.sampled_from(["both", "ids", "names"]),
)
def test_keys_equal_the_previous_implementation(pairs, which) -> None:
    index = pd.RangeIndex(len(pairs))
    ids = pd.Series([p[0] for p in pairs], dtype=object) if which != "names" else None
    names = pd.Series([p[1] for p in pairs], dtype=object) if which != "ids" else None
    new = account_key(ids, names, index)
    old = _previous_account_key(ids, names, index)
    # A row without a key is rejected by the plan whatever stands for "none" (the old code
    # gave NaN or None depending on the mask path; the new one always None).
    assert new.isna().tolist() == old.isna().tolist()
    assert new.dropna().tolist() == old.dropna().tolist()
    assert all(type(k) is str for k in new.dropna())
    assert new.index.equals(old.index)
    assert new.dtype == object


def test_real_keys() -> None:
    ids = pd.Series(["  001A ", None, "", None, "001A"], dtype=object)
    names = pd.Series(["Acme", "  Globex   Corp ", "INITECH", None, "acme"], dtype=object)
    keys = account_key(ids, names, pd.RangeIndex(5)).tolist()
    assert keys == ["001A", "globex corp", "initech", None, "001A"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=6), st.sampled_from(["'=1+1", " '-5 ", "'abc", "''@x"])))
)
def test_text_trimming_equals_the_pandas_string_methods(texts) -> None:
    """parse_texts trims with plain list work; the pandas string methods were the reference."""
    from cspm.core.parsing.cells import strip_export_apostrophe
    from cspm.core.parsing.text import _trimmed_texts

    reference = strip_export_apostrophe(pd.Series(texts, dtype=object).str.strip()).tolist()
    assert _trimmed_texts(list(texts)) == reference
