"""Recurring invoices (Abos): what each subscription bills at a Stichtag.

A subscription bills on its "Nächste Rechnung" day (empty: its Beginn), then every
month, quarter, half year or year after, until its Ende. Each invoice names its
Leistungszeitraum and its Abonr, and that is what makes a rerun safe: a period already
in Rechnungen (the same client, Abonr and period) is never billed again, even where
Nächste Rechnung was set back by hand.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {"monatlich": 1, "vierteljährlich": 3, "halbjährlich": 6, "jährlich": 12}
DEFAULT_RHYTHM = "monatlich"
MAX_PERIODS = 120          # a Beginn typed decades back bills no more than ten years


def add_months(day: date, months: int, anchor: int | None = None) -> date:
    """The same day `months` later (the 31st becomes the month's last day); anchor: the
    day of month to return to (31.01. -> 28.02. -> 31.03.)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    wanted = anchor or day.day
    return date(year, month, min(wanted, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Billing:
    abo: object
    start: date            # the invoice date and the first day of the period
    end: date

    @property
    def marker(self) -> str:
        return (f"{self.abo['abonr']}, Leistungszeitraum {self.start:%d.%m.%Y} bis "
                f"{self.end:%d.%m.%Y}")

    @property
    def service(self) -> str:
        return f"{self.abo['leistung']} ({self.marker})"


def complete(abo) -> bool:
    return all(abo[name] is not None for name in ("abonr", "kundennr", "leistung", "netto",
                                                   "ust_satz")) and (
        abo["naechste_rechnung"] is not None or abo["beginn"] is not None)


def due_billings(abos, invoices, stichtag: date) -> tuple[list[Billing], dict]:
    """(the invoices to make, in date order; abo -> its next invoice day afterwards)."""
    billed = {str(i["leistung"]) for i in invoices if i["leistung"]}
    billings, next_days = [], {}
    for abo in abos:
        if not complete(abo):
            continue
        months = MONTHS.get(abo["rhythmus"] or DEFAULT_RHYTHM, 1)
        anchor = (abo["beginn"] or abo["naechste_rechnung"]).day
        day = abo["naechste_rechnung"] or abo["beginn"]
        for _ in range(MAX_PERIODS):
            if day > stichtag or (abo["ende"] is not None and day > abo["ende"]):
                break
            following = add_months(day, months, anchor)
            end = following - timedelta(days=1)
            if abo["ende"] is not None:
                end = min(end, abo["ende"])
            billing = Billing(abo, day, end)
            if not any(billing.marker in text for text in billed):
                billings.append(billing)
            day = following
        next_days[id(abo)] = day
    billings.sort(key=lambda b: (b.start, str(b.abo["abonr"])))
    return billings, next_days
