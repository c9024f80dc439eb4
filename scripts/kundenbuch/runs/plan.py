"""The outcome of a run as a value: cells to write, report sheets, rows to append.

A dry run prints it, tests assert on it, and the writers (file and live Excel) apply
it. Applying the same plan twice changes nothing the second time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..book import schema
from ..book.records import column_letter
from ..reports.german import counted
from ..reports.sheet import ReportSheet, format_value


@dataclass(slots=True)    # not frozen: hundreds of thousands on a large first run
class CellWrite:
    """One "out" cell of a data table; None clears the cell. requested: an input cell
    the user asked a command to change (schema.Column.on_request, or every personal
    field of a client being erased)."""
    sheet: str
    row: int
    column: int
    value: Any
    requested: bool = False

    @property
    def address(self) -> str:
        return f"{self.sheet}!{column_letter(self.column)}{self.row}"


@dataclass
class RowAppend:
    """Rows appended to a table (Protokoll, generated Termine); field -> value."""
    table: str
    rows: list[dict]


@dataclass
class NewTable:
    """A table of a later version of the contract, added to an existing book with its
    rows (schema.TableSpec, field -> value)."""
    spec: Any
    rows: list[dict]


@dataclass
class NewColumn:
    """A column of a later version, added right of an existing table: its header and
    the values of its rows (sheet row -> value)."""
    table: str
    header: str
    values: dict


@dataclass
class Plan:
    cells: list[CellWrite] = field(default_factory=list)
    sheets: list[ReportSheet] = field(default_factory=list)
    appends: list[RowAppend] = field(default_factory=list)
    new_tables: list[NewTable] = field(default_factory=list)
    new_columns: list[NewColumn] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.cells or self.sheets or any(a.rows for a in self.appends)
                    or self.new_tables or self.new_columns)

    def extend(self, other: "Plan") -> "Plan":
        self.cells += other.cells
        self.sheets += other.sheets
        self.appends += other.appends
        return self

    def replace_sheet(self, sheet: ReportSheet) -> None:
        """The report sheet of the same name, made again (after the run's letters)."""
        self.sheets = [sheet if s.name == sheet.name else s for s in self.sheets]

    def written(self, book, changed_parts) -> str:
        """What a write of this plan changed, in German: cells per sheet, rows added per
        table, and the report sheets whose content changed (changed_parts: the zip
        parts the writer replaced)."""
        cells: dict[str, int] = {}
        for write in self.cells:
            cells[write.sheet] = cells.get(write.sheet, 0) + 1
        rows: dict[str, int] = {}
        for append in self.appends:
            if append.rows:
                rows[append.table] = rows.get(append.table, 0) + len(append.rows)
        parts = {sheet.name: sheet.part for sheet in book.package.sheets}
        reports = [sheet.name for sheet in self.sheets
                   if sheet.name not in parts or parts[sheet.name] in changed_parts]
        items = [f"{sheet} {counted(count, 'Zelle')}" for sheet, count in cells.items()]
        items += [f"{table} +{counted(count, 'Zeile')}" for table, count in rows.items()]
        items += [f"neue Tabelle {t.spec.table} ({counted(len(t.rows), 'Zeile')})"
                  for t in self.new_tables]
        items += [f"neue Spalte {c.header} in {c.table}" for c in self.new_columns]
        if reports:
            items.append("Blatt " + ", ".join(f"„{name}“" for name in reports))
        return "; ".join(items) or "nur die Datei neu verpackt"

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
        for table in self.new_tables:
            lines.append(f"Neues Blatt „{table.spec.sheet}“ mit der Tabelle "
                         f"„{table.spec.table}“ ({len(table.rows)} Zeile(n))")
        for column in self.new_columns:
            lines.append(f"Neue Spalte „{column.header}“ rechts an der Tabelle "
                         f"„{column.table}“")
        return lines


def changed_cells(record, values: dict, requested: bool = False) -> list[CellWrite]:
    """Only cells whose value differs: a second run with the same data writes none.
    (Runs for every invoice: record.has_column and the attributes read once.)"""
    sheet, row, columns = record.sheet, record.row, record.columns
    return [CellWrite(sheet, row, columns[name], value, requested)
            for name, value in values.items() if name in columns and record[name] != value]


def protocol_row(when: datetime, kind: str, **values) -> dict:
    """One row of the append-only Protokoll table."""
    fields = {c.field for c in schema.PROTOKOLL.columns}
    unknown = set(values) - fields
    if unknown:
        raise ValueError(f"unknown Protokoll fields: {sorted(unknown)}")
    return {"zeitpunkt": when.strftime("%Y-%m-%d %H:%M:%S"), "art": kind, **values}
