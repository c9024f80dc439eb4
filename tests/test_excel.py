"""The Excel path on Linux: a real xlwings.Book over a test engine (xlwings_engine.py).

What this shows: kundenbuch.main() finds the calling workbook, reads the action from
the Start sheet, runs the same code as the command line and applies the same plan to
the open workbook, cell for cell as the file writer does. What only a real Excel can
confirm: the add-in's "Run main" button, COM/AppleScript value conversion, formats and
hyperlinks as Excel shows them (charts are written by the file path only).
"""
from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
import xlwings as xw

import kundenbuch
from kundenbuch import api, excel

from xlwings_engine import BookImpl, normalise

NOW = datetime(2026, 11, 23, 9, 30)
STICHTAG = date(2026, 10, 31)
# These Protokoll cells differ between any two runs (file hashes, run duration).
VOLATILE = {("Protokoll", 7), ("Protokoll", 8)}


def open_in_excel(path, action, stichtag=STICHTAG):
    impl = BookImpl(path)
    start = impl.sheets("Start")
    start.cells[(3, 2)] = action
    start.cells[(4, 2)] = datetime(stichtag.year, stichtag.month, stichtag.day)
    book = xw.Book(impl=impl)
    book.set_mock_caller()
    return impl


def file_cells(path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: {(c.row, c.column): normalise(c.value) for row in ws.iter_rows()
                       for c in row if c.value not in (None, "")}
            for ws in wb.worksheets}


def live_cells(impl) -> dict:
    return {sheet.name: {key: normalise(v) for key, v in sheet.cells.items()
                         if v not in (None, "")} for sheet in impl.sheets}


@pytest.mark.parametrize("action", ["Prüfen", "Forderungen", "Stufen", "Termine",
                                    "Briefe", "Monatsabschluss"])
def test_live_run_writes_the_same_cells_as_the_file_run(tmp_path, action):
    on_file = api.neu(tmp_path / "datei" / "kundenbuch.xlsx", with_demo=True)
    in_excel = api.neu(tmp_path / "excel" / "kundenbuch.xlsx", with_demo=True)
    excel.ACTIONS[action](on_file, STICHTAG, NOW)
    impl = open_in_excel(in_excel, action)
    message = excel.run(xw.Book.caller(), NOW)
    assert not message.startswith("Fehler"), message
    expected, got = file_cells(on_file), live_cells(impl)
    for sheet in expected:
        if sheet == "Start":
            continue
        want = {k: v for k, v in expected[sheet].items() if (sheet, k[1]) not in VOLATILE}
        have = {k: v for k, v in got[sheet].items() if (sheet, k[1]) not in VOLATILE}
        assert have == want, f"Blatt {sheet} weicht ab"
    assert set(got) == set(expected)
    status = impl.sheets("Start").cells[(5, 2)]
    assert status.startswith("23.11.2026 09:30: ") and "Fehler:" not in status
    # the file Excel holds was never written
    assert openpyxl.load_workbook(in_excel).sheetnames == ["Start", "Kunden", "Rechnungen",
                                                           "Positionen", "Abos",
                                                           "Angebote", "Zahlungen",
                                                           "Kontakte", "Termine", "Stufen",
                                                           "Einstellungen", "Protokoll"]


def test_main_is_what_the_add_in_calls(tmp_path):
    path = api.neu(tmp_path / "kundenbuch.xlsx", with_demo=True)
    impl = open_in_excel(path, "Prüfen")
    kundenbuch.main()
    assert "Prüfung fertig" in impl.sheets("Start").cells[(5, 2)]
    assert "Prüfbericht" in [s.name for s in impl.sheets]


def test_errors_go_to_the_status_cell(tmp_path):
    path = api.neu(tmp_path / "kundenbuch.xlsx", with_demo=True)
    impl = open_in_excel(path, "Zaubern")
    excel.run(xw.Book.caller(), NOW)
    assert "Unbekannte Aktion „Zaubern“" in impl.sheets("Start").cells[(5, 2)]
    impl.sheets.items.remove(impl.sheets("Kunden"))             # a broken workbook
    impl.sheets("Start").cells[(3, 2)] = "Forderungen"
    excel.run(xw.Book.caller(), NOW)
    assert impl.sheets("Start").cells[(5, 2)].startswith("23.11.2026 09:30: ")
