"""Write cell values into one worksheet part, touching nothing else in it.

Hand-written because no library edits a sheet part in place: openpyxl rewrites the
whole file and drops what it does not model (see writer/__init__.py). Rows without
writes are copied byte for byte. In a row that changes, the fast way (rowscan's
tokenizer) copies every cell it does not write byte for byte and puts the written
cells in as text (cellxml); the rows after it that look the same are written from
the recipe it leaves (tailrecipe). Sheets with XML the fast way does not take on
(comments between rows, attributes in single quotes …) go the careful way, through
lxml.
"""
from __future__ import annotations

import bisect
import io

from lxml import etree

from ..book.ooxml import PARSER, M
from ..book.records import column_letter, split_cell
from . import tailrecipe
from .cellxml import cell_xml, excel_number, xml_safe
from .rowscan import (ScanError, Unusual, cell_attribute, has_child, row_content, scan,
                      tail_cells)


class PatchRefused(Exception):
    """The part holds something we do not understand where we must write."""


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
    if formula is not None:
        _formula_refusal(where, formula.get("t"))


def _formula_refusal(where, kind):
    if kind in ("shared", "array", "dataTable"):
        raise PatchRefused(f"{where} enthält eine gemeinsame oder Matrix-Formel, von der "
                           "andere Zellen abhängen; kundenbuch schreibt dort nicht.")
    raise PatchRefused(f"{where} enthält eine Formel. Die Spalte wird von kundenbuch "
                       "geschrieben; bitte die Formel entfernen oder in eine eigene Spalte "
                       "verschieben.")


WRAPPER = b"kundenbuch-rows"
ROW_BATCH = 2000
MARK = b"<!--kundenbuch-row-->"
MAX_RECIPES = 64          # row shapes remembered at once (a first run has a handful)


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


def cells_by_row(writes: dict) -> dict:
    """(row, column) -> value as row -> {column: value}, the form the patcher and the
    verifier take (one entry a written row instead of one a cell)."""
    by_row = {}
    for (row, column), value in writes.items():
        by_row.setdefault(row, {})[column] = value
    return by_row


def patch_sheet(data: bytes, writes: dict, styles, sheet_name: str,
                header_rows: frozenset = frozenset()) -> bytes:
    """writes: (row, column) -> value. Returns the new part."""
    return patch_scanned(data, scan_sheet(data, sheet_name), cells_by_row(writes), styles,
                         sheet_name, header_rows)


def patch_scanned(data: bytes, layout, by_row: dict, styles, sheet_name: str,
                  header_rows: frozenset = frozenset()) -> bytes:
    """by_row: row -> {column: value}. New cells take the style of the same column in
    the nearest row above; header_rows (table headers) never lend their style."""
    sources = [n for n in layout.order if n not in header_rows]
    dimension = _dimension(data, layout, by_row)
    try:
        return _splice(data, layout, _fast_rows(data, layout, by_row, styles, sheet_name,
                                                sources), dimension)
    except Unusual:
        careful = _careful_rows(data, layout, by_row, styles, sheet_name, sources)
        return _splice(data, layout, sorted(careful.items()), dimension)


def _fast_rows(data, layout, by_row, styles, sheet_name, sources):
    """(row number, new bytes) of each row that changes, rising: made one at a time
    while _splice writes them out, so that they never all exist at once."""
    prefix = layout.prefix
    bprefix = prefix.encode()
    recipes = {}                     # written columns -> the last recipe made for them
    # The cells made in the last written row that may stand above a later one: new
    # cells take the style of the same column in the nearest row above.
    source_number, source_made = None, {}
    for number in sorted(by_row):
        values = by_row[number]
        index = bisect.bisect_left(sources, number)
        above = sources[index - 1] if index else None
        above_made = source_made if above == source_number and above is not None else None
        span = layout.rows.get(number)
        columns = sorted(values)
        recipe = recipes.get(tuple(columns))
        from_recipe = None
        if recipe is not None and span is not None:
            from_recipe = _row_from_recipe(data, span, bprefix, layout.plain, number,
                                           values, columns, recipe, above_made, styles)
        if from_recipe is None:
            row, made, recipe = _fast_row(data, span, prefix, number, values, above,
                                          above_made or {}, layout, styles, sheet_name)
            if recipe is not None:
                if len(recipes) >= MAX_RECIPES:
                    recipes.clear()
                recipes[tuple(columns)] = recipe
        else:
            row, made = from_recipe
        if index < len(sources) and sources[index] == number:
            source_number, source_made = number, made
        yield number, row


