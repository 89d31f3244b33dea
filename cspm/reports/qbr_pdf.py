"""The QBR pack: one PDF, one section per account, each starting on a new page.

Each section is laid out by QTextDocument from HTML (`qbr_html`) and painted onto a QPdfWriter;
charts come from `charts` as PNG images; the page ends with an "Agenda / notes" area of ruled
lines drawn with QPainter into the space left (or on a page of its own when little is left).
Works for A4 and Letter. Needs a QGuiApplication: one is created only when none exists.
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from cspm.core.errors import BadInputError

from . import qbr_html as h
from .charts import GRID, INK, MUTED, account_trend, figure_png
from .data import QbrAccount
from .safe_write import Cancelled, Progress, atomic_output, check_cancelled, report_progress

PageSize = Literal["A4", "Letter"]
PAGE_SIZES = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
MARGIN_MM = 14.0
RESOLUTION = 300
CSS_DPI = 96
FONT_FAMILIES = ["Segoe UI", "Helvetica Neue", "Helvetica", "Arial", "DejaVu Sans"]
LINE_SPACING_MM = 8.0
MIN_NOTES_MM = 40.0
FOOTER_MM = 6.0
CHART_HEIGHT_IN = 2.15

_own_app: list[QGuiApplication] = []  # an application this module had to create, kept alive


def ensure_gui_application() -> QGuiApplication:
    """The running QGuiApplication, or a new one (offscreen when there is no display)."""
    app = QGuiApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    argv = ["cspm"]
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless and not os.environ.get("QT_QPA_PLATFORM"):
        argv += ["-platform", "offscreen"]
    created = QGuiApplication(argv)
    _own_app.append(created)
    return created


def _font(point_size: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def _mm(writer: QPdfWriter, mm: float) -> float:
    return mm / 25.4 * writer.resolution()


def section_html(
    account: QbrAccount, generated_on: datetime.date, content_width_in: float
) -> tuple[str, bytes | None]:
    """The section's HTML and the PNG of its trend chart (referenced as `chart`), if any."""
    history = account.history
    png = None
    if history is not None and not history.empty and "as_of" in history.columns:
        fig = account_trend(history, size=(content_width_in, CHART_HEIGHT_IN), money=account.money)
        png = figure_png(fig, dpi=200)
    chart = (
        h.image("chart", content_width_in * CSS_DPI, CHART_HEIGHT_IN * CSS_DPI)
        if png
        else h.no_history()
    )
    parts = [
        h.header(account.name, account.key, account.owner, generated_on),
        h.tiles(
            account.tier,
            account.tier_reason,
            account.lifecycle_stage,
            account.stage_reason,
            account.health_score,
            account.health_band,
            account.renewal_date,
            account.days_to_renewal,
        ),
        h.two_columns(
            "Account facts",
            h.facts_table(account.facts),
            "Health breakdown",
            h.breakdown_table(account.health_breakdown),
        ),
        chart,
        h.outcome_table(account.outcome_trend, account.money),
        h._section("Segments and why"),
        h.segments_list(account.segments),
        h._section("Open tasks"),
        h.tasks_table(account.open_tasks),
        h._section("Recent touchpoints"),
        h.touchpoints_table(account.touchpoints),
        "<p></p>",
    ]
    return "".join(parts), png


def _document(writer: QPdfWriter, html: str, png: bytes | None, page: QRectF) -> QTextDocument:
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setDocumentMargin(0)
    doc.setDefaultFont(_font(8.5))
    if png:
        image = QImage()
        image.loadFromData(png, "PNG")
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("chart"), image)
    doc.setPageSize(QSizeF(page.width(), page.height()))
    doc.setHtml(html)
    return doc


def _footer(painter: QPainter, writer: QPdfWriter, page: QRectF, left: str, right: str) -> None:
    painter.save()
    painter.setFont(_font(7))
    painter.setPen(QColor(MUTED))
    y = page.height() + _mm(writer, 2)
    box = QRectF(0, y, page.width(), _mm(writer, FOOTER_MM))
    metrics = QFontMetricsF(painter.font(), writer)
    left = metrics.elidedText(left, Qt.TextElideMode.ElideRight, page.width() * 0.75)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), left)
    painter.drawText(box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), right)
    painter.restore()


