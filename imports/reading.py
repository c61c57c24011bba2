"""A procedure log file read as a header row and rows of cells: CSV (any common encoding and delimiter) or XLSX.

Cells stay as the file holds them: text from a CSV, and from a workbook text, numbers, dates and times as
openpyxl gives them. Reading them as procedures is `imports.rows`' work, so both formats meet the same checks.
"""

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from openpyxl import load_workbook  # type: ignore[import-untyped]  # no stubs for openpyxl 3.1

# A cell as a file gives it: CSV cells are text; a workbook's may be numbers, dates or times.
Cell = str | int | float | datetime.datetime | datetime.date | datetime.time | None

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
TOO_BIG = "The file is {size:.1f} MB; the largest accepted is 10 MB. Split the log into several files by year."
TOO_MANY = f"The file has more than {MAX_ROWS:,} rows: split the log into several files, by year for example."


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # Each with its row number as a spreadsheet shows it (the header is row 1).
    rows: list[tuple[int, list[Cell]]]


def read(content: bytes, file_format: str) -> Table:
    """The file's header row and its non-empty rows; a ValidationError in plain words if it cannot be read."""
    if len(content) > MAX_BYTES:
        raise ValidationError(TOO_BIG.format(size=len(content) / 1024 / 1024))
    lines = _xlsx_rows(content) if file_format == "xlsx" else _csv_rows(content)
    header_row = next(lines, None)
    if header_row is None:
        raise ValidationError("The file is empty.")
    headers = [_header(cell) for cell in header_row]
    if not any(headers):
        raise ValidationError("The first row should name the columns (Date, MRN, Procedure, …); it is empty.")
    if len(set(filter(None, headers))) != len(list(filter(None, headers))):
        repeated = sorted({h for h in headers if h and headers.count(h) > 1})
        raise ValidationError(f"Two columns have the same name ({', '.join(repeated)}): rename one and upload again.")
    rows: list[tuple[int, list[Cell]]] = []
    for number, cells in enumerate(lines, start=2):
        if any(cell not in (None, "") and str(cell).strip() for cell in cells):
            rows.append((number, list(cells)))
            if len(rows) > MAX_ROWS:
                raise ValidationError(TOO_MANY)
    if not rows:
        raise ValidationError("The file has a header row but no procedures under it.")
    return Table(headers, rows)


def _header(cell: Cell) -> str:
    return " ".join(str(cell).split()) if cell is not None else ""


def _csv_rows(content: bytes) -> Iterator[list[Cell]]:
    text = _decoded(content)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return iter(list[Cell](row) for row in csv.reader(io.StringIO(text, newline=""), dialect))


def _decoded(content: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252, which Excel on Windows writes."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ValidationError("The file is not a CSV text file (save it as CSV UTF-8, or upload the .xlsx itself).")


def _xlsx_rows(content: bytes) -> Iterator[list[Cell]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError("The file is not an Excel workbook (.xlsx) that can be read.") from error
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise ValidationError("The workbook has no sheet.")
    return (list(row) for row in sheet.iter_rows(values_only=True))
