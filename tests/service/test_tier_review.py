"""The quarterly tier review from a real imported file: stale pins, the CRM's tier against the
band, a red account just under the next band; decisions as one undoable change."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import update

from cspm.cli import main
from cspm.core.errors import BadInputError
from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, import_file
from cspm.service.portfolio import load_portfolio, set_tier_override
from cspm.service.settings import set_value
from cspm.service.tier_review import Decision, decide, tier_review
from cspm.service.undo import undo
from cspm.storage.models import TierOverride
from tests.files import write_csv

TODAY = dt.date(2026, 11, 23)
HEADER = ["Account ID", "Account Name", "ARR", "Health Score", "Tier", "Status"]
ROWS = [
    # pinned Enterprise long ago, ARR is Mid-Market now
    ["A1", "Alder Freight", 40_000, 80, "", "Active"],
    # pinned Mid-Market long ago, ARR is Mid-Market: the pin does nothing
    ["A2", "Birch Health", 50_000, 75, "", "Active"],
    # pinned last week: not stale
    ["A3", "Cedar Media", 30_000, 70, "", "Active"],
    # the CRM says SMB; ARR is Enterprise
    ["A4", "Dogwood Bank", 150_000, 85, "SMB", "Active"],
    # red, 8% under Enterprise (100,000)
    ["A5", "Elm Retail", 92_000, 35, "", "Active"],
    # red but far under the next band
    ["A6", "Fir Energy", 30_000, 35, "", "Active"],
    # green just under the band: fine
    ["A7", "Gum Logistics", 95_000, 90, "", "Active"],
]


@pytest.fixture
def book(tmp_path: Path) -> AppContext:
    ctx = AppContext.open(str(tmp_path / "review.sqlite3"), today=TODAY)
    path = write_csv(tmp_path / "accounts.csv", [HEADER, *ROWS])
    assert import_file(ctx, path, ImportOptions(as_of=TODAY)).status == "imported"
    set_tier_override(ctx, "A1", "Enterprise", "strategic logo")
    set_tier_override(ctx, "A2", "Mid-Market", "board member")
    set_tier_override(ctx, "A3", "Enterprise", "expansion coming")
    with ctx.db.sessions() as s:  # A1 and A2 were pinned 200 days ago
        s.execute(
            update(TierOverride)
            .where(TierOverride.account_key.in_(["A1", "A2"]))
            .values(updated_at=dt.datetime(2026, 5, 7, 9, 0))
        )
        s.execute(
            update(TierOverride)
            .where(TierOverride.account_key == "A3")
            .values(updated_at=dt.datetime(2026, 11, 16, 9, 0))
        )
        s.commit()
    ctx.cache.clear()
    return ctx


def test_review_lists_each_kind_with_its_reason(book: AppContext) -> None:
    set_value(book, "tier_source", "imported")  # the CRM's Tier column decides where it can
    rows = tier_review(book).set_index("key")
    assert sorted(rows.index) == ["A1", "A2", "A4", "A5"]
    assert rows.at["A1", "suggested"] == "Mid-Market"
    assert rows.at["A1", "kind"] == "stale pin"
    assert "Pinned to Enterprise 200 days ago (strategic logo, by " in rows.at["A1", "why"]
    assert rows.at["A2", "kind"] == "pin not needed"
    assert rows.at["A4", "suggested"] == "Enterprise"
    assert rows.at["A4", "why"].startswith("The CRM says SMB")
    assert rows.at["A5", "suggested"] == "Enterprise"
    assert "Health 35 (red)" in rows.at["A5", "why"] and "8% under" in rows.at["A5", "why"]
    assert list(tier_review(book)["key"]) == ["A4", "A5", "A2", "A1"]  # largest ARR first


def test_decisions_are_one_undoable_change(book: AppContext) -> None:
    decide(
        book,
        [
            Decision("A1", "accept", "ARR fell with the reorg"),
            Decision("A2", "accept", "the band agrees"),
            Decision("A5", "keep", "renewal just signed"),
        ],
    )
    frame = load_portfolio(book).frame
    assert frame.at["A1", "tier"] == "Mid-Market"
    assert frame.at["A1", "tier_source"] == "override"
    assert frame.at["A2", "tier_source"] == "arr_band"  # unpinned
    assert frame.at["A5", "tier_source"] == "override"
    assert "tier review: renewal just signed" in frame.at["A5", "tier_reason"]
    assert list(tier_review(book)["key"]) == []
    undo(book)
    frame = load_portfolio(book).frame
    assert frame.at["A1", "tier"] == "Enterprise"
    assert frame.at["A2", "tier_source"] == "override"
    assert frame.at["A5", "tier_source"] == "arr_band"


def test_a_decision_needs_a_reason(book: AppContext) -> None:
    with pytest.raises(BadInputError, match="A1 needs a reason"):
        decide(book, [Decision("A1", "accept", " ")])
    assert load_portfolio(book).frame.at["A1", "tier"] == "Enterprise"


def test_cli_lists_and_decides(book: AppContext, capsys: pytest.CaptureFixture[str]) -> None:
    url = book.db.url
    book.close()
    args = ["--db", url, "--today", TODAY.isoformat()]
    assert main(["review-tiers", "--format", "json", *args]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["key"] for r in listed] == ["A5", "A2", "A1"]
    assert main(["review-tiers", "--accept", "A5", *args]) == 2
    assert "needs a reason" in capsys.readouterr().err
    assert main(["review-tiers", "--accept", "A5", "--reason", "at risk", *args]) == 0
    assert "1 decision recorded" in capsys.readouterr().out
    assert main(["review-tiers", "--format", "json", *args]) == 0
    assert [r["key"] for r in json.loads(capsys.readouterr().out)] == ["A2", "A1"]
