"""Rewrite many rows the same way without taking each of them apart.

In a first run nearly every row of a table gets the same columns written, and its
cells from the first to the last written column (the row's segment) are the same bytes
in every row but for the row number in their addresses:
    <c r="M5" s="6" t="n"></c>   (M and N written, N new)
The patcher takes one row apart with rowscan.tail_cells and keeps what it did as a
TailRecipe. The next row whose segment is the same bytes, row number aside, is
rewritten from the recipe: one comparison instead of the tokenizer's work on every
cell. The segment is found by the address of its first cell; the cells before and
after it must lie left and right of the written columns. Where the segment has no
cell to be found by, it reaches to the row's end and is found from there. A cell with
a value between written ones (an input cell, which differs from row to row) is
matched by its address alone and copied as it stands. A row that does not match
exactly is taken apart again (and gives the next recipe), so both ways give the same
bytes; the recipe is also how the taken-apart row is written.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..book.records import column_letter
from .cellxml import cell_from_head, style_attribute
from .rowscan import Unusual, cell_at, cell_ending_at, column_ending_at, columns_from


@dataclass(slots=True)
class Written:
    column: int
    style: str | None       # the cell's own style, or the reference style of a new cell
    new: bool               # a cell the row did not have
    opening: bytes          # b'<c r="M' : the start tag up to the row number
    closing: bytes          # b'" s="6"' : after it, up to the end of the start tag


def _written(prefix: bytes, column: int, style: str | None, new: bool) -> Written:
    return Written(column, style, new,
                   b"<" + prefix + b'c r="' + column_letter(column).encode(),
                   _closing(style))


def _closing(style: str | None) -> bytes:
    return f'"{style_attribute(style)}'.encode()


@dataclass(slots=True)
class Kept:
    """A cell with a value between written ones: found by its address, copied."""
    column: int
    opening: bytes          # b'<c r="I'


@dataclass(slots=True)
class TailRecipe:
    columns: list           # written columns, rising
    # the old segment: list[bytes] (its bytes, split where the row number stands) or
    # Kept; a single list where no cell is Kept
    old: list
    new: list               # list[bytes] (joined by the row number), Written or Kept
    reference: dict         # column -> style of the row above, for each new cell
    to_row_end: bool        # the segment runs to the row's end (found from there)
    left: bytes | None      # b'<c r="J' of the cell before the segment, in a plain sheet
    # text -> the rest of its cell after the start tag's attributes: the same few
    # texts (a status) come back in every row
    text_tails: dict = field(default_factory=dict)


def make(data: bytes, number: int, content: tuple, insert_at: int, row_end: int,
         tail: list, values: dict, styles_of: dict, reference: dict, prefix: bytes,
         plain: bool) -> tuple[TailRecipe, int, list]:
    """The recipe of one taken-apart row, where its segment ends and the spans of its
    Kept cells. content: the span between the row's start and end tag; tail:
    rowscan.tail_cells' cells from insert_at on; styles_of: column -> style of each
    written cell the row had; plain: rowscan.SheetScan.plain."""
    digits = str(number).encode()
    left = _left_opener(data, content[0], insert_at, prefix, digits) if plain else None
    top = max(values)
    inside = [cell for cell in tail if cell[0] <= top]
    # Empty cells right of the written ones are likely the same in the next rows: then
    # the segment runs to the row's end, which is the cheaper one to find.
    rest_empty = all(_empty(data, cell) for cell in tail if cell[0] > top)
    findable = bool(inside) and tail[0][1] == insert_at and _number_at(
        data, tail[0][1], tail[0][3], tail[0][0], digits) is not None
    to_row_end = rest_empty or not findable
    # Cells with a value among the written ones are Kept where the segment can be
    # found by its first cell, a written one.
    may_keep = plain and findable and tail[0][0] in values
    if not to_row_end:
        tail, row_end = inside, inside[-1][2]      # the segment ends with its last cell
    old, fixed, new, literal, spans = [], [], [], [b""], []
    position = old_position = insert_at
    existing = {column: (start, end, tag_end) for column, start, end, tag_end in tail}
    for column in sorted(set(values) | set(existing)):
        if column in existing:
            start, end, tag_end = existing[column]
            literal[-1] += data[position:start]           # what stood between cells
            position = end
            at = _number_at(data, start, tag_end, column, digits)
            if (may_keep and column not in values and at is not None and start > insert_at
                    and not _empty(data, (column, start, end, tag_end))):
                fixed.append(data[old_position:start])
                kept = Kept(column, data[start:at])
                old += [fixed, kept]
                new += [literal, kept]
                fixed, literal, old_position = [], [b""], end
                spans.append((start, end))
                continue
            if at is not None:
                fixed.append(data[old_position:at])
                old_position = at + len(digits)
            if column not in values:
                if at is None:
                    literal[-1] += data[start:end]
                else:
                    literal[-1] += data[start:at]
                    literal.append(data[at + len(digits):end])
                continue
            written = _written(prefix, column, styles_of[column], False)
        else:
            written = _written(prefix, column, reference[column], True)
        new += [literal, written]
        literal = [b""]
    literal[-1] += data[position:row_end]
    new.append(literal)
    fixed.append(data[old_position:row_end])
    old.append(fixed)
    recipe = TailRecipe(sorted(values), old, [part for part in new if part != [b""]],
                        reference, to_row_end, left)
    return recipe, row_end, spans


def _empty(data: bytes, cell: tuple) -> bool:
    """Whether a cell of tail_cells (column, start, end, tag_end) holds nothing."""
    _, _, end, tag_end = cell
    return end == tag_end or data.startswith(b"</", tag_end)


def _left_opener(data, first, insert_at, prefix, digits) -> bytes | None:
    """b'<c r="J' of the cell that ends where the segment begins, if its tag begins
    so; else None."""
    try:
        cell = cell_ending_at(data, first, insert_at, prefix, True)
    except Unusual:
        return None
    if cell is None:
        return None
    opener = b"<" + prefix + b'c r="' + column_letter(cell[0]).encode()
    return opener if data.startswith(opener + digits + b'"', cell[1]) else None


def _number_at(data, start, tag_end, column, digits) -> int | None:
    """Where the row number stands in a cell's address (r="M5"), if it is there in
    the usual form; otherwise the cell stays one literal (and matches only itself)."""
    where = data.find(b' r="', start, tag_end)
    if where < 0:
        return None
    at = where + 4 + len(column_letter(column))
    if data[at:at + len(digits) + 1] != digits + b'"':
        return None
    return at


MAX_TEXT_TAILS = 256


def segment_bytes(recipe: TailRecipe, prefix: str, number: int, values: dict,
                  styles, data: bytes, kept: list) -> tuple[bytes, dict]:
    """The new segment of row ``number`` and the styles of the cells it creates. A
    written cell is its start tag's parts around the row number and the rest of the
    cell as cellxml makes it (cell_from_head with an empty head). kept: the spans of
    the row's Kept cells in data."""
    joiner = str(number).encode()
    pieces, made = [], {}
    kept_spans = iter(kept)
    for part in recipe.new:
        if type(part) is list:
            pieces.append(joiner.join(part))
            continue
        if type(part) is Kept:
            pieces.append(data[slice(*next(kept_spans))])
            continue
        value, closing = values[part.column], part.closing
        if part.new:
            style = made[part.column] = styles.for_new_cell(part.style, value)
            if style != part.style:
                closing = _closing(style)
        if type(value) is str:
            tail = recipe.text_tails.get(value)
            if tail is None:
                if len(recipe.text_tails) >= MAX_TEXT_TAILS:
                    recipe.text_tails.clear()
                tail = cell_from_head(prefix, "", value).encode()
                recipe.text_tails[value] = tail
        else:
            tail = cell_from_head(prefix, "", value).encode()
        pieces += (part.opening, joiner, closing, tail)
    return b"".join(pieces), made


