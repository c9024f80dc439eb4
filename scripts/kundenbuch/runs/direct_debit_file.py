"""`kundenbuch lastschrift [PFAD] [--faellig JJJJ-MM-TT]`: one SEPA direct debit file
(pain.008.001.08) for every open invoice of a client with a mandate whose collection is
due, for upload to the bank. The file goes to lastschriften/ beside the book; the
Protokoll lists it with its invoices and collection day, and from then on those invoices
count as "Einzug angewiesen" (no reminder) until paid or returned. A second run orders
none of them again."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from stdnum.eu import at_02
from stdnum.exceptions import ValidationError

from ..bank.sepa_debit import pain008
from ..book import schema
from ..book.reader import Book, read_book
from ..rules.direct_debit import ORDERED, collections_due
from .apply import WriteResult, exclusive, write
from .plan import Plan, RowAppend, protocol_row
from .receivables import summarize
from .stichtag import choose

FOLDER = "lastschriften"
AHEAD_DAYS = 14


class DebitRefused(Exception):
    """A German reason why no file was made."""


@dataclass
class DebitResult:
    book: Book
    plan: Plan
    orders: list = field(default_factory=list)
    file: Path | None = None
    write: WriteResult | None = None
    until: date | None = None


def _creditor(settings) -> dict:
    creditor_id = str(settings.get("glaeubiger_id") or "").replace(" ", "").upper()
    where = settings.cells.get("glaeubiger_id", "")
    if not creditor_id:
        raise DebitRefused("Die Einstellung Gläubiger-ID fehlt; ohne sie nimmt keine Bank "
                           "eine Lastschrift an (die Bundesbank vergibt sie kostenlos).")
    try:
        at_02.validate(creditor_id)
    except ValidationError:
        raise DebitRefused(f"Gläubiger-ID „{creditor_id}“ (Einstellungen {where}) ist "
                           "ungültig (Form DE98ZZZ09999999999, Prüfziffer).") from None
    if not settings.get("iban") or not settings.get("firma"):
        raise DebitRefused("Für die Lastschriftdatei fehlen in den Einstellungen Firma "
                           "oder IBAN (das Konto, auf das eingezogen wird).")
    return {"name": str(settings.get("firma")), "creditor_id": creditor_id,
            "iban": str(settings.get("iban")).replace(" ", "").upper(),
            "bic": str(settings.get("bic") or "").replace(" ", "").upper()}


def _debited_before(book) -> set:
    """Kundennr whose mandate was used before: a Lastschrift payment or an ordered file."""
    clients = {p["kundennr"] for p in book.zahlungen or ()
               if p["art"] == "Lastschrift" and p["kundennr"]}
    owners = {str(i["rechnungsnr"]): i["kundennr"] for i in book.rechnungen}
    for row in book.records.get(schema.PROTOKOLL.table, []):
        if row["art"] == ORDERED:
            clients |= {owners.get(n.strip()) for n in str(row["rechnungen"] or "").split(",")}
    return clients - {None}


@exclusive()
def run(path: Path, now: datetime, faellig: date | None = None, probelauf: bool = False,
        book: Book | None = None, progress=None) -> DebitResult:
    from .. import __version__
    book = book or read_book(path, progress=progress)
    creditor = _creditor(book.settings)
    # banks take CORE files up to about two weeks ahead of their collection day
    until = faellig or now.date() + timedelta(days=AHEAD_DAYS)
    stichtag = choose(None, book.settings, now.date()).day
    summary = summarize(book, max(stichtag, now.date()))
    parts = summary.allocation.parts if summary.allocation is not None else {}
    orders = collections_due(summary.invoices, book.settings,
                             book.records.get(schema.PROTOKOLL.table, []), parts,
                             _debited_before(book), until, now.date())
    result = DebitResult(book, Plan(), orders, until=until)
    if not orders:
        return result
    data = pain008(orders, creditor)
    folder = Path(book.path).resolve().parent / FOLDER
    name = f"Lastschrift_{now:%Y-%m-%d_%H%M%S}.xml"
    result.file = folder / name
    days = sorted({o.collection_day for o in orders})
    total = sum((o.amount_cents for o in orders), 0)
    for day in days:
        numbers = [o.number for o in orders if o.collection_day == day]
        result.plan.appends.append(RowAppend(schema.PROTOKOLL.table, [protocol_row(
            now, ORDERED, stichtag=day, kundennr=", ".join(sorted(
                {o.client_number for o in orders if o.collection_day == day})),
            rechnungen=", ".join(numbers), datei=f"{FOLDER}/{name}",
            sha256=hashlib.sha256(data).hexdigest(),
            details=f"{len(numbers)} Einzüge am {day:%d.%m.%Y}, Datei zusammen "
                    f"{total / 100:.2f} €".replace(".", ",")
                    + f", pain.008.001.08, kundenbuch {__version__}")]))
    if probelauf:
        return result
    folder.mkdir(exist_ok=True)
    partial = folder / f".{name}.tmp"
    partial.write_bytes(data)
    try:
        result.write = write(book, result.plan, now)
    except BaseException:
        partial.unlink(missing_ok=True)        # no file without its Protokoll row
        raise
    os.replace(partial, result.file)
    return result
