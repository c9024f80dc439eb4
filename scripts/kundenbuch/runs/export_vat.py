"""`kundenbuch export ust`: the VAT of one return period, printed and written to the
owned sheet Umsatzsteuer (one safe write). Kleinunternehmer: no VAT, but the turnover
against the limits of § 19 UStG."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ..book import schema
from ..book.reader import Book, read_book
from ..reports.vat_report import HISTORY, report
from ..rules import vat
from ..rules.amounts import ZERO, euro
from ..rules.small_business import (CURRENT_YEAR_LIMIT, PREVIOUS_YEAR_LIMIT, exemption,
                                    turnover_by_year)
from .apply import WriteResult, exclusive, write
from .plan import Plan, RowAppend, protocol_row
from .receivables import paid_parts
from .stichtag import Stichtag, choose


@dataclass
class VatResult:
    book: Book
    period: vat.Period
    basis: str                                   # Soll or Ist
    entries: list = field(default_factory=list)
    lines: list = field(default_factory=list)
    tax: Decimal = ZERO
    history: list = field(default_factory=list)  # (period, net, tax, entries)
    notes: list = field(default_factory=list)    # German
    small_business: dict | None = None           # year -> turnover, for § 19
    plan: Plan | None = None
    write: WriteResult | None = None
    when: Stichtag | None = None


def taxable_invoices(book) -> list:
    """The invoices that owe VAT: all, for a Kleinunternehmer only those beyond the
    limits of § 19 UStG."""
    invoices = [i for i in book.rechnungen if i["rechnungsnr"] is not None]
    exempt = exemption(invoices, book.settings)
    return [i for i in invoices if exempt.must_show_vat(i)] if exempt.applies else invoices


def compute(book, period: vat.Period, history: bool = True) -> VatResult:
    """The VAT of the period; with history the periods before it too (the chart)."""
    basis = book.settings.get("versteuerung") or "Soll"
    result = VatResult(book, period, basis)
    clients = {c["kundennr"]: c for c in book.kunden}
    invoices = taxable_invoices(book)
    parts = paid_parts(book, period.end) if basis == "Ist" else None

    def entries_of(when: vat.Period) -> list:
        if basis == "Ist":
            return vat.ist_entries(invoices, clients, parts, when)
        return vat.soll_entries(invoices, clients, when)
    result.entries = entries_of(period)
    result.lines = vat.lines(result.entries)
    result.tax = vat.tax_due(result.entries)
    for earlier in vat.periods_before(period, HISTORY) if history else ():
        counted = entries_of(earlier)
        result.history.append((earlier, sum((e.net for e in counted), ZERO),
                               vat.tax_due(counted), len(counted)))
    result.notes = notes(book, result)
    return result


def notes(book, result: VatResult) -> list[str]:
    found = []
    if book.settings.get("kleinunternehmer") == schema.YES:
        turnover = turnover_by_year(book.rechnungen)
        this, last = result.period.end.year, result.period.end.year - 1
        result.small_business = {last: turnover.get(last, ZERO),
                                 this: turnover.get(this, ZERO)}
        found.append(f"Kleinunternehmer (§ 19 UStG): keine Umsatzsteuer. Umsatz {last}: "
                     f"{euro(turnover.get(last, ZERO))} (Grenze {euro(PREVIOUS_YEAR_LIMIT)}), "
                     f"{this}: {euro(turnover.get(this, ZERO))} (Grenze "
                     f"{euro(CURRENT_YEAR_LIMIT)}).")
        if result.entries:
            found.append("Rechnungen nach Überschreiten der Grenze sind steuerpflichtig; "
                         "sie stehen oben mit ihrer Kennzahl.")
    for invoice in vat.cancelled_without_row(book.rechnungen, result.period):
        found.append(f"Rechnung {invoice['rechnungsnr']} ist als storniert markiert, ohne "
                     "Stornorechnung: nicht gezählt. War sie schon angemeldet, gehört die "
                     "Korrektur in den Zeitraum der Stornierung (besser: eine Stornozeile "
                     "mit „Storno zu“).")
    if any(line.kennzahl == "48" for line in result.lines):
        found.append("Kz 48: Umsätze mit 0 % an Kunden im Inland; bitte prüfen, ob sie "
                     "wirklich steuerfrei nach § 4 UStG sind.")
    if any(line.kennzahl in ("21", "45") for line in result.lines):
        found.append("Kz 21 und 45: Leistungen an Kunden im Ausland; Kz 21 gehört auch in "
                     "die Zusammenfassende Meldung.")
    if result.basis == "Ist" and book.zahlungen is None:
        found.append("Ist-Versteuerung ohne Blatt Zahlungen: gezählt ist „Bezahlt Betrag“ "
                     "am Tag „Bezahlt am“ (Teilzahlungen davor sind nicht einzeln bekannt).")
    found.append("Vorsteuer (Kz 66) und andere Angaben stehen nicht in diesem Buch; die "
                 "Voranmeldung übermitteln Sie über ELSTER oder Ihr Steuerbüro.")
    return found


def default_period(book, stichtag: date) -> vat.Period:
    rhythm = book.settings.get("voranmeldung") or "vierteljährlich"
    return vat.period_of(stichtag, rhythm)


@exclusive()
def run(path: Path, zeitraum: str | None, now: datetime, stichtag: date | None = None,
        probelauf: bool = False, book: Book | None = None) -> VatResult:
    from .. import __version__
    book = book or read_book(path)
    when = choose(stichtag, book.settings, now.date())
    period = vat.parse_period(zeitraum) if zeitraum else default_period(book, when.day)
    result = compute(book, period)
    result.when = when
    result.plan = Plan(sheets=[report(result, now, __version__)], appends=[RowAppend(
        schema.PROTOKOLL.table, [protocol_row(
            now, "Umsatzsteuer", stichtag=period.end,
            details=f"{period.label} ({result.basis}): Umsatzsteuer {euro(result.tax)}")])])
    if not probelauf:
        result.write = write(book, result.plan, now)
    return result


PeriodError = vat.PeriodError      # for the command line (api.PeriodError)


def due_return(book, stichtag: date) -> VatResult | None:
    """The return period holding the Stichtag, for the month-end's line on the VAT to
    pay on the 10th; None where no return is filed (Kleinunternehmer, Voranmeldung
    keine)."""
    if (book.settings.get("kleinunternehmer") == schema.YES
            or book.settings.get("voranmeldung") == "keine"):
        return None
    return compute(book, default_period(book, stichtag), history=False)
