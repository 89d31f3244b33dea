"""Reading a related export up to its plan: mapping per kind, typed columns in the frame
contract, derived fields, rejected rows with their sheet rows, stable row keys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cspm.core.errors import BadInputError
from cspm.core.header import Table, extract_table
from cspm.core.mapping import auto_map
from cspm.core.plan import UserChoices
from cspm.core.reading import read_raw
from cspm.core.related.frames import columns_of, empty_frame
from cspm.core.related.plan import RelatedPlan, build_related_plan
from cspm.core.settings import Settings
from tests import crm_exports as crm
from tests import related_exports as rel
from tests.files import write_csv


def read(path: Path) -> Table:
    return extract_table(read_raw(path, None), None)


def plan_of(path: Path, kind: str, **choices) -> RelatedPlan:
    table = read(path)
    return build_related_plan(
        table, auto_map(table.headers, kind=kind), kind, Settings(), UserChoices(**choices)
    )


def texts(plan: RelatedPlan) -> list[str]:
    return [p.sentence() for p in plan.problems]


def check_contract(plan: RelatedPlan) -> None:
    """The frame has the contract's columns, in order, with its dtypes, plus the plan's two."""
    frame = plan.frame
    assert tuple(frame.columns) == (*columns_of(plan.kind), "source_row", "custom")
    expected = empty_frame(plan.kind).dtypes
    assert (frame[list(columns_of(plan.kind))].dtypes == expected).all()
    assert frame["account_key"].isna().all()
    assert frame["row_key"].notna().all() and frame["row_key"].is_unique


def test_stripe_subscriptions(tmp_path: Path) -> None:
    plan = plan_of(rel.stripe_subscriptions(tmp_path / "subscriptions.csv"), "subscriptions")
    check_contract(plan)
    f = plan.frame.set_index("subscription_id")
    assert len(f) == 12 and plan.rejected_rows == []
    assert f.loc["sub_1Nq0000", "row_key"] == "sub_1Nq0000"
    assert f.loc["sub_1Nq0000", "account_id"] == "cus_N000"
    # Start (UTC), not the current period's; Ended At, not the current period's end
    assert f.loc["sub_1Nq0001", "start_date"] == pd.Timestamp("2024-02-05")
    assert pd.isna(f.loc["sub_1Nq0000", "end_date"])
    assert f.loc["sub_1Nq0002", "end_date"] == pd.Timestamp("2024-10-01")
    # MRR = price x quantity per month: 49 x 1 monthly; 1,200 x 4 yearly = 400 a month
    assert f.loc["sub_1Nq0000", "mrr"] == pytest.approx(49.0)
    assert f.loc["sub_1Nq0003", "mrr"] == pytest.approx(400.0)
    assert f.loc["sub_1Nq0003", "seats"] == 4
    assert f.loc["sub_1Nq0000", "custom"]["customer_email"] == "billing0@example0.com"
    assert "Info: MRR is the amount x quantity per month of its billing interval" not in texts(plan)
    assert "MRR is the amount x quantity per month of its billing interval" in texts(plan)


@pytest.mark.parametrize(
    "writer,name",
    [
        (crm.salesforce_opportunity_report, "Opportunities.xlsx"),
        (crm.salesforce_opportunity_data_export, "Opportunity.csv"),
    ],
)
def test_closed_won_opportunities_are_subscriptions(tmp_path: Path, writer, name: str) -> None:
    plan = plan_of(writer(tmp_path / name), "subscriptions")
    check_contract(plan)
    assert len(plan.frame) == 12 and plan.skipped == 24 and plan.rejected_rows == []
    assert plan.frame["arr"].notna().all() and plan.frame["start_date"].notna().all()
    notes = [p for p in plan.problems if "not imported" in p.message]
    assert len(notes) == 1 and notes[0].severity == "info"
    assert notes[0].message.startswith("24 opportunities not imported")


def test_opportunity_term_gives_the_end_date(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "deals.csv",
        [
            ["Deal ID", "Deal Name", "Associated Company", "Deal Stage", "Amount",
             "Close Date", "Contract Term (months)"],
            ["901", "Acme 2024", "Acme", "Closed Won", "$12,000.00", "01/31/2024", "12"],
            ["902", "Beta pilot", "Beta", "closedwon", "3,000", "2024-03-15", "1"],
            ["903", "Gamma", "Gamma", "Appointment Scheduled", "9,000", "2024-04-01", "12"],
        ],
    )  # fmt: skip
    plan = plan_of(path, "subscriptions")
    f = plan.frame.set_index("subscription_id")
    assert list(f.index) == ["901", "902"]
    assert f.loc["901", "arr"] == 12_000
    assert f.loc["901", "end_date"] == pd.Timestamp("2025-01-31")
    assert f.loc["902", "end_date"] == pd.Timestamp("2024-04-15")
    assert "1 opportunity not imported" in " ".join(texts(plan))


def test_zendesk_tickets(tmp_path: Path) -> None:
    plan = plan_of(rel.zendesk_tickets(tmp_path / "tickets.csv"), "tickets")
    check_contract(plan)
    f = plan.frame.set_index("ticket_id")
    assert len(f) == 30
    assert f.loc["1000", "account_name"] == "Org 0"
    assert f.loc["1000", "user_email"] == "user0@org0.com"  # e-mails compare lower-cased
    assert f.loc["1000", "opened_at"] == pd.Timestamp("2024-01-01")
    assert pd.isna(f.loc["1000", "closed_at"]) and f.loc["1001", "closed_at"].day == 28
    # Good is 100, Bad 0, Offered / Unoffered say nothing (and are no warning)
    assert f.loc["1000", "satisfaction"] == 100 and f.loc["1001", "satisfaction"] == 0
    assert pd.isna(f.loc["1002", "satisfaction"])
    assert plan.warnings == []


def test_salesforce_cases_report(tmp_path: Path) -> None:
    plan = plan_of(rel.salesforce_cases_report(tmp_path / "Cases.xlsx"), "tickets")
    check_contract(plan)
    f = plan.frame.set_index("ticket_id")
    assert f.loc["00001026", "escalated"] is True or bool(f.loc["00001026", "escalated"])
    assert not bool(f.loc["00001027", "escalated"])
    assert f.loc["00001027", "opened_at"] == pd.Timestamp("2026-03-02")
    assert plan.frame["source_row"].iloc[0] == 6  # below the report's title lines


def test_hubspot_contacts(tmp_path: Path) -> None:
    plan = plan_of(rel.hubspot_contacts(tmp_path / "contacts.xlsx"), "contacts")
    check_contract(plan)
    f = plan.frame.set_index("email")
    row = f.loc["first1.last1@company1.com"]
    assert row["row_key"] == "first1.last1@company1.com"
    assert row["name"] == "First1 Last1" and row["role"] == "Admin"
    assert row["account_name"] == "Company 1"
    assert row["last_login"] == pd.Timestamp("2024-11-02")
    assert pd.isna(f.loc["first0.last0@company0.com", "last_login"])
    assert row["custom"]["record_id"] == 51001


def test_usage_events(tmp_path: Path) -> None:
    plan = plan_of(rel.mixpanel_events(tmp_path / "events.csv"), "usage")
    check_contract(plan)
    mapping = plan.mapping.field_columns()
    assert mapping["feature"] == "Feature" and mapping["usage_date"] == "Time"
    assert mapping["user_email"] == "Distinct ID" and mapping["usage_id"] == "Insert ID"
    f = plan.frame
    assert f.loc[0, "usage_date"] == pd.Timestamp("2024-11-01") and f.loc[0, "feature"] == "Reports"
    assert f.loc[0, "custom"] == {"event": "Report Viewed", "plan_tier": "Pro", "browser": "Chrome"}


def test_churn_sheet_with_yes_no_reactivation(tmp_path: Path) -> None:
    plan = plan_of(rel.churn_sheet(tmp_path / "churn.xlsx"), "churn_events")
    check_contract(plan)
    f = plan.frame
    assert f["is_reactivation"].tolist() == [False, True, False, False]
    assert f.loc[2, "churn_date"] == pd.Timestamp("2024-05-31")
    assert f.loc[0, "row_key"] == "A1|Acme|2024-03-31|false"


def test_event_type_words_say_churn_or_reactivation(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "events.csv",
        [
            ["Customer ID", "Event Type", "Event Date", "Churn Reason"],
            ["C1", "Churn", "2024-01-31", "Price"],
            ["C1", "Reactivation", "2024-05-01", ""],
            ["C2", "Downgrade", "2024-06-01", ""],
        ],
    )
    plan = plan_of(path, "churn_events")
    assert plan.frame["is_reactivation"].tolist()[:2] == [False, True]
    assert pd.isna(plan.frame["is_reactivation"].iloc[2])  # unknown word: missing, flagged
    assert any("could not read 'Downgrade'" in t for t in texts(plan))
    mapped = plan_of(
        path, "churn_events", value_maps={"Event Type": {"Downgrade": "false"}}
    )  # the user's value map
    assert mapped.frame["is_reactivation"].tolist() == [False, True, False]
    assert mapped.value_maps == {"event type": {"downgrade": "false"}}


def test_rows_without_required_field_or_link_are_rejected_with_row_and_column(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "tickets.csv",
        [
            ["Ticket ID", "Organization", "Requester email", "Created at", "Priority"],
            ["T1", "Acme", "", "2024-01-02", "High"],
            ["T2", "", "", "2024-01-03", "Low"],  # no account, no e-mail
            ["T3", "", "dana@beta.io", "2024-01-04", "Low"],  # linkable by e-mail
            ["T4", "Acme", "", "", "Low"],  # no opened date
            ["T5", "Acme", "", "not a date", "Low"],
        ],
    )
    plan = plan_of(path, "tickets")
    assert plan.frame["ticket_id"].tolist() == ["T1", "T3"]
    assert plan.rejected_rows == [3, 5, 6]
    errors = [p.sentence() for p in plan.errors]
    assert errors[0] == (
        "Row 3, column 'Organization': rejected: nothing says whose row it is (columns "
        "'Organization', 'Requester email' empty)"
    )
    assert errors[1] == "Row 5, column 'Created at': rejected: no opened at"
    assert "Row 6, column 'Created at': could not read 'not a date' as a date; left empty" in (
        texts(plan)
    )


def test_a_file_without_its_required_column_or_any_link_is_one_sentence(
    tmp_path: Path,
) -> None:
    no_start = write_csv(
        tmp_path / "a.csv", [["Subscription ID", "Account ID", "MRR"], ["S1", "A", 1]]
    )
    with pytest.raises(BadInputError, match=r"holds the start date.*map one to start_date"):
        plan_of(no_start, "subscriptions")
    no_link = write_csv(tmp_path / "b.csv", [["Event", "Timestamp"], ["Login", "2024-01-01"]])
    with pytest.raises(BadInputError, match="map one to account_id or account_name or "):
        plan_of(no_link, "usage")


def test_row_keys_are_stable_across_reads_and_duplicates_keep_the_last(
    tmp_path: Path,
) -> None:
    rows = [
        ["Account ID", "Date", "Feature", "Count"],
        ["A1", "2024-11-01", "Reports", "3"],
        ["A1", "2024-11-02", "Reports", "5"],
        ["A2", "2024-11-01", "Exports", "1"],
    ]
    first = plan_of(write_csv(tmp_path / "u1.csv", rows), "usage")
    again = plan_of(write_csv(tmp_path / "u2.csv", rows), "usage")
    assert first.frame["row_key"].tolist() == again.frame["row_key"].tolist()
    assert all(k.startswith("#") for k in first.frame["row_key"])
    changed = plan_of(write_csv(tmp_path / "u3.csv", [*rows[:3], [*rows[3][:3], "2"]]), "usage")
    assert changed.frame["row_key"].tolist()[:2] == first.frame["row_key"].tolist()[:2]
    assert changed.frame["row_key"].iloc[2] != first.frame["row_key"].iloc[2]

    dup = write_csv(
        tmp_path / "subs.csv",
        [
            ["Subscription ID", "Account ID", "Start Date", "MRR"],
            ["S1", "A1", "2024-01-01", "100"],
            ["S2", "A1", "2024-02-01", "50"],
            ["S1", "A1", "2024-01-01", "120"],
        ],
    )
    plan = plan_of(dup, "subscriptions")
    assert plan.frame["subscription_id"].tolist() == ["S2", "S1"]
    assert plan.frame["mrr"].tolist() == [50, 120]
    assert [p.sentence() for p in plan.warnings] == [
        "1 row repeats the subscription_id of a later row; the last of each is kept (first: "
        "row 2, kept row 4)"
    ]


def test_money_with_currency_text_and_out_of_range_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "subs.csv",
        [
            ["Subscription ID", "Account Name", "Start Date", "ARR", "Seats"],
            ["S1", "Acme", "03/15/2024", "USD 45,000", "10"],
            ["S2", "Beta", "03/16/2024", "$1,250.00", "-3"],
        ],
    )
    plan = plan_of(path, "subscriptions")
    assert plan.frame["arr"].tolist() == [45_000, 1_250]
    assert np.isnan(plan.frame["seats"].iloc[1])
    assert any("'-3' is out of range (a count from 0" in t for t in texts(plan))
