"""The report colours, shared by the matplotlib charts (`charts`), the window and the workbook.

Kept apart from `charts` so the workbook (native Excel charts) and other writers that only
need a colour do not import matplotlib: about 30 MB and a third of a second per process.
"""

from __future__ import annotations

INK = "#2F3B45"
MUTED = "#7A8793"
GRID = "#E4E9EE"
MONEY = "#3E6A8A"
COUNT = "#6F9E8B"
PALETTE: tuple[str, ...] = (
    "#3E6A8A",
    "#7FA7C4",
    "#6F9E8B",
    "#C9A66B",
    "#B5736A",
    "#8C7BA8",
    "#9AA5AE",
    "#5F8F9F",
)
BAND_COLOURS: dict[str, str] = {"red": "#C8553D", "yellow": "#E3B04B", "green": "#5E9E7E"}
BAND_TINTS: dict[str, str] = {"red": "#F6E0DB", "yellow": "#FBF0D9", "green": "#E1EFE7"}
NO_SCORE = "#C9D1D8"
