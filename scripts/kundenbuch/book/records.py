"""Typed records that remember where they came from (sheet, row, column)."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@functools.lru_cache(maxsize=4096)
def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA. Cached: the writer asks for every cell it writes."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@functools.lru_cache(maxsize=4096)
def column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index


def split_cell(ref: str) -> tuple[int, int]:
    """"C14" -> (14, 3): row and column, both 1-based."""
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]), column_index(letters.lstrip("$"))


# The raw values of a record whose cells all converted: none. One dict shared by all
# such records (an empty dict each took 20 MB on a book of 200,000 invoices); records
# are read-only, so it stays empty.
NO_RAW_VALUES: dict = {}


class Record(dict):
    """One table row: field -> typed value, per schema; cells that could not be
    converted are None here and reported as findings by the reader. A missing field
    reads as None.

    A dict itself (with where it came from as attributes) rather than an object
    holding one: record["brutto"] is then a lookup in C, and checks, receivables and
    tiers make millions of them on a large book. Read-only by convention."""
    __slots__ = ("sheet", "row", "columns", "raw")

    def __init__(self, sheet: str, row: int, values: dict, columns: dict,
                 raw: dict | None = None):
        super().__init__(values)
        self.sheet = sheet
        self.row = row                    # Excel row number
        self.columns = columns            # field -> 1-based column index
        # field -> value as read, for cells that could not be converted (all cells
        # in the settings table)
        self.raw = raw if raw is not None else {}

    def __missing__(self, name):
        return None

    def __repr__(self) -> str:
        return f"Record({self.sheet!r}, {self.row}, {dict(self)!r})"

    def get(self, name, default=None):
        value = dict.get(self, name)
        return default if value is None else value

    def has_column(self, name) -> bool:
        return name in self.columns

    def holds(self, name) -> bool:
        """Whether the cell holds anything, also what could not be read as its type
        ("gestern" in a date column): such a cell is the user's, never filled."""
        if self[name] is not None:
            return True
        raw = self.raw.get(name)
        return raw is not None and str(raw).strip() != ""

    def cell(self, name) -> str:
        """Cell address within the sheet, e.g. C14."""
        return f"{column_letter(self.columns[name])}{self.row}"


@dataclass(frozen=True)
class Settings:
    """The Einstellungen sheet as typed values, defaults filled in."""
    values: dict
    cells: dict          # field -> cell address of its Wert, where present

    def __getitem__(self, name):
        return self.values.get(name)

    def get(self, name, default=None):
        value = self.values.get(name)
        return default if value is None else value


@dataclass(frozen=True)
class BaseRate:
    valid_from: date
    percent: Decimal


def display_name(client) -> str:
    """How a client is named in reports and letters: the company, else the person."""
    if client is None:
        return ""
    person = " ".join(p for p in (client["vorname"], client["nachname"]) if p)
    return client["firma"] or person or str(client["kundennr"] or "")


def sheet_link(record, field_name: str | None = None) -> str:
    """Internal hyperlink target to a record's cell."""
    cell = record.cell(field_name) if field_name else f"A{record.row}"
    return "'{}'!{}".format(record.sheet.replace("'", "''"), cell)
