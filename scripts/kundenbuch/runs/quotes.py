"""Accepted quotes become invoices: at month-end every quote set to "angenommen", or
one quote by `kundenbuch angebot annehmen NR`. The invoice row takes the next number,
the quote's lines are copied to it in Positionen, the quote gets its Rechnungsnr, and
the invoice document is made in the same run."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..book import schema
from ..book.invoice_lines import complete_invoices, lines_by_document
from ..book.reader import Book, read_book
from ..rules import quotes as rules
from ..rules.numbering import next_number
from ..rules.receivables import Terms, due_date
from . import letters as letters_run
from . import receivables
from .apply import WriteResult, check_writable, exclusive
from .einvoice_out import EInvoices
from .einvoice_out import attach as attach_einvoices
from .new_rows import fold_into_rows, with_rows
from .plan import CellWrite, Plan, RowAppend, protocol_row
from .stichtag import Stichtag, choose


class QuoteRefused(Exception):
    """`angebot annehmen` for a quote that does not exist or is invoiced (German)."""


@dataclass
class Accepted:
    quotes: list = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    added: list = field(default_factory=list)
    line_rows: list[dict] = field(default_factory=list)
    added_lines: list = field(default_factory=list)
    cells: list[CellWrite] = field(default_factory=list)

    @property
    def numbers(self) -> frozenset:
        return frozenset(str(row["rechnungsnr"]) for row in self.rows)

    def into(self, plan: Plan) -> None:
        fold_into_rows(plan, schema.RECHNUNGEN, self.added, self.rows)
        fold_into_rows(plan, schema.POSITIONEN, self.added_lines, self.line_rows)
        plan.cells += self.cells


def accept(book, day: date, only=None, stichtag: date | None = None):
    """(the book with the new invoices, what was accepted); only: one Angebotsnr,
    whatever its Status. Due after the day (and not before the Stichtag)."""
    accepted = Accepted()
    if only is not None:
        chosen = [q for q in book.angebote if str(q["angebotsnr"]).strip() == str(only).strip()]
        if not chosen:
            raise QuoteRefused(f"Das Angebot {only} gibt es im Blatt Angebote nicht; es "
                               "wurde nichts geändert.")
        if chosen[0]["rechnungsnr"] is not None:
            raise QuoteRefused(f"Angebot {only} ist schon abgerechnet (Rechnung "
                               f"{chosen[0]['rechnungsnr']}); es wurde nichts geändert.")
        if not chosen[0].has_column("rechnungsnr"):
            raise QuoteRefused("Der Tabelle Angebote fehlt die Spalte Rechnungsnr; dort "
                               "trägt kundenbuch die Rechnung ein. Bitte anlegen; es wurde "
                               "nichts geändert.")
        if chosen[0]["netto"] is None:
            raise QuoteRefused(f"Angebot {only} hat keinen Betrag (Netto oder Positionen); "
                               "es wurde nichts geändert.")
    else:
        chosen = rules.to_invoice(book.angebote)
    if not chosen or schema.RECHNUNGEN.table not in book.locations:
        return book, accepted
    terms = Terms.from_settings(book.settings)
    numbers = [i["rechnungsnr"] for i in book.rechnungen]
    lines = lines_by_document(book.positionen)
    for quote in chosen:
        number = next_number(numbers, day, taken=accepted.numbers)
        accepted.rows.append({**rules.invoice_row(quote, number, day),
                              "faellig_am": due_date(max(day, stichtag or day), terms)})
        accepted.line_rows += rules.invoice_lines(
            lines.get(str(quote["angebotsnr"]).strip(), ()), number)
        accepted.quotes.append(quote)
        accepted.cells.append(CellWrite(quote.sheet, quote.row,
                                        quote.columns["rechnungsnr"], number))
    work, accepted.added = with_rows(book, schema.RECHNUNGEN, accepted.rows)
    if accepted.line_rows:
        work, accepted.added_lines = with_rows(work, schema.POSITIONEN, accepted.line_rows)
        complete_invoices(accepted.added, work.positionen)
    return work, accepted


@dataclass
class AcceptResult:
    book: Book
    accepted: Accepted
    plan: Plan
    letters: list
    einvoices: EInvoices
    when: Stichtag
    letter_run: object = None
    write: WriteResult | None = None


@exclusive()
def run(path: Path, number, now: datetime, probelauf: bool = False, pdf: bool = False,
        book: Book | None = None, progress=None, target=None) -> AcceptResult:
    """`kundenbuch angebot annehmen NR`: the invoice row, its document, in one write."""
    from .. import __version__
    read = book or read_book(path, progress=progress)
    when = choose(None, read.settings, now.date())
    day = now.date()
    stichtag = max(when.day, day)
    work, accepted = accept(read, day, only=number, stichtag=stichtag)
    summary = receivables.summarize(work, stichtag)
    plan = receivables.plan(work, summary, now, __version__)
    accepted.into(plan)
    due = letters_run.due_letters(work, stichtag, ("rechnung",), letter_date=day,
                                  also_invoices=accepted.numbers)
    due = [letter for letter in due if str(letter.invoices[0]["rechnungsnr"])
           in accepted.numbers]
    due, einvoices = attach_einvoices(due, work.settings)
    plan.appends.append(RowAppend(schema.PROTOKOLL.table, [protocol_row(
        now, "Angebot angenommen", stichtag=day, kundennr=accepted.quotes[0]["kundennr"],
        rechnungen=", ".join(sorted(accepted.numbers)),
        details=f"Angebot {number} → Rechnung {', '.join(sorted(accepted.numbers))}, "
                f"kundenbuch {__version__}")]))
    result = AcceptResult(read, accepted, plan, due, einvoices, when)
    if probelauf:
        return result
    check_writable(read, target)
    result.letter_run = letters_run.produce(work, due, stichtag, now, pdf, progress)
    plan.extend(result.letter_run.plan)
    result.write = letters_run.write_with_letters(read, plan, now, target, result.letter_run)
    return result
