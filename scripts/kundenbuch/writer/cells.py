"""Write cell values into one worksheet part, touching nothing else in it.

Hand-written on lxml because no library edits a sheet part in place: openpyxl
rewrites the whole file and drops what it does not model (see writer/__init__.py).
Text goes in as inline strings, so sharedStrings.xml never has to change and text
that starts with = + - @ stays text.
"""
from __future__ import annotations

import bisect
import re
from datetime import date, datetime, time
from decimal import Decimal

from lxml import etree

from ..ooxml import M, PARSER
from .rowscan import ScanError, scan
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


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Control characters cannot stand in XML; Excel itself writes them as _xHHHH_.
    (A pattern over plain text, not over XML.)"""
    if _NOT_XML.search(text) is None:
        return text
    return _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


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


WRAPPER = b"kundenbuch-rows"
ROW_BATCH = 2000
MARK = b"<!--kundenbuch-row-->"


def scan_sheet(data: bytes, sheet_name: str):
    """Row offsets of a sheet part, or a German refusal."""
    try:
        layout = scan(data)
    except ScanError as exc:
        raise PatchRefused(f"Blatt „{sheet_name}“ kann kundenbuch nicht sicher ändern "
                           f"({exc}).") from exc
    if MARK in data or layout.order != sorted(layout.order):
        raise PatchRefused(f"Blatt „{sheet_name}“ hat eine ungewöhnliche Zeilenfolge; "
                           "kundenbuch ändert es nicht.")
    return layout


def patch_sheet(data: bytes, writes: dict, styles, sheet_name: str,
                header_rows: frozenset = frozenset()) -> bytes:
    """writes: (row, column) -> value. Returns the new part."""
    return patch_scanned(data, scan_sheet(data, sheet_name), writes, styles, sheet_name,
                         header_rows)


def patch_scanned(data: bytes, layout, writes: dict, styles, sheet_name: str,
                  header_rows: frozenset = frozenset()) -> bytes:
    """Rows without writes are copied byte for byte; the rows that change (and the row
    above each, whose cell styles new cells take over) are parsed together in one
    small document, changed, serialised once and spliced back in. header_rows (table
    headers) never lend their style to new cells.
    """
    by_row = {}
    for (row, column), value in writes.items():
        by_row.setdefault(row, {})[column] = value
    targets = sorted(by_row)
    sources = [n for n in layout.order if n not in header_rows]
    new_rows = {}
    # In batches, so that memory stays small however many rows change.
    for first in range(0, len(targets), ROW_BATCH):
        batch = targets[first:first + ROW_BATCH]
        above = {t: _nearest_above(sources, t) for t in batch}
        wanted = sorted({t for t in batch if t in layout.rows} |
                        set(filter(None, above.values())))
        parsed = _parse_rows(data, layout, wanted)
        output = _wrapper(layout)
        for target in batch:
            row = parsed.get(target)
            if row is None:
                row = etree.Element(M + "row", r=str(target))
            _patch_row(row, target, by_row[target], parsed.get(above[target]), styles,
                       sheet_name)
            if len(output):
                output.append(etree.Comment(MARK[4:-3].decode()))
            output.append(row)
        new_rows.update(zip(batch, _serialise(output)))
    return _splice(data, layout, new_rows, _dimension(data, layout, writes))


def _nearest_above(existing: list, target: int):
    index = bisect.bisect_left(existing, target)
    return existing[index - 1] if index else None


def _namespace_declarations(layout) -> bytes:
    return b" ".join(f'{k}="{v}"'.encode() for k, v in layout.namespaces.items())


def _wrapper(layout):
    return etree.fromstring(b"<" + WRAPPER + b" " + _namespace_declarations(layout) + b"/>")


def _parse_rows(data, layout, numbers) -> dict:
    if not numbers:
        return {}
    body = MARK.join(bytes(memoryview(data)[slice(*layout.rows[n])]) for n in numbers)
    root = etree.fromstring(b"<" + WRAPPER + b" " + _namespace_declarations(layout) + b">"
                            + body + b"</" + WRAPPER + b">", PARSER)
    return {int(row.get("r")): row for row in root.iterfind(M + "row")}


def _serialise(output) -> list[bytes]:
    text = etree.tostring(output, encoding="UTF-8")
    if text.startswith(b"<?xml"):
        text = text[text.index(b"?>") + 2:]
    body = text[text.index(b">") + 1:-len(b"</" + WRAPPER + b">")]
    return body.split(MARK)


def _splice(data, layout, new_rows: dict, dimension: bytes | None) -> bytes:
    view = memoryview(data)
    pieces, position = [], 0
    if dimension is not None and layout.dimension:
        start, end = layout.dimension
        pieces += [view[:start], dimension]
        position = end
    prefix = layout.prefix.encode()
    if layout.data_empty_tag:             # <sheetData/> becomes <sheetData>…</sheetData>
        pieces += [view[position:layout.data_close], b"<" + prefix + b"sheetData>"]
        pieces += [new_rows[n] for n in sorted(new_rows)]
        pieces += [b"</" + prefix + b"sheetData>", view[layout.data_open_end:]]
        return b"".join(pieces)
    existing = layout.order
    for number in sorted(new_rows):
        if number in layout.rows:
            start, end = layout.rows[number]
        else:
            following = bisect.bisect_right(existing, number)
            start = end = (layout.rows[existing[following]][0] if following < len(existing)
                           else layout.data_close)
        pieces += [view[position:start], new_rows[number]]
        position = end
    pieces.append(view[position:])
    return b"".join(pieces)


def _dimension(data, layout, writes) -> bytes | None:
    if layout.dimension is None or not writes:
        return None
    tag = bytes(memoryview(data)[slice(*layout.dimension)])
    ref = etree.fromstring(tag.replace(layout.prefix.encode(), b"", 1)
                           if layout.prefix else tag, PARSER).get("ref", "A1")
    first, _, last = ref.partition(":")
    top, left = split_cell(first)
    bottom, right = split_cell(last or first)
    rows = [r for r, _ in writes] + [top, bottom]
    columns = [c for _, c in writes] + [left, right]
    new_ref = (f"{column_letter(min(columns))}{min(rows)}:"
               f"{column_letter(max(columns))}{max(rows)}")
    return b"<" + layout.prefix.encode() + b'dimension ref="' + new_ref.encode() + b'"/>'


def _patch_row(row, row_number, values, reference, styles, sheet_name):
    """Set values in one row. Only the cells from the lowest written column on are
    looked at (written columns are usually the last ones); new cells take the style of
    the same column in the reference row above."""
    lowest = min(values)
    tail = {}                                   # column -> cell, from `lowest` on
    for cell in row.iterchildren(M + "c", reversed=True):
        column = _cell_column(cell)
        if column < lowest:
            break
        tail[column] = cell
    for column in sorted(values):
        value = values[column]
        address = f"{column_letter(column)}{row_number}"
        cell = tail.get(column)
        if cell is None:
            cell = etree.Element(M + "c", r=address)
            later = [c for c in tail if c > column]
            if later:
                tail[min(later)].addprevious(cell)
            else:
                _append_cell(row, cell)
            tail[column] = cell
            style = _style_in(reference, column)
            kind = style_kind(value)
            if style is None and kind in ("date", "money"):
                style = str(styles.xf(kind))
            if style:
                cell.set("s", style)
        else:
            _refuse_formula(cell, f"Zelle {sheet_name}!{address}")
        set_cell(cell, value)
    if row.get("spans"):
        first = next(row.iterchildren(M + "c"))
        row.set("spans", f"{min(_cell_column(first), lowest)}:{max(tail)}")


def _style_in(reference, column: int):
    """The style of a column's cell in the reference row, searched from the end."""
    if reference is None:
        return None
    for cell in reference.iterchildren(M + "c", reversed=True):
        found = _cell_column(cell)
        if found <= column:
            return cell.get("s") if found == column else None
    return None


def _append_cell(row, cell):
    """After the last cell, before anything else a row may hold (extLst)."""
    others = [child for child in row if child.tag != M + "c"]
    if others:
        others[0].addprevious(cell)
    else:
        row.append(cell)
