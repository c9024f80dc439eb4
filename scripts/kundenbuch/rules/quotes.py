"""Quotes (Angebote): the "recommend, then agree a fair contract" step of the customer
process. What a quote says, when it is followed up once, and which accepted quotes
become invoices.

- A quote is valid until its "Gültig bis", else 30 days after its date.
- An open quote without answer gets one follow-up letter before it lapses: when it
  ends within the next 30 days (before the next month-end, when most runs are made)
  and was sent at least a week ago ("Nachgefasst am"); never a second one.
- A quote set to "angenommen" becomes an invoice at the next run (or by `kundenbuch
  angebot annehmen`); its Rechnungsnr is written back, and then it is done.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..book.invoice_lines import line_amount
from .amounts import ZERO, invoice_gross

VALID_DAYS = 30
FOLLOW_UP_BEFORE_DAYS = 30     # it ends before the next month-end
FOLLOW_UP_AFTER_DAYS = 7       # and the client had a week to answer
ACCEPTED, OPEN, DECLINED = "angenommen", "offen", "abgelehnt"


def valid_until(quote) -> date | None:
    if quote["gueltig_bis"] is not None:
        return quote["gueltig_bis"]
    if quote["angebotsdatum"] is None:
        return None
    return quote["angebotsdatum"] + timedelta(days=VALID_DAYS)


def settled(quote) -> bool:
    """Answered: accepted (or already invoiced) or declined."""
    return quote["status"] in (ACCEPTED, DECLINED) or quote["rechnungsnr"] is not None


def to_invoice(quotes) -> list:
    """Accepted quotes not yet invoiced, complete enough to invoice, in a table that
    can take the invoice's number (without it each run would invoice them again)."""
    return [q for q in quotes if q["status"] == ACCEPTED and q["rechnungsnr"] is None
            and q.has_column("rechnungsnr")
            and q["angebotsnr"] is not None and q["netto"] is not None
            and (q["ust_satz"] is not None or q["saetze"])]


def follow_ups_due(quotes, stichtag: date) -> list:
    """Open quotes about to lapse, without answer and not followed up yet."""
    due = []
    for quote in quotes:
        until = valid_until(quote)
        if (until is None or settled(quote) or quote["nachgefasst_am"] is not None
                or quote["netto"] is None):
            continue
        sent = quote["angebotsdatum"] or until
        if (until - timedelta(days=FOLLOW_UP_BEFORE_DAYS) <= stichtag <= until
                and stichtag >= sent + timedelta(days=FOLLOW_UP_AFTER_DAYS)):
            due.append(quote)
    return due


@dataclass(frozen=True)
class QuoteTotals:
    net: object
    gross: object


def totals(quote) -> QuoteTotals:
    return QuoteTotals(quote["netto"] or ZERO, invoice_gross(quote) or ZERO)


def invoice_row(quote, number: str, day: date) -> dict:
    """The Rechnungen row of an accepted quote."""
    return {"rechnungsnr": number, "kundennr": quote["kundennr"], "rechnungsdatum": day,
            "leistungsdatum": day,
            "leistung": quote["leistung"] or f"laut Angebot {quote['angebotsnr']}",
            "netto": quote["netto"], "ust_satz": quote["ust_satz"]}


def invoice_lines(lines, number: str) -> list[dict]:
    """The quote's lines again, for its invoice."""
    fields = ("pos", "menge", "einheit", "beschreibung", "einzelpreis", "ust_satz", "rabatt")
    return [{**{name: line[name] for name in fields}, "belegnr": number,
             "betrag": line_amount(line)} for line in lines]

