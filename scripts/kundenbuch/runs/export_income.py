"""`kundenbuch export euer --jahr JJJJ`: the year's income as received, by month and
by client, for the Einnahmen-Überschuss-Rechnung; printed and written as CSV files
into export/. Reads only; expenses are not in this book (the output says so)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..book.reader import Book, read_book
from ..book.records import display_name
from ..documents.datev import amount
from ..documents.excel_csv import excel_csv
from ..rules import bookings
from ..rules.income import YearIncome, year_income
from ..rules.payments import allocation_of
from .export_datev import FOLDER
from .receivables import paid_parts

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")


@dataclass
class IncomeResult:
    book: Book
    income: YearIncome
    names: dict
    files: list


def compute(book, year: int) -> YearIncome:
    parts = paid_parts(book, date(year, 12, 31))
    extra = []
    if book.zahlungen is not None:
        extra = [(day, payer, left) for day, payer, left, _ in bookings.unapplied(
            book.zahlungen, bookings.applied_by_row(parts), allocation_of(book).payer)]
    return year_income(year, book.rechnungen, parts, extra,
                       bookings.cash_days(book.zahlungen))


def run(path: Path, year: int, book: Book | None = None, write: bool = True) -> IncomeResult:
    book = book or read_book(path)
    income = compute(book, year)
    names = {c["kundennr"]: display_name(c) for c in book.kunden}
    header = ["Netto", "Umsatzsteuer", "Zinsen, Kosten, Guthaben", "Zufluss gesamt"]
    months = [["Monat", *header]] + [
        [MONTHS[m - 1], *(amount(v) for v in (i.net, i.vat, i.other, i.total))]
        for m, i in income.by_month.items()]
    total = income.total
    months.append(["Summe", *(amount(v) for v in (total.net, total.vat, total.other,
                                                  total.total))])
    clients = [["Kundennr", "Kunde", *header]] + [
        [number, names.get(number, "ohne Zuordnung" if not number else ""),
         *(amount(v) for v in (i.net, i.vat, i.other, i.total))]
        for number, i in sorted(income.by_client.items(), key=lambda item: -item[1].total)]
    files = []
    if write:
        folder = Path(book.path).resolve().parent / FOLDER
        folder.mkdir(exist_ok=True)
        for name, rows in ((f"EUER_{year}_Monate.csv", months),
                           (f"EUER_{year}_Kunden.csv", clients)):
            (folder / name).write_bytes(excel_csv(rows))
            files.append(folder / name)
    return IncomeResult(book, income, names, files)
