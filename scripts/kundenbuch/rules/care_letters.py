"""Letters of care beyond money: greetings on occasions, the after-sales question how
it went, and thanks to a client who referred another. Pure.

Each goes once: the Protokoll row of a letter made carries its occasion in Details
(OCCASION_KEYS), and a later run finds it there. Each needs what the client allowed
(rules/consent.py); a withdrawal stops all three.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from ..book import schema
from .consent import allows_advertising, allows_greetings
from .letters import PROTOCOL_KIND, Letter, _base, file_name
from .receivables import LATE_DAMAGES, PAID

ANNIVERSARY_YEARS = (1, 5, 10)      # then every 5 years
AFTER_SALES_WITHIN_DAYS = 60        # a delivery or payment older than this is not asked
ANSWER_WITHIN_DAYS = 14             # the Wiedervorlage for the answer to a question
REFERRAL_WITHIN_DAYS = 90           # a client this new triggers the referrer's thanks


def sent_before(protocol, kind: str) -> set:
    """(Kundennr, occasion) of the letters of this kind the Protokoll lists (Details:
    the occasions, separated by ";")."""
    name = PROTOCOL_KIND[kind]
    return {(row["kundennr"], key.strip()) for row in protocol if row["art"] == name
            for key in str(row["details"] or "").split(";")}


def _on(year: int, month: int, day: int) -> date:
    """The day in that year; 29 February in another year is the 28th."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def greeting_window(stichtag: date, letter_date: date) -> tuple[date, date]:
    """Occasions greeted by a run: from the letter's date to the end of the month after
    the Stichtag's month ("in the month before"); a run at the end of November greets
    December's occasions, and a late run never congratulates after the day."""
    year, month = (stichtag.year + 1, 1) if stichtag.month == 12 else (
        stichtag.year, stichtag.month + 1)
    return letter_date, _on(year, month, 31)


def occasions(client, start: date, end: date) -> list[tuple[date, str, str, int | None]]:
    """(day, occasion for the letter, key for the Protokoll, years as a client for an
    anniversary) within [start, end]."""
    found = []
    for year in range(start.year, end.year + 1):
        born = client["geburtstag"]
        if isinstance(born, date):
            day = _on(year, born.month, born.day)
            if start <= day <= end:
                found.append((day, "Geburtstag", f"Geburtstag {day:%Y-%m-%d}", None))
        since = client["kunde_seit"]
        if isinstance(since, date):
            years = year - since.year
            day = _on(year, since.month, since.day)
            if (years in ANNIVERSARY_YEARS or (years > 10 and years % 5 == 0)) and (
                    start <= day <= end):
                found.append((day, "Jubiläum",
                              f"Kunde seit {years} Jahren {day:%Y-%m-%d}", years))
    return sorted(found)


def greeting_letters(clients, protocol, settings, stichtag: date, letter_date: date,
                     skip_rows=frozenset()) -> list[Letter]:
    """A greeting before a birthday or a client anniversary, with consent, each once."""
    sent = sent_before(protocol, "gruss")
    start, end = greeting_window(stichtag, letter_date)
    letters = []
    for client in clients:
        if ((client.sheet, client.row) in skip_rows or not client["kundennr"]
                or client["phase"] == "Inaktiv" or not allows_greetings(client, letter_date)):
            continue
        for day, occasion, key, years in occasions(client, start, end):
            if (client["kundennr"], key) in sent:
                continue
            context = {**_base(settings, client, letter_date,
                               "Herzlichen Glückwunsch" if years is None else "Danke für "
                               f"{years} {'Jahr' if years == 1 else 'Jahre'}"),
                       "anlass": occasion, "tag": day, "jahre": years}
            letters.append(Letter("gruss", client, context,
                                  file_name(letter_date, "Gruss", client),
                                  protocol_details=key))
            break                               # one greeting a run is enough
    return letters


