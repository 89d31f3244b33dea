"""ORM models, one per module; importing this package registers them all on Base.metadata."""

from .account import Account
from .base import Base
from .change_record import ChangeRecord
from .forecast_override import ForecastOverride
from .import_record import ImportRecord
from .profile import MappingProfile
from .related import (
    RELATED_MODELS,
    RelatedChurnEvent,
    RelatedContact,
    RelatedSubscription,
    RelatedTicket,
    RelatedUsage,
)
from .segment import Segment
from .setting import SettingRow
from .snapshot import AccountSnapshot
from .task import Task, TaskEvent, Touchpoint
from .tier_override import TierOverride

__all__ = [
    "RELATED_MODELS",
    "Account",
    "AccountSnapshot",
    "Base",
    "ChangeRecord",
    "ForecastOverride",
    "ImportRecord",
    "MappingProfile",
    "RelatedChurnEvent",
    "RelatedContact",
    "RelatedSubscription",
    "RelatedTicket",
    "RelatedUsage",
    "Segment",
    "SettingRow",
    "Task",
    "TaskEvent",
    "TierOverride",
    "Touchpoint",
]