def _notes(painter: QPainter, writer: QPdfWriter, top: float, page: QRectF) -> None:
    """The "Agenda / notes" heading and ruled lines from `top` to the page's bottom."""
    painter.save()
    painter.setFont(_font(10.5, bold=True))
    painter.setPen(QColor(INK))
    heading = QRectF(0, top, page.width(), _mm(writer, 7))
    painter.drawText(heading, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                     "Agenda / notes")  # fmt: skip
    pen = QPen(QColor(GRID))
    pen.setWidthF(_mm(writer, 0.25))
    painter.setPen(pen)
    step = _mm(writer, LINE_SPACING_MM)
    y = top + _mm(writer, 7) + step * 0.75
    while y <= page.height() - _mm(writer, 1):
        painter.drawLine(QPointF(0, y), QPointF(page.width(), y))
        y += step
    painter.restore()


def write_qbr_pdf(
    path: Path | str,
    accounts: list[QbrAccount],
    *,
    page_size: PageSize = "A4",
    generated_on: datetime.date,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Write a QBR pack for `accounts` (one section each) to `path`; returns the path."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be 'A4' or 'Letter', not {page_size!r}")
    target = Path(path)
    if not accounts:
        raise BadInputError(f"No accounts to put in {target.name}: choose at least one account.")
    ensure_gui_application()
    with atomic_output(target) as temp:
        _paint_pack(temp, accounts, page_size, generated_on, progress, cancelled)
    report_progress(progress, 1.0, f"Saved {target.name}")
    return target


def _paint_pack(
    temp: Path,
    accounts: list[QbrAccount],
    page_size: PageSize,
    generated_on: datetime.date,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    """Paint every section into `temp`; the writer is gone (file closed) when this returns,
    so the file can be moved into place (or removed) even on Windows."""
    writer = QPdfWriter(str(temp))
    writer.setResolution(RESOLUTION)
    writer.setPageSize(QPageSize(PAGE_SIZES[page_size]))
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM + FOOTER_MM)
    writer.setPageMargins(margins, QPageLayout.Unit.Millimeter)
    title = accounts[0].name if len(accounts) == 1 else f"{len(accounts)} accounts"
    writer.setTitle(f"QBR pack: {title}")
    writer.setCreator("cspm")
    paint = writer.pageLayout().paintRectPixels(writer.resolution())
    page = QRectF(0, 0, paint.width(), paint.height())
    width_in = page.width() / writer.resolution()
    painter = QPainter(writer)
    painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)  # charts not JPEG
    try:
        for i, account in enumerate(accounts):
            check_cancelled(cancelled)
            report_progress(progress, i / len(accounts), f"QBR pack: {account.name}")
            if i:
                writer.newPage()
            _draw_section(painter, writer, page, account, generated_on, width_in)
        check_cancelled(cancelled)
    finally:
        painter.end()
        del painter
        del writer


def _draw_section(
    painter: QPainter,
    writer: QPdfWriter,
    page: QRectF,
    account: QbrAccount,
    generated_on: datetime.date,
    width_in: float,
) -> None:
    html, png = section_html(account, generated_on, width_in)
    doc = _document(writer, html, png, page)
    pages = doc.pageCount()
    layout = doc.documentLayout()
    end = layout.blockBoundingRect(doc.lastBlock()).top() - (pages - 1) * page.height()
    notes_on_own_page = page.height() - end < _mm(writer, MIN_NOTES_MM)
    total = pages + (1 if notes_on_own_page else 0)
    left = f"{account.name} · QBR {generated_on.isoformat()}"
    for p in range(pages):
        if p:
            writer.newPage()
        painter.save()
        painter.translate(0, -p * page.height())
        doc.drawContents(painter, QRectF(0, p * page.height(), page.width(), page.height()))
        painter.restore()
        _footer(painter, writer, page, left, f"Page {p + 1} of {total}")
    if notes_on_own_page:
        writer.newPage()
        _footer(painter, writer, page, left, f"Page {total} of {total}")
        end = 0.0
    _notes(painter, writer, end + _mm(writer, 2), page)
