"""`cspm health backtest`, `cspm health suggest` and `cspm insights`: what the stored history says
about the health score and about groups of accounts."""

from __future__ import annotations

import argparse
import json
from typing import Any

from . import CommandFactory, opened, out, sub_command


def register(command: CommandFactory) -> None:
    p = command("health", "How well the health score predicted churn, from the stored history.")
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    b = sub_command(sub, "backtest", "the score at each snapshot against the next DAYS' churn")
    b.add_argument("--horizon", type=int, default=90, metavar="DAYS")
    b.add_argument("--format", choices=["table", "json"], default="table")
    b.set_defaults(handler=backtest_command)
    s = sub_command(sub, "suggest", "weights per tier fitted to the history (not applied)")
    s.add_argument("--horizon", type=int, default=90, metavar="DAYS")
    s.add_argument("--format", choices=["table", "json"], default="table")
    s.set_defaults(handler=suggest_command)

    i = command("insights", "Groups that churn or grow differently from the portfolio.")
    i.add_argument("--min-group", type=int, default=30, metavar="N")
    i.add_argument("--format", choices=["table", "json"], default="table")
    i.set_defaults(handler=insights_command)

    r = command(
        "review-tiers",
        "Accounts whose ARR band, health or an old pin suggest another tier (quarterly review).",
    )
    r.add_argument("--accept", action="append", default=[], metavar="ACCOUNT_ID")
    r.add_argument("--keep", action="append", default=[], metavar="ACCOUNT_ID")
    r.add_argument("--reason", default="", help="why (required with --accept/--keep)")
    r.add_argument("--format", choices=["table", "json", "csv"], default="table")
    r.set_defaults(handler=review_command)


def _pct(v: float | None, digits: int = 1) -> str:
    return "-" if v is None else f"{100 * v:.{digits}f}%"


def backtest_command(args: argparse.Namespace) -> int:
    from cspm.service.evidence import health_backtest

    with opened(args) as ctx:
        report = health_backtest(ctx, horizon=args.horizon)
    if args.format == "json":
        out(json.dumps(report.to_list(), indent=2, ensure_ascii=False))
        if report.note:
            print(report.note, file=__import__("sys").stderr)
        return 0
    if report.note:
        out(report.note)
        return 0
    first, last = report.windows[0][0], report.windows[-1][0]
    lines = [
        f"Health score against churn within {report.horizon} days, snapshots "
        f"{first.isoformat()} to {last.isoformat()} ({len(report.windows)} dates):",
        "",
    ]
    for t in report.tiers:
        auc = "AUC -" if t.auc is None else f"AUC {t.auc:.2f}"
        lines.append(
            f"{t.tier}: {auc}, {t.accounts} accounts, {t.pairs} account-dates, {t.events} churned"
        )
        if t.note:
            lines.append(f"  {t.note}")
        for band in t.bands:
            lines.append(
                f"  {band.band:<6} {band.pairs:>7} account-dates, {band.churned:>5} churned "
                f"({_pct(band.churn_rate)})"
            )
    out("\n".join(lines))
    return 0


def suggest_command(args: argparse.Namespace) -> int:
    from cspm.core.health import COMPONENTS
    from cspm.service.evidence import suggested_weights

    with opened(args) as ctx:
        found = suggested_weights(ctx, horizon=args.horizon)
    if args.format == "json":
        out(json.dumps([s.to_dict() for s in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        out("There is not enough history to suggest weights.")
        return 0
    lines = []
    for s in found:
        if s.weights is None:
            lines.append(str(s.note))
            continue
        auc = f"AUC {_auc(s.auc_suggested)} (current weights {_auc(s.auc_current)})"
        shown = ", ".join(
            f"{c} {getattr(s.weights, c):.2f}" for c in COMPONENTS if getattr(s.weights, c) > 0
        )
        lines.append(f"{s.tier}: {auc}: {shown}")
    out("\n".join(lines))
    return 0


def _auc(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def insights_command(args: argparse.Namespace) -> int:
    from cspm.service.evidence import insights

    with opened(args) as ctx:
        report = insights(ctx, min_group=args.min_group)
    doc = report.to_dict()
    if args.format == "json":
        out(json.dumps(doc, indent=2, ensure_ascii=False, default=_plain))
        return 0
    if report.insights is None:
        out(report.note or "No insights.")
        return 0
    lines = [f"From {doc['start']} to {doc['end']}:"]
    findings = report.insights.findings
    lines += [f"  {f.sentence}" for f in findings] or [
        report.insights.note or "  No group differs from the portfolio beyond its interval."
    ]
    if report.engagement:
        lines += ["", "Engagement by tier (logged touchpoints per account per month):"]
        for e in report.engagement:
            nrr = "-" if e.nrr is None else f"{e.nrr:.0%}"
            lines.append(
                f"  {e.tier}: {e.touches_per_account_month:.1f} touches, churn "
                f"{e.churn_rate:.0%} ({e.churned} of {e.accounts}), NRR {nrr}"
            )
        lines += [f"  {e.sentence}" for e in report.engagement if e.sentence]
    out("\n".join(lines))
    return 0


def _plain(v: Any) -> Any:
    return v.item() if hasattr(v, "item") else str(v)


def review_command(args: argparse.Namespace) -> int:
    from cspm.cli_format import format_records, frame_records
    from cspm.core.tier_review import REVIEW_COLUMNS
    from cspm.service.settings import money_format
    from cspm.service.tier_review import Decision, decide, tier_review

    decisions = [Decision(k, "accept", args.reason) for k in args.accept]
    decisions += [Decision(k, "keep", args.reason) for k in args.keep]
    with opened(args) as ctx:
        if decisions:
            n = decide(ctx, decisions)
            out(f"Tier review: {n} decision{'s' if n != 1 else ''} recorded.")
            return 0
        rows = tier_review(ctx)
        money = money_format(ctx)
    records = frame_records(rows, REVIEW_COLUMNS)
    if args.format == "table" and not records:
        out("No account needs a tier review.")
        return 0
    columns = ["key", "name", "tier", "suggested", "why"]
    out(format_records(records, args.format, columns, money))
    return 0
