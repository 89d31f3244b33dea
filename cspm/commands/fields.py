"""`cspm fields`: the canonical fields, their types, labels and the headers they recognise."""

from __future__ import annotations

import argparse
import json
from typing import Any

from cspm.core.related.kinds import KIND_NAMES

from . import CommandFactory, out


def register(command: CommandFactory) -> None:
    p = command(
        "fields",
        "List the fields columns can be mapped to (the FIELD of --map HEADER=FIELD).",
    )
    p.add_argument(
        "--kind",
        metavar="KIND",
        default="accounts",
        help=f"the kind of file whose fields to list: {'|'.join(KIND_NAMES)} (default: accounts)",
    )
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(handler=fields_command)


def fields_command(args: argparse.Namespace) -> int:
    from cspm.service.fields import field_catalogue

    from .imports import check_kind_word

    records = field_catalogue(check_kind_word(args.kind) or "accounts")
    if args.format == "json":
        out(json.dumps(records, indent=2, ensure_ascii=False))
        return 0
    out(_table(records))
    return 0


def _table(records: list[dict[str, Any]]) -> str:
    """Name, type and label in columns; the synonyms in full at the end of each line."""
    heads = ("name", "type", "label")
    widths = [max(len(h), *(len(r[h]) for r in records)) for h in heads]
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)) + "  synonyms"]
    lines.append("  ".join("-" * w for w in widths) + "  --------")
    for r in records:
        words = [*r["synonyms"], *(f"{w} (weak)" for w in r["weak_synonyms"])]
        cells = "  ".join(str(r[h]).ljust(w) for h, w in zip(heads, widths, strict=True))
        read_only = f"  [{r['note']}]" if r.get("note") else ""
        lines.append(f"{cells}  {', '.join(words)}{read_only}")
    aggregates = [r["name"] for r in records if r.get("aggregate")]
    if aggregates:
        percents = ", ".join(r["name"] for r in records if r.get("percent"))
        lines.append(
            f"From related data: {', '.join(aggregates)} are aggregated from subscriptions, "
            "usage, tickets and contacts files (an accounts file may carry them too). "
            f"Fractions ({percents}): 0.3 = 30%; files and rules take 30% or 0.3."
        )
    custom = (
        "keep the column in each row's custom values"
        if any("stored" in r for r in records)
        else "keep the column as a custom field"
    )
    lines.append(
        f"Also: custom ({custom}), ignore (leave it out). Headers match a synonym in any case, "
        "with or without spaces (AnnualRevenue = annual revenue)."
    )
    return "\n".join(lines)
