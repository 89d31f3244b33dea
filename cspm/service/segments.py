"""Segments use cases: list with counts and ARR, members, why, add/edit/remove, share as JSON.

Rules are validated against the field catalogue (canonical, derived and the custom fields the
data has) when saved or loaded, never at evaluation, so a typo is refused with a message that
names it instead of quietly matching nobody.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy.orm import Session

from cspm.core.errors import BadInputError, NotFoundError
from cspm.core.field_labels import field_label
from cspm.core.rules import BUILTIN_SEGMENTS, evaluate, explain, parse_rule, rule_to_json
from cspm.core.rules import describe as describe_rule
from cspm.core.rules.builtin import ADDED_IN, BUILTIN_REVISIONS, BUILTIN_VERSION
from cspm.core.rules.explain_each import explain_each
from cspm.storage import segments_repo

from .changes import Outcome, RowWatch, perform
from .contact_rows import contacts_for_rule
from .files import write_text_atomically
from .portfolio import load_portfolio, resolve_account

if TYPE_CHECKING:
    from .context import AppContext

EXPORT_FORMAT = "cspm-segments"
EXPORT_VERSION = 1


@dataclass(frozen=True)
class SegmentSummary:
    name: str
    description: str
    rule: dict[str, Any]
    colour: str | None
    builtin: bool
    count: int
    arr: float
    error: str | None
    text: str  # the rule in words
    changed_by: str | None = None  # who added or last changed it

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "count": self.count,
            "arr": self.arr,
            "builtin": self.builtin,
            "colour": self.colour,
            "rule": self.rule,
            "rule_text": self.text,
            "error": self.error,
            "changed_by": self.changed_by,
        }


def ensure_builtin_segments(ctx: AppContext) -> None:
    """Ship the built-in library once per database; after that they are the user's to edit
    or delete (a deleted built-in does not come back).

    A database seeded by an older library is brought up to date once: built-ins added since
    are added (unless a segment has the name), and a built-in whose shipped definition changed
    gets the new one only if its stored rule is still the old shipped one."""
    with ctx.db.session() as s:
        if segments_repo.builtin_version(s) >= BUILTIN_VERSION:
            return

    def work(s: Session) -> Outcome[None]:
        version = segments_repo.builtin_version(s)
        if version >= BUILTIN_VERSION:
            return Outcome(None, changed=False)  # another process seeded them meanwhile
        existing = {r.name.casefold(): r for r in segments_repo.list_segments(s)}
        for name, description, rule in BUILTIN_SEGMENTS:
            if ADDED_IN.get(name, 1) > version and name.casefold() not in existing:
                segments_repo.add(s, name, description, rule, builtin=True)
        for changed_in, name, old_description, old_rule in BUILTIN_REVISIONS:
            row = existing.get(name.casefold())
            if changed_in <= version or row is None or row.rule != old_rule:
                continue
            _, description, rule = next(b for b in BUILTIN_SEGMENTS if b[0] == name)
            seg = segments_repo.find(s, name)
            assert seg is not None
            values: dict[str, Any] = {"rule": rule}
            if row.description == old_description:
                values["description"] = description
            segments_repo.update(s, seg, **values)
        segments_repo.mark_builtin_version(s, BUILTIN_VERSION)
        return Outcome(None)

    perform(ctx, "Add the built-in segments", {"segments"}, work, exclusive=True)


def list_segments(ctx: AppContext, *, owner: str | None = None) -> list[SegmentSummary]:
    """Every segment with its count and ARR; with `owner` (a name, or book.UNASSIGNED) counted
    over that owner's accounts only ("my book")."""
    p = load_portfolio(ctx)
    arr = p.frame["arr"].fillna(0.0)
    scope = None
    if owner is not None:
        from .book import book_index

        scope = book_index(ctx).owner_mask(owner)
    out = []
    for d in p.segments:
        if d.rule is not None and d.name in p.membership.columns:
            mask = p.membership[d.name].to_numpy(dtype=bool)
            if scope is not None:
                mask = mask & scope
            count, total = int(mask.sum()), float(arr.to_numpy()[mask].sum())
            text = describe_rule(d.rule, field_label)
        else:
            count, total, text = 0, 0.0, json.dumps(d.rule_json)
        out.append(
            SegmentSummary(
                d.name,
                d.description,
                d.rule_json,
                d.colour,
                d.builtin,
                count,
                round(total, 2),
                d.error,
                text,
                d.changed_by,
            )
        )
    return out


