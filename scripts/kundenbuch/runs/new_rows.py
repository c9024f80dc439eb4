"""Rows a run appends to a data table (payments from the bank, invoices of
subscriptions, invoices from accepted quotes), seen by the run's own computations as if
they were in the book already: records at the rows they will take, and their computed
cells folded into the appended rows (an appended row is written whole, never as cells
below the table)."""
from __future__ import annotations

from ..book.reader import Book
from ..book.records import Record
from .plan import Plan, RowAppend


def with_rows(book, spec, new_rows: list[dict]):
    """(the book as if the rows were appended to spec's table, their records)."""
    if not new_rows:
        return book, []
    location = book.locations[spec.table]
    existing = book.records.get(spec.table, [])
    first = max([r.row for r in existing] + [location.header_row]) + 1
    added = [Record(location.sheet, first + i, row, location.columns)
             for i, row in enumerate(new_rows)]
    work = Book(book.path, book.package, book.fingerprint,
                {**book.records, spec.table: list(existing) + added},
                book.locations, book.settings, book.base_rates, book.read_findings,
                book.error_cells, book.lock_register)
    return work, added


def fold_into_rows(plan: Plan, spec, added, new_rows: list[dict]) -> None:
    """The plan's cells for the added records become values of their rows, and the rows
    are appended first (before the Protokoll rows that name them)."""
    if not added:
        return
    at = {record.row: row for record, row in zip(added, new_rows)}
    sheet = added[0].sheet
    fields = {column: field for field, column in added[0].columns.items()}
    kept = []
    for cell in plan.cells:
        if cell.sheet == sheet and cell.row in at:
            at[cell.row][fields[cell.column]] = cell.value
        else:
            kept.append(cell)
    plan.cells = kept
    plan.appends.insert(0, RowAppend(spec.table, new_rows))
