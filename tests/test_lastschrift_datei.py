"""SEPA direct debit file (#21, item 5): `kundenbuch lastschrift` writes a pain.008.001.08
that the XSD accepts, with the right sequence type, collection day and amount, logs it,
and never collects an invoice twice; ordered invoices are not dunned."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from kundenbuch import api
from kundenbuch.book.reader import read_book
from kundenbuch.rules.direct_debit import target_business_day

from conftest import sha256

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}
NOW = datetime(2026, 12, 7, 9, 0)


def xsd():
    import sepaxml
    return etree.XMLSchema(etree.parse(str(Path(sepaxml.__file__).parent / "schemas"
                                           / "pain.008.001.08.xsd")))


@pytest.fixture
def book(make_book):
    return make_book(
        kunden=[{"kundennr": "K-0002", "vorname": "Ida", "nachname": "Lenz",
                 "kundenart": "Privat", "strasse": "Weg 2", "plz": "50667", "ort": "Köln",
                 "zahlungsart": "Lastschrift", "iban": "DE89370400440532013000",
                 "mandatsreferenz": "M-0002", "mandat_vom": date(2026, 1, 2)},
                {"kundennr": "K-0003", "firma": "Müller & Söhne GmbH", "nachname": "Müller",
                 "kundenart": "Gewerbe", "strasse": "Weg 3", "plz": "50667", "ort": "Köln",
                 "zahlungsart": "Lastschrift", "iban": "DE02120300000000202051",
                 "mandatsreferenz": "M-0003", "mandat_vom": date(2026, 3, 2)},
                {"kundennr": "K-0004", "nachname": "Ohne", "kundenart": "Privat",
                 "zahlungsart": "Lastschrift", "iban": "DE75512108001245126199"}],
        rechnungen=[{"rechnungsnr": "2026-0043", "kundennr": "K-0002",
                     "rechnungsdatum": date(2026, 11, 25), "netto": 50.0, "ust_satz": 19},
                    {"rechnungsnr": "2026-0044", "kundennr": "K-0003",
                     "rechnungsdatum": date(2026, 11, 30), "netto": 300.0, "ust_satz": 19},
                    {"rechnungsnr": "2026-0040", "kundennr": "K-0003",
                     "rechnungsdatum": date(2026, 10, 1), "netto": 100.0, "ust_satz": 19},
                    {"rechnungsnr": "2026-0045", "kundennr": "K-0004",
                     "rechnungsdatum": date(2026, 11, 25), "netto": 10.0, "ust_satz": 19}],
        zahlungen=[{"datum": date(2026, 10, 15), "betrag": 119.0, "kundennr": "K-0003",
                    "rechnungsnr": "2026-0040", "art": "Lastschrift"}])


def test_the_file_validates_and_collects_each_due_invoice_once(book):
    result = api.lastschrift(book, NOW)
    root = etree.parse(str(result.file))
    xsd().assertValid(root)
    transactions = {t.findtext("p:PmtId/p:EndToEndId", namespaces=NS): t
                    for t in root.iterfind(".//p:DrctDbtTxInf", NS)}
    assert sorted(transactions) == ["2026-0043", "2026-0044"]    # K-0004 has no mandate
    assert transactions["2026-0044"].findtext("p:InstdAmt", namespaces=NS) == "357.00"
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "416.50"
    batches = {b.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS):
               b.findtext("p:ReqdColltnDt", namespaces=NS)
               for b in root.iterfind(".//p:PmtInf", NS)}
    # Lenz: first collection of her mandate; Müller was collected in October
    # 25.11. + 14 days = 09.12., a Wednesday; 30.11. + 14 = 14.12., a Monday
    assert batches == {"FRST": "2026-12-09", "RCUR": "2026-12-14"}
    assert target_business_day(date(2026, 12, 14)) == date(2026, 12, 14)
    protocol = [r for r in read_book(book).records["Protokoll"] if r["art"] == "Lastschrift"]
    assert {r["rechnungen"] for r in protocol} == {"2026-0043", "2026-0044"}
    assert all(r["sha256"] == sha256(result.file) for r in protocol)
    # a second run orders nothing again
    again = api.lastschrift(book, NOW)
    assert again.orders == [] and again.file is None


def test_ordered_invoices_are_not_dunned_until_returned(cli, book, tmp_path):
    api.lastschrift(book, NOW)
    late = cli("forderungen", book, "--stichtag", "2027-01-31")
    assert late.exit_code == 0, late.output
    assert "2026-0043" not in late.output.split("Mahnbriefe")[-1]
    # the bank returns the collection: the invoice is back on the ladder
    import openpyxl
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Zahlungen"]
    row = sheet.max_row + 1
    headers = [c.value for c in sheet[1]]
    for header, value in (("Datum", datetime(2026, 12, 9)), ("Betrag", 59.5),
                          ("Kundennr", "K-0002"), ("Rechnungsnr", "2026-0043"),
                          ("Art", "Lastschrift")):
        sheet.cell(row, headers.index(header) + 1, value)
    for header, value in (("Datum", datetime(2026, 12, 14)), ("Betrag", -62.5),
                          ("Kundennr", "K-0002"), ("Art", "Rücklastschrift")):
        sheet.cell(row + 1, headers.index(header) + 1, value)
    sheet.tables["Zahlungen"].ref = f"A1:K{row + 1}"
    workbook.save(book)
    result = cli("forderungen", book, "--stichtag", "2027-01-31")
    assert "2026-0043" in result.output.split("Mahnbriefe")[-1]


def test_a_wrong_creditor_id_makes_no_file(cli, make_book, book):
    import openpyxl
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Einstellungen"]
    row = next(r for r in range(2, 60) if sheet.cell(r, 1).value == "Gläubiger-ID")
    sheet.cell(row, 2).value = "DE00ZZZ09999999999"
    workbook.save(book)
    before = sha256(book)
    result = cli("lastschrift", book)
    assert result.exit_code == 2 and "Gläubiger-ID" in result.output
    assert sha256(book) == before
    assert not (book.parent / "lastschriften").exists()


def test_probelauf_lists_and_writes_no_file(cli, book):
    before = sha256(book)
    result = cli("lastschrift", book, "--faellig", "2026-12-31", "--probelauf")
    assert result.exit_code == 0, result.output
    assert "2026-0043" in result.output and "FRST" in result.output
    assert sha256(book) == before
    assert not (book.parent / "lastschriften").exists()
