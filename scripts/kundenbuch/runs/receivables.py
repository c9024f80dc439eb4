"""The receivables run (`kundenbuch forderungen`): status, aging, interest and the
dunning level due as of a Stichtag, and what to write back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..book import schema
from ..book.invoice_lines import line_amount
from ..book.reader import Book, read_book
from ..book.records import Record
from ..checks.findings import Finding
from ..reports.open_items import report
from ..rules.letters import first_reminders, invoice_documents
from ..rules.direct_debit import ordered_collections, returned_since
from ..rules.payments import allocate_book, allocation_of
from ..rules.amounts import ZERO
from ..rules.applied import paid_cells, typed_parts
from ..rules.receivables import CANCELLED, PAID, Summary, Terms, compute
from .stichtag import Stichtag, choose
from .apply import WriteResult, exclusive, write
from .plan import CellWrite, Plan, RowAppend, changed_cells, protocol_row
from ..reports.sheet import format_value

def computable(invoice) -> bool:
    """Invoices missing what the computation needs are left alone (pruefen names them)."""
    return (invoice["rechnungsnr"] is not None and invoice["rechnungsdatum"] is not None
            and invoice["netto"] is not None)


def summarize(book, stichtag: date, invoices=None) -> Summary:
    """The receivables at the Stichtag; in a book with the Zahlungen table from its
    payments as the law applies them (rules/payments.py)."""
    protocol = book.records.get(schema.PROTOKOLL.table, [])
    source = book.rechnungen if invoices is None else invoices
    invoices = [i for i in source if computable(i)]
    terms = Terms.from_settings(book.settings)
    reminders, documents = first_reminders(protocol), invoice_documents(protocol)
    allocation = None
    if book.zahlungen is not None:
        allocation = allocate_book(book.zahlungen, source, book.kunden, book.settings,
                                   book.base_rates, protocol)
    return compute(invoices, book.kunden, book.stufen, book.base_rates, terms, stichtag,
                   reminders, documents, allocation,
                   collections_pending(protocol, allocation, stichtag))


def collections_pending(protocol, allocation, stichtag: date) -> dict:
    """Rechnungsnr -> collection day of the direct debits ordered by `lastschrift` and
    not returned by the Stichtag ("Einzug angewiesen")."""
    parts = allocation.until(stichtag) if allocation is not None else {}
    return {number: day for number, day in ordered_collections(protocol).items()
            if not returned_since(parts.get(number, ()), day)}


def paid_as_of(book, day: date, invoices=None) -> list:
    """The invoices with Bezahlt am and Bezahlt Betrag as the Zahlungen table gives them
    on that day (credits included), for what reads those columns (the invoice letter);
    the invoices as they are in a book without the table."""
    invoices = book.rechnungen if invoices is None else invoices
    if book.zahlungen is None:
        return invoices
    allocation = allocate_book(book.zahlungen, invoices, book.kunden, book.settings,
                               book.base_rates, book.records.get(schema.PROTOKOLL.table, []))
    paid = allocation.until(day)
    result = []
    for invoice in invoices:
        values = paid_cells(paid.get(invoice["rechnungsnr"], ()))
        result.append(Record(invoice.sheet, invoice.row, {**invoice, **values},
                             invoice.columns, invoice.raw))
    return result


def paid_parts(book, until: date) -> dict:
    """Rechnungsnr -> the payment parts applied to it up to a day: from Zahlungen, or
    Bezahlt am and Bezahlt Betrag as typed in an older book."""
    if book.zahlungen is None:
        return {str(i["rechnungsnr"]): typed_parts(i, until) for i in book.rechnungen}
    return {str(number): parts for number, parts in allocation_of(book).until(until).items()}


def paid_dates(book, day: date) -> dict:
    """Rechnungsnr -> the day of its last payment up to the day."""
    return {number: paid_cells(parts)["bezahlt_am"]
            for number, parts in paid_parts(book, day).items()}


def after_letters(book, stichtag: date, letters) -> Summary | None:
    """The receivables once the run's letters are out: each reminded invoice at its new
    level and date, so that Offene Posten shows the letter the run made as sent, not as
    still due. None when the letters change no invoice."""
    sent: dict[tuple, dict] = {}
    for letter in letters:
        for record, name, value in letter.writes:
            if record.sheet == schema.RECHNUNGEN.sheet:
                sent.setdefault((record.sheet, record.row), {})[name] = value
    if not sent:
        return None
    invoices = [Record(i.sheet, i.row, {**i, **sent[(i.sheet, i.row)]}, i.columns, i.raw)
                if (i.sheet, i.row) in sent else i for i in book.rechnungen]
    return summarize(book, stichtag, invoices)


def invoice_values(state, allocation=None) -> dict:
    """The "out" values of one Rechnungen row; with Zahlungen also what they paid (all
    payments in the table, the last day and the sum, as the bank shows them)."""
    done = state.status in (PAID, CANCELLED)
    values = {"brutto": state.gross, "status": state.status,
              "tage_ueberfaellig": None if done else state.days_overdue,
              "verzugszinsen": None if done else state.interest,
              "offen": ZERO if state.status == CANCELLED else state.open}
    if allocation is not None and str(state.number) not in allocation.incomplete:
        # (an incomplete row keeps its Bezahlt cells: what it owes is not known)
        values.update(paid_cells(allocation.parts.get(state.number, ())))
    if state.due_is_computed and not state.invoice.holds("faellig_am"):
        values["faellig_am"] = state.due       # filled when empty, and only then
    return values


def line_cells(book) -> list:
    """Netto from the lines where it was empty (the record holds it already, the cell
    not), and each line's Betrag."""
    cells = [CellWrite(i.sheet, i.row, i.columns["netto"], i["netto"])
             for i in book.rechnungen if i["netto_aus_positionen"]]
    for line in book.positionen:
        cells += changed_cells(line, {"betrag": line_amount(line)})
    return cells


