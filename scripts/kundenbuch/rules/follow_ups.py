"""Wiedervorlage: what is to be followed up, in one list. Honesty and kept deadlines
build trust, so nothing promised may slip through.

- a contact with a Wiedervorlage date not marked Erledigt;
- a contact whose Anlass is "Rückruf erbeten", not Erledigt and without a date of its
  own: due as the client's tier promises (Stufen: Rückruf binnen Tagen, counted in
  working days would be kinder, calendar days are what the promise says);
- an open quote that lapses within the look-ahead (an answer is still missing);
- a delivery deadline of a client passed without Erledigt (rules/schedule.py finds
  them; pruefen reports them as a Fehler of their own).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..book import schema
from . import quotes
from .receivables import tier_in_force
from .tiers import tier_rows


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


CALLBACK = "rückruf erbeten"


def callback_days(client, tiers) -> int:
    """The days a client's tier promises for a callback (rules/tiers reads the Stufen
    rows); without a tier the longest any tier promises (the promise nobody may fall
    below)."""
    promised = {row.name: row.callback_days for row in tier_rows(tiers)
                if row.callback_days is not None}
    return promised.get(tier_in_force(client), max(promised.values(), default=2))


def due_day(contact, clients: dict, tiers) -> date | None:
    if contact["wiedervorlage"] is not None:
        return contact["wiedervorlage"]
    if (str(contact["anlass"] or "").strip().casefold() == CALLBACK
            and contact["datum"] is not None):
        return contact["datum"] + timedelta(days=callback_days(
            clients.get(contact["kundennr"]), tiers))
    return None


def follow_ups(contacts, quotes_, stichtag: date, days: int, clients=(),
               tiers=(), missed_deadlines=()) -> list[FollowUp]:
    """Everything due by stichtag + days (overdue ones included), in date order.
    missed_deadlines: the open Lieferfristen before the Stichtag."""
    horizon = stichtag + timedelta(days=days)
    by_number = {c["kundennr"]: c for c in clients}
    items = []
    for contact in contacts:
        day = due_day(contact, by_number, tiers)
        if day is not None and contact["erledigt"] != schema.YES and day <= horizon:
            items.append(FollowUp(day, contact["kundennr"], contact_subject(contact),
                                  contact))
    for quote in quotes_:
        until = quotes.valid_until(quote)
        if until is not None and not quotes.settled(quote) and stichtag <= until <= horizon:
            items.append(FollowUp(until, quote["kundennr"],
                                  f"Angebot {quote['angebotsnr']} läuft ab, noch keine "
                                  "Antwort", quote))
    for deadline in missed_deadlines:
        if deadline["kundennr"]:
            items.append(FollowUp(deadline["datum"], deadline["kundennr"],
                                  f"Lieferfrist verpasst: {deadline['betreff'] or 'Lieferung'}",
                                  deadline))
    return sorted(items, key=lambda f: (f.day, str(f.client)))
