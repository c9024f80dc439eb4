"""Excel buttons through xlwings (the open-source part only: no licence key needed).

The user opens kundenbuch.xlsx, chooses an action on the Start sheet and presses
"Run main" in the xlwings add-in; xlwings calls kundenbuch.main(). The open workbook
is read through xlwings (bulk range reads), the same core code runs, and the same plan
is applied to the OPEN workbook through xlwings (bulk range writes). The file on disk
is never touched here: Excel holds it, and the user saves as usual.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from .book import schema
from .book.ooxml import Package, SheetInfo, TableInfo
from .book.reader import Book, GivenGrids, build_book
from .book.records import column_letter
from .reports.german import counted
from .reports.sheet import DATE, MONEY, PERCENT, ReportSheet
from .rules.amounts import euro
from .runs.gcpause import collector_paused
from .runs.plan import Plan

START = schema.START_SHEET
ACTION_CELL, STICHTAG_CELL, STATUS_CELL = "B3", "B4", "B5"
NUMBER_FORMATS = {DATE: "DD.MM.YYYY", MONEY: '#,##0.00 "€"', PERCENT: "0%"}


def main() -> None:
    """Entry point for the xlwings add-in's "Run main"."""
    import xlwings as xw
    run(xw.Book.caller(), datetime.now())


def run(workbook, now: datetime) -> str:
    """Run the action chosen on the Start sheet; the status cell says how it went."""
    start = workbook.sheets[START]
    status = start.range(STATUS_CELL)
    try:
        action = str(start.range(ACTION_CELL).value or "Monatsabschluss").strip()
        stichtag = _stichtag(start.range(STICHTAG_CELL).value)
        with collector_paused():
            message = _act(workbook, action, stichtag, now)
    except Exception as exc:     # the status cell is the user's only window: no traceback
        message = f"Fehler: {exc}"
    status.value = f"{now:%d.%m.%Y %H:%M}: {message}"
    return message


