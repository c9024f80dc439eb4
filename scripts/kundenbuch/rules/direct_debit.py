"""SEPA direct debit from the creditor's side: when an invoice of a client with a
mandate is collected, and what the invoice says about it.

A client pays by direct debit when Kunden says Zahlungsart Lastschrift and the mandate
is on file (IBAN, Mandatsreferenz, Mandat vom). The invoice then announces the
collection instead of asking for a transfer: the pre-notification of the SEPA rulebook
(date, amount, mandate reference, creditor identifier), at least "Vorabankündigung
Tage" (default 14, the rulebook's default; a shorter period needs the client's
agreement) before the collection. The collection date is the due date, or the first
day the notice allows, on a TARGET business day (the interbank calendar: weekends,
1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December; the `holidays`
package's XECB calendar).

While a collection is pending nobody is reminded: the invoice counts as due on the
collection day. If the money does not arrive (a returned debit), the usual ladder
runs from that day on.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

DEFAULT_NOTICE_DAYS = 14


def has_mandate(client) -> bool:
    return (client is not None and client["zahlungsart"] == "Lastschrift"
            and bool(client["iban"]) and bool(client["mandatsreferenz"])
            and client["mandat_vom"] is not None)


@lru_cache(maxsize=16)
def _target_holidays(year: int):
    return holidays.financial_holidays("XECB", years=year)


@lru_cache(maxsize=4096)
def target_business_day(day: date) -> date:
    """The day itself when banks settle SEPA payments on it, else the next such day."""
    while day.weekday() >= 5 or day in _target_holidays(day.year):
        day += timedelta(days=1)
    return day


def collection_date(issued: date, due: date, notice_days: int = DEFAULT_NOTICE_DAYS) -> date:
    """Due date, but no earlier than the pre-notification allows, on a business day."""
    return target_business_day(max(due, issued + timedelta(days=notice_days)))


@dataclass(frozen=True)
class Collection:
    """What the invoice of a client with a mandate announces."""
    day: date
    mandate_reference: str
    creditor_id: str
    iban_ending: str

    def as_context(self) -> dict:
        return {"datum": self.day, "mandatsreferenz": self.mandate_reference,
                "glaeubiger_id": self.creditor_id, "iban_ende": self.iban_ending}


def collection(invoice, client, due: date, settings) -> Collection | None:
    """The collection an invoice announces, or None for a client paying by transfer."""
    if not has_mandate(client) or invoice["rechnungsdatum"] is None:
        return None
    notice = settings.get("vorabankuendigung_tage", DEFAULT_NOTICE_DAYS)
    iban = str(client["iban"]).replace(" ", "")
    return Collection(collection_date(invoice["rechnungsdatum"], due, notice),
                      str(client["mandatsreferenz"]), str(settings.get("glaeubiger_id") or ""),
                      iban[-4:])


# The Protokoll's kind of row for a collection file (runs/direct_debit_file.py); its
# Stichtag column holds the collection day.
ORDERED = "Lastschrift"
FIRST, RECURRING = "FRST", "RCUR"


@dataclass(frozen=True)
class DebitOrder:
    """One collection of a pain.008 file: an invoice of a client with a mandate."""
    number: str
    client_number: str
    name: str
    iban: str
    bic: str
    mandate_reference: str
    mandate_date: date
    amount_cents: int
    collection_day: date
    sequence: str              # FRST for a mandate's first collection, else RCUR
    purpose: str


def ordered_collections(protocol) -> dict:
    """Rechnungsnr -> the collection day of the file that ordered it (Protokoll)."""
    ordered = {}
    for row in protocol:
        if row["art"] != ORDERED or row["stichtag"] is None:
            continue
        for number in str(row["rechnungen"] or "").split(","):
            if number.strip():
                ordered[number.strip()] = row["stichtag"]
    return ordered


def returned_since(parts, day: date) -> bool:
    """A returned debit (money taken back) on or after the day of the collection."""
    return any(p.principal < 0 and p.day >= day for p in parts)


def earliest_collection(today: date) -> date:
    """A CORE direct debit reaches the payer's bank one TARGET business day before its
    collection day at the latest: the file made today collects on the second business
    day from now at the earliest (one day for the upload)."""
    return target_business_day(target_business_day(today + timedelta(days=1))
                               + timedelta(days=1))


def collections_due(states, settings, protocol, paid_parts: dict, debited_before: set,
                    until: date, today: date) -> list[DebitOrder]:
    """Every open invoice of a client with a valid mandate whose collection day (due
    date, no earlier than the pre-notification allows) is on or before `until`, and
    that no file ordered yet; a returned one waits for the dunning ladder, not for a
    second collection. debited_before: Kundennr collected before (FRST or RCUR)."""
    ordered = ordered_collections(protocol)
    notice = settings.get("vorabankuendigung_tage", DEFAULT_NOTICE_DAYS)
    first_possible = earliest_collection(today)
    orders = []
    for state in states:
        invoice, client = state.invoice, state.client
        number = str(state.number)
        if (not has_mandate(client) or state.open <= 0 or state.time_barred
                or state.status == "storniert" or number in ordered
                or any(p.principal < 0 for p in paid_parts.get(state.number, ()))
                or invoice["rechnungsdatum"] is None or state.due is None):
            continue
        day = collection_date(invoice["rechnungsdatum"], state.due, notice)
        if day > until:
            continue
        name = client["firma"] or " ".join(p for p in (client["vorname"], client["nachname"])
                                          if p)
        orders.append(DebitOrder(
            number, client["kundennr"], name, str(client["iban"]).replace(" ", "").upper(),
            str(client["bic"] or "").replace(" ", "").upper(),
            str(client["mandatsreferenz"]), client["mandat_vom"],
            int((state.open * 100).to_integral_value()), max(day, first_possible),
            RECURRING if client["kundennr"] in debited_before else FIRST,
            f"Rechnung {number}"))
    return orders
