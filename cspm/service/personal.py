"""Personal settings: what belongs to the person at this laptop, not to the team's data.

A team database (a shared SQLite file, a PostgreSQL server) holds the team's settings: tier
bands, health weights, segments. Who *I* am ("I am Dana Lee" for the "My book" filter, the name
my changes are recorded under) differs per person on the same database, so it cannot live
there. It lives in one small JSON file in the user's config folder, readable without Qt, so the
window and the command line agree (`CSPM_CONFIG_DIR` overrides the folder; tests set it).

A missing or unreadable file means "nothing chosen yet", never an error: personal settings are
conveniences, and a damaged one must not stop anyone opening their portfolio.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)

CONFIG_DIR_ENV = "CSPM_CONFIG_DIR"
FILE_NAME = "personal.json"

ME = "me"
"""The owner name the user works as ("My book"); None or missing: not chosen."""
DISK_COPIES = "disk_copies"
"""False: keep no disk copies of portfolios on this computer (`frame_cache.copies_allowed`)."""
USER = "user"
"""The name changes are recorded under; missing: the operating-system login name."""


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir("cspm", appauthor=False))


def load_personal() -> dict[str, Any]:
    """Every personal value; {} when nothing was saved or the file cannot be read."""
    path = config_dir() / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("Personal settings at %s could not be read; using none", path, exc_info=True)
        return {}
    return data if isinstance(data, dict) else {}


def get_personal(key: str, default: Any = None) -> Any:
    return load_personal().get(key, default)


def set_personal(key: str, value: Any) -> None:
    """Save one value (None removes it), atomically: a crash leaves the old file whole."""
    data = load_personal()
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".personal-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True)
        os.replace(tmp, folder / FILE_NAME)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_user() -> str:
    """Who is making changes: the chosen name; else the owner chosen as "I am" (`cspm me`:
    a CSM who said who they are is recorded under that name, not a laptop login); else the
    login name; else "unknown"."""
    data = load_personal()
    for key in (USER, ME):
        chosen = data.get(key)
        if isinstance(chosen, str) and chosen.strip():
            return chosen.strip()
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no login name (some containers): still record something honest
        return "unknown"


def my_owner() -> str | None:
    """The owner name chosen as "I am", or None."""
    me = get_personal(ME)
    return me.strip() if isinstance(me, str) and me.strip() else None
