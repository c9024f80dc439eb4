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


def _delete_and_edit_register_rows(path, delete: str, edit: str):
    """A user removes one Festschreibung row and changes another's fingerprint."""
    wb = openpyxl.load_workbook(path)
    sheet = wb["Protokoll"]
    header = [c.value for c in sheet[1]]
    art, rechnungen, digest = (header.index(h) + 1 for h in ("Art", "Rechnungen", "SHA-256"))
    for row in range(sheet.max_row, 1, -1):
        if sheet.cell(row, art).value != "Festschreibung":
            continue
        if sheet.cell(row, rechnungen).value == delete:
            for column in range(1, len(header) + 1):
                sheet.cell(row, column).value = None
        elif sheet.cell(row, rechnungen).value == edit:
            sheet.cell(row, digest).value = "0" * 64
    wb.save(path)


def test_a_deleted_or_edited_register_row_is_an_error_naming_the_invoice(cli, demo_path):
    """The copy of the register beside the backups remembers every lock: deleting a
    Festschreibung row from the Protokoll no longer unlocks the invoice silently."""
    cli("briefe", demo_path, "--stichtag", STICHTAG, "--art", "mahnung")
    first, second = [r["rechnungen"] for r in locks(demo_path)][:2]
    assert (demo_path.parent / "sicherung" / f".{demo_path.name}.festschreibung.json"
            ).exists()
    _delete_and_edit_register_rows(demo_path, delete=first, edit=second)
    result = cli("pruefen", demo_path, "--stichtag", STICHTAG, "--json")
    assert result.exit_code == 1
    problems = [f["meldung"] for f in json.loads(result.stdout)
                if f["regel"] == "lock_register_intact"]
    assert any(f"Festschreibung der Rechnung {first} vom " in p and "fehlt im Protokoll" in p
               for p in problems)
    assert any(f"Rechnung {second} vom " in p and "wurde im Protokoll verändert" in p
               for p in problems)
    # a later write does not forget the lock that went missing
    cli("monatsabschluss", demo_path, "--stichtag", STICHTAG, "--ohne-briefe")
    again = cli("pruefen", demo_path, "--stichtag", STICHTAG, "--json")
    assert any(f"Rechnung {first} vom " in f["meldung"] for f in json.loads(again.stdout)
               if f["regel"] == "lock_register_intact")


def test_every_command_that_changes_data_adds_its_protocol_row(cli, demo_path):
    """forderungen, stufen --uebernehmen and termine --steuertermine change the tables:
    each says so in the Protokoll; a second run that changes nothing adds nothing."""
    for args, kind in ((("forderungen",), "Forderungen"),
                       (("stufen", "--uebernehmen"), "Stufen"),
                       (("termine", "--steuertermine", "2027"), "Termine")):
        assert cli(*args, demo_path, "--stichtag", STICHTAG).exit_code in (0, 1)
        rows = [r for r in read_book(demo_path).records["Protokoll"] if r["art"] == kind]
        assert len(rows) == 1 and "Zellen geändert" in rows[0]["details"], kind
    assert "Zeilen angehängt" in rows[0]["details"]                # the tax dates
    cli("forderungen", demo_path, "--stichtag", STICHTAG)
    assert sum(r["art"] == "Forderungen"
               for r in read_book(demo_path).records["Protokoll"]) == 1
