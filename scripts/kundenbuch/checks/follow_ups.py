"""A follow-up date in Kontakte that has passed without Erledigt: a promise slipping."""
from __future__ import annotations

from ..book import schema
from ..rules.follow_ups import contact_subject
from . import at, check
from .findings import WARNUNG


@check
def follow_up_overdue(book, stichtag):
    for contact in book.kontakte:
        day = contact["wiedervorlage"]
        if day is None or contact["erledigt"] == schema.YES or day >= stichtag:
            continue
        yield at(contact, "wiedervorlage", WARNUNG,
                 f"Wiedervorlage vom {day:%d.%m.%Y} für Kunde {contact['kundennr']} "
                 f"({contact_subject(contact)}) ist überfällig: bitte erledigen und "
                 "Erledigt = ja eintragen.")
