"""Bank statements (#21, item 3): camt, MT940 and the German banks' CSV read into one
kind of line; sure matches become payments, the rest waits in Zahlungsabgleich for the
user's answer; nothing is taken twice; a bad file changes nothing."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from kundenbuch.bank.lines import BankFileError
from kundenbuch.bank.read import read_statement
from kundenbuch.book.reader import read_book
from kundenbuch.rules.references import creditor_reference

from bank_files import CSV_BANKS, WITHOUT_IBAN, Booking, bank_csv, camt, mt940
from conftest import REPO, sha256

SAMPLES = REPO.parent / "shared" / "testdata" / "bank"
D = Decimal
HOBEL_IBAN = "DE02120300000000202051"
LENZ_IBAN = "DE89370400440532013000"


def sample(name: str) -> Path:
    import os
    if not SAMPLES.is_dir():
        if os.environ.get("CI"):
            pytest.fail("../shared/testdata/bank fehlt in CI")
        pytest.skip("die Beispiel-Kontoauszüge aus ../shared/testdata liegen nicht neben "
                    "diesem Klon; CI legt sie daneben")
    return SAMPLES / name


@pytest.fixture
def book(make_book):
    return make_book(
        kunden=[{"kundennr": "K-0001", "firma": "Tischlerei Hobelspan GmbH",
                 "nachname": "Hobel", "kundenart": "Gewerbe", "strasse": "Weg 1",
                 "plz": "50667", "ort": "Köln", "iban": HOBEL_IBAN},
                {"kundennr": "K-0002", "anrede": "Frau", "vorname": "Ida", "nachname": "Lenz",
                 "kundenart": "Privat", "strasse": "Weg 2", "plz": "50667", "ort": "Köln",
                 "zahlungsart": "Lastschrift", "iban": LENZ_IBAN,
                 "mandatsreferenz": "M-0002", "mandat_vom": date(2026, 1, 2)}],
        rechnungen=[{"rechnungsnr": "2026-0041", "kundennr": "K-0001",
                     "rechnungsdatum": date(2026, 10, 1), "leistung": "Regal",
                     "netto": 100.0, "ust_satz": 19},
                    {"rechnungsnr": "2026-0042", "kundennr": "K-0001",
                     "rechnungsdatum": date(2026, 10, 2), "leistung": "Tür",
                     "netto": 200.0, "ust_satz": 19},
                    {"rechnungsnr": "2026-0043", "kundennr": "K-0002",
                     "rechnungsdatum": date(2026, 9, 1), "leistung": "Wartung",
                     "netto": 50.0, "ust_satz": 19}],
        zahlungen=[{"datum": date(2026, 9, 16), "betrag": 59.5, "kundennr": "K-0002",
                    "rechnungsnr": "2026-0043", "art": "Lastschrift", "buchungs_id": "LS-1"}],
        settings={"stichtag": date(2026, 10, 31)})


SURE = Booking(date(2026, 10, 10), D("119.00"), "TISCHLEREI HOBELSPAN GMBH", HOBEL_IBAN,
               "Rechnung 2026-0041 vielen Dank", bank_id="B-1")


def _run(cli, path, *files):
    result = cli("bank", *files, path)
    assert result.exit_code == 0, result.output
    return result


def _write(tmp_path, name, text) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Reading: every format into the same lines.

def test_the_sample_statements_are_read_with_amount_party_and_reference():
    for name in ("genkgo_camt053.v2.minimal.xml", "genkgo_camt053.v8.xml"):
        kind, lines = read_statement(sample(name))
        assert kind == "camt.053"
        assert [(l.amount, l.name, l.iban, l.reference) for l in lines] == [
            (D("8.85"), "NAME NAME", "NL56AGDH9619008421", "4654654654654654")]
    kind, (line,) = read_statement(sample("hbci4java_camt052_ruecklastschrift.xml"))
    assert kind == "camt.052"
    assert (line.amount, line.returned, line.return_reason, line.fee, line.mandate,
            line.name) == (D("-53.00"), True, "MS03", D("3.00"), "TEST1234", "Sven Schuldner")


@pytest.mark.parametrize("message", ["053", "052", "054"])
@pytest.mark.parametrize("version", ["02", "08"])
def test_camt_messages_of_each_kind_and_version_give_the_same_line(tmp_path, message, version):
    path = _write(tmp_path, "auszug.xml", camt([SURE], message, version))
    kind, (line,) = read_statement(path)
    assert kind == f"camt.{message}"
    assert (line.day, line.amount, line.name, line.iban, line.purpose, line.booking_id) == (
        SURE.day, SURE.amount, SURE.name, SURE.iban, SURE.purpose, "B-1")


def test_mt940_is_read(tmp_path):
    path = _write(tmp_path, "auszug.sta", mt940([SURE]))
    kind, (line,) = read_statement(path)
    assert kind == "MT940"
    assert (line.day, line.amount, line.iban) == (SURE.day, SURE.amount, SURE.iban)
    assert "2026-0041" in line.purpose and line.name == SURE.name


@pytest.mark.parametrize("bank", sorted(CSV_BANKS))
def test_each_banks_csv_layout_is_recognised(tmp_path, bank):
    path = _write(tmp_path, "umsaetze.csv", bank_csv(bank, [SURE]))
    kind, (line,) = read_statement(path)
    assert kind == bank
    assert (line.day, line.amount) == (SURE.day, SURE.amount)
    assert line.iban == ("" if bank in WITHOUT_IBAN else SURE.iban)
    assert "2026-0041" in line.purpose


# Importing into the book.

@pytest.mark.parametrize("form", ["camt", "mt940", *sorted(CSV_BANKS)])
def test_a_sure_payment_becomes_a_zahlungen_row_and_pays_the_invoice(cli, book, tmp_path,
                                                                     form):
    text = (camt([SURE]) if form == "camt" else mt940([SURE]) if form == "mt940"
            else bank_csv(form, [SURE]))
    statement = _write(tmp_path, "auszug.xml" if form == "camt" else "auszug.csv", text)
    result = _run(cli, book, statement)
    assert "Zugeordnet: 1 (119,00 €)" in result.output
    paid = read_book(book)
    row = paid.zahlungen[-1]
    assert (row["datum"], row["betrag"], row["kundennr"], row["rechnungsnr"]) == (
        SURE.day, D("119.00"), "K-0001", "2026-0041")
    invoice = next(i for i in paid.rechnungen if i["rechnungsnr"] == "2026-0041")
    assert invoice["status"] == "bezahlt" and invoice["offen"] == 0
    assert row["zugeordnet"] == "2026-0041: 119,00 €"


def test_the_girocode_reference_alone_matches_exactly(cli, book, tmp_path):
    by_code = Booking(date(2026, 10, 11), D("238.00"), "Hobelspan", HOBEL_IBAN,
                      "Danke", reference=creditor_reference(["2026-0042"]), bank_id="B-9")
    _run(cli, book, _write(tmp_path, "a.xml", camt([by_code])))
    assert read_book(book).zahlungen[-1]["rechnungsnr"] == "2026-0042"


def test_one_transfer_for_two_invoices(cli, book, tmp_path):
    both = Booking(date(2026, 10, 12), D("357.00"), "Tischlerei Hobelspan GmbH", HOBEL_IBAN,
                   "RE 2026-0041 und 2026-0042", bank_id="B-2")
    _run(cli, book, _write(tmp_path, "a.xml", camt([both])))
    paid = read_book(book)
    assert paid.zahlungen[-1]["rechnungsnr"] == "2026-0041, 2026-0042"
    assert {i["rechnungsnr"]: i["offen"] for i in paid.rechnungen}["2026-0042"] == 0


def test_unsure_lines_wait_in_zahlungsabgleich_until_the_user_answers(cli, book, tmp_path):
    partial = Booking(date(2026, 10, 12), D("200.00"), "Tischlerei Hobelspan", "",
                      "Abschlag Rechnung 2026-0042", bank_id="B-2")
    stranger = Booking(date(2026, 10, 13), D("119.00"), "Unbekannt", "DE75512108001245126199",
                       "Danke", bank_id="B-3")
    result = _run(cli, book, _write(tmp_path, "a.xml", camt([partial, stranger])))
    assert "zu bestätigen: 2 (319,00 €)" in result.output
    sheet = openpyxl.load_workbook(book)["Zahlungsabgleich"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[:1] == ["Buchungs-ID"])
    waiting = {r[0]: r for r in rows[header + 1:] if r[0]}
    assert "2026-0042" in waiting["B-2"][6]             # the candidate, with its reason
    assert "Betrag passt" in waiting["B-3"][6]          # 2026-0041 is open with 119,00 €
    # the user answers in Excel, the next run takes it first
    zuordnen = rows[header].index("Zuordnen") + 1
    sheet.cell(header + 2, zuordnen, "2026-0042")
    sheet.cell(header + 3, zuordnen, "ignorieren")
    sheet.parent.save(book)
    result = _run(cli, book)
    assert "Aus dem Zahlungsabgleich übernommen: 1 Zahlung, 1 ignoriert" in result.output
    paid = read_book(book)
    assert paid.zahlungen[-1]["rechnungsnr"] == "2026-0042"
    assert {i["rechnungsnr"]: i["offen"] for i in paid.rechnungen}["2026-0042"] == D("38.00")
    # the same statement again: the payment is there, the ignored line stays ignored
    result = _run(cli, book, _write(tmp_path, "a.xml", camt([partial, stranger])))
    assert "schon übernommen: 2" in result.output
    assert len(read_book(book).zahlungen) == len(paid.zahlungen)


def test_an_answer_kundenbuch_cannot_use_keeps_the_line_waiting(cli, book, tmp_path):
    stranger = Booking(date(2026, 10, 13), D("70.00"), "Unbekannt", HOBEL_IBAN, "Danke",
                       bank_id="B-3")
    _run(cli, book, _write(tmp_path, "a.xml", camt([stranger])))
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Zahlungsabgleich"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "Zuordnen")
    sheet.cell(cell.row + 1, cell.column, "2026-9999")
    workbook.save(book)
    result = _run(cli, book)
    assert "2026-9999" in result.output and "weder eine Rechnungsnr" in result.output
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(book)["Zahlungsabgleich"]
            .iter_rows()]
    assert any(r[0] == "B-3" and r[7] == "2026-9999" for r in rows)   # still there


def test_a_statement_read_twice_or_overlapping_adds_nothing_twice(cli, book, tmp_path):
    second = Booking(date(2026, 10, 20), D("238.00"), "Tischlerei Hobelspan GmbH",
                     HOBEL_IBAN, "2026-0042")          # no bank id: known by its content
    _run(cli, book, _write(tmp_path, "okt1.xml", camt([SURE])))
    _run(cli, book, _write(tmp_path, "okt2.xml", camt([SURE, second])))
    result = _run(cli, book, _write(tmp_path, "okt3.csv", bank_csv("ING", [second])))
    assert "schon übernommen: 1" in result.output
    rows = read_book(book).zahlungen
    assert [r["rechnungsnr"] for r in rows] == ["2026-0043", "2026-0041", "2026-0042"]


def test_a_returned_direct_debit_reopens_the_invoice_with_the_fee(cli, book, tmp_path):
    returned = Booking(date(2026, 9, 22), D("-62.50"), "Ida Lenz", LENZ_IBAN,
                       "RUECKLASTSCHRIFT", mandate="M-0002", return_reason="AM04",
                       fee=D("3.00"), bank_id="R-1")
    result = _run(cli, book, _write(tmp_path, "a.xml", camt([returned])))
    assert "Rücklastschrift" in result.output
    paid = read_book(book)
    row = paid.zahlungen[-1]
    assert row["art"] == "Rücklastschrift" and row["kundennr"] == "K-0002"
    assert "AM04 (keine Deckung)" in row["notiz"]
    assert "2026-0043: 59,50 € wieder offen; Bankgebühr 3,00 €" in row["zugeordnet"]
    invoice = next(i for i in paid.rechnungen if i["rechnungsnr"] == "2026-0043")
    assert invoice["offen"] == D("59.50") and invoice["status"] == "überfällig"


def test_the_sample_return_is_matched_by_its_mandate(cli, make_book):
    path = make_book(
        kunden=[{"kundennr": "K-0001", "vorname": "Sven", "nachname": "Schuldner",
                 "kundenart": "Privat", "zahlungsart": "Lastschrift", "iban": "DE1",
                 "mandatsreferenz": "TEST1234", "mandat_vom": date(2021, 1, 4)}],
        rechnungen=[{"rechnungsnr": "2021-0007", "kundennr": "K-0001",
                     "rechnungsdatum": date(2021, 3, 1), "netto": 50.0, "ust_satz": 0}],
        zahlungen=[{"datum": date(2021, 3, 22), "betrag": 50.0, "kundennr": "K-0001",
                    "art": "Lastschrift"}],
        settings={"stichtag": date(2021, 3, 31)})
    _run(cli, path, sample("hbci4java_camt052_ruecklastschrift.xml"))
    invoice = read_book(path).rechnungen[0]
    assert invoice["offen"] == D("50.00")


def test_debits_and_unrelated_credits_are_ignored_and_counted(cli, book, tmp_path):
    phone = Booking(date(2026, 10, 15), D("-45.00"), "Telefon AG", "", "Oktober",
                    bank_id="D-1")
    refund = Booking(date(2026, 10, 16), D("500.00"), "Finanzamt", "", "Erstattung",
                     bank_id="D-2")
    result = _run(cli, book, _write(tmp_path, "a.xml", camt([phone, refund])))
    assert ("ignoriert: 1 Eingang (500,00 €) und 1 Abbuchung (45,00 €)"
            in result.output)
    listed = result.output.split("Ignoriert")[1]
    assert "Finanzamt" in listed and "Telefon AG" in listed and "Abbuchung" in listed
    assert len(read_book(book).zahlungen) == 1


def test_probelauf_shows_and_writes_nothing(cli, book, tmp_path):
    before = sha256(book)
    result = cli("bank", _write(tmp_path, "a.xml", camt([SURE])), book, "--probelauf")
    assert result.exit_code == 0 and "Zugeordnet: 1" in result.output
    assert sha256(book) == before


def test_an_unknown_csv_is_read_by_a_mapping_kept_in_the_settings(cli, book, tmp_path):
    own = _write(tmp_path, "hausbank.csv", "Tag;Summe;Von;Text;Konto\n"
                 "10.10.2026;119,00;Tischlerei Hobelspan GmbH;RE 2026-0041;"
                 f"{HOBEL_IBAN}\n")
    refused = cli("bank", own, book)
    assert refused.exit_code == 2 and "--spalten" in refused.output
    result = cli("bank", own, book, "--spalten",
                 "Datum=Tag; Betrag=Summe; Name=Von; Verwendungszweck=Text; IBAN=Konto")
    assert result.exit_code == 0, result.output
    assert "Bank-CSV Spalten" in result.output
    assert read_book(book).settings.get("bank_csv_spalten").startswith("Datum=Tag")
    again = _write(tmp_path, "hausbank2.csv", "Tag;Summe;Von;Text;Konto\n"
                   f"11.10.2026;238,00;Tischlerei Hobelspan GmbH;RE 2026-0042;{HOBEL_IBAN}\n")
    assert "Zugeordnet: 1" in _run(cli, book, again).output


def test_a_book_without_the_table_is_told_what_to_do(cli, make_book, tmp_path):
    path = make_book(kunden=[{"kundennr": "K-1", "nachname": "A", "kundenart": "Privat"}])
    result = cli("bank", _write(tmp_path, "a.xml", camt([SURE])), path)
    assert result.exit_code == 2 and "zahlungen einrichten" in result.output


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(min_size=1, max_size=300),
    st.sampled_from(["camt", "csv", "mt940"]).flatmap(
        lambda kind: st.tuples(st.just(kind), st.integers(10, 400), st.text(max_size=8)))))
def test_a_malformed_file_is_refused_in_german_and_the_book_stays(cli, book, tmp_path, data):
    if isinstance(data, tuple):
        kind, cut, junk = data
        text = {"camt": camt([SURE]), "csv": bank_csv("ING", [SURE]),
                "mt940": mt940([SURE])}[kind]
        data = (text[:cut] + junk).encode("utf-8")
    statement = tmp_path / "kaputt.dat"
    statement.write_bytes(data)
    before = sha256(book)
    try:
        read_statement(statement)
    except BankFileError as exc:
        assert "kaputt.dat" in str(exc)
        result = cli("bank", statement, book)
        assert result.exit_code == 2 and "Fehler" in result.output
        assert "Traceback" not in result.output
        assert sha256(book) == before


def test_the_month_end_takes_the_answers_and_shows_what_waits(cli, book, tmp_path):
    partial = Booking(date(2026, 10, 12), D("200.00"), "Tischlerei Hobelspan", "",
                      "Abschlag Rechnung 2026-0042", bank_id="B-2")
    stranger = Booking(date(2026, 10, 13), D("70.00"), "Unbekannt", "", "Danke 2026-0041",
                       bank_id="B-3")
    _run(cli, book, _write(tmp_path, "a.xml", camt([partial, stranger])))
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Zahlungsabgleich"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "Zuordnen")
    first = next(r for r in range(cell.row + 1, cell.row + 4)
                 if sheet.cell(r, 1).value == "B-2")
    sheet.cell(first, cell.column, "2026-0042")
    workbook.save(book)
    result = cli("monatsabschluss", book, "--briefdatum", "2026-11-02")
    assert result.exit_code in (0, 1), result.output
    assert "Aus dem Zahlungsabgleich übernommen: 1 Zahlung" in result.output
    assert "Zu bestätigen: 1 Buchung" in result.output
    paid = read_book(book)
    assert paid.zahlungen[-1]["buchungs_id"] == "B-2"
    assert paid.zahlungen[-1]["zugeordnet"] == "2026-0042: 200,00 €"
    posten = [[c.value for c in r] for r in openpyxl.load_workbook(book)["Offene Posten"]
              .iter_rows()]
    heading = next(i for i, r in enumerate(posten)
                   if str(r[0]).startswith("Zahlungen zu bestätigen"))
    assert posten[heading + 2][3] == "Danke 2026-0041"


def test_an_overpayment_confirmed_for_its_invoice_pays_the_next_open_one(cli, book, tmp_path):
    more = Booking(date(2026, 10, 12), D("150.00"), "Tischlerei Hobelspan GmbH",
                   HOBEL_IBAN, "RE 2026-0041", bank_id="B-7")
    result = _run(cli, book, _write(tmp_path, "a.xml", camt([more])))
    assert "zu bestätigen: 1 (150,00 €)" in result.output      # the amount does not fit
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Zahlungsabgleich"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "Zuordnen")
    sheet.cell(cell.row + 1, cell.column, "2026-0041")
    workbook.save(book)
    _run(cli, book)
    paid = read_book(book)
    # 119,00 € pay 2026-0041, 31,00 € go on to the older open 2026-0042 (§ 366 BGB)
    assert paid.zahlungen[-1]["zugeordnet"] == "2026-0041: 119,00 €; 2026-0042: 31,00 €"
    assert {i["rechnungsnr"]: i["offen"] for i in paid.rechnungen}["2026-0042"] == D("207.00")
