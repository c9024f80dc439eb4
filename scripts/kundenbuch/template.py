"""Create a new workbook that follows the contract exactly (``kundenbuch neu``).

openpyxl is used here only to create a new file; existing workbooks are never
saved through it (see writer.py for why).
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from . import schema

_FIXED_TIME = datetime(2026, 1, 1)
DATE_FORMAT = "DD.MM.YYYY"
TIME_FORMAT = "HH:MM"
MONEY_FORMAT = '#,##0.00 "€"'
PERCENT_FORMAT = "0%"
NUMBER_FORMATS = {schema.DATE: DATE_FORMAT, schema.TIME: TIME_FORMAT,
                  schema.MONEY: MONEY_FORMAT, schema.NUMBER: "#,##0.##",
                  schema.INT: "0"}

# "out" columns get a different header colour so that users see what the program writes.
OUT_FILL = PatternFill("solid", fgColor="F4B183")
OUT_FONT = Font(bold=True, color="000000")
VALIDATION_ROWS = 5000   # dropdowns reach this far below the header at least
EINSTELLUNGEN_HELP_HEADER = "Erläuterung"


def create_workbook(path: Path, data: dict | None = None) -> None:
    """Write a new kundenbuch workbook; ``data`` maps table name -> list of row dicts."""
    data = data or {}
    wb = Workbook()
    wb.remove(wb.active)
    for spec in schema.DATA_TABLES:
        rows = data.get(spec.table) or []
        if spec is schema.STUFEN_TABELLE and not rows:
            rows = list(schema.STUFEN_DEFAULTS)
        _data_sheet(wb.create_sheet(spec.sheet), spec, rows)
    _settings_sheet(wb.create_sheet(schema.EINSTELLUNGEN.sheet), data)
    _data_sheet(wb.create_sheet(schema.PROTOKOLL.sheet), schema.PROTOKOLL,
                data.get(schema.PROTOKOLL.table) or [])
    wb.properties.creator = "kundenbuch"
    # Fixed timestamps keep `neu --demo` reproducible down to the document properties.
    wb.properties.created = wb.properties.modified = _FIXED_TIME
    wb.save(path)


def _write_table(ws, spec, rows, first_column=1, extra_headers=()):
    """Header, rows, formats, widths and the Excel table; returns the last row."""
    headers = spec.headers + list(extra_headers)
    for offset, header in enumerate(headers):
        cell = ws.cell(row=1, column=first_column + offset, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, column in enumerate(spec.columns):
        letter = ws.cell(row=1, column=first_column + offset).column_letter
        ws.column_dimensions[letter].width = column.width
        if column.out:
            header = ws.cell(row=1, column=first_column + offset)
            header.fill, header.font = OUT_FILL, OUT_FONT
            header.comment = Comment(column.note, "kundenbuch", width=260, height=90)
    # An Excel table needs at least one data row; an empty one is fine.
    body = rows or [{}]
    for index, values in enumerate(body, start=2):
        for offset, column in enumerate(spec.columns):
            cell = ws.cell(row=index, column=first_column + offset,
                           value=values.get(column.field))
            if column.number_format or column.kind in NUMBER_FORMATS:
                cell.number_format = column.number_format or NUMBER_FORMATS[column.kind]
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                cell.data_type = "s"        # typed text stays text, never a formula
        for offset, header in enumerate(extra_headers, start=len(spec.columns)):
            ws.cell(row=index, column=first_column + offset, value=values.get(header))
    last_row = len(body) + 1
    start = ws.cell(row=1, column=first_column).coordinate
    end = ws.cell(row=last_row, column=first_column + len(headers) - 1).coordinate
    table = Table(displayName=spec.table, ref=f"{start}:{end}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    return last_row


def _data_sheet(ws, spec, rows):
    last_row = _write_table(ws, spec, rows)
    ws.freeze_panes = "A2"
    _validations(ws, spec, max(VALIDATION_ROWS, last_row + 1000))


def _validations(ws, spec, last_row):
    for offset, column in enumerate(spec.columns):
        letter = ws.cell(row=1, column=spec.first_column + offset).column_letter
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
        ws.add_data_validation(validation)


def _settings_sheet(ws, data):
    given = data.get(schema.EINSTELLUNGEN.table) or {}
    rows = []
    for setting in schema.SETTINGS:
        value = given.get(setting.field, setting.default)
        rows.append({"einstellung": setting.name, "wert": value,
                     EINSTELLUNGEN_HELP_HEADER: setting.help})
    _write_table(ws, schema.EINSTELLUNGEN, rows, extra_headers=(EINSTELLUNGEN_HELP_HEADER,))
    ws.column_dimensions["C"].width = 60
    for index, setting in enumerate(schema.SETTINGS, start=2):
        if setting.kind in NUMBER_FORMATS:
            ws.cell(row=index, column=2).number_format = NUMBER_FORMATS[setting.kind]
        if setting.choices:
            listed = ",".join(setting.choices)
            validation = DataValidation(type="list", formula1=f'"{listed}"',
                                        allow_blank=True)
            validation.add(f"B{index}")
            ws.add_data_validation(validation)
    rates = data.get(schema.BASISZINS.table)
    if rates is None:
        rates = [{"gueltig_ab": date.fromisoformat(day), "prozent": percent}
                 for day, percent in schema.BASISZINS_HISTORIE]
    _write_table(ws, schema.BASISZINS, rates, first_column=schema.BASISZINS.first_column)
    ws.freeze_panes = "A2"
