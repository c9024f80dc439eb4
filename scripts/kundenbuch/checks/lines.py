"""Positionen: every line belongs to a document and can be priced; an invoice's typed
Netto agrees with its lines."""
from __future__ import annotations

from ..book.invoice_lines import line_amount, line_rate, lines_by_document
from ..rules.amounts import euro
from . import at, check
from .findings import FEHLER


@check
def lines_belong_and_add_up(book, stichtag):
    if not book.positionen:
        return
    invoices = {str(i["rechnungsnr"]).strip(): i for i in book.rechnungen
                if i["rechnungsnr"] is not None}
    invoices.update({str(q["angebotsnr"]).strip(): q for q in book.angebote
                     if q["angebotsnr"] is not None and str(q["angebotsnr"]).strip()
                     not in invoices})
    for number, lines in lines_by_document(book.positionen).items():
        invoice = invoices.get(number)
        if invoice is None:
            yield at(lines[0], "belegnr", FEHLER, f"Belegnr {number} steht weder in "
                     "Rechnungen noch in Angebote.")
            continue
        for line in lines:
            if line_amount(line) is None and "einzelpreis" not in line.raw:
                yield at(line, "einzelpreis", FEHLER, f"Einzelpreis fehlt (Position von "
                         f"{number}).")
            if line_rate(line, invoice) is None and "ust_satz" not in line.raw:
                yield at(line, "ust_satz", FEHLER, f"USt-Satz fehlt: weder hier noch in "
                         f"dem Beleg {number} angegeben.")
        total = invoice["positionen_netto"]
        if total is not None and invoice["netto"] is not None and invoice["netto"] != total:
            yield at(invoice, "netto", FEHLER, f"Netto {euro(invoice['netto'])} stimmt "
                     f"nicht mit den Positionen überein ({euro(total)}). Netto leer "
                     "lassen, dann trägt kundenbuch die Summe ein.")
