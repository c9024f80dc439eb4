"""Own invoices as e-invoices (§ 14 UStG since 2025): business clients in Germany get a
ZUGFeRD PDF (EN 16931, the XML inside a PDF/A-3), public clients an XRechnung beside the
document. Each is checked before it leaves; one that breaks a rule is not made."""
from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

import pytest

from conftest import needs_libreoffice
from kundenbuch.book.reader import read_book
from kundenbuch.einvoice import cii, outgoing
from kundenbuch.einvoice.read import parse, read_cii, xml_of
from kundenbuch.einvoice.validate import validate
from kundenbuch.runs.letters import due_letters

STICHTAG = ("--stichtag", "2026-10-31", "--briefdatum", "2026-10-20")
LEITWEG = "04011000-12345-03"


def _client(number="K-1", **extra):
    return {"kundennr": number, "anrede": "Firma", "firma": "Werkstatt Beispiel GmbH",
            "vorname": "Jana", "nachname": "Beispiel", "strasse": "Hafenstraße 3",
            "plz": "20457", "ort": "Hamburg", "kundenart": "Gewerbe",
            "email": "buchhaltung@werkstatt.example", "kunde_seit": date(2025, 1, 1),
            **extra}


def _invoice(number="2026-0100", client="K-1", **extra):
    values = {"rechnungsnr": number, "kundennr": client,
              "rechnungsdatum": date(2026, 10, 20), "leistungsdatum": date(2026, 10, 15),
              "leistung": "Workshop mit Handbuch", "netto": None, "ust_satz": None}
    values.update(extra)
    return values


TWO_RATES = [
    {"belegnr": "2026-0100", "pos": 1, "menge": 6, "einheit": "Std",
     "beschreibung": "Workshop", "einzelpreis": 95.0, "ust_satz": 19},
    {"belegnr": "2026-0100", "pos": 2, "menge": 1, "einheit": "pauschal",
     "beschreibung": "Vorbereitung", "einzelpreis": 120.0, "ust_satz": 19, "rabatt": 50},
    {"belegnr": "2026-0100", "pos": 3, "menge": 3, "einheit": "Stk",
     "beschreibung": "Handbuch (gedruckt)", "einzelpreis": 24.90, "ust_satz": 7},
]
# 6 × 95 + 60 = 630,00 at 19 % (119,70), 74,70 at 7 % (5,23): 829,63 gross


def _embedded(pdf):
    from facturx import get_xml_from_pdf
    _, xml = get_xml_from_pdf(pdf.read_bytes(), check_xsd=False)
    return xml


def test_a_business_client_gets_a_zugferd_pdf_with_both_rates(cli, make_book):
    needs_libreoffice()
    path = make_book(kunden=[_client()], rechnungen=[_invoice()], positionen=TWO_RATES)
    result = cli("briefe", path, *STICHTAG, "--rechnung", "2026-0100", "--pdf")
    assert result.exit_code == 0, result.output
    assert "E-Rechnung 2026-0100: ZUGFeRD, geprüft" in result.output
    pdf = next((path.parent / "briefe").rglob("Rechnung_2026-0100_K-1.pdf"))
    assert b"<pdfaid:part>3</pdfaid:part>" in pdf.read_bytes()          # PDF/A-3
    xml = _embedded(pdf)
    checked = validate(xml)
    assert checked.ok and not checked.findings, [str(f) for f in checked.findings]
    invoice = checked.invoice
    assert (invoice.number, invoice.payable) == ("2026-0100", Decimal("829.63"))
    assert sorted((t.rate, t.basis, t.tax) for t in invoice.taxes) == [
        (Decimal("7.00"), Decimal("74.70"), Decimal("5.23")),
        (Decimal("19.00"), Decimal("630.00"), Decimal("119.70"))]
    assert [(line.unit, line.net_amount) for line in invoice.lines] == [
        ("HUR", Decimal("570.00")), ("LS", Decimal("60.00")), ("H87", Decimal("74.70"))]
    assert invoice.payment_means == "58" and invoice.iban
    # the printed document says the same
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "829,63" in text and "Umsatzsteuer 7 % auf 74,70" in text
    # the Netto typed nowhere is written from the lines
    book = read_book(path)
    assert book.rechnungen[0]["netto"] == Decimal("704.70")
    assert not list((path.parent / "briefe").rglob("*.xml"))    # the XML is inside


def test_a_public_client_gets_an_xrechnung_beside_the_document(cli, make_book):
    path = make_book(kunden=[_client(e_rechnung="XRechnung", leitweg_id=LEITWEG)],
                     rechnungen=[_invoice(netto=1000.0, ust_satz=19)])
    result = cli("briefe", path, *STICHTAG, "--rechnung", "2026-0100")
    assert result.exit_code == 0, result.output
    xml_file = next((path.parent / "briefe").rglob("Rechnung_2026-0100_K-1.xml"))
    checked = validate(xml_file.read_bytes())
    assert checked.ok, [str(f) for f in checked.errors]
    assert checked.invoice.is_xrechnung and checked.invoice.buyer_reference == LEITWEG
    assert checked.invoice.payable == Decimal("1190.00")
    # archived like every document: listed with its SHA-256, covered by archiv pruefen
    book = read_book(path)
    listed = [row["datei"] for row in book.records["Protokoll"] if row["datei"]]
    assert any(name.endswith(".xml") for name in listed)
    assert cli("archiv", "pruefen", path).exit_code == 0
    xml_file.write_bytes(xml_file.read_bytes().replace(b"1190.00", b"1100.00"))
    changed = cli("archiv", "pruefen", path)
    assert changed.exit_code == 1 and "verändert" in changed.output


