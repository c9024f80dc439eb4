"""Where each row of a worksheet part starts and ends, found with expat.

Large sheets are patched by copying unchanged rows byte for byte and re-writing only
the rows that change. expat (a real XML parser, in the standard library) reports the
byte offset of every tag, which lxml's iterparse does not; that is why this exists.
"""
from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field

from ..ooxml import NS_MAIN


class ScanError(Exception):
    pass


@dataclass
class SheetScan:
    prefix: str                        # "" or "x:" for the spreadsheet namespace
    namespaces: dict                   # xmlns attributes of the root element
    rows: dict = field(default_factory=dict)      # row number -> (start, end) offsets
    order: list = field(default_factory=list)     # row numbers in document order
    data_open_end: int = -1            # offset just after <sheetData ...>
    data_close: int = -1               # offset of </sheetData> (or of <sheetData/>)
    data_empty_tag: bool = False       # <sheetData/>
    dimension: tuple | None = None     # (start, end) of <dimension .../>


def _tag_end(data: bytes, offset: int) -> int:
    """Offset just after the tag starting at offset. Row, sheetData and dimension tags
    carry only numbers and cell ranges in their attributes, never a '>'."""
    return data.index(b">", offset) + 1


def scan(data: bytes) -> SheetScan:
    parser = xml.parsers.expat.ParserCreate()
    result = None
    depth = 0
    row_tag = sheet_data_tag = dimension_tag = None

    def root(name, attrs):
        nonlocal result, depth, row_tag, sheet_data_tag, dimension_tag
        depth = 1
        namespaces = {k: v for k, v in attrs.items() if k.startswith("xmlns")}
        prefix = next((k[6:] + ":" for k, v in namespaces.items()
                       if v == NS_MAIN and k.startswith("xmlns:")), "")
        if namespaces.get("xmlns") != NS_MAIN and not prefix:
            raise ScanError("kein Tabellenblatt im erwarteten Format")
        result = SheetScan(prefix, namespaces)
        row_tag, sheet_data_tag = prefix + "row", prefix + "sheetData"
        dimension_tag = prefix + "dimension"
        # From here on most elements are cells and values: keep their handler lean.
        parser.StartElementHandler, parser.EndElementHandler = start, end

    def start(name, attrs):
        nonlocal depth
        depth += 1
        if name == row_tag and depth == 3:
            if "r" not in attrs:
                raise ScanError("Zeilen ohne Nummer")
            number = int(attrs["r"])
            if number in result.rows:
                raise ScanError(f"Zeile {number} kommt doppelt vor")
            result.rows[number] = parser.CurrentByteIndex
            result.order.append(number)
        elif depth == 2:
            if name == sheet_data_tag:
                result.data_open_end = _tag_end(data, parser.CurrentByteIndex)
                result.data_close = parser.CurrentByteIndex
                result.data_empty_tag = data[result.data_open_end - 2] == ord("/")
            elif name == dimension_tag:
                offset = parser.CurrentByteIndex
                result.dimension = (offset, _tag_end(data, offset))

    def end(name):
        nonlocal depth
        depth -= 1
        if depth == 2 and name == row_tag:
            number = result.order[-1]
            begin = result.rows[number]
            own_tag_end = _tag_end(data, begin)
            if data[own_tag_end - 2:own_tag_end] == b"/>":       # <row .../>
                close = own_tag_end
            else:                      # expat reports the offset of </row> here
                here = parser.CurrentByteIndex
                if not data.startswith(b"</", here):
                    raise ScanError(f"Zeile {number} nicht verstanden")
                close = _tag_end(data, here)
            result.rows[number] = (begin, close)
        elif depth == 1 and name == sheet_data_tag and not result.data_empty_tag:
            result.data_close = parser.CurrentByteIndex

    parser.StartElementHandler = root
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        raise ScanError(f"ungültiges XML ({exc})") from exc
    if result is None or result.data_open_end < 0:
        raise ScanError("kein Datenbereich (sheetData)")
    return result
