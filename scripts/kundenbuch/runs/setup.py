"""`kundenbuch einrichten`: an older book gets the tables and columns of this version's
contract that it lacks (Positionen, Abos, Angebote, Kontakte; Storno zu; Geburtstag,
Leitweg-ID, E-Rechnung …), empty, in one safe write with a backup. The Zahlungen table has its own
command, since it moves typed payments (runs/payments_setup.py).

A table goes on a new sheet at the end of the book; a column right of its table, where
those cells are empty (else it is left out, and the message names the cell)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import python_calamine

from ..book import schema
from ..book.reader import Book, read_book
from ..book.records import column_letter, split_cell
from .apply import WriteResult, exclusive, write
from .plan import NewColumn, NewTable, Plan, RowAppend, protocol_row

OWN_COMMAND = {schema.ZAHLUNGEN.table: "kundenbuch zahlungen einrichten"}


@dataclass
class SetupResult:
    book: Book
    plan: Plan
    tables: list = field(default_factory=list)       # table names added
    columns: list = field(default_factory=list)      # (table, header) added
    left_out: list = field(default_factory=list)     # German reasons
    write: WriteResult | None = None

    @property
    def nothing(self) -> bool:
        return not (self.tables or self.columns)


def typed_right_of(book, table: str, count: int, grid_of=None) -> str:
    """Empty, or the first cell typed in the `count` columns right of a table, down the
    whole sheet (read with calamine): where a new column would overwrite a user's
    cell. grid_of(sheet): the sheet's cells, for several tables from one reading."""
    if grid_of is None:
        grid_of = _grids(book)
    ref = book.package.table(table).ref
    edge = split_cell(ref.partition(":")[2] or ref)[1]
    location = book.locations[table]
    for number, line in enumerate(grid_of(location.sheet), start=1):
        for index in range(edge, edge + count):
            if index < len(line) and line[index] not in ("", None):
                return f"{location.sheet}!{column_letter(index + 1)}{number}"
    return ""


def _grids(book):
    """grid_of(sheet) for typed_right_of, the workbook opened once and when first asked."""
    workbook = None

    def grid_of(sheet):
        nonlocal workbook
        workbook = workbook or python_calamine.CalamineWorkbook.from_path(str(book.path))
        return workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return grid_of


@exclusive()
def run(path: Path, now: datetime, probelauf: bool = False, book: Book | None = None,
        progress=None) -> SetupResult:
    from .. import __version__
    book = book or read_book(path, progress=progress)
    plan = Plan()
    result = SetupResult(book, plan)
    for spec in schema.DATA_TABLES:
        if spec.table in book.locations:
            continue
        if not spec.optional:
            continue
        if spec.table in OWN_COMMAND:
            result.left_out.append(f"Tabelle {spec.table}: mit „{OWN_COMMAND[spec.table]}“")
            continue
        if book.package.sheet(spec.sheet) is not None:
            result.left_out.append(f"Tabelle {spec.table}: die Mappe hat ein eigenes Blatt "
                                   f"„{spec.sheet}“; bitte umbenennen")
            continue
        plan.new_tables.append(NewTable(spec, []))
        result.tables.append(spec.table)
    grid_of = _grids(book)
    for spec in schema.DATA_TABLES:
        location = book.locations.get(spec.table)
        if location is None:
            continue
        missing = [c for c in spec.columns if c.optional and c.field not in location.columns]
        if not missing:
            continue
        typed = typed_right_of(book, spec.table, len(missing), grid_of)
        if typed:
            result.left_out.append(
                f"Spalten {', '.join(c.header for c in missing)} in {spec.table}: in "
                f"{typed} steht etwas; bitte Platz rechts der Tabelle lassen oder die "
                "Spalten selbst anlegen")
            continue
        for column in missing:
            plan.new_columns.append(NewColumn(spec.table, column.header, {}))
            result.columns.append((spec.table, column.header))
    if result.nothing:
        return result
    details = "; ".join([f"Tabelle {t}" for t in result.tables]
                        + [f"Spalte {h} in {t}" for t, h in result.columns])
    plan.appends.append(RowAppend(schema.PROTOKOLL.table, [protocol_row(
        now, "Eingerichtet", details=f"{details}, kundenbuch {__version__}")]))
    if not probelauf:
        result.write = write(book, plan, now)
    return result
