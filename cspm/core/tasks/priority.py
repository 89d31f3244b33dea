"""Task priority: a 0-100 score per task with the reasons that add up to it.

The formula (W = PriorityWeights; every component is 0-100):

    priority = (W.value * V + W.risk * R + W.urgency * U + W.base * B)
               / (W.value + W.risk + W.urgency + W.base)        rounded to 1 decimal (0 if the
                                                                weights sum to 0)

    V, value   = (1 - W.potential_share) * ARR percentile + W.potential_share * potential
                 percentile. A percentile is 100 * (accounts with a value <= this one) /
                 (accounts with a value), over the portfolio's accounts with a value above 0;
                 a missing or non-positive value scores 0.
    R, risk    = (1 - W.trend_share) * (100 - health) + W.trend_share * drop, where health is
                 clipped to 0-100 and a missing health counts as 50; drop = 100 * (points lost
                 since the last import) / 30, capped at 100, 0 when health rose or is unknown.
    U, urgency = (1 - W.renewal_share) * due + W.renewal_share * renewal, with
                 due: days until the due date -30 or less -> 100, 0 (today) -> 75, 7 -> 55,
                      30 -> 25, 90 or more -> 0, linear in between (no due date -> 0);
                 renewal: days until renewal_date -30 or less -> 0, 0 -> 100, 90 or more -> 0,
                      linear in between (no renewal date -> 0).
    B, base    = the template's base priority.

Defaults: value 0.30, risk 0.30, urgency 0.25, base 0.15; shares 0.25 / 0.30 / 0.30.

Why these shapes: percentiles make value comparable across portfolios of any size and skew,
and make "top 5% of portfolio" a true statement; the due curve is strictly decreasing from 30
days overdue to 90 days out, so a nearer due date never ranks lower and an overdue task always
ranks above one not yet due when everything else is equal; renewals that passed over 30 days ago
are stale data, not an emergency.

Reasons: one text per part of the score, each with its contribution in points; they are listed
most important first (ties in the order value, potential, health, due, renewal, base). ARR,
health, due date and base priority always appear, so the list is never empty; potential ARR
appears when above 0 and renewal when it adds points.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import numpy as np
import pandas as pd

from cspm.core.columns import numeric_column
from cspm.core.money import USD, MoneyFormat, money_full
from cspm.core.tasks.frames import column_days, day_number, days, positions
from cspm.core.tasks.models import PriorityWeights

DUE_CURVE = ((-30.0, 0.0, 7.0, 30.0, 90.0), (100.0, 75.0, 55.0, 25.0, 0.0))
RENEWAL_CURVE = ((-30.0, 0.0, 90.0), (0.0, 100.0, 0.0))
DROP_FOR_FULL_RISK = 30.0
MISSING_HEALTH = 50.0


def score_tasks(
    tasks: pd.DataFrame,
    portfolio: pd.DataFrame,
    today: datetime.date,
    weights: PriorityWeights,
    money: MoneyFormat = USD,
    *,
    reasons: bool = True,
) -> pd.DataFrame:
    """`tasks` with `priority` (0-100, 1 decimal) and `reasons` (list[str], never empty) added.

    `reasons=False` leaves `reasons` empty (None): a caller showing the first 20 of 170,000
    ranked tasks scores them all, then writes the reasons of those 20 only (a task's score
    depends only on the task and the portfolio, so scoring the 20 again gives the same one).

    tasks needs account_key, due_date and base_priority; optional trigger_kind/trigger name the
    source in the base-priority reason. `account_name` is added from the portfolio when absent
    so `sort_tasks` can break ties by name. Tasks of accounts missing from the portfolio score
    on due date and base priority alone. Amounts in reasons are written in `money`.
    """
    t0 = day_number(today)
    pos = positions(tasks["account_key"], portfolio.index)
    found = pos >= 0

    def per_task(values: np.ndarray) -> np.ndarray:
        out = np.full(len(tasks), np.nan)
        out[found] = values[pos[found]]
        return out

    arr = numeric_column(portfolio, "arr")
    potential = numeric_column(portfolio, "potential_arr")
    arr_sorted, pot_sorted = _positive_sorted(arr), _positive_sorted(potential)
    a_val, p_val = per_task(arr), per_task(potential)
    a_pct, p_pct = _percentile(a_val, arr_sorted), _percentile(p_val, pot_sorted)
    health = per_task(numeric_column(portfolio, "health_score"))
    change = per_task(numeric_column(portfolio, "health_change"))
    to_renewal = per_task(column_days(portfolio, "renewal_date")) - t0
    to_due = days(tasks["due_date"]) - t0
    base = np.clip(np.nan_to_num(numeric_column(tasks, "base_priority")), 0, 100)

    w = weights
    total = w.value + w.risk + w.urgency + w.base

    def share(weight: float) -> float:
        # Divide, not multiply by 1/total: a denormal total would overflow to inf.
        return 0.0 if total <= 0 else weight / total

    # Points each part adds to the final score, one column per reason.
    value_pts = share(w.value) * (1 - w.potential_share) * np.nan_to_num(a_pct)
    pot_pts = share(w.value) * w.potential_share * np.nan_to_num(p_pct)
    h_risk = 100 - np.clip(np.where(np.isnan(health), MISSING_HEALTH, health), 0, 100)
    drop = np.clip(np.nan_to_num(-change) * 100 / DROP_FOR_FULL_RISK, 0, 100)
    risk_pts = share(w.risk) * ((1 - w.trend_share) * h_risk + w.trend_share * drop)
    due_pts = share(w.urgency) * (1 - w.renewal_share) * _curve(DUE_CURVE, to_due)
    ren_pts = share(w.urgency) * w.renewal_share * _curve(RENEWAL_CURVE, to_renewal)
    base_pts = share(w.base) * base
    points = np.column_stack([value_pts, pot_pts, risk_pts, due_pts, ren_pts, base_pts])
    priority = np.round(np.clip(points.sum(axis=1), 0, 100), 1)

    out = tasks.copy()
    out["priority"] = priority
    out["reasons"] = None
    if reasons:
        # Texts are formatted once per distinct value (an ARR, a due offset, a trigger), then
        # spread to the tasks: 200,000 tasks share a few thousand distinct texts.
        texts = [
            _per_distinct({"v": a_val}, lambda d: _arr_text(d["v"], arr_sorted, money)),
            _per_distinct({"v": p_val}, lambda d: _money_reason("potential ARR ", d["v"], money)),
            _per_distinct({"h": health, "c": change}, lambda d: _health_text(d["h"], d["c"])),
            _per_distinct({"d": to_due}, lambda d: _due_text(d["d"])),
            _per_distinct({"d": to_renewal}, lambda d: _renewal_text(d["d"])),
            _base_texts(tasks, base),
        ]
        present = np.ones(points.shape, dtype=bool)
        present[:, 1] = p_val > 0
        present[:, 4] = ren_pts > 0
        out["reasons"] = pd.Series(_ordered_reasons(texts, present, points), index=out.index)
    if "account_name" not in out.columns:
        names = np.full(len(tasks), None, dtype=object)
        if "name" in portfolio.columns:
            names[found] = portfolio["name"].to_numpy(dtype=object)[pos[found]]
        out["account_name"] = names
    return out


def sort_tasks(scored: pd.DataFrame) -> pd.DataFrame:
    """Priority high to low, then due date (earliest first, none last), then account name
    (case-insensitive; `account_name`, else `name`, else the account key); stable."""
    name = _tie_names(scored)
    # Names ranked once per distinct name, so the sort itself is on numbers only.
    codes, distinct = pd.factorize(name.astype(object), use_na_sentinel=True)
    folded = np.array([str(v).casefold() for v in distinct], dtype=object)
    by_name = np.argsort(np.argsort(folded, kind="stable"), kind="stable")
    rank = np.append(by_name, len(distinct))[codes]  # no name: after every name
    due = days(scored["due_date"])
    due = np.where(np.isnan(due), np.inf, due)
    priority = scored["priority"].to_numpy(dtype=np.float64, na_value=np.nan)
    order = np.lexsort((rank, due, -np.nan_to_num(priority, nan=-np.inf)))
    return scored.iloc[order]


def top_tasks(scored: pd.DataFrame, n: int) -> pd.DataFrame:
    """`sort_tasks(scored).head(n)`, with account names ranked for the head's candidates only.

    `cspm tasks --limit 20` ranks 170,000 tasks: folding and ranking every account name (the
    last key) cost half the ranking. Priority and due date pick the candidates: every task
    ahead of the n-th on those two keys, and every task tied with it. Among them names rank
    as in `sort_tasks` (case-folded, then first appearance in `scored`, none last)."""
    if n <= 0:
        return scored.iloc[:0]
    if n >= len(scored):
        return sort_tasks(scored)
    due = days(scored["due_date"])
    due = np.where(np.isnan(due), np.inf, due)
    priority = scored["priority"].to_numpy(dtype=np.float64, na_value=np.nan)
    ahead = -np.nan_to_num(priority, nan=-np.inf)
    nth = np.lexsort((due, ahead))[n - 1]
    rows = np.flatnonzero((ahead < ahead[nth]) | ((ahead == ahead[nth]) & (due <= due[nth])))
    codes, distinct = pd.factorize(_tie_names(scored).astype(object), use_na_sentinel=True)
    mine = codes[rows]
    named = np.unique(mine[mine >= 0])  # codes number names by first appearance in `scored`
    folded = [str(distinct[c]).casefold() for c in named]
    by_name = np.empty(len(named), dtype=np.int64)
    by_name[sorted(range(len(named)), key=lambda i: (folded[i], named[i]))] = np.arange(len(named))
    rank = np.full(len(rows), len(named), dtype=np.int64)  # no name: after every name
    rank[mine >= 0] = by_name[np.searchsorted(named, mine[mine >= 0])]
    order = np.lexsort((rank, due[rows], ahead[rows]))
    return scored.iloc[rows[order][:n]]


def _tie_names(scored: pd.DataFrame) -> pd.Series:
    """The name ties are broken by: `account_name`, else `name`, else the account key."""
    if "account_name" in scored.columns:
        return scored["account_name"]
    return scored["name"] if "name" in scored.columns else scored["account_key"]


def _curve(curve: tuple[tuple[float, ...], tuple[float, ...]], x: np.ndarray) -> np.ndarray:
    """Piecewise-linear curve, flat beyond its ends; missing x scores 0."""
    return np.where(np.isnan(x), 0.0, np.interp(np.nan_to_num(x), *curve))


def _positive_sorted(values: np.ndarray) -> np.ndarray:
    """The portfolio's values above 0, sorted: the population percentiles are taken against."""
    return np.sort(values[values > 0])


