"""The outcome of a run as a value: cells to write, report sheets, rows to append.

A dry run prints it, tests assert on it, and the writers (file and, later, live Excel)
apply it. Applying the same plan twice changes nothing the second time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from . import schema
from .amounts import euro
from .records import column_letter

# Column kinds in report sheets decide the cell format.
TEXT, DATE, MONEY, INT, NUMBER, PERCENT, LINK = (
    "text", "date", "money", "int", "number", "percent", "link")


@dataclass(slots=True)    # not frozen: hundreds of thousands on a large first run
class CellWrite:
    """One "out" cell of a data table; None clears the cell."""
    sheet: str
    row: int
    column: int
    value: Any

    @property
    def address(self) -> str:
        return f"{self.sheet}!{column_letter(self.column)}{self.row}"


@dataclass
class ReportColumn:
    header: str
    kind: str = TEXT
    width: float = 14


@dataclass
class ReportBlock:
    """One table on a report sheet: a heading line, a header row and rows."""
    columns: list[ReportColumn]
    rows: list[list[Any]]
    heading: str = ""
    # (row index in rows, column index) -> internal link target such as "'Kunden'!A5"
    links: dict = field(default_factory=dict)
    reserve_rows: int = 0             # keep room below, e.g. for a chart beside it


@dataclass
class ChartSpec:
    """A native Excel column chart over one block: categories and value columns."""
    title: str
    block: int
    category_column: int
    value_columns: list[int]
    anchor: str                       # top-left cell, e.g. "H2"
    y_title: str = ""
    line_column: int | None = None    # drawn as a line on a second axis (Pareto)
    data_rows: int | None = None      # only the first n rows of the block


@dataclass
class ReportSheet:
    """A sheet the program owns and rewrites whole on every run. Blocks stand below
    each other, separated by an empty row; the title lines come first."""
    name: str
    blocks: list[ReportBlock]
    title: list[str] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)

    def layout(self) -> list[tuple[int, int]]:
        """(header row, heading row or 0) of each block, 1-based."""
        row = len(self.title) + (2 if self.title else 1)
        places = []
        for block in self.blocks:
            heading = 0
            if block.heading:
                heading, row = row, row + 1
            places.append((row, heading))
            row += max(len(block.rows), block.reserve_rows) + 2
        return places

    @property
    def rows(self) -> int:
        return sum(len(b.rows) for b in self.blocks)

    def last_row(self) -> int:
        """The last row holding anything (0 for an empty sheet)."""
        return max([header + len(block.rows)
                    for block, (header, _) in zip(self.blocks, self.layout())]
                   + [len(self.title)])


@dataclass
class RowAppend:
    """Rows appended to a table (Protokoll, generated Termine); field -> value."""
    table: str
    rows: list[dict]


@dataclass
class Plan:
    cells: list[CellWrite] = field(default_factory=list)
    sheets: list[ReportSheet] = field(default_factory=list)
    appends: list[RowAppend] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.cells or self.sheets or any(a.rows for a in self.appends))

    def extend(self, other: "Plan") -> "Plan":
        self.cells += other.cells
        self.sheets += other.sheets
        self.appends += other.appends
        return self

    def describe(self) -> list[str]:
        """German lines for --probelauf."""
        lines = []
        for write in self.cells:
            lines.append(f"Zelle {write.address} ← {format_value(write.value)}")
        for sheet in self.sheets:
            lines.append(f"Blatt „{sheet.name}“ neu schreiben ({sheet.rows} Zeilen)")
        for append in self.appends:
            if append.rows:
                lines.append(f"Tabelle „{append.table}“: {len(append.rows)} Zeile(n) "
                             "anhängen")
        return lines


def changed_cells(record, values: dict) -> list[CellWrite]:
    """Only cells whose value differs: a second run with the same data writes none.
    (Runs for every invoice: record.has_column and the attributes read once.)"""
    sheet, row, columns = record.sheet, record.row, record.columns
    return [CellWrite(sheet, row, columns[name], value) for name, value in values.items()
            if name in columns and record[name] != value]


def format_value(value) -> str:
    if value is None:
        return "(leer)"
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return euro(value)
    return str(value)


def protocol_row(when: datetime, kind: str, **values) -> dict:
    """One row of the append-only Protokoll table."""
    fields = {c.field for c in schema.PROTOKOLL.columns}
    unknown = set(values) - fields
    if unknown:
        raise ValueError(f"unknown Protokoll fields: {sorted(unknown)}")
    return {"zeitpunkt": when.strftime("%Y-%m-%d %H:%M:%S"), "art": kind, **values}
