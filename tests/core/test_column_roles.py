"""Roles decided by values: owner IDs are not names, HubSpot stages are not the CS lifecycle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cspm.core.column_roles import decide_roles, looks_like_ids, looks_like_marketing_stages
from cspm.core.header import Table
from cspm.core.mapping import auto_map


def table(columns: dict[str, list[object]]) -> Table:
    data = pd.DataFrame(columns, dtype=object)
    return Table(list(data.columns), data, np.arange(2, len(data) + 2), 1, [])


@pytest.mark.parametrize(
    "values,ids",
    [
        (["0055e000001XyZaAAK", "0055e000001XyZbAAK"], True),  # Salesforce 18-char user IDs
        (["005300000012ABC", None], True),  # 15-char
        (["52437654", "52437655", "52437654"], True),  # HubSpot owner IDs
        (["7d2c1b0a-9f8e-4d7c-6b5a-4f3e2d1c0b9a", "{7D2C1B0A-9F8E-4D7C-6B5A-4F3E2D1C0B9B}"], True),
        (["zcrm_5725767000000433001"], True),
        (["Dana Scully", "Fox Mulder"], False),
        (["Christophersons", "Dana"], False),  # 15 letters is a name, not an ID
        (["Dana Scully", "52437654"], False),  # mostly names
        ([None, ""], False),
    ],
)
def test_looks_like_ids(values: list[object], ids: bool) -> None:
    assert looks_like_ids(pd.Series(values, dtype=object)) is ids


@pytest.mark.parametrize(
    "values,marketing",
    [
        (["customer", "evangelist", "marketingqualifiedlead"], True),
        (["Customer", "Marketing Qualified Lead", "Sales Qualified Lead", "Other"], True),
        (["Customer"], True),
        (["Onboarding", "Adoption", "Renewal"], False),
        (["customer", "Onboarding"], False),
    ],
)
def test_looks_like_marketing_stages(values: list[str], marketing: bool) -> None:
    assert looks_like_marketing_stages(pd.Series(values, dtype=object)) is marketing


def test_owner_ids_move_to_owner_id_and_say_so() -> None:
    t = table({"Account ID": ["A1", "A2"], "Account Owner": ["52437654", "52437655"]})
    mapping, notes = decide_roles(t, auto_map(t.headers))
    assert mapping.as_record()["Account Owner"] == "owner_id"
    assert mapping.columns[1].how == "values"
    assert [n.severity for n in notes] == ["info"]
    assert "holds user IDs (like '52437654'), not names" in notes[0].message


def test_owner_names_stay_owner() -> None:
    t = table({"Account ID": ["A1"], "Owner": ["Dana Scully"]})
    mapping, notes = decide_roles(t, auto_map(t.headers))
    assert mapping.as_record()["Owner"] == "owner" and notes == []


def test_owner_ids_kept_as_custom_when_owner_id_is_taken() -> None:
    t = table({"Id": ["A1"], "OwnerId": ["52437654"], "Account Owner": ["52437655"]})
    mapping, notes = decide_roles(t, auto_map(t.headers))
    assert mapping.as_record()["OwnerId"] == "owner_id"
    assert mapping.as_record()["Account Owner"] == "custom:account_owner"
    assert any("also looked like Owner ID" in n.message for n in notes)


def test_user_choice_is_never_second_guessed() -> None:
    t = table({"Account ID": ["A1"], "Stage": ["customer"]})
    mapping, notes = decide_roles(t, auto_map(t.headers, user={"Stage": "lifecycle_stage"}))
    assert mapping.as_record()["Stage"] == "lifecycle_stage" and notes == []


def test_cs_lifecycle_column_stays_lifecycle_stage() -> None:
    t = table({"Account ID": ["A1", "A2"], "Lifecycle Stage": ["Onboarding", "Renewal"]})
    mapping, notes = decide_roles(t, auto_map(t.headers))
    assert mapping.as_record()["Lifecycle Stage"] == "lifecycle_stage" and notes == []
