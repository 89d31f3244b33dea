"""Write a report to a temporary file beside its target and move it into place only when done.

A crash, an error or a cancelled export never leaves half a report over an older one, and never
leaves the temporary file behind. A target that another program holds open (Excel locks the
files it has open on Windows) or a folder the user cannot write to is reported as one clear
sentence, not a traceback.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

from cspm.core.errors import BadInputError, CspmError

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


def _create_temp(target: Path) -> Path:
    """A new empty file in the target's folder (permissions from the umask, like the target)."""
    folder = target.parent
    if not folder.is_dir():
        raise BadInputError(f"Cannot write {target.name}: the folder {folder} does not exist.")
    for _ in range(100):
        candidate = folder / f".~{target.name}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except PermissionError as exc:
            raise not_writable(target) from exc
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
    temp = _create_temp(target)
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
