"""Receivables rules on records: due dates, status, default, dunning ladder, fees."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kundenbuch.rules.interest import FLAT_FEE_BUSINESS
from kundenbuch.rules.receivables import (CANCELLED, LATE_DAMAGES, OPEN, OVERDUE, PAID,
                                          PARTLY_PAID, Terms, compute, due_date,
                                          invoice_state)
from kundenbuch.book.records import BaseRate, Record
from kundenbuch.book.schema import BASISZINS_HISTORIE, STUFEN_DEFAULTS

RATES = [BaseRate(date.fromisoformat(day), Decimal(str(p))) for day, p in BASISZINS_HISTORIE]
TIERS = [Record("Stufen", i + 2, dict(row), {}) for i, row in enumerate(STUFEN_DEFAULTS)]
# Agreed due dates: default the day after them, as the interest tests below assume (the
# other ways into default are in test_verzug.py).
TERMS = Terms(bundesland="NW", zahlungsziel_tage=14, mahngebuehr=Decimal("2.50"),
              due_date_agreed=True)


def client(kind="Gewerbe", **values):
    return Record("Kunden", 2, {"kundennr": "K-1", "kundenart": kind, **values}, {})


def invoice(**values):
    base = {"rechnungsnr": "R-1", "kundennr": "K-1", "rechnungsdatum": date(2025, 5, 2),
            "netto": Decimal("1000.00"), "ust_satz": 0, "faellig_am": date(2025, 5, 16)}
    return Record("Rechnungen", 2, {**base, **values}, {})


def state(stichtag, inv=None, cl=None, terms=TERMS):
    return invoice_state(inv or invoice(), cl if cl is not None else client(), TIERS, RATES,
                         terms, stichtag)


# --- due dates -------------------------------------------------------------------------

def test_due_date_from_payment_term():
    assert due_date(date(2026, 8, 12), TERMS) == date(2026, 8, 26)


def test_due_date_on_the_next_pay_day_after_the_term():
    terms = Terms(zahltag=15, zahlungsziel_tage=14)
    assert due_date(date(2026, 3, 1), terms) == date(2026, 3, 15)
    assert due_date(date(2026, 3, 2), terms) == date(2026, 4, 15)


def test_pay_day_the_month_lacks_is_its_last_day():
    terms = Terms(zahltag=31, zahlungsziel_tage=0)
    assert due_date(date(2026, 2, 10), terms) == date(2026, 2, 28)


@pytest.mark.parametrize("due, stichtag, days", [
    (date(2026, 8, 29), date(2026, 8, 31), 0),     # Saturday -> Monday 31.8.
    (date(2026, 8, 29), date(2026, 9, 1), 1),
    (date(2026, 10, 3), date(2026, 10, 5), 0),     # Tag der Deutschen Einheit (Saturday)
    (date(2025, 12, 25), date(2025, 12, 29), 0),   # Christmas -> Monday 29.12.
])
def test_due_date_on_weekend_or_holiday_moves_to_next_working_day(due, stichtag, days):
    result = state(stichtag, invoice(faellig_am=due))
    assert result.days_overdue == days
    assert result.status == (OVERDUE if days else OPEN)


def test_bavaria_assumption_day_moves_the_due_date_where_it_is_a_local_holiday():
    due = date(2025, 8, 15)                       # a Friday
    bavaria = state(date(2025, 8, 18), invoice(faellig_am=due),
                    terms=Terms(bundesland="BY", local_holidays=((8, 15),)))
    not_said = state(date(2025, 8, 18), invoice(faellig_am=due), terms=Terms(bundesland="BY"))
    assert not_said.effective_due == date(2025, 8, 15)
    berlin = state(date(2025, 8, 18), invoice(faellig_am=due), terms=Terms(bundesland="BE"))
    assert bavaria.effective_due == date(2025, 8, 18)
    assert berlin.effective_due == date(2025, 8, 15)


# --- status and amounts ----------------------------------------------------------------

def test_statuses():
    day = date(2025, 6, 30)
    assert state(day, invoice(storniert="ja")).status == CANCELLED
    assert state(day, invoice(bezahlt_am=date(2025, 5, 16),       # on the due date
                              bezahlt_betrag=Decimal("1000.00"))).status == PAID
    assert state(date(2025, 5, 10), invoice(bezahlt_am=date(2025, 5, 8),
                                            bezahlt_betrag=Decimal("300"))).status == PARTLY_PAID
    assert state(date(2025, 5, 10)).status == OPEN
    assert state(day).status == OVERDUE


def test_cancelled_invoice_owes_nothing():
    result = state(date(2025, 9, 1), invoice(storniert="ja"))
    assert (result.open, result.interest, result.next_level) == (Decimal("0.00"), 0, 0)


def test_gross_includes_vat():
    assert state(date(2025, 5, 3), invoice(ust_satz=19)).gross == Decimal("1190.00")


def test_payment_after_the_stichtag_counts_as_still_open_then():
    paid_later = invoice(bezahlt_am=date(2025, 8, 1), bezahlt_betrag=Decimal("1000.00"))
    then = state(date(2025, 7, 31), paid_later)
    assert then.status == OVERDUE and then.open == Decimal("1000.00")
    assert state(date(2025, 8, 1), paid_later).status == LATE_DAMAGES   # paid late


def test_worked_example_through_an_invoice():
    """Due 31.5.2025 (a Saturday -> Monday 2.6.): in default from 3.6.2025."""
    result = state(date(2025, 7, 31), invoice(faellig_am=date(2025, 5, 30)))
    # default 31.5.–31.7.: 30 days at 11.27 % + 31 days at 10.27 %
    assert sum(p.days for p in result.periods) == 62
    result = state(date(2025, 7, 31), invoice(faellig_am=date(2025, 5, 31)))
    assert result.effective_due == date(2025, 6, 2)
    assert result.periods[0].first_day == date(2025, 6, 3)


def test_partial_payment_during_default_lowers_interest():
    full = state(date(2025, 7, 31))
    partly = state(date(2025, 7, 31), invoice(bezahlt_am=date(2025, 7, 1),
                                              bezahlt_betrag=Decimal("600.00")))
    assert partly.open == Decimal("400.00")
    assert Decimal("0") < partly.interest < full.interest
    assert partly.periods[-1].principal == Decimal("400.00")


def test_flat_fee_for_businesses_only_and_once():
    business = state(date(2025, 7, 31))
    consumer = state(date(2025, 7, 31), cl=client("Privat"))
    assert business.flat_fee == FLAT_FEE_BUSINESS == Decimal("40.00")
    assert consumer.flat_fee == Decimal("0.00")
    assert consumer.interest < business.interest


# --- dunning ladder --------------------------------------------------------------------

def test_first_reminder_after_the_tiers_days():
    a_client = client(stufe="A")                  # A: reminder 14 days after due
    assert state(date(2025, 5, 29), cl=a_client).next_level == 0
    assert state(date(2025, 5, 30), cl=a_client).next_level == 1
    c_client = client(stufe="C")                  # C: after 7 days
    assert state(date(2025, 5, 23), cl=c_client).next_level == 1


def test_next_level_after_the_interval_since_the_last_letter():
    sent = invoice(mahnstufe=1, gemahnt_am=date(2025, 6, 1))
    c_client = client(stufe="C")                  # C: 10 days between letters
    assert state(date(2025, 6, 10), sent, c_client).next_level == 0
    assert state(date(2025, 6, 11), sent, c_client).next_level == 2


def test_ladder_ends_with_the_last_letter():
    done = invoice(mahnstufe=4, gemahnt_am=date(2025, 6, 1))
    assert state(date(2026, 1, 1), done).next_level == 0


def test_earlier_stichtag_never_raises_a_level():
    sent = invoice(mahnstufe=2, gemahnt_am=date(2025, 7, 1))
    assert state(date(2025, 6, 1), sent).next_level == 0


@pytest.mark.parametrize("blocked", [
    dict(inv=invoice(mahnsperre="ja")), dict(cl=client(mahnsperre="ja")),
    dict(inv=invoice(netto=Decimal("4.00"))),                 # below the Mahngrenze
    dict(inv=invoice(bezahlt_am=date(2025, 5, 20), bezahlt_betrag=Decimal("1000"))),
])
def test_no_letter_for_blocked_paid_or_small_amounts(blocked):
    assert state(date(2025, 9, 1), **blocked).next_level == 0


def test_fees_first_reminder_free_then_each_letter():
    consumer = client("Privat")                  # no flat fee to set them off against
    assert state(date(2025, 6, 30), cl=consumer).fees == 0           # reminder due
    second = invoice(mahnstufe=1, gemahnt_am=date(2025, 6, 1))
    assert state(date(2025, 6, 30), second, consumer).fees == Decimal("2.50")  # 1. Mahnung
    third = invoice(mahnstufe=2, gemahnt_am=date(2025, 6, 20))
    assert state(date(2025, 7, 30), third, consumer).fees == Decimal("5.00")


def test_summary_buckets_and_letters_per_client():
    invoices = [invoice(rechnungsnr="R-1", faellig_am=date(2025, 5, 16)),
                invoice(rechnungsnr="R-2", faellig_am=date(2025, 7, 20)),
                invoice(rechnungsnr="R-3", faellig_am=date(2025, 9, 1))]
    summary = compute(invoices, [client(stufe="B")], TIERS, RATES, TERMS, date(2025, 8, 1))
    assert summary.buckets_total["> 90 Tage"] == 0
    assert summary.buckets_total["61–90 Tage"] == Decimal("1000.00")   # due 16.5.
    assert summary.buckets_total["1–30 Tage"] == Decimal("1000.00")    # due 21.7.
    assert summary.buckets_total["nicht fällig"] == Decimal("1000.00")
    assert summary.open_by_client == {"K-1": Decimal("3000.00")}
    letters = summary.letters_due()
    assert list(letters) == ["K-1"]
    assert [s.number for s in letters["K-1"]] == ["R-1", "R-2"]


@given(stichtag=st.dates(date(2025, 5, 1), date(2027, 12, 31)),
       later=st.integers(0, 400))
def test_level_due_never_falls_as_time_passes_without_letters(stichtag, later):
    """Until the claim is time-barred (§§ 195, 199 BGB: from 1.1.2029 for this invoice,
    due 16.5.2025); from then on nothing is due and nothing demanded (§ 217 BGB)."""
    from datetime import timedelta
    now = state(stichtag)
    then = state(stichtag + timedelta(days=later))
    if then.time_barred is not None:
        assert then.next_level == 0 and then.interest == 0 and then.fees == 0
        return
    assert then.next_level >= now.next_level
    assert then.interest >= now.interest
