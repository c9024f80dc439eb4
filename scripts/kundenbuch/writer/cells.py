"""Write cell values into one worksheet part, touching nothing else in it.

Hand-written on lxml because no library edits a sheet part in place: openpyxl
rewrites the whole file and drops what it does not model (see writer/__init__.py).
Text goes in as inline strings, so sharedStrings.xml never has to change and text
that starts with = + - @ stays text.
"""
from __future__ import annotations

import bisect
from datetime import date, datetime, time
from decimal import Decimal

from lxml import etree

from ..ooxml import M, parse_xml
from ..records import column_letter, split_cell

EPOCH = datetime(1899, 12, 30)


class PatchRefused(Exception):
    """The part holds something we do not understand where we must write."""


def excel_number(value) -> str | None:
    """The <v> text for numbers, dates and times; None for text and booleans."""
    if isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        delta = value - EPOCH
        return repr(delta.days + delta.seconds / 86400)
    if isinstance(value, date):
        return str((value - EPOCH.date()).days)
    if isinstance(value, time):
        return repr((value.hour * 3600 + value.minute * 60 + value.second) / 86400)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return None


def xml_safe(text: str) -> str:
    """Control characters cannot stand in XML; Excel itself writes them as _xHHHH_."""
    return "".join(ch if ch in "\t\n\r" or 0x20 <= ord(ch) < 0xD800 or 0xE000 <= ord(ch) < 0xFFFE
                   or ord(ch) > 0xFFFF else f"_x{ord(ch):04X}_" for ch in text)


def style_kind(value) -> str | None:
    """Which cell format a value needs when its cell has none yet."""
    if isinstance(value, (datetime, date)):
        return "date"
    if isinstance(value, time):
        return "time"
    if isinstance(value, Decimal):
        return "money"
    return None


def set_cell(cell, value) -> None:
    """Replace the content of a <c> element, keeping its address and style."""
    for child in list(cell):
        if child.tag in (M + "v", M + "is", M + "f"):
            cell.remove(child)
    for attribute in ("t", "cm", "vm"):
        cell.attrib.pop(attribute, None)
    if value is None:
        return
    if isinstance(value, bool):
        cell.set("t", "b")
        etree.SubElement(cell, M + "v").text = "1" if value else "0"
        return
    number = excel_number(value)
    if number is not None:
        etree.SubElement(cell, M + "v").text = number
        return
    text = xml_safe(str(value))
    cell.set("t", "inlineStr")
    node = etree.SubElement(etree.SubElement(cell, M + "is"), M + "t")
    node.text = text
    if text != text.strip():
        node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


def _cell_column(cell) -> int:
    ref = cell.get("r")
    if not ref:
        raise PatchRefused("Eine Zeile enthält Zellen ohne Adresse; diese Datei-Variante "
                           "kann kundenbuch nicht sicher ändern.")
    return split_cell(ref)[1]


def _refuse_formula(cell, where):
    formula = cell.find(M + "f")
    if formula is None:
        return
    if formula.get("t") in ("shared", "array", "dataTable"):
        raise PatchRefused(f"{where} enthält eine gemeinsame oder Matrix-Formel, von der "
                           "andere Zellen abhängen; kundenbuch schreibt dort nicht.")
    raise PatchRefused(f"{where} enthält eine Formel. Die Spalte wird von kundenbuch "
                       "geschrieben; bitte die Formel entfernen oder in eine eigene Spalte "
                       "verschieben.")


def patch_sheet(data: bytes, writes: dict, styles, sheet_name: str) -> bytes:
    """writes: (row, column) -> value. Returns the new part."""
    root = parse_xml(data)
    sheet_data = root.find(M + "sheetData")
    if sheet_data is None:
        raise PatchRefused(f"Blatt „{sheet_name}“ hat keinen Datenbereich.")
    by_row = {}
    for (row, column), value in writes.items():
        by_row.setdefault(row, {})[column] = value
    last_style = {}            # column -> style of the nearest cell above
    rows = {int(r.get("r")): r for r in sheet_data.iterfind(M + "row") if r.get("r")}
    if len(rows) != len(sheet_data):
        raise PatchRefused(f"Blatt „{sheet_name}“ hat Zeilen ohne Nummer; diese "
                           "Datei-Variante kann kundenbuch nicht sicher ändern.")
    wanted_rows = sorted(by_row)
    existing = sorted(rows)
    pointer = 0
    for row_number in wanted_rows:
        # Remember styles of all rows above this one (template rows carry the formats).
        while pointer < len(existing) and existing[pointer] < row_number:
            for cell in rows[existing[pointer]].iterfind(M + "c"):
                if cell.get("s"):
                    last_style[_cell_column(cell)] = cell.get("s")
            pointer += 1
        row = rows.get(row_number)
        if row is None:
            row = etree.Element(M + "row", r=str(row_number))
            following = bisect.bisect_right(existing, row_number)
            if following < len(existing):
                rows[existing[following]].addprevious(row)
            else:
                sheet_data.append(row)
            rows[row_number] = row
        _patch_row(row, row_number, by_row[row_number], last_style, styles, sheet_name)
    _widen_dimension(root, writes)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _patch_row(row, row_number, values, last_style, styles, sheet_name):
    cells = {_cell_column(c): c for c in row.iterfind(M + "c")}
    for column in sorted(values):
        value = values[column]
        address = f"{column_letter(column)}{row_number}"
        cell = cells.get(column)
        if cell is None:
            cell = etree.Element(M + "c", r=address)
            later = [c for c in cells if c > column]
            if later:
                cells[min(later)].addprevious(cell)
            else:
                row.append(cell)
            cells[column] = cell
            style = last_style.get(column)
            kind = style_kind(value)
            if style is None and kind in ("date", "money"):
                style = str(styles.xf(kind))
            if style:
                cell.set("s", style)
        else:
            _refuse_formula(cell, f"Zelle {sheet_name}!{address}")
        set_cell(cell, value)
    if row.get("spans"):
        columns = sorted(cells)
        row.set("spans", f"{columns[0]}:{columns[-1]}")


def _widen_dimension(root, writes):
    dimension = root.find(M + "dimension")
    if dimension is None or not writes:
        return
    first, _, last = dimension.get("ref", "A1").partition(":")
    top, left = split_cell(first)
    bottom, right = split_cell(last or first)
    rows = [r for r, _ in writes] + [top, bottom]
    columns = [c for _, c in writes] + [left, right]
    dimension.set("ref", f"{column_letter(min(columns))}{min(rows)}:"
                         f"{column_letter(max(columns))}{max(rows)}")
