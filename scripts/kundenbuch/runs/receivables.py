"""The receivables run (`kundenbuch forderungen`): status, aging, interest and the
dunning level due as of a Stichtag, and what to write back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..book import schema
from ..book.reader import Book, read_book
from ..book.records import Record
from ..checks.findings import Finding
from ..reports.open_items import report
from ..rules.letters import invoice_documents
from ..rules.receivables import CANCELLED, LEVEL_NAMES, PAID, Summary, Terms, compute
from .stichtag import Stichtag, choose
from .apply import WriteResult, exclusive, write
from .plan import Plan, changed_cells

DUNNING_KINDS = set(LEVEL_NAMES.values()) - {LEVEL_NAMES[0]}


def first_reminders(protocol) -> dict:
    """Rechnungsnr -> date of its first reminder or dunning letter, from the Protokoll."""
    found = {}
    for row in protocol:
        if row["art"] not in DUNNING_KINDS:
            continue
        day = row["stichtag"] or _date_of(row["zeitpunkt"])
        for number in str(row["rechnungen"] or "").split(","):
            number = number.strip()
            if number and day and (number not in found or day < found[number]):
                found[number] = day
    return found


def _date_of(timestamp) -> date | None:
    try:
        return datetime.strptime(str(timestamp)[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


def computable(invoice) -> bool:
    """Invoices missing what the computation needs are left alone (pruefen names them)."""
    return (invoice["rechnungsnr"] is not None and invoice["rechnungsdatum"] is not None
            and invoice["netto"] is not None)


def summarize(book, stichtag: date, invoices=None) -> Summary:
    protocol = book.records.get(schema.PROTOKOLL.table, [])
    invoices = book.rechnungen if invoices is None else invoices
    return compute([i for i in invoices if computable(i)], book.kunden, book.stufen,
                   book.base_rates, Terms.from_settings(book.settings), stichtag,
                   first_reminders(protocol), invoice_documents(protocol))


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


def invoice_values(state) -> dict:
    """The "out" values of one Rechnungen row."""
    done = state.status in (PAID, CANCELLED)
    values = {"brutto": state.gross, "status": state.status,
              "tage_ueberfaellig": None if done else state.days_overdue,
              "verzugszinsen": None if done else state.interest}
    if state.due_is_computed and not state.invoice.holds("faellig_am"):
        values["faellig_am"] = state.due       # filled when empty, and only then
    return values


def plan(book, summary: Summary, now: datetime, version: str) -> Plan:
    result = Plan(sheets=[report(summary, now, version)])
    for state in summary.invoices:
        result.cells += changed_cells(state.invoice, invoice_values(state))
    for client in book.kunden:
        number = client["kundennr"]
        if number in summary.open_by_client:
            result.cells += changed_cells(client, {"offener_betrag": summary.open_by_client[number]})
    return result


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
