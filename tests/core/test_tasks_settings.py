"""Task settings: defaults from the issue, JSON round trips, validation."""

from __future__ import annotations

import json

import pytest

from cspm.core.errors import BadInputError
from cspm.core.rules.builtin import BUILTIN_SEGMENTS
from cspm.core.settings import LIFECYCLE_STAGES, Settings
from cspm.core.tasks import (
    Cadence,
    CapacitySettings,
    EngagementModel,
    PlaybookStep,
    PriorityWeights,
    TaskSettings,
)


def test_defaults_name_real_tiers_stages_and_segments() -> None:
    s = TaskSettings()
    assert set(s.engagement) == set(Settings().tier_names)
    segments = {name for name, _desc, _rule in BUILTIN_SEGMENTS}
    for step in s.playbooks:
        names = LIFECYCLE_STAGES if step.trigger_kind == "stage" else segments
        assert step.trigger in names, step.id


def test_default_engagement_models() -> None:
    s = TaskSettings()
    cad = {t: {c.kind: c.every_days for c in m.cadences} for t, m in s.engagement.items()}
    assert cad == {
        "Enterprise": {"check_in": 14, "qbr": 90, "exec_sponsor": 180},
        "Mid-Market": {"check_in": 30, "business_review": 180},
        "SMB": {},
        "Unassigned": {},
    }
    assert [s.model_for(t).touch_model for t in ("Enterprise", "Mid-Market", "SMB")] == [
        "high-touch",
        "mid-touch",
        "tech-touch",
    ]
    assert s.capacity.max_accounts == {"high-touch": 30, "mid-touch": 75, "tech-touch": None}


def test_default_playbook_offsets() -> None:
    due = {s.id: (s.due_from, s.due_offset_days) for s in TaskSettings().playbooks}
    assert due == {
        "onboarding.kickoff": ("contract_start", 7),
        "onboarding.adoption_30": ("contract_start", 30),
        "onboarding.adoption_60": ("contract_start", 60),
        "onboarding.adoption_90": ("contract_start", 90),
        "renewal.plan": ("renewal_date", -90),
        "renewal.exec_sponsor_call": ("renewal_date", -60),
        "renewal.proposal": ("renewal_date", -30),
        "at_risk.escalation_call": ("today", 3),
        "at_risk.save_plan": ("today", 7),
        "expansion.conversation": ("today", 14),
        "no_interaction.reengage": ("today", 5),
        "churned.exit_interview": ("churn_date", 14),
        "unpaid.billing_followup": ("today", 3),
        "no_qbr.schedule_qbr": ("today", 14),
    }


def test_json_round_trip() -> None:
    s = TaskSettings(
        weights=PriorityWeights(value=1, risk=2),
        capacity=CapacitySettings(hours_per_month=55, max_accounts={"high-touch": 20}),
        horizon_days=10,
    )
    doc = json.loads(json.dumps(s.to_dict()))
    assert TaskSettings.from_dict(doc) == s
    assert TaskSettings.from_dict(TaskSettings().to_dict()) == TaskSettings()


def test_from_dict_keeps_defaults_and_ignores_unknown_keys() -> None:
    s = TaskSettings.from_dict({"weights": {"risk": 0.9, "future": 1}, "later": True})
    assert s.weights == PriorityWeights(risk=0.9)
    assert s.playbooks == TaskSettings().playbooks
    assert TaskSettings.from_dict(None) == TaskSettings()
    partial = TaskSettings.from_dict({"capacity": {"hours_per_month": 40}})
    assert partial.capacity.max_accounts["high-touch"] == 30


def test_stored_playbooks_replace_the_defaults() -> None:
    step = {"id": "x", "trigger_kind": "segment", "trigger": "Mine", "title": "Do it"}
    s = TaskSettings.from_dict({"playbooks": [step], "engagement": {}})
    assert [p.id for p in s.playbooks] == ["x"]
    assert s.model_for("Enterprise").touch_model == "tech-touch"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Cadence("", "X", 14),
        lambda: Cadence("a:b", "X", 14),
        lambda: Cadence("x", "X", 0),
        lambda: Cadence("x", "X", 14, completed_by=("fax",)),
        lambda: Cadence("x", "X", 14, data_fields=("arr",)),
        lambda: Cadence("x", "X", 14, base_priority=120),
        lambda: EngagementModel("white-glove"),
        lambda: EngagementModel("high-touch", (Cadence("x", "X", 1), Cadence("x", "Y", 2))),
        lambda: PlaybookStep("cadence:x", "segment", "S", "T"),
        lambda: PlaybookStep("x", "owner", "S", "T"),  # type: ignore[arg-type]
        lambda: PlaybookStep("x", "segment", "S", "T", due_from="arr"),
        lambda: PriorityWeights(value=-1),
        lambda: PriorityWeights(trend_share=1.5),
        lambda: CapacitySettings(max_accounts={"high-touch": 0}),
        lambda: CapacitySettings(hours_per_month=-1),
        lambda: TaskSettings(playbooks=(PlaybookStep("x", "segment", "S", "T"),) * 2),
        lambda: TaskSettings(horizon_days=-1),
    ],
)
def test_invalid_settings_are_refused(make) -> None:
    with pytest.raises(BadInputError):
        make()
