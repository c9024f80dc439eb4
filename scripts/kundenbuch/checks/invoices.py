"""Invoices: numbering, payments, VAT and § 14 UStG content, payment terms, limitation."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from ..book import schema
from ..rules.amounts import ZERO, euro, invoice_gross, open_amount
from ..rules.receivables import Terms, due_of, limitation_ends
from ..rules.numbering import split_number
from ..rules.small_business import exemption, service_year
from . import at, check
from .findings import FEHLER, HINWEIS, WARNUNG, Finding

SMALL_INVOICE_LIMIT = Decimal("250.00")      # § 33 UStDV
B2B_TERM_DAYS = 60                           # § 271a BGB


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
    if book.zahlungen is not None:       # written from Zahlungen (checks/payments.py)
        return
    for invoice in book.rechnungen:
        total, paid = invoice_gross(invoice), invoice["bezahlt_betrag"]
        if total is not None and paid is not None and paid > total:
            yield at(invoice, "bezahlt_betrag", WARNUNG, f"Bezahlt {euro(paid)} ist mehr als "
                     f"der Bruttobetrag {euro(total)} (Überzahlung erstatten oder "
                     "verrechnen).")


@check
def paid_before_issued(book, stichtag):
    if book.zahlungen is not None:       # written from Zahlungen (checks/payments.py)
        return
    for invoice in book.rechnungen:
        paid, issued = invoice["bezahlt_am"], invoice["rechnungsdatum"]
        if paid and issued and paid < issued:
            yield at(invoice, "bezahlt_am", WARNUNG, f"Bezahlt am {paid:%d.%m.%Y} liegt vor "
                     f"dem Rechnungsdatum {issued:%d.%m.%Y} (Vorkasse? sonst Tippfehler).")


@check
def paid_amount_without_date(book, stichtag):
    if book.zahlungen is not None:       # written from Zahlungen (checks/payments.py)
        return
    for invoice in book.rechnungen:
        if invoice["bezahlt_betrag"] and not invoice["bezahlt_am"]:
            yield at(invoice, "bezahlt_am", WARNUNG,
                     "Bezahlt Betrag ist eingetragen, aber Bezahlt am fehlt.")


@check
def small_business_with_vat(book, stichtag):
    """§ 19 UStG, § 14c UStG: no VAT while the exemption holds, VAT once it ended."""
    exempt = exemption(book.rechnungen, book.settings)
    if not exempt.applies:
        return
    for invoice in book.rechnungen:
        if exempt.contradicts(invoice):
            yield at(invoice, "ust_satz", FEHLER, "Als Kleinunternehmer (§ 19 UStG) darf "
                     "keine Umsatzsteuer ausgewiesen werden; ausgewiesene Steuer wird "
                     "trotzdem geschuldet (§ 14c UStG). USt-Satz 0 eintragen, oder, wenn "
                     "die Regelung nicht mehr gilt, die Einstellung Kleinunternehmer auf "
                     "nein setzen. Diese Rechnung wird so nicht erstellt.")
        elif (exempt.must_show_vat(invoice) and not invoice["ust_satz"]
              and invoice["storniert"] != schema.YES and (invoice["netto"] or ZERO) > ZERO):
            year = service_year(invoice)
            why = (f"der Umsatz {year - 1} lag über 25.000 €"
                   if year in exempt.lost_years else
                   f"mit Rechnung {exempt.crossing[year]['rechnungsnr']} übersteigt der "
                   f"Umsatz {year} 100.000 €")
            yield at(invoice, "ust_satz", WARNUNG, f"Kleinunternehmerregelung gilt hier nicht "
                     f"mehr ({why}, § 19 Abs. 1 UStG): diese Rechnung muss Umsatzsteuer "
                     "ausweisen (USt-Satz 19 oder 7).")


@check
def small_business_thresholds(book, stichtag):
    """At the setting Kleinunternehmer: the limits of § 19 Abs. 1 UStG for this year."""
    exempt = exemption(book.rechnungen, book.settings)
    if not exempt.applies:
        return
    where = book.settings.cells.get("kleinunternehmer", "")
    sheet = schema.EINSTELLUNGEN.sheet
    year = stichtag.year
    before = exempt.previous_year_over(year)
    if before is not None:
        yield Finding(WARNUNG, sheet, where, f"Umsatz {year - 1}: {euro(before)} netto, mehr "
                      f"als 25.000 €. Die Kleinunternehmerregelung gilt {year} nicht mehr "
                      "(§ 19 Abs. 1 UStG): Rechnungen ab 01.01."
                      f"{year} mit Umsatzsteuer stellen, Einstellung auf nein setzen.")
    elif year in exempt.crossing:
        crossing = exempt.crossing[year]
        yield Finding(WARNUNG, sheet, where, f"Mit Rechnung {crossing['rechnungsnr']} "
                      f"übersteigt der Umsatz {year} 100.000 €: ab dieser Rechnung gilt die "
                      "Kleinunternehmerregelung nicht mehr (§ 19 Abs. 1 UStG), sie und "
                      "alle späteren brauchen Umsatzsteuer.")


@check
def invoice_mandatory_content(book, stichtag):
    """§ 14 Abs. 4 UStG; small invoices up to 250 € gross need less (§ 33 UStDV), and a
    Kleinunternehmer invoice only what § 34a UStDV asks: no service date."""
    exempt = exemption(book.rechnungen, book.settings)
    for invoice in book.rechnungen:
        if not invoice["leistung"] and invoice.has_column("leistung"):
            yield at(invoice, "leistung", FEHLER, "Leistung fehlt: Art und Umfang der "
                     "Leistung sind Pflichtangabe (§ 14 Abs. 4 UStG).")
        total = invoice_gross(invoice)
        small = total is not None and total <= SMALL_INVOICE_LIMIT
        exempt_invoice = exempt.applies and not exempt.must_show_vat(invoice)
        if (not invoice["leistungsdatum"] and invoice.has_column("leistungsdatum")
                and not small and not exempt_invoice):
            yield at(invoice, "leistungsdatum", FEHLER, "Leistungsdatum fehlt: Pflicht ab "
                     "250 € brutto (§ 14 Abs. 4 UStG; darunter Kleinbetragsrechnung).")


@check
def long_business_payment_term(book, stichtag):
    """§ 271a BGB: more than 60 days between businesses only when expressly agreed; the
    computed due date counts too (a Zahltag can push it past 60 days)."""
    kinds = {c["kundennr"]: c["kundenart"] for c in book.kunden}
    terms = Terms.from_settings(book.settings)
    for invoice in book.rechnungen:
        issued = invoice["rechnungsdatum"]
        if not issued or kinds.get(invoice["kundennr"]) != "Gewerbe":
            continue
        due = due_of(invoice, terms)
        if due and (due - issued).days > B2B_TERM_DAYS:
            typed = "" if invoice["faellig_am"] else " (berechnet aus Zahlungsziel/Zahltag)"
            yield at(invoice, "faellig_am", WARNUNG, f"Zahlungsziel {(due - issued).days} "
                     f"Tage{typed}: mehr als 60 Tage zwischen Unternehmen gelten nur, wenn "
                     "ausdrücklich vereinbart (§ 271a BGB).")


@check
def due_before_issued(book, stichtag):
    for invoice in book.rechnungen:
        issued, due = invoice["rechnungsdatum"], invoice["faellig_am"]
        if issued and due and due < issued:
            yield at(invoice, "faellig_am", FEHLER, f"Fällig am {due:%d.%m.%Y} liegt vor dem "
                     f"Rechnungsdatum {issued:%d.%m.%Y}.")


@check
def claims_near_limitation(book, stichtag):
    """§§ 195, 199 BGB: three years from the end of the year the claim became due;
    warned through the whole last year, and once barred."""
    terms = Terms.from_settings(book.settings)
    for invoice in book.rechnungen:
        due = due_of(invoice, terms)
        if due is None or open_amount(invoice) <= ZERO:
            continue
        end = limitation_ends(due)
        where = "faellig_am" if invoice.has_column("faellig_am") else "rechnungsdatum"
        if end < stichtag:
            yield at(invoice, where, WARNUNG, f"Die offene Forderung (fällig "
                     f"{due:%d.%m.%Y}) ist seit {end + timedelta(days=1):%d.%m.%Y} verjährt "
                     "(§§ 195, 199 BGB); kundenbuch mahnt sie nicht mehr.")
        elif end.year == stichtag.year:
            yield at(invoice, where, WARNUNG, f"Die offene Forderung (fällig "
                     f"{due:%d.%m.%Y}) verjährt mit Ablauf des {end:%d.%m.%Y} (§§ 195, 199 "
                     "BGB). Nur ein Mahnbescheid oder eine Klage vorher hemmt die "
                     "Verjährung (§ 204 BGB).")
