"""matplotlib figures in the window: the palette's colours, and tick labels that never overlap.

The figure builders (`cspm.reports.charts`, `trend_charts`) draw for paper: dark ink on white.
In the window a chart follows the Qt palette instead: on a dark palette `follow_palette` maps
the builders' few colours (ink, muted, grid, white, the health band tints, matplotlib's default
black) to the palette's, keeping the data colours. And a chart squeezed into a narrow window
(three side by side at 1000 px) keeps its x labels apart: `ChartCanvas` draws, measures the
labels and, where two touch, labels every second (third...) period, always the latest.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from cspm.reports.charts import BAND_COLOURS, BAND_TINTS, GRID, INK, MUTED

GAP = 4  # pixels kept between two x tick labels


def _hex(colour: QColor) -> str:
    return str(colour.name()).lower()


def _mix(a: str, b: str, t: float) -> str:
    """`a` moved a fraction `t` of the way to `b`."""
    (r1, g1, b1, _), (r2, g2, b2, _) = to_rgba(a), to_rgba(b)
    return to_hex((r1 + (r2 - r1) * t, g1 + (g2 - g1) * t, b1 + (b2 - b1) * t))


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def palette_colours(palette: QPalette) -> dict[str, str]:
    """The builders' colours (lower-case hex) -> this dark palette's."""
    bg = _hex(palette.color(QPalette.ColorRole.Base))
    text = _hex(palette.color(QPalette.ColorRole.Text))
    mapping = {
        "#ffffff": bg,
        INK.lower(): text,
        "#000000": text,  # matplotlib's default text (legends)
        MUTED.lower(): _mix(text, bg, 0.3),
        GRID.lower(): _mix(text, bg, 0.8),
    }
    for band, tint in BAND_TINTS.items():
        mapping[tint.lower()] = _mix(BAND_COLOURS[band], bg, 0.78)
    return mapping


def _swap(colour: object, mapping: Mapping[str, str]) -> tuple[float, float, float, float] | None:
    """The mapped colour with the original's alpha, or None when it is not one to map."""
    rgba = to_rgba(colour)  # type: ignore[arg-type]
    new = mapping.get(to_hex(rgba))
    if new is None:
        return None
    r, g, b, _a = to_rgba(new)
    return (r, g, b, rgba[3])


def follow_palette(fig: Figure, palette: QPalette) -> Figure:
    """Recolour a figure for a dark palette (a light one keeps the builders' colours)."""
    if not is_dark(palette):
        return fig
    mapping = palette_colours(palette)
    muted, grid = mapping[MUTED.lower()], mapping[GRID.lower()]
    for artist in fig.findobj():
        if isinstance(artist, Text | Line2D):
            new = _swap(artist.get_color(), mapping)
            if new is not None:
                artist.set_color(new)
        elif isinstance(artist, Patch):
            face = _swap(artist.get_facecolor(), mapping)
            edge = _swap(artist.get_edgecolor(), mapping)
            if face is not None:
                artist.set_facecolor(face)
            if edge is not None:
                artist.set_edgecolor(edge)
    for ax in fig.axes:  # ticks made at draw time take these
        ax.tick_params(which="both", labelcolor=muted, color=grid, grid_color=grid)
    return fig


def _thin(ax: Axes, renderer: RendererBase) -> bool:
    """Label every n-th x tick (the last always) so no two labels overlap; whether it changed."""
    labels = [t for t in ax.get_xticklabels() if t.get_text()]
    if len(labels) < 2:
        return False
    boxes = [t.get_window_extent(renderer) for t in labels]
    n = len(labels)
    for step in range(1, n):
        kept = [i for i in range(n) if (n - 1 - i) % step == 0]
        apart = all(boxes[a].x1 + GAP <= boxes[b].x0 for a, b in pairwise(kept))
        if apart:
            break
    else:
        kept = [n - 1]
    if len(kept) == sum(t.get_visible() for t in labels):
        return False
    for i, label in enumerate(labels):
        label.set_visible(i in kept)
    return True


def fit_tick_labels(fig: Figure, renderer: RendererBase) -> bool:
    """Thin every axes' x labels to what fits now; whether anything changed (draw again)."""
    for ax in fig.axes:
        for label in ax.get_xticklabels():
            label.set_visible(True)  # a wider window may show them all again
    return any([_thin(ax, renderer) for ax in fig.axes])


class ChartCanvas(FigureCanvasQTAgg):
    """A figure in the window: its palette's colours (the palette it inherits where it is
    shown, so taken at the first draw), x labels thinned to the width it gets."""

    def __init__(
        self, figure: Figure, parent: QWidget | None = None, *, min_width: int = 200,
        min_height: int = 200,
    ) -> None:  # fmt: skip
        super().__init__(figure)
        self.setParent(parent)
        self._themed = False
        self.setMinimumSize(min_width, min_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def window_palette(self) -> QPalette:
        """The palette around the canvas (matplotlib gives the canvas itself a white one)."""
        parent = self.parentWidget()
        return parent.palette() if parent is not None else QApplication.palette()

    def draw(self) -> None:
        if not self._themed:
            follow_palette(self.figure, self.window_palette())
            self._themed = True
        super().draw()
        if fit_tick_labels(self.figure, self.get_renderer()):
            super().draw()
