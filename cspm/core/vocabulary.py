"""The built-in vocabulary of status-like columns: which words mean churned, trial, active...

Kept apart from the value-mapping step (`value_maps`) so the words can be read and extended in
one place. Words compare by `value_key` (trimmed, casefolded, whitespace collapsed). The churned
and trial words are settings (`Settings.churned_statuses`, `trial_statuses`) and win over the
built-in lists here; see `value_maps` for how a value's target is decided and stored.
"""

from __future__ import annotations

import re

from .parsing.booleans import FALSE_TEXTS, TRUE_TEXTS
from .settings import LIFECYCLE_STAGES, UNASSIGNED_TIER, Settings

VALUE_FIELDS: tuple[str, ...] = ("status", "churn_flag", "lifecycle_stage", "tier", "plan")
"""Fields whose columns hold words that can be mapped value by value."""

STATUS_MEANINGS: tuple[str, ...] = ("active", "churned", "trial", "non_renewing", "unknown")
MEANING_LABELS: dict[str, str] = {
    "active": "Active customer",
    "churned": "Churned",
    "trial": "Trial",
    "non_renewing": "Non-renewing (at risk, not churned)",
    "unknown": "Unknown (says nothing)",
}
STORED_WORD: dict[str, str] = {
    "active": "Active",
    "churned": "Churned",
    "trial": "Trial",
    "non_renewing": "Non-renewing",
}
"""What a status value the user mapped by hand is stored as."""

KEEP = "keep"  # tier / plan: keep the value as written
UNKNOWN = "unknown"

ACTIVE_WORDS = frozenset(
    {
        "active",
        "customer",
        "current",
        "current customer",
        "existing customer",
        "paying",
        "paid",
        "live",
        "retained",
        "renewed",
        "customer - direct",
        "customer - channel",
        "evangelist",
    }
)
NON_RENEWING_WORDS = frozenset(
    {
        "non-renewing",
        "non renewing",
        "nonrenewing",
        "not renewing",
        "pending cancellation",
        "pending churn",
    }
)
STAGE_WORDS: dict[str, str] = {
    "implementation": "Onboarding",
    "implementing": "Onboarding",
    "kickoff": "Onboarding",
    "kick-off": "Onboarding",
    "onboard": "Onboarding",
    "adopting": "Adoption",
    "mature": "Established",
    "steady state": "Established",
    "champion": "Advocate",
    "renewing": "Renewal",
    "up for renewal": "Renewal",
    "in renewal": "Renewal",
}
METALS: tuple[str, ...] = ("diamond", "platinum", "gold", "silver", "bronze")
_NUMBERED_TIER = re.compile(r"^(?:tier|t)?\s*[-_]?\s*(\d+)$")


def value_key(text: object) -> str:
    """How two spellings of one value compare: casefolded, "_" read as a space, whitespace
    trimmed and collapsed ("In_Trial", " in  trial" -> "in trial"). The lifecycle rules compare
    status words the same way, so what the import says a word means is what it does."""
    return " ".join(str(text).replace("_", " ").split()).casefold()


def _keys(words: tuple[str, ...] | frozenset[str]) -> frozenset[str]:
    return frozenset(value_key(w) for w in words)


def status_meaning(key: str, settings: Settings) -> str:
    """The built-in meaning of a status value (its `value_key`); the settings lists win."""
    if key in _keys(settings.churned_statuses):
        return "churned"
    if key in _keys(settings.trial_statuses):
        return "trial"
    if key in NON_RENEWING_WORDS:
        return "non_renewing"
    if key in ACTIVE_WORDS:
        return "active"
    return UNKNOWN


def tier_names(settings: Settings) -> tuple[str, ...]:
    return tuple(n for n in settings.tier_names if n != UNASSIGNED_TIER)


def choices(fname: str, settings: Settings) -> tuple[tuple[str, str], ...]:
    """The targets a value of `fname` can map to, as (target, label)."""
    if fname == "status":
        return tuple((m, MEANING_LABELS[m]) for m in STATUS_MEANINGS)
    if fname == "churn_flag":
        return (
            ("churned", "Churned (true)"),
            ("active", "Not churned (false)"),
            (UNKNOWN, "Unknown (left empty)"),
        )
    if fname == "lifecycle_stage":
        stages = tuple((s, s) for s in LIFECYCLE_STAGES if s != "Unknown")
        return (*stages, (UNKNOWN, "Not a stage (kept as written)"))
    if fname == "tier":
        return (*((t, t) for t in tier_names(settings)), (KEEP, "Keep as written"))
    return ((KEEP, "Keep as written"),)


_CHURN_ALIASES = {"true": "churned", "yes": "churned", "false": "active", "no": "active"}


def resolve_target(fname: str, text: str, settings: Settings) -> str | None:
    """The canonical target `text` names for a value of `fname`, or None if it names none."""
    key = value_key(text)
    if fname == "plan":
        return KEEP if key == KEEP else (text.strip() or None)
    if fname == "churn_flag":
        key = _CHURN_ALIASES.get(key, key)
        key = {"not churned": "active", "not_churned": "active"}.get(key, key)
        if key == "non_renewing" or key == "trial":
            key = "active"
    if fname == "status":
        key = key.replace("-", "_").replace(" ", "_")
    for target, label in choices(fname, settings):
        if key in (value_key(target), value_key(label)):
            return target
    return None


def default_target(fname: str, key: str, settings: Settings, tiers: dict[str, str]) -> str | None:
    """The built-in target of one value (None: no built-in word; the value is kept)."""
    if fname == "status":
        meaning = status_meaning(key, settings)
        return None if meaning == UNKNOWN else meaning
    if fname == "churn_flag":
        if key in TRUE_TEXTS or key in FALSE_TEXTS:
            return None  # the boolean parser reads it
        meaning = status_meaning(key, settings)
        if meaning == UNKNOWN:
            return None
        return "churned" if meaning == "churned" else "active"
    if fname == "lifecycle_stage":
        by_name = {s.casefold(): s for s in LIFECYCLE_STAGES if s != "Unknown"}
        if key in by_name:
            return by_name[key]
        if key in STAGE_WORDS:
            return STAGE_WORDS[key]
        meaning = status_meaning(key, settings)
        return {"churned": "Churned", "trial": "Trial"}.get(meaning)
    if fname == "tier":
        return tiers.get(key)
    return None


def tier_words(keys: list[str], settings: Settings) -> dict[str, str]:
    """Built-in tier words of this column: configured names, "Tier 1"/"T2"/"3" by band order
    (highest ARR first), and metal words ranked when the column has no more of them than there
    are tiers. Only when the tier source is the imported column."""
    if settings.tier_source != "imported":
        return {}
    names = tier_names(settings)
    out: dict[str, str] = {}
    for key in keys:
        if key in {n.casefold() for n in names}:
            out[key] = next(n for n in names if n.casefold() == key)
        elif (m := _NUMBERED_TIER.match(key)) and 1 <= int(m.group(1)) <= len(names):
            out[key] = names[int(m.group(1)) - 1]
    metals = [m for m in METALS if m in keys]
    if metals and len(metals) <= len(names):
        out.update({m: names[i] for i, m in enumerate(metals)})
    return out
