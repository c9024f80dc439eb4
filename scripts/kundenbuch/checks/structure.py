"""Structure of the workbook and cells Excel itself marks as broken."""
from __future__ import annotations

from . import check
from .findings import FEHLER, Finding


@check
def reading_problems(book, stichtag):
    """Missing sheets, tables, columns and cells of the wrong type (found while reading)."""
    return book.read_findings


@check
def excel_errors(book, stichtag):
    for sheet, cell, error in book.error_cells:
        yield Finding(FEHLER, sheet, cell, f"Die Zelle zeigt den Excel-Fehler {error}; "
                      "bitte die Formel korrigieren.")
