"""The window's own preferences (geometry, last view, columns, last export folder, owner filter).

Not the portfolio's settings (those are in the database) nor personal settings shared with the
command line (`cspm.service.personal`). Apart from `app` so views can read them without
importing the module that starts the window (which imports the views: a circle).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = "cspm"
APPLICATION = "cspm"
SETTINGS_DIR_ENV = "CSPM_QSETTINGS_DIR"


def qsettings() -> QSettings:
    """The preferences store; with CSPM_QSETTINGS_DIR set, an ini file there (tests, portable
    installs), else the platform's place for them."""
    folder = os.environ.get(SETTINGS_DIR_ENV)
    if folder:
        return QSettings(str(Path(folder) / "cspm.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)
