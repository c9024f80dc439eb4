"""Limitation (§§ 195, 199 BGB): a payment claim arises when it is due, and the three
years run from the end of the year of the due date. Worked examples: an invoice of
20.11.2023 with 14 days' term is due 04.12.2023 and time-barred from 01.01.2027; one of
20.12.2023 is due 03.01.2024, so its three years run from the end of 2024 and it is
time-barred only from 01.01.2028, although it was written in 2023."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import openpyxl

from kundenbuch.book.records import BaseRate, Record
from kundenbuch.book.schema import BASISZINS_HISTORIE, STUFEN_DEFAULTS
from kundenbuch.rules.receivables import (Terms, invoice_state, limitation_ends,
                                          time_barred_since)

RATES = [BaseRate(date.fromisoformat(day), Decimal(str(p))) for day, p in BASISZINS_HISTORIE]
TIERS = [Record("Stufen", i + 2, dict(row), {}) for i, row in enumerate(STUFEN_DEFAULTS)]
TERMS = Terms(bundesland="NW", zahlungsziel_tage=14)


def invoice(issued, **values):
    base = {"rechnungsnr": "2023-0007", "kundennr": "K-1", "rechnungsdatum": issued,
            "netto": Decimal("800.00"), "ust_satz": 19}
    return Record("Rechnungen", 2, {**base, **values}, {})


def state(inv, stichtag):
    client = Record("Kunden", 2, {"kundennr": "K-1", "kundenart": "Gewerbe"}, {})
    return invoice_state(inv, client, TIERS, RATES, TERMS, stichtag)


def test_limitation_runs_from_the_end_of_the_year_the_claim_became_due():
    assert limitation_ends(date(2023, 12, 4)) == date(2026, 12, 31)
    assert limitation_ends(date(2024, 1, 3)) == date(2027, 12, 31)
    assert time_barred_since(date(2023, 12, 4), date(2026, 12, 31)) is None
    assert time_barred_since(date(2023, 12, 4), date(2027, 1, 1)) == date(2027, 1, 1)


def test_limitation_counts_from_the_computed_due_date_not_the_invoice_date():
    december = state(invoice(date(2023, 12, 20)), date(2027, 1, 5))
    assert december.due == date(2024, 1, 3) and december.due_is_computed
    assert december.time_barred is None
    assert december.next_level > 0                    # still dunned in 2027


def test_a_time_barred_claim_gets_no_reminder_and_nothing_on_top():
    barred = state(invoice(date(2023, 11, 20)), date(2027, 1, 5))
    assert barred.time_barred == date(2027, 1, 1)
    assert barred.open == Decimal("952.00")           # still listed as open
    assert barred.next_level == 0
    assert barred.interest == 0 and barred.flat_fee == 0 and barred.fees == 0
    a_day_before = state(invoice(date(2023, 11, 20)), date(2026, 12, 31))
    assert a_day_before.time_barred is None and a_day_before.interest > 0


# --- on a real workbook ------------------------------------------------------------------

KUNDEN = [{"kundennr": "K-1", "firma": "Altlast GmbH", "kundenart": "Gewerbe",
           "strasse": "Hof 1", "plz": "50667", "ort": "Köln", "kunde_seit": date(2023, 1, 1)}]
RECHNUNGEN = [
    {"rechnungsnr": "2023-0007", "kundennr": "K-1", "rechnungsdatum": date(2023, 11, 20),
     "leistungsdatum": date(2023, 11, 1), "leistung": "Beratung", "netto": 800,
     "ust_satz": 19},
    {"rechnungsnr": "2023-0008", "kundennr": "K-1", "rechnungsdatum": date(2023, 12, 20),
     "leistungsdatum": date(2023, 12, 1), "leistung": "Beratung", "netto": 500,
     "ust_satz": 19}]


def _barred_block(path) -> dict:
    rows = list(openpyxl.load_workbook(path, data_only=True)["Offene Posten"].iter_rows(
        values_only=True))
    top = next(i for i, row in enumerate(rows) if row and "Verjährt seit" in row)
    header = rows[top]
    found = {}
    for row in rows[top + 1:]:
        if not row or not row[2]:
            break
        entry = dict(zip(header, row))
        found[entry["Rechnungsnr"]] = entry
    return found


def test_offene_posten_lists_a_time_barred_claim_with_its_date_and_no_letter_goes_out(
        cli, make_book):
    path = make_book(kunden=KUNDEN, rechnungen=RECHNUNGEN)
    result = cli("monatsabschluss", path, "--stichtag", "2027-01-05")
    assert result.exit_code in (0, 1), result.output
    assert "2023-0007 seit 01.01.2027" in " ".join(result.output.split())
    barred = _barred_block(path)
    assert list(barred) == ["2023-0007"]
    assert barred["2023-0007"]["Verjährt seit"].date() == date(2027, 1, 1)
    letters = [p.name for p in (path.parent / "briefe").rglob("*.docx")]
    assert letters, "the claim of 2024 is still dunned"
    row = {c.value: c for c in openpyxl.load_workbook(path)["Rechnungen"][1]}
    sheet = openpyxl.load_workbook(path, data_only=True)["Rechnungen"]
    dunned = {sheet.cell(r, row["Rechnungsnr"].column).value:
              sheet.cell(r, row["Mahnstufe"].column).value for r in (2, 3)}
    assert dunned["2023-0007"] in (None, 0)           # no letter for the barred claim
    assert dunned["2023-0008"] == 1


def test_pruefen_warns_through_the_last_year_and_names_the_barred_claim(cli, make_book):
    path = make_book(kunden=KUNDEN, rechnungen=RECHNUNGEN)

    def warnings(stichtag):
        result = cli("pruefen", path, "--stichtag", stichtag, "--json")
        return {f["meldung"] for f in json.loads(result.output)
                if f["regel"] == "claims_near_limitation"}

    assert warnings("2025-12-31") == set()
    january = warnings("2026-01-02")
    assert any("fällig 04.12.2023" in m and "Ablauf des 31.12.2026" in m for m in january)
    assert not any("03.01.2024" in m for m in january)
    after = warnings("2027-01-05")
    assert any("seit 01.01.2027 verjährt" in m for m in after)
