"""Kleinunternehmer (§ 19 UStG, since 2025): which invoices may go out without VAT.

The exemption holds while last year's net turnover was at most 25,000 € and this year's
stays at most 100,000 €. Crossing 25,000 € in a year ends it for the whole next year;
crossing 100,000 € ends it at once: the invoice that takes the year above the limit is
already taxed, and so is every later one that year (§ 19 Abs. 1 UStG). Turnover counts
by the year of the service (Leistungsdatum, else Rechnungsdatum); cancelled invoices do
not count, credit notes (negative Netto) lower it.

A Kleinunternehmer invoice needs only what § 34a UStDV asks (no service date, no VAT
breakdown); one that shows VAT while the exemption holds contradicts itself (§ 14c UStG:
the tax shown is owed) and is never produced.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..book import schema
from .amounts import ZERO, vat_rates

PREVIOUS_YEAR_LIMIT = Decimal("25000")      # § 19 Abs. 1 Satz 1 UStG
CURRENT_YEAR_LIMIT = Decimal("100000")


def service_year(invoice) -> int | None:
    day = invoice["leistungsdatum"] or invoice["rechnungsdatum"]
    return day.year if day else None


def _where(invoice) -> tuple:
    return invoice.sheet, invoice.row


def _counts(invoice) -> bool:
    return (invoice["storniert"] != schema.YES and invoice["netto"] is not None
            and service_year(invoice) is not None)


def turnover_by_year(invoices) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for invoice in invoices:
        if _counts(invoice):
            year = service_year(invoice)
            totals[year] = totals.get(year, ZERO) + invoice["netto"]
    return totals


@dataclass
class Exemption:
    """Where the Kleinunternehmer exemption of a book ends."""
    applies: bool                                   # the setting Kleinunternehmer is ja
    turnover: dict = field(default_factory=dict)    # year -> net turnover
    lost_years: set = field(default_factory=set)    # years it does not hold at all
    crossing: dict = field(default_factory=dict)    # year -> invoice crossing 100,000 €
    taxed: set = field(default_factory=set)         # (sheet, row) of invoices owing VAT

    def must_show_vat(self, invoice) -> bool:
        return self.applies and _where(invoice) in self.taxed

    def contradicts(self, invoice) -> bool:
        """Kleinunternehmer invoice showing VAT while the exemption holds (§ 14c UStG)."""
        return (self.applies and any(vat_rates(invoice))
                and invoice["storniert"] != schema.YES and not self.must_show_vat(invoice))

    def previous_year_over(self, year: int) -> Decimal | None:
        """Last year's turnover where it ends the exemption for `year`, else None."""
        return self.turnover.get(year - 1) if year in self.lost_years else None


def exemption(invoices, settings) -> Exemption:
    applies = settings.get("kleinunternehmer") == schema.YES
    result = Exemption(applies)
    if not applies:
        return result
    result.turnover = turnover_by_year(invoices)
    result.lost_years = {year + 1 for year, total in result.turnover.items()
                         if total > PREVIOUS_YEAR_LIMIT}
    by_year: dict[int, list] = {}
    for invoice in invoices:
        if _counts(invoice):
            by_year.setdefault(service_year(invoice), []).append(invoice)
    for year, rows in by_year.items():
        if year in result.lost_years:
            result.taxed.update(_where(invoice) for invoice in rows)
            continue
        rows.sort(key=lambda i: (i["leistungsdatum"] or i["rechnungsdatum"],
                                 str(i["rechnungsnr"] or "")))
        running = ZERO
        for invoice in rows:
            running += invoice["netto"]
            if year not in result.crossing and running > CURRENT_YEAR_LIMIT:
                result.crossing[year] = invoice
            if year in result.crossing:
                result.taxed.add(_where(invoice))
    return result
