"""Invoice lock: producing an invoice or its first reminder fixes the invoice."""
from __future__ import annotations

import json

import openpyxl

from kundenbuch.book.reader import read_book

STICHTAG = "2026-10-31"


def locks(path):
    return [r for r in read_book(path).records["Protokoll"] if r["art"] == "Festschreibung"]


def test_reminder_locks_its_invoices_and_fixes_the_due_date(cli, demo_path):
    assert cli("briefe", demo_path, "--stichtag", STICHTAG, "--art", "mahnung").exit_code == 0
    book = read_book(demo_path)
    locked = {r["rechnungen"] for r in locks(demo_path)}
    dunned = {i["rechnungsnr"] for i in book.rechnungen if i["gemahnt_am"] and
              i["gemahnt_am"].isoformat() == STICHTAG}
    assert locked and dunned <= locked
    for invoice in book.rechnungen:
        if invoice["rechnungsnr"] in locked:
            assert invoice["faellig_am"] is not None
    result = cli("pruefen", demo_path, "--stichtag", STICHTAG, "--json")
    assert "locked_invoice_changed" not in result.output
    # a second run locks nothing twice
    cli("briefe", demo_path, "--stichtag", STICHTAG)
    numbers = [r["rechnungen"] for r in locks(demo_path)]
    assert len(numbers) == len(set(numbers))


def test_changing_a_locked_invoice_is_an_error_that_says_what_changed(cli, demo_path):
    cli("briefe", demo_path, "--stichtag", STICHTAG, "--art", "mahnung")
    number = locks(demo_path)[0]["rechnungen"]
    wb = openpyxl.load_workbook(demo_path)
    sheet = wb["Rechnungen"]
    row = next(r for r in range(2, 200) if sheet.cell(r, 1).value == number)
    old = sheet.cell(row, 6).value
    sheet.cell(row, 6).value = old + 100                         # Netto
    wb.save(demo_path)
    result = cli("pruefen", demo_path, "--stichtag", STICHTAG, "--json")
    assert result.exit_code == 1
    finding = next(f for f in json.loads(result.stdout) if f["regel"] ==
                   "locked_invoice_changed")
    assert finding["adresse"] == f"Rechnungen!A{row}"
    assert f"Netto: „{old:.2f}“ → „{old + 100:.2f}“" in finding["meldung"]
    assert "Stornorechnung" in finding["meldung"]


def test_invoice_document_locks_the_invoice(cli, demo_path):
    number = read_book(demo_path).rechnungen[-1]["rechnungsnr"]
    assert cli("briefe", demo_path, "--rechnung", number).exit_code == 0
    assert [r["rechnungen"] for r in locks(demo_path)] == [number]
