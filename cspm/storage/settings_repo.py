"""Settings, mapping profiles and tier overrides: small tables read and written whole.

The settings table holds JSON values by key: the settings documents (app, health, tasks, forecast),
each stamped with its schema version, and a few markers. `get` and `put` are the only way a
value is read or written (one upsert); `upgrade_stored` brings documents written by older
versions up to the current schema when a database is opened.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspm.core.health import HealthConfig
from cspm.core.profiles import ProfileDocument
from cspm.core.renewal_forecast import ForecastSettings
from cspm.core.settings import Settings
from cspm.core.settings_upgrade import SCHEMA_VERSION, upgrade, version_of
from cspm.core.tasks import TaskSettings

from .actor import acting_user
from .models import MappingProfile, SettingRow, TierOverride

APP_KEY = "app"
HEALTH_KEY = "health"
TASKS_KEY = "tasks"
FORECAST_KEY = "forecast"
DOCUMENT_KEYS: dict[str, str] = {
    "app": APP_KEY,
    "health": HEALTH_KEY,
    "tasks": TASKS_KEY,
    "forecast": FORECAST_KEY,
}
"""Settings document (as `cspm.core.settings_upgrade` names it) -> its row key."""


def get(session: Session, key: str) -> Any:
    """The stored JSON value of a settings row, or None when there is none."""
    row = session.get(SettingRow, key)
    return None if row is None else row.value


def put(session: Session, key: str, value: Any) -> None:
    """Store a JSON value under `key` (insert or replace): the one settings upsert."""
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=value))
    else:
        row.value = value


def load_settings(session: Session) -> Settings:
    return Settings.from_dict(get(session, APP_KEY))


def save_settings(session: Session, settings: Settings) -> None:
    put(session, APP_KEY, settings.to_dict())


def load_health(session: Session) -> HealthConfig:
    return HealthConfig.from_dict(get(session, HEALTH_KEY))


def save_health(session: Session, config: HealthConfig) -> None:
    put(session, HEALTH_KEY, config.to_dict())


def load_forecast(session: Session) -> ForecastSettings:
    return ForecastSettings.from_dict(get(session, FORECAST_KEY))


def save_forecast(session: Session, settings: ForecastSettings) -> None:
    put(session, FORECAST_KEY, {**settings.to_dict(), "version": SCHEMA_VERSION})


def load_tasks(session: Session) -> TaskSettings:
    return TaskSettings.from_dict(get(session, TASKS_KEY))


def save_tasks(session: Session, tasks: TaskSettings) -> None:
    put(session, TASKS_KEY, tasks.to_dict())


def upgrade_stored(session: Session) -> list[str]:
    """Rewrite settings documents stored by older versions in the current schema; the documents
    upgraded. Only what was stored is kept (plus the version): defaults are not written in, so
    a later version's better default still reaches settings the user never chose."""
    upgraded = []
    for document, key in DOCUMENT_KEYS.items():
        value = get(session, key)
        if isinstance(value, dict) and version_of(value) < SCHEMA_VERSION:
            put(session, key, upgrade(document, value))
            upgraded.append(document)
    return upgraded


def load_profiles(session: Session) -> dict[str, dict[str, str]]:
    """Profile name -> its column mapping (normalised header -> target)."""
    return {
        p.name: ProfileDocument.from_stored(p.mapping).columns
        for p in session.scalars(select(MappingProfile))
    }


def load_profile_documents(session: Session) -> dict[str, ProfileDocument]:
    """Profile name -> everything it keeps: columns, value maps and scales."""
    return {
        p.name: ProfileDocument.from_stored(p.mapping)
        for p in session.scalars(select(MappingProfile))
    }


def save_profile(
    session: Session,
    name: str,
    mapping: dict[str, str],
    values: dict[str, dict[str, str]] | None = None,
    scales: dict[str, str] | None = None,
    kind: str = "accounts",
) -> None:
    """Save a profile of one kind of file; stored flat (the old form) when it maps accounts
    and has no value maps or scales."""
    stored = ProfileDocument(mapping, values or {}, scales or {}, kind).to_stored()
    row = session.scalar(select(MappingProfile).where(MappingProfile.name == name))
    now = dt.datetime.now()
    if row is None:
        session.add(MappingProfile(name=name, mapping=stored, updated_at=now))
    else:
        row.mapping = stored
        row.updated_at = now


def load_overrides(session: Session) -> pd.DataFrame:
    """account_key -> tier, reason, user (who pinned it; None before cspm recorded it)."""
    rows = session.execute(
        select(TierOverride.account_key, TierOverride.tier, TierOverride.reason, TierOverride.user)
    ).all()
    return pd.DataFrame(rows, columns=["key", "tier", "reason", "user"]).set_index("key")


def set_override(session: Session, key: str, tier: str | None, reason: str = "") -> None:
    """Set (or with tier None, clear) the manual tier of an account."""
    row = session.get(TierOverride, key)
    if tier is None:
        if row is not None:
            session.delete(row)
        return
    now = dt.datetime.now()
    if row is None:
        user = acting_user(session)
        session.add(
            TierOverride(account_key=key, tier=tier, reason=reason, updated_at=now, user=user)
        )
    else:
        row.tier, row.reason, row.updated_at = tier, reason, now
        row.user = acting_user(session)


def rename_override_tier(session: Session, old: str, new: str) -> None:
    for row in session.scalars(select(TierOverride)):
        if row.tier.casefold() == old.casefold():
            row.tier = new


def load_flag(session: Session, key: str) -> bool:
    """A yes/no marker kept in the settings table (absent: no)."""
    return bool(get(session, key))


def save_flag(session: Session, key: str, on: bool) -> None:
    """Set or clear a marker; clearing removes the row, so an unset flag costs nothing."""
    if on:
        put(session, key, True)
    elif (row := session.get(SettingRow, key)) is not None:
        session.delete(row)
