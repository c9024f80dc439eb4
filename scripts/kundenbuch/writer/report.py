"""Build the XML of a sheet the program owns (Prüfbericht, Offene Posten …)."""
from __future__ import annotations

from lxml import etree

from ..ooxml import M, NS_MAIN, NS_REL
from ..plan import DATE, INT, LINK, MONEY, NUMBER, PERCENT, ReportSheet
from ..records import column_letter
from .cells import set_cell

STYLE_OF_KIND = {DATE: "date", MONEY: "money", INT: "int", NUMBER: "number",
                 PERCENT: "percent", LINK: "link"}


def build_report_sheet(report: ReportSheet, styles) -> bytes:
    root = etree.Element(M + "worksheet", nsmap={None: NS_MAIN, "r": NS_REL})
    properties = etree.SubElement(root, M + "sheetPr")
    etree.SubElement(properties, M + "tabColor", rgb="FF7F7F7F")  # grey: do not edit
    width = max(len(report.columns), 1)
    header_row = report.header_row
    last_row = header_row + len(report.rows)
    etree.SubElement(root, M + "dimension", ref=f"A1:{column_letter(width)}{last_row}")
    views = etree.SubElement(root, M + "sheetViews")
    view = etree.SubElement(views, M + "sheetView", workbookViewId="0")
    etree.SubElement(view, M + "pane", ySplit=str(header_row),
                     topLeftCell=f"A{header_row + 1}", activePane="bottomLeft",
                     state="frozen")
    etree.SubElement(root, M + "sheetFormatPr", defaultRowHeight="15")
    cols = etree.SubElement(root, M + "cols")
    for index, column in enumerate(report.columns, start=1):
        etree.SubElement(cols, M + "col", min=str(index), max=str(index),
                         width=str(column.width), customWidth="1")
    data = etree.SubElement(root, M + "sheetData")
    for index, line in enumerate(report.title, start=1):
        _row(data, index, [line], [str(styles.xf("title" if index == 1 else "text"))])
    header_style = str(styles.xf("header"))
    _row(data, header_row, [c.header for c in report.columns],
         [header_style] * len(report.columns))
    column_styles = [str(styles.xf(STYLE_OF_KIND.get(c.kind, "text")))
                     for c in report.columns]
    for offset, values in enumerate(report.rows, start=1):
        _row(data, header_row + offset, values, column_styles)
    if report.rows:
        etree.SubElement(root, M + "autoFilter",
                         ref=f"A{header_row}:{column_letter(width)}{last_row}")
    if report.links:
        links = etree.SubElement(root, M + "hyperlinks")
        for (row_index, column_index), target in sorted(report.links.items()):
            ref = f"{column_letter(column_index + 1)}{header_row + 1 + row_index}"
            display = report.rows[row_index][column_index]
            etree.SubElement(links, M + "hyperlink", ref=ref, location=target,
                             display=str(display))
    etree.SubElement(root, M + "pageMargins", left="0.7", right="0.7", top="0.78",
                     bottom="0.78", header="0.3", footer="0.3")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _row(data, number, values, styles):
    row = etree.SubElement(data, M + "row", r=str(number))
    for index, value in enumerate(values):
        if value is None or value == "":
            continue
        cell = etree.SubElement(row, M + "c", r=f"{column_letter(index + 1)}{number}")
        style = styles[index] if index < len(styles) else "0"
        if style != "0":
            cell.set("s", style)
        set_cell(cell, value)
