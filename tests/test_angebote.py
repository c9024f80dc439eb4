"""Quotes: the quote document, one follow-up before it lapses, and an accepted quote
becoming an invoice (by month-end or `kundenbuch angebot annehmen`), with its lines,
the next number and its document."""
from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

from conftest import needs_libreoffice
from kundenbuch.book import demo, new_workbook
from kundenbuch.book.reader import read_book

CLIENT = {"kundennr": "K-1", "anrede": "Firma", "firma": "Werkstatt Beispiel GmbH",
          "strasse": "Hafenstraße 3", "plz": "20457", "ort": "Hamburg",
          "kundenart": "Gewerbe", "kunde_seit": date(2025, 1, 1)}
TYPED = {"rechnungsnr": "RE-0041", "kundennr": "K-1", "rechnungsdatum": date(2026, 9, 3),
         "leistung": "Beratung", "netto": 300.0, "ust_satz": 19,
         "bezahlt_am": date(2026, 9, 10), "bezahlt_betrag": 357.0}
LINES = [{"belegnr": "AN-7", "pos": 1, "menge": 8, "einheit": "Std",
          "beschreibung": "Einrichtung und Schulung", "einzelpreis": 95.0, "ust_satz": 19},
         {"belegnr": "AN-7", "pos": 2, "menge": 2, "einheit": "Stk",
          "beschreibung": "Handbuch (gedruckt)", "einzelpreis": 24.90, "ust_satz": 7}]


def _quote(**extra):
    return {"angebotsnr": "AN-7", "kundennr": "K-1", "angebotsdatum": date(2026, 10, 5),
            "gueltig_bis": date(2026, 11, 20), "leistung": "Einführung Buchhaltung",
            "status": "offen", **extra}


def _book(tmp_path, quote):
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": [CLIENT], "Rechnungen": [TYPED], "Positionen": LINES,
        "Angebote": [quote], "Einstellungen": demo.demo_settings()})
    return path


def test_the_quote_document_lists_lines_rates_and_validity(cli, tmp_path):
    needs_libreoffice()
    path = _book(tmp_path, _quote())
    result = cli("briefe", path, "--stichtag", "2026-10-31", "--angebot", "AN-7", "--pdf")
    assert result.exit_code == 0, result.output
    pdf = next((path.parent / "briefe").rglob("Angebot_AN-7_K-1.pdf"))
    text = " ".join(subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Angebot AN-7" in text and "Einrichtung und Schulung" in text
    assert "Umsatzsteuer 19 % auf 760,00 €" in text and "Umsatzsteuer 7 % auf 49,80 €" in text
    assert "Gesamtbetrag 957,69 €" in text           # 904,40 + 53,29
    assert "gilt bis zum 20. November 2026" in text
    rows = [r for r in read_book(path).records["Protokoll"] if r["art"] == "Angebot"]
    assert rows and rows[0]["sha256"]
    unknown = cli("briefe", path, "--angebot", "AN-8")
    assert unknown.exit_code == 1 and "Das Angebot AN-8 gibt es" in unknown.output


def test_accepting_makes_the_invoice_with_its_lines_once(cli, tmp_path):
    path = _book(tmp_path, _quote())
    result = cli("angebot", "annehmen", "AN-7", path)
    assert result.exit_code == 0, result.output
    assert "Angebot AN-7 angenommen: Rechnung RE-0042" in result.output
    book = read_book(path)
    invoice = next(i for i in book.rechnungen if i["rechnungsnr"] == "RE-0042")
    assert invoice["netto"] == Decimal("809.80") and invoice["brutto"] == Decimal("957.69")
    assert [line["beschreibung"] for line in book.positionen
            if line["belegnr"] == "RE-0042"] == ["Einrichtung und Schulung",
                                                 "Handbuch (gedruckt)"]
    assert book.angebote[0]["rechnungsnr"] == "RE-0042"
    assert list((path.parent / "briefe").rglob("Rechnung_RE-0042_K-1.docx"))
    again = cli("angebot", "annehmen", "AN-7", path)
    assert again.exit_code == 2 and "schon abgerechnet (Rechnung RE-0042)" in again.output


def test_month_end_invoices_an_accepted_quote_once(cli, tmp_path):
    path = _book(tmp_path, _quote(status="angenommen"))
    first = cli("monatsabschluss", path, "--stichtag", "2026-10-31", "--briefdatum",
                "2026-10-31")
    assert "Angenommene Angebote: 1 Rechnung angelegt (RE-0042)" in first.output
    second = cli("monatsabschluss", path, "--stichtag", "2026-10-31")
    assert "Angenommene Angebote" not in second.output
    assert len(read_book(path).rechnungen) == 2


def test_one_follow_up_before_the_quote_lapses(cli, tmp_path):
    path = _book(tmp_path, _quote())
    early = cli("briefe", path, "--stichtag", "2026-10-10", "--art", "nachfassen")
    assert "Keine Briefe fällig" in early.output           # sent five days ago
    due = cli("briefe", path, "--stichtag", "2026-10-31", "--briefdatum", "2026-10-31",
              "--art", "nachfassen")
    assert due.exit_code == 0, due.output
    assert "Angebot nachgefasst" in due.output
    assert read_book(path).angebote[0]["nachgefasst_am"] == date(2026, 10, 31)
    again = cli("briefe", path, "--stichtag", "2026-11-15", "--art", "nachfassen")
    assert "Keine Briefe fällig" in again.output


def test_an_answered_quote_is_not_followed_up(cli, tmp_path):
    path = _book(tmp_path, _quote(status="abgelehnt"))
    result = cli("briefe", path, "--stichtag", "2026-10-31", "--art", "nachfassen")
    assert "Keine Briefe fällig" in result.output
