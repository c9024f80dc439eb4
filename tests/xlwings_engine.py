"""A small xlwings engine over an in-memory workbook, for testing the Excel path on Linux.

It implements the part of xlwings' engine interface (the `impl` objects behind
xw.Book, Sheets, Sheet, Range and Table) that kundenbuch's live adapter uses, on cells
held in dictionaries. Pinned to the xlwings version in pyproject.toml.
"""
from __future__ import annotations

import re
from datetime import date, datetime

import openpyxl
from openpyxl.utils import get_column_letter, range_boundaries

ADDRESS = re.compile(r"^\$?([A-Z]+)\$?(\d+)$")


def _parse(cell) -> tuple[int, int]:
    if isinstance(cell, tuple):
        return cell
    if isinstance(cell, RangeImpl):
        return cell.row, cell.column
    letters, digits = ADDRESS.match(cell.split("!")[-1].upper()).groups()
    return int(digits), openpyxl.utils.column_index_from_string(letters)


class RangeImpl:
    max_cells_per_read = None         # no chunking: everything is in memory
    max_cells_per_write = None

    @property
    def api(self):
        return self                   # the "native object"; xlwings only tests it
    def __init__(self, sheet, first, last=None):
        self.sheet = sheet
        (self.row, self.column) = first
        last = last or first
        self.last_row, self.last_column = last

    def __call__(self, row, column):
        """A cell relative to this range, 1-based, as in Excel's Range.Cells(row, col)."""
        return RangeImpl(self.sheet, (self.row + row - 1, self.column + column - 1))

    @property
    def shape(self):
        return (self.last_row - self.row + 1, self.last_column - self.column + 1)

    @property
    def address(self):
        start = f"${get_column_letter(self.column)}${self.row}"
        end = f"${get_column_letter(self.last_column)}${self.last_row}"
        return start if start == end else f"{start}:{end}"

    def get_address(self, row_absolute=True, col_absolute=True, external=False):
        return self.address

    @property
    def raw_value(self):
        rows = [[self.sheet.cells.get((r, c)) for c in range(self.column, self.last_column + 1)]
                for r in range(self.row, self.last_row + 1)]
        if self.shape == (1, 1):
            return rows[0][0]
        return rows

    @raw_value.setter
    def raw_value(self, data):
        if not isinstance(data, (list, tuple)):
            data = [[data]]
        elif data and not isinstance(data[0], (list, tuple)):
            data = [data]
        for r, line in enumerate(data):
            for c, value in enumerate(line):
                key = (self.row + r, self.column + c)
                if value is None or value == "":
                    self.sheet.cells.pop(key, None)
                else:
                    self.sheet.cells[key] = value

    def resize(self, rows, columns):
        return RangeImpl(self.sheet, (self.row, self.column),
                         (self.row + rows - 1, self.column + columns - 1))

    @property
    def number_format(self):
        return self.sheet.formats.get((self.row, self.column))

    @number_format.setter
    def number_format(self, value):
        for r in range(self.row, self.last_row + 1):
            for c in range(self.column, self.last_column + 1):
                self.sheet.formats[(r, c)] = value

    def add_hyperlink(self, address, text_to_display=None, screen_tip=None):
        self.sheet.links[(self.row, self.column)] = address
        self.raw_value = text_to_display if text_to_display is not None else address

    def clear(self):
        for key in [k for k in self.sheet.cells if self._covers(k)]:
            del self.sheet.cells[key]

    def _covers(self, key):
        return (self.row <= key[0] <= self.last_row
                and self.column <= key[1] <= self.last_column)


class TableImpl:
    def __init__(self, sheet, name, ref):
        self.sheet, self.name = sheet, name
        left, top, right, bottom = range_boundaries(ref)
        self.bounds = [top, left, bottom, right]

    @property
    def range(self):
        top, left, bottom, right = self.bounds
        return RangeImpl(self.sheet, (top, left), (bottom, right))

    def resize(self, rng):
        impl = rng.impl if hasattr(rng, "impl") else rng
        self.bounds = [impl.row, impl.column, impl.last_row, impl.last_column]


