"""The workbook reads well in Excel and LibreOffice (#20): no column header breaks
inside a word, header rows are tall enough for headers that wrap, long texts in report
sheets wrap in rows tall enough for them instead of being cut."""
from __future__ import annotations

import re
import subprocess

import openpyxl
import pytest

from conftest import needs_libreoffice, soffice
from kundenbuch.reports.sheet import (BOLD_FACTOR, LINE_POINTS, header_width,
                                      lines_needed)

DATA_SHEETS = ("Kunden", "Rechnungen", "Termine", "Stufen")
REPORT_SHEETS = ("Prüfbericht", "Offene Posten", "Stufenanalyse", "Terminübersicht")


def test_header_width_keeps_each_word_whole_and_counts_lines():
    assert header_width("Rechnungsdatum", 10) >= len("Rechnungsdatum") * BOLD_FACTOR
    assert header_width("Tage", 14) == 14
    assert lines_needed("Erinnerung nach Tagen", 13) == 2
    assert lines_needed("Netto", 13) == 1
    assert lines_needed("a b c d e f g h", 4.5) == 4


@pytest.fixture
def month_end_book(cli, demo_path):
    result = cli("monatsabschluss", demo_path, "--briefdatum", "2026-10-31")
    assert result.exit_code in (0, 1), result.output
    return demo_path


def _header_rows(sheet):
    """Rows whose cells look like table headers: the first row of a data sheet; on a
    report sheet the rows styled bold with a fill (the block headers)."""
    if sheet.title in DATA_SHEETS:
        return [1]
    return sorted({cell.row for row in sheet.iter_rows() for cell in row
                   if cell.value and cell.font.b and cell.fill.fgColor.rgb not in
                   (None, "00000000") and cell.row > 2})


def test_every_header_word_fits_its_column_and_the_row_is_tall_enough(month_end_book):
    book = openpyxl.load_workbook(month_end_book)
    for name in DATA_SHEETS + REPORT_SHEETS:
        sheet = book[name]
        for row in _header_rows(sheet):
            lines = 1
            for cell in sheet[row]:
                if not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                width = sheet.column_dimensions[cell.column_letter].width
                longest = max(len(word) for word in cell.value.split())
                assert width >= longest * BOLD_FACTOR, (name, cell.coordinate, cell.value)
                lines = max(lines, lines_needed(cell.value, width, BOLD_FACTOR))
            height = sheet.row_dimensions[row].height or LINE_POINTS
            assert height >= LINE_POINTS * lines, (name, row, height, lines)


def test_long_texts_in_report_sheets_wrap_in_tall_enough_rows(month_end_book):
    book = openpyxl.load_workbook(month_end_book)
    sheet = book["Offene Posten"]
    wrapped = [cell for row in sheet.iter_rows() for cell in row
               if isinstance(cell.value, str) and cell.alignment.wrap_text
               and cell.font and not cell.font.b]
    assert wrapped, "the reasons for default are longer than their column"
    for cell in wrapped:
        width = sheet.column_dimensions[cell.column_letter].width
        needed = lines_needed(cell.value, width)
        height = sheet.row_dimensions[cell.row].height or LINE_POINTS
        assert height >= LINE_POINTS * needed, (cell.coordinate, cell.value)


def test_rendered_through_libreoffice_no_header_is_broken(month_end_book, tmp_path):
    """The book as LibreOffice prints it: every long header word of the data and report
    sheets stands whole in the PDF's text (it had read "Rechnungsdat um")."""
    needs_libreoffice()
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(month_end_book)], check=True, capture_output=True, timeout=300)
    text = subprocess.run(["pdftotext", str(tmp_path / "kundenbuch.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = set(re.findall(r"\w+", text))
    book = openpyxl.load_workbook(month_end_book)
    for name in ("Rechnungen", "Kunden", "Offene Posten"):
        sheet = book[name]
        for row in _header_rows(sheet):
            for cell in sheet[row]:
                for word in re.findall(r"\w{8,}", str(cell.value or "")):
                    assert word in words, (name, cell.coordinate, word)