def test_an_xrechnung_without_leitweg_id_is_not_made(cli, make_book):
    path = make_book(kunden=[_client(e_rechnung="XRechnung")],
                     rechnungen=[_invoice(netto=1000.0, ust_satz=19)])
    before = path.read_bytes()
    result = cli("briefe", path, *STICHTAG, "--rechnung", "2026-0100")
    assert result.exit_code == 1, result.output
    assert "Rechnung 2026-0100 nicht erstellt" in result.output
    assert "BR-DE-15" in result.output and "Leitweg-ID" in result.output
    assert not (path.parent / "briefe").exists() or not list(
        (path.parent / "briefe").rglob("*.docx"))
    assert path.read_bytes() == before             # nothing archived, nothing locked


def test_a_direct_debit_client_gets_payment_means_59_with_mandate(cli, make_book):
    path = make_book(
        kunden=[_client(zahlungsart="Lastschrift", iban="DE02120300000000202051",
                        mandatsreferenz="M-0001", mandat_vom=date(2025, 1, 10),
                        e_rechnung="XRechnung", leitweg_id=LEITWEG)],
        rechnungen=[_invoice(netto=500.0, ust_satz=19)])
    result = cli("briefe", path, *STICHTAG, "--rechnung", "2026-0100")
    assert result.exit_code == 0, result.output
    xml = next((path.parent / "briefe").rglob("*.xml")).read_bytes()
    checked = validate(xml)
    assert checked.ok, [str(f) for f in checked.errors]
    invoice = checked.invoice
    assert (invoice.payment_means, invoice.mandate) == ("59", "M-0001")
    assert invoice.creditor_id == "DE98ZZZ09999999999"
    assert invoice.iban == "DE02120300000000202051"


@pytest.mark.parametrize("case", ["kleinunternehmer", "kleinbetrag"])
def test_exempt_invoices_get_one_only_when_asked(cli, make_book, case):
    settings = {"kleinunternehmer": "ja"} if case == "kleinunternehmer" else {}
    net = 1000.0 if case == "kleinunternehmer" else 150.0
    rate = 0 if case == "kleinunternehmer" else 19
    client = _client(e_rechnung="XRechnung", leitweg_id=LEITWEG)
    path = make_book(kunden=[client], rechnungen=[_invoice(netto=net, ust_satz=rate)],
                     settings=settings)
    plain = cli("briefe", path, *STICHTAG, "--rechnung", "2026-0100")
    assert plain.exit_code == 0, plain.output
    assert "E-Rechnung 2026-0100: keine" in plain.output and "--erechnung" in plain.output
    assert not list((path.parent / "briefe").rglob("*.xml"))
    again = make_book(name="zwei.xlsx", kunden=[client],
                      rechnungen=[_invoice(netto=net, ust_satz=rate)], settings=settings)
    asked = cli("briefe", again, *STICHTAG, "--rechnung", "2026-0100", "--erechnung")
    assert asked.exit_code == 0, asked.output
    xml = next((again.parent / "briefe").rglob("Rechnung_2026-0100_K-1*.xml")).read_bytes()
    checked = validate(xml)
    assert checked.ok, [str(f) for f in checked.errors]
    if case == "kleinunternehmer":
        assert [(t.category, t.tax) for t in checked.invoice.taxes] == [("E", Decimal("0"))]
        assert "§ 19 UStG" in checked.invoice.taxes[0].exemption_reason


def test_a_private_client_gets_no_e_invoice(cli, make_book):
    path = make_book(kunden=[_client(kundenart="Privat", firma=None, anrede="Frau")],
                     rechnungen=[_invoice(netto=1000.0, ust_satz=19)])
    result = cli("briefe", path, *STICHTAG, "--rechnung", "2026-0100")
    assert result.exit_code == 0
    assert "keine (kein Gewerbekunde in Deutschland)" in result.output


def _model(make_book, **client):
    path = make_book(kunden=[_client(**client)], rechnungen=[_invoice()],
                     positionen=TWO_RATES)
    book = read_book(path)
    letter = due_letters(book, date(2026, 10, 31), ("rechnung",), "2026-0100",
                         letter_date=date(2026, 10, 20))[0]
    return outgoing.from_letter(letter, book.settings, xrechnung="leitweg_id" in client)


def test_a_wrong_total_is_caught_before_it_leaves(make_book):
    model = _model(make_book)
    assert validate(cii.to_xml(model)).ok
    model.payable += Decimal("10.00")
    assert "BR-CO-16" in {f.rule for f in validate(cii.to_xml(model)).errors}


def test_a_missing_leitweg_id_and_a_bad_iban_are_caught(make_book):
    model = _model(make_book, leitweg_id=LEITWEG)
    model.buyer_reference = ""
    assert "BR-DE-15" in {f.rule for f in validate(cii.to_xml(model, True)).errors}
    model = _model(make_book)
    model.iban = "DE02120300000000202052"
    assert "BR-DE-19" in {f.rule for f in validate(cii.to_xml(model)).errors}


def test_the_written_xml_reads_back_as_it_was_built(make_book):
    model = _model(make_book)
    back = read_cii(parse(cii.to_xml(model)))
    for name in ("number", "issue_date", "payable", "tax_total", "due_date", "iban"):
        assert getattr(back, name) == getattr(model, name), name
