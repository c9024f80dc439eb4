"""Each check rule: one workbook with the problem, the finding at the right cell."""
from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest

from kundenbuch import api

STICHTAG = date(2026, 6, 20)   # the base-rate table covers this half-year


def client(number=1, **values):
    return {"kundennr": f"K-{number:04d}", "anrede": "Frau", "vorname": "Ida",
            "nachname": f"Beispiel{number}", "strasse": f"Weg {number}", "plz": "50667",
            "ort": "Köln", "email": f"ida{number}@example.org", "kundenart": "Gewerbe",
            "zahlungsart": "Überweisung", "kunde_seit": date(2024, 1, 1), **values}


def invoice(number=1, **values):
    return {"rechnungsnr": f"2026-{number:04d}", "kundennr": "K-0001",
            "rechnungsdatum": date(2026, 3, number % 28 + 1),
            "leistungsdatum": date(2026, 3, 1), "leistung": "Beratung", "netto": 500.0,
            "ust_satz": 19, **values}


def findings(path, stichtag=STICHTAG):
    result = api.pruefen(path, stichtag, datetime(2026, 11, 20, 12))
    return {(f.rule, f.address, f.severity) for f in result.findings}


def rules(path, stichtag=STICHTAG):
    return {rule for rule, _, _ in findings(path, stichtag)}


def test_clean_book_has_no_findings(make_book):
    path = make_book(kunden=[client(1), client(2)],
                     rechnungen=[invoice(1), invoice(2, kundennr="K-0002")])
    assert findings(path) == set()


def test_required_cell_empty(make_book):
    path = make_book(kunden=[client(1)], rechnungen=[invoice(1, netto=None)])
    assert ("required_cells", "Rechnungen!F2", "Fehler") in findings(path)


def test_text_in_date_and_number_columns(make_book):
    path = make_book(kunden=[client(1)],
                     rechnungen=[invoice(1, rechnungsdatum="gestern", netto="viel")])
    found = findings(path)
    assert ("typ", "Rechnungen!C2", "Fehler") in found
    assert ("typ", "Rechnungen!F2", "Fehler") in found


def test_value_outside_allowed_list(make_book):
    path = make_book(kunden=[client(1, kundenart="Verein")],
                     rechnungen=[invoice(1, ust_satz=16)])
    found = findings(path)
    assert ("typ", "Kunden!L2", "Fehler") in found
    assert ("typ", "Rechnungen!G2", "Fehler") in found


def test_vat_rate_formatted_as_percent_is_understood(make_book):
    path = make_book(kunden=[client(1)], rechnungen=[invoice(1, ust_satz=0.19)])
    assert findings(path) == set()


def test_dates_in_the_future_where_impossible(make_book):
    path = make_book(kunden=[client(1, kunde_seit=date(2027, 1, 1))],
                     rechnungen=[invoice(1, bezahlt_am=date(2026, 12, 24),
                                         bezahlt_betrag=595.0)])
    found = findings(path)
    assert ("dates_in_future", "Kunden!V2", "Fehler") in found
    assert ("dates_in_future", "Rechnungen!I2", "Fehler") in found


def test_duplicate_numbers(make_book):
    path = make_book(kunden=[client(1), client(1, email="x@example.org")],
                     rechnungen=[invoice(1), invoice(1)])
    found = findings(path)
    assert ("unique_values", "Kunden!A3", "Fehler") in found
    assert ("unique_values", "Rechnungen!A3", "Fehler") in found


def test_gap_in_invoice_numbers(make_book):
    path = make_book(kunden=[client(1)], rechnungen=[invoice(1), invoice(2), invoice(5)])
    found = findings(path)
    assert ("invoice_number_sequence", "Rechnungen!A4", "Warnung") in found
    result = api.pruefen(path, STICHTAG, datetime(2026, 11, 20))
    message = next(f.message for f in result.findings if f.rule == "invoice_number_sequence")
    assert "2026-3 bis 2026-4" in message


def test_unknown_client_numbers_and_referrers(make_book):
    path = make_book(kunden=[client(1, empfohlen_von="K-0099")],
                     rechnungen=[invoice(1, kundennr="K-0042")],
                     termine=[{"datum": date(2026, 5, 4), "art": "Beratung",
                               "kundennr": "K-0077"}])
    found = findings(path)
    assert ("unknown_client_numbers", "Rechnungen!B2", "Fehler") in found
    assert ("unknown_client_numbers", "Termine!D2", "Fehler") in found
    assert ("unknown_referrer", "Kunden!T2", "Fehler") in found


def test_bank_details_postcode_and_email(make_book):
    path = make_book(kunden=[client(1, iban="DE00 1234 5678 9012 3456 78", bic="NOTABIC!",
                                    plz="5066", email="ida(at)example")])
    found = findings(path)
    assert ("client_iban", "Kunden!O2", "Fehler") in found
    assert ("client_bic", "Kunden!P2", "Fehler") in found
    assert ("german_postcode", "Kunden!G2", "Fehler") in found
    assert ("email_syntax", "Kunden!J2", "Warnung") in found


