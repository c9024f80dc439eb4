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


# --- the fast way and the careful way agree ---------------------------------------

import zipfile

from hypothesis import HealthCheck, given, settings, strategies as st

from kundenbuch.writer import cells as cells_module
from kundenbuch.writer.cellxml import xml_safe
from kundenbuch.writer.cells import cells_by_row, patch_scanned
from kundenbuch.writer.rowscan import ScanError, Unusual, careful_scan, fast_scan, scan
from kundenbuch.writer.cutout import unchanged_but_written
from kundenbuch.writer.verify import sheet_problems

from conftest import needs_samples, sample_files


def sample_sheet_parts():
    needs_samples()
    found = []
    for path in sample_files():
        try:
            with zipfile.ZipFile(path) as zf:
                found += [(f"{path.name}:{n}", zf.read(n)) for n in zf.namelist()
                          if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        except zipfile.BadZipFile:
            continue
    return found


def test_fast_scan_finds_the_rows_expat_finds_in_every_sample_sheet():
    fast = 0
    for name, data in sample_sheet_parts():
        try:
            expected = careful_scan(data)
        except ScanError:
            continue
        try:
            assert fast_scan(data) == expected, name
            fast += 1
        except Unusual:
            pass
    assert fast >= 10          # the samples come from Excel, LibreOffice, POI …


@st.composite
def sheets(draw):
    """A worksheet as different programs might write it, and cells to write."""
    prefix = draw(st.sampled_from(["", "x:"]))
    quote = draw(st.sampled_from(['"', '"', "'"]))
    gap = draw(st.sampled_from(["", "", "\n  ", " "]))
    comment = draw(st.booleans()) and draw(st.booleans())
    spans = draw(st.booleans())
    numbers = sorted(draw(st.sets(st.integers(1, 12), max_size=8)))
    rows = []
    for number in numbers:
        columns = sorted(draw(st.sets(st.integers(1, 6), max_size=5)))
        cells = []
        for column in columns:
            ref = f"{'ABCDEF'[column - 1]}{number}"
            style = draw(st.sampled_from(["", f" s={quote}2{quote}"]))
            kind = draw(st.sampled_from(["num", "text", "empty", "rich"]))
            p = prefix
            if kind == "num":
                body = f"<{p}v>{number * 10 + column}</{p}v>"
            elif kind == "text":
                body = f"<{p}is><{p}t>t{ref}</{p}t></{p}is>"
            elif kind == "rich":
                body = (f"<{p}is><{p}r><{p}rPr><{p}color rgb={quote}FF0000FF{quote}/>"
                        f"</{p}rPr><{p}t>r{ref}</{p}t></{p}r></{p}is>")
            else:
                body = ""
            t = {"text": f" t={quote}inlineStr{quote}", "rich": f" t={quote}inlineStr{quote}"}
            head = f"<{p}c r={quote}{ref}{quote}{style}{t.get(kind, '')}"
            cells.append(head + (f">{body}</{p}c>" if body else "/>"))
        span = f" spans={quote}1:6{quote}" if spans and cells else ""
        attrs = f"<{prefix}row r={quote}{number}{quote}{span}"
        rows.append(attrs + (">" + gap.join(cells) + f"</{prefix}row>" if cells else "/>"))
    body = gap.join(rows)
    if comment and rows:
        body = "<!-- von Hand -->" + body
    declaration = f'xmlns:x="{NS}"' if prefix else f'xmlns="{NS}"'
    xml = (f"<{prefix}worksheet {declaration}><{prefix}dimension ref=\"A1:F12\"/>"
           f"<{prefix}sheetData>{body}</{prefix}sheetData></{prefix}worksheet>")
    writes = draw(st.dictionaries(st.tuples(st.integers(1, 14), st.integers(1, 7)),
                                  st.one_of(st.none(), st.integers(-5, 5),
                                            st.text(max_size=6),
                                            st.just(Decimal("9.50"))), max_size=10))
    return xml.encode(), writes


def _patched_with(name: str, stand_in, xml: bytes, writes: dict) -> bytes:
    """The sheet patched with one of the patcher's functions replaced (in hypothesis
    tests, where pytest's monkeypatch does not reach each example)."""
    original = getattr(cells_module, name)
    setattr(cells_module, name, stand_in)
    try:
        return patch_sheet(xml, writes, StyleBook(STYLES), "Test")
    finally:
        setattr(cells_module, name, original)


def expected_cells(xml: bytes, writes: dict) -> dict:
    found = cells(xml)
    for (row, column), value in writes.items():
        ref = f"{'ABCDEFG'[column - 1]}{row}"
        style = found.get(ref, (None, None, None))[2]
        if value is None:
            found[ref] = (None, "", style)
        else:
            text = xml_safe(str(value))         # control characters as _xHHHH_
            if isinstance(value, date):
                text = str((value - date(1899, 12, 30)).days)
            kind = "inlineStr" if isinstance(value, str) else None
            found[ref] = (kind, text, style)
    return found


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_both_ways_write_the_same_cells_and_keep_all_others(sheet):
    xml, writes = sheet
    styles = StyleBook(STYLES)
    fast = patch_sheet(xml, writes, styles, "Test")
    careful = _patched_with("_fast_rows", _always_unusual, xml, writes)
    fast_cells, careful_cells = cells(fast), cells(careful)
    assert fast_cells == careful_cells
    expected = expected_cells(xml, writes)
    for ref, (kind, text, _) in expected.items():
        assert fast_cells[ref][:2] == (kind, text)
    assert not sheet_problems("sheet", xml, fast, cells_by_row(writes))
    assert not sheet_problems("sheet", xml, careful, cells_by_row(writes))
    assert patch_scanned(xml, scan(xml), cells_by_row(writes), StyleBook(STYLES), "Test") == fast


def _element_at(data: bytes, ref: str) -> tuple[int, int]:
    """(start, end) of the cell element with address ref (test helper, by hand)."""
    at = max(data.find(f'r="{ref}"'.encode()), data.find(f"r='{ref}'".encode()))
    start = data.rfind(b"<", 0, at)
    tag_end = data.index(b">", at) + 1
    if data[tag_end - 2:tag_end] == b"/>":
        return start, tag_end
    name = data[start + 1:data.index(b" ", start)]
    close = b"</" + name + b">"
    return start, data.index(close, tag_end) + len(close)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(sheets(), st.data())
def test_the_quick_proof_never_passes_a_lost_or_changed_cell(sheet, data):
    """cutout proves "only the written cells changed" or declines; a patch that lost
    a cell it did not write, or changed one, it never lets pass, and neither does the
    full comparison."""
    xml, writes = sheet
    fast = patch_sheet(xml, writes, StyleBook(STYLES), "Test")
    layout = scan(xml)
    if unchanged_but_written(xml, fast, cells_by_row(writes), layout):
        assert not sheet_problems("sheet", xml, fast, cells_by_row(writes))
    kept = sorted(ref for ref in cells(xml) if ref not in
                  {f"{'ABCDEFG'[c - 1]}{r}" for r, c in writes})
    if not kept:
        return
    start, end = _element_at(fast, data.draw(st.sampled_from(kept)))
    element = fast[start:end]
    changes = [
        b"",                                             # the cell is gone
        element.replace(b"</", b"<v>9</v></", 1) if b"</" in element
        else element[:-2] + b"><v>9</v></" + element[1:element.index(b" ")] + b">",
    ]
    value = element.find(b"<v>") + 3
    if value > 2 and element[value:value + 1] not in (b"", b"<"):   # same length
        digit = b"8" if element[value:value + 1] == b"9" else b"9"
        changes.append(element[:value] + digit + element[value + 1:])
    broken = data.draw(st.sampled_from(changes))
    sabotaged = fast[:start] + broken + fast[end:]
    assert not unchanged_but_written(xml, sabotaged, cells_by_row(writes), layout)
    assert sheet_problems("sheet", xml, sabotaged, cells_by_row(writes))


def test_the_quick_proof_holds_for_a_plain_sheet():
    """The way Excel, LibreOffice and kundenbuch write sheets needs no full
    comparison: the proof by cutting out the written cells holds."""
    sheet = (f'<worksheet xmlns="{NS}"><dimension ref="A1:C2"/><sheetData>'
             '<row r="1" spans="1:3"><c r="A1" t="inlineStr"><is><t>Nr</t></is></c></row>'
             '<row r="2" spans="1:3"><c r="A2"><v>7</v></c><c r="C2" s="2"/></row>'
             '</sheetData></worksheet>').encode()
    writes = {(2, 2): "neu", (2, 3): Decimal("1.50"), (3, 1): 8}
    result = patch_sheet(sheet, writes, StyleBook(STYLES), "Test")
    assert unchanged_but_written(sheet, result, cells_by_row(writes), scan(sheet))
    assert not unchanged_but_written(sheet, result.replace(b"<v>7</v>", b"<v>6</v>"),
                                     cells_by_row(writes), scan(sheet))


def test_the_quick_proof_compares_what_lies_between_written_cells():
    """A kept cell changed without changing its length is found wherever it stands:
    before a written cell the original had, before one the patcher created, before
    one that is missing from the new part, and after the last one."""
    sheet = (f'<worksheet xmlns="{NS}"><sheetData>'
             '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><v>3</v></c>'
             '</row><row r="2"><c r="A2"><v>4</v></c></row></sheetData></worksheet>').encode()
    writes = {1: {2: "neu", 4: "auch"}}
    result = patch_sheet(sheet, {(1, 2): "neu", (1, 4): "auch"}, StyleBook(STYLES), "Test")
    layout = scan(sheet)
    assert unchanged_but_written(sheet, result, writes, layout)
    for before, after in ((b"<v>1</v>", b"<v>9</v>"),       # before B1, in both
                          (b"<v>3</v>", b"<v>9</v>"),       # before D1, created
                          (b"<v>4</v>", b"<v>9</v>")):      # after the last cut
        assert not unchanged_but_written(sheet, result.replace(before, after), writes,
                                         layout), before
    written_b1 = result[result.index(b'<c r="B1"'):result.index(b'<c r="C1"')]
    missing = result.replace(written_b1, b"").replace(b"<v>1</v>", b"<v>9</v>")
    assert not unchanged_but_written(sheet, missing, writes, layout)


def test_a_spans_hint_that_is_not_xml_is_found():
    """The spans hint of a written row is cut out like the cells; if it is not a plain
    hint, the new part is parsed whole and its fault found."""
    sheet = (f'<worksheet xmlns="{NS}"><sheetData><row r="1" spans="1:2">'
             '<c r="A1"><v>1</v></c></row></sheetData></worksheet>').encode()
    writes = {(1, 2): "neu"}
    result = patch_sheet(sheet, writes, StyleBook(STYLES), "Test")
    assert b' spans="1:2"' in result
    assert not sheet_problems("sheet", sheet, result, cells_by_row(writes))
    broken = result.replace(b' spans="1:2"', b' spans="1<2"')
    problems = sheet_problems("sheet", sheet, broken, cells_by_row(writes))
    assert problems and "kein gültiges XML" in problems[0]


def _always_unusual(*args, **kwargs):
    raise Unusual


def test_a_commented_cell_is_not_taken_for_a_cell():
    sheet = (f'<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c>'
             '<!-- <c r="B1"><v>alt</v></c> --></row></sheetData></worksheet>').encode()
    result = patch_sheet(sheet, {(1, 2): "neu"}, StyleBook(STYLES), "Test")
    assert cells(result) == {"A1": (None, "1", None), "B1": ("inlineStr", "neu", None)}
    assert not sheet_problems("sheet", sheet, result, {1: {2: "neu"}})


# --- rows rewritten from a recipe (tailrecipe) -------------------------------------

@st.composite
def regular_sheets(draw):
    """Many rows cut from one pattern, as a table is: the same cells from the written
    columns on in most rows, with some rows that differ (a value in the tail, a cell
    missing or in another style, cells out of order, blanks between cells, a spans
    hint), and writes to the same columns in most rows."""
    prefix = draw(st.sampled_from(["", "x:"]))
    p = prefix
    tail = draw(st.lists(st.sampled_from(["C", "D", "E", "F"]), unique=True, max_size=4))
    tail_style = {c: draw(st.sampled_from(["", ' s="2"', ' s="3"'])) for c in "CDEF"}
    written = draw(st.sets(st.sampled_from([3, 4, 5, 6]), min_size=1))
    valued = draw(st.sampled_from([None, "C", "D", "E", "F"]))  # a value in every row
    spans = draw(st.booleans())
    rows = [f'<{p}row r="1"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>Kopf</{p}t></{p}is>'
            f"</{p}c></{p}row>"]
    writes = {}
    count = draw(st.integers(2, 25))
    for number in range(2, 2 + count):
        oddity = draw(st.sampled_from(["none"] * 6 + ["value", "missing", "disorder",
                                                      "late", "blank", "no_b",
                                                      "other_writes", "restyled"]))
        cells = [f'<{p}c r="A{number}"><{p}v>{number}</{p}v></{p}c>']
        if oddity != "no_b":
            cells.append(f'<{p}c r="B{number}" s="2"/>')
        for column in sorted(tail):
            if oddity == "missing" and column == min(tail):
                continue
            body = f"<{p}v>7</{p}v>" if oddity == "value" and column == max(tail) else ""
            if column == valued:
                body = f"<{p}v>{number * 3}</{p}v>"
            style = tail_style[column]
            if oddity == "restyled" and column == min(tail):  # as long, other bytes
                style = ' s="3"' if style == ' s="2"' else ' s="2"'
            head = f'<{p}c r="{column}{number}"{style}'
            cells.append(head + (f">{body}</{p}c>" if body else "/>"))
        if oddity == "disorder" and len(cells) > 2:
            cells[1], cells[2] = cells[2], cells[1]
        missing = sorted(set(written) - {"ABCDEF".index(c) + 1 for c in tail})
        if oddity == "late" and missing:      # a written column's cell at the end
            cells.append(f'<{p}c r="{"ABCDEF"[missing[0] - 1]}{number}"/>')
        gap = " " if oddity == "blank" else ""
        hint = ' spans="1:6"' if spans else ""
        rows.append(f'<{p}row r="{number}"{hint}>' + gap.join(cells) + f"</{p}row>")
        columns = written
        if oddity == "other_writes":
            columns = draw(st.sets(st.sampled_from([2, 3, 4, 5, 6]), min_size=1))
        for column in columns:
            writes[number, column] = draw(st.one_of(
                st.none(), st.integers(-5, 5), st.text(max_size=4),
                st.just(Decimal("9.50")), st.just(date(2026, 11, 2))))
    declaration = f'xmlns:x="{NS}"' if prefix else f'xmlns="{NS}"'
    xml = (f"<{p}worksheet {declaration}><{p}dimension ref=\"A1:F{count + 1}\"/>"
           f"<{p}sheetData>{''.join(rows)}</{p}sheetData></{p}worksheet>")
    return xml.encode(), writes


def _no_recipe(*args, **kwargs):
    return None


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(regular_sheets())
def test_rows_from_a_recipe_are_the_rows_taken_apart(sheet):
    """A user sees the same file whether a row was rewritten from the row before's
    recipe or taken apart cell by cell: every written value in its cell, every other
    cell kept, new cells styled from the row above."""
    xml, writes = sheet
    fast = patch_sheet(xml, writes, StyleBook(STYLES), "Test")
    one_by_one = _patched_with("_row_from_recipe", _no_recipe, xml, writes)
    assert fast == one_by_one
    fast_cells = cells(fast)
    for ref, (kind, text, _) in expected_cells(xml, writes).items():
        assert fast_cells[ref][:2] == (kind, text)
    assert not sheet_problems("sheet", xml, fast, cells_by_row(writes))


def test_a_table_of_same_rows_is_rewritten_from_recipes(monkeypatch):
    """The recipe is what makes a first run fast: in a table of rows alike, only the
    first row of each kind is taken apart."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="C{n}" s="2"/></row>'
                   for n in range(2, 102))
    sheet = f'<worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    taken_apart = []
    original = cells_module._taken_apart
    monkeypatch.setattr(cells_module, "_taken_apart",
                        lambda *a, **k: taken_apart.append(a[5]) or original(*a, **k))
    writes = {(n, c): f"x{n}" for n in range(2, 102) for c in (2, 3)}
    result = patch_sheet(sheet, writes, StyleBook(STYLES), "Test")
    assert taken_apart == [2]
    assert cells(result)["B77"] == ("inlineStr", "x77", None)
    assert cells(result)["C77"] == ("inlineStr", "x77", "2")


@pytest.mark.parametrize("broken", [
    b'<c r="B2" t="inlineStr"><is><t>neu</t></c>',          # an element left open
    b'<c r="B2" t="inlineStr"><is><t>a<b</t></is></c>',     # markup in the text
])
def test_a_written_cell_that_is_not_xml_is_found(broken):
    """The quick proof takes the new part as well-formed only if each written piece
    is; a broken written cell stops the write."""
    sheet = (f'<worksheet xmlns="{NS}"><dimension ref="A1:C2"/><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>Nr</t></is></c></row>'
             '<row r="2"><c r="A2"><v>7</v></c><c r="C2" s="2"/></row>'
             '</sheetData></worksheet>').encode()
    writes = {(2, 2): "neu"}
    result = patch_sheet(sheet, writes, StyleBook(STYLES), "Test")
    written = b'<c r="B2" t="inlineStr"><is><t>neu</t></is></c>'
    assert written in result and not sheet_problems("sheet", sheet, result, cells_by_row(writes))
    problems = sheet_problems("sheet", sheet, result.replace(written, broken), cells_by_row(writes))
    assert problems and "kein gültiges XML" in problems[0]


def test_a_row_unlike_the_one_before_keeps_its_own_cells():
    """A row whose written cell has another style (of the same length) than in the
    rows before it keeps that style: it is not written from their recipe."""
    def row(n, style):
        return (f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}" s="{style}"/>'
                f'<c r="C{n}"><v>{n * 3}</v></c></row>')
    rows = "".join(row(n, "3" if n == 7 else "2") for n in range(2, 12))
    sheet = f'<worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    writes = {(n, 2): f"x{n}" for n in range(2, 12)}
    result = patch_sheet(sheet, writes, StyleBook(STYLES), "Test")
    found = cells(result)
    assert found["B7"] == ("inlineStr", "x7", "3")
    assert found["B8"] == ("inlineStr", "x8", "2")
    assert found["C7"][1] == "21"
