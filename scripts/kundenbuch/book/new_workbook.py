"""Create a new workbook that follows the contract exactly (``kundenbuch neu``).

openpyxl is used here only to create a new file; existing workbooks are never
saved through it (see writer/__init__.py for why). Write-only mode keeps memory flat,
so the benchmark's large books (200,000 invoices) are made the same way as the demo.
"""
from __future__ import annotations

import warnings
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..reports.sheet import header_height, header_width
from . import schema

# Fixed timestamps keep `neu --demo` reproducible down to the document properties.
_FIXED_TIME = datetime(2026, 1, 1)
DATE_FORMAT = "DD.MM.YYYY"
TIME_FORMAT = "HH:MM"
MONEY_FORMAT = '#,##0.00 "€"'
NUMBER_FORMATS = {schema.DATE: DATE_FORMAT, schema.TIME: TIME_FORMAT,
                  schema.MONEY: MONEY_FORMAT, schema.NUMBER: "#,##0.##",
                  schema.INT: "0"}

# "out" columns get a different header colour so that users see what the program writes.
OUT_FILL = PatternFill("solid", fgColor="F4B183")
OUT_FONT = Font(bold=True, color="000000")
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRITTEN_FROM = ("Wird aus der Tabelle „{}“ geschrieben; Zahlungen bitte dort eintragen, "
                "Eingaben hier werden überschrieben.")
VALIDATION_ROWS = 5000   # dropdowns reach this far below the header at least
EINSTELLUNGEN_HELP_HEADER = "Erläuterung"


def create_workbook(path: Path, data: dict | None = None) -> None:
    """Write a new kundenbuch workbook; ``data`` maps table name -> list of row dicts.
    A new empty book has every table; given data, a table added in a later version
    (Zahlungen) only where the data name it, so that a book as older versions made it
    can be made too."""
    everything = data is None
    data = data or {}
    wb = Workbook(write_only=True)
    _start_sheet(wb.create_sheet(schema.START_SHEET))
    for spec in schema.DATA_TABLES:
        if spec.optional and not everything and spec.table not in data:
            continue
        rows = data.get(spec.table) or []
        if spec is schema.STUFEN_TABELLE and not rows:
            rows = list(schema.STUFEN_DEFAULTS)
        _data_sheet(wb.create_sheet(spec.sheet), spec, rows)
    _settings_sheet(wb.create_sheet(schema.EINSTELLUNGEN.sheet), data)
    _data_sheet(wb.create_sheet(schema.PROTOKOLL.sheet), schema.PROTOKOLL,
                data.get(schema.PROTOKOLL.table) or [])
    wb.properties.creator = "kundenbuch"
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    wb.save(path)