def _percentile(values: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    """Share (0-100) of `ranked` at or below each value; NaN for missing or non-positive."""
    out = np.full(len(values), np.nan)
    ok = values > 0
    if len(ranked):
        out[ok] = 100.0 * np.searchsorted(ranked, values[ok], side="right") / len(ranked)
    return out


def _top_share(values: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    """Share (0-1) of `ranked` at or above each value; NaN for missing or non-positive."""
    out = np.full(len(values), np.nan)
    ok = values > 0
    if len(ranked):
        out[ok] = (len(ranked) - np.searchsorted(ranked, values[ok], side="left")) / len(ranked)
    return out


def _per_distinct(
    columns: dict[str, np.ndarray], make: Callable[[dict[str, np.ndarray]], np.ndarray]
) -> np.ndarray:
    """`make` applied to the distinct rows of `columns` only, spread back to every row.

    Returns an object array of str (one pointer per task, no per-task string work).
    """
    if len(next(iter(columns.values()))) == 0:
        return np.empty(0, dtype=object)
    if len(columns) == 1:
        codes = pd.factorize(next(iter(columns.values())), use_na_sentinel=False)[0]
    else:
        frame = pd.DataFrame(columns)
        codes = frame.groupby(list(columns), sort=False, dropna=False).ngroup().to_numpy()
    # First row of each code, without sorting: reversed assignment leaves the first occurrence.
    first = np.empty(int(codes.max()) + 1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    distinct = {k: v[first] for k, v in columns.items()}
    return np.asarray(make(distinct)).astype(str).astype(object)[codes]


def _money_text(values: np.ndarray, money: MoneyFormat) -> np.ndarray:
    """Amounts as a numpy str array ("$1,234", cents only when there are some)."""
    return money_full(values, money, cents="auto").astype(str)


def _money_reason(prefix: str, values: np.ndarray, money: MoneyFormat) -> np.ndarray:
    return np.where(values > 0, np.strings.add(prefix, _money_text(values, money)), "")


def _int_text(x: np.ndarray) -> np.ndarray:
    return np.rint(np.nan_to_num(x)).astype(np.int64).astype(str)


def _arr_text(arr: np.ndarray, ranked: np.ndarray, money: MoneyFormat) -> np.ndarray:
    """ "ARR $240,000 (top 5% of portfolio)" / "(bottom 30% of portfolio)" / "no ARR on record".

    An amount in neither half (ties across the median, a single account) reads "about the
    portfolio median".
    """
    pct, top = _percentile(arr, ranked), _top_share(arr, ranked)
    top_pc = np.clip(np.ceil(np.nan_to_num(top) * 100 - 1e-9), 1, 100)
    bottom_pc = np.clip(np.ceil(np.nan_to_num(pct) - 1e-9), 1, 100)
    share = np.where(
        np.nan_to_num(top) <= 0.5,
        np.strings.add(np.strings.add(" (top ", _int_text(top_pc)), "% of portfolio)"),
        np.where(
            np.nan_to_num(pct) <= 50,
            np.strings.add(np.strings.add(" (bottom ", _int_text(bottom_pc)), "% of portfolio)"),
            " (about the portfolio median)",
        ),
    )
    text = np.strings.add(np.strings.add("ARR ", _money_text(arr, money)), share)
    text = np.where(arr > 0, text, np.strings.add("ARR ", _money_text(arr, money)))
    return np.where(np.isnan(arr), "no ARR on record", text)


def _health_text(health: np.ndarray, change: np.ndarray) -> np.ndarray:
    """ "health 38, down 22 since last import" (the change only when 1 point or more)."""
    text = np.strings.add("health ", _int_text(health))
    moved = np.rint(np.nan_to_num(change))
    down = np.strings.add(np.strings.add(", down ", _int_text(-moved)), " since last import")
    up = np.strings.add(np.strings.add(", up ", _int_text(moved)), " since last import")
    text = np.where(moved <= -1, np.strings.add(text, down), text)
    text = np.where(moved >= 1, np.strings.add(text, up), text)
    return np.where(np.isnan(health), "no health score", text)


def _day_count(n: np.ndarray) -> np.ndarray:
    """ "1 day" / "4 days" for whole day counts."""
    return np.strings.add(_int_text(n), np.where(np.abs(n) == 1, " day", " days"))


def _due_text(to_due: np.ndarray) -> np.ndarray:
    d = np.nan_to_num(to_due)
    text = np.where(
        d < 0,
        np.strings.add("overdue by ", _day_count(-d)),
        np.strings.add("due in ", _day_count(d)),
    )
    text = np.where(d == 0, "due today", np.where(d == 1, "due tomorrow", text))
    return np.where(np.isnan(to_due), "no due date", text)


def _renewal_text(to_renewal: np.ndarray) -> np.ndarray:
    d = np.nan_to_num(to_renewal)
    text = np.where(
        d < 0,
        np.strings.add(np.strings.add("renewal passed ", _day_count(-d)), " ago"),
        np.strings.add("renewal in ", _day_count(d)),
    )
    return np.where(d == 0, "renewal today", np.where(d == 1, "renewal tomorrow", text))


def _base_texts(tasks: pd.DataFrame, base: np.ndarray) -> np.ndarray:
    """ "base priority 90 (At risk playbook)" / "(Renewal stage)" / "(Check-in cadence)"."""
    n = len(tasks)
    blank = np.full(n, "", dtype=object)
    columns = {
        "b": base,
        "k": _text_column(tasks, "trigger_kind", blank),
        "t": _text_column(tasks, "trigger", blank),
    }

    def make(d: dict[str, np.ndarray]) -> np.ndarray:
        text = np.strings.add("base priority ", _int_text(d["b"]))
        kind, trigger = d["k"].astype(str), d["t"].astype(str)
        suffix = np.select(
            [kind == "segment", kind == "stage", kind == "cadence"],
            [" playbook)", " stage)", " cadence)"],
            default="",
        )
        named = np.strings.add(np.strings.add(np.strings.add(text, " ("), trigger), suffix)
        return np.where((suffix != "") & (trigger != ""), named, text)

    return _per_distinct(columns, make)


def _text_column(frame: pd.DataFrame, name: str, default: np.ndarray) -> np.ndarray:
    if name not in frame.columns:
        return default
    col = frame[name].astype(object)
    return col.where(col.notna(), "").to_numpy(dtype=object)


def _ordered_reasons(
    texts: list[np.ndarray], present: np.ndarray, points: np.ndarray
) -> np.ndarray:
    """Per task, its present reasons by points, highest first (stable on ties).

    Returns an object array of lists. Rows are grouped by how many reasons they have (at most
    a handful of groups), so each group's lists come straight from one `tolist()`.
    """
    n = len(points)
    out = np.empty(n, dtype=object)
    if n == 0:
        return out
    order = np.argsort(np.where(present, -points, np.inf), axis=1, kind="stable")
    grid = np.take_along_axis(np.column_stack(texts), order, axis=1)
    counts = present.sum(axis=1)
    for k in np.unique(counts):
        rows = np.flatnonzero(counts == k)
        out[rows] = pd.Series(grid[rows, :k].tolist(), dtype=object).to_numpy()
    return out
