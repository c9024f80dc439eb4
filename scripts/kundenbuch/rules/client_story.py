"""A client's whole story for their file (kundenbuch akte): what happened, in time
order, from every table that names them. Internal: it names the tier."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..book import schema
from .amounts import euro


@dataclass(frozen=True)
class Event:
    day: date
    kind: str          # Rechnung, Zahlung, Termin, Kontakt, Brief, Angebot
    text: str


def story(rows: dict) -> list[Event]:
    """rows: rules/client_data.rows_of; the events in date order, oldest first."""
    events = []
    for invoice in rows.get(schema.RECHNUNGEN.table, []):
        if invoice["rechnungsdatum"]:
            what = "Storno/Gutschrift" if invoice["storno_zu"] else "Rechnung"
            events.append(Event(invoice["rechnungsdatum"], what,
                                f"{invoice['rechnungsnr']} {invoice['leistung'] or ''} "
                                f"({euro(invoice['netto']) if invoice['netto'] is not None else '?'}"
                                " netto)"))
    for payment in rows.get(schema.ZAHLUNGEN.table, []):
        if payment["datum"] and payment["betrag"] is not None:
            events.append(Event(payment["datum"], "Zahlung",
                                f"{euro(payment['betrag'])} {payment['art'] or ''} "
                                f"{payment['rechnungsnr'] or ''}".strip()))
    for quote in rows.get(schema.ANGEBOTE.table, []):
        if quote["angebotsdatum"]:
            events.append(Event(quote["angebotsdatum"], "Angebot",
                                f"{quote['angebotsnr']} {quote['leistung'] or ''} "
                                f"({quote['status'] or 'offen'})"))
    for item in rows.get(schema.TERMINE.table, []):
        if item["datum"]:
            done = " (erledigt)" if item["erledigt"] == schema.YES else ""
            events.append(Event(item["datum"], "Termin",
                                f"{item['art'] or ''}: {item['betreff'] or ''}{done}"))
    files = [row for row in rows.get(schema.PROTOKOLL.table, [])
             if row["datei"] and row["stichtag"]]
    made = {str(row["datei"]) for row in files}
    for contact in rows.get(schema.KONTAKTE.table, []):
        if contact["datum"] and str(contact["notiz"]) not in made:   # letters: below
            events.append(Event(contact["datum"], "Kontakt",
                                f"{contact['kanal'] or ''} {contact['anlass'] or ''}: "
                                f"{contact['notiz'] or ''}".strip(" :")))
    # one event per document, its formats (.docx, .pdf, .eml, .xml) together
    documents: dict = {}
    for row in files:
        stem, _, suffix = str(row["datei"]).rpartition(".")
        key = (row["stichtag"], row["art"], stem)
        documents.setdefault(key, []).append(suffix)
    for (day, kind, stem), suffixes in documents.items():
        events.append(Event(day, "Brief", f"{kind}: {stem.rsplit('/', 1)[-1]} "
                                          f"({', '.join(sorted(suffixes))})"))
    return sorted(events, key=lambda e: (e.day, e.kind))
