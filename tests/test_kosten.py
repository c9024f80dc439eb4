"""What a debtor in default may be charged (§ 288 BGB): the 40 € flat fee set off
against dunning fees, and interest and flat fee that stay owed after a late payment."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl

from kundenbuch.book.records import BaseRate, Record
from kundenbuch.book.schema import BASISZINS_HISTORIE, STUFEN_DEFAULTS
from kundenbuch.rules.receivables import LATE_DAMAGES, PAID, Terms, invoice_state

RATES = [BaseRate(date.fromisoformat(day), Decimal(str(p))) for day, p in BASISZINS_HISTORIE]
TIERS = [Record("Stufen", i + 2, dict(row), {}) for i, row in enumerate(STUFEN_DEFAULTS)]
AGREED = Terms(due_date_agreed=True, mahngebuehr=Decimal("2.50"))


def client(kind):
    return Record("Kunden", 2, {"kundennr": "K-1", "kundenart": kind}, {})


def invoice(**values):
    base = {"rechnungsnr": "R-1", "kundennr": "K-1", "rechnungsdatum": date(2026, 9, 1),
            "netto": Decimal("1000.00"), "ust_satz": 0, "faellig_am": date(2026, 9, 15)}
    return Record("Rechnungen", 2, {**base, **values}, {})


def state(stichtag, inv, kind="Gewerbe", terms=AGREED):
    return invoice_state(inv, client(kind), TIERS, RATES, terms, stichtag)


# Two letters sent after the free reminder: 2 × 2,50 € in fees, 40 € flat fee.
DUNNED = dict(mahnstufe=3, gemahnt_am=date(2026, 11, 1))


def test_a_business_debtor_pays_the_larger_of_flat_fee_and_dunning_fees_not_both():
    dunned = state(date(2026, 11, 5), invoice(**DUNNED))
    assert dunned.flat_fee == Decimal("40.00")
    assert dunned.fees == Decimal("0.00")            # 5,00 € are covered by the 40 €
    costly = state(date(2026, 11, 5), invoice(**DUNNED),
                   terms=Terms(due_date_agreed=True, mahngebuehr=Decimal("25.00")))
    assert costly.flat_fee + costly.fees == Decimal("50.00")     # 2 × 25 € > 40 €


def test_the_setting_pauschale_anrechnen_nein_charges_both():
    both = state(date(2026, 11, 5), invoice(**DUNNED),
                 terms=Terms(due_date_agreed=True, mahngebuehr=Decimal("2.50"),
                             flat_fee_covers_fees=False))
    assert (both.flat_fee, both.fees) == (Decimal("40.00"), Decimal("5.00"))


def test_consumers_owe_no_flat_fee_and_pay_the_dunning_fees():
    consumer = state(date(2026, 11, 5), invoice(**DUNNED), "Privat")
    assert (consumer.flat_fee, consumer.fees) == (Decimal("0.00"), Decimal("5.00"))


def test_interest_and_flat_fee_stay_owed_after_a_late_payment_in_full():
    # Default since 16.9.2026, paid in full on 15.10.: interest for 16.9.–14.10. (29 days)
    # at 1.27 % + 9 points on 1,000 €: 8.16 €; and the flat fee.
    paid_late = invoice(bezahlt_am=date(2026, 10, 15), bezahlt_betrag=Decimal("1000.00"))
    late = state(date(2026, 10, 31), paid_late)
    assert late.status == LATE_DAMAGES and late.open == 0
    assert late.interest == (Decimal(1000) * Decimal("10.27") / 100 * 29 / 365).quantize(
        Decimal("0.01")) == Decimal("8.16")
    assert late.flat_fee == Decimal("40.00") and late.next_level == 0
    waived = state(date(2026, 10, 31), invoice(bezahlt_am=date(2026, 10, 15),
                                               bezahlt_betrag=Decimal("1000.00"),
                                               verzugsschaden_erlassen="ja"))
    assert waived.status == PAID and waived.interest == 0
    on_time = state(date(2026, 10, 31), invoice(bezahlt_am=date(2026, 9, 15),
                                                bezahlt_betrag=Decimal("1000.00")))
    assert on_time.status == PAID


def test_a_late_payment_shows_its_remaining_claim_in_the_book(cli, make_book):
    kunden = [{"kundennr": "K-1", "firma": "Gewerbe GmbH", "kundenart": "Gewerbe",
               "kunde_seit": date(2026, 1, 1)}]
    rechnungen = [{"rechnungsnr": "2026-0001", "kundennr": "K-1",
                   "rechnungsdatum": date(2026, 9, 1), "leistung": "Beratung", "netto": 1000,
                   "ust_satz": 0, "faellig_am": date(2026, 9, 15),
                   "bezahlt_am": date(2026, 10, 15), "bezahlt_betrag": 1000}]
    path = make_book(kunden=kunden, rechnungen=rechnungen,
                     settings={"zahlungsziel_vereinbart": "ja"})
    assert cli("forderungen", path, "--stichtag", "2026-10-31").exit_code in (0, 1)
    book = openpyxl.load_workbook(path, data_only=True)
    sheet = book["Rechnungen"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("Status")] == "Verzugsschaden"
    assert row[header.index("Verzugszinsen")] == 8.16
    rows = list(book["Offene Posten"].iter_rows(values_only=True))
    top = next(i for i, r in enumerate(rows) if r and "Noch offen" in r)
    late = dict(zip(rows[top], rows[top + 1]))
    assert late["Rechnungsnr"] == "2026-0001" and late["Noch offen"] == 48.16