def _row_from_recipe(data, span, bprefix, plain, number, values, columns, recipe,
                     above_made, styles):
    """(new bytes, made) of a row whose tail matches the recipe, else None."""
    first = data.index(b">", span[0]) + 1
    if data[first - 2] == 47:                               # <row .../>
        return None
    segment = tailrecipe.matching_segment(recipe, data, first, span[1], bprefix, plain,
                                          number, columns, above_made)
    if segment is None:
        return None
    new_segment, made = tailrecipe.segment_bytes(recipe, bprefix.decode(), number, values,
                                                 styles, data, segment[2])
    return _with_segment(data, span, first, segment[0], segment[1], new_segment, made,
                         values), made


def _with_segment(data, span, first, segment_start, segment_end, new_segment, made,
                  values) -> bytes:
    """The row at span with its segment replaced by new_segment; first: where its
    content begins. Its spans hint widened if cells were made."""
    start_tag = data[span[0]:first]
    if made and b" spans=" in start_tag:
        start_tag = _widened_spans(start_tag, values)
    return start_tag + data[first:segment_start] + new_segment + data[segment_end:span[1]]


def _fast_style(data, span, prefix: bytes, column: int, plain: bool):
    content = row_content(data, span, prefix)
    if content is None:
        return None
    _, cells = tail_cells(data, content, prefix, column, plain)
    if cells and cells[0][0] == column:
        _, start, _, tag_end = cells[0]
        return _style(data[start:tag_end])
    return None


def _fast_row(data, span, prefix, number, values, above, above_made, layout, styles,
              sheet_name):
    """(new bytes, made, recipe) of one row taken apart: everything but the written
    cells as it was. made: column -> style of each cell created; recipe: how its tail
    was rewritten (None for a row that is new or was an empty element)."""
    bprefix = prefix.encode()

    def reference_style(column):
        if above is None:
            return None
        if column in above_made:
            return above_made[column]
        return _fast_style(data, layout.rows[above], bprefix, column, layout.plain)

    if span is not None:
        content = row_content(data, span, bprefix)
        if content is not None:
            return _taken_apart(data, span, content, bprefix, layout.plain, number,
                                values, reference_style, styles, sheet_name)
    close = f"</{prefix}row>".encode()
    if span is None:
        start_tag = f'<{prefix}row r="{number}">'.encode()
    else:                                         # <row .../> gets a body
        start_tag = data[span[0]:span[1] - 2].rstrip() + b">"
    pieces, made = [], {}
    for column in sorted(values):
        style = made[column] = styles.for_new_cell(reference_style(column), values[column])
        ref = f"{column_letter(column)}{number}"
        pieces.append(cell_xml(prefix, ref, style, values[column]).encode())
    if b" spans=" in start_tag:
        start_tag = _widened_spans(start_tag, values)
    return start_tag + b"".join(pieces) + close, made, None


def _taken_apart(data, span, content, bprefix, plain, number, values, reference_style,
                 styles, sheet_name):
    """A row with cells, through tail_cells; written from the recipe it gives."""
    insert_at, tail = tail_cells(data, content, bprefix, min(values), plain)
    formula = b"<" + bprefix + b"f"
    styles_of, reference = {}, {}
    existing = {column: (start, end, tag_end) for column, start, end, tag_end in tail}
    for column in sorted(values):
        if column not in existing:
            reference[column] = reference_style(column)
            continue
        start, end, tag_end = existing[column]
        if (data.find(formula, tag_end, end) >= 0
                and has_child(data, (tag_end, end), bprefix, b"f")):
            _refuse_formula_text(data, (tag_end, end), bprefix, sheet_name,
                                 f"{column_letter(column)}{number}")
        styles_of[column] = _style(data[start:tag_end])
    recipe, segment_end, kept = tailrecipe.make(data, number, content, insert_at, span[1],
                                                tail, values, styles_of, reference,
                                                bprefix, plain)
    new_segment, made = tailrecipe.segment_bytes(recipe, bprefix.decode(), number, values,
                                                 styles, data, kept)
    return (_with_segment(data, span, content[0], insert_at, segment_end, new_segment,
                          made, values), made, recipe)


def _style(tag: bytes) -> str | None:
    """The s attribute of a cell tag that tail_cells took (double quotes only)."""
    where = tag.find(b' s="')
    if where < 0:
        if b"\n" in tag or b"\t" in tag or b"\r" in tag:
            raise Unusual                  # attributes on new lines: the careful way
        return None
    return tag[where + 4:tag.index(b'"', where + 4)].decode()


