"""Received e-invoices: every German business must be able to receive and read them.
`kundenbuch erechnung anzeigen` checks each file (schema, EN 16931 rules, XRechnung's
German rules, line arithmetic, IBAN) and lays a readable PDF beside it."""
from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import each_sample, einvoice_sample, einvoice_samples, needs_libreoffice
from kundenbuch.einvoice.read import read, xml_of
from kundenbuch.einvoice.validate import FEHLER, validate


@pytest.mark.parametrize("path", each_sample(einvoice_samples()))
def test_each_sample_behaves_as_its_name_says(path):
    result = validate(xml_of(path), path.name)
    if "FAIL" in path.name:
        assert not result.ok and result.errors, [str(f) for f in result.findings]
    else:
        assert result.ok, [str(f) for f in result.errors]
        assert result.invoice.number and result.invoice.payable > 0
        assert result.invoice.lines


def test_the_line_that_does_not_add_up_is_named():
    path = einvoice_sample("zf_FAIL_noNetPriceValidation.xml")
    errors = validate(xml_of(path)).errors
    assert [e.rule for e in errors] == ["KB-ZEILE"]
    assert "Position 1" in errors[0].text and "316,00" in errors[0].text


def test_a_zugferd_pdf_reads_like_its_xml():
    pdf, _ = read(einvoice_sample("zf_EN16931_Einfach_facturx.pdf"))
    xml, _ = read(einvoice_sample("zf_EN16931_Einfach.cii.xml"))
    assert (pdf.number, pdf.payable, pdf.seller.name) == ("471102", Decimal("529.87"),
                                                           "Lieferant GmbH")
    assert (pdf.number, pdf.payable, pdf.seller, pdf.buyer, pdf.taxes) == (
        xml.number, xml.payable, xml.seller, xml.buyer, xml.taxes)


def test_the_same_invoice_in_ubl_and_cii_reads_the_same():
    ubl, _ = read(einvoice_sample("xrts_01.01a-INVOICE_ubl.xml"))
    cii, _ = read(einvoice_sample("xrts_01.01a-INVOICE_uncefact.xml"))
    assert (ubl.syntax, cii.syntax) == ("UBL", "CII")
    for name in ("number", "issue_date", "payable", "tax_total", "buyer_reference", "iban"):
        assert getattr(ubl, name) == getattr(cii, name), name
    assert [(line.net_amount, line.rate) for line in ubl.lines] == [
        (line.net_amount, line.rate) for line in cii.lines]
    assert ubl.is_xrechnung and cii.is_xrechnung


def _broken(tmp_path, name, old, new):
    text = einvoice_sample(name).read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return validate(target.read_bytes(), name)


def test_a_wrong_total_is_caught(tmp_path):
    result = _broken(tmp_path, "zf_EN16931_Einfach.cii.xml",
                     "<ram:DuePayableAmount>529.87", "<ram:DuePayableAmount>592.87")
    assert "BR-CO-16" in {e.rule for e in result.errors}
    assert "Zahlbetrag" in next(e.text for e in result.errors if e.rule == "BR-CO-16")


def test_a_missing_leitweg_id_is_caught_in_an_xrechnung(tmp_path):
    result = _broken(tmp_path, "xrts_01.01a-INVOICE_ubl.xml",
                     "<cbc:BuyerReference>04011000-12345-03</cbc:BuyerReference>", "")
    assert "BR-DE-15" in {e.rule for e in result.errors}


def test_a_bad_iban_is_caught(tmp_path):
    result = _broken(tmp_path, "xrts_01.01a-INVOICE_ubl.xml", "DE79000000001234567890",
                     "DE79000000001234567891")
    assert "BR-DE-19" in {e.rule for e in result.errors}


def test_a_broken_structure_is_an_xsd_error_with_its_line(tmp_path):
    result = _broken(tmp_path, "zf_EN16931_Einfach.cii.xml", "<ram:TypeCode>380",
                     "<ram:Typ>380</ram:Typ><ram:TypeCode>380")
    assert [e.rule for e in result.errors][:1] == ["XSD"]
    assert result.errors[0].where.startswith("Zeile ")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300),
                 st.text(max_size=200).map(lambda t: f"<Invoice>{t}".encode())))
def test_anything_else_is_one_german_error_never_a_crash(data):
    result = validate(data, "eingang.xml")
    assert not result.ok
    assert all(f.level == FEHLER and f.text for f in result.errors)


def test_the_command_checks_every_file_and_lays_a_readable_pdf_beside_it(tmp_path, cli):
    needs_libreoffice()
    files = []
    for sample in einvoice_samples() or [einvoice_sample("zf_EN16931_Einfach.cii.xml")]:
        files.append(tmp_path / sample.name)
        shutil.copy(sample, files[-1])
    (tmp_path / "notiz.xml").write_text("<notiz>keine Rechnung</notiz>", encoding="utf-8")
    result = cli("erechnung", "anzeigen", *files, tmp_path / "notiz.xml")
    assert result.exit_code == 1, result.output        # the FAIL sample and the note
    assert "Traceback" not in result.output
    assert "notiz.xml" in result.output and "weder eine CII- noch eine UBL" in result.output
    for path in files:
        readable = path.with_name(path.stem + "_lesbar.pdf")
        assert readable.exists(), path.name
        text = subprocess.run(["pdftotext", "-layout", readable, "-"], capture_output=True,
                              text=True, check=True).stdout
        invoice, _ = read(path)
        assert invoice.number in text
        if "FAIL" in path.name:
            assert "Prüfung: 1 Fehler" in text and "KB-ZEILE" in text
        else:
            assert "Prüfung: bestanden" in text
        payable = f"{invoice.payable:,.2f}".replace(",", " ").replace(".", ",")
        assert payable.replace(" ", ".") + " €" in text