def find_segment(ctx: AppContext, name: str) -> Any:
    """(portfolio, segment definition) for a name, case-insensitive; NotFoundError lists names."""
    p = load_portfolio(ctx)
    for d in p.segments:
        if d.name.casefold() == name.strip().casefold():
            return p, d
    names = ", ".join(f"'{d.name}'" for d in p.segments) or "none"
    raise NotFoundError(f"No segment named '{name}' (segments: {names}).")


def segment_members(ctx: AppContext, name: str, owner: str | None = None) -> pd.DataFrame:
    """Member accounts in display order, with a `why` column (matched conditions, '; '-joined);
    with `owner` (a name, or book.UNASSIGNED) only that owner's members."""
    p, d = find_segment(ctx, name)
    if d.rule is None:
        raise BadInputError(f"Segment '{d.name}' cannot be evaluated: {d.error}")
    mask = p.membership[d.name].to_numpy(dtype=bool)
    if owner is not None:
        from .book import book_index

        scope = book_index(ctx).owner_mask(owner)
        mask = mask if scope is None else mask & scope
    members = p.in_display_order(mask).copy()
    reasons = explain_each(
        d.rule, p.frame, p.history, p.today, members.index, field_label, contacts=p.contacts
    )
    members["why"] = ["; ".join(lines) for lines in reasons]
    return members


def why(ctx: AppContext, name: str, account: str) -> tuple[str, str, list[str]]:
    """(segment name, account key, matched conditions); empty list when not a member."""
    p, d = find_segment(ctx, name)
    if d.rule is None:
        raise BadInputError(f"Segment '{d.name}' cannot be evaluated: {d.error}")
    key = resolve_account(p.frame, account)
    return (
        d.name,
        key,
        explain(d.rule, p.frame, p.history, p.today, key, field_label, contacts=p.contacts),
    )


def parse_rule_source(text: str) -> Any:
    """A rule given as a JSON file path or as JSON text."""
    candidate = Path(text)
    if not text.lstrip().startswith(("{", "[")) and candidate.suffix.lower() == ".json":
        if not candidate.exists():
            raise BadInputError(f"Rule file {candidate.name} does not exist.")
        text = candidate.read_text(encoding="utf-8-sig")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInputError(
            f"The rule is not valid JSON: {exc.msg} at line {exc.lineno}."
        ) from None


def _checked_rule(ctx: AppContext, rule: Any) -> dict[str, Any]:
    catalog = load_portfolio(ctx).catalog
    return rule_to_json(parse_rule(rule, catalog))


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise BadInputError("A segment needs a name.")
    if len(name) > 120:
        raise BadInputError("A segment name can be at most 120 characters.")
    return name


def add_segment(
    ctx: AppContext, name: str, rule: Any, description: str = "", colour: str | None = None
) -> SegmentSummary:
    name = _clean_name(name)
    rule_json = _checked_rule(ctx, rule)

    def work(s: Session) -> Outcome[str]:
        if segments_repo.find(s, name) is not None:
            raise BadInputError(f"A segment named '{name}' already exists.")
        watch = RowWatch(s)
        watch.added(
            "segments", segments_repo.add(s, name, description.strip(), rule_json, colour).id
        )
        return Outcome(name, watch.inverse())

    perform(ctx, f"Add segment '{name}'", {"segments"}, work)
    return _summary(ctx, name)


def edit_segment(
    ctx: AppContext,
    name: str,
    *,
    rule: Any = None,
    new_name: str | None = None,
    description: str | None = None,
    colour: str | None = None,
) -> SegmentSummary:
    values: dict[str, Any] = {}
    if rule is not None:
        values["rule"] = _checked_rule(ctx, rule)
    if description is not None:
        values["description"] = description.strip()
    if colour is not None:
        values["colour"] = colour

    def work(s: Session) -> Outcome[str]:
        seg = segments_repo.find(s, name)
        if seg is None:
            raise NotFoundError(f"No segment named '{name}'.")
        watch = RowWatch(s)
        watch.watch("segments", seg.id)
        if new_name is not None:
            clean = _clean_name(new_name)
            other = segments_repo.find(s, clean)
            if other is not None and other.id != seg.id:
                raise BadInputError(f"A segment named '{clean}' already exists.")
            values["name"] = clean
        segments_repo.update(s, seg, **values)
        return Outcome(seg.name, watch.inverse(), action=f"Edit segment '{seg.name}'")

    final: str = perform(ctx, f"Edit segment '{name}'", {"segments"}, work).result
    return _summary(ctx, final)


