"""The quick proof that a patched data sheet lost nothing: cut the written cells out of
the original and out of the new part, and what is left must be the same bytes.

Both parts are walked in step, row by row, and cut at the same places: the
<dimension> element (its range grows), each written row's spans attribute (a hint the
patcher may widen) and each written cell; on the new side also rows appended whole,
after checking that they hold nothing but written cells and stand in their place.
The kept bytes between two cuts must be the same on both sides; they are compared as
the walk passes them. A cut found on one side only (a cell the patcher created) is a
piece inserted there. The cells are found by their address, as cellxml writes it (r
as the first attribute): an independent way from the patcher's tokenizer, and one
search per written cell instead of taking every written row apart again.

It only ever proves: whenever it cannot (cells written differently in the original,
rows that are empty elements, an empty sheet …), it answers None and the full
comparison in verify.py decides. Where it answers, every byte outside the cuts is
unchanged.

The same walk also shows the new part well-formed wherever the original was, without
parsing all of it again (Proof.pieces_problem): the original's cut-out cells were
whole elements, so the new part is well-formed if every piece cut out of it is.
"""
from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass

from ..book.records import column_letter


class _NotProven(Exception):
    pass


@dataclass
class Proof:
    """The new part is the original but for the cuts. pieces_problem: None if the new
    part is shown well-formed too; else why not, or why this cannot tell (then parse
    it whole)."""
    pieces_problem: str | None


def unchanged_but_written(old: bytes, new: bytes, written: dict, layout) -> bool:
    """True if old and new differ only in the written cells (see module text).
    written: row -> its written columns; layout is rowscan's scan of old (where its
    rows are)."""
    return cut_proof(old, new, written, layout) is not None


def cut_proof(old: bytes, new: bytes, written: dict, layout) -> Proof | None:
    """The proof, if it holds; else None.
    The pieces tell for a plain sheet (rowscan.SheetScan.plain: every "<c" a cell, so
    the cells cut out of the original were whole elements) whose <dimension> was an
    empty element. Then each piece cut out of the new part must be whole in itself:
    spans hints attribute text, everything else elements, as cells and rows are."""
    tells = layout.plain and not (layout.dimension and
                                  old[layout.dimension[1] - 2:layout.dimension[1]] != b"/>")
    pieces = _Pieces() if tells else None
    try:
        _walk(old, new, layout, written, pieces)
    except (_NotProven, ValueError):        # ValueError: a tag without its end
        return None
    return Proof(pieces.finish() if pieces is not None else "nicht zu entscheiden")


_SPANS_HINT = re.compile(rb' spans="[0-9: ]*"\Z')   # over one attribute, not over XML

PIECES_AT_ONCE = 10000


class _Pieces:
    """The pieces cut out of the new part, parsed in batches as they come, each in an
    element of its own (memory stays small)."""

    def __init__(self):
        self.elements, self.problem = [], None
        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.Parse(b"<w>", False)

    def hint(self, piece: bytes) -> None:
        if self.problem is None and _SPANS_HINT.match(piece) is None:
            self.problem = f"Bereichshinweis {piece!r}"

    def flush(self, final: bool = False) -> None:
        if self.problem is not None:
            return
        try:
            self.parser.Parse(b"<p>" + b"</p><p>".join(self.elements) + b"</p>"
                              + (b"</w>" if final else b""), final)
        except xml.parsers.expat.ExpatError as exc:
            self.problem = str(exc)
        self.elements.clear()

    def finish(self) -> str | None:
        self.flush(final=True)
        return self.problem


