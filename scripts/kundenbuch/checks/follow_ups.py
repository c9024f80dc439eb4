"""A follow-up date in Kontakte, or a callback the tier promised, that has passed without
Erledigt: a promise slipping."""
from __future__ import annotations

from ..book import schema
from ..rules.follow_ups import contact_subject, due_day
from . import at, check
from .findings import WARNUNG


@check
def follow_up_overdue(book, stichtag):
    clients = {c["kundennr"]: c for c in book.kunden}
    for contact in book.kontakte:
        day = due_day(contact, clients, book.stufen)
        if day is None or contact["erledigt"] == schema.YES or day >= stichtag:
            continue
        what = ("Wiedervorlage" if contact["wiedervorlage"] is not None
                else "Versprochener Rückruf")
        yield at(contact, "wiedervorlage" if contact["wiedervorlage"] else "datum", WARNUNG,
                 f"{what} vom {day:%d.%m.%Y} für Kunde {contact['kundennr']} "
                 f"({contact_subject(contact)}) ist überfällig: bitte erledigen und "
                 "Erledigt = ja eintragen.")
