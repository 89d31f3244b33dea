"""Write a report to a temporary file beside its target and move it into place only when done.

A crash, an error or a cancelled export never leaves half a report over an older one, and never
leaves the temporary file behind (one a killed process left is swept later: `export_temps`).
A target marked read-only is refused, never replaced. A target another program holds open
(Excel locks the files it has open on Windows), a folder the user cannot write to and a
missing folder are each reported as their own clear sentence, not a traceback.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from cspm.core.errors import BadInputError, CspmError

from .export_temps import forget, note_pending, sweep_folder, sweep_leftover_exports, temp_name

__all__ = [
    "ExportCancelledError",
    "atomic_output",
    "check_cancelled",
    "not_writable",
    "read_only",
    "report_progress",
    "sweep_leftover_exports",
]

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


class ExportCancelledError(CspmError):
    """The user cancelled an export; no file was written or replaced."""


CANCELLED_MESSAGE = "Export cancelled; nothing was written."


def check_cancelled(cancelled: Cancelled | None) -> None:
    """Raise `ExportCancelledError` when the caller asked to stop."""
    if cancelled is not None and cancelled():
        raise ExportCancelledError(CANCELLED_MESSAGE)


def report_progress(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(max(0.0, min(1.0, fraction)), message)


def not_writable(path: Path) -> BadInputError:
    """The one sentence a user sees when a report cannot be written over `path`."""
    return BadInputError(
        f"{path.name} is open in another program or not writable: close it in Excel and try again."
    )


def read_only(path: Path) -> BadInputError:
    return BadInputError(
        f"{path.name} is read-only: make it writable or export under another name."
    )


def _is_read_only(target: Path) -> bool:
    """The file is marked read-only: no write bit set (a Windows read-only file shows none),
    or this user may not write it. The mode bits are checked themselves because an
    administrator (root) may write anything, and a report marked read-only must stay."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not mode & 0o222 or not os.access(target, os.W_OK)


def _create_temp(target: Path) -> Path:
    """A new empty file in the target's folder (permissions from the umask, like the target)."""
    folder = target.parent
    if not folder.exists():
        raise BadInputError(f"Cannot write {target.name}: the folder {folder} does not exist.")
    if not folder.is_dir():
        raise BadInputError(f"Cannot write {target.name}: {folder} is a file, not a folder.")
    sweep_folder(folder)
    for _ in range(100):
        candidate = folder / temp_name(target)
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except PermissionError:
            raise BadInputError(
                f"Cannot write {target.name}: you do not have permission to write in the "
                f"folder {folder}."
            ) from None
        except OSError as exc:
            raise BadInputError(
                f"Cannot write {target.name} in {folder}: {exc.strerror or exc}."
            ) from None
        os.close(fd)
        return candidate
    raise BadInputError(f"Cannot create a temporary file beside {target.name} in {folder}.")


def _fsync(path: Path) -> None:
    """Flush the finished file to disk so a power cut cannot leave an empty report."""
    with contextlib.suppress(OSError), open(path, "rb") as fh:
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_output(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path to write the report to; on success it replaces `path`.

    On any exception (including `ExportCancelledError`) the temporary file is removed and
    `path`, if it existed, is left untouched.
    """
    target = Path(path)
    if target.is_dir():
        raise not_writable(target)
    if _is_read_only(target):
        raise read_only(target)
    temp = _create_temp(target)
    pending = note_pending(temp)
    try:
        yield temp
        _fsync(temp)
        try:
            os.replace(temp, target)
        except (PermissionError, IsADirectoryError) as exc:
            raise not_writable(target) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    finally:
        forget(pending)
