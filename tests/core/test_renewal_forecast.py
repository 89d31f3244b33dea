"""The renewal forecast on a crafted portfolio: default categories and their reasons, totals to
the cent with the CSM's calls, probabilities as settings, segment totals, accuracy after a
quarter."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cspm.core.renewal_forecast import (
    ForecastSettings,
    accuracy,
    forecast,
    quarters_ahead,
    totals,
)

TODAY = dt.date(2026, 12, 5)  # 2026 Q4; the forecast runs to 2027 Q3


def portfolio() -> pd.DataFrame:
    rows = [
        # key, name, arr, renewal, tier, owner, health, stage, churn date, health change
        ("A", "Alder", 12_345.67, "2026-12-20", "SMB", "Dana", 85, "Established", None, 0),
        ("B", "Birch", 40_000.10, "2027-01-15", "Mid-Market", "Dana", 42, "Renewal", None, 0),
        ("C", "Cedar", 150_000.00, "2027-02-01", "Enterprise", "Robin", 25, "Renewal", None, 0),
        ("D", "Dogwood", 9_999.99, "2027-03-31", "SMB", None, 70, "Adoption", None, -20),
        ("E", "Elm", 30_000.01, "2027-02-10", "Mid-Market", "Robin", 90, "Renewal",
         "2027-03-01", 0),
        ("F", "Fir", 55_555.55, "2026-10-01", "Mid-Market", "Robin", None, "Renewal", None, 0),
        ("G", "Gum", 77_777.77, "2027-05-05", "Mid-Market", "Dana", 95, "Advocate", None, 0),
        ("H", "Hazel", 5_000.00, "2027-04-04", "SMB", "Dana", 88, "Churned", None, 0),
        ("I", "Ivy", 8_000.00, "2028-01-01", "SMB", "Dana", 80, "Established", None, 0),
    ]  # fmt: skip
    frame = pd.DataFrame(
        rows,
        columns=["key", "name", "arr", "renewal_date", "tier", "owner", "health_score",
                 "lifecycle_stage", "churn_date", "health_change"],
    ).set_index("key")  # fmt: skip
    frame["renewal_date"] = pd.to_datetime(frame["renewal_date"])
    frame["churn_date"] = pd.to_datetime(frame["churn_date"])
    return frame


def calls() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("B", "2027 Q1", "Likely", 35_000.50, "exec sponsor re-engaged", "Dana", "2026-12-01"),
            ("C", "2027 Q1", None, 120_000.00, "dropping one product", "Robin", "2026-12-02"),
            ("D", "2027 Q2", "Commit", None, "wrong quarter: not applied", "Dana", "2026-12-02"),
        ],
        columns=["account_key", "quarter", "category", "amount", "reason", "user", "updated_at"],
    )


def test_quarters_ahead() -> None:
    labels = [(q.label, q.start, q.end) for q in quarters_ahead(TODAY)]
    assert labels[0] == ("2026 Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert labels[-1] == ("2027 Q3", dt.date(2027, 7, 1), dt.date(2027, 9, 30))


def test_default_categories_and_reasons() -> None:
    rows = forecast(portfolio(), TODAY, ForecastSettings()).set_index("key")
    assert sorted(rows.index) == ["A", "B", "C", "D", "E", "F", "G"]  # H churned, I too late
    assert rows.at["A", "category"] == "Commit"
    assert rows.at["A", "category_reason"] == "health 85, Established"
    assert rows.at["B", "category"] == "At risk"
    assert rows.at["B", "category_reason"] == "health 42 (below 50)"
    assert rows.at["C", "category"] == "Churn expected"
    assert rows.at["D", "category"] == "At risk"
    assert rows.at["D", "category_reason"] == "health down 20 points"
    assert rows.at["E", "category"] == "Churn expected"
    assert rows.at["E", "category_reason"] == "churn date 2027-03-01"
    assert rows.at["F", "category"] == "Likely"  # no score: no evidence either way
    assert rows.at["F", "quarter"] == "2026 Q4" and rows.at["F", "overdue"]
    assert rows.at["G", "category"] == "Commit" and rows.at["G", "quarter"] == "2027 Q2"


def test_totals_to_the_cent_with_calls() -> None:
    rows = forecast(portfolio(), TODAY, ForecastSettings(), calls())
    by_key = rows.set_index("key")
    assert by_key.at["B", "category"] == "Likely" and by_key.at["B", "amount"] == 35_000.50
    assert by_key.at["C", "category"] == "Churn expected" and by_key.at["C", "amount"] == 120_000
    assert by_key.at["C", "override_by"] == "Robin"
    assert not by_key.at["D", "overridden"]  # its call is for another quarter
    table = totals(rows, "tier", order=["Enterprise", "Mid-Market", "SMB"])

    def cell(quarter: str, group: str, category: str) -> tuple[int, float, float]:
        hit = table[
            (table["quarter"] == quarter) & (table["group"] == group)
            & (table["category"] == category)
        ]  # fmt: skip
        assert len(hit) == 1, (quarter, group, category)
        r = hit.iloc[0]
        return int(r["accounts"]), float(r["arr_up"]), float(r["expected_arr"])

    # 2027 Q1, Mid-Market: B Likely 35,000.50 x 0.8 = 28,000.40; E Churn expected 30,000.01 x 0.1
    assert cell("2027 Q1", "Mid-Market", "Likely") == (1, 40_000.10, 28_000.40)
    assert cell("2027 Q1", "Mid-Market", "Churn expected") == (1, 30_000.01, 3_000.00)
    assert cell("2027 Q1", "Mid-Market", "All") == (2, 70_000.11, 31_000.40)
    # C: 120,000 x 0.1; D: 9,999.99 x 0.5 = 4,999.995 -> 5,000.00 (rounded per account)
    assert cell("2027 Q1", "Enterprise", "All") == (1, 150_000.00, 12_000.00)
    assert cell("2027 Q1", "SMB", "At risk") == (1, 9_999.99, 5_000.00)
    # 2026 Q4: A Commit 12,345.67 x 0.95 = 11,728.39; F (overdue) Likely 55,555.55 x 0.8
    assert cell("2026 Q4", "SMB", "Commit") == (1, 12_345.67, 11_728.39)
    assert cell("2026 Q4", "Mid-Market", "Likely") == (1, 55_555.55, 44_444.44)
    assert list(table["quarter"].unique()) == ["2026 Q4", "2027 Q1", "2027 Q2"]
    portfolio_total = totals(rows, None)
    q1 = portfolio_total[(portfolio_total["quarter"] == "2027 Q1")
                         & (portfolio_total["category"] == "All")]  # fmt: skip
    assert float(q1["expected_arr"].iloc[0]) == pytest.approx(48_000.40, abs=1e-9)


def test_probabilities_are_settings() -> None:
    cautious = dataclasses.replace(ForecastSettings(), likely=0.5)
    rows = forecast(portfolio(), TODAY, cautious).set_index("key")
    assert rows.at["F", "expected_arr"] == 27_777.78  # 55,555.55 x 0.5, to the cent
    assert ForecastSettings.from_dict(cautious.to_dict()) == cautious
    assert ForecastSettings.from_dict({}) == ForecastSettings()


def test_segment_totals_count_an_account_in_each_of_its_segments() -> None:
    rows = forecast(portfolio(), TODAY, ForecastSettings())
    members = pd.DataFrame(
        {"Watch": [True, True, False, False, False, False, False, False, False],
         "Big": [False, True, True, False, False, False, True, False, False]},
        index=list("ABCDEFGHI"),
    )  # fmt: skip
    table = totals(rows, "segment", members)
    everything = table[table["category"] == "All"]
    watch = everything[everything["group"] == "Watch"]
    assert int(watch["accounts"].sum()) == 2
    big = everything[everything["group"] == "Big"]
    assert float(big["arr_up"].sum()) == pytest.approx(40_000.10 + 150_000 + 77_777.77)


def test_accuracy_after_a_quarter() -> None:
    made = portfolio().loc[["B", "C", "D", "E"]]  # the renewals of 2027 Q1, at its start
    rows = forecast(made, dt.date(2027, 1, 1), ForecastSettings(), quarters=1)
    assert sorted(rows["key"]) == ["B", "C", "D", "E"]
    closing = pd.DataFrame(
        {
            "arr": [0.0, 160_000.0, 9_999.99, 0.0],  # B churned; C renewed and grew
            "churned": [True, False, False, True],
        },
        index=["B", "C", "D", "E"],
    )
    result = accuracy(rows, closing)
    by = {c.category: c for c in result.categories}
    assert (by["At risk"].accounts, by["At risk"].actual_arr, by["At risk"].churned) == (
        2, 9_999.99, 1,
    )  # fmt: skip
    assert by["Churn expected"].actual_arr == 160_000.0
    assert result.expected_arr == pytest.approx(20_000.05 + 5_000.00 + 15_000.00 + 3_000.00)
    assert result.actual_arr == 169_999.99
    assert result.error == round(169_999.99 - result.expected_arr, 2)
    assert np.isclose(result.arr_up, 40_000.10 + 150_000 + 9_999.99 + 30_000.01)
