"""How far a sheet reaches, before calamine is asked to read it.

calamine holds a sheet as one rectangle from its first to its last cell: one cell at
A1 and one at XFD1048576 make 17 billion cells, and the allocation ends the process
with signal 6 (no Python exception, no message). So the reader measures the rectangle
from the sheet's XML first and refuses a sheet too large to hold, naming the far cell.

Measured by hand on the raw XML (no parser: the part may be 100 MB): the last row
number near the end of the part (or the number of rows, where they carry none), and
the column references of two letters or more (beyond column Z; rare in a book of
tables, so cheap to collect). The dimension element is not trusted: it is whatever the
writing program put there.
"""
from __future__ import annotations

import re

from .records import column_letter

# 20 million cells: calamine needs about 32 bytes a cell and Python 8 more, which is
# close to the 1 GB a run may take. A real book of 1,048,576 rows has few columns.
MAX_CELLS = 20_000_000
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\sr\s*=\s*[\"'](\d+)")
# Literal starts ('r="'): the search skips ahead between matches (a start with \s
# made it eight times slower). Other attributes ending in r ("spr=") only overestimate.
_WIDE_COLUMN = re.compile(rb'r="([A-Z]{2,})\d')
_WIDE_COLUMN_SINGLE = re.compile(rb"r='([A-Z]{2,})\d")
_TAIL = 1 << 16


def sheet_extent(data: bytes) -> tuple[int, int]:
    """(last row, last column) of a sheet part's cells, 1-based, at least the real ones
    (an overestimate is harmless: it only decides whether to read)."""
    numbered = [int(n) for n in _ROW_NUMBER.findall(data[-_TAIL:])]
    # Rows without numbers count one by one (as calamine numbers them).
    last_row = max(numbered) if numbered else data.count(b"row")
    columns = set(_WIDE_COLUMN.findall(data))
    if b"r='" in data:
        columns |= set(_WIDE_COLUMN_SINGLE.findall(data))
    widest = max((_column_index(m) for m in columns), default=26)
    return last_row, widest


def too_large(data: bytes) -> str | None:
    """The far corner ("XFD1048576") of a sheet part too large to read, else None."""
    last_row, last_column = sheet_extent(data)
    if last_row * last_column <= MAX_CELLS:
        return None
    return f"{column_letter(last_column)}{last_row}"


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + char - 64
    return index
