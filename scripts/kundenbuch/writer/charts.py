"""Native Excel charts for report sheets.

openpyxl's chart classes write correct chartSpace and drawing XML; we use them only to
serialise those two kinds of part (never to save a workbook) and place the parts
into the package ourselves.
"""
from __future__ import annotations

from lxml import etree

from ..book.ooxml import NS_PKG_REL, NS_REL
from ..reports.sheet import ReportSheet

REL_CHART = NS_REL + "/chart"
# Every series gets its colour in the chart itself. Without one, the program takes it
# from the workbook's theme, and a book LibreOffice saved has no theme part: its bars
# came out invisible.
BAR_COLOURS = ("4472C4", "A5A5A5", "70AD47")
LINE_COLOUR = "ED7D31"
CT_DRAWING = "application/vnd.openxmlformats-officedocument.drawing+xml"
CT_CHART = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"


def _chart(spec, report: ReportSheet, sheet):
    from openpyxl.chart import BarChart, LineChart, Reference
    header_row, _ = report.layout()[spec.block]
    block = report.blocks[spec.block]
    count = len(block.rows) if spec.data_rows is None else min(spec.data_rows,
                                                                len(block.rows))
    last = header_row + max(count, 1)
    chart = BarChart()
    chart.type = "col"
    chart.title = spec.title
    chart.y_axis.title = spec.y_title or None
    chart.height, chart.width = 7.5, 16
    for column in spec.value_columns:
        chart.add_data(Reference(sheet, min_col=column + 1, min_row=header_row,
                                 max_row=last), titles_from_data=True)
    categories = Reference(sheet, min_col=spec.category_column + 1, min_row=header_row + 1,
                           max_row=last)
    chart.set_categories(categories)
    for series, colour in zip(chart.series, BAR_COLOURS * len(chart.series)):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if spec.line_column is not None:
        line = LineChart()
        line.add_data(Reference(sheet, min_col=spec.line_column + 1, min_row=header_row,
                                max_row=last), titles_from_data=True)
        for series in line.series:
            series.graphicalProperties.line.solidFill = LINE_COLOUR
            series.graphicalProperties.line.width = 28575      # 2.25 pt in EMU
            series.smooth = False
        line.y_axis.axId = 200
        line.y_axis.crosses = "max"
        line.y_axis.number_format = "0%"
        line.y_axis.delete = False
        chart += line
    chart.anchor = spec.anchor
    return chart


def chart_parts(report: ReportSheet, chart_numbers: list[int]):
    """(drawing XML, drawing rels XML, [(chart part, chart XML)])."""
    # Imported here: openpyxl takes a noticeable part of start-up time.
    from openpyxl import Workbook
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.xml.functions import tostring
    sheet = Workbook().active
    sheet.title = report.name           # only for the sheet name in cell references
    drawing = SpreadsheetDrawing()
    charts = []
    for number, spec in zip(chart_numbers, report.charts):
        chart = _chart(spec, report, sheet)
        chart._id = number
        drawing.charts.append(chart)
        charts.append((chart.path.lstrip("/"), tostring(chart._write())))
    drawing_xml = tostring(drawing._write())
    rels = etree.Element("{%s}Relationships" % NS_PKG_REL, nsmap={None: NS_PKG_REL})
    for index, relation in enumerate(drawing._rels, start=1):
        etree.SubElement(rels, "{%s}Relationship" % NS_PKG_REL, Id=f"rId{index}",
                         Type=REL_CHART, Target=relation.Target)
    rels_xml = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
    return drawing_xml, rels_xml, charts
