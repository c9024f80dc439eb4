"""Recurring invoices: at each month-end every subscription due appends its invoice
(the next number, dated the due day, the Leistungszeitraum named) and its document;
Nächste Rechnung moves on; a rerun never bills a period twice; an ended one stops."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from kundenbuch.book.reader import read_book
from kundenbuch.rules.subscriptions import add_months

CLIENT = {"kundennr": "K-1", "anrede": "Firma", "firma": "Werkstatt Beispiel GmbH",
          "strasse": "Hafenstraße 3", "plz": "20457", "ort": "Hamburg",
          "kundenart": "Privat", "kunde_seit": date(2025, 1, 1)}
TYPED = {"rechnungsnr": "2026-0041", "kundennr": "K-1", "rechnungsdatum": date(2026, 9, 3),
         "leistung": "Beratung", "netto": 300.0, "ust_satz": 19,
         "bezahlt_am": date(2026, 9, 10), "bezahlt_betrag": 357.0}


def _abo(**extra):
    return {"abonr": "A-1", "kundennr": "K-1", "leistung": "Betreuungspauschale",
            "netto": 150.0, "ust_satz": 19, "rhythmus": "monatlich",
            "beginn": date(2026, 10, 1), **extra}


def _book(make_book, *abos):
    path = make_book(kunden=[CLIENT], rechnungen=[TYPED])
    import openpyxl
    # an Abos table as "kundenbuch neu" makes it: through the same builder
    from kundenbuch.book import demo, new_workbook
    data = {"Kunden": [CLIENT], "Rechnungen": [TYPED], "Abos": list(abos),
            "Einstellungen": demo.demo_settings()}
    new_workbook.create_workbook(path, data)
    assert "Abos" in openpyxl.load_workbook(path).sheetnames
    return path


def _invoices(path):
    return {i["rechnungsnr"]: i for i in read_book(path).rechnungen}


def test_month_end_bills_each_due_period_once(cli, make_book):
    path = _book(make_book, _abo())
    first = cli("monatsabschluss", path, "--stichtag", "2026-10-31", "--briefdatum",
                "2026-10-31")
    assert first.exit_code in (0, 1), first.output
    assert "Abos: 1 Rechnung angelegt (2026-0042)" in first.output
    invoice = _invoices(path)["2026-0042"]
    assert invoice["rechnungsdatum"] == date(2026, 10, 1)
    assert "Leistungszeitraum 01.10.2026 bis 31.10.2026" in invoice["leistung"]
    assert invoice["brutto"] == Decimal("178.50") and invoice["status"] == "offen"
    assert invoice["faellig_am"] == date(2026, 11, 14)     # 14 days after the document
    book = read_book(path)
    assert book.abos[0]["naechste_rechnung"] == date(2026, 11, 1)
    made = [p.name for p in (path.parent / "briefe").rglob("Rechnung_2026-0042*.docx")]
    assert made, "the subscription's invoice document"
    again = cli("monatsabschluss", path, "--stichtag", "2026-10-31")
    assert "Abos:" not in again.output
    assert len(_invoices(path)) == 2
    november = cli("monatsabschluss", path, "--stichtag", "2026-11-30")
    assert "Abos: 1 Rechnung angelegt (2026-0043)" in november.output


def test_a_period_billed_is_not_billed_again_when_the_date_is_set_back(cli, make_book):
    path = _book(make_book, _abo())
    cli("monatsabschluss", path, "--stichtag", "2026-10-31")
    import openpyxl
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Abos"]
    headers = [c.value for c in sheet[1]]
    sheet.cell(2, headers.index("Nächste Rechnung") + 1).value = None   # back to Beginn
    workbook.save(path)
    again = cli("monatsabschluss", path, "--stichtag", "2026-10-31")
    assert "Abos:" not in again.output
    assert len(_invoices(path)) == 2


def test_quarterly_catch_up_and_end(cli, make_book):
    path = _book(make_book, _abo(rhythmus="vierteljährlich", beginn=date(2026, 1, 31),
                                 ende=date(2026, 8, 15)))
    result = cli("monatsabschluss", path, "--stichtag", "2026-10-31")
    assert "Abos: 3 Rechnungen angelegt (2026-0042, 2026-0043, 2026-0044)" in result.output
    texts = [i["leistung"] for n, i in sorted(_invoices(path).items()) if n != "2026-0041"]
    assert "31.01.2026 bis 29.04.2026" in texts[0]
    assert "30.04.2026 bis 30.07.2026" in texts[1]
    assert "31.07.2026 bis 15.08.2026" in texts[2]          # cut at the Ende
    assert read_book(path).abos[0]["naechste_rechnung"] == date(2026, 10, 31)


def test_months_keep_their_day():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 2, 28), 1, anchor=31) == date(2026, 3, 31)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
