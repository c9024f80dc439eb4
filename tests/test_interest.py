"""Default interest exactly as fachregeln.md defines it."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kundenbuch.rules.interest import (SURCHARGE_BUSINESS, SURCHARGE_CONSUMER, base_rate_on,
                                 default_interest)
from kundenbuch.book.records import BaseRate
from kundenbuch.book.schema import BASISZINS_HISTORIE

RATES = [BaseRate(date.fromisoformat(day), Decimal(str(p))) for day, p in BASISZINS_HISTORIE]


def interest(principal, first, last, surcharge=SURCHARGE_BUSINESS, changes=None):
    return default_interest(first, last, changes or [(first, Decimal(principal))], RATES,
                            surcharge)


def test_worked_example_business_1000_euro_june_and_july_2025():
    total, periods = interest("1000.00", date(2025, 6, 1), date(2025, 7, 31))
    assert [(p.days, p.rate) for p in periods] == [(30, Decimal("11.27")),
                                                   (31, Decimal("10.27"))]
    assert [p.amount.quantize(Decimal("0.01")) for p in periods] == [Decimal("9.26"),
                                                                      Decimal("8.72")]
    # rounded once at the end: 9.2630… + 8.7224… = 17.9855… -> 17.99
    assert total == Decimal("17.99")


def test_consumer_pays_five_points_over_base_rate():
    total, periods = interest("1000.00", date(2025, 7, 1), date(2025, 7, 31),
                              SURCHARGE_CONSUMER)
    assert periods[0].rate == Decimal("6.27")
    assert total == Decimal("5.33")          # 1000 * 6.27 % * 31 / 365 = 5.325…


def test_negative_base_rate_of_2022_still_counts_in_points():
    assert base_rate_on(date(2022, 12, 31), RATES) == Decimal("-0.88")
    _, periods = interest("1000.00", date(2022, 12, 1), date(2023, 1, 31))
    assert [p.rate for p in periods] == [Decimal("8.12"), Decimal("10.62")]


def test_payment_lowers_the_principal_from_its_day_on():
    first = date(2025, 7, 1)
    changes = [(first, Decimal("1000.00")), (date(2025, 7, 11), Decimal("400.00"))]
    total, periods = interest(None, first, date(2025, 7, 20), changes=changes)
    assert [(p.principal, p.days) for p in periods] == [(Decimal("1000.00"), 10),
                                                        (Decimal("400.00"), 10)]
    assert total == Decimal("3.94")          # (1000*10 + 400*10) * 10.27 % / 365


def test_no_interest_before_default():
    assert interest("500.00", date(2025, 7, 2), date(2025, 7, 1))[0] == Decimal("0.00")


days = st.integers(0, 800)
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@given(amount=amounts, start=st.dates(date(2023, 1, 1), date(2026, 6, 1)), length=days,
       more=days)
def test_interest_grows_with_time(amount, start, length, more):
    earlier, _ = interest(amount, start, start + timedelta(days=length))
    later, _ = interest(amount, start, start + timedelta(days=length + more))
    assert later >= earlier


@given(amount=amounts, start=st.dates(date(2023, 1, 1), date(2026, 6, 1)), length=days,
       split=days)
def test_interest_never_compounds(amount, start, length, split):
    """Simple interest: two stretches add up to the whole (up to rounding), and interest
    of a stretch does not depend on what accrued before it."""
    end = start + timedelta(days=length)
    cut = min(start + timedelta(days=split), end)
    whole, _ = interest(amount, start, end)
    first, _ = interest(amount, start, cut - timedelta(days=1))
    second, _ = interest(amount, cut, end)
    assert abs(whole - first - second) <= Decimal("0.02")


@given(amount=amounts, start=st.dates(date(2023, 1, 1), date(2026, 6, 1)), length=days)
def test_interest_is_proportional_to_the_principal(amount, start, length):
    end = start + timedelta(days=length)
    single, _ = interest(amount, start, end)
    double, _ = interest(amount * 2, start, end)
    assert abs(double - 2 * single) <= Decimal("0.01")
