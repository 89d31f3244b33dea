"""Issue 15's "Done when", end to end: a small related dataset written as the files CRMs,
billing and support tools export, imported through the real `cspm` command line, checked against
values computed by hand (`tests.related_expected`).

What a CSM would notice is checked: every aggregate at three dates (to the cent and the day),
the monthly history the import reconstructs, the quarter outcomes (NRR/GRR/churn), that a second
import of the same files changes nothing, that undoing a related import is exact, that rows
linking to no account are reported (and the import still succeeds), and that loading the related
files before the accounts gives the same numbers.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cspm.cli import main
from tests.related_dataset import (
    CHECK_DATES,
    CHURN_EVENTS,
    CONTACTS,
    HISTORY_DATES,
    IDS,
    NAMES,
    QUARTERS,
    SUBSCRIPTIONS,
    TICKETS,
    TODAY,
    UNLINKED_CHURN,
    UNLINKED_CONTACTS,
    UNLINKED_SUBSCRIPTIONS,
    UNLINKED_TICKETS,
    UNLINKED_USAGE_EMAILS,
    USAGE,
    RelatedFiles,
    usage_account,
    write_files,
)
from tests.related_expected import AGGREGATES, figures, quarter_outcomes

MONEY = {"arr", "mrr"}
SUBSCRIPTION_FIELDS = (
    "arr",
    "mrr",
    "seats_purchased",
    "plan",
    "contract_start",
    "renewal_date",
    "subscriptions_active",
)
FRACTIONS = {"usage_trend_30d", "contacts_inactive_share_10d", "ticket_satisfaction_90d"}
DATES = {"contract_start", "renewal_date", "churn_date", "exec_last_login", "last_login"}


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def cspm(db: Path, *args: str) -> Run:
    """`cspm --db DB --today 2025-03-15 ARGS...`, in process, capturing what it prints."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--db", str(db), "--today", TODAY.isoformat(), *args])
    return Run(code, out.getvalue(), err.getvalue())


def imported(db: Path, path: Path, kind: str | None = None) -> Run:
    run = cspm(db, "import", str(path), *(["--kind", kind] if kind else []))
    assert run.code == 0, f"{path.name}: exit {run.code}: {run.err or run.out}"
    return run


def load_all(db: Path, files: RelatedFiles, *, related_first: bool = False) -> dict[str, Run]:
    """Import the accounts and every related file; returns each import's output by kind."""
    runs: dict[str, Run] = {}
    if not related_first:
        runs["accounts"] = imported(db, files.accounts)
    for kind, path in files.related():
        runs[kind] = imported(db, path, kind)
    if related_first:
        runs["accounts"] = imported(db, files.accounts)
    return runs


def accounts_json(db: Path) -> dict[str, dict[str, Any]]:
    run = cspm(db, "accounts", "--format", "json")
    assert run.code == 0, run.err
    return {r["external_id"]: r for r in json.loads(run.out)}


def outcomes_json(db: Path, *extra: str) -> list[dict[str, Any]]:
    run = cspm(db, "outcomes", "--period", "quarter", "--format", "json", *extra)
    assert run.code == 0, run.err
    rows: list[dict[str, Any]] = json.loads(run.out)
    return rows


def portfolio_rows(db: Path) -> dict[str, dict[str, Any]]:
    return {r["period"]: r for r in outcomes_json(db) if r["group"] == "Portfolio"}


@contextlib.contextmanager
def _private_user_dirs(base: Path) -> Iterator[None]:
    """What tests/conftest.py does per test, for the module's shared database."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_DATA_HOME", str(base / "data"))
        mp.setenv("CSPM_CACHE_DIR", str(base / "cache"))
        mp.setenv("CSPM_CONFIG_DIR", str(base / "config"))
        mp.setenv("CSPM_QSETTINGS_DIR", str(base / "qsettings"))
        mp.delenv("CSPM_DB", raising=False)
        yield


@dataclass(frozen=True)
class Loaded:
    db: Path
    files: RelatedFiles
    runs: dict[str, Run]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    """The dataset imported once, accounts first (tests that change it take a copy)."""
    base = tmp_path_factory.mktemp("related")
    with _private_user_dirs(base):
        files = write_files(base / "files")
        db = base / "related.sqlite3"
        runs = load_all(db, files)
        yield Loaded(db, files, runs)


def copy_db(source: Path, target: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        if Path(str(source) + suffix).exists():
            shutil.copy(str(source) + suffix, str(target) + suffix)
    return target


# --- helpers comparing what cspm says with the reference ----------------------------------------


def _value(field: str, v: Any) -> Any:
    """A JSON or frame value in the reference's terms: dates as dates, money in cents."""
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return None
    if field in DATES:
        return pd.Timestamp(v).date()
    if field in ("churn_flag",):
        return bool(v)
    if field in MONEY:
        return round(float(v), 2)
    if field == "plan":
        return str(v)
    return float(v)


