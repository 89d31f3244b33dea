"""Task generation: episodes, idempotency, closing by data, snooze/dismiss, outliving steps."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cspm.core.tasks import (
    EngagementModel,
    PlaybookStep,
    TaskPlan,
    TaskSettings,
    apply_plan,
    empty_tasks,
    plan_tasks,
)
from cspm.core.tasks.playbooks import CHECK_IN

TODAY = dt.date(2026, 6, 15)


def day(offset: int) -> pd.Timestamp:
    return pd.Timestamp(TODAY) + pd.Timedelta(days=offset)


def make_portfolio(n: int = 3, **columns: object) -> pd.DataFrame:
    """n accounts "a0".."a{n-1}", Mid-Market tech-free defaults, overridable per column."""
    base: dict[str, object] = {
        "name": [f"Account {i}" for i in range(n)],
        "owner": "Dana Scully",
        "tier": "SMB",
        "lifecycle_stage": "Established",
        "arr": 10_000.0,
        "potential_arr": np.nan,
        "health_score": 70.0,
        "renewal_date": day(300),
        "contract_start": day(-700),
        "churn_date": pd.NaT,
        "last_interaction": day(-1),
        "last_qbr": day(-10),
        "health_change": np.nan,
    }
    base.update(columns)
    frame = pd.DataFrame(base, index=pd.Index([f"a{i}" for i in range(n)], name="key"))
    for col in ("renewal_date", "contract_start", "churn_date", "last_interaction", "last_qbr"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame


def no_touchpoints() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_key": pd.Series(dtype="str"),
            "kind": pd.Series(dtype="str"),
            "date": pd.Series(dtype="datetime64[ns]"),
        }
    )


class World:
    """A portfolio, its memberships and a task store that plans are applied to, day by day."""

    def __init__(
        self,
        portfolio: pd.DataFrame,
        membership: dict[str, list[bool]] | None = None,
        settings: TaskSettings | None = None,
    ) -> None:
        self.portfolio = portfolio
        self.membership = pd.DataFrame(membership or {}, index=portfolio.index, dtype=bool)
        self.settings = settings or TaskSettings()
        self.tasks = empty_tasks()
        self.touchpoints = no_touchpoints()
        self.today = TODAY

    def plan(self) -> TaskPlan:
        return plan_tasks(
            self.portfolio,
            self.membership,
            self.tasks,
            self.touchpoints,
            self.today,
            self.settings,
        )

    def run(self, offset: int | None = None) -> TaskPlan:
        if offset is not None:
            self.today = day(offset).date()
        plan = self.plan()
        self.tasks = apply_plan(self.tasks, plan, self.today)
        return plan

    def task(self, account: str, template: str, *, current: bool = True) -> pd.Series:
        t = self.tasks
        sel = (t["account_key"] == account) & (t["template_id"] == template)
        if current:
            sel &= t["episode_open"]
        rows = t[sel]
        assert len(rows) == 1, rows
        return rows.iloc[0]

    def set_status(self, task_id: int, status: str) -> None:
        sel = self.tasks["id"] == task_id
        self.tasks.loc[sel, "status"] = status
        if status in ("done", "dismissed"):
            self.tasks.loc[sel, "closed_on"] = pd.Timestamp(self.today)

    def log(self, account: str, kind: str, offset: int, **flags: bool) -> None:
        row = pd.DataFrame(
            {
                "account_key": [account],
                "kind": [kind],
                "date": [day(offset)],
                **{k: [v] for k, v in flags.items()},
            }
        )
        self.touchpoints = pd.concat([self.touchpoints, row], ignore_index=True)

    def open_keys(self) -> set[tuple[str, str]]:
        t = self.tasks[self.tasks["status"].isin(["open", "snoozed"])]
        return set(zip(t["account_key"], t["template_id"], strict=True))


def segment_step(segment: str = "At risk", offset: int = 3, **kw: object) -> PlaybookStep:
    return PlaybookStep(
        id=kw.pop("id", "risk.call"),  # type: ignore[arg-type]
        trigger_kind="segment",
        trigger=segment,
        title="Escalation call",
        due_offset_days=offset,
        **kw,  # type: ignore[arg-type]
    )


def only(*steps: PlaybookStep, **engagement: EngagementModel) -> TaskSettings:
    return TaskSettings(playbooks=steps, engagement=engagement)


# --- idempotency -----------------------------------------------------------------------------


def test_default_settings_first_run_creates_and_second_run_is_empty() -> None:
    pf = make_portfolio(
        6,
        tier=["Enterprise", "Mid-Market", "SMB", "Enterprise", "SMB", "Unassigned"],
        lifecycle_stage=["Onboarding", "Renewal", "Established", "Renewal", "Churned", "Unknown"],
        contract_start=[day(-5), day(-700), day(-400), day(-800), day(-900), pd.NaT],
        renewal_date=[day(360), day(40), day(200), day(80), day(-50), pd.NaT],
        churn_date=[pd.NaT, pd.NaT, pd.NaT, pd.NaT, day(-20), pd.NaT],
    )
    world = World(
        pf,
        {
            "At risk": [True, False, True, False, False, False],
            "Unpaid invoices": [False, True, False, False, False, True],
            "Churned in last 60 days": [False, False, False, False, True, False],
        },
    )
    first = world.run()
    assert len(first.create) > 0
    assert first.resolve == first.end_episode == first.complete == []
    assert not first.create.duplicated(["account_key", "template_id"]).any()
    assert first.create["title"].ne("").all()
    before = world.open_keys()

    second = world.run()
    assert second.is_empty
    assert world.open_keys() == before
    again = world.run(1)
    assert again.is_empty or len(again.create) == 0


def test_rerun_after_a_change_creates_only_the_new_episode() -> None:
    world = World(make_portfolio(3), {"At risk": [True, False, False]}, only(segment_step()))
    world.run()
    world.membership.loc["a1", "At risk"] = True
    plan = world.run(2)
    assert plan.create["account_key"].tolist() == ["a1"]
    assert plan.resolve == []
    assert world.run(2).is_empty


def test_create_columns_and_due_date_from_today() -> None:
    world = World(make_portfolio(1), {"At risk": [True]}, only(segment_step(offset=3)))
    plan = world.run()
    row = plan.create.iloc[0]
    assert list(plan.create.columns) == [
        "account_key",
        "template_id",
        "trigger_kind",
        "trigger",
        "title",
        "description",
        "due_date",
        "base_priority",
    ]
    assert (row["template_id"], row["trigger_kind"], row["trigger"]) == (
        "risk.call",
        "segment",
        "At risk",
    )
    assert row["due_date"] == day(3)


def test_due_dates_relative_to_today_are_fixed_so_tasks_become_overdue() -> None:
    world = World(make_portfolio(1), {"At risk": [True]}, only(segment_step(offset=3)))
    world.run()
    assert world.run(10).is_empty
    assert world.task("a0", "risk.call")["due_date"] == day(3)


# --- closing by data, snooze, dismiss ---------------------------------------------------------


def test_trigger_clearing_resolves_open_task_and_keeps_it() -> None:
    world = World(make_portfolio(2), {"At risk": [True, True]}, only(segment_step()))
    world.run()
    tid = int(world.task("a0", "risk.call")["id"])
    world.membership.loc["a0", "At risk"] = False
    plan = world.run(1)
    assert plan.resolve == [tid]
    assert plan.end_episode == [tid]
    assert len(plan.create) == 0
    kept = world.tasks.set_index("id").loc[tid]
    assert kept["status"] == "resolved" and not kept["episode_open"]
    assert world.run(1).is_empty


def test_trigger_returning_after_resolution_starts_a_new_task() -> None:
    world = World(make_portfolio(1), {"At risk": [True]}, only(segment_step()))
    world.run()
    world.membership.loc["a0", "At risk"] = False
    world.run(1)
    world.membership.loc["a0", "At risk"] = True
    plan = world.run(2)
    assert plan.create["account_key"].tolist() == ["a0"]
    assert plan.create["due_date"].tolist() == [day(5)]
    assert len(world.tasks) == 2


def test_snoozed_task_stays_open_for_the_episode() -> None:
    world = World(make_portfolio(1), {"At risk": [True]}, only(segment_step()))
    world.run()
    tid = int(world.task("a0", "risk.call")["id"])
    world.set_status(tid, "snoozed")
    assert world.run(5).is_empty
    world.membership.loc["a0", "At risk"] = False
    plan = world.run(6)
    assert plan.resolve == [tid] and plan.end_episode == [tid]


@pytest.mark.parametrize("status", ["dismissed", "done"])
def test_closed_task_stays_closed_until_trigger_clears_and_returns(status: str) -> None:
    world = World(make_portfolio(1), {"At risk": [True]}, only(segment_step()))
    world.run()
    tid = int(world.task("a0", "risk.call")["id"])
    world.set_status(tid, status)
    for offset in (1, 5, 30):
        assert world.run(offset).is_empty  # the trigger still holds: no new task

    world.membership.loc["a0", "At risk"] = False
    plan = world.run(31)
    assert plan.end_episode == [tid]
    assert plan.resolve == []  # closed tasks keep their status
    assert world.tasks.set_index("id").loc[tid, "status"] == status

    world.membership.loc["a0", "At risk"] = True
    plan = world.run(32)
    assert plan.create["account_key"].tolist() == ["a0"]


def test_account_gone_from_portfolio_resolves_its_tasks() -> None:
    world = World(make_portfolio(2), {"At risk": [True, True]}, only(segment_step()))
    world.run()
    gone = int(world.task("a1", "risk.call")["id"])
    world.portfolio = world.portfolio.loc[["a0"]]
    world.membership = world.membership.loc[["a0"]]
    plan = world.run(1)
    assert plan.resolve == [gone]


def test_step_removed_from_settings_resolves_its_tasks() -> None:
    world = World(make_portfolio(1), {"At risk": [True]}, only(segment_step()))
    world.run()
    world.settings = only()
    plan = world.run(1)
    assert plan.resolve == [int(world.task("a0", "risk.call", current=False)["id"])]


def test_segment_missing_from_membership_holds_for_nobody() -> None:
    world = World(make_portfolio(2), {}, only(segment_step()))
    assert world.run().is_empty


def test_tier_filter_limits_the_step() -> None:
    pf = make_portfolio(2, tier=["Enterprise", "SMB"])
    step = segment_step(tiers=("Enterprise",))
    world = World(pf, {"At risk": [True, True]}, only(step))
    assert world.run().create["account_key"].tolist() == ["a0"]
    world.portfolio.loc["a0", "tier"] = "SMB"
    assert world.run(1).resolve == [1]


# --- stage steps --------------------------------------------------------------------------


def onboarding_world() -> World:
    pf = make_portfolio(1, lifecycle_stage="Onboarding", contract_start=day(-2))
    steps = tuple(s for s in TaskSettings().playbooks if s.trigger == "Onboarding")
    return World(pf, {}, only(*steps))


def test_onboarding_steps_are_created_within_the_horizon() -> None:
    world = onboarding_world()
    plan = world.run()
    assert sorted(plan.create["template_id"]) == ["onboarding.adoption_30", "onboarding.kickoff"]
    assert world.task("a0", "onboarding.kickoff")["due_date"] == day(5)
    assert world.task("a0", "onboarding.adoption_30")["due_date"] == day(28)
    plan = world.run(28)  # the 60-day check is due on day 58: within 30 days now
    assert plan.create["template_id"].tolist() == ["onboarding.adoption_60"]


def test_onboarding_checks_outlive_the_stage() -> None:
    world = onboarding_world()
    world.run()
    kickoff = int(world.task("a0", "onboarding.kickoff")["id"])
    world.set_status(kickoff, "done")
    world.portfolio.loc["a0", "lifecycle_stage"] = "Adoption"
    plan = world.run(3)
    assert plan.resolve == []
    assert plan.end_episode == [kickoff]  # closed: its episode ends
    assert ("a0", "onboarding.adoption_30") in world.open_keys()
    world.portfolio.loc["a0", "lifecycle_stage"] = "Onboarding"
    plan = world.run(4)  # the open check keeps its episode: no duplicate
    assert plan.create["template_id"].tolist() == ["onboarding.kickoff"]


def test_renewal_steps_count_back_from_the_renewal_date() -> None:
    pf = make_portfolio(1, lifecycle_stage="Renewal", renewal_date=day(85))
    steps = tuple(s for s in TaskSettings().playbooks if s.trigger == "Renewal")
    world = World(pf, {}, only(*steps))
    plan = world.run()
    due = dict(zip(plan.create["template_id"], plan.create["due_date"], strict=True))
    assert due == {"renewal.plan": day(-5), "renewal.exec_sponsor_call": day(25)}


def test_missing_anchor_date_means_due_the_day_it_is_created() -> None:
    pf = make_portfolio(1, lifecycle_stage="Renewal", renewal_date=pd.NaT)
    steps = tuple(s for s in TaskSettings().playbooks if s.trigger == "Renewal")
    plan = World(pf, {}, only(*steps)).run()
    assert set(plan.create["due_date"]) == {day(0)}
    assert len(plan.create) == 3


# --- cadences -------------------------------------------------------------------------------


def cadence_world(**columns: object) -> World:
    pf = make_portfolio(1, tier="Enterprise", **{"last_interaction": pd.NaT, **columns})
    return World(pf, {}, only(Enterprise=EngagementModel("high-touch", (CHECK_IN,))))


def test_cadence_without_any_touch_is_due_today() -> None:
    plan = cadence_world().run()
    assert plan.create["template_id"].tolist() == ["cadence:check_in"]
    assert plan.create[["trigger_kind", "trigger", "title"]].iloc[0].tolist() == [
        "cadence",
        "Check-in",
        "Check-in",
    ]
    assert plan.create["due_date"].tolist() == [day(0)]


def test_cadence_counts_from_imported_last_interaction() -> None:
    world = cadence_world(last_interaction=day(-3))
    assert world.run().is_empty  # due on day 11, created 7 days before
    plan = world.run(4)
    assert plan.create["due_date"].tolist() == [day(11)]


def test_cadence_falls_due_again_after_completion() -> None:
    world = cadence_world()
    world.run()
    first = int(world.task("a0", "cadence:check_in")["id"])
    world.today = day(2).date()
    world.set_status(first, "done")
    plan = world.run(2)
    assert plan.end_episode == [first] and len(plan.create) == 0
    assert world.run(8).is_empty  # next due day 16: created from day 9
    plan = world.run(9)
    assert plan.create["due_date"].tolist() == [day(16)]


def test_logged_touchpoint_completes_the_open_cadence_task() -> None:
    world = cadence_world()
    world.run()
    first = int(world.task("a0", "cadence:check_in")["id"])
    world.log("a0", "call", 3)
    plan = world.run(3)
    assert plan.complete == [first] and plan.end_episode == [first] and plan.resolve == []
    assert world.tasks.set_index("id").loc[first, "status"] == "done"
    assert world.run(9).is_empty
    plan = world.run(10)  # due 14 days after the call
    assert plan.create["due_date"].tolist() == [day(17)]


def test_touchpoint_logged_late_still_completes() -> None:
    world = cadence_world(last_interaction=day(-30))
    world.run(0)  # anchor day -30: due day -16, created overdue
    first = int(world.task("a0", "cadence:check_in")["id"])
    world.log("a0", "meeting", -2)  # happened before the task was created, logged on day 1
    plan = world.run(1)
    assert plan.complete == [first] and plan.resolve == []


def test_touchpoint_older_than_the_anchor_changes_nothing() -> None:
    world = cadence_world(last_interaction=day(-30))
    world.run(0)
    world.log("a0", "call", -40)
    assert world.run(1).is_empty


def test_note_does_not_complete_a_check_in() -> None:
    world = cadence_world()
    world.run()
    world.log("a0", "note", 1)
    assert world.run(1).is_empty


def test_imported_interaction_resolves_the_cadence_task_by_data() -> None:
    world = cadence_world()
    world.run()
    first = int(world.task("a0", "cadence:check_in")["id"])
    world.portfolio.loc["a0", "last_interaction"] = day(2)
    plan = world.run(2)
    assert plan.resolve == [first] and plan.complete == []


def test_dismissed_cadence_task_skips_one_round() -> None:
    world = cadence_world()
    world.run()
    first = int(world.task("a0", "cadence:check_in")["id"])
    world.set_status(first, "dismissed")
    plan = world.run(0)
    assert plan.end_episode == [first] and len(plan.create) == 0
    assert world.run(6).is_empty
    assert world.run(7).create["due_date"].tolist() == [day(14)]


def test_executive_sponsor_touch_needs_the_flag() -> None:
    pf = make_portfolio(1, tier="Enterprise")
    world = World(pf, {}, TaskSettings(playbooks=()))
    world.run()
    sponsor = int(world.task("a0", "cadence:exec_sponsor")["id"])
    world.log("a0", "meeting", 1)  # no exec_sponsor column: does not count
    assert sponsor not in world.run(1).complete
    world.log("a0", "meeting", 2, exec_sponsor=True)
    assert world.run(2).complete == [sponsor]


def test_qbr_touchpoint_completes_qbr_and_check_in() -> None:
    pf = make_portfolio(1, tier="Enterprise", last_interaction=pd.NaT, last_qbr=pd.NaT)
    world = World(pf, {}, TaskSettings(playbooks=()))
    world.run()
    qbr = int(world.task("a0", "cadence:qbr")["id"])
    check = int(world.task("a0", "cadence:check_in")["id"])
    world.log("a0", "email", 1)
    assert world.run(1).complete == [check]
    world.log("a0", "qbr", 2)
    assert world.run(2).complete == [qbr]


def test_tier_change_ends_the_cadence() -> None:
    world = cadence_world()
    world.run()
    first = int(world.task("a0", "cadence:check_in")["id"])
    world.portfolio.loc["a0", "tier"] = "SMB"
    plan = world.run(1)
    assert plan.resolve == [first]


def test_default_engagement_cadences_per_tier() -> None:
    pf = make_portfolio(
        3, tier=["Enterprise", "Mid-Market", "SMB"], last_interaction=pd.NaT, last_qbr=pd.NaT
    )
    plan = World(pf, {}, TaskSettings(playbooks=())).run()
    got = plan.create.groupby("account_key")["template_id"].apply(sorted).to_dict()
    assert got == {
        "a0": ["cadence:check_in", "cadence:exec_sponsor", "cadence:qbr"],
        "a1": ["cadence:business_review", "cadence:check_in"],
    }


# --- random histories ------------------------------------------------------------------------


def test_random_histories_keep_one_task_per_episode() -> None:
    rng = np.random.default_rng(3)
    n = 40
    pf = make_portfolio(
        n,
        tier=rng.choice(["Enterprise", "Mid-Market", "SMB"], n),
        lifecycle_stage=rng.choice(["Onboarding", "Renewal", "Adoption"], n),
        contract_start=[day(int(d)) for d in rng.integers(-120, 0, n)],
        renewal_date=[day(int(d)) for d in rng.integers(10, 200, n)],
        last_interaction=[day(int(d)) for d in rng.integers(-60, 0, n)],
    )
    segments = ["At risk", "Unpaid invoices", "Expansion potential"]
    world = World(pf, {s: list(rng.random(n) < 0.3) for s in segments})
    for step in range(25):
        world.run(step)
        assert world.plan().is_empty, f"not idempotent on day {step}"
        current = world.tasks[world.tasks["episode_open"]]
        assert not current.duplicated(["account_key", "template_id"]).any()
        # users act, data changes
        open_ids = world.tasks.loc[world.tasks["status"] == "open", "id"].to_numpy()
        for tid in rng.choice(open_ids, min(len(open_ids), 3), replace=False):
            world.set_status(int(tid), str(rng.choice(["done", "dismissed", "snoozed"])))
        for s in segments:
            flip = rng.random(n) < 0.1
            world.membership.loc[flip, s] = ~world.membership.loc[flip, s]
        world.portfolio["lifecycle_stage"] = np.where(
            rng.random(n) < 0.05, "Established", world.portfolio["lifecycle_stage"]
        )
        if step % 4 == 0:
            world.log(str(rng.choice(pf.index)), "call", step)
    statuses = set(world.tasks["status"])
    assert {"open", "resolved", "done"} <= statuses


# --- churned accounts --------------------------------------------------------------------------


def test_churned_accounts_get_only_steps_meant_for_them() -> None:
    """A save plan or a check-in for a customer who has left is noise; an exit interview is not."""
    pf = make_portfolio(
        2, lifecycle_stage=["Churned", "Established"], tier="Enterprise", last_interaction=pd.NaT
    )
    exit_step = segment_step("Lost", id="exit.interview", for_churned=True)
    settings = TaskSettings(
        playbooks=(segment_step("Watch"), exit_step),
        engagement={"Enterprise": EngagementModel("high-touch", (CHECK_IN,))},
    )
    world = World(pf, {"Watch": [True, True], "Lost": [True, False]}, settings)
    world.run()
    assert world.open_keys() == {
        ("a0", "exit.interview"),
        ("a1", "risk.call"),
        ("a1", "cadence:check_in"),
    }


def test_an_account_that_churns_has_its_open_tasks_resolved_by_data() -> None:
    world = World(make_portfolio(1), {"At risk": [True]}, only(segment_step()))
    world.run()
    tid = int(world.task("a0", "risk.call")["id"])
    world.portfolio.loc["a0", "lifecycle_stage"] = "Churned"
    plan = world.run(1)
    assert plan.resolve == [tid]
    assert world.open_keys() == set()


def test_a_step_on_the_churned_stage_applies_without_the_flag() -> None:
    step = PlaybookStep("churn.review", "stage", "Churned", "Churn review")
    world = World(make_portfolio(1, lifecycle_stage="Churned"), {}, only(step))
    world.run()
    assert world.open_keys() == {("a0", "churn.review")}


def test_a_step_covered_by_a_cadence_goes_to_tiers_without_that_cadence() -> None:
    """'Schedule QBR' for an account whose tier already has a QBR cadence would be the same
    meeting twice; the tech-touch account without one still gets the step."""
    step = segment_step("No QBR", id="no_qbr.schedule", covered_by=("check_in",))
    settings = TaskSettings(
        playbooks=(step,), engagement={"Enterprise": EngagementModel("high-touch", (CHECK_IN,))}
    )
    pf = make_portfolio(2, tier=["Enterprise", "SMB"], last_interaction=pd.NaT)
    world = World(pf, {"No QBR": [True, True]}, settings)
    world.run()
    assert world.open_keys() == {("a0", "cadence:check_in"), ("a1", "no_qbr.schedule")}


def test_new_tasks_share_their_template_texts_instead_of_copying_them_per_task() -> None:
    """A first import of 1,000,000 accounts plans ~2.4 million tasks: each task's title and
    description as its own string object was 1.3 GB of the import's peak memory (numpy's
    `np.full(n, text, dtype=object)` makes n copies). Each distinct text is one object."""
    pf = make_portfolio(50, tier="Enterprise", lifecycle_stage="Renewal", renewal_date=day(40))
    create = World(pf, {"At risk": [True] * 50}).plan().create
    assert create["template_id"].nunique() >= 3
    assert len(create) >= 150
    for column in ("template_id", "trigger_kind", "trigger", "title", "description"):
        values = create[column].to_numpy(dtype=object)
        assert len({id(v) for v in values}) == len(set(values)), column
