"""`import_frames.as_stored` skips the JSON round trip for plain dicts: what it returns must
equal, with the same value types, what the round trip (the write, then a read) gives."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import numpy as np

from cspm.service.import_frames import as_stored


def _through_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str)) if value is not None else None


def _same(a: Any, b: Any) -> bool:
    """Equal with the same types, NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


VALUES: list[Any] = [
    None,
    {},
    {"plan": "Gold", "seats": 12, "ok": True, "none": None},
    {"x": 1.5, "y": -0.0, "z": float("nan"), "big": 1e300, "inf": float("inf")},
    {"odd": "caf\u00e9 \ud800 \u2603"},
    {"n": np.float64(2.5)},  # a numpy scalar: read back as a plain float
    {"n": np.int64(3)},
    {"d": dt.date(2026, 1, 2)},  # default=str: read back as text
    {1: "a", None: "b"},  # keys: read back as text
    {"nested": {"a": [1, 2.0, None]}},
]


def test_each_value_reads_back_as_the_round_trip_gives_it() -> None:
    for value in VALUES:
        assert _same(as_stored(value), _through_json(value)), value


def test_the_result_is_not_the_dict_given() -> None:
    given = {"plan": "Gold"}
    got = as_stored(given)
    got["plan"] = "Silver"
    assert given == {"plan": "Gold"}
