"""Effects planted in the demo so the evidence views (Insights, the health backtest, the
suggested weights) have something true to find on first open, and tests a known answer.

Each effect uses its own random generator, so every other draw of the demo (and every count
tests rely on) stays as it was. Already in the generated history, without planting: health and
usage slide in the 150 days before a churn (so the health score and the MAU trend predict it).
Planted here:
- an industry (PLANTED_INDUSTRY) that churns about three times as often as the rest.
The demo's logged touchpoints (more attention for Mid-Market than SMB at similar churn) are
written by `cspm.service.demo`.
"""

from __future__ import annotations

import numpy as np

from cspm.core.demo_names import INDUSTRIES

PLANTED_INDUSTRY = "Education"
"""The demo's industry that churns about three times as often as the rest."""


def planted_industry(codes: np.ndarray, churned: np.ndarray, seed: int) -> np.ndarray:
    """Industry codes with churned accounts drawn towards PLANTED_INDUSTRY (40% of them) and a
    few others (5%), so the industry is big enough to test in a 300-account demo."""
    rng = np.random.default_rng(seed + 1_000_003)
    out = codes.copy()
    roll = rng.random(codes.size)
    out[(churned & (roll < 0.4)) | (~churned & (roll < 0.05))] = INDUSTRIES.index(PLANTED_INDUSTRY)
    return out
