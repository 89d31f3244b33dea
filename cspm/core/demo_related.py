"""The demo's related exports: a billing system's subscriptions and a help desk's tickets, told
from the same story as the demo's monthly CRM exports (`cspm.core.demo`).

They are derived from those exports, not drawn beside them, so they agree with them at every
month end: the ARR of the subscriptions active on a snapshot date is the ARR that export shows
(an expansion or contraction is a new subscription replacing the old one on a day between two
exports; a churned account's last subscription ends on its churn date), their seats and plan
are the export's, and the tickets open on each snapshot date are as many as its "Open Tickets"
(each opened since the export before and solved before the next), with tickets opened and
solved between exports besides. Contacts and usage are in `demo_usage`.

Everything is vectorised over (account, snapshot) rows: a 20,000-account demo costs no more
Python than a 300-account one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.demo import DemoSnapshot

HISTORY_BEFORE_DAYS = 400
"""How far before the first export the subscriptions export reaches (see `subscriptions_export`)."""

SUBSCRIPTION_COLUMNS = (
    "Subscription ID", "Customer ID", "Customer Name", "Plan", "Status", "Quantity", "MRR", "ARR",
    "Start Date", "Ended At",
)  # fmt: skip
TICKET_COLUMNS = (
    "Id", "Subject", "Status", "Priority", "Requester email", "Organization", "Created at",
    "Solved at", "Satisfaction Score", "Escalated",
)  # fmt: skip
SUBJECTS = (
    "Cannot export report to Excel", "SSO login loops back to the start page",
    "Invoice shows the wrong seat count", "Dashboard loads slowly", "API rate limit reached",
    "How do I add a new admin?", "Data sync stopped overnight", "Request: bulk user import",
    "Permissions for the finance team", "Webhook retries failing",
)  # fmt: skip


@dataclass(frozen=True)
class DemoHistory:
    """The demo's exports stacked: one row per (account, snapshot), the snapshot's index `_s`
    and date `_day` (day number), accounts in Account ID order; `days` holds every snapshot's
    day number, oldest first."""

    rows: pd.DataFrame
    days: np.ndarray

    @classmethod
    def of(cls, snapshots: list[DemoSnapshot]) -> DemoHistory:
        days = np.array([np.datetime64(s.as_of, "D").astype(np.int64) for s in snapshots])
        rows = pd.concat(
            [s.frame.assign(_s=i, _day=days[i]) for i, s in enumerate(snapshots)],
            ignore_index=True,
        )
        rows = rows.sort_values(["Account ID", "_s"], kind="stable").reset_index(drop=True)
        return cls(rows, days)

    @property
    def today(self) -> int:
        return int(self.days[-1])

    def gap_before(self, s: np.ndarray) -> np.ndarray:
        """Days between snapshot s and the one before it (30 before the first)."""
        prev = np.where(s > 0, self.days[np.maximum(s - 1, 0)], self.days[0] - 30)
        return self.days[s] - prev


def as_day(values: pd.Series) -> np.ndarray:
    """Dates as day numbers (float, NaN for missing)."""
    stamps = pd.to_datetime(values)
    out = stamps.to_numpy(dtype="datetime64[D]").astype(np.int64).astype(np.float64)
    out[stamps.isna().to_numpy()] = np.nan
    return out


def day_text(days: np.ndarray) -> np.ndarray:
    """Day numbers as ISO dates ('' for NaN)."""
    known = ~np.isnan(days)
    out = np.full(days.shape, "", dtype=object)
    out[known] = days[known].astype(np.int64).astype("datetime64[D]").astype(str)
    return out


def subscriptions_export(
    history: DemoHistory, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.Series]:
    """A Stripe-like subscriptions export (SUBSCRIPTION_COLUMNS) and, per account, the ID of
    its latest subscription (usage events of the account name it)."""
    r = history.rows
    arr = r["ARR"].to_numpy(dtype=np.float64)
    paying = arr > 0
    same_account = r["Account ID"].eq(r["Account ID"].shift()).to_numpy()
    same_arr = same_account & (arr == np.roll(arr, 1)) & np.roll(paying, 1)
    starts_run = paying & ~same_arr
    run = np.cumsum(starts_run)
    renewal_seen = as_day(r["Renewal Date"])[paying]
    runs = (
        pd.DataFrame(
            {
                "run": run[paying],
                "account": r["Account ID"].to_numpy()[paying],
                "name": r["Account Name"].to_numpy()[paying],
                "s": r["_s"].to_numpy()[paying],
                "arr": arr[paying],
                "seats": r["Seats Purchased"].to_numpy(dtype=np.float64)[paying],
                "plan": r["Plan"].to_numpy()[paying],
                "contract": as_day(r["Contract Start Date"])[paying],
                "renewal": renewal_seen,
            }
        )
        .groupby("run", sort=True)
        .agg(
            account=("account", "first"),
            name=("name", "first"),
            s0=("s", "min"),
            s1=("s", "max"),
            arr=("arr", "first"),
            seats=("seats", "first"),
            plan=("plan", "first"),
            contract=("contract", "first"),
            renewal=("renewal", "last"),
        )
        .reset_index()
    )
    churn = r.groupby("Account ID")["Churn Date"].max()
    churn_day = as_day(runs["account"].map(churn))
    s0 = runs["s0"].to_numpy()
    s1 = runs["s1"].to_numpy()
    days = history.days
    # A change lands on a day after the export before the run's first one, up to that export.
    gap = history.gap_before(s0)
    change = days[s0] - np.floor(rng.random(len(runs)) * gap).astype(np.int64)
    first_of_account = ~runs["account"].eq(runs["account"].shift()).to_numpy()
    contract = runs["contract"].to_numpy()
    use_contract = first_of_account & (contract <= days[s0])
    start = np.where(use_contract, contract, change).astype(np.float64)
    # A customer since long before the first export: its billing export starts with the term in
    # force a year before it (still over a year before every export, as its contract start is).
    early = start < days[0] - HISTORY_BEFORE_DAYS
    start[early] = days[0] - 366 - rng.integers(0, 34, len(runs))[early]

    next_same = np.r_[~first_of_account[1:], False]
    next_start = np.r_[start[1:], np.nan]
    continues = next_same & (np.r_[s0[1:], -1] == s1 + 1)
    after_run = np.where(s1 + 1 < len(days), days[np.minimum(s1 + 1, len(days) - 1)], np.nan)
    churn_here = (churn_day > days[s1]) & (churn_day <= after_run)
    renewal = runs["renewal"].to_numpy()
    last = s1 == len(days) - 1
    # Otherwise (the next export has no ARR for it) it ended on a day before that export.
    lapsed = days[s1] + 1 + np.floor(rng.random(len(runs)) * (after_run - days[s1]))
    end = np.select(
        [continues, churn_here, last],
        [next_start, churn_day, np.where(renewal > history.today, renewal, np.nan)],
        default=lapsed,
    )

    terms = _yearly_terms(runs["run"].to_numpy(), start, end, run[paying], renewal_seen)
    at = runs.set_index("run").loc[terms["run"]].reset_index()
    arr_v = at["arr"].to_numpy()
    mrr = np.round(arr_v / 12.0, 2)
    mrr_only = (np.round(arr_v) % 300 == 0) & (rng.random(len(at)) < 0.3)
    ids = np.char.add("sub_1Q", np.char.zfill(rng.permutation(len(at)).astype(str), 6))
    t_start, t_end = terms["start"].to_numpy(), terms["end"].to_numpy()
    frame = pd.DataFrame(
        {
            "Subscription ID": ids.astype(object),
            "Customer ID": at["account"].to_numpy(),
            "Customer Name": at["name"].to_numpy(),
            "Plan": at["plan"].to_numpy(),
            "Status": np.where(np.isnan(t_end) | (t_end > history.today), "active", "canceled"),
            "Quantity": at["seats"].to_numpy(),
            "MRR": mrr,
            "ARR": np.where(mrr_only, np.nan, arr_v),
            "Start Date": day_text(t_start),
            "Ended At": day_text(t_end),
        }
    )
    latest = frame.groupby("Customer ID")["Subscription ID"].last()
    return frame[list(SUBSCRIPTION_COLUMNS)], latest


def _yearly_terms(
    run_ids: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    row_run: np.ndarray,
    row_renewal: np.ndarray,
) -> pd.DataFrame:
    """Split each run of one ARR at the renewal dates its exports showed: one subscription per
    contract term (columns run, start, end), so the active one ends on the renewal date the CRM
    shows for that date. A change of ARR mid-term ends the term's subscription on that day."""
    bounds = pd.DataFrame({"run": run_ids, "start": start, "end": end})
    cuts = pd.DataFrame({"run": row_run, "start": row_renewal}).dropna().drop_duplicates()
    cuts = cuts.merge(bounds[["run", "start", "end"]], on="run", suffixes=("", "_run"))
    inside = (cuts["start"] > cuts["start_run"]) & (
        cuts["end"].isna() | (cuts["start"] < cuts["end"])
    )
    pieces = pd.concat([bounds[["run", "start"]], cuts.loc[inside, ["run", "start"]]])
    pieces = pieces.sort_values(["run", "start"], kind="stable").reset_index(drop=True)
    same = pieces["run"].eq(pieces["run"].shift(-1)).to_numpy()
    run_end = bounds.set_index("run")["end"].reindex(pieces["run"]).to_numpy()
    pieces["end"] = np.where(same, pieces["start"].shift(-1).to_numpy(), run_end)
    return pieces