class _TablePart:
    """One table's header and body cells, laid out from first_column on."""

    def __init__(self, ws, spec, rows, first_column=1, extra_headers=()):
        self.ws, self.spec, self.first_column = ws, spec, first_column
        self.rows = rows or [{}]           # an Excel table needs at least one data row
        self.extra = list(extra_headers)
        self.width = len(spec.columns) + len(self.extra)
        # One reusable cell per formatted column: write-only mode serialises a row as
        # soon as it is appended, so the same cell object can carry the next value.
        self.formatted = {}
        for index, column in enumerate(spec.columns):
            fmt = column.number_format or NUMBER_FORMATS.get(column.kind)
            if fmt:
                cell = WriteOnlyCell(ws)
                cell.number_format = fmt
                self.formatted[index] = cell
        self.header = []
        for index, header in enumerate(spec.headers + self.extra):
            cell = WriteOnlyCell(ws, value=header)
            cell.font, cell.alignment = HEADER_FONT, HEADER_ALIGNMENT
            column = spec.columns[index] if index < len(spec.columns) else None
            # a new book has every table, so "out_with" columns are out from the start
            if column is not None and (column.out or column.out_with):
                cell.fill, cell.font = OUT_FILL, OUT_FONT
                cell.comment = Comment(column.note or WRITTEN_FROM.format(column.out_with),
                                       "kundenbuch", width=260, height=90)
            self.header.append(cell)

    def body(self, index):
        """Cells of data row ``index`` (None past the end)."""
        if index >= len(self.rows):
            return [None] * self.width
        values = self.rows[index]
        cells = []
        for position, column in enumerate(self.spec.columns):
            value = values.get(column.field)
            if isinstance(value, str) and value[:1] in "=+-@":
                cells.append(self._text_cell(value))  # typed text stays text
            elif position in self.formatted:      # empty cells keep the format too
                cell = self.formatted[position]
                cell.value = value
                cells.append(cell)
            else:
                cells.append(value)
        return cells + [values.get(h) for h in self.extra]

    def _text_cell(self, value):
        cell = WriteOnlyCell(self.ws, value=value)
        cell.data_type = "s"
        return cell

    def add_table(self, ws):
        start = f"{get_column_letter(self.first_column)}1"
        end = f"{get_column_letter(self.first_column + self.width - 1)}{len(self.rows) + 1}"
        table = Table(displayName=self.spec.table, ref=f"{start}:{end}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        table._initialise_columns()            # write-only mode: name the columns here
        for column, header in zip(table.tableColumns, self.spec.headers + self.extra):
            column.name = header
        with warnings.catch_warnings():
            # openpyxl warns in write-only mode whether or not the columns are named.
            warnings.filterwarnings("ignore", "In write-only mode you must add table")
            ws.add_table(table)
        for offset, width in enumerate(self.widths()):
            letter = get_column_letter(self.first_column + offset)
            ws.column_dimensions[letter].width = width

    def widths(self) -> list[float]:
        """Each column wide enough that no word of its header breaks."""
        return [header_width(column.header, column.width) for column in self.spec.columns]


def _write(ws, parts):
    """Append header and body rows of tables that stand side by side; the header row
    tall enough for headers that wrap (Excel keeps a row's stored height)."""
    height = max(len(p.rows) for p in parts)
    for part in parts:
        part.add_table(ws)
    header_points = header_height([c.header for p in parts for c in p.spec.columns],
                                  [w for p in parts for w in p.widths()])
    if header_points:
        ws.row_dimensions[1].height = header_points
    rows = [[c for p in parts for c in _placed(p, p.header, parts)]]
    ws.append(rows[0])
    for index in range(height):
        ws.append([c for p in parts for c in _placed(p, p.body(index), parts)])


def _placed(part, cells, parts):
    """Cells of one table, preceded by the empty columns before it."""
    before = part.first_column - 1 - sum(p.width for p in parts[:parts.index(part)])
    return [None] * before + list(cells)


def _data_sheet(ws, spec, rows):
    part = _TablePart(ws, spec, rows)
    ws.freeze_panes = "A2"
    _validations(ws, spec, max(VALIDATION_ROWS, len(part.rows) + 1000))
    _write(ws, [part])


def _validations(ws, spec, last_row):
    for offset, column in enumerate(spec.columns):
        letter = get_column_letter(spec.first_column + offset)
        cells = f"{letter}2:{letter}{last_row}"
        if column.choices:
            listed = ",".join(str(choice) for choice in column.choices)
            validation = DataValidation(type="list", formula1=f'"{listed}"',
                                        allow_blank=True)
            validation.error = f"Erlaubt sind: {listed.replace(',', ', ')}"
        elif column.kind == schema.DATE:
            validation = DataValidation(type="date", operator="greaterThan",
                                        formula1="1", allow_blank=True)
            validation.error = "Bitte ein Datum eingeben, z. B. 31.12.2026"
        elif column.kind in (schema.MONEY, schema.NUMBER):
            validation = DataValidation(type="decimal", operator="between",
                                        formula1="-1000000000", formula2="1000000000",
                                        allow_blank=True)
            validation.error = "Bitte eine Zahl eingeben, z. B. 1234,56"
        else:
            continue
        validation.errorTitle = column.header
        validation.showErrorMessage = True
        validation.add(cells)
        ws.data_validations.append(validation)


def _start_sheet(ws):
    """Action, Stichtag and status for the Excel button (xlwings "Run main")."""
    title = WriteOnlyCell(ws, value="kundenbuch – Kundenpflege aus dieser Arbeitsmappe")
    title.font = Font(bold=True, size=14)
    stichtag = WriteOnlyCell(ws, value=None)
    stichtag.number_format = DATE_FORMAT
    labels = [WriteOnlyCell(ws, value=text) for text in ("Aktion", "Stichtag", "Status")]
    for label in labels:
        label.font = HEADER_FONT
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 70
    validation = DataValidation(type="list", formula1='"' + ",".join(schema.START_ACTIONS)
                                + '"', allow_blank=False)
    validation.add("B3")
    ws.data_validations.append(validation)
    for row in ([title], [], [labels[0], "Monatsabschluss"], [labels[1], stichtag],
                [labels[2], None], [],
                ["So geht es", "Aktion wählen, Stichtag eintragen (leer = automatisch) und "
                               "im Menüband xlwings auf „Run main“ klicken."],
                ["", "Danach die Mappe speichern. Einrichtung: siehe README."]):
        ws.append(row)


def _settings_sheet(ws, data):
    given = data.get(schema.EINSTELLUNGEN.table) or {}
    rows = [{"einstellung": s.name, "wert": given.get(s.field, s.default),
             EINSTELLUNGEN_HELP_HEADER: s.help} for s in schema.SETTINGS]
    settings = _TablePart(ws, schema.EINSTELLUNGEN, rows,
                          extra_headers=(EINSTELLUNGEN_HELP_HEADER,))
    # Each setting's value gets its own format, so the Wert column cells differ.
    for index, setting in enumerate(schema.SETTINGS):
        fmt = NUMBER_FORMATS.get(setting.kind)
        value = rows[index]["wert"]
        if fmt and value is not None:
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = fmt
            rows[index]["wert"] = cell
        if setting.choices:
            listed = ",".join(setting.choices)
            validation = DataValidation(type="list", formula1=f'"{listed}"',
                                        allow_blank=True)
            validation.add(f"B{index + 2}")
            ws.data_validations.append(validation)
    ws.column_dimensions["C"].width = 60
    rates = data.get(schema.BASISZINS.table)
    if rates is None:
        rates = [{"gueltig_ab": date.fromisoformat(day), "prozent": percent}
                 for day, percent in schema.BASISZINS_HISTORIE]
    base_rates = _TablePart(ws, schema.BASISZINS, rates,
                            first_column=schema.BASISZINS.first_column)
    ws.freeze_panes = "A2"
    _write(ws, [settings, base_rates])
