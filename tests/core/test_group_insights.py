"""Insights: a group planted with 3x churn is found, and with no planted effect fewer than 5% of
200 histories list any group (the correction for the number of groups tested works); the
figures match the outcomes definitions; each finding's rule selects exactly its group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cspm.core.engagement_effect import engagement_effectiveness
from cspm.core.group_insights import find_insights
from cspm.core.rules import parse_rule
from cspm.core.rules.catalog import build_catalog
from cspm.core.rules.engine import evaluate

INDUSTRIES = [f"Industry {i}" for i in range(12)]


def history(
    seed: int, n: int, *, planted: str | None = None, fields: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """(opening, closing, fields): accounts live at the opening with lognormal ARR, 10% churn,
    random expansion and contraction; `planted` churns three times as often."""
    rng = np.random.default_rng(seed)
    keys = [f"K{i}" for i in range(n)]
    opening = pd.DataFrame(
        {"arr": np.round(rng.lognormal(10, 1, n), 2), "churned": False}, index=keys
    )
    names: dict[str, str] = {}
    opening["industry"] = rng.choice(INDUSTRIES, n)
    names["industry"] = "Industry"
    for f in range(1, fields):
        sizes = rng.integers(3, 9)
        opening[f"field{f}"] = rng.choice([f"v{j}" for j in range(sizes)], n)
        names[f"field{f}"] = f"Field {f}"
    p = np.full(n, 0.10)
    if planted is not None:
        p[opening["industry"].to_numpy() == planted] = 0.30
    churned = rng.random(n) < p
    change = np.where(rng.random(n) < 0.2, rng.uniform(0.7, 1.5, n), 1.0)
    closing = pd.DataFrame(
        {"arr": np.where(churned, 0.0, np.round(opening["arr"] * change, 2)), "churned": churned},
        index=keys,
    )
    return opening, closing, names


def test_a_planted_industry_is_found_with_its_ratio() -> None:
    opening, closing, fields = history(3, 4000, planted="Industry 5")
    found = find_insights(opening, closing, fields)
    listed = [(f.group.value, f.metric) for f in found.findings]
    assert listed == [("Industry 5", "churn")]
    (finding,) = found.findings
    assert finding.group.ratio == pytest.approx(3, rel=0.25)
    assert finding.sentence.startswith("Industry Industry 5: ")
    assert "x the portfolio's churn" in finding.sentence and "95% CI" in finding.sentence


def test_no_planted_effect_lists_a_group_in_fewer_than_5_percent_of_histories() -> None:
    listed = 0
    for seed in range(200):
        opening, closing, fields = history(seed, 1500, fields=6)
        found = find_insights(opening, closing, fields, bootstrap=200, seed=seed)
        listed += bool(found.findings)
    assert listed / 200 < 0.05


def test_group_figures_follow_the_outcome_definitions() -> None:
    keys = [f"K{i}" for i in range(60)]
    opening = pd.DataFrame(
        {"arr": [1000.0] * 60, "churned": [False] * 60, "plan": ["Gold"] * 30 + ["Free"] * 30},
        index=keys,
    )
    arr_after = [0.0] * 6 + [1500.0] * 4 + [500.0] * 2 + [1000.0] * 18 + [1000.0] * 30
    closing = pd.DataFrame({"arr": arr_after, "churned": [True] * 6 + [False] * 54}, index=keys)
    found = find_insights(opening, closing, {"plan": "Plan"}, min_group=20)
    gold = next(g for g in found.groups if g.value == "Gold")
    # start 30,000; churned 6,000; expansion 2,000; contraction 1,000
    assert gold.grr == pytest.approx((30_000 - 1_000 - 6_000) / 30_000)
    assert gold.nrr == pytest.approx((30_000 + 2_000 - 1_000 - 6_000) / 30_000)
    assert (gold.accounts, gold.churned, gold.churn_rate) == (30, 6, 0.2)
    assert found.churn_rate == pytest.approx(6 / 60)


def test_each_findings_rule_selects_exactly_its_group() -> None:
    opening, closing, fields = history(3, 4000, planted="Industry 5")
    opening["key"] = opening.index
    found = find_insights(opening, closing, fields, numeric={"arr": "ARR"})
    catalog = build_catalog()
    for group in found.groups:
        assert group.rule is not None
        rule = parse_rule(group.rule, catalog)
        mask = evaluate(rule, opening, None, pd.Timestamp("2026-11-23"))
        assert set(opening.index[np.asarray(mask, bool)]) == set(group.keys), group.value


def test_too_small_a_cohort_says_so() -> None:
    opening, closing, fields = history(1, 40)
    found = find_insights(opening, closing, fields)
    assert found.findings == [] and "insights need at least 60" in (found.note or "")


def test_engagement_per_tier_and_the_sentence() -> None:
    keys = [f"K{i}" for i in range(100)]
    tiers = ["Mid-Market"] * 50 + ["SMB"] * 50
    opening = pd.DataFrame({"arr": 1000.0, "churned": False, "tier": tiers}, index=keys)
    churned = np.zeros(100, bool)
    churned[[0, 1, 2, 3, 4, 50, 51, 52, 53, 54]] = True  # 10% each
    closing = pd.DataFrame({"arr": np.where(churned, 0, 1000.0), "churned": churned}, index=keys)
    touches = pd.Series([6] * 50 + [1] * 50, index=keys)  # over 6 months
    mid, smb = engagement_effectiveness(opening, closing, touches, months=6)
    assert (mid.tier, mid.touches_per_account_month) == ("Mid-Market", 1.0)
    assert smb.touches_per_account_month == pytest.approx(1 / 6)
    assert mid.sentence is not None and mid.sentence.startswith(
        "Mid-Market gets 6.0x the attention of SMB per account"
    )
    assert smb.sentence is None