def _walk(old: bytes, new: bytes, layout, written: dict, pieces) -> None:
    """Both parts in step (see module text); raises _NotProven where the proof fails.
    Written out in one loop: it runs for every written cell."""
    prefix = layout.prefix.encode()
    old_at = new_at = 0              # where the bytes not yet compared begin, each side

    def cut(old_cut, new_cut) -> None:
        """Compare the kept bytes up to a cut ((start, end), or None on the side
        that lacks it), then step over it."""
        nonlocal old_at, new_at
        if old_cut is None:                       # a piece inserted into the original
            length = new_cut[0] - new_at
            if length < 0 or _differ(old, old_at, new, new_at, length):
                raise _NotProven
            old_at, new_at = old_at + length, new_cut[1]
        elif new_cut is None:                     # a piece left out of the new part
            length = old_cut[0] - old_at
            if length < 0 or _differ(old, old_at, new, new_at, length):
                raise _NotProven
            old_at, new_at = old_cut[1], new_at + length
        else:
            length = old_cut[0] - old_at
            if (length < 0 or new_cut[0] - new_at != length
                    or _differ(old, old_at, new, new_at, length)):
                raise _NotProven
            old_at, new_at = old_cut[1], new_cut[1]

    elements = pieces.elements if pieces is not None else None
    old_dimension, new_dimension = _dimension(old, prefix), _dimension(new, prefix)
    if old_dimension or new_dimension:
        cut(old_dimension, new_dimension)
        if new_dimension and elements is not None:
            elements.append(new[slice(*new_dimension)])
    row_open, row_close = b"<" + prefix + b'row r="', b"</" + prefix + b"row>"
    cell_open, cell_close = b"<" + prefix + b'c r="', b"</" + prefix + b"c>"
    row_close_length, cell_close_length = len(row_close), len(cell_close)
    old_find, old_index, new_find, new_index = old.find, old.index, new.find, new.index
    old_rows, openers = layout.rows, {}       # column -> b'<c r="M'
    for row in sorted(written):                                   # document order
        number = str(row).encode() + b'"'
        row_start = new_find(row_open + number, new_at)
        row_end = new_find(row_close, row_start)
        if row_start < 0 or row_end < 0:
            raise _NotProven                  # every written row is in the new part
        new_tag_end, new_content_end = new_index(b">", row_start) + 1, row_end
        row_end += row_close_length
        if new[new_tag_end - 2] == 47:        # <row .../> takes another shape
            raise _NotProven
        columns = sorted(written[row])
        span = old_rows.get(row)
        if span is None:                      # appended: in the new part only
            cells = _written_cells(new, prefix, row, columns, new_tag_end, new_content_end)
            _check_appended(new, prefix, row, new_tag_end, new_content_end, cells)
            cut(None, (row_start, row_end))
            if elements is not None:
                elements.append(new[row_start:row_end])
            continue
        old_tag_end = old_index(b">", span[0]) + 1
        old_content_end = span[1] - row_close_length
        if old[old_tag_end - 2] == 47:
            raise _NotProven
        old_spans = old_find(b' spans="', span[0], old_tag_end)
        new_spans = new_find(b' spans="', row_start, new_tag_end)
        if old_spans >= 0 or new_spans >= 0:
            cut(None if old_spans < 0 else (old_spans, old_index(b'"', old_spans + 8) + 1),
                None if new_spans < 0 else (new_spans, new_index(b'"', new_spans + 8) + 1))
            if new_spans >= 0 and pieces is not None:
                pieces.hint(new[new_spans:new_at])
        for column in columns:                # rising, and so must the cells stand
            opener = openers.get(column)
            if opener is None:
                opener = openers[column] = cell_open + column_letter(column).encode()
            key = opener + number
            old_cell = old_find(key, old_tag_end, old_content_end)
            new_cell = new_find(key, new_tag_end, new_content_end)
            # (Cells that do not rise fail the comparisons below: nothing is kept
            # between them, so a cell before the last one's end is a negative length.)
            if old_cell >= 0:                 # else a cell the original did not have
                old_after = old_index(b">", old_cell) + 1
                if old[old_after - 2] != 47:  # not <c .../>
                    old_after = old_find(cell_close, old_after, old_content_end)
                    if old_after < 0:
                        raise _NotProven
                    old_after += cell_close_length
            if new_cell >= 0:
                new_after = new_index(b">", new_cell) + 1
                if new[new_after - 2] != 47:
                    new_after = new_find(cell_close, new_after, new_content_end)
                    if new_after < 0:
                        raise _NotProven
                    new_after += cell_close_length
                if elements is not None:
                    elements.append(new[new_cell:new_after])
                if old_cell >= 0:             # the common cases written out, as cut does
                    length = old_cell - old_at
                    if (length < 0 or new_cell - new_at != length
                            or (old[old_at:old_cell] != new[new_at:new_cell] if length < CHUNK
                                else _differ(old, old_at, new, new_at, length))):
                        raise _NotProven
                    old_at, new_at = old_after, new_after
                else:                         # a cell created
                    length = new_cell - new_at
                    if (length < 0 or (old[old_at:old_at + length] != new[new_at:new_cell]
                                       if length < CHUNK
                                       else _differ(old, old_at, new, new_at, length))):
                        raise _NotProven
                    old_at, new_at = old_at + length, new_after
            elif old_cell >= 0:
                cut((old_cell, old_after), None)
        if elements is not None and len(elements) >= PIECES_AT_ONCE:
            pieces.flush()
    if len(old) - old_at != len(new) - new_at or _differ(old, old_at, new, new_at,
                                                          len(old) - old_at):
        raise _NotProven


CHUNK = 1 << 16


def _differ(old: bytes, old_at: int, new: bytes, new_at: int, length: int) -> bool:
    """Whether length bytes from old_at in old and from new_at in new differ (or run
    past an end). Compared as slices a chunk at a time: bytes compare at memory speed,
    memoryviews byte by byte (about 1 ns a byte); the chunk bounds the copies."""
    if old_at + length > len(old) or new_at + length > len(new):
        return True
    for offset in range(0, length, CHUNK):
        end = min(offset + CHUNK, length)
        if old[old_at + offset:old_at + end] != new[new_at + offset:new_at + end]:
            return True
    return False


def _dimension(data: bytes, prefix: bytes) -> tuple[int, int] | None:
    """Where the <dimension> start tag stands, if there is one; refuses <sheetData/>
    (its shape changes)."""
    sheet_data = data.find(b"<" + prefix + b"sheetData")
    if sheet_data < 0 or data.startswith(b"/>", data.index(b">", sheet_data) - 1):
        raise _NotProven
    dimension = data.find(b"<" + prefix + b"dimension ", 0, sheet_data)
    return None if dimension < 0 else (dimension, data.index(b">", dimension) + 1)


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
