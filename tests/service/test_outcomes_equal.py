"""The outcomes service (states kept per date, membership only when wanted, a disk copy of the
states) gives exactly the figures of the implementation it replaced, kept here as the
reference: every period state re-derived from all snapshots and analysed with segments, then
`outcome_metrics` period by period. The history is generated from real imported files:
accounts appearing mid-history, expansions, contractions, blank ARR, churns and
re-activations, owners changing, and pinned tiers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cspm.core.fields import FIELD_NAMES
from cspm.core.outcomes import PERIOD_COLUMNS, one_hot, outcome_metrics
from cspm.core.periods import periods_for_snapshots
from cspm.core.pipeline import analyse_portfolio
from cspm.core.settings import LIFECYCLE_STAGES
from cspm.service import outcome_states
from cspm.service.context import AppContext
from cspm.service.imports import ImportOptions, import_file
from cspm.service.outcomes import OUTCOME_FIELDS, outcomes
from cspm.service.portfolio import load_knobs, load_portfolio, set_tier_override
from cspm.storage import accounts_repo, imports_repo
from tests.core.test_state_derive_equal import old_derive_state
from tests.files import write_csv

HEADER = ["Account ID", "Account Name", "ARR", "Status", "Churn Date", "Owner", "NPS"]
DATES = [dt.date(2026, m, 28) for m in range(1, 9)]
TODAY = dt.date(2026, 8, 30)


def _history(tmp_path: Path, seed: int) -> AppContext:
    rng = np.random.default_rng(seed)
    n = 60
    first = rng.integers(0, 5, n)  # month each account appears
    arr = rng.integers(1, 40, n) * 5_000.0
    churned = np.zeros(n, dtype=bool)
    ctx = AppContext.open(str(tmp_path / f"h{seed}.sqlite3"), today=TODAY)
    for m, day in enumerate(DATES):
        rows: list[list[object]] = [HEADER]
        arr = np.maximum(arr * rng.choice([0.8, 1.0, 1.0, 1.25], n), 0.0)  # moves both ways
        flip = rng.random(n) < 0.12  # churn, or come back (re-activation)
        churned = churned ^ flip
        for i in np.flatnonzero(first <= m):
            value = "" if rng.random() < 0.05 else f"{arr[i]:.2f}"
            rows.append(
                [
                    f"A{i}",
                    f"Account {i}",
                    value,
                    "Churned" if churned[i] else "Active",
                    day.isoformat() if churned[i] else "",
                    f"csm{(i + m // 3) % 4}" if i % 7 else "",
                    str(rng.integers(0, 11)) if rng.random() < 0.7 else "",
                ]
            )
        path = write_csv(tmp_path / f"h{seed}-{m}.csv", rows)
        assert import_file(ctx, path, ImportOptions(as_of=day)).status == "imported"
    set_tier_override(ctx, "A3", "Enterprise", "strategic")
    set_tier_override(ctx, "A8", "SMB", "reseller")
    return ctx


def old_outcomes(ctx: AppContext, by: str, period: str) -> pd.DataFrame:
    """The implementation before issue 16, kept as the reference."""
    with ctx.db.session() as s:
        snapshots = accounts_repo.load_snapshots(s)
        carried = imports_repo.carried_by_import(s)
        accounts = accounts_repo.load_accounts(s)
        history = accounts_repo.load_history(s)
        knobs = load_knobs(s)
    rules = {d.name: d.rule for d in load_portfolio(ctx).segments if d.rule is not None}
    keys = pd.Series(accounts["key"].to_numpy(), index=accounts["id"].to_numpy())
    dates = sorted(pd.to_datetime(snapshots["as_of"].dropna().unique()).date.tolist())

    def state(day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
        stamp = pd.Timestamp(day)
        snaps = snapshots[snapshots["as_of"] <= stamp]
        snaps = snaps.drop_duplicates(["account_id", "import_id"], keep="last")
        derived = old_derive_state(snaps, carried, FIELD_NAMES).reset_index()
        derived.insert(0, "key", derived["account_id"].map(keys).astype(object))
        analysed = analyse_portfolio(
            derived.drop(columns=["account_id"]),
            history[history["as_of"] <= stamp],
            day,
            settings=knobs.settings,
            overrides=knobs.overrides,
            touchpoints=knobs.touchpoints,
            health=knobs.health,
            rules=rules,
        )
        frame = analysed.frame
        frame["churned"] = (frame["lifecycle_stage"] == "Churned").to_numpy()
        return frame, analysed.membership

    def groups(frame: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
        if by == "tier":
            return one_hot(frame["tier"], order=list(knobs.settings.tier_names))
        if by == "stage":
            return one_hot(frame["lifecycle_stage"], order=list(LIFECYCLE_STAGES))
        if by == "owner":
            return one_hot(frame["owner"].fillna("(no owner)").astype(str))
        if by == "segment":
            return membership.reindex(columns=list(rules), fill_value=False)
        return pd.DataFrame(index=frame.index)

    frames = []
    for p in periods_for_snapshots(dates, period):  # type: ignore[arg-type]
        (s0, m0), (s1, m1) = state(p.opening_as_of), state(p.closing_as_of)
        metrics = outcome_metrics(s0, s1, groups(s0, m0), groups(s1, m1)).reset_index()
        metrics["period"] = p.label
        metrics["period_start"] = pd.Series([p.start] * len(metrics), dtype=object)
        metrics["period_end"] = pd.Series([p.end] * len(metrics), dtype=object)
        frames.append(metrics[PERIOD_COLUMNS])
    return pd.concat(frames, ignore_index=True)[OUTCOME_FIELDS]


@pytest.mark.parametrize("seed", [1])
def test_outcomes_equal_the_old_implementation(tmp_path: Path, seed: int) -> None:
    ctx = _history(tmp_path, seed)
    for period in ("quarter", "month"):
        for by in ("tier", "segment", "owner", "stage", "portfolio"):
            new = outcomes(ctx, by=by, period=period)  # type: ignore[arg-type]
            pd.testing.assert_frame_equal(new, old_outcomes(ctx, by, period), obj=f"{by}/{period}")
    table = outcomes(ctx, by="tier", period="month")
    assert (table["churned_logos"] > 0).any() and (table["new_logos"] > 0).any()
    assert (table["expansion_arr"] > 0).any() and (table["contraction_arr"] > 0).any()
    ctx.close()


def test_a_new_process_reads_the_states_back_and_a_change_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outcome_states, "MIN_ACCOUNTS", 0)  # the disk copy at test size
    ctx = _history(tmp_path, 3)
    url = ctx.db.url
    first = outcomes(ctx, by="tier", period="month")
    ctx.close()
    assert list(outcome_states.frame_cache.cache_dir().glob("outcomes-*.pkl"))

    again = AppContext.open(url, today=TODAY)
    pd.testing.assert_frame_equal(outcomes(again, by="tier", period="month"), first)
    for by in ("segment", "owner"):  # membership added to states read back without it
        pd.testing.assert_frame_equal(
            outcomes(again, by=by, period="month"), old_outcomes(again, by, "month")
        )
    set_tier_override(again, "A5", "Enterprise", "pinned after the copy was made")
    pinned = outcomes(again, by="tier", period="month")
    pd.testing.assert_frame_equal(pinned, old_outcomes(again, "tier", "month"))
    again.close()

    third = AppContext.open(url, today=TODAY)
    pd.testing.assert_frame_equal(outcomes(third, by="tier", period="month"), pinned)
    third.close()
