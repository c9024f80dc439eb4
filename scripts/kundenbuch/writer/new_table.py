"""A table that a later version of the contract adds to an existing book (Zahlungen),
and a column it adds to an existing table (Rechnungen: Offen): their XML.

The sheet goes at the end of the workbook: inserted between the user's sheets it would
shift the sheet numbers that print areas and filters refer to (localSheetId). The new
column goes right of the table, where the sheet must be empty (build checks it).
"""
from __future__ import annotations

from lxml import etree

from ..book import schema
from ..book.ooxml import NS_MAIN, NS_PKG_REL, NS_REL, REL_TABLE, M, parse_xml
from ..book.records import column_letter, split_cell
from ..reports.sheet import header_height, header_width
from .cellxml import attribute_escaped, cell_xml

CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml"
TABLE_STYLE = "TableStyleMedium2"
KIND_STYLE = {schema.DATE: "date", schema.MONEY: "money", schema.INT: "int",
              schema.NUMBER: "number"}


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def table_ref(spec, rows: int) -> str:
    """Header and data rows; an Excel table holds at least one data row."""
    return f"A1:{column_letter(len(spec.columns))}{max(rows, 1) + 1}"


def data_sheet(spec, rows: list[dict], styles) -> bytes:
    """The worksheet: header row as kundenbuch's new books have it, then the rows."""
    widths = [header_width(c.header, c.width) for c in spec.columns]
    last = max(len(rows), 1) + 1
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                   for i, w in enumerate(widths, start=1))
    header_style = str(styles.xf("header"))
    height = header_height(spec.headers, widths)
    row_height = f' ht="{height}" customHeight="1"' if height else ""
    lines = [f'<row r="1"{row_height}>' + "".join(
        cell_xml("", f"{column_letter(i)}1", header_style, c.header)
        for i, c in enumerate(spec.columns, start=1)) + "</row>"]
    formats = [str(styles.xf(KIND_STYLE[c.kind])) if c.kind in KIND_STYLE else None
               for c in spec.columns]
    for number, values in enumerate(rows, start=2):
        cells = "".join(cell_xml("", f"{column_letter(i)}{number}", formats[i - 1],
                                 values.get(c.field))
                        for i, c in enumerate(spec.columns, start=1)
                        if values.get(c.field) is not None)
        lines.append(f'<row r="{number}">{cells}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{NS_MAIN}" xmlns:r="{NS_REL}">'
            f'<dimension ref="A1:{column_letter(len(spec.columns))}{last}"/>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            f"<cols>{cols}</cols><sheetData>{''.join(lines)}</sheetData>"
            '<pageMargins left="0.7" right="0.7" top="0.78740157499999996" '
            'bottom="0.78740157499999996" header="0.3" footer="0.3"/>'
            '<tableParts count="1"><tablePart r:id="rId1"/></tableParts>'
            "</worksheet>").encode("utf-8")


def table_part(spec, table_id: int, rows: int) -> bytes:
    ref = table_ref(spec, rows)
    columns = "".join(f'<tableColumn id="{i}" name="{attribute_escaped(c.header)}"/>'
                      for i, c in enumerate(spec.columns, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<table xmlns="{NS_MAIN}" id="{table_id}" name="{spec.table}" '
            f'displayName="{spec.table}" ref="{ref}" headerRowCount="1">'
            f'<autoFilter ref="{ref}"/>'
            f'<tableColumns count="{len(spec.columns)}">{columns}</tableColumns>'
            f'<tableStyleInfo name="{TABLE_STYLE}" showFirstColumn="0" showLastColumn="0" '
            'showRowStripes="1" showColumnStripes="0"/></table>').encode("utf-8")


def sheet_table_rels(table_target: str) -> bytes:
    rels = etree.Element("{%s}Relationships" % NS_PKG_REL, nsmap={None: NS_PKG_REL})
    etree.SubElement(rels, "{%s}Relationship" % NS_PKG_REL, Id="rId1", Type=REL_TABLE,
                     Target=table_target)
    return _bytes(rels)


def table_id(data: bytes) -> int:
    try:
        return int(parse_xml(data).get("id", "0"))
    except ValueError:
        return 0


def right_edge(data: bytes) -> int:
    """The table's last column (1-based)."""
    ref = parse_xml(data).get("ref", "A1")
    return split_cell(ref.partition(":")[2] or ref)[1]


def with_column(data: bytes, header: str) -> bytes:
    """The table one column wider, the new column named header."""
    root = parse_xml(data)
    columns = root.find(M + "tableColumns")
    taken = [int(c.get("id", "0")) for c in columns]
    etree.SubElement(columns, M + "tableColumn", id=str(max(taken + [0]) + 1), name=header)
    columns.set("count", str(len(columns)))
    for node in [root, *root.iter(M + "autoFilter")]:
        ref = node.get("ref")
        if ref:
            first, _, last = ref.partition(":")
            bottom, right = split_cell(last or first)
            node.set("ref", f"{first}:{column_letter(right + 1)}{bottom}")
    return _bytes(root)
