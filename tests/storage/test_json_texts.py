"""`bulk.json_texts` reuses the text of repeated custom-field dicts: every value must come out
exactly as encoding it on its own writes it (the text SQLite stores), including values that
compare equal but encode differently (1, 1.0, True; 0.0 and -0.0; NaN; True and 1 as keys)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np

from cspm.storage.bulk import json_texts


def _one_by_one(values: list) -> list:
    return [None if v is None else json.dumps(v, default=str) for v in values]


def test_repeated_and_look_alike_values_encode_as_alone() -> None:
    values = [
        {"plan": "Gold", "n": 1},
        {"plan": "Gold", "n": True},
        {"plan": "Gold", "n": 1.0},
        {"plan": "Gold", "n": 1},
        {"n": 1, "plan": "Gold"},  # the same items in another order: another text
        {"x": 0.0},
        {"x": -0.0},
        {"x": float("nan")},
        {"x": None},
        {1: "a"},
        {True: "a"},
        {"d": dt.date(2026, 1, 2)},
        {"nested": {"a": [1, 2]}},
        None,
        {},
        {},
        ["a", 1],
        {"plan": "Gold", "n": 1},
    ]
    expected = _one_by_one(values)
    got = json_texts(np.array([*values, None], dtype=object)[:-1]).tolist()
    assert got == expected
    assert got[0] != got[1] != got[2] and got[0] != got[4] and got[5] != got[6]
    assert got[9] != got[10]


def test_a_real_shaped_custom_column_matches_value_by_value() -> None:
    rng = np.random.default_rng(7)
    plans = ["Standard", "Premium", "Premier 24/7", None]
    lines = ["Core", "Platform Suite", "Core + Integrations"]
    values = [
        None
        if i % 50 == 0
        else {"product_line": lines[rng.integers(3)], "support_plan": plans[rng.integers(4)]}
        for i in range(5_000)
    ]
    got = json_texts(np.array(values, dtype=object)).tolist()
    assert got == _one_by_one(values)