def remove_segment(ctx: AppContext, name: str) -> str:
    def work(s: Session) -> Outcome[str]:
        seg = segments_repo.find(s, name)
        if seg is None:
            raise NotFoundError(f"No segment named '{name}'.")
        watch = RowWatch(s)
        watch.watch("segments", seg.id)
        final = seg.name
        segments_repo.remove(s, seg)
        return Outcome(final, watch.inverse(), action=f"Delete segment '{final}'")

    final: str = perform(ctx, f"Delete segment '{name}'", {"segments"}, work).result
    return final


def _summary(ctx: AppContext, name: str) -> SegmentSummary:
    for summary in list_segments(ctx):
        if summary.name.casefold() == name.casefold():
            return summary
    raise NotFoundError(f"No segment named '{name}'.")


def export_segments(ctx: AppContext, path: Path, names: list[str] | None = None) -> int:
    """Write definitions (all, or the named ones) as a JSON file others can import."""
    p = load_portfolio(ctx)
    chosen = p.segments
    if names:
        wanted = {n.casefold() for n in names}
        chosen = [d for d in p.segments if d.name.casefold() in wanted]
        missing = wanted - {d.name.casefold() for d in chosen}
        if missing:
            raise NotFoundError(f"No segment named '{sorted(missing)[0]}'.")
    doc = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "segments": [
            {"name": d.name, "description": d.description, "colour": d.colour, "rule": d.rule_json}
            for d in chosen
        ],
    }
    write_text_atomically(Path(path), json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    return len(chosen)


def import_segments(ctx: AppContext, path: Path, *, replace: bool = False) -> list[str]:
    """Add the definitions in a shared JSON file; all are checked first, then all are saved
    in one transaction (a bad one means none is imported)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BadInputError(f"{path.name} does not exist.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{path.name} is not a segment definitions file: {exc}.") from None
    items = doc.get("segments") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise BadInputError(f"{path.name} has no 'segments' list.")
    catalog = load_portfolio(ctx).catalog
    checked: list[tuple[str, str, dict[str, Any], str | None]] = []
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict) or "name" not in item or "rule" not in item:
            raise BadInputError(f"{path.name}: segment {i} needs a name and a rule.")
        name = _clean_name(str(item["name"]))
        try:
            rule = rule_to_json(parse_rule(item["rule"], catalog))
        except BadInputError as exc:
            raise BadInputError(f"{path.name}: segment '{name}': {exc}") from None
        checked.append((name, str(item.get("description") or ""), rule, item.get("colour")))

    def work(s: Session) -> Outcome[None]:
        watch = RowWatch(s)
        watch.watch_all("segments")
        for name, description, rule, colour in checked:
            seg = segments_repo.find(s, name)
            if seg is not None and not replace:
                raise BadInputError(
                    f"A segment named '{name}' already exists; use --replace to overwrite it."
                )
            if seg is not None:
                segments_repo.update(s, seg, description=description, rule=rule, colour=colour)
            else:
                watch.added("segments", segments_repo.add(s, name, description, rule, colour).id)
        return Outcome(None, watch.inverse())

    perform(ctx, f"Import segments from {path.name}", {"segments"}, work)
    return [c[0] for c in checked]


def preview_rule(ctx: AppContext, rule: Any) -> tuple[int, float]:
    """(count, ARR) the rule would match now, for the rule builder's live count.

    Raises BadInputError with the validation message while the rule is incomplete or wrong."""
    p = load_portfolio(ctx)
    parsed = parse_rule(rule, p.catalog)
    contacts = p.contacts if p.contacts is not None else contacts_for_rule(ctx, rule)
    mask = evaluate(parsed, p.frame, p.history, p.today, contacts=contacts).to_numpy(dtype=bool)
    return int(mask.sum()), round(float(p.frame["arr"].fillna(0.0).to_numpy()[mask].sum()), 2)


def field_catalog(ctx: AppContext) -> dict[str, str]:
    """Field name -> type name ("text", "money", "number", "date", "bool", "score") that
    rules may use: canonical, derived and the custom fields the data has."""
    return {name: str(ftype) for name, ftype in load_portfolio(ctx).catalog.items()}


def field_values(ctx: AppContext, field: str, limit: int = 200) -> list[str]:
    """Distinct existing values of a text field, most common first (for dropdowns)."""
    frame = load_portfolio(ctx).frame
    if field not in frame.columns:
        return []
    counts = frame[field].dropna().astype(str).str.strip().value_counts()
    return [v for v in counts.index[:limit] if v]
