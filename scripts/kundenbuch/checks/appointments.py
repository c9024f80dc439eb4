"""Appointments: times, overlaps, free days, trips, missed delivery deadlines."""
from __future__ import annotations

from ..rules.schedule import TAX_KIND, is_free_day
from ..rules.workdays import holiday_place
from . import at, check
from .findings import FEHLER, WARNUNG


@check
def end_before_start(book, stichtag):
    for item in book.termine:
        if item["beginn"] and item["ende"] and item["ende"] < item["beginn"]:
            yield at(item, "ende", FEHLER, f"Ende {item['ende']:%H:%M} liegt vor Beginn "
                     f"{item['beginn']:%H:%M}.")


@check
def overlapping_appointments(book, stichtag):
    timed = sorted((a for a in book.termine if a["datum"] and a["beginn"] and a["ende"]
                    and a["ende"] > a["beginn"]),
                   key=lambda a: (a["datum"], a["beginn"], a.row))
    for earlier, later in zip(timed, timed[1:]):
        if earlier["datum"] == later["datum"] and later["beginn"] < earlier["ende"]:
            yield at(later, "beginn", WARNUNG, f"Überschneidet sich mit dem Termin in Zeile "
                     f"{earlier.row} ({earlier['beginn']:%H:%M}–{earlier['ende']:%H:%M}).")


@check
def appointment_on_free_day(book, stichtag):
    state, local = holiday_place(book.settings)
    for item in book.termine:
        if item["datum"] and item["art"] != TAX_KIND:
            reason = is_free_day(item["datum"], state, local)
            if reason:
                yield at(item, "datum", WARNUNG, f"Termin am {item['datum']:%d.%m.%Y} fällt "
                         f"auf {reason if reason == 'Sonntag' else 'einen Feiertag: ' + reason}.")


@check
def trip_without_km(book, stichtag):
    for item in book.termine:
        if item["art"] == "Fahrt" and not item["km"] and item.has_column("km"):
            yield at(item, "km", WARNUNG, "Fahrt ohne Kilometer: für das Fahrtenbuch bitte "
                     "die gefahrenen Km eintragen.")


@check
def missed_delivery_deadline(book, stichtag):
    for item in book.termine:
        if (item["art"] == "Lieferfrist" and item["erledigt"] != "ja" and item["datum"]
                and item["datum"] < stichtag):
            yield at(item, "datum", FEHLER, f"Lieferfrist vom {item['datum']:%d.%m.%Y} ist "
                     "verstrichen und nicht erledigt: ein Versprechen wurde nicht gehalten. "
                     "Bitte mit dem Kunden sprechen und Erledigt eintragen.")
