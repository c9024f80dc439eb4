"""Wiedervorlage: what is to be followed up, in one list. Honesty and kept deadlines
build trust, so nothing promised may slip through.

- a contact with a Wiedervorlage date not marked Erledigt;
- an open quote that lapses within the look-ahead (an answer is still missing).
Missed delivery deadlines and open callbacks have their own lists (rules/schedule.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..book import schema
from . import quotes


@dataclass(frozen=True)
class FollowUp:
    day: date
    client: object            # Kundennr
    what: str                 # German
    record: object            # the row it comes from (for the link and the check)

    def overdue(self, stichtag: date) -> bool:
        return self.day < stichtag


def contact_subject(contact) -> str:
    parts = [contact["anlass"], contact["notiz"]]
    return ": ".join(str(p) for p in parts if p) or str(contact["kanal"] or "Kontakt")


def follow_ups(contacts, quotes_, stichtag: date, days: int) -> list[FollowUp]:
    """Everything due by stichtag + days (overdue ones included), in date order."""
    horizon = stichtag + timedelta(days=days)
    items = [FollowUp(c["wiedervorlage"], c["kundennr"], contact_subject(c), c)
             for c in contacts
             if c["wiedervorlage"] is not None and c["erledigt"] != schema.YES
             and c["wiedervorlage"] <= horizon]
    for quote in quotes_:
        until = quotes.valid_until(quote)
        if until is not None and not quotes.settled(quote) and stichtag <= until <= horizon:
            items.append(FollowUp(until, quote["kundennr"],
                                  f"Angebot {quote['angebotsnr']} läuft ab, noch keine "
                                  "Antwort", quote))
    return sorted(items, key=lambda f: (f.day, str(f.client)))
