"""Cancellations and credit notes: a new row with a negative Netto and "Storno zu"
(GoBD: the issued invoice is never changed). A full Storno cancels the original from
its date (not open, not dunned, no interest); a partial credit lowers what it owes.
The correction's document says what it corrects and asks for no payment."""
from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

from conftest import needs_libreoffice
from kundenbuch.book.reader import read_book
from kundenbuch.checks import run_checks
from kundenbuch.einvoice.validate import validate

CLIENT = {"kundennr": "K-1", "anrede": "Firma", "firma": "Werkstatt Beispiel GmbH",
          "strasse": "Hafenstraße 3", "plz": "20457", "ort": "Hamburg",
          "kundenart": "Gewerbe", "iban": "DE02120300000000202051",
          "kunde_seit": date(2025, 1, 1)}
ORIGINAL = {"rechnungsnr": "2026-0100", "kundennr": "K-1",
            "rechnungsdatum": date(2026, 9, 1), "leistung": "Beratung", "netto": 1000.0,
            "ust_satz": 19, "faellig_am": date(2026, 9, 15)}


def _storno(netto=-1000.0, **extra):
    return {"rechnungsnr": "2026-0101", "kundennr": "K-1",
            "rechnungsdatum": date(2026, 10, 20), "leistung": "Storno Beratung",
            "netto": netto, "ust_satz": 19, "storno_zu": "2026-0100", **extra}


def _row(book, number):
    return next(i for i in book.rechnungen if i["rechnungsnr"] == number)


def test_a_full_storno_cancels_the_original_from_its_date(cli, make_book):
    path = make_book(kunden=[CLIENT], rechnungen=[ORIGINAL, _storno()])
    before = cli("forderungen", path, "--stichtag", "2026-10-19")
    assert before.exit_code == 0, before.output
    original = _row(read_book(path), "2026-0100")
    assert original["status"] == "überfällig" and original["verzugszinsen"] > 0
    after = cli("forderungen", path, "--stichtag", "2026-10-31")
    assert after.exit_code == 0, after.output
    book = read_book(path)
    original, storno = _row(book, "2026-0100"), _row(book, "2026-0101")
    assert original["status"] == "storniert"
    assert original["verzugszinsen"] is None and original["offen"] == 0
    assert storno["offen"] == 0 and storno["brutto"] == Decimal("-1190.00")
    assert book.kunden[0]["offener_betrag"] == 0
    letters = cli("briefe", path, "--stichtag", "2026-10-31", "--art", "mahnung")
    assert "Keine Briefe fällig" in letters.output        # the cancelled one is not dunned


def test_a_partial_credit_lowers_what_the_original_owes(cli, make_book):
    path = make_book(kunden=[CLIENT], rechnungen=[ORIGINAL, _storno(netto=-200.0)])
    result = cli("forderungen", path, "--stichtag", "2026-10-31")
    assert result.exit_code == 0, result.output
    original = _row(read_book(path), "2026-0100")
    assert original["status"] == "überfällig"
    assert original["offen"] == Decimal("952.00")             # 1.190,00 − 238,00


def test_the_storno_document_refers_to_the_original_and_asks_for_nothing(cli, make_book):
    needs_libreoffice()
    path = make_book(kunden=[CLIENT], rechnungen=[ORIGINAL, _storno()])
    result = cli("briefe", path, "--stichtag", "2026-10-31", "--briefdatum", "2026-10-20",
                 "--art", "rechnung", "--pdf")
    assert result.exit_code == 0, result.output
    assert "E-Rechnung 2026-0101: ZUGFeRD" in result.output
    pdf = next((path.parent / "briefe").rglob("Stornorechnung_2026-0101_K-1.pdf"))
    text = " ".join(subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Stornorechnung 2026-0101" in text
    assert "stornieren wir unsere Rechnung 2026-0100 vom 1. September 2026" in text
    assert "-1.190,00 €" in text and "Sie müssen nichts zahlen" in text
    assert "Bitte zahlen Sie" not in text and "GiroCode" not in text
    from facturx import get_xml_from_pdf
    _, xml = get_xml_from_pdf(pdf.read_bytes(), check_xsd=False)
    checked = validate(xml)
    assert checked.ok, [str(f) for f in checked.errors]
    credit = checked.invoice
    assert (credit.type_code, credit.preceding) == ("381", ("2026-0100", date(2026, 9, 1)))
    assert credit.payable == Decimal("1190.00")            # a credit note states it positive


def test_a_partial_credit_is_a_rechnungskorrektur(cli, make_book):
    path = make_book(kunden=[CLIENT], rechnungen=[ORIGINAL, _storno(netto=-200.0)])
    result = cli("briefe", path, "--stichtag", "2026-10-31", "--briefdatum", "2026-10-20",
                 "--rechnung", "2026-0101", "--erechnung")    # 238 € is a small amount
    assert result.exit_code == 0, result.output
    made = [p.name for p in (path.parent / "briefe").rglob("*.*")]
    assert "Rechnungskorrektur_2026-0101_K-1.docx" in made
    xml = next((path.parent / "briefe").rglob("*.xml")).read_bytes()
    checked = validate(xml)
    assert checked.ok and checked.invoice.payable == Decimal("238.00")


def _messages(path):
    return [f.message for f in run_checks(read_book(path), date(2026, 10, 31))]


def test_a_correction_that_does_not_fit_is_a_fehler(make_book):
    path = make_book(kunden=[CLIENT], rechnungen=[
        ORIGINAL, _storno(storno_zu="2026-0999"),
        {**_storno(netto=100.0), "rechnungsnr": "2026-0102"},
        {**_storno(netto=-1200.0), "rechnungsnr": "2026-0103"}])
    messages = " | ".join(_messages(path))
    assert "die Rechnung 2026-0999 gibt es im Blatt Rechnungen nicht" in messages
    assert "braucht einen negativen Nettobetrag" in messages
    assert "die Rechnung war nur 1.000,00 €" in messages


def test_a_locked_invoice_is_not_cancelled_in_place(cli, make_book):
    path = make_book(kunden=[CLIENT], rechnungen=[{**ORIGINAL,
                                                   "rechnungsdatum": date(2026, 10, 1),
                                                   "faellig_am": date(2026, 11, 15)}])
    made = cli("briefe", path, "--stichtag", "2026-10-31", "--briefdatum", "2026-10-01",
               "--rechnung", "2026-0100")
    assert made.exit_code == 0, made.output
    import openpyxl
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Rechnungen"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(2, headers.index("Storniert") + 1, "ja")
    workbook.save(path)
    assert any("lässt sich nicht mehr mit Storniert = ja aufheben" in m
               for m in _messages(path))
