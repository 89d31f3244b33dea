"""My book in the service: one owner's (or a search's) accounts, their matrix and totals, and
the segment counts, tasks and outcomes restricted to them, on the real demo database."""

from __future__ import annotations

import pandas as pd
import pytest

from cspm.core.book import UNASSIGNED, BookFilter
from cspm.core.errors import BadInputError
from cspm.service.book import book_summary, filter_accounts, me_in, owner_keys, owners
from cspm.service.context import AppContext
from cspm.service.outcomes import outcomes
from cspm.service.personal import ME, set_personal
from cspm.service.portfolio import list_accounts, load_portfolio
from cspm.service.segments import list_segments
from cspm.service.summary import portfolio_summary, tier_stage_matrix
from cspm.service.tasks import list_tasks
from tests.ui.test_tasks_view import demo_ctx, demo_file  # noqa: F401  (shared fixtures)


def test_owners_are_the_datas_with_their_counts_and_the_unassigned(demo_ctx) -> None:  # noqa: F811
    frame = load_portfolio(demo_ctx).frame
    listed = owners(demo_ctx)
    named = [o for o in listed if o.name != UNASSIGNED]
    assert [o.name for o in named] == sorted(frame["owner"].dropna().unique(), key=str.casefold)
    for o in named:
        assert o.accounts == len(list_accounts(demo_ctx, owner=o.name))
    missing = int(frame["owner"].isna().sum())
    assert (listed[-1].name == UNASSIGNED) == (missing > 0)
    assert sum(o.accounts for o in listed) == len(frame)


def test_an_owners_book_is_exactly_their_accounts(demo_ctx) -> None:  # noqa: F811
    owner = owners(demo_ctx)[0].name
    theirs = list_accounts(demo_ctx, owner=owner.upper())
    got = filter_accounts(demo_ctx, BookFilter(owner=f"  {owner.lower()} "))
    assert list(got.index) == list(theirs.index)
    summary = book_summary(demo_ctx, BookFilter(owner=owner))
    tiers = list(load_portfolio(demo_ctx).settings.tier_names)
    everyone = portfolio_summary(demo_ctx)
    expected = tier_stage_matrix(theirs, tiers).reindex(columns=everyone.matrix.columns)
    expected = expected.apply(lambda c: c.map(lambda v: v if isinstance(v, tuple) else (0, 0.0)))
    pd.testing.assert_frame_equal(summary.matrix, expected)
    assert summary.accounts == len(theirs) < everyone.accounts
    assert summary.total_arr == pytest.approx(float(theirs["arr"].sum()))


def test_everyone_is_the_whole_portfolio_summary(demo_ctx) -> None:  # noqa: F811
    summary, whole = book_summary(demo_ctx, BookFilter()), portfolio_summary(demo_ctx)
    pd.testing.assert_frame_equal(summary.matrix, whole.matrix)
    assert (summary.accounts, summary.total_arr) == (whole.accounts, pytest.approx(whole.total_arr))


def test_search_tier_and_segment_narrow_the_book(demo_ctx) -> None:  # noqa: F811
    frame = load_portfolio(demo_ctx).frame
    word = str(frame["name"].iloc[0]).split()[0]
    hits = filter_accounts(demo_ctx, BookFilter(search=word.lower()))
    assert len(hits) and all(word.casefold() in str(n).casefold() for n in hits["name"])
    tier = str(hits["tier"].iloc[0])
    both = filter_accounts(demo_ctx, BookFilter(search=word, tier=tier.lower()))
    assert set(both.index) == set(hits.index[hits["tier"] == tier])
    segment = next(s for s in list_segments(demo_ctx) if s.count and not s.error)
    members = filter_accounts(demo_ctx, BookFilter(segment=segment.name))
    assert len(members) == segment.count
    with pytest.raises(BadInputError, match="Unknown tier 'Platinum'"):
        filter_accounts(demo_ctx, BookFilter(tier="Platinum"))


def test_unassigned_is_the_accounts_without_an_owner(demo_ctx) -> None:  # noqa: F811
    frame = load_portfolio(demo_ctx).frame
    keys = owner_keys(demo_ctx, UNASSIGNED)
    assert keys is not None
    assert set(keys) == set(frame.index[frame["owner"].isna()])


def test_segment_counts_follow_the_owner(demo_ctx) -> None:  # noqa: F811
    owner = owners(demo_ctx)[0].name
    theirs = set(list_accounts(demo_ctx, owner=owner).index)
    p = load_portfolio(demo_ctx)
    for whole, mine in zip(list_segments(demo_ctx), list_segments(demo_ctx, owner=owner),
                           strict=True):  # fmt: skip
        if whole.error:
            continue
        members = set(p.membership.index[p.membership[whole.name].to_numpy(dtype=bool)])
        assert mine.count == len(members & theirs) <= whole.count


def test_tasks_of_an_owner_and_of_the_unassigned(demo_ctx) -> None:  # noqa: F811
    every = list_tasks(demo_ctx)
    owner = owners(demo_ctx)[0].name
    mine = list_tasks(demo_ctx, owner=owner)
    assert len(mine) and set(mine["owner"]) == {owner} and len(mine) < len(every)
    nobody = list_tasks(demo_ctx, owner=UNASSIGNED)
    assert nobody["owner"].isna().all()


def test_outcomes_of_one_owners_accounts(demo_ctx) -> None:  # noqa: F811
    owner = owners(demo_ctx)[0].name
    whole = outcomes(demo_ctx, by="portfolio", period="quarter")
    mine = outcomes(demo_ctx, by="portfolio", period="quarter", owner=owner)
    assert list(mine["period"]) == list(whole["period"])
    assert (mine["end_arr"] < whole["end_arr"]).all()
    held = owner_keys(demo_ctx, owner)
    assert held is not None
    keys = list(held)
    pd.testing.assert_frame_equal(
        outcomes(demo_ctx, by="portfolio", period="quarter", keys=keys), mine
    )
    # the last period closes with today's ARR of exactly those accounts
    theirs = list_accounts(demo_ctx, owner=owner)
    assert float(mine["end_arr"].iloc[-1]) == pytest.approx(float(theirs["arr"].sum()))


def test_me_is_the_chosen_owner_as_spelled_in_the_data(demo_ctx) -> None:  # noqa: F811
    assert me_in(demo_ctx) is None
    owner = owners(demo_ctx)[1].name
    set_personal(ME, owner.upper())
    assert me_in(demo_ctx) == owner
    set_personal(ME, "Somebody Else")
    assert me_in(demo_ctx) is None


def test_states_kept_for_outcomes_give_the_same_answer_as_a_fresh_start(demo_ctx) -> None:  # noqa: F811
    owner = owners(demo_ctx)[0].name
    outcomes(demo_ctx, by="tier", period="month")  # keeps every month's analysed state
    warm = outcomes(demo_ctx, by="owner", period="month", owner=owner)
    fresh = AppContext.open(demo_ctx.db.url, today=demo_ctx.today)
    try:
        pd.testing.assert_frame_equal(
            warm, outcomes(fresh, by="owner", period="month", owner=owner)
        )
    finally:
        fresh.close()
