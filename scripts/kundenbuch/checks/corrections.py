"""Cancellations and credit notes (Storno zu): they name an invoice that exists, of the
same client, credit no more than it was, and a locked invoice is corrected only so."""
from __future__ import annotations

from ..book import schema
from ..rules.amounts import ZERO, euro
from ..rules.corrections import corrections_by_original
from ..rules.lock import locks
from . import at, check
from .findings import FEHLER, WARNUNG


@check
def corrections_fit_their_invoice(book, stichtag):
    invoices = {str(i["rechnungsnr"]).strip(): i for i in book.rechnungen
                if i["rechnungsnr"] is not None}
    for row in book.rechnungen:
        target = row["storno_zu"]
        if target is None:
            continue
        target = str(target).strip()
        original = invoices.get(target)
        if original is None:
            yield at(row, "storno_zu", FEHLER, f"Storno zu: die Rechnung {target} gibt es "
                     "im Blatt Rechnungen nicht.")
            continue
        if original is row or original["storno_zu"] is not None:
            yield at(row, "storno_zu", FEHLER, f"Storno zu: {target} ist selbst eine "
                     "Korrektur; bitte die ursprüngliche Rechnung nennen.")
            continue
        if row["netto"] is not None and row["netto"] >= ZERO:
            yield at(row, "netto", FEHLER, "Eine Storno- oder Gutschriftzeile braucht einen "
                     f"negativen Nettobetrag (sie korrigiert Rechnung {target}).")
        if row["kundennr"] != original["kundennr"]:
            yield at(row, "kundennr", FEHLER, f"Die Korrektur gehört zu Kunde "
                     f"{row['kundennr']}, die Rechnung {target} zu {original['kundennr']}.")
        if (row["rechnungsdatum"] and original["rechnungsdatum"]
                and row["rechnungsdatum"] < original["rechnungsdatum"]):
            yield at(row, "rechnungsdatum", WARNUNG, f"Die Korrektur ist älter als die "
                     f"Rechnung {target}, die sie korrigiert.")
    for number, made in corrections_by_original(book.rechnungen).items():
        original = invoices.get(number)
        if original is None or original["netto"] is None:
            continue
        credited = sum((c.net for c in made), ZERO)
        if credited > original["netto"]:
            last = next(i for i in book.rechnungen
                        if str(i["rechnungsnr"]) == made[-1].number)
            yield at(last, "netto", FEHLER, f"Die Korrekturen zu Rechnung {number} "
                     f"schreiben {euro(credited)} netto gut, die Rechnung war nur "
                     f"{euro(original['netto'])}.")


@check
def locked_invoice_not_cancelled_in_place(book, stichtag):
    """Storniert = ja on an issued (locked) invoice changes it in place; GoBD wants a
    correction document that refers to it."""
    locked = locks(book.records.get(schema.PROTOKOLL.table, []))
    if not locked:
        return
    corrected = set(corrections_by_original(book.rechnungen))
    for invoice in book.rechnungen:
        number = str(invoice["rechnungsnr"]).strip() if invoice["rechnungsnr"] else None
        if (invoice["storniert"] == schema.YES and number in locked
                and number not in corrected):
            yield at(invoice, "storniert", FEHLER, f"Rechnung {number} ist schon erstellt "
                     "(festgeschrieben) und lässt sich nicht mehr mit Storniert = ja "
                     "aufheben. Bitte eine neue Zeile mit negativem Netto und „Storno zu“ "
                     f"= {number} anlegen; kundenbuch erstellt daraus die Stornorechnung.")
