"""What payments paid on one invoice: the parts of each payment in the order of § 367
BGB (costs, interest, principal). Pure data, shared by the allocation of payments
(rules/payments.py) and the receivables (rules/receivables.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .amounts import ZERO


@dataclass(frozen=True)
class Part:
    """One payment's share of one invoice. principal < 0: a returned direct debit took
    the money back; return_fee: the bank's fee for it, now owed by the client."""
    day: date
    principal: Decimal
    interest: Decimal = ZERO
    costs: Decimal = ZERO
    return_fee: Decimal = ZERO
    row: int | None = None          # the Zahlungen row, None for typed Bezahlt columns


def typed_parts(invoice, stichtag: date) -> tuple[Part, ...]:
    """A book without Zahlungen: Bezahlt Betrag as one payment on Bezahlt am, all of it
    principal (as typed); a payment after the Stichtag does not count yet, one without
    a date always (as from the start)."""
    paid, day = invoice["bezahlt_betrag"], invoice["bezahlt_am"]
    if not paid or (day is not None and day > stichtag):
        return ()
    return (Part(day or date.min, paid),)


def principal_paid(parts) -> Decimal:
    return sum((p.principal for p in parts), ZERO)


def last_paid_on(parts) -> date | None:
    """The day of the last payment that paid something (the Bezahlt am)."""
    days = [p.day for p in parts if p.principal + p.interest + p.costs > ZERO]
    return max(days, default=None)


def received(parts) -> Decimal:
    """Everything the parts paid (costs, interest, principal): the Bezahlt Betrag."""
    return sum((p.principal + p.interest + p.costs for p in parts), ZERO)


def paid_cells(parts) -> dict:
    """Bezahlt am and Bezahlt Betrag as a book with the Zahlungen table shows them."""
    total = received(parts)
    return {"bezahlt_am": last_paid_on(parts) if total else None,
            "bezahlt_betrag": total or None}


def principal_steps(total: Decimal, parts, since: date) -> list[tuple[date, Decimal]]:
    """[(from_day, principal still owed)] from `since` on: each payment lowers the
    principal from its own day, a returned debit raises it again (interest.py)."""
    before = total - principal_paid(p for p in parts if p.day <= since)
    steps = [(since, before)]
    running = before
    for part in sorted((p for p in parts if p.day > since), key=lambda p: p.day):
        running -= part.principal
        if steps[-1][0] == part.day:
            steps[-1] = (part.day, running)
        else:
            steps.append((part.day, running))
    return steps
