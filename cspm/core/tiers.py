"""Tier assignment: which commercial tier each account belongs to, and why.

A tier decides how much attention an account gets, so every account gets exactly one tier plus a
sentence a CSM can read to see where it came from ("ARR $240,000 >= $100,000 (Enterprise band)").
The order of precedence is: a user's override, then (when the user trusts the CRM's own tier
column) the imported tier, then the ARR bands from settings.

Decisions worth knowing:
- An account with no ARR is `UNASSIGNED_TIER`: guessing a tier for it would hide a data gap.
- An ARR below every band's minimum (a negative ARR from credits, or ARR under a lowest band the
  user raised above 0) falls in the lowest band: the account is still a paying-tier customer, and
  putting it in Unassigned would mix it up with accounts whose ARR is missing.
- Two bands with the same minimum: the one listed first in settings wins.
- A churned account's ARR is usually 0 by the time the CRM exports it; it keeps the tier of
  its last ARR before churning (`last_arr`), so "we lost two Enterprise customers" stays
  visible instead of every churned account landing in the lowest band.

Everything works on whole columns (numpy masks; amounts formatted once per distinct value by
`cspm.core.money`, then `numpy.strings` concatenation), so a 100,000-account portfolio costs
milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from cspm.core.columns import as_float, numeric_column
from cspm.core.money import USD, MoneyFormat, full_one, money_full
from cspm.core.object_arrays import repeated
from cspm.core.settings import UNASSIGNED_TIER, Settings, TierBand

TIER_SOURCES: tuple[str, ...] = ("override", "imported", "arr_band", "none")
"""Values of the `tier_source` column, strongest first."""


def _bands_high_first(bands: Sequence[TierBand]) -> list[TierBand]:
    """Bands sorted by minimum ARR, highest first; ties keep their configured order."""
    return sorted(bands, key=lambda b: -b.min_arr)


def _band_positions(arr: np.ndarray, ordered: Sequence[TierBand]) -> np.ndarray:
    """Index into `ordered` of each ARR's band; -1 where ARR is missing (or there are no bands)."""
    if not ordered:
        return np.full(arr.shape, -1, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        conditions = [arr >= b.min_arr for b in ordered]
    lowest = len(ordered) - 1
    # Below every minimum but known -> lowest band (see module docstring).
    default = np.where(np.isnan(arr), -1, lowest)
    return np.select(conditions, list(range(len(ordered))), default=default).astype(np.int64)


def tier_from_arr(arr: pd.Series, bands: Sequence[TierBand]) -> pd.Series:
    """The ARR-band tier of each account: the highest band whose `min_arr <= arr`.

    Missing ARR gives `UNASSIGNED_TIER`; ARR below every band (e.g. negative) gives the lowest
    band. Returns a str Series indexed like `arr`.
    """
    values = as_float(arr)
    ordered = _bands_high_first(bands)
    pos = _band_positions(values, ordered)
    names = np.array([b.name for b in ordered] + [UNASSIGNED_TIER], dtype=object)
    return pd.Series(names[pos], index=arr.index, dtype="str", name="tier")


def _match_names(
    values: pd.Series, names: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Match free text to configured names, trimmed and case-insensitive.

    Returns per row: the configured spelling (or None), whether it matched, whether the row had
    non-blank text at all (so callers can tell "unknown name" from "no value"), and the trimmed
    text as written (for quoting in reasons). Works on the distinct values only: a CRM column
    holds a handful of spellings, not 100,000.
    """
    lookup = {n.strip().casefold(): n for n in names}
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    raw = [str(u).strip() for u in uniques]
    spelled = [lookup.get(r.casefold()) for r in raw]
    # code -1 (missing) indexes the trailing sentinel entry of each table.
    u_matched = np.array([*spelled, None], dtype=object)
    u_use = np.array([m is not None for m in spelled] + [False], dtype=bool)
    u_present = np.array([r != "" for r in raw] + [False], dtype=bool)
    u_raw = np.array([*raw, ""], dtype=object)
    return u_matched[codes], u_use[codes], u_present[codes], u_raw[codes]


def _quote(prefix: str, text: np.ndarray, suffix: str) -> np.ndarray:
    """prefix + 'text' + suffix, per element."""
    quoted = np.strings.add(np.strings.add(prefix + "'", text.astype(str)), "'")
    return np.strings.add(quoted, suffix)


def _band_reasons(
    arr: np.ndarray, pos: np.ndarray, ordered: Sequence[TierBand], money: MoneyFormat = USD
) -> np.ndarray:
    """ "ARR $240,000 >= $100,000 (Enterprise band)" per account (object array of str).

    Built as prefix + amount + tail, where prefix and tail come from a small table indexed per
    account: a few whole-column string operations, whatever the number of bands.
    """
    if not ordered:
        return repeated("no tier bands configured", len(arr))
    lowest = ordered[-1]
    tails = [f" >= {full_one(b.min_arr, money, cents='auto')} ({b.name} band)" for b in ordered]
    tails.append(f" is below every band minimum; counted in the lowest band ({lowest.name})")
    tails.append("no ARR")
    with np.errstate(invalid="ignore"):
        below = (pos == len(ordered) - 1) & (arr < lowest.min_arr)
    kind = np.where(pos < 0, len(ordered) + 1, np.where(below, len(ordered), pos))
    amounts = money_full(arr, money, cents="auto").astype(str)
    text = np.strings.add(np.where(pos < 0, "", "ARR "), amounts)
    return np.strings.add(text, np.array(tails)[kind]).astype(object)


def _no_rate_reasons(
    frame: pd.DataFrame, arr: np.ndarray, portfolio_code: str
) -> tuple[np.ndarray, np.ndarray] | None:
    """Accounts with no ARR because their currency had no rate (see `cspm.core.currency`),
    and the reason saying so instead of a bare "no ARR"."""
    if "arr_unconverted" not in frame.columns:
        return None
    held = pd.to_numeric(frame["arr_unconverted"], errors="coerce").notna().to_numpy()
    mask = held & np.isnan(arr)
    if not mask.any():
        return None
    codes = (
        frame["currency"].fillna("?").astype(str).str.strip().str.upper().to_numpy(dtype=str)
        if "currency" in frame.columns
        else np.full(len(frame), "?")
    )[mask]
    text = np.strings.add(np.strings.add("no ARR in ", portfolio_code + ": its "), codes)
    return mask, np.strings.add(text, " amounts have no exchange rate").astype(object)


def _prepend(prefix: np.ndarray | str, texts: np.ndarray) -> np.ndarray:
    """prefix + text per element, for object arrays of str (returns an object array)."""
    return np.strings.add(prefix, texts.astype(str)).astype(object)


def assign_tiers(
    frame: pd.DataFrame,
    settings: Settings,
    overrides: pd.Series | None = None,
    *,
    override_notes: pd.Series | None = None,
    override_by: pd.Series | None = None,
    last_arr: pd.Series | None = None,
) -> pd.DataFrame:
    """Tier, tier_source and tier_reason for every account in `frame`.

    overrides: tier names indexed like `frame` (NaN = no override); matched case-insensitively
    to the configured tiers (Unassigned included, so a user can park an account). An override
    naming no configured tier (say, a band renamed since) is ignored and the reason says so,
    rather than inventing a tier nobody configured.
    override_notes: optional free text per account ("strategic logo") shown in the reason.
    override_by: optional name per account of who pinned it ("(by Dana Lee)"; else "(by user)").
    last_arr: indexed like `frame`; where given (churned accounts) and the account's own ARR is
    0 or missing, the band is taken from it and the reason says so.
    With `settings.tier_source == "imported"`, the frame's own `tier` column is used where it
    names a configured band; elsewhere the ARR band applies and the reason explains why.
    """
    index = frame.index
    ordered = _bands_high_first(settings.tier_bands)
    band_names = [b.name for b in ordered]
    arr = numeric_column(frame, "arr")
    use_last = np.zeros(len(frame), dtype=bool)
    if last_arr is not None:
        last = as_float(last_arr.reindex(index))
        with np.errstate(invalid="ignore"):
            use_last = ~np.isnan(last) & (last > 0) & (np.isnan(arr) | (arr <= 0))
        arr = np.where(use_last, last, arr)
    pos = _band_positions(arr, ordered)

    tier = np.array([*band_names, UNASSIGNED_TIER], dtype=object)[pos]
    source = np.where(pos >= 0, "arr_band", "none").astype(object)
    reason = _band_reasons(arr, pos, ordered, settings.money)
    no_rate = _no_rate_reasons(frame, arr, settings.money.code)
    if no_rate is not None:
        mask, text = no_rate
        reason[mask] = text
    if use_last.any():
        reason[use_last] = _prepend("churned; last ", reason[use_last])

    if settings.tier_source == "imported":
        imported = (
            frame["tier"] if "tier" in frame.columns else pd.Series(index=index, dtype=object)
        )
        matched, use, present, raw = _match_names(imported, band_names)
        tier[use] = matched[use]
        source[use] = "imported"
        reason[use] = _quote("imported tier ", raw[use], "").astype(object)
        unknown = present & ~use
        prefix = _quote("imported tier ", raw[unknown], " is not a configured tier; ")
        reason[unknown] = _prepend(prefix, reason[unknown])
        blank = ~present
        reason[blank] = _prepend("no imported tier; ", reason[blank])

    if overrides is not None:
        ov = overrides.reindex(index)
        matched, use, present, raw = _match_names(ov, settings.tier_names)
        tier[use] = matched[use]
        source[use] = "override"
        note = np.full(int(use.sum()), "", dtype=object)
        if override_notes is not None:
            note_series = override_notes.reindex(index)[use]
            has_note = note_series.notna().to_numpy(dtype=bool)
            note[has_note] = np.strings.strip(note_series[has_note].to_numpy(dtype=str))
        who = np.full(int(use.sum()), " (by user)", dtype=object)
        if override_by is not None:
            by = override_by.reindex(index)[use]
            named = by.map(lambda v: isinstance(v, str) and bool(v.strip())).to_numpy(dtype=bool)
            who[named] = [f" (by {v.strip()})" for v in by[named]]
        who = who.astype(str)
        by_name = np.strings.add(np.strings.add("override: set to ", matched[use].astype(str)), who)
        by_note = np.strings.add(np.strings.add("override: ", note.astype(str)), who)
        reason[use] = np.where(note != "", by_note, by_name).astype(object)
        ignored = present & ~use
        prefix = _quote("override ", raw[ignored], " ignored (not a configured tier); ")
        reason[ignored] = _prepend(prefix, reason[ignored])

    return pd.DataFrame(
        {
            "tier": pd.Series(tier, index=index, dtype="str"),
            "tier_source": pd.Series(source, index=index, dtype="str"),
            "tier_reason": pd.Series(reason, index=index, dtype="str"),
        },
        index=index,
    )