def mismatches(got: dict[str, Any], want: dict[str, Any], where: str) -> list[str]:
    out = []
    for field, expected in want.items():
        actual = _value(field, got.get(field))
        if field in FRACTIONS and actual is not None and expected is not None:
            ok = abs(actual - expected) < 1e-9
        elif isinstance(expected, int) and not isinstance(expected, bool):
            ok = actual == float(expected)
        else:
            ok = actual == expected
        if not ok:
            out.append(f"{where} {field}: got {actual!r}, expected {expected!r}")
    return out


def state_at(db: Path, day: dt.date) -> dict[str, dict[str, Any]]:
    """Each account's state at the end of `day`, re-derived from the stored history the way
    outcomes do (per field, the latest snapshot on or before the day that carried it)."""
    from cspm.core.fields import FIELD_NAMES
    from cspm.core.state import derive_state
    from cspm.storage import accounts_repo, imports_repo
    from cspm.storage.db import open_database, resolve_url

    database = open_database(resolve_url(str(db)))
    try:
        with database.session() as s:
            accounts = accounts_repo.load_accounts(s)
            snaps = accounts_repo.load_snapshots(s)
            carried = imports_repo.carried_by_import(s)
    finally:
        database.dispose()
    snaps = snaps[snaps["as_of"] <= pd.Timestamp(day)]
    state = derive_state(snaps, carried, FIELD_NAMES)
    ext = dict(zip(accounts["id"], accounts["external_id"], strict=True))
    return {
        str(ext[i]): {k: _plain(v) for k, v in row.to_dict().items()} for i, row in state.iterrows()
    }


def _plain(v: Any) -> Any:
    """Missing as None (NaN != NaN would make equal states compare unequal)."""
    return None if not isinstance(v, dict | list) and pd.isna(v) else v


# --- the dataset itself -------------------------------------------------------------------------


def test_dated_rows_keep_clear_of_every_window_edge() -> None:
    """The reference holds whatever a window's edge convention: no usage, ticket or contact
    date sits within a day of an edge of the 10/14/30/60/90-day windows at the check dates."""

    def edges(*windows: int) -> set[dt.date]:
        return {
            d - dt.timedelta(days=n + k) for d in CHECK_DATES for n in windows for k in (-1, 0, 1)
        }

    close = {
        "usage (30 days and the 30 before)": edges(30, 60) & {u.day for u in USAGE},
        "tickets (90 days)": edges(90) & {t.opened.date() for t in TICKETS},
        "contacts (10, 14, 30 days)": edges(10, 14, 30) & {c.last_login for c in CONTACTS},
    }
    assert not any(close.values()), close


# --- kinds and links ----------------------------------------------------------------------------


def test_each_related_file_is_read_as_its_kind(tmp_path: Path) -> None:
    files = write_files(tmp_path / "files")
    db = tmp_path / "detect.sqlite3"
    imported(db, files.accounts)
    nouns = {
        "subscriptions": "a subscriptions file",
        "churn_events": "a churn events file",
        "contacts": "a contacts file",
        "usage": "a usage file",
        "tickets": "a support tickets file",
    }
    for kind, path in files.related():
        run = imported(db, path)  # no --kind: detected from the headers and the shape
        assert f"read as {nouns[kind]}" in run.out, f"{path.name}: {run.out}"


