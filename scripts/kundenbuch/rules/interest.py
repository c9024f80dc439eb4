"""Statutory default interest (§§ 288, 247, 289 BGB) as the README documents it.

Convention (fachregeln.md): interest runs for every day in default up to and including
the Stichtag, each day at the base rate valid on that day plus 5 points (consumers) or
9 points (businesses), simple interest on the open gross principal, actual days / 365,
split wherever the base rate or the principal changes; rounded to cents once at the end.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .amounts import ZERO, cents

SURCHARGE_CONSUMER = Decimal(5)       # § 288 Abs. 1 BGB
SURCHARGE_BUSINESS = Decimal(9)       # § 288 Abs. 2 BGB
FLAT_FEE_BUSINESS = Decimal("40.00")  # § 288 Abs. 5 BGB
DAYS_PER_YEAR = Decimal(365)


@dataclass(frozen=True)
class Period:
    first_day: date
    last_day: date
    principal: Decimal
    rate: Decimal             # annual percent: base rate + surcharge
    amount: Decimal           # unrounded

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def base_rate_on(day: date, rates) -> Decimal:
    """The base rate valid on a day; before the first entry, the first entry's rate."""
    valid = [r for r in rates if r.valid_from <= day]
    return (valid[-1] if valid else rates[0]).percent


def default_interest(first_day: date, last_day: date, principal_changes: list,
                     rates, surcharge: Decimal) -> tuple[Decimal, list[Period]]:
    """Interest for the days first_day..last_day (both included).

    principal_changes: [(from_day, principal)], sorted; the first entry applies from
    first_day on (payments lower the principal from their day on).
    Returns the total rounded to cents and the unrounded periods.
    """
    if last_day < first_day or not rates or not principal_changes:
        return ZERO, []
    cuts = {first_day, last_day + timedelta(days=1)}
    cuts |= {r.valid_from for r in rates if first_day < r.valid_from <= last_day}
    cuts |= {day for day, _ in principal_changes if first_day < day <= last_day}
    bounds = sorted(cuts)
    periods = []
    for start, stop in zip(bounds, bounds[1:]):
        principal = _principal_on(start, principal_changes)
        if principal <= ZERO:
            continue
        rate = base_rate_on(start, rates) + surcharge
        days = Decimal((stop - start).days)
        amount = principal * rate / 100 * days / DAYS_PER_YEAR
        periods.append(Period(start, stop - timedelta(days=1), principal, rate, amount))
    total = cents(sum((p.amount for p in periods), ZERO))
    return max(total, ZERO), periods


def _principal_on(day: date, changes) -> Decimal:
    current = changes[0][1]
    for start, principal in changes:
        if start <= day:
            current = principal
    return current
