"""The row-splicing patcher on unusual but valid worksheet XML."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from kundenbuch.writer.cells import PatchRefused, patch_sheet
from kundenbuch.writer.styles import StyleBook

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STYLES = (f'<styleSheet xmlns="{NS}"><numFmts count="0"/><fonts count="1"><font/></fonts>'
          '<fills count="2"><fill/><fill/></fills><cellXfs count="1"><xf/></cellXfs>'
          "</styleSheet>").encode()


def cells(xml: bytes) -> dict:
    root = etree.fromstring(xml)
    return {c.get("r"): (c.get("t"), "".join(c.itertext()), c.get("s"))
            for c in root.iter(f"{{{NS}}}c")}


def test_prefixed_namespace_and_self_closing_rows():
    sheet = (f'<x:worksheet xmlns:x="{NS}"><x:dimension ref="A1:B3"/><x:sheetData>'
             '<x:row r="1"><x:c r="A1" s="1"><x:v>1</x:v></x:c></x:row><x:row r="2"/>'
             '<x:row r="3"><x:c r="B3"><x:v>3</x:v></x:c></x:row></x:sheetData>'
             "</x:worksheet>").encode()
    result = patch_sheet(sheet, {(2, 1): "neu", (5, 2): Decimal("1.50")},
                         StyleBook(STYLES), "Test")
    found = cells(result)
    assert found["A1"] == (None, "1", "1") and found["B3"] == (None, "3", None)
    assert found["A2"] == ("inlineStr", "neu", "1")      # style from the row above
    assert found["B5"][1] == "1.50"
    assert b'<x:dimension ref="A1:B5"/>' in result
    assert b"xmlns=" not in result.replace(b"xmlns:x=", b"")


def test_empty_sheet_data_gets_rows():
    sheet = f'<worksheet xmlns="{NS}"><sheetData/></worksheet>'.encode()
    result = patch_sheet(sheet, {(1, 1): date(2026, 1, 2)}, StyleBook(STYLES), "Test")
    assert cells(result)["A1"][1] == "46024"


def test_unchanged_rows_are_copied_byte_for_byte():
    odd = '<row r="1"  spans="1:1" ><c r="A1" ><v>1</v></c></row>\n  '
    sheet = (f'<worksheet xmlns="{NS}"><sheetData>{odd}<row r="2"><c r="A2"/></row>'
             "</sheetData></worksheet>").encode()
    result = patch_sheet(sheet, {(2, 1): 7}, StyleBook(STYLES), "Test")
    assert odd.encode() in result


def test_refuses_rows_out_of_order():
    sheet = (f'<worksheet xmlns="{NS}"><sheetData><row r="3"/><row r="1"/></sheetData>'
             "</worksheet>").encode()
    with pytest.raises(PatchRefused, match="Zeilenfolge"):
        patch_sheet(sheet, {(2, 1): 1}, StyleBook(STYLES), "Test")
