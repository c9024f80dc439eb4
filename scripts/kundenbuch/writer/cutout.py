"""The quick proof that a patched data sheet lost nothing: cut the written cells out of
the original and out of the new part, and what is left must be the same bytes.

Also cut on both sides: the <dimension> element (its range grows) and each written
row's spans attribute (a hint the patcher may widen); on the new side, rows that were
appended whole, after checking that they hold nothing but written cells and stand in
their place. The cells are found by their address, as cellxml writes it (r as the
first attribute): an independent way from the patcher's tokenizer, and one search
per written cell instead of taking every written row apart again.

It only ever proves: whenever it cannot (cells written differently in the original,
rows that are empty elements, an empty sheet …), it answers False and the full
comparison in verify.py decides. Where it says True, every byte outside the written
cells is unchanged.

The same cut also shows the new part well-formed wherever the original was, without
parsing all of it again (pieces_problem): the original's cut-out cells were whole
elements, so the new part is well-formed if every piece cut out of it is.
"""
from __future__ import annotations

import re
import xml.parsers.expat
from array import array

from ..records import column_letter


class _NotProven(Exception):
    pass


def unchanged_but_written(old: bytes, new: bytes, written: dict, layout) -> bool:
    """True if old and new differ only in the written cells (see module text).
    written: row -> its written columns; layout is rowscan's scan of old (where its
    rows are)."""
    return kept_in_new(old, new, written, layout) is not None


def kept_in_new(old: bytes, new: bytes, written: dict, layout) -> "_Spans | None":
    """The spans of new that are the original's bytes, if the proof holds; else None."""
    rows = sorted(written)                                # document order
    prefix = layout.prefix.encode()
    appended = {row for row in rows if row not in layout.rows}
    try:
        old_kept = _kept(old, prefix, rows, written, set(), layout.rows.get)
        new_kept = _kept(new, prefix, rows, written, appended, _searcher(new, prefix))
    except (_NotProven, ValueError):        # ValueError: a tag without its end
        return None
    return new_kept if _same_bytes(old, old_kept, new, new_kept) else None


_SPANS_HINT = re.compile(rb' spans="[0-9: ]*"\Z')   # over one attribute, not over XML


def pieces_problem(old: bytes, new: bytes, kept: "_Spans", layout) -> str | None:
    """None if the new part is well-formed, given that the original was and that the
    proof holds; else why not (or why this cannot tell: then parse it whole).
    It can tell for a plain sheet (rowscan.SheetScan.plain: every "<c" a cell, so the
    cells cut out of the original were whole elements) whose <dimension> was an empty
    element. Then each piece cut out of the new part must be whole in itself: spans
    hints attribute text, everything else elements followed by a tag, as cells and
    rows are. The pieces are parsed in batches, each in an element of its own."""
    if not layout.plain or (layout.dimension and
                            old[layout.dimension[1] - 2:layout.dimension[1]] != b"/>"):
        return "nicht zu entscheiden"
    parser = xml.parsers.expat.ParserCreate()
    elements = []
    try:
        parser.Parse(b"<w>", False)
        for start, end in zip(kept.ends[:-1], kept.starts[1:]):
            piece = new[start:end]
            if piece.startswith(b" spans="):
                if _SPANS_HINT.match(piece) is None:
                    return f"Bereichshinweis {piece!r}"
            elif new[end:end + 1] != b"<":
                return "ein geschriebenes Stück steht nicht vor einem Element"
            else:
                elements.append(piece)
                if len(elements) == PIECES_AT_ONCE:          # memory stays small
                    parser.Parse(b"<p>" + b"</p><p>".join(elements) + b"</p>", False)
                    elements.clear()
        parser.Parse(b"<p>" + b"</p><p>".join(elements) + b"</p></w>", True)
    except xml.parsers.expat.ExpatError as exc:
        return str(exc)
    return None


PIECES_AT_ONCE = 10000


def _searcher(data: bytes, prefix: bytes):
    """row -> (start, end) of that row in data, found by its start tag; rows are asked
    for in rising order, so each search goes on from the last row found."""
    position = 0
    row_open, row_close = b"<" + prefix + b'row r="', b"</" + prefix + b"row>"

    def find(row):
        nonlocal position
        start = data.find(row_open + str(row).encode() + b'"', position)
        if start < 0:
            raise _NotProven                  # every written row is in the new part
        end = data.find(row_close, start)
        if end < 0:
            raise _NotProven
        position = end + len(row_close)
        return start, position
    return find


