"""Locked invoices must not change (GoBD): corrections are a Storno plus a new invoice."""
from __future__ import annotations

from ..book import schema
from ..book.lock_register import register_path
from ..rules.lock import fingerprint, locks, parse, register_problems, values_text
from . import at, check
from .findings import FEHLER, Finding


@check
def locked_invoice_changed(book, stichtag):
    locked = locks(book.records.get(schema.PROTOKOLL.table, []))
    if not locked:
        return
    by_number = {str(i["rechnungsnr"]): i for i in book.rechnungen if i["rechnungsnr"]}
    for number, row in locked.items():
        invoice = by_number.get(number)
        if invoice is None:
            yield Finding(FEHLER, row.sheet, row.cell("rechnungen"), f"Die festgeschriebene "
                          f"Rechnung {number} fehlt im Blatt Rechnungen.")
            continue
        now = values_text(invoice)
        if fingerprint(now) == row["sha256"]:
            continue
        before, after = parse(row["details"]), parse(now)
        changes = [f"{header}: „{before.get(header, '')}“ → „{value}“"
                   for header, value in after.items() if before.get(header) != value]
        yield at(invoice, "rechnungsnr", FEHLER,
                 f"Rechnung {number} ist festgeschrieben (am {row['zeitpunkt']}) und wurde "
                 f"danach geändert: {'; '.join(changes) or 'Inhalt verändert'}. Bitte "
                 "zurückändern; korrigieren lässt sie sich nur mit einer neuen Zeile mit "
                 f"negativem Netto und „Storno zu“ = {number} (Stornorechnung oder "
                 "Gutschrift), dazu bei Bedarf eine neue Rechnung.")


@check
def lock_register_intact(book, stichtag):
    """Deleting or editing a Festschreibung row would silently unlock an invoice: the
    copy of the register beside the backups (book/lock_register.py) tells."""
    kept = book.lock_register
    if kept is None:
        return
    if kept == {} and locks(book.records.get(schema.PROTOKOLL.table, [])):
        yield Finding(FEHLER, schema.PROTOKOLL.sheet, "", "Die Kopie des "
                      "Festschreibungsregisters in sicherung/ ist beschädigt; ob Zeilen "
                      "der Festschreibung fehlen, lässt sich nicht prüfen.")
        return
    for _number, problem in register_problems(kept, book.records.get(
            schema.PROTOKOLL.table, [])):
        yield Finding(FEHLER, schema.PROTOKOLL.sheet, "", f"{problem}. Bitte die Zeile "
                      "aus der Sicherung in sicherung/ wiederherstellen; festgeschriebene "
                      "Rechnungen bleiben festgeschrieben (GoBD). Wurde eine ältere Fassung "
                      "der ganzen Mappe zurückgeholt, fehlen ihr die Festschreibungen, die "
                      "danach kamen; waren deren Dokumente nie verschickt, kann die Kopie "
                      f"sicherung/{register_path(book.path).name} gelöscht werden.")
