"""Property: the vectorised engine agrees with the per-account reference on random data.

Values are drawn from small pools sitting on and around every boundary (0, thresholds, exact
day counts, blanks, case and whitespace variants), so random rules hit the edges often.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspm.core.fields import FieldType
from cspm.core.rules import add_derived, build_catalog, evaluate, parse_rule, rule_to_json
from cspm.core.rules.nodes import OPS_BY_TYPE
from tests.core.rule_reference import reference_evaluate

TODAY = date(2026, 6, 15)
CATALOG = build_catalog({"product_line": FieldType.TEXT, "go_live": FieldType.DATE})
NUMBER_COLS = ("arr", "mau", "health_score", "nps", "seats_active", "seats_purchased")
DATE_COLS = ("renewal_date", "last_interaction", "contract_start", "go_live")
TEXT_COLS = ("tier", "lifecycle_stage", "product_line")
FIELDS = (
    *NUMBER_COLS, *DATE_COLS, *TEXT_COLS, "is_reference", "seat_utilization",
    "days_to_renewal", "days_since_last_interaction", "arr_change_pct",
)  # fmt: skip
HIST_COLS = ("arr", "mau", "health_score", "seats_active", "seats_purchased")

NUMBERS = [0.0, 1.0, 5.0, 9.0, 10.0, 15.0, 20.0, 50.0, 100.0, -5.0, 0.5, 0.95, 40.0, 60.0]
TEXTS = ["Enterprise", " enterprise ", "SMB", "Mid-Market", "  ", "Onboarding", "churned", "ent"]
DAY_OFFSETS = [-121, -120, -61, -60, -31, -30, -8, -7, -1, 0, 1, 30, 89, 90, 91]
# Missing values repeated so that roughly one cell in five is missing.
NUMBER_POOL = np.array([np.nan] * 3 + NUMBERS)
DAY_POOL = np.array([None] * 10 + DAY_OFFSETS + list(range(-200, 201, 17)), dtype=object)
TEXT_POOL = np.array([None] * 2 + TEXTS, dtype=object)
# Few snapshot dates, on and around the since_days cut-offs, so equal as_of ties are common.
SNAPSHOT_DAYS = np.array([-90, -61, -60, -59, -31, -30, -29, -8, -7, -1, 0, 3], dtype=object)


def _dates(offsets: np.ndarray) -> np.ndarray:
    nat = np.datetime64("NaT", "ns")
    base = np.datetime64(TODAY, "ns")
    return np.array([nat if o is None else base + np.timedelta64(o, "D") for o in offsets])


@st.composite
def frames(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random portfolio + history. Sizes come from hypothesis; the cells from a numpy generator
    seeded by hypothesis, because drawing every cell through hypothesis made this test slow
    and the boundary pools already make plain random sampling hit the edges."""
    n = draw(st.integers(1, 8))
    m = draw(st.integers(0, 3 * n + 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    keys = [f"k{i}" for i in range(n)]

    def pick(pool: np.ndarray, size: int = n) -> np.ndarray:
        return pool[rng.integers(0, len(pool), size)]

    data: dict[str, Any] = {c: pick(NUMBER_POOL) for c in NUMBER_COLS}
    data.update({c: _dates(pick(DAY_POOL)) for c in DATE_COLS})
    data.update({c: pd.array(pick(TEXT_POOL), dtype="str") for c in TEXT_COLS})
    data["is_reference"] = pd.array(pick(np.array([True, False, None], dtype=object)), "boolean")
    portfolio = pd.DataFrame(data, index=pd.Index(keys, dtype="str"))
    history = pd.DataFrame(
        {
            "key": pd.array(pick(np.array([*keys, "stranger"], dtype=object), m), dtype="str"),
            "as_of": _dates(pick(SNAPSHOT_DAYS, m)),
            "import_id": rng.integers(1, 4, m),
            **{c: pick(NUMBER_POOL, m) for c in HIST_COLS},
        }
    )
    # One row per account per import, as storage guarantees; (key, as_of) ties stay common.
    return portfolio, history.drop_duplicates(["key", "import_id"], ignore_index=True)


def _value_for(draw: st.DrawFn, op: str, ftype: FieldType) -> Any:
    if op in ("is_empty", "is_not_empty"):
        return None
    if op in ("within_next_days", "within_last_days", "older_than_days"):
        return draw(st.sampled_from([0, 1, 7, 30, 60, 90, 120]))
    if op in ("before", "after"):
        return (TODAY + timedelta(days=draw(st.sampled_from(DAY_OFFSETS)))).isoformat()
    if op in ("dropped_by", "rose_by", "dropped_by_pct", "rose_by_pct"):
        return draw(st.sampled_from([0, 5, 10, 15, 20, 50]))
    if ftype == FieldType.BOOL:
        return draw(st.booleans())
    if ftype == FieldType.TEXT:
        pool = st.sampled_from([t for t in TEXTS if t.strip()])
        return (
            draw(st.lists(pool, min_size=1, max_size=3)) if op in ("in", "not_in") else draw(pool)
        )
    pool = st.sampled_from(NUMBERS)
    if op == "between":
        return sorted([draw(pool), draw(pool)])
    return draw(st.lists(pool, min_size=1, max_size=3)) if op in ("in", "not_in") else draw(pool)


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    field = draw(st.sampled_from(FIELDS))
    ftype = CATALOG[field]
    op = draw(st.sampled_from(sorted(o for o, types in OPS_BY_TYPE.items() if ftype in types)))
    out: dict[str, Any] = {"field": field, "op": op}
    value = _value_for(draw, op, ftype)
    if value is not None:
        out["value"] = value
    if op.startswith(("dropped", "rose")):
        since = draw(st.sampled_from([None, 0, 1, 7, 30, 60]))
        if since is not None:
            out["since_days"] = since
    return out


def rules(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    if depth == 0:
        return conditions()
    inner = rules(depth - 1)
    return st.one_of(
        conditions(),
        st.lists(inner, max_size=3).map(lambda rs: {"all": rs}),
        st.lists(inner, max_size=3).map(lambda rs: {"any": rs}),
        inner.map(lambda r: {"not": r}),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=frames(), rule=rules(3))
def test_engine_agrees_with_reference(data: tuple[pd.DataFrame, pd.DataFrame], rule: dict) -> None:
    portfolio, history = data
    parsed = parse_rule(rule, CATALOG)
    assert parse_rule(rule_to_json(parsed), CATALOG) == parsed
    expected = reference_evaluate(rule, portfolio, history, TODAY, CATALOG)
    got = evaluate(parsed, portfolio, history, TODAY)
    assert got.dtype == bool
    assert got.to_dict() == expected
    # The same with the derived columns materialised first (the service's usual path).
    enriched = add_derived(portfolio, history, TODAY)
    assert evaluate(parsed, enriched, history, TODAY).to_dict() == expected


def test_reference_smoke() -> None:
    """The oracle itself on a hand-checked case, so a broken oracle cannot pass silently."""
    p = pd.DataFrame({"arr": [10.0, np.nan]}, index=pd.Index(["a", "b"], dtype="str"))
    h = pd.DataFrame({"key": ["a"], "as_of": [pd.Timestamp(TODAY)], "import_id": [1]})
    rule = {"field": "arr", "op": ">", "value": 5}
    assert reference_evaluate(rule, p, h, TODAY, CATALOG) == {"a": True, "b": False}