def _stamp(days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Day numbers as Zendesk timestamps in office hours ('' for NaN)."""
    out = np.full(days.shape, "", dtype=object)
    known = ~np.isnan(days)
    seconds = rng.integers(8 * 3600, 18 * 3600, int(known.sum()))
    stamps = days[known].astype(np.int64).astype("datetime64[D]").astype("datetime64[s]") + seconds
    out[known] = np.char.replace(stamps.astype(str), "T", " ")
    return out


def tickets_export(
    history: DemoHistory, contacts: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """A Zendesk-like tickets export (TICKET_COLUMNS) whose open tickets on every snapshot
    date are the export's "Open Tickets", plus tickets opened and solved in between."""
    r = history.rows
    s = r["_s"].to_numpy()
    last = len(history.days) - 1
    open_n = np.nan_to_num(r["Open Tickets"].to_numpy(dtype=np.float64)).astype(np.int64)
    live = ~r["Status"].isin(["Churned", "Cancelled"]).to_numpy()
    quick_n = np.where((s > 0) & live, rng.poisson(0.6, len(r)), 0)
    rows = np.r_[np.repeat(np.arange(len(r)), open_n), np.repeat(np.arange(len(r)), quick_n)]
    kept_open = np.r_[np.ones(open_n.sum(), bool), np.zeros(quick_n.sum(), bool)]
    ts = s[rows]
    day = history.days[ts].astype(np.float64)
    gap = history.gap_before(ts)
    u, v = rng.random(len(rows)), rng.random(len(rows))
    span_after = np.where(ts < last, history.days[np.minimum(ts + 1, last)] - day, 0)
    opened = np.where(
        kept_open,
        day - np.floor(u * np.minimum(20, gap)),
        day - gap + 1 + np.floor(u * np.maximum(gap - 1, 1)),
    )
    solved = np.where(
        kept_open,
        np.where(ts < last, day + 1 + np.floor(v * np.minimum(20, span_after)), np.nan),
        np.minimum(opened + np.floor(v * 4), day),
    )
    solved = np.where(kept_open & (ts < last), np.minimum(solved, day + span_after), solved)
    health = r["Health Score"].to_numpy(dtype=np.float64)[rows]
    escalated = rng.random(len(rows)) < np.where(health < 45, 0.4, 0.08)
    rated = ~np.isnan(solved) & (rng.random(len(rows)) < 0.5)
    csat = r["CSAT"].to_numpy(dtype=np.float64)[rows]
    score = np.clip(np.round(np.where(np.isnan(csat), rng.uniform(3, 5, len(rows)), csat)), 1, 5)
    accounts = r["Account ID"].to_numpy()[rows]
    email = _requesters(accounts, contacts, rng)
    order = np.lexsort((accounts, opened))
    frame = pd.DataFrame(
        {
            "Id": np.arange(10_001, 10_001 + len(rows)),
            "Subject": np.asarray(SUBJECTS, dtype=object)[
                rng.integers(0, len(SUBJECTS), len(rows))
            ][order],
            "Status": np.where(np.isnan(solved), "open", "solved")[order],
            "Priority": np.array(["Low", "Normal", "Normal", "High", "Urgent"], dtype=object)[
                rng.integers(0, 5, len(rows))
            ][order],
            "Requester email": email[order],
            "Organization": r["Account Name"].to_numpy()[rows][order],
            "Created at": _stamp(opened, rng)[order],
            "Solved at": _stamp(solved, rng)[order],
            "Satisfaction Score": np.where(rated, score, np.nan)[order],
            "Escalated": np.where(escalated, "true", "false")[order],
        }
    )
    return frame[list(TICKET_COLUMNS)]


def _requesters(
    accounts: np.ndarray, contacts: pd.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    """A contact of each ticket's account, picked at random ('' when it has none)."""
    ordered = contacts.sort_values("Associated Company ID", kind="stable")
    keys = ordered["Associated Company ID"].to_numpy(dtype=object).astype(str)
    emails = ordered["Email"].to_numpy(dtype=object)
    uniq, first, counts = np.unique(keys, return_index=True, return_counts=True)
    if not len(uniq):
        return np.full(len(accounts), "", dtype=object)
    wanted = accounts.astype(str)
    pos = np.minimum(np.searchsorted(uniq, wanted), len(uniq) - 1)
    found = uniq[pos] == wanted
    pick = first[pos] + np.floor(rng.random(len(accounts)) * counts[pos]).astype(np.int64)
    return np.where(found, emails[np.minimum(pick, len(emails) - 1)], "").astype(object)


def export_day(day: int) -> datetime.date:
    return np.datetime64(day, "D").astype(datetime.date)
