"""Reading a filled workbook, or a folder of CSV files (one per sheet), into plain tables.

Both give the same thing: per sheet, the two header rows and the data rows with their spreadsheet row numbers,
so that every problem can be reported at an Excel-style cell address (KPI!D7), for CSV too.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..errors import KgError
from .layout import FIRST_DATA_ROW, INSTRUCTIONS_SHEET_NAME, LISTS_SHEET_NAME
from .messages import message

MAX_BYTES = 32 * 1024 * 1024  # a plan's workbook is kilobytes; anything this large is the wrong file


class UnreadableInput(KgError):
    """The file is not a workbook or CSV folder kg can read (exit 2): nothing was ingested."""

    def __init__(self, code: str, lang: str, **params):
        super().__init__(message(code, lang, **params))
        self.code = code


@dataclass
class Table:
    name: str                                  # the sheet name (CSV: the file name without .csv)
    headers_ja: list[str] = field(default_factory=list)
    headers_en: list[str] = field(default_factory=list)
    rows: list[tuple[int, list]] = field(default_factory=list)  # (spreadsheet row number, cell values)


def read_tables(path: Path, *, lang: str = "ja") -> list[Table]:
    path = Path(path)
    if not path.exists():
        raise UnreadableInput("file.not_found", lang, path=path)
    if path.is_dir():
        return _read_csv_folder(path, lang=lang)
    if path.suffix.lower() == ".csv":
        raise UnreadableInput("file.unreadable", lang, path=path, reason=message("file.csv_not_folder", lang))
    if path.suffix.lower() == ".xls" or _is_old_excel(path):
        raise UnreadableInput("file.xls", lang, path=path)
    return _read_workbook(path, lang=lang)


def _is_old_excel(path: Path) -> bool:
    """An .xls (BIFF in an OLE2 compound file) under any name: it starts with the OLE2 signature."""
    try:
        with path.open("rb") as handle:
            return handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    except OSError:
        return False


def _read_workbook(path: Path, *, lang: str) -> list[Table]:
    from openpyxl import load_workbook  # imported here: only ingest needs it

    if path.stat().st_size > MAX_BYTES:
        raise UnreadableInput("file.unreadable", lang, path=path, reason=message("file.too_large", lang, size=MAX_BYTES))
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise UnreadableInput("file.unreadable", lang, path=path, reason=message("file.not_zip", lang)) from None
    except Exception as exc:
        # The library's own words are English and name its internals: the clerk gets the kind of failure only.
        raise UnreadableInput("file.unreadable", lang, path=path, reason=type(exc).__name__) from None
    tables = []
    try:
        for sheet in book.worksheets:
            if sheet.title in (INSTRUCTIONS_SHEET_NAME, LISTS_SHEET_NAME):
                continue
            table = Table(name=sheet.title)
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                values = [_cell_value(c) for c in cells]
                _add_row(table, number, values)
            tables.append(table)
    finally:
        book.close()
    return tables


def _cell_value(cell):
    value = getattr(cell, "value", None)
    # A number formatted as a percentage is stored as a fraction (0.125 shows as 12.5%): read it as the clerk sees it.
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (getattr(cell, "number_format", "") or ""):
        percent = Decimal(repr(value)) * 100
        text = format(percent.normalize(), "f")
        return f"{text}%"
    return value


def _read_csv_folder(folder: Path, *, lang: str) -> list[Table]:
    tables = []
    for path in sorted(folder.glob("*.csv")):
        raw = path.read_bytes()
        if len(raw) > MAX_BYTES:
            raise UnreadableInput("file.unreadable", lang, path=path, reason=message("file.too_large", lang, size=MAX_BYTES))
        text = None
        # Excel saves "CSV UTF-8" with a BOM, and plain "CSV" on Japanese Windows as Shift_JIS (cp932).
        for encoding in ("utf-8-sig", "cp932"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            raise UnreadableInput("file.csv_encoding", lang, path=path)
        table = Table(name=path.stem)
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            _add_row(table, number, [v if v != "" else None for v in values])
        tables.append(table)
    return tables


def _add_row(table: Table, number: int, values: list) -> None:
    if number == 1:
        table.headers_ja = [_header(v) for v in values]
    elif number == 2:
        table.headers_en = [_header(v) for v in values]
    elif number >= FIRST_DATA_ROW and any(v not in (None, "") and not (isinstance(v, str) and not v.strip()) for v in values):
        table.rows.append((number, values))


def _header(value) -> str:
    return str(value).strip().rstrip("*＊").strip() if value is not None else ""
