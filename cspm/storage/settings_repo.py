"""Settings, mapping profiles and tier overrides: small tables read and written whole."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspm.core.health import HealthConfig
from cspm.core.profiles import ProfileDocument
from cspm.core.settings import Settings

from .models import MappingProfile, SettingRow, TierOverride

APP_KEY = "app"


def load_settings(session: Session) -> Settings:
    row = session.get(SettingRow, APP_KEY)
    return Settings.from_dict(row.value if row else None)


def save_settings(session: Session, settings: Settings) -> None:
    row = session.get(SettingRow, APP_KEY)
    if row is None:
        session.add(SettingRow(key=APP_KEY, value=settings.to_dict()))
    else:
        row.value = settings.to_dict()


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
) -> None:
    """Save a profile; stored flat (the old form) when it has no value maps or scales."""
    stored = ProfileDocument(mapping, values or {}, scales or {}).to_stored()
    row = session.scalar(select(MappingProfile).where(MappingProfile.name == name))
    now = dt.datetime.now()
    if row is None:
        session.add(MappingProfile(name=name, mapping=stored, updated_at=now))
    else:
        row.mapping = stored
        row.updated_at = now


def load_overrides(session: Session) -> pd.DataFrame:
    """account_key -> tier, reason."""
    rows = session.execute(
        select(TierOverride.account_key, TierOverride.tier, TierOverride.reason)
    ).all()
    return pd.DataFrame(rows, columns=["key", "tier", "reason"]).set_index("key")


def set_override(session: Session, key: str, tier: str | None, reason: str = "") -> None:
    """Set (or with tier None, clear) the manual tier of an account."""
    row = session.get(TierOverride, key)
    if tier is None:
        if row is not None:
            session.delete(row)
        return
    now = dt.datetime.now()
    if row is None:
        session.add(TierOverride(account_key=key, tier=tier, reason=reason, updated_at=now))
    else:
        row.tier, row.reason, row.updated_at = tier, reason, now


def rename_override_tier(session: Session, old: str, new: str) -> None:
    for row in session.scalars(select(TierOverride)):
        if row.tier.casefold() == old.casefold():
            row.tier = new


HEALTH_KEY = "health"


def load_health(session: Session) -> HealthConfig:
    row = session.get(SettingRow, HEALTH_KEY)
    return HealthConfig.from_dict(row.value if row else None)


def save_health(session: Session, config: HealthConfig) -> None:
    row = session.get(SettingRow, HEALTH_KEY)
    if row is None:
        session.add(SettingRow(key=HEALTH_KEY, value=config.to_dict()))
    else:
        row.value = config.to_dict()


def load_flag(session: Session, key: str) -> bool:
    """A yes/no marker kept in the settings table (absent: no)."""
    row = session.get(SettingRow, key)
    return bool(row and row.value)


def save_flag(session: Session, key: str, on: bool) -> None:
    """Set or clear a marker; clearing removes the row, so an unset flag costs nothing."""
    row = session.get(SettingRow, key)
    if on and row is None:
        session.add(SettingRow(key=key, value=True))
    elif on and row is not None:
        row.value = True
    elif row is not None:
        session.delete(row)
