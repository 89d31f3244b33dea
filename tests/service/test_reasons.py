"""Reasons in words: every field name the core writes into a reason reads as its label, while
quoted values and ordinary words stay as they are."""

from __future__ import annotations

import pytest

from cspm.service.reasons import field_label, readable_reason


@pytest.mark.parametrize(
    ("raw", "readable"),
    [
        ("contract_start 2025-03-09 is more than 365 days ago", "Contract Start 2025-03-09 is"),
        ("no contract_start and no other rule matched", "no Contract Start and no other"),
        ("imported lifecycle_stage 'Onboarding'", "imported Lifecycle Stage 'Onboarding'"),
        ("nps 9 >= 8 and health_score 80 >= 80", "NPS 9 >= 8 and Health Score 80 >= 80"),
        ("renewal_date 2027-01-11 soon; arr 1000 > 5", "Renewal Date 2027-01-11 soon; ARR 1000"),
        ("status 'is_reference' is a churned status", "Status 'is_reference' is a churned status"),
    ],
)
def test_field_names_read_as_labels(raw: str, readable: str) -> None:
    assert readable_reason(raw).startswith(readable)


def test_custom_fields_are_title_cased_from_their_header() -> None:
    assert field_label("product_line") == "Product Line"
    assert field_label("contract_start") == "Contract Start"
    assert field_label("arr") == "ARR"
