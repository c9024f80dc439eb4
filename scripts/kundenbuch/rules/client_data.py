"""Everything the book holds about one client: the rows of every table that name them
(Art. 15 DSGVO asks for all of it), and the documents the Protokoll lists for them."""
from __future__ import annotations

from ..book import schema
from .payments import invoice_numbers

# the tables with a Kundennr column, in the order the contract lists them
BY_CLIENT = (schema.KUNDEN, schema.RECHNUNGEN, schema.ABOS, schema.ANGEBOTE,
             schema.ZAHLUNGEN, schema.KONTAKTE, schema.TERMINE, schema.PROTOKOLL)
# how long kept records must stay (fachregeln.md: invoices 8, books 10, business
# letters 6 years, from the end of the year they were made); rules/erasure keeps them
INVOICE_YEARS, BOOKS_YEARS, LETTER_YEARS = 8, 10, 6
RETENTION = (("Rechnungen, Stornorechnungen, Gutschriften", INVOICE_YEARS),
             ("Buchungsbelege (Zahlungen, Protokoll)", BOOKS_YEARS),
             ("Geschäftsbriefe (Mahnungen, Angebote)", LETTER_YEARS))


def rows_of(book, number: str) -> dict:
    """Table -> its rows about the client (Positionen: the lines of their invoices and
    quotes; Zahlungen: their payments, also those naming one of their invoices)."""
    number = str(number).strip()
    found = {}
    for spec in BY_CLIENT:
        rows = [r for r in book.records.get(spec.table, [])
                if str(r["kundennr"] or "").strip() == number]
        found[spec.table] = rows
    documents = ({str(i["rechnungsnr"]) for i in found[schema.RECHNUNGEN.table]}
                 | {str(q["angebotsnr"]) for q in found[schema.ANGEBOTE.table]})
    found[schema.POSITIONEN.table] = [line for line in book.positionen
                                      if str(line["belegnr"]) in documents]
    named = [p for p in book.zahlungen or ()
             if p not in found[schema.ZAHLUNGEN.table]
             and set(invoice_numbers(p["rechnungsnr"])) & documents]
    found[schema.ZAHLUNGEN.table] += named
    return found


def documents_of(protocol, number: str) -> list[str]:
    """The files the Protokoll lists for the client (letters, invoices, e-invoices)."""
    number = str(number).strip()
    return [row["datei"] for row in protocol
            if row["datei"] and str(row["kundennr"] or "").strip() == number]
