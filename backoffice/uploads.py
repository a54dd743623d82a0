"""Limits on uploaded spreadsheets, checked before pandas or openpyxl opens them: size, rows, and for an XLSX (a
zip of XML files) the unpacked size and compression ratio of its members, so a zip bomb is refused unread."""
from __future__ import annotations

import io
import zipfile

from backoffice.errors import Issue, ValidationFailed

MiB = 1024 * 1024
# The largest file an importer reads: under the request limit (16 MiB) with room for the form around it. 50,000
# worker rows of CSV take about 8 MiB; as XLSX about 3 MiB.
MAX_UPLOAD_BYTES = 15 * MiB
# The most data rows one import holds (bigger files are split): about 2 minutes of checking and saving.
MAX_ROWS = 50_000
# An XLSX's XML unpacked, all members together: 50,000 rows of 30 columns are about 60 MiB of sheet XML.
MAX_XLSX_UNPACKED = 200 * MiB
# Unpacked size over packed size of one member. Real sheet XML packs 5 to 20 times; a bomb of repeated bytes packs
# a thousand times. Members under 1 MiB unpacked are exempt (tiny XML parts pack oddly but cannot hurt).
MAX_XLSX_RATIO = 100
_RATIO_FLOOR = MiB
MAX_XLSX_MEMBERS = 1000


def _refuse(filename: str, message: str, code: str) -> None:
    raise ValidationFailed([Issue("file", f"{filename or 'the file'}: {message}", code)])


def check_spreadsheet(content: bytes, filename: str) -> None:
    """Raise ValidationFailed (field `file`, naming the file and the limit) when an upload is too big to read
    safely. Reads only the zip directory of an XLSX, never its members' data (sizes there bound what zipfile will
    later unpack: it stops at the declared size)."""
    if len(content) > MAX_UPLOAD_BYTES:
        _refuse(filename, f"is {len(content) / MiB:.1f} MiB; the limit is {MAX_UPLOAD_BYTES // MiB} MiB "
                          f"(split the file)", "too_large")
    if content[:2] != b"PK":
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        _refuse(filename, "is not a readable XLSX file (a damaged zip)", "unreadable")
    if len(members) > MAX_XLSX_MEMBERS:
        _refuse(filename, f"holds {len(members)} parts; an XLSX of ours holds at most {MAX_XLSX_MEMBERS}",
                "zip_bomb")
    for m in members:
        if m.file_size > _RATIO_FLOOR and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1):
            _refuse(filename, f"part {m.filename} unpacks {m.file_size // max(m.compress_size, 1)} times larger "
                              f"than it is packed (over {MAX_XLSX_RATIO}: a zip bomb, not a spreadsheet)", "zip_bomb")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_XLSX_UNPACKED:
        _refuse(filename, f"unpacks to {unpacked / MiB:.0f} MiB; the limit is {MAX_XLSX_UNPACKED // MiB} MiB "
                          f"(split the file)", "too_large")


def check_row_count(rows: int, filename: str) -> None:
    """Raise ValidationFailed when a file has more than MAX_ROWS data rows (readers stop at MAX_ROWS + 1)."""
    if rows > MAX_ROWS:
        _refuse(filename, f"has more than {MAX_ROWS:,} rows; import at most {MAX_ROWS:,} at a time (split the file)",
                "too_many_rows")
