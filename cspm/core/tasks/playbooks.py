"""The engagement models and playbooks every team starts with.

They are data, not code: the settings screen edits them and storage keeps the edited copy. The
names must match the tiers in `cspm.core.settings`, the lifecycle stages in LIFECYCLE_STAGES and
the built-in segments in `cspm.core.rules.builtin` (a test checks that).

Touchpoint -> cadence mapping (kept simple on purpose, since a touchpoint records only a kind):
- check-in: completed by a call, email, meeting or QBR; the imported last_interaction counts too.
- QBR / business review: completed by a QBR; the imported last_qbr counts too.
- executive sponsor touch: completed by a meeting or QBR only when the touchpoint's
  `exec_sponsor` flag is true (no flag column: only completing the task itself counts), because
  an ordinary meeting says nothing about whether the sponsor was in the room.
  The renewal playbook's "Executive sponsor call" is that same meeting: it is `covered_by` the
  cadence, so tiers with the cadence get one sponsor task, never a call and a touch.
- note: completes nothing (it records, it does not touch the customer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from cspm.core.settings import UNASSIGNED_TIER
from cspm.core.tasks.models import Cadence, EngagementModel, PlaybookStep

CHECK_IN = Cadence(
    kind="check_in",
    label="Check-in",
    every_days=14,
    base_priority=40,
    description="Regular check-in: usage, open questions, upcoming changes on their side.",
    completed_by=("call", "email", "meeting", "qbr"),
    data_fields=("last_interaction",),
)
QBR = Cadence(
    kind="qbr",
    label="QBR",
    every_days=90,
    base_priority=55,
    description="Quarterly business review: outcomes so far, goals for next quarter.",
    completed_by=("qbr",),
    data_fields=("last_qbr",),
)
EXEC_SPONSOR = Cadence(
    kind="exec_sponsor",
    label="Executive sponsor touch",
    every_days=180,
    base_priority=50,
    description="Meet the executive sponsor: confirm the value they see and their priorities.",
    completed_by=("meeting", "qbr"),
    requires_flag="exec_sponsor",
)
BUSINESS_REVIEW = Cadence(
    kind="business_review",
    label="Business review",
    every_days=180,
    base_priority=50,
    description="Twice-yearly business review: outcomes, adoption, plans.",
    completed_by=("qbr",),
    data_fields=("last_qbr",),
)

HIGH_TOUCH = EngagementModel("high-touch", (CHECK_IN, QBR, EXEC_SPONSOR))
MID_TOUCH = EngagementModel("mid-touch", (replace(CHECK_IN, every_days=30), BUSINESS_REVIEW))
TECH_TOUCH = EngagementModel("tech-touch", ())


def default_engagement() -> Mapping[str, EngagementModel]:
    """Engagement model per tier: Enterprise high-touch, Mid-Market mid-touch, others tech-touch."""
    return MappingProxyType(
        {
            "Enterprise": HIGH_TOUCH,
            "Mid-Market": MID_TOUCH,
            "SMB": TECH_TOUCH,
            UNASSIGNED_TIER: TECH_TOUCH,
        }
    )


def _step(
    id: str,
    kind: str,
    trigger: str,
    title: str,
    description: str,
    due_from: str,
    offset: int,
    priority: float,
    *,
    outlives: bool = False,
    for_churned: bool = False,
    covered_by: tuple[str, ...] = (),
) -> PlaybookStep:
    return PlaybookStep(
        id=id,
        trigger_kind=kind,  # type: ignore[arg-type]
        trigger=trigger,
        title=title,
        description=description,
        due_from=due_from,
        due_offset_days=offset,
        base_priority=priority,
        outlives_trigger=outlives,
        for_churned=for_churned,
        covered_by=covered_by,
    )


_ADOPTION = "Check adoption against the onboarding goals: active seats, key features, blockers."

DEFAULT_PLAYBOOKS: tuple[PlaybookStep, ...] = (
    _step(
        "onboarding.kickoff",
        "stage",
        "Onboarding",
        "Kickoff call",
        "Introduce the team, agree goals, success criteria and the onboarding timeline.",
        "contract_start",
        7,
        80,
        outlives=True,
    ),
    *(
        _step(
            f"onboarding.adoption_{d}",
            "stage",
            "Onboarding",
            f"{d}-day adoption check",
            _ADOPTION,
            "contract_start",
            d,
            55,
            outlives=True,
        )
        for d in (30, 60, 90)
    ),
    _step(
        "renewal.plan",
        "stage",
        "Renewal",
        "Renewal plan",
        "Write the renewal plan: stakeholders, value delivered, risks, commercial options.",
        "renewal_date",
        -90,
        70,
    ),
    _step(
        "renewal.exec_sponsor_call",
        "stage",
        "Renewal",
        "Executive sponsor call",
        "Confirm the sponsor's view of the value and their intent to renew.",
        "renewal_date",
        -60,
        65,
        # The same meeting as the high-touch "Executive sponsor touch" cadence: tiers that have
        # it meet the sponsor through it, so one account never holds two tasks for one meeting.
        covered_by=("exec_sponsor",),
    ),
    _step(
        "renewal.proposal",
        "stage",
        "Renewal",
        "Renewal proposal",
        "Send the renewal proposal.",
        "renewal_date",
        -30,
        75,
    ),
    _step(
        "at_risk.escalation_call",
        "segment",
        "At risk",
        "Escalation call",
        "Call the main contact: what changed, what would fix it.",
        "today",
        3,
        90,
    ),
    _step(
        "at_risk.save_plan",
        "segment",
        "At risk",
        "Save plan",
        "Write a save plan with owners and dates, agreed with the customer.",
        "today",
        7,
        80,
    ),
    _step(
        "expansion.conversation",
        "segment",
        "Expansion potential",
        "Expansion conversation",
        "Talk about more seats or a higher plan; bring in sales if they want it.",
        "today",
        14,
        55,
    ),
    _step(
        "no_interaction.reengage",
        "segment",
        "No interaction in 30+ days",
        "Re-engagement outreach",
        "Reach out with something useful: a tip, a release, a check on their goals.",
        "today",
        5,
        60,
        covered_by=("check_in",),  # tiers with check-ins get their check-in instead
    ),
    _step(
        "churned.exit_interview",
        "segment",
        "Churned in last 60 days",
        "Exit interview",
        "Learn why they left and whether a win-back is possible.",
        "churn_date",
        14,
        40,
        for_churned=True,
    ),
    _step(
        "unpaid.billing_followup",
        "segment",
        "Unpaid invoices",
        "Billing follow-up",
        "Follow up on the unpaid invoices with the customer and finance.",
        "today",
        3,
        70,
        for_churned=True,  # money owed is still owed after they leave
    ),
    _step(
        "no_qbr.schedule_qbr",
        "segment",
        "No QBR in 120 days",
        "Schedule QBR",
        "Book the overdue business review.",
        "today",
        14,
        50,
        covered_by=("qbr", "business_review"),  # the tier's own review cadence books it
    ),
)