def matching_segment(recipe: TailRecipe, data: bytes, first: int, row_end: int,
                     prefix: bytes, plain: bool, number: int, columns: list,
                     above_made) -> tuple[int, int, list] | None:
    """(start, end, spans of the Kept cells) of the recipe's segment in this row, if the
    row holds it (the old segment's bytes, row number aside) between a cell left of the
    written columns and cells right of them, as tail_cells would have found; None if
    not. first: the offset after the row's start tag; row_end: after its end tag;
    above_made: the styles of the cells the patcher made in the row above (None if it
    wrote none there); plain: rowscan.SheetScan.plain."""
    if columns != recipe.columns:
        return None
    if recipe.reference and above_made != recipe.reference:
        return None                   # new cells would take other styles
    digits = str(number).encode()
    kept = []
    if recipe.to_row_end and len(recipe.old) == 1:     # found from the row's end
        expected = digits.join(recipe.old[0])
        if not data.endswith(expected, first, row_end):
            return None
        start, end = row_end - len(expected), row_end
    else:                                             # found by its first cell
        start = data.find(recipe.old[0][0] + digits + b'"', first, row_end)
        end = _matched_through(recipe.old, data, start, row_end, prefix, digits, kept)
        if end is None or (recipe.to_row_end and end != row_end):
            return None
    if start < first:
        return None
    try:
        if not _left_of(recipe, data, first, start, prefix, digits) and column_ending_at(
                data, first, start, prefix, plain) >= columns[0]:
            return None
        if not recipe.to_row_end:
            # right of the segment: cells right of the written ones, rising (as
            # tail_cells makes sure of the whole tail)
            after = columns_from(data, end, row_end, prefix, plain)
            if after and (after[0] <= columns[-1] or after != sorted(set(after))):
                return None
    except Unusual:
        return None                   # the row is taken apart and decides
    return start, end, kept


def _matched_through(old: list, data: bytes, start: int, row_end: int, prefix: bytes,
                     digits: bytes, kept: list) -> int | None:
    """Where the old segment ends if it stands from start on, its Kept cells (whole
    cells at their address) added to kept; None if it does not stand there."""
    if start < 0:
        return None
    position = start
    cell_open, cell_close = b"<" + prefix + b"c", b"</" + prefix + b"c>"
    for part in old:
        if type(part) is Kept:
            if not data.startswith(part.opening + digits + b'"', position):
                return None
            try:
                end = cell_at(data, position, row_end, cell_open, cell_close)[2]
            except Unusual:
                return None
            kept.append((position, end))
            position = end
            continue
        expected = digits.join(part)
        if not data.startswith(expected, position):
            return None
        position += len(expected)
    return position


def _left_of(recipe: TailRecipe, data: bytes, first: int, start: int, prefix: bytes,
             digits: bytes) -> bool:
    """The quick way to what rowscan.column_ending_at tells: True if the cell that
    ends at start is the one left of the recipe's segment (then its column is left of
    the written ones). Only in a plain sheet (recipe.left), where a row holds cells
    alone: the cell with that address comes last before start, nothing that could be
    a cell stands after it, and start ends it. False means: ask column_ending_at."""
    if recipe.left is None:
        return False
    found = data.rfind(recipe.left + digits + b'"', first, start)
    return (found >= 0 and data.find(b"<" + prefix + b"c", found + 1, start) < 0
            and (data.endswith(b"</" + prefix + b"c>", found, start)
                 or data.endswith(b"/>", found, start)))
