"""A grid table for the documents kundenbuch builds itself with python-docx (the view of
a received e-invoice, the client file): rows of text, the first one bold as header,
fixed column widths."""
from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt


def grid(document, rows, widths_mm, header=True, right=()):
    """rows: sequences of values (shown as text); right: columns aligned right."""
    table = document.add_table(rows=0, cols=len(widths_mm))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)     # LibreOffice reads the grid, Word the cells
    for index, values in enumerate(rows):
        cells = table.add_row().cells
        for column, value in enumerate(values):
            cells[column].width = Mm(widths_mm[column])
            paragraph = cells[column].paragraphs[0]
            run = paragraph.add_run(str(value))
            run.font.size = Pt(9)
            run.bold = header and index == 0
            if column in right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table
