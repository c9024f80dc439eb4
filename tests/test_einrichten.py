"""An older book gets this version's tables and columns with `kundenbuch einrichten`:
in one safe write, empty, nothing typed lost; a second call does nothing; then the new
features work on it, and LibreOffice opens it."""
from __future__ import annotations

from datetime import date

import openpyxl

from conftest import libreoffice_csv, needs_libreoffice, sha256
from kundenbuch.book import demo, new_workbook
from kundenbuch.book.reader import read_book

CLIENT = {"kundennr": "K-1", "anrede": "Firma", "firma": "Werkstatt Beispiel GmbH",
          "strasse": "Hafenstraße 3", "plz": "20457", "ort": "Hamburg",
          "kundenart": "Gewerbe", "kunde_seit": date(2025, 1, 1)}
INVOICE = {"rechnungsnr": "2026-0041", "kundennr": "K-1", "rechnungsdatum": date(2026, 9, 3),
           "leistung": "Beratung", "netto": 300.0, "ust_satz": 19}


def _older_book(tmp_path):
    """A book as the version before made it: no Positionen, Abos, Angebote, and
    Rechnungen and Kunden without their newest columns."""
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {"Kunden": [CLIENT], "Rechnungen": [INVOICE],
                                        "Einstellungen": demo.demo_settings()})
    workbook = openpyxl.load_workbook(path)
    for sheet_name, headers in (("Rechnungen", ("Storno zu",)),
                                ("Kunden", ("Geburtstag", "Leitweg-ID", "E-Rechnung"))):
        sheet = workbook[sheet_name]
        names = [c.value for c in sheet[1]]
        for header in sorted(headers, key=names.index, reverse=True):
            index = names.index(header) + 1
            sheet.delete_cols(index)
            table = next(iter(sheet.tables.values()))
            table.tableColumns = [c for c in table.tableColumns if c.name != header]
            for number, column in enumerate(table.tableColumns, start=1):
                column.id = number
            first, last = table.ref.split(":")
            letters = last.rstrip("0123456789")
            from openpyxl.utils import column_index_from_string, get_column_letter
            table.ref = (f"{first}:{get_column_letter(column_index_from_string(letters) - 1)}"
                         f"{last[len(letters):]}")
            table.autoFilter.ref = table.ref
    workbook.save(path)
    return path


def test_an_older_book_gets_the_new_tables_and_columns_once(cli, tmp_path):
    path = _older_book(tmp_path)
    book = read_book(path)
    assert "Positionen" not in book.locations and "storno_zu" not in book.locations[
        "Rechnungen"].columns
    result = cli("einrichten", path)
    assert result.exit_code == 0, result.output
    for text in ("Neue Tabelle Positionen", "Neue Tabelle Abos", "Neue Tabelle Angebote",
                 "Neue Spalte Storno zu in Rechnungen", "Neue Spalte Leitweg-ID in Kunden"):
        assert text in result.output
    book = read_book(path)
    assert {"Positionen", "Abos", "Angebote"} <= set(book.locations)
    assert "storno_zu" in book.locations["Rechnungen"].columns
    assert book.rechnungen[0]["netto"] == 300 and book.kunden[0]["firma"] == CLIENT["firma"]
    assert not [f for f in book.read_findings if f.severity == "Fehler"]
    before = sha256(path)
    again = cli("einrichten", path)
    assert "nichts zu tun" in again.output and sha256(path) == before


def test_the_new_features_work_on_the_set_up_book(cli, tmp_path):
    path = _older_book(tmp_path)
    assert cli("einrichten", path).exit_code == 0
    workbook = openpyxl.load_workbook(path)
    lines = workbook["Positionen"]          # typed into the new table's first row
    for column, value in enumerate(["2026-0041", 1, 2, "Std", "Beratung", 150, 19],
                                   start=1):
        lines.cell(2, column, value)
    workbook.save(path)
    result = cli("forderungen", path, "--stichtag", "2026-10-31")
    assert result.exit_code == 0, result.output
    book = read_book(path)
    assert book.positionen[0]["betrag"] == 300


def test_libreoffice_opens_the_set_up_book(cli, tmp_path):
    needs_libreoffice()
    path = _older_book(tmp_path)
    assert cli("einrichten", path).exit_code == 0
    sheets = libreoffice_csv(path, tmp_path / "csv")
    assert {"Positionen", "Abos", "Angebote"} <= set(sheets)
    assert sheets["Abos"].startswith("Abonr,Kundennr,Leistung")


def test_a_typed_cell_right_of_a_table_keeps_its_columns_out(cli, tmp_path):
    """A new column would overwrite it: einrichten leaves that table's columns out and
    names the cell, and adds the rest."""
    path = _older_book(tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Rechnungen"]
    free = sheet.max_column + 1
    sheet.cell(5, free, "meine Notiz")
    workbook.save(path)
    from openpyxl.utils import get_column_letter
    result = cli("einrichten", path)
    assert result.exit_code == 0, result.output
    assert (f"Nicht angelegt: Spalten Storno zu in Rechnungen: in "
            f"Rechnungen!{get_column_letter(free)}5 steht etwas") in result.output
    assert "Neue Tabelle Positionen" in result.output
    book = read_book(path)
    assert "storno_zu" not in book.locations["Rechnungen"].columns
    assert openpyxl.load_workbook(path)["Rechnungen"].cell(5, free).value == "meine Notiz"
