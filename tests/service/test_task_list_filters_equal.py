"""The ranked task list after its filters moved to one index lookup per task: equal, frame for
frame (values and dtypes), to the previous implementation (an isin per filter and a map per
presented column, kept here as the reference) on the demo portfolio, for every filter."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from cspm.core.tasks import score_tasks, sort_tasks
from cspm.service.book import UNASSIGNED, owner_keys, owners
from cspm.service.context import AppContext
from cspm.service.demo import load_demo
from cspm.service.portfolio import load_portfolio
from cspm.service.segments import find_segment
from cspm.service.tasks import list_tasks, task_settings
from cspm.storage import tasks_repo
from tests.conftest import TODAY


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppContext]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    load_demo(str(path), accounts=300, today=TODAY)
    ctx = AppContext.open(str(path), today=TODAY)
    yield ctx
    ctx.close()


def _reference(ctx: AppContext, **kw) -> pd.DataFrame:
    """The previous list_tasks body after regeneration, verbatim in its filtering."""
    p = load_portfolio(ctx)
    statuses = ["open", "snoozed"] if kw.get("include_snoozed") else ["open"]
    with ctx.db.session() as s:
        tasks = tasks_repo.load_tasks(s, statuses)
    frame = p.frame
    tasks = tasks[tasks["account_key"].isin(frame.index)]
    if kw.get("segment"):
        _, d = find_segment(ctx, kw["segment"])
        members = p.membership.index[p.membership[d.name].to_numpy(dtype=bool)]
        tasks = tasks[tasks["account_key"].isin(members)]
    if kw.get("tier"):
        tiers = {t.casefold(): t for t in p.settings.tier_names}
        keys = frame.index[frame["tier"] == tiers[kw["tier"].casefold()]]
        tasks = tasks[tasks["account_key"].isin(keys)]
    if kw.get("owner"):
        tasks = tasks[tasks["account_key"].isin(owner_keys(ctx, kw["owner"]))]
    scored = sort_tasks(
        score_tasks(tasks, p.for_tasks, TODAY, task_settings(ctx).weights, p.settings.money)
    )
    keys = scored["account_key"]
    ext = keys.map(frame["external_id"])
    return pd.DataFrame(
        {
            "id": scored["id"].astype("int64").to_numpy(),
            "account": ext.where(ext.notna(), keys.map(frame["name"])).to_numpy(),
            "account_key": keys.to_numpy(),
            "account_name": keys.map(frame["name"]).to_numpy(),
            "owner": keys.map(frame["owner"]).to_numpy(),
            "tier": keys.map(frame["tier"]).to_numpy(),
            "trigger_kind": scored["trigger_kind"].to_numpy(),
            "trigger": scored["trigger"].to_numpy(),
            "segment": scored["trigger"]
            .where(scored["trigger_kind"] == "segment", None)
            .to_numpy(),
            "title": scored["title"].to_numpy(),
            "description": scored["description"].to_numpy(),
            "due_date": scored["due_date"].to_numpy(),
            "priority": scored["priority"].to_numpy(),
            "reasons": scored["reasons"].to_numpy(),
            "status": scored["status"].to_numpy(),
        }
    ).reset_index(drop=True)


def test_every_filter_lists_what_the_previous_implementation_listed(demo: AppContext) -> None:
    names = [o.name for o in owners(demo)]
    cases = [
        {},
        {"owner": names[0]},
        {"owner": names[1].upper()},
        {"owner": UNASSIGNED},
        {"tier": "enterprise"},
        {"segment": "At risk"},
        {"include_snoozed": True, "owner": names[2]},
    ]
    for kw in cases:
        got = list_tasks(demo, **kw)
        assert len(got) > 0, kw
        pd.testing.assert_frame_equal(got, _reference(demo, **kw), obj=str(kw))