def after_sales_triggers(appointments, quotes, states, paid_dates: dict,
                         stichtag: date) -> dict:
    """Kundennr -> (day, what, key) of the latest finished piece of work in the last
    AFTER_SALES_WITHIN_DAYS: a delivery deadline marked done (Termine Art Lieferfrist,
    Erledigt ja), or a project whose invoices from an accepted quote are all paid.
    states: the receivables' invoice states; paid_dates: Rechnungsnr -> last payment."""
    since = stichtag - timedelta(days=AFTER_SALES_WITHIN_DAYS)
    found = {}

    def offer(number, day, what, key):
        if number and since < day <= stichtag and (
                number not in found or day > found[number][0]):
            found[number] = (day, what, key)
    for appointment in appointments:
        if (appointment["art"] == "Lieferfrist" and appointment["erledigt"] == schema.YES
                and isinstance(appointment["datum"], date)):
            what = appointment["betreff"] or "Lieferung"
            offer(appointment["kundennr"], appointment["datum"], what,
                  f"Lieferfrist {appointment['datum']:%Y-%m-%d} {what}")
    state_of = {str(s.number): s for s in states}
    for quote in quotes:
        numbers = [n.strip() for n in str(quote["rechnungsnr"] or "").split(",") if n.strip()]
        project = [state_of[n] for n in numbers if n in state_of]
        if (not project or quote["status"] != "angenommen"
                or any(s.status not in (PAID, LATE_DAMAGES) for s in project)):
            continue
        paid = [paid_dates.get(str(s.number)) for s in project]
        if all(isinstance(day, date) for day in paid):
            offer(quote["kundennr"], max(paid), quote["leistung"] or f"Angebot "
                  f"{quote['angebotsnr']}", f"Angebot {quote['angebotsnr']}")
    return found


def satisfaction_letters(clients, triggers: dict, protocol, settings, stichtag: date,
                         letter_date: date, skip_rows=frozenset(),
                         thanked_now=frozenset()) -> list[Letter]:
    """One short question how it went, once per finished piece of work; its answer is
    awaited as a Wiedervorlage in Kontakte. Not beside this run's thank-you letter (it
    asks the same); next run then, while the work is recent."""
    sent = sent_before(protocol, "zufriedenheit")
    letters = []
    for client in clients:
        number = client["kundennr"]
        if (number not in triggers or (client.sheet, client.row) in skip_rows
                or number in thanked_now or not allows_advertising(client, letter_date)):
            continue
        day, what, key = triggers[number]
        if (number, key) in sent:
            continue
        context = {**_base(settings, client, letter_date, "Wie ist es gelaufen?"),
                   "leistung": what, "tag": day}
        letters.append(Letter("zufriedenheit", client, context,
                              file_name(letter_date, "Zufriedenheit", client),
                              protocol_details=key,
                              follow_up=letter_date + timedelta(days=ANSWER_WITHIN_DAYS)))
    return letters


def referral_thanks(clients, protocol, settings, stichtag: date, letter_date: date,
                    skip_rows=frozenset()) -> list[Letter]:
    """Thanks to the referrer of a new client (Empfohlen von, Kunde seit in the last
    REFERRAL_WITHIN_DAYS), once per referred client. The letter does not name the new
    client: whom the referrer sent is theirs to know, that they signed is not."""
    sent = sent_before(protocol, "empfehlungsdank")
    by_number = {c["kundennr"]: c for c in clients if c["kundennr"]}
    since = stichtag - timedelta(days=REFERRAL_WITHIN_DAYS)
    new = {}
    for client in clients:
        referrer = client["empfohlen_von"]
        started = client["kunde_seit"]
        if (referrer in by_number and referrer != client["kundennr"]
                and isinstance(started, date) and since < started <= stichtag
                and (referrer, f"empfohlen: {client['kundennr']}") not in sent):
            new.setdefault(referrer, []).append(client["kundennr"])
    letters = []
    for referrer, referred in new.items():
        client = by_number[referrer]
        if ((client.sheet, client.row) in skip_rows or client["phase"] == "Inaktiv"
                or not allows_advertising(client, letter_date)):
            continue
        context = {**_base(settings, client, letter_date, "Danke für Ihre Empfehlung"),
                   "anzahl": len(referred)}
        letters.append(Letter("empfehlungsdank", client, context,
                              file_name(letter_date, "Empfehlungsdank", client),
                              protocol_details="; ".join(f"empfohlen: {n}"
                                                         for n in referred)))
    return letters
