"""Reading a table from an uploaded file (pure): CSV or XLSX into rows of text.

CSV is read as UTF-8 (with or without BOM), else as Windows-1252; the delimiter is ``;``
or ``,``, whichever the header line has more of. XLSX is read with openpyxl from the
first sheet; a date cell becomes ``YYYY-MM-DD``, a whole number loses its ``.0``.
Every value is stripped of surrounding spaces (also non-breaking ones).
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.errors import N_, RuleViolation

MAX_BYTES = 5 * 2**20
MAX_ROWS = 20000
TOO_BIG = N_("Het bestand is groter dan %(mb)s MB. Splits het op, bijvoorbeeld per "
             "locatie of per complex.")
UNREADABLE = N_("Dit bestand kan niet worden gelezen. Kies een CSV-bestand (gescheiden "
                "door ; of ,) of een Excel-bestand (.xlsx).")


@dataclass(frozen=True)
class Table:
    headers: list[str]
    #: (line number in the file, values); the header is line 1
    rows: list[tuple[int, list[str]]]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) \
            else value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\u00a0", " ").strip()


def _decode(content: bytes) -> str:
    if b"\x00" in content:
        raise RuleViolation(UNREADABLE, field="file")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes) -> list[list[str]]:
    text = _decode(content).lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        return [[_text(v) for v in row]
                for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise RuleViolation(UNREADABLE, field="file") from None


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise RuleViolation(UNREADABLE, field="file") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def read_table(file_name: str, content: bytes) -> Table:
    """The header and the non-empty rows of the file, or :class:`RuleViolation`."""
    if len(content) > MAX_BYTES:
        raise RuleViolation(TOO_BIG, field="file", mb=MAX_BYTES // 2**20)
    if not content.strip():
        raise RuleViolation(N_("Het bestand is leeg."), field="file")
    rows = _read_xlsx(content) if content[:4] == b"PK\x03\x04" else _read_csv(content)
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise RuleViolation(N_("Het bestand is leeg."), field="file")
    if len(rows) > MAX_ROWS + 1:
        raise RuleViolation(N_("Het bestand heeft meer dan %(n)s regels. Splits het op."),
                            field="file", n=MAX_ROWS)
    headers = rows[0]
    width = len(headers)
    data = [(number, (values + [""] * width)[:width])
            for number, values in enumerate(rows[1:], start=2) if any(values)]
    return Table(headers, data)


# --- values ----------------------------------------------------------------------------

def normalise_header(header: str) -> str:
    """Lower case, no accents, single spaces, no punctuation at the ends."""
    text = unicodedata.normalize("NFKD", header or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[_\-./]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" :*")


EXCEL_EPOCH = date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


def parse_date(value: str) -> date | None:
    """A date as Dutch exports write it: 15-06-2026, 15/6/2026, 15.06.2026, 2026-06-15,
    or an Excel day number (46188); None for anything else."""
    value = (value or "").strip()
    try:
        if match := _YMD.match(value):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DMY.match(value):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if re.fullmatch(r"\d{4,5}(?:\.0+)?", value):
            number = int(float(value))
            if 20000 <= number <= 80000:   # 1954 .. 2119
                return EXCEL_EPOCH + timedelta(days=number)
    except ValueError:
        return None
    return None


def normalise_name(value: str) -> str:
    """A person's name for matching: case, accents and spacing ignored."""
    return normalise_header(value)
