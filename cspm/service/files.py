"""Writing small files the user asked for (segment definitions) without leaving half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cspm.core.errors import BadInputError


def write_text_atomically(path: Path, text: str) -> Path:
    """Write to a temporary file beside `path`, then move it into place in one step."""
    path = Path(path)
    if not path.parent.exists():
        raise BadInputError(f"The folder {path.parent} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except PermissionError:
        Path(tmp).unlink(missing_ok=True)
        raise BadInputError(
            f"{path.name} is open in another program or not writable: close it and try again."
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
