"""Build the XML of a sheet the program owns (Prüfbericht, Offene Posten …).

The frame (views, columns, filter, links) is built with lxml; the rows, up to tens of
thousands, are serialised as text by cellxml and put into the frame's empty
<sheetData/>.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import chain, repeat

from lxml import etree

from ..book.ooxml import NS_MAIN, NS_REL, M
from ..book.records import column_letter
from ..reports.sheet import (DATE, INT, LINK, LINE_POINTS, MONEY, NUMBER, PERCENT, TEXT,
                             TEXT_WIDTH_CAP, CELL_PADDING, ReportSheet, header_height,
                             header_width, lines_needed)
from .cellxml import EPOCH_DAY, attribute_escaped, cell_from_head, style_attribute

EMPTY_SHEET_DATA = b"<sheetData/>"
EMPTY_HYPERLINKS = b"<hyperlinks/>"

STYLE_OF_KIND = {DATE: "date", MONEY: "money", INT: "int", NUMBER: "number",
                 PERCENT: "percent", LINK: "link"}


def build_report_sheet(report: ReportSheet, styles, drawing_rel: str | None = None) -> bytes:
    """The worksheet part; drawing_rel is the relationship id of its charts, if any."""
    root = etree.Element(M + "worksheet", nsmap={None: NS_MAIN, "r": NS_REL})
    properties = etree.SubElement(root, M + "sheetPr")
    etree.SubElement(properties, M + "tabColor", rgb="FF7F7F7F")  # grey: do not edit
    etree.SubElement(properties, M + "pageSetUpPr", fitToPage="1")
    places = report.layout()
    width = max([len(b.columns) for b in report.blocks] + [1])
    etree.SubElement(root, M + "dimension",
                     ref=f"A1:{column_letter(width)}{max(report.last_row(), 1)}")
    views = etree.SubElement(root, M + "sheetViews")
    view = etree.SubElement(views, M + "sheetView", workbookViewId="0")
    if len(report.blocks) == 1:            # one list: keep its header in view
        header_row = places[0][0]
        etree.SubElement(view, M + "pane", ySplit=str(header_row),
                         topLeftCell=f"A{header_row + 1}", activePane="bottomLeft",
                         state="frozen")
    etree.SubElement(root, M + "sheetFormatPr", defaultRowHeight="15")
    cols = etree.SubElement(root, M + "cols")
    longest = _longest_texts(report)
    widths = column_widths(report, width, longest)
    for index, column_width in enumerate(widths):
        etree.SubElement(cols, M + "col", min=str(index + 1), max=str(index + 1),
                         width=str(column_width), customWidth="1")
    etree.SubElement(root, M + "sheetData")
    data = _Rows()
    for index, line in enumerate(report.title, start=1):
        data.add(index, [line], _styles(styles.xf("title" if index == 1 else "text")))
    header_style = _styles(styles.xf("header"))
    bold = _styles(styles.xf("bold"))
    links = []                              # the hyperlinks, as text
    for number, (block, (header_row, heading_row)) in enumerate(zip(report.blocks, places)):
        if heading_row:
            data.add(heading_row, [block.heading], bold)
        headers = [c.header for c in block.columns]
        data.add(header_row, headers, header_style * len(block.columns),
                 height=header_height(headers, widths))
        wrapped = {index for (b, index), length in longest.items()
                   if b == number and block.columns[index].kind == TEXT
                   and length > widths[index] - CELL_PADDING}
        # Top-aligned where a wrapped text makes rows taller, so a row reads as one.
        column_styles = _styles(*(styles.xf("wrap" if index in wrapped
                                            else STYLE_OF_KIND.get(c.kind, "text"),
                                            top=bool(wrapped))
                                  for index, c in enumerate(block.columns)))
        data.add_block(header_row + 1, block.rows, column_styles,
                       _row_heights(block.rows, wrapped, widths))
        for (row_index, column_index), target in sorted(block.links.items()):
            ref = f"{LETTERS[column_index]}{header_row + 1 + row_index}"
            display = block.rows[row_index][column_index]
            links.append(f'<hyperlink ref="{ref}" location="{attribute_escaped(target)}" '
                         f'display="{attribute_escaped(str(display))}"/>')
    if len(report.blocks) == 1 and report.blocks[0].rows:
        header_row = places[0][0]
        etree.SubElement(root, M + "autoFilter", ref=f"A{header_row}:{column_letter(width)}"
                                                     f"{header_row + len(report.blocks[0].rows)}")
    if links:
        etree.SubElement(root, M + "hyperlinks")
    etree.SubElement(root, M + "pageMargins", left="0.7", right="0.7", top="0.78",
                     bottom="0.78", header="0.3", footer="0.3")
    # Printed landscape, all columns on the page width.
    etree.SubElement(root, M + "pageSetup", paperSize="9", orientation="landscape",
                     fitToWidth="1", fitToHeight="0")
    if drawing_rel:
        etree.SubElement(root, M + "drawing").set("{%s}id" % NS_REL, drawing_rel)
    frame = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    # One join of frame pieces and rows: the part exists once, not in several copies.
    head, middle = _split(frame, EMPTY_SHEET_DATA)
    pieces = [head, b"<sheetData>", *data, b"</sheetData>"]
    if links:
        middle, tail = _split(middle, EMPTY_HYPERLINKS)
        pieces += [middle, b"<hyperlinks>", "".join(links).encode("utf-8"),
                   b"</hyperlinks>"]
        middle = tail
    return b"".join(pieces + [middle])


def _longest_texts(report: ReportSheet) -> dict[tuple[int, int], int]:
    """(block, column) -> length of its longest text, for the text and link columns:
    read once for the widths and for which columns wrap."""
    return {(number, index): max((len(row[index]) for row in block.rows
                                  if index < len(row) and type(row[index]) is str),
                                 default=0)
            for number, block in enumerate(report.blocks)
            for index, column in enumerate(block.columns) if column.kind in (TEXT, LINK)}


def column_widths(report: ReportSheet, count: int, longest: dict) -> list[float]:
    """Each column as wide as its header's longest word and its longest text needs,
    capped (longer text wraps, in rows as tall as it needs); never narrower than the
    report module asked for."""
    widths = []
    for index in range(count):
        wanted = [0.0]
        for number, block in enumerate(report.blocks):
            if index >= len(block.columns):
                continue
            wanted.append(header_width(block.columns[index].header,
                                       block.columns[index].width))
            if (number, index) in longest:
                wanted.append(min(TEXT_WIDTH_CAP, longest[number, index] + CELL_PADDING))
        widths.append(max(wanted))
    return widths


def _row_heights(rows, wrapped: set[int], widths) -> list | None:
    """Row heights for rows whose wrapped text needs more than one line (Excel keeps a
    row's stored height, so a wrapped cell would show its first line only)."""
    if not wrapped:
        return None
    heights = []
    for row in rows:
        lines = 1
        for index in wrapped:
            text = row[index] if index < len(row) else None
            if type(text) is str and len(text) > widths[index] - CELL_PADDING:
                lines = max(lines, lines_needed(text, widths[index]))
        heights.append(LINE_POINTS * lines if lines > 1 else None)
    return heights


def _split(frame: bytes, empty: bytes) -> list[bytes]:
    """The frame before and after its empty element ``empty``."""
    if frame.count(empty) != 1:       # the frame holds no user text, so this cannot be
        raise AssertionError(f"{empty.decode()} im Berichtsrahmen nicht eindeutig")
    return frame.split(empty)


LETTERS = [column_letter(index) for index in range(1, 703)]        # A … ZZ


class _Rows(list):
    """The rows as UTF-8, each below the one before (Excel repairs a sheet whose rows
    do not rise; verify checks only that the part is well-formed)."""
    last = 0

    def add(self, number: int, values, styles, height: float | None = None) -> None:
        self.add_block(number, [values], styles, [height])

    def add_block(self, first: int, rows: list, styles: list[str],
                  heights: list | None = None) -> None:
        """Rows first, first + 1, … built column by column: a large report has a
        million cells, and a loop per column costs less than a call per cell.
        styles: one per column (style_attribute text; a value beyond them gets none).
        heights: per row, a height in points or None (the default)."""
        if not rows:
            return
        if first <= self.last:
            raise AssertionError(f"Berichtszeile {first} folgt auf Zeile {self.last}")
        numbers = [str(n) for n in range(first, first + len(rows))]
        width = max(len(row) for row in rows)
        columns = [column_cells(LETTERS[index], style, numbers,
                                [row[index] if index < len(row) else None for row in rows])
                   for index, style in zip(range(width), chain(styles, repeat("")))]
        opening = [f'<row r="{number}">' for number in numbers]
        for index, height in enumerate(heights or ()):
            if height:
                opening[index] = (f'<row r="{numbers[index]}" ht="{height:g}" '
                                  'customHeight="1">')
        self.extend(f'{start}{"".join(cells)}</row>'.encode("utf-8")
                    for start, *cells in zip(opening, *columns))
        self.last = first + len(rows) - 1


def column_cells(letters: str, style: str, numbers: list[str], values: list) -> list[str]:
    """One column's cells as text ("" where empty). Text that needs no escaping,
    amounts, dates and whole numbers are written here directly, as
    cellxml.cell_from_head would write them (a test holds the two to that); everything
    else goes through it."""
    head = f'<c r="{letters}'
    cells = []
    append = cells.append
    for number, value in zip(numbers, values):
        kind = type(value)
        if kind is str:
            if not value:
                append("")
            elif (value.isprintable() and "&" not in value and "<" not in value
                  and ">" not in value and not value[0].isspace()
                  and not value[-1].isspace()):
                append(f'{head}{number}"{style} t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                append(cell_from_head("", f'{head}{number}"{style}', value))
        elif value is None:
            append("")
        elif kind is Decimal:
            append(f'{head}{number}"{style}><v>{value:f}</v></c>')
        elif kind is date:
            append(f'{head}{number}"{style}><v>{(value - EPOCH_DAY).days}</v></c>')
        elif kind is int:
            append(f'{head}{number}"{style}><v>{value}</v></c>')
        else:
            append(cell_from_head("", f'{head}{number}"{style}', value))
    return cells


def _styles(*indices) -> list[str]:
    return [style_attribute(str(index)) for index in indices]
