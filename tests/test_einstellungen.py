"""Settings checked where they act: § 271a BGB from the first run, day counts out of
range, the Bundesland by code or by name in every command, and amounts with more than two
decimals rounded half up (kaufmännisch) everywhere."""
from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import sha256
from kundenbuch.book.convert import money_parts

GEWERBE = {"kundennr": "K-1", "firma": "Kundin GmbH", "kundenart": "Gewerbe",
           "strasse": "Weg 1", "plz": "50667", "ort": "Köln", "kunde_seit": date(2026, 1, 1)}
PRIVAT = {**GEWERBE, "firma": None, "nachname": "Muster", "kundenart": "Privat"}


def invoice(**values):
    return {"rechnungsnr": "2026-0001", "kundennr": "K-1", "rechnungsdatum": date(2026, 1, 5),
            "leistungsdatum": date(2026, 1, 5), "leistung": "Beratung", "netto": 1000,
            "ust_satz": 19, **values}


def findings(cli, path, stichtag="2026-01-10") -> list[dict]:
    return json.loads(cli("pruefen", path, "--stichtag", stichtag, "--json").output)


def cells(found, rule):
    return {(f["adresse"], f["schwere"]) for f in found if f["regel"] == rule}


def setting_cell(path, name) -> str:
    sheet = openpyxl.load_workbook(path)["Einstellungen"]
    return next(f"Einstellungen!B{r[0].row}" for r in sheet.iter_rows() if r[0].value == name)


# --- § 271a BGB ---------------------------------------------------------------------------

def test_section_271a_a_term_over_60_days_is_warned_at_the_setting_on_the_first_run(
        cli, make_book):
    path = make_book(kunden=[GEWERBE], rechnungen=[invoice()],
                     settings={"zahlungsziel_tage": 75})
    found = findings(cli, path)            # Fällig am is still empty: nothing computed yet
    where = setting_cell(path, "Zahlungsziel Tage")
    assert (where, "Warnung") in cells(found, "long_payment_term_setting")
    assert ("Rechnungen!H2", "Warnung") in cells(found, "long_business_payment_term")
    assert any("75 Tage (berechnet" in f["meldung"] for f in found)
    consumers_only = make_book("privat.xlsx", kunden=[PRIVAT], rechnungen=[invoice()],
                               settings={"zahlungsziel_tage": 75})
    found = findings(cli, consumers_only)
    assert not cells(found, "long_payment_term_setting")
    assert not cells(found, "long_business_payment_term")


def test_section_271a_a_pay_day_can_push_the_term_past_60_days(cli, make_book):
    # 5.1.2026 + 58 days = 4.3.; the next Zahltag 30 is 30.3.: 84 days.
    path = make_book(kunden=[GEWERBE], rechnungen=[invoice()],
                     settings={"zahlungsziel_tage": 58, "zahltag": 30})
    found = findings(cli, path)
    assert not cells(found, "long_payment_term_setting")
    assert ("Rechnungen!H2", "Warnung") in cells(found, "long_business_payment_term")


# --- day counts ---------------------------------------------------------------------------

@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["zahlungsziel_tage", "frist_mahnung_tage", "zahltag"]),
       value=st.one_of(st.integers(-100000, -1), st.integers(366, 10 ** 9)))
def test_a_negative_or_absurd_day_count_is_a_fehler_and_nothing_is_computed_from_it(
        cli, make_book, field, value):
    from kundenbuch.book import schema
    name = next(s.name for s in schema.SETTINGS if s.field == field)
    path = make_book(kunden=[GEWERBE], rechnungen=[invoice()], settings={field: value})
    before = sha256(path)
    found = findings(cli, path)
    assert (setting_cell(path, name), "Fehler") in cells(found, "einstellung")
    refused = cli("forderungen", path, "--stichtag", "2026-01-10")
    assert refused.exit_code == 2
    assert f"Einstellung {name} (Einstellungen!B" in " ".join(refused.output.split())
    assert sha256(path) == before


def test_a_day_count_in_the_tier_table_out_of_range_is_a_fehler(cli, make_book):
    path = make_book(kunden=[GEWERBE], rechnungen=[invoice()])
    book = openpyxl.load_workbook(path)
    sheet = book["Stufen"]
    header = [c.value for c in sheet[1]]
    column = header.index("Mahnabstand Tage") + 1
    sheet.cell(2, column).value = -3
    book.save(path)
    found = findings(cli, path)
    letter = openpyxl.utils.get_column_letter(column)
    assert (f"Stufen!{letter}2", "Fehler") in cells(found, "tier_day_counts")