class _NamedItems:
    """What xlwings asks of its collections (sheets, tables): count, iterate, and look
    up by 1-based index or by name, ignoring case."""

    def __init__(self):
        self.items = []

    def __iter__(self):
        return iter(list(self.items))         # a copy: items may go while iterating

    def __len__(self):
        return len(self.items)

    def __call__(self, name_or_index):
        if isinstance(name_or_index, int):
            return self.items[name_or_index - 1]
        return next(i for i in self.items if i.name.lower() == name_or_index.lower())


class TablesImpl(_NamedItems):
    def __init__(self, sheet):
        super().__init__()
        self.sheet = sheet


class SheetImpl:
    def __init__(self, book, name):
        self.book, self.name = book, name
        self.cells, self.formats, self.links = {}, {}, {}
        self.tables = TablesImpl(self)

    def range(self, cell1, cell2=None):
        first = _parse(cell1)
        last = _parse(cell2) if cell2 is not None else None
        if isinstance(cell1, str) and ":" in cell1:
            start, end = cell1.split(":")
            first, last = _parse(start), _parse(end)
        return RangeImpl(self, first, last)

    @property
    def used_range(self):
        if not self.cells:
            return RangeImpl(self, (1, 1))
        rows = [r for r, _ in self.cells]
        columns = [c for _, c in self.cells]
        return RangeImpl(self, (1, 1), (max(rows), max(columns)))

    @property
    def index(self):
        return self.book.sheets.items.index(self) + 1

    def delete(self):
        self.book.sheets.items.remove(self)

    def clear(self):
        self.cells.clear()
        self.formats.clear()
        self.links.clear()

    def activate(self):
        pass


class SheetsImpl(_NamedItems):
    def __init__(self, book):
        super().__init__()
        self.book = book

    def add(self, before=None, after=None, name=None):
        sheet = SheetImpl(self.book, name or f"Tabelle{len(self.items) + 1}")
        if after is not None:
            self.items.insert(self.items.index(after) + 1, sheet)
        elif before is not None:
            self.items.insert(self.items.index(before), sheet)
        else:
            self.items.append(sheet)
        return sheet

    @property
    def active(self):
        return self.items[0]


class EngineImpl:
    """What xlwings asks of an engine beyond its objects: cleaning data on the way."""
    name = "kundenbuch-test"
    type = "test"

    def __init__(self):
        self.apps = None

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        return [[empty_as if value in (None, "") else value for value in row]
                for row in data]

    @staticmethod
    def prepare_xl_data_element(value, options):
        # Excel holds dates as date-times and knows no Decimal.
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        return value


class AppImpl:
    def __init__(self):
        self.engine = EngineImpl()
        self.books = []
        self.screen_updating = True
        self.calculation = "automatic"
        self.status_bar = None
        self.pid = 0
        self.hwnd = 0
        self.version = "16.0"
        self.visible = False


class BookImpl:
    """A workbook as Excel holds it: loaded from a file, never written back to it."""

    def __init__(self, path):
        self.app = AppImpl()
        self.app.books.append(self)
        self.fullname = str(path)
        self.name = str(path).replace("\\", "/").rsplit("/", 1)[-1]
        self.sheets = SheetsImpl(self)
        source = openpyxl.load_workbook(path)
        for ws in source.worksheets:
            sheet = self.sheets.add(name=ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        sheet.cells[(cell.row, cell.column)] = cell.value
            for name, ref in ws.tables.items():        # openpyxl: name -> ref
                sheet.tables.items.append(TableImpl(sheet, name, ref))

    def values(self, sheet_name) -> dict:
        return dict(self.sheets(sheet_name).cells)

    def save(self, path=None):
        raise AssertionError("the live path must not save the workbook")


def normalise(value):
    """Compare what Excel holds with what the file holds."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    if hasattr(value, "quantize"):            # Decimal
        return round(float(value), 6)
    if isinstance(value, date):
        return value
    return value if value != "" else None
