"""The settings documents' schema version and the steps that bring older documents up to it.

Each stored document (the app settings, the health configuration, the task settings) carries
`"version": N`. Documents written before versions existed have none and are version 0. Reading
runs every step from the document's version up to `SCHEMA_VERSION`, one function per step, on
the stored JSON (not on the dataclasses), so a step can rename or move keys the dataclasses no
longer have; storage writes the upgraded documents back when a database is opened.

To change a stored shape: bump SCHEMA_VERSION, add `_<document>_<new version>` below and
register it in UPGRADES; a document without a step for a version passes through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

SCHEMA_VERSION = 1
VERSION_KEY = "version"

Document = dict[str, Any]
Step = Callable[[Document], Document]

_FORMER_DEFAULTS: dict[str, tuple[str, ...]] = {
    "churned_statuses": ("churned", "cancelled", "canceled", "lost"),
    "trial_statuses": ("trial",),
}
"""Word lists version-0 documents stored as their defaults (every setting was stored whole)."""


def _app_1(doc: Document) -> Document:
    """Version 0 stored every setting whole, so a word list equal to the defaults of the time was
    never chosen by the user: drop it, so it reads as today's (longer) default list."""
    for key, former in _FORMER_DEFAULTS.items():
        value = doc.get(key)
        if isinstance(value, list) and tuple(value) == former:
            del doc[key]
    return doc


UPGRADES: dict[str, dict[int, Step]] = {
    "app": {1: _app_1},
    "health": {},
    "tasks": {},
    "forecast": {},
}
"""document -> {version a step produces: the step}."""


def version_of(data: Mapping[str, Any] | None) -> int:
    if not data:
        return 0
    try:
        return int(data.get(VERSION_KEY, 0))
    except (TypeError, ValueError):
        return 0


def upgrade(document: str, data: Mapping[str, Any] | None) -> Document:
    """A copy of a stored document brought up to SCHEMA_VERSION (and stamped with it).

    A document from a newer cspm (a higher version) is returned as it is: its unknown keys are
    ignored on reading, and nothing here can know how to step it down.
    """
    doc: Document = dict(data or {})
    start = version_of(doc)
    for version in range(start + 1, SCHEMA_VERSION + 1):
        step = UPGRADES[document].get(version)
        if step is not None:
            doc = step(doc)
    doc[VERSION_KEY] = max(start, SCHEMA_VERSION)
    return doc
