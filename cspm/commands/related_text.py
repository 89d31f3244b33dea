"""The summary of a related import as a person reads it on the terminal: what the file was
read as (and the columns that say so), its counts, how many rows linked, where the unlinked
ones are listed, the history derived and where each account field came from."""

from __future__ import annotations

from typing import Any

from cspm.cli_format import problem_lines

EXAMPLES_SHOWN = 5


def related_summary_text(result: Any) -> str:
    """Lines for an ImportResult whose `related` summary is set."""
    r = result.related
    if result.status == "already_imported":
        return f"{result.file}: {r.read_as()}; {result.message}."
    verb = {"imported": "Imported", "dry_run": "Dry run of", "refused": "Did not import"}
    lines = [
        f"{verb[result.status]} {result.file}"
        + (f" (sheet '{result.sheet}')" if result.sheet else "")
        + f", {r.read_as()}, as of {result.as_of.isoformat()}; header on row "
        f"{result.header_row}.",
        f"  rows {result.rows_total}: imported {r.rows if result.status != 'refused' else 0}, "
        f"rejected {result.rejected}, warnings {result.warnings}",
    ]
    if result.status == "dry_run":
        lines.append("  (dry run: nothing was written)")
    if result.status in ("imported", "dry_run"):
        lines.append(f"  linked {r.linked:,}, unlinked {r.unlinked:,}")
        if r.unlinked:
            if r.unlinked_csv:
                lines.append(f"  unlinked rows written to {r.unlinked_csv}")
            for ex in r.unlinked_examples[:EXAMPLES_SHOWN]:
                where = f"row {ex['row']}: " if ex.get("row") is not None else ""
                lines.append(f"    {where}{ex.get('why', '')}")
            if r.unlinked > EXAMPLES_SHOWN:
                lines.append(f"    ... and {r.unlinked - EXAMPLES_SHOWN:,} more")
        if r.relinked:
            lines.append(f"  {r.relinked:,} rows imported earlier changed account (now linked)")
    if result.status == "imported":
        if r.accounts and r.first_date and r.last_date:
            lines.append(
                f"  history: {r.accounts:,} accounts, {r.period} ends "
                f"{r.first_date.isoformat()} to {r.last_date.isoformat()} "
                f"({r.snapshots:,} snapshots)"
            )
        elif not r.accounts:
            lines.append("  history: no stored account has rows yet (import the accounts file)")
        by_source: dict[str, list[str]] = {}
        for fld, source in r.sources.items():
            by_source.setdefault(source, []).append(fld)
        for source, fields in by_source.items():
            lines.append(f"  from {source}: {', '.join(fields)}")
    lines.extend(problem_lines(result.problems, raw=False))
    return "\n".join(lines)
