"""A report sheet as data: blocks of typed columns and rows, and the charts over them.

Report modules build these; the writer turns them into XML (writer/report.py) and the
Excel door into live cells (excel.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..rules.amounts import euro

# Column kinds in report sheets decide the cell format.
TEXT, DATE, MONEY, INT, NUMBER, PERCENT, LINK = (
    "text", "date", "money", "int", "number", "percent", "link")


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


# Column widths are in characters of the default font; bold headers need more room.
BOLD_FACTOR = 1.15
CELL_PADDING = 1.5
LINE_POINTS = 15                      # one line of text, as the default row height
TEXT_WIDTH_CAP = 60                   # wider text wraps instead


def header_width(header: str, width: float) -> float:
    """At least wide enough that no word of a header breaks (it may wrap at spaces)."""
    longest = max((len(word) for word in header.split()), default=0)
    return max(width, round(longest * BOLD_FACTOR + CELL_PADDING, 1))


def lines_needed(text: str, width: float, factor: float = 1.0) -> int:
    """How many lines a text wraps to at spaces in a column this wide."""
    room = max(1, int((width - CELL_PADDING) / factor))
    lines, used = 1, 0
    for word in str(text).split():
        need = len(word) if used == 0 else used + 1 + len(word)
        if need <= room:
            used = need
        else:
            lines, used = lines + 1, len(word)
    return lines


def header_height(headers, widths) -> float | None:
    """The header row's height in points when a header wraps; None: one line."""
    lines = max((lines_needed(h, w, BOLD_FACTOR) for h, w in zip(headers, widths)),
                default=1)
    return LINE_POINTS * lines if lines > 1 else None


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
