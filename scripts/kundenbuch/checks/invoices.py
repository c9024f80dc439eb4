"""Invoices: numbering, payments, VAT and § 14 UStG content, payment terms, limitation."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from ..rules.amounts import ZERO, euro, invoice_gross, open_amount
from . import at, check
from .findings import FEHLER, HINWEIS, WARNUNG

SMALL_INVOICE_LIMIT = Decimal("250.00")      # § 33 UStDV
B2B_TERM_DAYS = 60                           # § 271a BGB
LIMITATION_WARN_DAYS = 120                   # warn this long before §§ 195/199 strike


_RUNNING_NUMBER = re.compile(r"(.*?)(\d+)")


def split_number(number: str) -> tuple[str, int] | None:
    """'2025-0042' -> ('2025-', 42): the running number is the trailing digits."""
    match = _RUNNING_NUMBER.fullmatch(str(number).strip())
    if not match:
        return None
    return match.group(1), int(match.group(2))


@check
def invoice_number_sequence(book, stichtag):
    series = {}
    for invoice in book.rechnungen:
        if invoice["rechnungsnr"] is None:
            continue
        parts = split_number(invoice["rechnungsnr"])
        if parts is None:
            yield at(invoice, "rechnungsnr", WARNUNG, f"Rechnungsnr {invoice['rechnungsnr']}"
                     " endet nicht auf eine laufende Nummer.")
            continue
        series.setdefault(parts[0], []).append((parts[1], invoice))
    for prefix, numbered in series.items():
        numbered.sort(key=lambda item: item[0])
        for (previous, _), (current, invoice) in zip(numbered, numbered[1:]):
            if current - previous > 1:
                missing = (f"{prefix}{previous + 1}" if current - previous == 2 else
                           f"{prefix}{previous + 1} bis {prefix}{current - 1}")
                yield at(invoice, "rechnungsnr", WARNUNG, f"Lücke in den Rechnungsnummern: "
                         f"{missing} fehlt. Fehlende Nummern bitte begründen (z. B. Storno "
                         "als eigene Zeile behalten).")
        dated = [(n, i) for n, i in numbered if i["rechnungsdatum"]]
        for (_, before), (_, after) in zip(dated, dated[1:]):
            if after["rechnungsdatum"] < before["rechnungsdatum"]:
                yield at(after, "rechnungsdatum", HINWEIS,
                         f"Rechnung {after['rechnungsnr']} ist älter als die vorherige "
                         f"Nummer {before['rechnungsnr']}; Nummern sollten der Zeit folgen.")


@check
def overpaid(book, stichtag):
    for invoice in book.rechnungen:
        total, paid = invoice_gross(invoice), invoice["bezahlt_betrag"]
        if total is not None and paid is not None and paid > total:
            yield at(invoice, "bezahlt_betrag", WARNUNG, f"Bezahlt {euro(paid)} ist mehr als "
                     f"der Bruttobetrag {euro(total)} (Überzahlung erstatten oder "
                     "verrechnen).")


@check
def paid_before_issued(book, stichtag):
    for invoice in book.rechnungen:
        paid, issued = invoice["bezahlt_am"], invoice["rechnungsdatum"]
        if paid and issued and paid < issued:
            yield at(invoice, "bezahlt_am", WARNUNG, f"Bezahlt am {paid:%d.%m.%Y} liegt vor "
                     f"dem Rechnungsdatum {issued:%d.%m.%Y} (Vorkasse? sonst Tippfehler).")


@check
def paid_amount_without_date(book, stichtag):
    for invoice in book.rechnungen:
        if invoice["bezahlt_betrag"] and not invoice["bezahlt_am"]:
            yield at(invoice, "bezahlt_am", WARNUNG,
                     "Bezahlt Betrag ist eingetragen, aber Bezahlt am fehlt.")


@check
def small_business_with_vat(book, stichtag):
    if book.settings["kleinunternehmer"] != "ja":
        return
    for invoice in book.rechnungen:
        if invoice["ust_satz"]:
            yield at(invoice, "ust_satz", FEHLER, "Als Kleinunternehmer (§ 19 UStG) darf "
                     "keine Umsatzsteuer ausgewiesen werden; ausgewiesene Steuer wird "
                     "trotzdem geschuldet (§ 14c UStG). USt-Satz 0 eintragen.")


@check
def invoice_mandatory_content(book, stichtag):
    """§ 14 Abs. 4 UStG; small invoices up to 250 € gross need less (§ 33 UStDV)."""
    for invoice in book.rechnungen:
        if not invoice["leistung"] and invoice.has_column("leistung"):
            yield at(invoice, "leistung", FEHLER, "Leistung fehlt: Art und Umfang der "
                     "Leistung sind Pflichtangabe (§ 14 Abs. 4 UStG).")
        total = invoice_gross(invoice)
        small = total is not None and total <= SMALL_INVOICE_LIMIT
        if not invoice["leistungsdatum"] and invoice.has_column("leistungsdatum") and not small:
            yield at(invoice, "leistungsdatum", FEHLER, "Leistungsdatum fehlt: Pflicht ab "
                     "250 € brutto (§ 14 Abs. 4 UStG; darunter Kleinbetragsrechnung).")


@check
def long_business_payment_term(book, stichtag):
    kinds = {c["kundennr"]: c["kundenart"] for c in book.kunden}
    for invoice in book.rechnungen:
        issued, due = invoice["rechnungsdatum"], invoice["faellig_am"]
        if (issued and due and kinds.get(invoice["kundennr"]) == "Gewerbe"
                and (due - issued).days > B2B_TERM_DAYS):
            yield at(invoice, "faellig_am", WARNUNG, f"Zahlungsziel {(due - issued).days} "
                     "Tage: mehr als 60 Tage zwischen Unternehmen gelten nur, wenn "
                     "ausdrücklich vereinbart (§ 271a BGB).")


@check
def due_before_issued(book, stichtag):
    for invoice in book.rechnungen:
        issued, due = invoice["rechnungsdatum"], invoice["faellig_am"]
        if issued and due and due < issued:
            yield at(invoice, "faellig_am", FEHLER, f"Fällig am {due:%d.%m.%Y} liegt vor dem "
                     f"Rechnungsdatum {issued:%d.%m.%Y}.")


def limitation_end(invoice) -> date | None:
    """§§ 195, 199 BGB: three years from the end of the year the claim arose."""
    arose = invoice["faellig_am"] or invoice["rechnungsdatum"]
    return date(arose.year + 3, 12, 31) if arose else None


@check
def claims_near_limitation(book, stichtag):
    for invoice in book.rechnungen:
        end = limitation_end(invoice)
        if end is None or open_amount(invoice) <= ZERO:
            continue
        if end < stichtag:
            yield at(invoice, "rechnungsdatum", WARNUNG, f"Die offene Forderung ist seit "
                     f"{end + timedelta(days=1):%d.%m.%Y} verjährt (§§ 195, 199 BGB).")
        elif (end - stichtag).days <= LIMITATION_WARN_DAYS:
            yield at(invoice, "rechnungsdatum", WARNUNG, f"Die offene Forderung verjährt mit "
                     f"Ablauf des {end:%d.%m.%Y}; vorher gerichtlich mahnen "
                     "(Mahnbescheid hemmt die Verjährung).")