def test_foreign_postcode_is_fine_with_country(make_book):
    path = make_book(kunden=[client(1, plz="1010", land="AT")])
    assert "german_postcode" not in rules(path)


def test_direct_debit_needs_a_mandate(make_book):
    path = make_book(kunden=[client(1, zahlungsart="Lastschrift")])
    found = findings(path)
    assert {("direct_debit_mandate", f"Kunden!{c}2", "Fehler") for c in "OQR"} <= found


def test_probable_duplicate_clients(make_book):
    twin = client(2, vorname="Ida", nachname="Beispiel1", strasse="Weg 1")
    path = make_book(kunden=[client(1), client(3, email="ida1@example.org"), twin])
    found = findings(path)
    assert ("probable_duplicate_clients", "Kunden!J3", "Warnung") in found
    assert ("probable_duplicate_clients", "Kunden!D4", "Warnung") in found


def test_overpaid_and_paid_before_issued(make_book):
    path = make_book(kunden=[client(1)], rechnungen=[invoice(
        1, bezahlt_betrag=700.0, bezahlt_am=date(2026, 1, 5))])
    found = findings(path)
    assert ("overpaid", "Rechnungen!J2", "Warnung") in found
    assert ("paid_before_issued", "Rechnungen!I2", "Warnung") in found


def test_small_business_must_not_charge_vat(make_book):
    path = make_book(kunden=[client(1)], rechnungen=[invoice(1), invoice(2, ust_satz=0)],
                     settings={"kleinunternehmer": "ja"})
    found = findings(path)
    assert ("small_business_with_vat", "Rechnungen!G2", "Fehler") in found
    assert ("small_business_with_vat", "Rechnungen!G3", "Fehler") not in found


def test_invoice_content_and_small_invoice_exception(make_book):
    path = make_book(kunden=[client(1)], rechnungen=[
        invoice(1, leistung=None, leistungsdatum=None),
        invoice(2, netto=200.0, leistungsdatum=None)])        # 238 € gross: small invoice
    found = findings(path)
    assert ("invoice_mandatory_content", "Rechnungen!E2", "Fehler") in found
    assert ("invoice_mandatory_content", "Rechnungen!D2", "Fehler") in found
    assert ("invoice_mandatory_content", "Rechnungen!D3", "Fehler") not in found


def test_own_business_data_for_invoices(make_book):
    path = make_book(kunden=[client(1)], rechnungen=[invoice(1)],
                     settings={"steuernummer": None, "ustid": None, "ort": None})
    found = findings(path)
    assert ("invoice_sender_data", "Einstellungen!B9", "Fehler") in found
    assert ("invoice_sender_data", "Einstellungen!B6", "Fehler") in found


def test_long_payment_term_between_businesses(make_book):
    path = make_book(kunden=[client(1), client(2, kundenart="Privat")], rechnungen=[
        invoice(1, faellig_am=date(2026, 6, 30)),
        invoice(2, kundennr="K-0002", faellig_am=date(2026, 6, 30))])
    found = findings(path)
    assert ("long_business_payment_term", "Rechnungen!H2", "Warnung") in found
    assert ("long_business_payment_term", "Rechnungen!H3", "Warnung") not in found


def test_base_rate_table_older_than_half_year(make_book):
    path = make_book(kunden=[client(1)],
                     basiszins=[{"gueltig_ab": date(2026, 1, 1), "prozent": 1.27}])
    assert "base_rate_current" not in rules(path, date(2026, 6, 30))
    assert ("base_rate_current", "Einstellungen!E1", "Warnung") in findings(
        path, date(2026, 7, 1))


def test_excel_error_values_are_reported(make_book):
    path = make_book(kunden=[client(1, notizen="=1/0")])
    # The template writes "=..." as text; put a real error value into the sheet XML.
    import zipfile
    parts = {}
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            parts[name] = zf.read(name)
    from kundenbuch.book.reader import read_book
    part = read_book(path).package.sheet("Kunden").part
    sheet = parts[part]
    start = sheet.index(b'<c r="Z2"')
    end = sheet.index(b"</c>", start) + 4
    parts[part] = (sheet[:start] + b'<c r="Z2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
                   + sheet[end:])
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert ("excel_errors", "Kunden!Z2", "Fehler") in findings(path)
    # The month-end looks for them in its checking child process: found there too.
    month_end = api.monatsabschluss(path, STICHTAG, datetime(2026, 11, 20), probelauf=True)
    assert any(f.rule == "excel_errors" and f.address == "Kunden!Z2"
               for f in month_end.findings)


