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