def _kept(data: bytes, prefix: bytes, rows: list, written: dict, appended: set,
          row_span) -> "_Spans":
    """The spans of data that stay once the dimension, the written cells, the written
    rows' spans attributes and the appended rows are cut out. Written out in one loop:
    it runs for every written cell, on both sides."""
    kept, position = _Spans(), 0
    sheet_data = data.find(b"<" + prefix + b"sheetData")
    if sheet_data < 0 or data.startswith(b"/>", data.index(b">", sheet_data) - 1):
        raise _NotProven                      # <sheetData/>: its shape changes
    dimension = data.find(b"<" + prefix + b"dimension ", 0, sheet_data)
    if dimension >= 0:
        kept.append((0, dimension))
        position = data.index(b">", dimension) + 1
    keep_start, keep_end = kept.starts.append, kept.ends.append
    find, index = data.find, data.index
    cell_open, cell_close = b"<" + prefix + b'c r="', b"</" + prefix + b"c>"
    row_close_length = len(b"</" + prefix + b"row>")
    openers = {}                              # column -> b'<c r="M'
    for row in rows:
        columns = sorted(written[row])
        span = row_span(row)
        if span is None:
            continue                          # appended: not in the original
        start, end = span
        tag_end = index(b">", start) + 1
        if data[tag_end - 2] == 47:           # <row .../> takes another shape
            raise _NotProven
        content_end = end - row_close_length
        if row in appended:
            cells = _written_cells(data, prefix, row, columns, tag_end, content_end)
            _check_appended(data, prefix, row, tag_end, content_end, cells)
            keep_start(position)
            keep_end(start)
            position = end
            continue
        spans = find(b' spans="', start, tag_end)
        if spans >= 0:
            keep_start(position)
            keep_end(spans)
            position = index(b'"', spans + 8) + 1
        number, after = str(row).encode() + b'"', tag_end
        for column in columns:                # rising, and so must the cells stand
            opener = openers.get(column)
            if opener is None:
                opener = openers[column] = cell_open + column_letter(column).encode()
            cell_start = find(opener + number, tag_end, content_end)
            if cell_start < 0:
                continue                      # a cell the original did not have
            if cell_start < after:
                raise _NotProven
            cell_tag_end = index(b">", cell_start) + 1
            if data[cell_tag_end - 2] == 47:  # <c .../>
                after = cell_tag_end
            else:
                close = find(cell_close, cell_tag_end, content_end)
                if close < 0:
                    raise _NotProven
                after = close + len(cell_close)
            if cell_start > position:         # no empty spans between adjacent cells
                keep_start(position)
                keep_end(cell_start)
            position = after
    kept.append((position, len(data)))
    return kept


def _written_cells(data, prefix, row, columns, begin, end) -> list[tuple[int, int]]:
    """(start, end) of the written cells a row holds; columns rising, and so must the
    cells stand (else not proven)."""
    cell_open, cell_close = b"<" + prefix + b'c r="', b"</" + prefix + b"c>"
    number = str(row).encode() + b'"'
    found, after = [], begin
    for column in columns:
        start = data.find(cell_open + column_letter(column).encode() + number, begin, end)
        if start < 0:
            continue                          # a cell the original did not have
        if start < after:
            raise _NotProven
        tag_end = data.index(b">", start) + 1
        if data[tag_end - 2] == 47:           # <c .../>
            after = tag_end
        else:
            close = data.find(cell_close, tag_end, end)
            if close < 0:
                raise _NotProven
            after = close + len(cell_close)
        found.append((start, after))
    return found


def _check_appended(data, prefix, row, begin, end, cells) -> None:
    """An appended row holds written cells only, and the row after it (if any) has a
    higher number."""
    position = begin
    for start, cell_end in cells:
        if start != position:
            raise _NotProven
        position = cell_end
    if position != end:
        raise _NotProven
    row_tag = b"<" + prefix + b'row r="'
    following = data.find(row_tag, end)
    if following >= 0:
        digits_start = following + len(row_tag)
        digits = data[digits_start:data.index(b'"', digits_start)]
        if not digits.isdigit() or int(digits) <= row:
            raise _NotProven


class _Spans:
    """(start, end) pairs as two arrays of machine integers: a large first run cuts
    hundreds of thousands of cells, and tuples would cost ten times the memory."""

    def __init__(self):
        self.starts, self.ends = array("q"), array("q")

    def append(self, span: tuple[int, int]) -> None:
        self.starts.append(span[0])
        self.ends.append(span[1])

    def total(self) -> int:
        return sum(self.ends) - sum(self.starts)


def _same_bytes(old: bytes, old_kept: _Spans, new: bytes, new_kept: _Spans) -> bool:
    """Whether the kept spans of old and of new, each read in a row, are the same
    bytes; compared span by span, without joining them into copies of the part."""
    if old_kept.total() != new_kept.total():
        return False
    old_view, new_view = memoryview(old), memoryview(new)
    old_starts, old_ends = old_kept.starts, old_kept.ends
    new_starts, new_ends = new_kept.starts, new_kept.ends
    i = j = 0
    old_at, new_at = old_starts[0], new_starts[0]
    while i < len(old_starts) and j < len(new_starts):
        old_end, new_end = old_ends[i], new_ends[j]
        length = min(old_end - old_at, new_end - new_at)
        if old_view[old_at:old_at + length] != new_view[new_at:new_at + length]:
            return False
        old_at, new_at = old_at + length, new_at + length
        if old_at == old_end:
            i += 1
            old_at = old_starts[i] if i < len(old_starts) else old_at
        if new_at == new_end:
            j += 1
            new_at = new_starts[j] if j < len(new_starts) else new_at
    return True
