"""Refuse zip bombs and oversized workbooks before the spreadsheet reader touches them.

An .xlsx is a zip archive, and the reader (calamine) inflates its parts as it goes with no
bound of its own: a 4 MB file that inflates to 4 GB took the process to 4.3 GB and a Rust
abort. So before reading we look at the archive ourselves, in constant memory:

1. The sizes the archive declares: the total and each large part's compression ratio must stay
   within `ReadingLimits` (real exports compress 10-30:1, bombs 600-1000:1).
2. What the parts really inflate to: a header can lie, so every part is inflated in 1 MB steps
   and thrown away, stopping as soon as it passes the size it declared. Together with step 1
   that bounds what the reader can be made to inflate. It costs one extra inflate of the file
   (0.5 s for a 1,048,576-row sheet that calamine takes 10 s to read). calamine's zip library
   (0.9) also stops at a declared size, but that is a detail of one version; this is ours.

3. What the reader will allocate for each worksheet: see `sheet_extent`.

An old binary .xls is not compressed; its size is bounded by what the format can hold.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

from cspm.core.errors import BadInputError
from cspm.core.settings import ReadingLimits
from cspm.core.sheet_extent import ExtentScan

MB = 1_000_000
MAX_XLS_BYTES = 512 * MB
"""65,536 rows x 256 columns of cell records never come near this."""

_RATIO_FLOOR = MB
"""Parts smaller than this may compress any amount: they cannot hurt."""
_STEP = MB
_ESCAPE = b"_x00"
"""How OOXML writes characters XML cannot hold (_x0000_ to _x001F_): a hint, not proof."""
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, then name and extra field lengths


class DamagedArchiveError(Exception):
    """The archive cannot be walked at all; the caller words this as an unreadable workbook."""


def check_xls_size(file: Path) -> None:
    """Refuse an .xls larger than the format can need (it is read whole into memory)."""
    size = file.stat().st_size
    if size > MAX_XLS_BYTES:
        raise BadInputError(
            f"'{file.name}' is {_size(size)}, more than an .xls workbook (at most 65,536 rows) "
            f"ever needs ({_size(MAX_XLS_BYTES)}), so cspm does not read it."
        )


def check_workbook_archive(file: Path, limits: ReadingLimits) -> bool:
    """Raise BadInputError for a zip bomb, DamagedArchiveError for an archive we cannot walk.

    Returns whether the inflated parts hold an `_x00..`-style escape, the way spreadsheets
    store control characters in text: only then must the cells be searched for them.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise DamagedArchiveError(str(exc)) from None
    _check_declared(file, parts, limits)
    escapes = False
    with file.open("rb") as handle:
        for part in parts:
            escapes = _check_inflated(file, handle, part) or escapes
    return escapes


def _check_declared(file: Path, parts: list[zipfile.ZipInfo], limits: ReadingLimits) -> None:
    total = sum(p.file_size for p in parts)
    packed = max(1, sum(p.compress_size for p in parts))
    ratio = f"{total / packed:,.0f}:1"
    max_total = limits.max_unpacked_mb * MB
    if total > max_total:
        raise BadInputError(
            f"'{file.name}' would unpack to {_size(total)} (ratio {ratio}); cspm refuses "
            f"workbooks that unpack to more than {_size(max_total)} "
            "(setting reading.max_unpacked_mb)."
        )
    # Each large part, and the archive as a whole (many small parts add up to a bomb too).
    sizes = [(p.file_size, p.compress_size) for p in parts] + [(total, packed)]
    for unpacked, compressed in sizes:
        if unpacked > _RATIO_FLOOR and unpacked > limits.max_unpack_ratio * max(1, compressed):
            raise BadInputError(
                f"'{file.name}' would unpack to {_size(total)} (ratio {ratio}); cspm refuses "
                f"workbooks compressed more than {limits.max_unpack_ratio}:1, which real "
                "spreadsheets never are (setting reading.max_unpack_ratio)."
            )


def _check_inflated(file: Path, handle: BinaryIO, part: zipfile.ZipInfo) -> bool:
    """Inflate one part in steps, refusing it the moment it outgrows its declared size;
    whether it holds a control-character escape."""
    handle.seek(part.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size:
        raise DamagedArchiveError(f"{part.filename}: truncated header")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        raise DamagedArchiveError(f"{part.filename}: bad header")
    handle.seek(name_length + extra_length, 1)
    scan = _PartScan(part.filename)
    if part.compress_type == zipfile.ZIP_STORED:
        produced = part.compress_size
        scan.feed(handle.read(min(part.compress_size, part.file_size + 1)))
    elif part.compress_type == zipfile.ZIP_DEFLATED:
        produced = _inflate(handle, part.compress_size, part.file_size, scan)
    else:  # Excel and every other spreadsheet writer use deflate
        raise DamagedArchiveError(f"{part.filename}: compression method {part.compress_type}")
    if produced > part.file_size:
        raise BadInputError(
            f"'{file.name}' is damaged or built to harm: its part {part.filename} unpacks to "
            f"more than the {_size(part.file_size)} it declares, so cspm does not read it."
        )
    extent = scan.extent
    if extent is not None and extent.too_sparse():
        raise BadInputError(
            f"'{file.name}' has a sheet that spans A1:{extent.corner()} ({extent.cells:,} cells) "
            "with little data in it, more than cspm reads: delete the stray cells far below "
            "or right of the table (Ctrl+End finds them) or copy the table to a new sheet."
        )
    return scan.escapes


class _PartScan:
    """What the inflated bytes of one part tell, seen in steps: control-character escapes
    (a memchr-speed search) and, for a worksheet, the block the reader will allocate."""

    def __init__(self, name: str) -> None:
        self.escapes = False
        self._tail = b""
        is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
        self.extent = ExtentScan() if is_sheet else None

    def feed(self, data: bytes) -> None:
        if not self.escapes:
            self.escapes = _ESCAPE in data or _ESCAPE in self._tail + data[: len(_ESCAPE)]
            self._tail = data[-len(_ESCAPE) :]
        if self.extent is not None:
            self.extent.feed(data)


def _inflate(handle: BinaryIO, packed: int, allowed: int, scan: _PartScan) -> int:
    """Bytes the deflate data inflates to, counting no further than one step past `allowed`;
    each step is shown to `scan` and dropped."""
    inflater = zlib.decompressobj(-15)
    produced = 0
    remaining = packed
    try:
        while remaining > 0 and not inflater.eof:
            data = handle.read(min(_STEP, remaining))
            if not data:
                break
            remaining -= len(data)
            while data:
                out = inflater.decompress(data, _STEP)
                produced += len(out)
                if produced > allowed:
                    return produced
                scan.feed(out)
                data = inflater.unconsumed_tail
    except zlib.error as exc:
        raise DamagedArchiveError(str(exc)) from None
    return produced


def _size(n: int) -> str:
    if n >= 1000 * MB:
        return f"{n / (1000 * MB):,.1f} GB"
    return f"{n / MB:,.1f} MB"
