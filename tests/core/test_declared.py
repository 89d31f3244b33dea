"""Settings declared once: every key's declaration is complete and self-consistent, and the
text a user types is refused in one sentence naming the key and what it allows."""

from __future__ import annotations

import json

import pytest

from cspm.core.declared import from_dict, to_dict
from cspm.core.errors import BadInputError
from cspm.core.health import HealthConfig
from cspm.core.setting_keys import DECLARED, in_document
from cspm.core.settings import Settings
from cspm.core.tasks import TaskSettings
from cspm.service import personal


def test_every_declared_setting_has_label_help_and_a_default_it_allows() -> None:
    assert len(DECLARED) >= 40
    for key, d in DECLARED.items():
        assert d.spec.label and d.spec.help.endswith("."), key
        assert d.problem(d.default) is None, key
        if d.spec.min is not None and d.spec.max is not None:
            assert d.spec.min <= d.spec.max, key


def test_personal_keys_are_the_personal_files_keys() -> None:
    assert set(in_document("personal")) == {personal.ME, personal.USER}
    assert all(d.scope == "personal" for d in in_document("personal").values())
    assert all(d.scope == "team" for k, d in DECLARED.items() if d.document != "personal")


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("lifecycle.renewal_days", "soon",
         "lifecycle.renewal_days needs a whole number from 0 to 3650, got 'soon'."),
        ("lifecycle.renewal_days", "4000",
         "lifecycle.renewal_days must be between 0 and 3650, got 4000."),
        ("lifecycle.renewal_days", "-1",
         "lifecycle.renewal_days cannot be negative; it takes a whole number from 0 to 3650."),
        ("lifecycle.advocate_nps", "11",
         "lifecycle.advocate_nps must be between 0 and 10, got 11."),
        ("health.mau_trend_days", "0", "health.mau_trend_days must be between 1 and 365, got 0."),
        ("health.prefer_imported", "maybe",
         "health.prefer_imported must be true or false, got 'maybe'."),
        ("date_order", "sideways", "date_order must be one of month_first, day_first."),
        ("currency.symbol", "EURO€€", "currency.symbol needs 1 to 5 characters, e.g. € or CHF."),
        ("tasks.weights.trend_share", "1.5",
         "tasks.weights.trend_share must be between 0 and 1, got 1.5."),
        ("reading.max_unpack_ratio", "0", "reading.max_unpack_ratio must be at least 1."),
        ("trial_statuses", " , ",
         "trial_statuses needs at least one word, e.g. 'trial,trialing'."),
    ],
)  # fmt: skip
def test_bad_values_are_one_sentence_naming_the_key(key: str, text: str, message: str) -> None:
    with pytest.raises(BadInputError) as caught:
        DECLARED[key].parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("lifecycle.renewal_days", " 120 ", 120),
        ("lifecycle.advocate_nps", "8,5", 8.5),
        ("health.prefer_imported", "No", False),
        ("churned_statuses", "churned, Gone ,churned", ("churned", "Gone")),
        ("me", "  ", None),
        ("me", "Dana Lee", "Dana Lee"),
    ],
)
def test_good_values_are_typed(key: str, text: str, value: object) -> None:
    assert DECLARED[key].parse(text) == value


@pytest.mark.parametrize("cls", [Settings, HealthConfig, TaskSettings])
def test_one_reader_and_writer_round_trip_every_document(cls: type) -> None:
    doc = json.loads(json.dumps(to_dict(cls())))
    assert from_dict(cls, doc) == cls()
    assert cls.from_dict(cls().to_dict()) == cls()  # type: ignore[attr-defined]


def test_a_damaged_value_keeps_its_default_and_the_rest_is_read() -> None:
    stored = {"lifecycle": {"renewal_days": "ninety", "adoption_days": 200}, "date_order": 3}
    settings = Settings.from_dict(stored)
    assert settings.lifecycle.renewal_days == 90 and settings.lifecycle.adoption_days == 200
    health = HealthConfig.from_dict({"weights": "heavy", "prefer_imported": "false"})
    assert health.weights == HealthConfig().weights and health.prefer_imported is False
