"""A year's income as received (§ 4 Abs. 3, § 11 EStG: income counts when it comes
in), for the Einnahmen-Überschuss-Rechnung: by month and by client. Pure.

Payments on invoices are split into net and VAT by the invoice's rates (the VAT
received is income too, and paid on to the tax office an expense); interest and
dunning costs received are income without VAT; a returned direct debit lowers the
month it comes back in. Expenses are not in this book.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .amounts import ZERO
from .vat import split_received
from .vat import year as year_period


@dataclass
class Income:
    net: Decimal = ZERO
    vat: Decimal = ZERO
    other: Decimal = ZERO          # interest, dunning costs, credits without invoice

    @property
    def total(self) -> Decimal:
        return self.net + self.vat + self.other

    def add(self, net=ZERO, vat=ZERO, other=ZERO) -> None:
        self.net += net
        self.vat += vat
        self.other += other


@dataclass
class YearIncome:
    year: int
    by_month: dict = field(default_factory=dict)     # 1..12 -> Income
    by_client: dict = field(default_factory=dict)    # Kundennr -> Income

    @property
    def total(self) -> Income:
        result = Income()
        for income in self.by_month.values():
            result.add(income.net, income.vat, income.other)
        return result


def year_income(year: int, invoices, paid_parts: dict, unapplied=(),
                cash_days=None) -> YearIncome:
    """paid_parts: Rechnungsnr -> payment parts; unapplied: (day, Kundennr, amount) of
    money received beyond the invoices it paid; cash_days: Zahlungen row -> the day
    its money came (a credit set against a later invoice counts when it came in)."""
    cash_days = cash_days or {}
    period = year_period(year)
    result = YearIncome(year, {m: Income() for m in range(1, 13)})
    by_number = {str(i["rechnungsnr"]): i for i in invoices}

    def book(day, client, net=ZERO, vat=ZERO, other=ZERO):
        result.by_month[day.month].add(net, vat, other)
        result.by_client.setdefault(client or "", Income()).add(net, vat, other)
    for number, parts in paid_parts.items():
        invoice = by_number.get(str(number))
        if invoice is None:
            continue
        for part in parts:
            day = cash_days.get(part.row, part.day)
            if not period.holds(day):
                continue
            for _, net, tax in split_received(part.principal, invoice):
                book(day, invoice["kundennr"], net=net, vat=tax)
            if part.interest or part.costs:
                book(day, invoice["kundennr"], other=part.interest + part.costs)
    for day, client, amount in unapplied:
        if period.holds(day):
            book(day, client, other=amount)
    return result

