"""The QBR pack: one PDF, one section per account, each starting on a new page.

Two audiences (`data.Audience`):
- "customer" (the default when exporting a pack): what can be sent to the account, laid out by
  `qbr_customer` (their usage, health in words, renewal date, quarters), then an agenda page
  and a notes page.
- "internal": the CSM's review page from `qbr_html` (tier and stage with reasons, health
  breakdown, segments and why, open tasks, touchpoints) ending with an "Agenda / notes" area.

Each section is laid out by QTextDocument from HTML and painted onto a QPdfWriter; charts come
from `charts` as PNG images; ruled note lines are drawn with QPainter. Works for A4 and Letter.

Qt's text layout and fonts need a QGuiApplication (not a window, not a display): when none
exists (the command line), `ensure_gui_application` creates one, once, on the "offscreen"
platform unless QT_QPA_PLATFORM names another. Measured (benchmarks/bench_qbr_pack.py, Linux,
busy 2-core machine): 2-6 ms to create it and 4-18 ms for the first layout (font database),
beside 70-180 ms to import QtGui and ~0.4 s per account to lay out and chart; a PDF needs no
screen, so the window system is never contacted (no X connection over ssh, no window flash).
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
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

from . import qbr_customer as customer
from . import qbr_html as h
from .charts import GRID, INK, MUTED, account_trend, figure_png, usage_trend
from .data import AUDIENCES, Audience, QbrAccount
from .qbr_words import long_date
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
    """The running QGuiApplication (the window's), or one created once for writing PDFs: on
    the "offscreen" platform unless QT_QPA_PLATFORM names one (the environment is not changed,
    so programs cspm starts see what the user set)."""
    app = QGuiApplication.instance()
    if app is not None:
        return app  # type: ignore[return-value]
    argv = ["cspm"]
    if not os.environ.get("QT_QPA_PLATFORM"):
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


def _chart_png(account: QbrAccount, audience: Audience, width_in: float) -> bytes | None:
    history = account.history
    if history is None or history.empty or "as_of" not in history.columns:
        return None
    size = (width_in, CHART_HEIGHT_IN)
    if audience == "customer":
        usage = [c for c in ("mau", "seats_active") if c in history.columns]
        if not usage or not history[usage].notna().to_numpy().any():
            return None  # two empty panels say less than the sentence that replaces them
        fig = usage_trend(history, size=size)
    else:
        fig = account_trend(history, size=size, money=account.money,
                            red_below=account.red_below, green_from=account.green_from)  # fmt: skip
    return figure_png(fig, dpi=200)


def section_html(
    account: QbrAccount,
    generated_on: datetime.date,
    content_width_in: float,
    audience: Audience = "internal",
) -> tuple[str, bytes | None]:
    """The section's HTML and the PNG of its trend chart (referenced as `chart`), if any."""
    png = _chart_png(account, audience, content_width_in)
    if png:
        chart = h.image("chart", content_width_in * CSS_DPI, CHART_HEIGHT_IN * CSS_DPI)
    else:
        chart = customer.no_history() if audience == "customer" else h.no_history()
    if audience == "customer":
        return "".join(customer.section_parts(account, generated_on, chart)), png
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


def _notes(
    painter: QPainter, writer: QPdfWriter, top: float, page: QRectF, title: str = "Agenda / notes"
) -> None:
    """A heading and ruled lines from `top` to the page's bottom."""
    painter.save()
    painter.setFont(_font(10.5, bold=True))
    painter.setPen(QColor(INK))
    heading = QRectF(0, top, page.width(), _mm(writer, 7))
    painter.drawText(heading, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                     title)  # fmt: skip
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
    audience: Audience = "customer",
    portfolio: str = "",
    page_size: PageSize = "A4",
    generated_on: datetime.date,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Path:
    """Write a QBR pack for `accounts` (one section each) to `path`; returns the path.

    `audience` "customer" writes what can be sent to the account; "internal" the CSM's review.
    `portfolio` (the database's file name) is named in the internal pack's footer and
    metadata; the customer's pack does not name internal files."""
    if page_size not in PAGE_SIZES:
        raise ValueError(f"page_size must be 'A4' or 'Letter', not {page_size!r}")
    target = Path(path)
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be 'customer' or 'internal', not {audience!r}")
    if not accounts:
        raise BadInputError(f"No accounts to put in {target.name}: choose at least one account.")
    ensure_gui_application()
    pack = _Pack(audience, portfolio, generated_on)
    with atomic_output(target) as temp:
        _paint_pack(temp, accounts, page_size, pack, progress, cancelled)
    report_progress(progress, 1.0, f"Saved {target.name}")
    return target


def _paint_pack(
    temp: Path,
    accounts: list[QbrAccount],
    page_size: PageSize,
    pack: _Pack,
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
    if pack.audience == "customer":
        writer.setTitle(f"Quarterly business review: {title}")
    else:
        writer.setTitle(f"QBR pack: {title}")  # the portfolio is named in each page's footer
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
            _draw_section(painter, writer, page, account, pack, width_in)
        check_cancelled(cancelled)
    finally:
        painter.end()
        del painter
        del writer


@dataclass(frozen=True)
class _Pack:
    audience: Audience
    portfolio: str
    generated_on: datetime.date

    def footer_left(self, account: QbrAccount) -> str:
        if self.audience == "customer":
            return f"{account.name} · Quarterly business review · {long_date(self.generated_on)}"
        where = f" · portfolio {self.portfolio}" if self.portfolio else ""
        return f"{account.name} · QBR {self.generated_on.isoformat()} · internal review{where}"


def _draw_doc(
    painter: QPainter, writer: QPdfWriter, page: QRectF, doc: QTextDocument, first: int,
    total: int, left: str,
) -> float:  # fmt: skip
    """Paint `doc`'s pages (the first on the current page) with footers numbered from `first`;
    returns where its text ends on its last page."""
    pages = doc.pageCount()
    for p in range(pages):
        if p:
            writer.newPage()
        painter.save()
        painter.translate(0, -p * page.height())
        doc.drawContents(painter, QRectF(0, p * page.height(), page.width(), page.height()))
        painter.restore()
        _footer(painter, writer, page, left, f"Page {first + p} of {total}")
    layout = doc.documentLayout()
    return layout.blockBoundingRect(doc.lastBlock()).top() - (pages - 1) * page.height()


def _draw_section(
    painter: QPainter,
    writer: QPdfWriter,
    page: QRectF,
    account: QbrAccount,
    pack: _Pack,
    width_in: float,
) -> None:
    html, png = section_html(account, pack.generated_on, width_in, pack.audience)
    doc = _document(writer, html, png, page)
    left = pack.footer_left(account)
    if pack.audience == "customer":
        agenda = _document(writer, customer.agenda_html(account, pack.generated_on), None, page)
        total = doc.pageCount() + agenda.pageCount() + 1
        _draw_doc(painter, writer, page, doc, 1, total, left)
        writer.newPage()
        end = _draw_doc(painter, writer, page, agenda, doc.pageCount() + 1, total, left)
        if page.height() - end >= _mm(writer, MIN_NOTES_MM):
            _notes(painter, writer, end + _mm(writer, 4), page, "Other topics")
        writer.newPage()
        _footer(painter, writer, page, left, f"Page {total} of {total}")
        _notes(painter, writer, 0.0, page, "Notes")
        return
    pages = doc.pageCount()
    layout = doc.documentLayout()
    end = layout.blockBoundingRect(doc.lastBlock()).top() - (pages - 1) * page.height()
    notes_on_own_page = page.height() - end < _mm(writer, MIN_NOTES_MM)
    total = pages + (1 if notes_on_own_page else 0)
    end = _draw_doc(painter, writer, page, doc, 1, total, left)
    if notes_on_own_page:
        writer.newPage()
        _footer(painter, writer, page, left, f"Page {total} of {total}")
        end = 0.0
    _notes(painter, writer, end + _mm(writer, 2), page)