def _widened_spans(start_tag: bytes, values) -> bytes:
    """spans (a hint for Excel: first:last column) covering the new cells."""
    begin = start_tag.index(b' spans="') + len(b' spans="')
    end = start_tag.index(b'"', begin)
    try:
        bounds = [int(n) for part in start_tag[begin:end].split() for n in part.split(b":")]
    except ValueError:
        return start_tag
    low, high = min(bounds + list(values)), max(bounds + list(values))
    return start_tag[:begin] + f"{low}:{high}".encode() + start_tag[end:]


def _refuse_formula_text(data, span, prefix, sheet_name, ref):
    formula_start = data.find(b"<" + prefix + b"f", *span)
    tag_end = data.index(b">", formula_start) + 1
    try:
        kind = cell_attribute(data, formula_start, tag_end, b"t")
    except Unusual:
        kind = "shared"
    _formula_refusal(f"Zelle {sheet_name}!{ref}", kind)


def _careful_rows(data, layout, by_row, styles, sheet_name, sources) -> dict:
    """The rows that change (and the row above each, whose cell styles new cells take
    over) are parsed together with lxml in one small document, changed, serialised
    once and split again; in batches, so that memory stays small."""
    targets = sorted(by_row)
    new_rows = {}
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
    return new_rows


def _nearest_above(existing: list, target: int):
    index = bisect.bisect_left(existing, target)
    return existing[index - 1] if index else None


def namespace_declarations(layout) -> bytes:
    return b" ".join(f'{k}="{v}"'.encode() for k, v in layout.namespaces.items())


def _wrapper(layout):
    return etree.fromstring(b"<" + WRAPPER + b" " + namespace_declarations(layout) + b"/>")


def _parse_rows(data, layout, numbers) -> dict:
    if not numbers:
        return {}
    body = MARK.join(bytes(memoryview(data)[slice(*layout.rows[n])]) for n in numbers)
    root = etree.fromstring(b"<" + WRAPPER + b" " + namespace_declarations(layout) + b">"
                            + body + b"</" + WRAPPER + b">", PARSER)
    return {int(row.get("r")): row for row in root.iterfind(M + "row")}


def _serialise(output) -> list[bytes]:
    text = etree.tostring(output, encoding="UTF-8")
    if text.startswith(b"<?xml"):
        text = text[text.index(b"?>") + 2:]
    body = text[text.index(b">") + 1:-len(b"</" + WRAPPER + b">")]
    return body.split(MARK)


def _splice(data, layout, new_rows, dimension: bytes | None) -> bytes:
    """The part with new_rows ((number, bytes), rising) in place of the old ones,
    written out as they come (BytesIO hands its buffer over without a copy)."""
    view = memoryview(data)
    out, position = io.BytesIO(), 0
    if dimension is not None and layout.dimension:
        start, end = layout.dimension
        out.write(view[:start])
        out.write(dimension)
        position = end
    prefix = layout.prefix.encode()
    if layout.data_empty_tag:             # <sheetData/> becomes <sheetData>…</sheetData>
        out.write(view[position:layout.data_close])
        out.write(b"<" + prefix + b"sheetData>")
        for _, row in new_rows:
            out.write(row)
        out.write(b"</" + prefix + b"sheetData>")
        out.write(view[layout.data_open_end:])
        return out.getvalue()
    existing = layout.order
    for number, row in new_rows:
        if number in layout.rows:
            start, end = layout.rows[number]
        else:
            following = bisect.bisect_right(existing, number)
            start = end = (layout.rows[existing[following]][0] if following < len(existing)
                           else layout.data_close)
        out.write(view[position:start])
        out.write(row)
        position = end
    out.write(view[position:])
    return out.getvalue()


def _dimension(data, layout, by_row) -> bytes | None:
    if layout.dimension is None or not by_row:
        return None
    tag = bytes(memoryview(data)[slice(*layout.dimension)])
    ref = etree.fromstring(tag.replace(layout.prefix.encode(), b"", 1)
                           if layout.prefix else tag, PARSER).get("ref", "A1")
    first, _, last = ref.partition(":")
    rows = [min(by_row), max(by_row)]
    columns = [min(min(values) for values in by_row.values()),
               max(max(values) for values in by_row.values())]
    try:
        (top, left), (bottom, right) = split_cell(first), split_cell(last or first)
        rows += [top, bottom]
        columns += [left, right]
    except ValueError:          # an empty or broken ref: the written cells decide
        pass
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
            style = styles.for_new_cell(_style_in(reference, column), value)
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
