"""`kundenbuch zahlungen einrichten`: an existing book gets the Zahlungen table, every
typed Bezahlt am / Bezahlt Betrag becomes a payment row (Art "Übernommen"), and
Rechnungen gets the column Offen; in one safe write with a backup. From then on the
two Bezahlt columns are written by kundenbuch from the table."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..book import schema
from ..book.reader import Book, read_book
from ..book.records import Record
from ..rules.payments import allocate_book
from .apply import WriteResult, exclusive, write
from .plan import NewColumn, NewTable, Plan, RowAppend, changed_cells, protocol_row
from .receivables import summarize
from .setup import typed_right_of
from .stichtag import choose

TAKEN_OVER = "Übernommen"
NOTE = "aus Rechnungen übernommen"


class SetupRefused(Exception):
    """A German reason why the book was left as it was."""


@dataclass
class SetupResult:
    book: Book
    plan: Plan
    moved: list                  # the payment rows made from Rechnungen
    offen_added: bool
    offen_blocked: str = ""      # why the column Offen was not added
    already: bool = False        # the book has the table already
    write: WriteResult | None = None


def payments_from_invoices(invoices) -> tuple[list[dict], list[str]]:
    """One payment per invoice with typed Bezahlt values; the cells that cannot be
    moved (an amount without its day, a day without an amount)."""
    rows, incomplete = [], []
    for invoice in invoices:
        day, amount = invoice["bezahlt_am"], invoice["bezahlt_betrag"]
        if day is None and amount is None:
            continue
        if day is None or not amount:
            field = "bezahlt_am" if day is None else "bezahlt_betrag"
            incomplete.append(f"{invoice.sheet}!{invoice.cell(field)} (Rechnung "
                              f"{invoice['rechnungsnr']})")
            continue
        rows.append({"datum": day, "betrag": amount, "kundennr": invoice["kundennr"],
                     "rechnungsnr": invoice["rechnungsnr"], "art": TAKEN_OVER,
                     "notiz": NOTE})
    rows.sort(key=lambda r: (r["datum"], str(r["rechnungsnr"])))
    return rows, incomplete


def _column_right_is_free(book) -> str:
    """Empty, or why the column right of Rechnungen cannot take Offen."""
    typed = typed_right_of(book, schema.RECHNUNGEN.table, 1)
    if not typed:
        return ""
    return (f"in {typed} steht etwas; die Spalte Offen kann dort nicht hin (bitte selbst "
            "rechts an der Tabelle eine Spalte „Offen“ anlegen)")


@exclusive()
def run(path: Path, now: datetime, probelauf: bool = False, book: Book | None = None,
        progress=None) -> SetupResult:
    from .. import __version__
    book = book or read_book(path, progress=progress)
    if book.zahlungen is not None:
        return SetupResult(book, Plan(), [], False, already=True)
    if book.package.sheet(schema.ZAHLUNGEN.sheet) is not None:
        raise SetupRefused(f"Die Mappe hat ein eigenes Blatt „{schema.ZAHLUNGEN.sheet}“ "
                           "ohne die Tabelle Zahlungen. Bitte das Blatt umbenennen; dann "
                           "legt kundenbuch die Tabelle an.")
    rows, incomplete = payments_from_invoices(book.rechnungen)
    if incomplete:
        raise SetupRefused("Diese Zahlungen sind unvollständig und können nicht "
                           "übernommen werden: " + "; ".join(incomplete[:10])
                           + ". Bitte Datum und Betrag ergänzen (oder beide leeren); die "
                           "Mappe bleibt unverändert.")
    # What the rows pay, as the next run will see it: their Zugeordnet, and Offen.
    first_row = 2
    records = [Record(schema.ZAHLUNGEN.sheet, first_row + i, row,
                      {c.field: n for n, c in enumerate(schema.ZAHLUNGEN.columns, 1)})
               for i, row in enumerate(rows)]
    protocol = book.records.get(schema.PROTOKOLL.table, [])
    allocation = allocate_book(records, book.rechnungen, book.kunden, book.settings,
                               book.base_rates, protocol)
    table_rows = [{**row, "zugeordnet": allocation.notes.get(record.row)}
                  for row, record in zip(rows, records)]
    plan = Plan(new_tables=[NewTable(schema.ZAHLUNGEN, table_rows)])
    location = book.locations.get(schema.RECHNUNGEN.table)
    offen_blocked = ""
    offen_added = False
    if location is not None:
        # Offen as the next run will write it, so that the book is complete at once
        stichtag = choose(None, book.settings, now.date()).day
        with_payments = Book(book.path, book.package, book.fingerprint,
                             {**book.records, schema.ZAHLUNGEN.table: records},
                             book.locations, book.settings, book.base_rates, [], [])
        still_open = {s.invoice.row: s.open for s in summarize(with_payments,
                                                               stichtag).invoices}
        if "offen" in location.columns:
            plan.cells += [write for invoice in book.rechnungen if invoice.row in still_open
                           for write in changed_cells(invoice,
                                                      {"offen": still_open[invoice.row]})]
        else:
            offen_blocked = _column_right_is_free(book)
            if not offen_blocked:
                plan.new_columns.append(NewColumn(
                    schema.RECHNUNGEN.table, schema.RECHNUNGEN.column("offen").header,
                    still_open))
                offen_added = True
    details = (f"Tabelle Zahlungen angelegt, {len(rows)} Zahlungen aus Rechnungen "
               f"übernommen" + (", Spalte Offen angelegt" if offen_added else "")
               + f", kundenbuch {__version__}")
    plan.appends.append(RowAppend(schema.PROTOKOLL.table, [protocol_row(
        now, "Zahlungen eingerichtet", details=details)]))
    result = SetupResult(book, plan, rows, offen_added, offen_blocked)
    if not probelauf:
        result.write = write(book, plan, now)
    return result