def test_missing_sheet_and_column_are_named(make_book, tmp_path):
    import openpyxl
    path = make_book(kunden=[client(1)])
    wb = openpyxl.load_workbook(path)
    del wb["Termine"]
    wb["Kunden"]["L1"] = "Art des Kunden"
    wb.save(path)
    result = api.pruefen(path, STICHTAG, datetime(2026, 11, 20))
    messages = {f.message for f in result.findings if f.rule == "struktur"}
    assert "Das Blatt „Termine“ fehlt in der Arbeitsmappe." in messages
    assert any("„Kundenart“ fehlt" in m for m in messages)


def test_tier_thresholds_must_grow(make_book):
    import openpyxl
    path = make_book(kunden=[client(1)])
    wb = openpyxl.load_workbook(path)
    wb["Stufen"]["B3"] = 0.5            # B below A's 80 %
    wb.save(path)
    assert ("tier_thresholds", "Stufen!B3", "Fehler") in findings(path)


@pytest.mark.parametrize("beginn", [time(9, 30), 0.5])
def test_times_are_read_as_times(make_book, beginn):
    path = make_book(kunden=[client(1)], termine=[{"datum": date(2026, 5, 4),
                                                    "art": "Beratung", "beginn": beginn}])
    assert "typ" not in rules(path)


def test_value_that_crashes_the_fast_reader_is_still_found(make_book, cli):
    """calamine panics on a huge number in a time cell; the fallback reader takes over."""
    path = make_book(kunden=[client(1)], termine=[
        {"datum": date(2026, 5, 4), "art": "Beratung", "beginn": 10**12,
         "kundennr": "K-0001"}])
    result = cli("pruefen", path, "--stichtag", STICHTAG.isoformat(), "--json")
    assert result.exit_code == 1
    found = {(f["regel"], f["adresse"]) for f in json.loads(result.stdout)}
    assert found == {("typ", "Termine!B2")}
    assert "panicked" not in result.output


def test_client_needs_a_name_or_company(make_book):
    path = make_book(kunden=[client(1, nachname=None), client(2, nachname=None,
                                                              firma="Café Zuckerguss")])
    found = findings(path)
    assert ("name_present", "Kunden!D2", "Fehler") in found
    assert ("name_present", "Kunden!D3", "Fehler") not in found


def test_client_who_referred_himself(make_book):
    path = make_book(kunden=[client(1, empfohlen_von="K-0001")])
    assert ("unknown_referrer", "Kunden!T2", "Warnung") in findings(path)


def test_newsletter_consent_without_any_address(make_book):
    path = make_book(kunden=[client(1, email=None, strasse=None,
                                    einwilligung_newsletter=date(2025, 1, 1))])
    assert ("newsletter_consent_without_email", "Kunden!Y2", "Hinweis") in findings(path)


def test_payment_amount_without_date(make_book):
    path = make_book(kunden=[client(1)], rechnungen=[invoice(1, bezahlt_betrag=100.0)])
    assert ("paid_amount_without_date", "Rechnungen!I2", "Warnung") in findings(path)


def test_due_date_before_invoice_date(make_book):
    path = make_book(kunden=[client(1)],
                     rechnungen=[invoice(1, faellig_am=date(2026, 1, 1))])
    assert ("due_before_issued", "Rechnungen!H2", "Fehler") in findings(path)


def test_own_iban_checked_and_required_for_invoices(make_book):
    path = make_book(kunden=[client(1)], rechnungen=[invoice(1)],
                     settings={"iban": "DE89 3704 0044 0532 0130 01"})   # wrong check digits
    assert ("own_bank_account", "Einstellungen!B11", "Fehler") in findings(path)
    path = make_book("ohne.xlsx", kunden=[client(1)], rechnungen=[invoice(1)],
                     settings={"iban": None})
    assert ("own_bank_account", "Einstellungen!B11", "Warnung") in findings(path)


def test_pay_day_must_be_a_day_of_the_month(make_book, cli):
    """Out of its range a number setting is a Fehler at its cell in `pruefen`, among all
    other findings; a command that computes dates refuses it (the limits in the
    schema): a default in its place would write wrong due dates for good."""
    path = make_book(kunden=[client(1)], settings={"zahltag": 32})
    result = cli("pruefen", path, "--json")
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert {"schwere": "Fehler", "adresse": "Einstellungen!B16"} in [
        {k: f[k] for k in ("schwere", "adresse")} for f in found]
    assert any("32 geht nicht; erlaubt sind 1 bis 31" in f["meldung"] for f in found)
    refused = cli("forderungen", path, "--stichtag", "2026-06-20")
    assert refused.exit_code == 2
    assert "Einstellung Zahltag (Einstellungen!B16): 32 geht nicht; erlaubt sind 1 bis 31" in (
        " ".join(refused.output.split()))
