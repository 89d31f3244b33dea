"""Which task triggers hold today, per account and template, for the whole portfolio at once.

A template is a playbook step (id = step id) or a cadence kind (id = "cadence:<kind>"). For each
template this module computes a boolean column over the portfolio (does the trigger hold?) and,
per group of accounts that share a definition, the due date a task created today would get. The
generator combines these with the stored tasks; nothing here looks at task statuses except the
cadence anchors (the last completed or dismissed task of a kind restarts its clock).

Trigger definitions:
- segment step: the account is a member of the segment (a segment absent from `membership`
  holds for nobody), and its tier passes the step's tier filter.
- stage step: the account's lifecycle_stage equals the stage, and the tier filter passes.
- a step `covered_by` cadence kinds holds for nobody whose tier's model has one of them.
- churned accounts (lifecycle stage Churned) hold no cadence and no playbook step unless the
  step is `for_churned` or triggered by the Churned stage: their open tasks resolve by data.
- cadence: the account's tier model has the cadence, and it falls due within the lead days:
  anchor + every_days <= today + lead. The anchor is the latest of the last done/dismissed task
  of that kind (closed_on), the last counting touchpoint, and the cadence's data fields; no
  anchor means due today, described as the first one to log (one task per account and
  cadence, only for tiers whose model has the cadence: a file without a last-interaction
  column asks tech-touch accounts for nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspm.core.tasks.config import TaskSettings
from cspm.core.tasks.frames import column_days, days, positions, text_codes
from cspm.core.tasks.models import TOUCH_KINDS, Cadence, EngagementModel, PlaybookStep

CHURNED = "Churned"  # the lifecycle stage (cspm.core.settings.LIFECYCLE_STAGES)
FIRST = "Nothing on record yet for this account: do the first one and log it. "
"""Opens the description of a cadence task with no anchor at all (no date from any file, no
logged touchpoint, no earlier task): one task asking for the first touchpoint, due today."""


@dataclass(frozen=True)
class Template:
    """One column of the trigger matrix."""

    id: str
    trigger_kind: str  # "segment" | "stage" | "cadence"
    trigger: str
    outlives_trigger: bool
    is_cadence: bool


@dataclass(frozen=True)
class Piece:
    """Accounts (positions) for which one definition creates tasks, with their due days."""

    code: int  # template column
    rows: np.ndarray  # candidate account positions (trigger holds, creation gate passed)
    due: np.ndarray  # due day numbers for `rows`
    trigger: str
    title: str
    description: str
    base_priority: float


@dataclass
class Triggers:
    """The evaluated triggers: `holds[account, template]` plus what creating a task needs."""

    templates: list[Template]
    holds: np.ndarray
    pieces: list[Piece]
    touched: dict[int, np.ndarray]  # cadence template code -> last counting touchpoint day
    every: dict[int, np.ndarray]  # cadence template code -> every_days of the account's tier

    def cadence_codes(self, code_of: dict[str, int]) -> list[int]:
        """Template columns of the cadences."""
        return [code_of[t.id] for t in self.templates if t.is_cadence]


def templates_of(settings: TaskSettings) -> list[Template]:
    """Playbook steps, then each cadence kind once (in order of first appearance)."""
    out = [
        Template(s.id, s.trigger_kind, s.trigger, s.outlives_trigger, False)
        for s in settings.playbooks
    ]
    seen: set[str] = set()
    for model in (*settings.engagement.values(), settings.default_model):
        for c in model.cadences:
            if c.kind not in seen:
                seen.add(c.kind)
                out.append(Template(c.template_id, "cadence", c.label, False, True))
    return out


def evaluate(
    portfolio: pd.DataFrame,
    membership: pd.DataFrame,
    existing: pd.DataFrame,
    existing_pos: np.ndarray,
    existing_code: np.ndarray,
    touchpoints: pd.DataFrame,
    today: float,
    settings: TaskSettings,
    templates: list[Template],
) -> Triggers:
    """Evaluate every template (`templates_of(settings)`) over the portfolio; loops run per
    template and tier, never per account."""
    code_of = {t.id: i for i, t in enumerate(templates)}
    trig = Triggers(templates, np.zeros((len(portfolio), len(templates)), bool), [], {}, {})
    dates = _DateColumns(portfolio)
    _playbook_triggers(trig, code_of, portfolio, membership, today, settings, dates)
    closed = _closed_anchor(
        existing, existing_pos, existing_code, trig.cadence_codes(code_of), len(portfolio)
    )
    _cadence_triggers(trig, code_of, portfolio, touchpoints, closed, today, settings, dates)
    return trig


class _DateColumns:
    """Portfolio date columns as day numbers, converted once on first use."""

    def __init__(self, portfolio: pd.DataFrame) -> None:
        self._portfolio = portfolio
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = column_days(self._portfolio, name)
        return self._cache[name]


def _playbook_triggers(
    trig: Triggers,
    code_of: dict[str, int],
    portfolio: pd.DataFrame,
    membership: pd.DataFrame,
    today: float,
    settings: TaskSettings,
    dates: _DateColumns,
) -> None:
    n = len(portfolio)
    stages = portfolio["lifecycle_stage"] if "lifecycle_stage" in portfolio.columns else None
    stage_codes, stage_names = (
        pd.factorize(stages) if stages is not None else (np.full(n, -1), pd.Index([]))
    )
    stage_lookup = {str(s): i for i, s in enumerate(stage_names)}
    churned = _churned(portfolio)
    tier_codes, tier_models = _tier_groups(portfolio, settings)
    for step in settings.playbooks:
        mask = _step_mask(step, membership, stage_codes, stage_lookup, n)
        if not (step.for_churned or (step.trigger_kind == "stage" and step.trigger == CHURNED)):
            mask &= ~churned
        if step.covered_by:
            covering = [
                any(c.kind in step.covered_by for c in model.cadences) for model in tier_models
            ]
            mask &= ~np.array(covering, dtype=bool)[tier_codes]
        if step.tiers:
            mask &= _tier_filter(portfolio, step.tiers, n)
        code = code_of[step.id]
        trig.holds[:, code] = mask
        rows = np.flatnonzero(mask)
        if step.due_from == "today":
            due = np.full(len(rows), today + step.due_offset_days)
        else:
            due = dates[step.due_from][rows] + step.due_offset_days
            due[np.isnan(due)] = today
        gate = due - today <= settings.horizon_days
        trig.pieces.append(
            Piece(
                code,
                rows[gate],
                due[gate],
                step.trigger,
                step.title,
                step.description,
                step.base_priority,
            )
        )


def _cadence_triggers(
    trig: Triggers,
    code_of: dict[str, int],
    portfolio: pd.DataFrame,
    touchpoints: pd.DataFrame,
    closed: dict[int, np.ndarray],
    today: float,
    settings: TaskSettings,
    dates: _DateColumns,
) -> None:
    n = len(portfolio)
    for code in trig.cadence_codes(code_of):
        trig.touched[code] = np.full(n, np.nan)
        trig.every[code] = np.full(n, np.nan)
    touches = _TouchIndex(touchpoints, portfolio.index)
    tier_codes, tier_models = _tier_groups(portfolio, settings)
    active = ~_churned(portfolio)
    for group, model in enumerate(tier_models):
        rows_all = np.flatnonzero((tier_codes == group) & active)
        if len(rows_all) == 0:
            continue
        for cad in model.cadences:
            code = code_of[cad.template_id]
            last_touch = touches.last(cad, rows_all)
            trig.touched[code][rows_all] = last_touch
            trig.every[code][rows_all] = cad.every_days
            anchor = np.fmax(last_touch, closed[code][rows_all])
            for name in cad.data_fields:
                anchor = np.fmax(anchor, dates[name][rows_all])
            unanchored = np.isnan(anchor)
            due = anchor + cad.every_days
            due[unanchored] = today
            lead = min(settings.cadence_lead_days, cad.every_days - 1)
            ok = due - today <= lead
            trig.holds[rows_all[ok], code] = True
            for first, description in ((False, cad.description), (True, FIRST + cad.description)):
                sel = ok & (unanchored == first)
                if sel.any():
                    trig.pieces.append(
                        Piece(
                            code,
                            rows_all[sel],
                            due[sel],
                            cad.label,
                            cad.label,
                            description,
                            cad.base_priority,
                        )
                    )


def _churned(portfolio: pd.DataFrame) -> np.ndarray:
    if "lifecycle_stage" not in portfolio.columns:
        return np.zeros(len(portfolio), dtype=bool)
    return (portfolio["lifecycle_stage"] == CHURNED).to_numpy(dtype=bool, na_value=False)


def _step_mask(
    step: PlaybookStep,
    membership: pd.DataFrame,
    stage_codes: np.ndarray,
    stage_lookup: dict[str, int],
    n: int,
) -> np.ndarray:
    if step.trigger_kind == "stage":
        code = stage_lookup.get(step.trigger)
        return np.zeros(n, dtype=bool) if code is None else stage_codes == code
    if step.trigger not in membership.columns:
        return np.zeros(n, dtype=bool)
    col = membership[step.trigger]
    return col.to_numpy(dtype=bool, na_value=False).copy()


def _tier_filter(portfolio: pd.DataFrame, tiers: tuple[str, ...], n: int) -> np.ndarray:
    if "tier" not in portfolio.columns:
        return np.zeros(n, dtype=bool)
    return portfolio["tier"].isin(list(tiers)).to_numpy(dtype=bool)


def _tier_groups(
    portfolio: pd.DataFrame, settings: TaskSettings
) -> tuple[np.ndarray, list[EngagementModel]]:
    """Tier code per account and the engagement model of each code (missing tier last)."""
    n = len(portfolio)
    if "tier" not in portfolio.columns:
        return np.zeros(n, dtype=np.int64), [settings.default_model]
    codes, names = pd.factorize(portfolio["tier"])
    models = [settings.model_for(str(t)) for t in names]
    codes = np.where(codes < 0, len(models), codes)
    return codes, [*models, settings.default_model]


def _closed_anchor(
    existing: pd.DataFrame,
    pos: np.ndarray,
    code: np.ndarray,
    cadence_codes: list[int],
    n: int,
) -> dict[int, np.ndarray]:
    """Per cadence template: latest closed_on of its done or dismissed tasks, per account.

    A dismissed cadence task counts like a completed one: the CSM chose to skip this round, so
    the next one is due a full cadence later rather than nagging again at once.
    """
    out = {c: np.full(n, np.nan) for c in cadence_codes}
    if len(existing) == 0 or not cadence_codes:
        return out
    status = existing["status"].to_numpy(dtype=object)
    sel = (pos >= 0) & np.isin(code, cadence_codes) & np.isin(status, ["done", "dismissed"])
    if not sel.any():
        return out
    closed_days = days(existing["closed_on"])[sel]
    flat = np.full(n * len(cadence_codes), np.nan)
    slot = np.full(max(cadence_codes) + 1, -1, dtype=np.int64)
    slot[cadence_codes] = np.arange(len(cadence_codes))
    np.fmax.at(flat, pos[sel] * len(cadence_codes) + slot[code[sel]], closed_days)
    grid = flat.reshape(n, len(cadence_codes))
    return {c: grid[:, i] for i, c in enumerate(cadence_codes)}


class _TouchIndex:
    """Last touchpoint day per (account, touch kind), built once; flagged variants on demand."""

    def __init__(self, touchpoints: pd.DataFrame, index: pd.Index) -> None:
        self._tp = touchpoints
        self._n = len(index)
        if len(touchpoints) == 0:
            self._pos = np.empty(0, dtype=np.int64)
            self._kind = np.empty(0, dtype=np.int64)
            self._day = np.empty(0)
        else:
            self._pos = positions(touchpoints["account_key"], index)
            self._kind = text_codes(touchpoints["kind"], TOUCH_KINDS).astype(np.int64)
            self._day = days(touchpoints["date"])
        self._valid = (self._pos >= 0) & (self._kind >= 0) & ~np.isnan(self._day)
        self._grids: dict[str | None, np.ndarray] = {}

    def _grid(self, flag: str | None) -> np.ndarray:
        if flag not in self._grids:
            sel = self._valid.copy()
            if flag is not None:
                if flag in self._tp.columns:
                    sel &= self._tp[flag].fillna(False).to_numpy(dtype=bool)
                else:
                    sel[:] = False
            k = len(TOUCH_KINDS)
            flat = np.full(self._n * k, np.nan)
            np.fmax.at(flat, self._pos[sel] * k + self._kind[sel], self._day[sel])
            self._grids[flag] = flat.reshape(self._n, k)
        return self._grids[flag]

    def last(self, cadence: Cadence, rows: np.ndarray) -> np.ndarray:
        """The last day a touchpoint counting for `cadence` was logged, for accounts `rows`."""
        if not cadence.completed_by:
            return np.full(len(rows), np.nan)
        cols = np.array([TOUCH_KINDS.index(k) for k in cadence.completed_by], dtype=np.int64)
        grid = self._grid(cadence.requires_flag)
        return np.fmax.reduce(grid[np.ix_(rows, cols)], axis=1)
