"""The HTML of one account's QBR section (Qt rich-text subset), built from a `QbrAccount`.

Pure string building, no Qt: `qbr_pdf` lays it out with QTextDocument. Lengths are CSS pixels
(96 per inch); Qt scales them to the PDF's resolution. Long lists are cut to what fits one page
with a "+ N more" line, so each account normally takes exactly one page.
"""

from __future__ import annotations

import datetime
import html

import numpy as np
import pandas as pd

from cspm.core.money import USD, MoneyFormat, full_one

from .charts import BAND_COLOURS, BAND_TINTS, INK, MUTED

MAX_TASKS = 6
MAX_TOUCHPOINTS = 5
MAX_SEGMENTS = 5
MAX_WHY_LINES = 2
MAX_FACTS = 10
BORDER = "#D5DDE4"
TILE = "#F1F4F7"
BAND_NAMES = {"red": "Red", "yellow": "Yellow", "green": "Green"}


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _band_of(score: float | None, red_below: float = 50, green_from: float = 75) -> str | None:
    if score is None or not np.isfinite(score):
        return None
    return "red" if score < red_below else ("green" if score >= green_from else "yellow")


def _section(title: str) -> str:
    return (
        f'<p style="margin-top:10px; margin-bottom:3px; font-size:10.5pt; font-weight:600; '
        f'color:{INK};">{esc(title)}</p>'
    )


def _muted(text: str) -> str:
    return f'<span style="color:{MUTED};">{esc(text)}</span>'


def header(name: str, key: str, owner: str | None, generated_on: datetime.date) -> str:
    bits = [f"Account ID {key}"] if key else []
    bits.append(f"Owner {owner}" if owner else "No owner")
    bits.append(f"Prepared {generated_on.isoformat()}")
    return (
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        f'<td valign="bottom"><span style="font-size:17pt; font-weight:600; color:{INK};">'
        f"{esc(name)}</span><br/>{_muted(' · '.join(bits))}</td>"
        f'<td align="right" valign="bottom">{_muted("QBR · internal review, not for sending")}'
        "</td>"
        "</tr></table>"
    )


def _tile(label: str, value: str, note: str, fill: str = TILE, colour: str = INK) -> str:
    return (
        f'<td bgcolor="{fill}" valign="top" width="25%">'
        f'<span style="font-size:7.5pt; color:{MUTED};">{esc(label.upper())}</span><br/>'
        f'<span style="font-size:13pt; font-weight:600; color:{colour};">{esc(value)}</span><br/>'
        f'<span style="font-size:7.5pt; color:{MUTED};">{esc(note)}</span></td>'
    )


