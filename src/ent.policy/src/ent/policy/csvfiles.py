"""Uploaded CSV files: UTF-8 (with or without a BOM), `,` or `;`, a header naming the columns.

Every CSV import (schools, people) reads its file here, and every export writes its text
cells through `neutralised` (no formula for a spreadsheet). A file that cannot be read as a
whole raises `ImportFileError` before anything changes; a row with the wrong number of
fields is handed back with its reason, for the import to report with its line.
"""

import csv
import io


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; nothing was changed."""


def decode(data: bytes) -> str:
    if not data or not data.strip():
        raise ImportFileError("the file is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"line {line}: the file is not UTF-8 (byte 0x{data[error.start]:02x}); it looks like "
            "Latin-1 or Windows-1252: save it as UTF-8 and import it again"
        ) from None


def csv_reader(data: bytes):
    """A csv reader over an uploaded file; its delimiter is the first line's commoner of
    `;` and `,`."""
    text = decode(data)
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def table_rows(data: bytes, required, expected=None):
    """Yield (line number, {column: value} or None, the raw row, why it is refused or None)
    for each non-empty row, the header's column names in lower case.

    Raises ImportFileError for the file: not CSV, a required column missing (`expected`
    names the columns the message shows, by default the required ones), a column named
    twice.
    """
    reader = csv_reader(data)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:
        raise ImportFileError(f"line 1: not a CSV header ({error})") from None
    missing = [name for name in required if name not in header]
    if missing:
        if expected is None:
            raise ImportFileError(
                f"line 1: missing column(s) {', '.join(missing)}; the header must name at least "
                f"{', '.join(required)} (found: {', '.join(header) or 'nothing'})"
            )
        raise ImportFileError(f"line 1: missing column(s) {', '.join(missing)} (expected: {', '.join(expected)})")
    doubles = sorted({name for name in header if name and header.count(name) > 1})
    if doubles:
        raise ImportFileError(f"line 1: column(s) named twice: {', '.join(doubles)}")
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportFileError(f"line {reader.line_num}: malformed CSV ({error})") from None
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield reader.line_num, None, row, f"{len(row)} fields where the header has {len(header)}"
            continue
        yield reader.line_num, {name: value.strip() for name, value in zip(header, row, strict=True)}, row, None


#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value) -> str:
    """`value` as the text of a cell that a spreadsheet will not run as a formula: every
    export the ENT writes (cases, statistics) passes its text through it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
