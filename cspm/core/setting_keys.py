"""Every setting by its dotted key: the one list the CLI, the settings pages and storage share.

The keys are derived from the declarations on the settings dataclasses (`cspm.core.declared`):
the app settings at the top level (`date_order`, `lifecycle.renewal_days`), the health
configuration under `health.` and the task settings under `tasks.`. Personal settings (who I am)
are declared here on `PersonalSettings`; they live in the user's own file, not the database
(`cspm.service.personal`). Table-shaped settings are listed as `PATTERNS`.

To add a setting: add a field written with `setting(default, label=..., help=..., min=...,
max=..., choices=..., unit=...)` to the dataclass it belongs to. It is then read and written
with its document, listed by `cspm settings keys`, settable with `cspm settings set KEY VALUE`
(parsed and range-checked), checked on every save, and a page binds a widget to it with
`cspm.ui.setting_widgets` (`bind_spin`, `fill_combo`, `check_box`, `add_row`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .declared import Declared, Pattern, declare, setting
from .health import COMPONENTS, HealthConfig
from .renewal_forecast import ForecastSettings
from .settings import Settings
from .tasks import TOUCH_MODELS, TaskSettings


@dataclass(frozen=True)
class PersonalSettings:
    """What belongs to the person at this laptop (kept in their personal JSON file)."""

    me: str | None = setting(
        None,
        label="I am",
        help="The owner name you work as, for the My book filter; empty: not chosen.",
        scope="personal",
        allows="a name, or empty",
    )
    user: str | None = setting(
        None,
        label="Record my changes as",
        help="The name your changes are recorded under; empty: your login name.",
        scope="personal",
        allows="a name, or empty",
    )


DOCUMENTS: dict[str, type] = {
    "app": Settings,
    "health": HealthConfig,
    "tasks": TaskSettings,
    "forecast": ForecastSettings,
    "personal": PersonalSettings,
}
"""Settings document -> the dataclass it is read into."""

PREFIXES: dict[str, str] = {
    "app": "",
    "health": "health.",
    "tasks": "tasks.",
    "forecast": "forecast.",
    "personal": "",
}

DECLARED: dict[str, Declared] = {
    key: d for doc, cls in DOCUMENTS.items() for key, d in declare(cls, doc, PREFIXES[doc]).items()
}
"""Every declared setting, by dotted key, in declaration order."""


def in_document(document: str) -> dict[str, Declared]:
    """The declared settings of one document ("app", "health", "tasks", "personal")."""
    return {k: d for k, d in DECLARED.items() if d.document == document}


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "health.tier.TIER.COMPONENT",
        "a number from 0 to 100",
        f"A tier's own weight of a component ({', '.join(COMPONENTS)}); starts from the "
        "weights for every tier.",
    ),
    Pattern("health.tier.TIER", "defaults", "The tier goes back to the weights for every tier."),
    Pattern("tasks.engagement.TIER.touch_model", " | ".join(TOUCH_MODELS), "How a tier is served."),
    Pattern(
        "tasks.engagement.TIER.CADENCE",
        "a whole number of days, 0 or off = none",
        "Every N days; cadences: check_in, qbr, business_review, exec_sponsor.",
    ),
    Pattern(
        "tasks.capacity.max_accounts.TOUCH_MODEL",
        "a whole number, or unlimited",
        "Accounts one CSM can carry.",
    ),
    Pattern(
        "tasks.capacity.hours_per_task.CADENCE",
        "a number of hours of at least 0",
        "Hours one such task takes.",
    ),
)
"""Keys over tables: tier weights, engagement models and capacity per touch model/cadence.
Tier bands and exchange rates have their own commands (`cspm settings tiers`, `rates`)."""
