"""Rules of the Zahlungen table: every payment must lead to a client and to invoices the
book has, and what kundenbuch writes from it must not silently replace typed values."""
from __future__ import annotations

from decimal import Decimal

from ..book import schema
from ..rules.amounts import ZERO, euro
from ..rules.applied import last_paid_on
from ..rules.payments import allocation_of, invoice_numbers
from . import at, check
from .findings import FEHLER, HINWEIS, WARNUNG


@check
def unknown_invoices(book, stichtag):
    if not book.zahlungen:
        return
    known = {str(i["rechnungsnr"]) for i in book.rechnungen if i["rechnungsnr"]}
    owner = {str(i["rechnungsnr"]): i["kundennr"] for i in book.rechnungen}
    for payment in book.zahlungen:
        for number in invoice_numbers(payment["rechnungsnr"]):
            if number not in known:
                yield at(payment, "rechnungsnr", FEHLER, f"Rechnung {number} gibt es in "
                         "Rechnungen nicht; die Zahlung wird ohne sie angerechnet.")
            elif payment["kundennr"] and owner[number] != payment["kundennr"]:
                yield at(payment, "rechnungsnr", WARNUNG, f"Rechnung {number} gehört "
                         f"{owner[number]}, nicht {payment['kundennr']}; angerechnet wird "
                         "sie trotzdem (Kundennr prüfen).")


@check
def payments_applied(book, stichtag):
    """Payments no client is found for, credits left over, and typed Bezahlt values
    that the Zahlungen table replaces."""
    if not book.zahlungen and not _typed_paid(book):
        return
    allocation = allocation_of(book)
    for payment in allocation.held:
        yield at(payment, "rechnungsnr", WARNUNG, f"Zahlung über {euro(payment['betrag'])} "
                 "wartet: die genannte Rechnung ist unvollständig (Rechnungsdatum, Netto "
                 "oder USt-Satz fehlt); angerechnet wird sie, sobald die Zeile vollständig "
                 "ist.")
    for payment in allocation.unassigned:
        yield at(payment, "kundennr", WARNUNG, f"Zahlung über {euro(payment['betrag'])} "
                 f"vom {payment['datum']:%d.%m.%Y}: kein Kunde gefunden; bitte Kundennr "
                 "oder Rechnungsnr eintragen.")
    for client, credit in sorted(allocation.credits_at(stichtag).items()):
        record = next((c for c in book.kunden if c["kundennr"] == client), None)
        if record is not None:
            yield at(record, "kundennr", HINWEIS, f"Guthaben {euro(credit)} aus "
                     "Überzahlung: wird mit der nächsten Rechnung verrechnet oder ist zu "
                     "erstatten.")
    for invoice in book.rechnungen:
        typed = invoice["bezahlt_betrag"]
        written = allocation.received(invoice["rechnungsnr"]) or None
        if typed is not None and Decimal(typed) != (written or ZERO):
            yield at(invoice, "bezahlt_betrag", WARNUNG, _replaced(typed, written))
        parts = allocation.parts.get(invoice["rechnungsnr"], ())
        day = last_paid_on(parts) if written else None
        if invoice["bezahlt_am"] is not None and invoice["bezahlt_am"] != day:
            yield at(invoice, "bezahlt_am", WARNUNG,
                     f"Bezahlt am {invoice['bezahlt_am']:%d.%m.%Y} steht in keiner Zahlung; "
                     + _WHERE)


_WHERE = ("diese Spalte schreibt kundenbuch aus der Tabelle Zahlungen. Eine Zahlung bitte "
          "dort als Zeile eintragen (der alte Wert steht nach dem Lauf im Protokoll).")


def _replaced(typed, written) -> str:
    now = euro(written) if written else "nichts"
    return f"Bezahlt Betrag {euro(typed)}, laut Zahlungen {now}: " + _WHERE


def _typed_paid(book) -> bool:
    return book.zahlungen is not None and any(i["bezahlt_betrag"] or i["bezahlt_am"]
                                              for i in book.rechnungen)