def _stichtag(value) -> date | None:
    """The Start sheet's Stichtag; empty: the rule every command follows (runs.stichtag)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _check(path, stichtag, now, book=None, target=None) -> str:
    from . import api
    result = api.pruefen(path, stichtag, now, schreiben=True, book=book, target=target)
    errors = sum(f.severity == "Fehler" for f in result.findings)
    return f"Prüfung fertig: {counted(len(result.findings), 'Befund')}, davon {errors} Fehler " \
           "(Blatt Prüfbericht)."


def _receivables(path, stichtag, now, book=None, target=None) -> str:
    from . import api
    result = api.forderungen(path, stichtag, now, book=book, target=target)
    return f"Forderungen zum {result.when}: offen {euro(result.summary.open_total)}."


def _tiers(path, stichtag, now, book=None, target=None) -> str:
    from . import api
    api.stufen(path, stichtag, now, book=book, target=target)
    return "Stufenanalyse geschrieben (Vorschläge)."


def _appointments(path, stichtag, now, book=None, target=None) -> str:
    from . import api
    api.termine(path, stichtag, now, book=book, target=target)
    return "Terminübersicht geschrieben."


def _letters(path, stichtag, now, book=None, target=None) -> str:
    from . import api
    result = api.briefe(path, stichtag, now, book=book, target=target)
    return f"{counted(len(result.letters), 'Brief')} erstellt (Ordner briefe)."


def _month_end(path, stichtag, now, book=None, target=None) -> str:
    from . import api
    result = api.monatsabschluss(path, stichtag, now, book=book, target=target)
    return (f"Monatsabschluss zum {result.when} fertig: {len(result.letters)} "
            "Briefe. Bitte die Mappe speichern.")


# The Start sheet's dropdown; each action runs the same code as its command.
ACTIONS = {"Prüfen": _check, "Forderungen": _receivables, "Stufen": _tiers,
           "Termine": _appointments, "Briefe": _letters, "Monatsabschluss": _month_end}


def _act(workbook, action: str, stichtag: date, now: datetime) -> str:
    if action not in ACTIONS:
        return f"Unbekannte Aktion „{action}“; bitte im Feld {ACTION_CELL} eine wählen."
    book = read_live(workbook)
    return ACTIONS[action](book.path, stichtag, now, book=book,
                           target=LiveTarget(workbook))


def _grid(sheet) -> list[list]:
    used = sheet.used_range
    rows, columns = used.row + used.shape[0] - 1, used.column + used.shape[1] - 1
    values = sheet.range((1, 1), (rows, columns)).options(ndim=2).value
    return [["" if v is None else v for v in row] for row in values]


def read_live(workbook) -> Book:
    """The open workbook as records, read with one bulk read per sheet."""
    sheets, tables, grids = [], {}, {}
    wanted = {spec.sheet.casefold() for spec in schema.ALL_TABLES}
    for sheet in workbook.sheets:
        info = SheetInfo(sheet.name, 0, "", "", "")
        sheets.append(info)
        if sheet.name.casefold() not in wanted:
            continue
        grids[sheet.name] = (_grid(sheet), [])
        for table in sheet.tables:
            rng = table.range
            ref = (f"{column_letter(rng.column)}{rng.row}:"
                   f"{column_letter(rng.column + rng.shape[1] - 1)}"
                   f"{rng.row + rng.shape[0] - 1}")
            found = TableInfo(table.name, table.name, sheet.name, "", ref, [])
            info.tables.append(found)
            tables[table.name.casefold()] = found
    package = Package(Path(workbook.fullname), [], "", sheets, tables, False)
    return build_book(workbook.fullname, package, None, GivenGrids(grids))


class LiveTarget:
    """Applies plans to the open workbook through xlwings."""

    def __init__(self, workbook):
        self.workbook = workbook

    def apply(self, book, plan: Plan, now: datetime):
        from .writer.build import appended_cells
        if plan.new_tables or plan.new_columns:
            # a new table is added once, by the command line, with a backup
            raise RuntimeError("Neue Tabellen legen „kundenbuch einrichten“ und "
                               "„kundenbuch zahlungen einrichten“ über die Kommandozeile "
                               "an, nicht aus Excel.")
        appended, last_rows = appended_cells(book, plan)
        self._cells(list(plan.cells) + appended)
        for table_name, last in last_rows.items():
            location = book.locations[table_name]
            sheet = self.workbook.sheets[location.sheet]
            table = sheet.tables[table_name]
            rng = table.range
            table.resize(sheet.range((rng.row, rng.column),
                                     (last, rng.column + rng.shape[1] - 1)))
        for report in plan.sheets:
            self._report(report)
        return None

    def _cells(self, writes) -> None:
        """Bulk writes: contiguous runs of one column in one call each."""
        by_column = {}
        for write in writes:
            by_column.setdefault((write.sheet, write.column), {})[write.row] = write.value
        for (sheet_name, column), values in by_column.items():
            sheet = self.workbook.sheets[sheet_name]
            rows = sorted(values)
            start = previous = rows[0]
            for row in rows[1:] + [None]:
                if row is not None and row == previous + 1:
                    previous = row
                    continue
                block = [[_excel_value(values[r])] for r in range(start, previous + 1)]
                sheet.range((start, column), (previous, column)).options(ndim=2).value = block
                if row is not None:
                    start = previous = row

    def _report(self, report: ReportSheet) -> None:
        names = [s.name for s in self.workbook.sheets]
        if report.name in names:
            sheet = self.workbook.sheets[report.name]
            sheet.clear()
        else:
            sheet = self.workbook.sheets.add(report.name, after=self.workbook.sheets[-1])
        grid = report_grid(report)
        if grid:
            width = max(len(row) for row in grid)
            block = [[_excel_value(v) for v in row] + [None] * (width - len(row))
                     for row in grid]
            sheet.range((1, 1), (len(block), width)).options(ndim=2).value = block
        for (block, (header_row, _)) in zip(report.blocks, report.layout()):
            if not block.rows:
                continue
            for index, column in enumerate(block.columns, start=1):
                if column.kind in NUMBER_FORMATS:
                    sheet.range((header_row + 1, index),
                                (header_row + len(block.rows), index)).number_format = \
                        NUMBER_FORMATS[column.kind]
            for (row_index, column_index), target in block.links.items():
                cell = sheet.range((header_row + 1 + row_index, column_index + 1))
                value = block.rows[row_index][column_index]
                cell.add_hyperlink("#" + target, str(value))
                if not isinstance(value, str):
                    cell.value = _excel_value(value)    # a date stays a date


def report_grid(report: ReportSheet) -> list[list]:
    """The values of a report sheet, laid out exactly as the file writer lays them out."""
    places = report.layout()
    grid = [[] for _ in range(report.last_row())]
    for index, line in enumerate(report.title):
        grid[index] = [line]
    for block, (header_row, heading_row) in zip(report.blocks, places):
        if heading_row:
            grid[heading_row - 1] = [block.heading]
        grid[header_row - 1] = [c.header for c in block.columns]
        for offset, values in enumerate(block.rows, start=1):
            grid[header_row - 1 + offset] = list(values)
    return grid


def _excel_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if value == "":
        return None
    return value