def plan(book, summary: Summary, now: datetime, version: str) -> Plan:
    result = Plan(sheets=[report(summary, now, version)], cells=line_cells(book))
    allocation = summary.allocation
    for state in summary.invoices:
        result.cells += changed_cells(state.invoice, invoice_values(state, allocation))
    if allocation is not None:
        for payment in book.zahlungen:
            result.cells += changed_cells(
                payment, {"zugeordnet": allocation.notes.get(payment.row)})
        replaced = _paid_cells_replaced(book, allocation, result.cells)
        if replaced:
            result.appends.append(RowAppend(schema.PROTOKOLL.table, [protocol_row(
                now, "Bezahlt ersetzt", stichtag=summary.stichtag, details=replaced)]))
    for client in book.kunden:
        number = client["kundennr"]
        if number in summary.open_by_client:
            result.cells += changed_cells(client, {"offener_betrag": summary.open_by_client[number]})
    return result


def _paid_cells_replaced(book, allocation, cells) -> str:
    """The Bezahlt values the Zahlungen table replaces, as they stood, so that typed
    ones are not lost (pruefen warned of them). Values kundenbuch wrote itself (a
    payment's day and the sum paid up to it) grow with each payment and are not
    listed."""
    paid_columns = {}
    for record in book.rechnungen:
        if _written_before(record, allocation):
            continue
        for name in ("bezahlt_am", "bezahlt_betrag"):
            if record[name] is not None and name in record.columns:
                paid_columns[(record.sheet, record.row, record.columns[name])] = (record,
                                                                                  name)
    lines = []
    for write in cells:
        found = paid_columns.get((write.sheet, write.row, write.column))
        if found is not None:
            record, name = found
            header = schema.RECHNUNGEN.column(name).header
            lines.append(f"{record['rechnungsnr']} {header} {format_value(record[name])}")
    return ("Aus den Zahlungen neu geschrieben, vorher: " + "; ".join(lines)) if lines else ""


def _written_before(invoice, allocation) -> bool:
    day, amount = invoice["bezahlt_am"], invoice["bezahlt_betrag"]
    parts = allocation.parts.get(invoice["rechnungsnr"], ())
    if day is None or amount is None or not any(p.day == day for p in parts):
        return day is None and amount is None
    return amount == sum((p.principal + p.interest + p.costs for p in parts if p.day <= day),
                         ZERO)


@dataclass
class ReceivablesResult:
    book: Book
    summary: object
    plan: Plan
    warnings: list[Finding]
    write: WriteResult | None = None
    when: Stichtag | None = None      # the Stichtag used, with its reason


@exclusive()
def run(path: Path, stichtag: date | None, now: datetime, probelauf: bool = False,
        book: Book | None = None, target=None, progress=None) -> ReceivablesResult:
    """Status, aging, interest and the dunning level due, written back unless probelauf."""
    from .. import __version__
    from ..checks.settings import base_rate_current
    book = book or read_book(path, progress=progress)
    when = choose(stichtag, book.settings, now.date())
    stichtag = when.day
    summary = summarize(book, stichtag)
    plan_ = plan(book, summary, now, __version__)
    result = ReceivablesResult(book, summary, plan_, list(base_rate_current(book, stichtag)),
                               when=when)
    if not probelauf:
        result.write = write(book, plan_, now, target, protocol=("Forderungen", stichtag))
    return result