# --- Bundesland ---------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["BY", "Bayern", "bayern", "Freistaat Bayern"])
def test_the_bundesland_by_name_or_code_is_read_the_same_by_every_command(
        cli, make_book, typed):
    """Due Tuesday 6.1.2026, Epiphany (a holiday in Bavaria, not in NRW): in Bavaria
    the due date moves to 7.1., so on 7.1. the invoice is not overdue yet."""
    path = make_book(kunden=[GEWERBE], settings={"bundesland": typed},
                     rechnungen=[invoice(faellig_am=date(2026, 1, 6))])
    found = findings(cli, path, "2026-01-07")
    assert not [f for f in found if "Bundesland" in f["meldung"]]
    result = cli("forderungen", path, "--stichtag", "2026-01-07")
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(path)["Rechnungen"]
    header = {c.value: c.column for c in sheet[1]}
    assert sheet.cell(2, header["Status"]).value == "offen"
    assert sheet.cell(2, header["Tage überfällig"]).value == 0


def test_in_nrw_the_same_invoice_is_overdue(cli, make_book):
    path = make_book(kunden=[GEWERBE], settings={"bundesland": "Nordrhein-Westfalen"},
                     rechnungen=[invoice(faellig_am=date(2026, 1, 6))])
    assert cli("forderungen", path, "--stichtag", "2026-01-07").exit_code == 0
    sheet = openpyxl.load_workbook(path)["Rechnungen"]
    header = {c.value: c.column for c in sheet[1]}
    assert sheet.cell(2, header["Status"]).value == "überfällig"


def test_an_unknown_bundesland_is_a_fehler_and_refused_where_dates_are_computed(
        cli, make_book):
    path = make_book(kunden=[GEWERBE], settings={"bundesland": "Bavaria"})
    before = sha256(path)
    found = findings(cli, path)
    where = setting_cell(path, "Bundesland")
    assert (where, "Fehler") in cells(found, "einstellung")
    refused = cli("termine", path, "--stichtag", "2026-01-10")
    assert refused.exit_code == 2 and where in " ".join(refused.output.split())
    assert sha256(path) == before


def test_an_empty_bundesland_is_warned(cli, make_book):
    path = make_book(kunden=[GEWERBE], settings={"bundesland": None})
    found = findings(cli, path)
    assert (setting_cell(path, "Bundesland"), "Warnung") in cells(found, "missing_bundesland")


# --- amounts ------------------------------------------------------------------------------

def test_an_amount_with_more_than_two_decimals_is_warned_and_rounded_half_up(cli, make_book):
    """Netto 100,005 € is 100,01 € (half up; banker's rounding would give 100,00), so
    19 % make 119,01 €; a payment typed as 119,005 € is 119,01 € too and pays it."""
    path = make_book(kunden=[GEWERBE], rechnungen=[invoice(
        netto=100.005, bezahlt_am=date(2026, 1, 8), bezahlt_betrag=119.005,
        faellig_am=date(2026, 1, 19))])
    found = [f for f in findings(cli, path) if f["regel"] == "typ"]
    assert {f["adresse"] for f in found} == {"Rechnungen!F2", "Rechnungen!J2"}
    assert all(f["schwere"] == "Warnung" and "kaufmännisch" in f["meldung"] for f in found)
    assert any("100,01 €" in f["meldung"] for f in found)
    assert cli("forderungen", path, "--stichtag", "2026-01-10").exit_code == 0
    sheet = openpyxl.load_workbook(path)["Rechnungen"]
    header = {c.value: c.column for c in sheet[1]}
    assert sheet.cell(2, header["Brutto"]).value == pytest.approx(119.01)
    assert sheet.cell(2, header["Status"]).value == "bezahlt"
    assert sheet.cell(2, header["Netto"]).value == pytest.approx(100.005)   # typed stays


@given(cents=st.integers(-10 ** 9, 10 ** 9), extra=st.integers(0, 9))
def test_money_is_rounded_half_up_and_only_real_fractions_of_a_cent_are_reported(cents,
                                                                                   extra):
    typed = Decimal(cents) / 100 + Decimal(extra) / 1000
    money, more = money_parts(float(typed))
    assert money == typed.quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert more == (extra != 0)
