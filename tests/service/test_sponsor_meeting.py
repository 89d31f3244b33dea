"""One sponsor meeting, one task: the renewal playbook's "Executive sponsor call" and the
high-touch cadence's "Executive sponsor touch" are the same meeting with the same person, so no
account may have both open (issue 14: the same account had both)."""

from __future__ import annotations

from cspm.core.tasks.playbooks import DEFAULT_PLAYBOOKS, HIGH_TOUCH
from cspm.service.context import AppContext
from cspm.service.tasks import list_tasks
from tests.demo_portfolio import demo, demo_db_file  # noqa: F401  (fixtures)

SPONSOR_TITLES = {"Executive sponsor call", "Executive sponsor touch"}


def test_no_account_has_two_open_tasks_for_the_sponsor_meeting(demo: AppContext) -> None:  # noqa: F811
    tasks = list_tasks(demo)
    sponsor = tasks[tasks["title"].isin(SPONSOR_TITLES)]
    assert len(sponsor) > 0  # the demo does book sponsor meetings
    per_account = sponsor.groupby("account_key")["title"].nunique()
    doubled = per_account[per_account > 1]
    assert doubled.empty, f"two sponsor-meeting tasks open for {list(doubled.index)[:5]}"


def test_renewal_accounts_without_the_cadence_still_get_the_sponsor_call(
    demo: AppContext,  # noqa: F811
) -> None:
    """Tiers whose engagement model has no sponsor cadence (mid- and tech-touch) keep the
    renewal playbook's call: the fix takes away the duplicate, not the meeting."""
    tasks = list_tasks(demo)
    calls = tasks[tasks["title"] == "Executive sponsor call"]
    assert len(calls) > 0
    assert "Enterprise" not in set(calls["tier"])
    touches = tasks[tasks["title"] == "Executive sponsor touch"]
    assert set(touches["tier"]) <= {"Enterprise"}


def test_the_built_in_templates_declare_the_overlap() -> None:
    step = next(s for s in DEFAULT_PLAYBOOKS if s.title == "Executive sponsor call")
    sponsor_kinds = {c.kind for c in HIGH_TOUCH.cadences if c.label == "Executive sponsor touch"}
    assert sponsor_kinds and sponsor_kinds <= set(step.covered_by)
