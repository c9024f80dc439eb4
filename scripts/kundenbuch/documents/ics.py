"""Export appointments and deadlines as an iCalendar file (RFC 5545, icalendar package).

UIDs are derived from date, kind, client and subject, so exporting the same workbook
again and importing it updates the events instead of duplicating them. (Changing the
date or subject of an appointment makes it a new event.)
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..book.records import display_name
from ..rules.schedule import TAX_KIND, tax_deadlines

BERLIN = ZoneInfo("Europe/Berlin")


def uid(*parts) -> str:
    digest = hashlib.sha256("|".join(str(p or "") for p in parts).encode()).hexdigest()
    return f"{digest[:24]}@kundenbuch"


def calendar(appointments, clients, settings, stichtag, generated_at: datetime,
             follow_ups=()) -> bytes:
    """follow_ups: the Wiedervorlagen (rules/follow_ups.py), as all-day events."""
    names = {c["kundennr"]: display_name(c) for c in clients}
    cal = Calendar()
    cal.add("prodid", "-//kundenbuch//Kalender//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "kundenbuch")
    cal.add("x-wr-timezone", "Europe/Berlin")
    stamp = generated_at.replace(tzinfo=BERLIN)
    listed = set()
    for item in appointments:
        if not item["datum"]:
            continue
        event = Event()
        event.add("uid", uid(item["datum"], item["art"], item["kundennr"], item["betreff"]))
        event.add("dtstamp", stamp)
        who = names.get(item["kundennr"])
        event.add("summary", " – ".join(p for p in (item["art"], item["betreff"], who) if p))
        if item["beginn"]:
            start = datetime.combine(item["datum"], item["beginn"], BERLIN)
            end = (datetime.combine(item["datum"], item["ende"], BERLIN)
                   if item["ende"] and item["ende"] > item["beginn"]
                   else start + timedelta(hours=1))
            event.add("dtstart", start)
            event.add("dtend", end)
        else:                                     # deadlines and all-day items
            event.add("dtstart", item["datum"])
            event.add("dtend", item["datum"] + timedelta(days=1))
        if item["ort"]:
            event.add("location", item["ort"])
        notes = [n for n in (item["notiz"], f"Kundennr {item['kundennr']}"
                             if item["kundennr"] else None) if n]
        if notes:
            event.add("description", "\n".join(notes))
        event.add("categories", [item["art"] or "Termin"])
        event.add("status", "CONFIRMED")
        if item["art"] == TAX_KIND:
            listed.add((item["datum"], item["betreff"]))
        cal.add_component(event)
    for deadline in tax_deadlines(stichtag.year, settings):
        if (deadline.day, deadline.title) in listed:
            continue                              # already a row in Termine
        event = Event()
        event.add("uid", uid(deadline.day, TAX_KIND, None, deadline.title))
        event.add("dtstamp", stamp)
        event.add("summary", f"{TAX_KIND} – {deadline.title}")
        event.add("dtstart", deadline.day)
        event.add("dtend", deadline.day + timedelta(days=1))
        if deadline.note:
            event.add("description", deadline.note)
        event.add("categories", [TAX_KIND])
        cal.add_component(event)
    for item in follow_ups:
        event = Event()
        event.add("uid", uid(item.day, "Wiedervorlage", item.client, item.what))
        event.add("dtstamp", stamp)
        who = names.get(item.client)
        event.add("summary", " – ".join(p for p in ("Wiedervorlage", item.what, who) if p))
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("categories", ["Wiedervorlage"])
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