def test_unlinked_rows_are_reported_with_examples_and_a_problem_csv(loaded: Loaded) -> None:
    """Rows that link to no account are a warning: counted, the first ones shown with what
    they named, all of them written to a CSV; the rest is imported and the command exits 0."""
    unlinked = {  # kind: (rows linking to nothing, what those rows name)
        "subscriptions": (len(UNLINKED_SUBSCRIPTIONS), ["99999"]),
        "churn_events": (len(UNLINKED_CHURN), [UNLINKED_CHURN[0]]),
        "contacts": (len(UNLINKED_CONTACTS), list(UNLINKED_CONTACTS)),
        "usage": (
            sum(usage_account(u) is None for u in USAGE),
            ["sub_1PX01", *UNLINKED_USAGE_EMAILS],
        ),
        "tickets": (len(UNLINKED_TICKETS), ["Unknown Co"]),
    }
    for kind, (count, named) in unlinked.items():
        run = loaded.runs[kind]
        assert run.code == 0
        assert re.search(rf"\bunlinked {count}\b", run.out), f"{kind}: {run.out}"
        assert re.search(r"warning: [^\n]*links? to no stored account", run.out), run.out
        for name in named:
            assert name in run.out, f"{kind}: {name} not among the examples: {run.out}"
        source = dict(loaded.files.related())[kind]
        paths = [Path(p) for p in re.findall(r"(/\S+\.csv)\b", run.out) if Path(p) != source]
        assert paths and paths[0].exists(), f"{kind}: no CSV of the unlinked rows in: {run.out}"
        with paths[0].open(encoding="utf-8-sig", newline="") as fh:
            body = list(csv.reader(fh))
        assert len(body) - 1 == count, f"{kind}: {body}"
        text = "\n".join(",".join(r) for r in body)
        assert all(name in text for name in named), f"{kind}: {text}"


# --- aggregates at three dates ------------------------------------------------------------------


def test_every_aggregate_at_the_as_of_date(loaded: Loaded) -> None:
    records = accounts_json(loaded.db)
    assert set(records) == set(IDS)  # related rows never create accounts ("Nimbus Labs")
    problems = []
    for account in IDS:
        problems += mismatches(records[account], figures(account, TODAY), f"{account} {TODAY}")
    assert not problems, "\n".join(problems)


def test_tiers_and_stages_follow_the_derived_arr_and_churn(loaded: Loaded) -> None:
    records = accounts_json(loaded.db)
    assert records["10003"]["tier"] == "Enterprise"  # 120,000.00 of active subscriptions
    assert records["10001"]["tier"] == "Mid-Market"  # 24,000 + 13,230.48
    assert records["10004"]["lifecycle_stage"] == "Churned"
    assert records["10002"]["lifecycle_stage"] != "Churned"  # reactivated 2025-01-06
    assert records["10006"]["lifecycle_stage"] != "Churned"  # won back by a new subscription


@pytest.mark.parametrize("day", CHECK_DATES[:2], ids=str)
def test_every_aggregate_at_the_quarter_ends_in_the_stored_history(
    loaded: Loaded, day: dt.date
) -> None:
    state = state_at(loaded.db, day)
    problems = []
    for account in IDS:  # before its first row an account has its opening state (ARR 0 ...)
        problems += mismatches(state.get(account, {}), figures(account, day), f"{account} {day}")
    assert not problems, "\n".join(problems)


def test_the_monthly_history_is_reconstructed(loaded: Loaded) -> None:
    """Every month end from the first subscription to the as-of date holds each account's
    subscription figures, churn and open tickets as they were on that day (the figures whose
    rule has no window edge, so they hold at any date)."""
    problems = []
    for day in HISTORY_DATES:
        state = state_at(loaded.db, day)
        for account in IDS:
            want = figures(account, day)
            keep = (*SUBSCRIPTION_FIELDS, "churn_flag", "churn_date", "open_tickets")
            got = state.get(account, {})
            problems += mismatches(got, {k: want[k] for k in keep}, f"{account} {day}")
    assert not problems, "\n".join(problems)


# --- quarter outcomes ---------------------------------------------------------------------------