def renewal_note(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "today"
    return f"in {days} day{'s' if days != 1 else ''}"


def tiles(
    tier: str,
    tier_reason: str,
    stage: str,
    stage_reason: str,
    score: float | None,
    band: str | None,
    renewal: datetime.date | None,
    days: int | None,
) -> str:
    band = band or _band_of(score)
    health_value = "–" if score is None or not np.isfinite(score) else f"{score:.0f}"
    health_note = f"{BAND_NAMES.get(band or '', 'No band')} band" if band else "no score yet"
    renewal_colour = BAND_COLOURS["red"] if days is not None and days < 0 else INK
    cells = [
        _tile("Tier", tier or "Unassigned", tier_reason),
        _tile("Lifecycle stage", stage or "Unknown", stage_reason),
        _tile(
            "Health",
            health_value,
            health_note,
            BAND_TINTS.get(band or "", TILE),
            BAND_COLOURS.get(band or "", INK),
        ),
        _tile(
            "Renewal",
            renewal.isoformat() if renewal else "No date",
            renewal_note(days),
            colour=renewal_colour,
        ),
    ]
    return (
        '<table width="100%" cellspacing="5" cellpadding="7" style="margin-top:6px;"><tr>'
        + "".join(cells)
        + "</tr></table>"
    )


def facts_table(facts: list[tuple[str, str]]) -> str:
    rows = "".join(
        f'<tr><td style="color:{MUTED};" width="38%">{esc(label)}</td><td>{esc(value)}</td></tr>'
        for label, value in facts[:MAX_FACTS]
    )
    if not rows:
        rows = f"<tr><td>{_muted('No facts recorded.')}</td></tr>"
    return f'<table width="100%" cellspacing="0" cellpadding="2">{rows}</table>'


def breakdown_table(parts: list[tuple[str, float | None, float]]) -> str:
    if not parts:
        return _muted("No health components recorded.")
    head = (
        f'<tr><td style="color:{MUTED}; font-size:7.5pt;">COMPONENT</td>'
        f'<td align="right" style="color:{MUTED}; font-size:7.5pt;">SCORE</td>'
        f'<td align="right" style="color:{MUTED}; font-size:7.5pt;">WEIGHT</td></tr>'
    )
    rows = []
    for label, score, weight in parts:
        band = _band_of(score)
        shown = "no data" if band is None else f"{score:.0f}"
        colour = BAND_COLOURS.get(band or "", MUTED)
        rows.append(
            f"<tr><td>{esc(label)}</td>"
            f'<td align="right" style="color:{colour}; font-weight:600;">{esc(shown)}</td>'
            f'<td align="right" style="color:{MUTED};">{weight:.0%}</td></tr>'
        )
    return f'<table width="100%" cellspacing="0" cellpadding="2">{head}{"".join(rows)}</table>'


def two_columns(left_title: str, left: str, right_title: str, right: str) -> str:
    cell = '<td width="50%" valign="top" style="padding-{side}:12px;">{body}</td>'
    return (
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        + cell.format(side="right", body=_section(left_title) + left)
        + cell.format(side="left", body=_section(right_title) + right)
        + "</tr></table>"
    )


def image(name: str, width_px: float, height_px: float) -> str:
    return (
        f'<p style="margin-top:8px; margin-bottom:0px;">'
        f'<img src="{esc(name)}" width="{width_px:.0f}" height="{height_px:.0f}"/></p>'
    )


def no_history() -> str:
    note = "No import history yet: ARR and health trends appear after the next import."
    return f'<p style="margin-top:8px;">{_muted(note)}</p>'


def segments_list(segments: list[tuple[str, list[str]]]) -> str:
    if not segments:
        return f"<p>{_muted('In no segment.')}</p>"
    items = []
    for name, why in segments[:MAX_SEGMENTS]:
        reasons = "; ".join(why[:MAX_WHY_LINES])
        if len(why) > MAX_WHY_LINES:
            reasons += f"; + {len(why) - MAX_WHY_LINES} more"
        tail = f" — {_muted(reasons)}" if reasons else ""
        items.append(f'<p style="margin:1px 0px;"><b>{esc(name)}</b>{tail}</p>')
    if len(segments) > MAX_SEGMENTS:
        items.append(f"<p>{_muted(f'+ {len(segments) - MAX_SEGMENTS} more segments')}</p>")
    return "".join(items)


def _list_table(head: list[str], rows: list[list[str]], widths: list[str]) -> str:
    style = f"color:{MUTED}; font-size:7.5pt; border-bottom:1px solid {BORDER};"
    cells = "".join(
        f'<td width="{w}" style="{style}">{esc(h.upper())}</td>'
        for h, w in zip(head, widths, strict=True)
    )
    body = "".join(
        "<tr>" + "".join(f'<td valign="top">{c}</td>' for c in row) + "</tr>" for row in rows
    )
    return f'<table width="100%" cellspacing="0" cellpadding="2"><tr>{cells}</tr>{body}</table>'


def tasks_table(tasks: list[tuple[str, str, float, str]]) -> str:
    if not tasks:
        return f"<p>{_muted('No open tasks.')}</p>"
    rows = [
        [esc(due), f"<b>{esc(title)}</b>", f"{priority:.0f}", _muted(reasons)]
        for due, title, priority, reasons in tasks[:MAX_TASKS]
    ]
    out = _list_table(["Due", "Task", "Priority", "Why"], rows, ["14%", "36%", "10%", "40%"])
    if len(tasks) > MAX_TASKS:
        out += f"<p>{_muted(f'+ {len(tasks) - MAX_TASKS} more open tasks')}</p>"
    return out


def touchpoints_table(touchpoints: list[tuple[str, str, str]]) -> str:
    if not touchpoints:
        return f"<p>{_muted('No touchpoints recorded.')}</p>"
    rows = [[esc(day), esc(kind), esc(note)] for day, kind, note in touchpoints[:MAX_TOUCHPOINTS]]
    out = _list_table(["Date", "Kind", "Note"], rows, ["14%", "14%", "72%"])
    if len(touchpoints) > MAX_TOUCHPOINTS:
        out += f"<p>{_muted(f'+ {len(touchpoints) - MAX_TOUCHPOINTS} earlier touchpoints')}</p>"
    return out


def outcome_table(trend: pd.DataFrame | None, money: MoneyFormat = USD) -> str:
    """Optional per-quarter table; money-like columns (names with "arr") in the portfolio
    currency, the rest as numbers."""
    if trend is None or trend.empty:
        return ""
    cols = list(trend.columns)
    head = [str(c).replace("_", " ").capitalize() for c in cols]
    rows = []
    for rec in trend.itertuples(index=False):
        cells = []
        for col, value in zip(cols, rec, strict=True):
            if isinstance(value, int | float | np.number) and pd.notna(value):
                text = (
                    full_one(float(value), money) if "arr" in str(col).lower() else f"{value:,.1f}"
                )
            else:
                text = "" if pd.isna(value) else str(value)
            cells.append(esc(text))
        rows.append(cells)
    widths = [f"{100 // len(cols)}%"] * len(cols)
    return _section("Outcomes by quarter") + _list_table(head, rows, widths)