def _check_outcomes(rows: dict[str, dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert sorted(rows) == [q[0] for q in QUARTERS], sorted(rows)
    for want in expected:
        got = rows[want["period"]]
        for key in ("start_arr", "new_arr", "expansion_arr", "contraction_arr", "churned_arr"):
            assert round(got[key], 2) == want[key], (want["period"], key, got[key], want[key])
        assert round(got["end_arr"], 2) == want["end_arr"] == want["active_arr_at_close"]
        for key in ("grr", "nrr", "logo_churn_rate"):
            if want[key] is None:
                assert got[key] is None, (want["period"], key, got[key])
            else:
                assert got[key] == pytest.approx(want[key], abs=1e-9), (want["period"], key)


def test_quarter_outcomes_portfolio_rows(loaded: Loaded) -> None:
    """`cspm outcomes --period quarter --format json`: one Portfolio row per quarter the files
    span, end_arr = the ARR of subscriptions active at the quarter end over accounts not
    churned then, and NRR/GRR/logo churn to the cent."""
    _check_outcomes(portfolio_rows(loaded.db), quarter_outcomes())


def test_the_service_gives_the_cli_outcomes(loaded: Loaded) -> None:
    from cspm.service.context import AppContext
    from cspm.service.outcomes import outcomes

    ctx = AppContext.open(str(loaded.db), today=TODAY)
    try:
        table = outcomes(ctx, by="portfolio", period="quarter")
    finally:
        ctx.close()
    service = {
        r["period"]: round(float(r["end_arr"]), 2)
        for r in table.to_dict("records")
        if r["group"] == "Portfolio"
    }
    assert service == {p: round(r["end_arr"], 2) for p, r in portfolio_rows(loaded.db).items()}


# --- re-import, undo, order ---------------------------------------------------------------------


def test_importing_the_same_files_again_changes_nothing(loaded: Loaded, tmp_path: Path) -> None:
    db = copy_db(loaded.db, tmp_path / "again.sqlite3")
    before = accounts_json(db), outcomes_json(db), state_at(db, CHECK_DATES[1])
    run = imported(db, loaded.files.accounts)
    # Related imports of the same date came after it, so the accounts file is loaded again
    # (README: only the last import of a date can be repeated); it changes no account.
    assert "already imported" in run.out or "new 0, updated 0," in run.out, run.out
    for kind, path in loaded.files.related():
        run = imported(db, path, kind)
        assert "already imported" in run.out, f"{kind}: {run.out}"
    after = accounts_json(db), outcomes_json(db), state_at(db, CHECK_DATES[1])
    assert after == before


def test_undoing_a_related_import_is_exact(loaded: Loaded, tmp_path: Path) -> None:
    db = copy_db(loaded.db, tmp_path / "undo.sqlite3")
    before = accounts_json(db), outcomes_json(db), state_at(db, CHECK_DATES[1])
    # A later export of the same subscriptions: Cobalt grew to 160 seats in January, and
    # Delta came back on 2025-03-10.
    changed = tuple(
        replace(s, seats=160, mrr=10666.67, arr=128000.04) if s.sub_id == "sub_1PC01" else s
        for s in SUBSCRIPTIONS
    )
    delta_back = replace(
        SUBSCRIPTIONS[7], sub_id="sub_1PD02", status="active", start=dt.date(2025, 3, 10), end=None
    )
    later = (*changed, delta_back)
    files = write_files(tmp_path / "later", subscriptions=later)
    imported(db, files.subscriptions, "subscriptions")
    now = accounts_json(db)
    assert round(now["10003"]["arr"], 2) == 128000.04
    assert round(now["10004"]["arr"], 2) == 4800.00
    assert now["10004"]["lifecycle_stage"] != "Churned"
    assert portfolio_rows(db) != {r["period"]: r for r in before[1] if r["group"] == "Portfolio"}

    run = cspm(db, "imports", "undo")
    assert run.code == 0, run.err
    after = accounts_json(db), outcomes_json(db), state_at(db, CHECK_DATES[1])
    assert after == before


def test_related_files_before_the_accounts_give_the_same_numbers(
    loaded: Loaded, tmp_path: Path
) -> None:
    db = tmp_path / "related-first.sqlite3"
    runs = load_all(db, loaded.files, related_first=True)
    assert all(r.code == 0 for r in runs.values())
    first, usual = accounts_json(db), accounts_json(loaded.db)
    fields = ("name", "owner", "tier", "lifecycle_stage", *AGGREGATES)
    assert {a: {f: r.get(f) for f in fields} for a, r in first.items()} == {
        a: {f: r.get(f) for f in fields} for a, r in usual.items()
    }
    assert portfolio_rows(db) == portfolio_rows(loaded.db)
    _check_outcomes(portfolio_rows(db), quarter_outcomes())


def test_dataset_names_are_consistent() -> None:
    """Guards the fixture: every linked row points at one of the six accounts."""
    assert {s.customer_id for s in SUBSCRIPTIONS} - set(IDS) == {"99999"}
    assert {e.account_id for e in CHURN_EVENTS} - set(IDS) == {"10077"}
    assert set(NAMES) == set(IDS)
