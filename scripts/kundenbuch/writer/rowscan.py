"""Where each row (and each cell of a row) of a worksheet part starts and ends.

Large sheets are patched by copying unchanged rows byte for byte and re-writing only
the cells that change. No XML library reports byte offsets except expat (standard
library), and expat calls back into Python for every element: 0.8 s for a sheet of
50,000 invoices. So there are two ways to the same SheetScan:

- the fast way, for what every spreadsheet program writes: expat reads the sheet's
  head up to <sheetData>; inside sheetData, where XML allows no "<" except at the start
  of a tag once comments, CDATA and processing instructions are ruled out, row and cell
  tags are found with bytes.find. Every assumption is checked (tags in double quotes,
  rows and cells that do not overlap, increasing row numbers); if one fails, Unusual
  is raised and
- the careful way, expat with a callback per element, is taken.
A written sheet is proven well-formed before the file is replaced: by an expat parse
of the pieces written into it (writer/cutout.py) or of the whole part (well_formed).
"""
from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field

from ..book.ooxml import NS_MAIN
from ..book.records import split_cell


class ScanError(Exception):
    pass


class Unusual(Exception):
    """Valid XML the fast way does not take on (the careful way does)."""


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
    # sheetData holds no comments, CDATA, processing instructions or extensions, so
    # that every "<c" in a row opens a cell (fast_scan makes sure)
    plain: bool = field(default=False, compare=False)


def _tag_end(data: bytes, offset: int) -> int:
    """Offset just after the tag starting at offset. Row, sheetData and dimension tags
    carry only numbers and cell ranges in their attributes, never a '>'."""
    return data.index(b">", offset) + 1


def scan(data: bytes) -> SheetScan:
    try:
        return fast_scan(data)
    except Unusual:
        return careful_scan(data)


def careful_scan(data: bytes) -> SheetScan:
    parser = xml.parsers.expat.ParserCreate()
    result = None
    depth = 0
    row_tag = sheet_data_tag = dimension_tag = None

    def root(name, attrs):
        nonlocal result, depth, row_tag, sheet_data_tag, dimension_tag
        depth = 1
        prefix = _prefix(attrs)
        result = SheetScan(prefix, {k: v for k, v in attrs.items() if k.startswith("xmlns")})
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


class _HeadDone(Exception):
    pass


_TAG_FOLLOWERS = b" \t\r\n/>"


def sheet_head(data: bytes) -> SheetScan:
    """Root namespaces, <dimension> and <sheetData> offsets, read by expat from the part
    up to the start of sheetData (a few elements only)."""
    parser = xml.parsers.expat.ParserCreate()
    found = {}

    def start(name, attrs):
        if not found:
            found["root"] = attrs
            return
        prefix = found.setdefault("prefix", _prefix(found["root"]))
        if name == prefix + "dimension":
            found["dimension"] = parser.CurrentByteIndex
        elif name == prefix + "sheetData":
            found["sheetData"] = parser.CurrentByteIndex
            raise _HeadDone

    parser.StartElementHandler = start
    try:
        for offset in range(0, len(data), 1 << 16):
            parser.Parse(data[offset:offset + (1 << 16)], False)
    except _HeadDone:
        pass
    except xml.parsers.expat.ExpatError as exc:
        raise ScanError(f"ungültiges XML ({exc})") from exc
    if "sheetData" not in found:
        raise ScanError("kein Datenbereich (sheetData)")
    result = SheetScan(found["prefix"], {k: v for k, v in found["root"].items()
                                         if k.startswith("xmlns")})
    if "dimension" in found:
        offset = found["dimension"]
        result.dimension = (offset, _tag_end(data, offset))
    offset = found["sheetData"]
    result.data_open_end = _tag_end(data, offset)
    result.data_close = offset
    result.data_empty_tag = data[result.data_open_end - 2] == ord("/")
    return result


def _prefix(root_attrs) -> str:
    namespaces = {k: v for k, v in root_attrs.items() if k.startswith("xmlns")}
    prefix = next((k[6:] + ":" for k, v in namespaces.items()
                   if v == NS_MAIN and k.startswith("xmlns:")), "")
    if namespaces.get("xmlns") != NS_MAIN and not prefix:
        raise ScanError("kein Tabellenblatt im erwarteten Format")
    return prefix


def fast_scan(data: bytes) -> SheetScan:
    result = sheet_head(data)
    if result.data_empty_tag:
        return result
    prefix = result.prefix.encode()
    start = result.data_open_end
    # From the end: sheetData's end tag is near it. Should the last one stand in a
    # comment, the search for comments below finds that comment's start.
    close = data.rfind(b"</" + prefix + b"sheetData", start)
    if close < 0:
        raise Unusual
    # Without comments, CDATA and processing instructions every "<" opens a tag.
    if _markup_after_lt(data, start, close, b"!") or _markup_after_lt(data, start, close,
                                                                       b"?"):
        raise Unusual
    result.data_close = close
    result.plain = data.find(b"extLst", start, close) < 0
    row_open, row_close = b"<" + prefix + b"row", b"</" + prefix + b"row>"
    rows, order = result.rows, result.order
    previous_end, position = start, start
    numbered = row_open + b' r="'
    while True:
        # Rows mostly follow each other with the next number: checked in place, the
        # number need not be read from the tag.
        number = order[-1] + 1 if order else 1
        guess = numbered + str(number).encode() + b'"'
        if (data.startswith(guess, position)
                and data[position + len(guess)] in _TAG_FOLLOWERS):
            begin = position
            tag_end = data.find(b">", begin, close) + 1
            tag = data[begin:tag_end]
            if not tag_end or b"'" in tag or tag.count(b'"') % 2:
                raise Unusual
        else:
            begin = data.find(row_open, position, close)
            if begin < 0:
                break
            after = begin + len(row_open)
            if data[after] not in _TAG_FOLLOWERS:   # another element, e.g. <rowBreaks>
                raise Unusual
            tag_end = data.find(b">", after, close) + 1
            if not tag_end:
                raise Unusual
            number = _row_number(data[begin:tag_end])
        if data[tag_end - 2] == ord("/"):
            end = tag_end
        else:
            end = data.find(row_close, tag_end, close)
            if end < 0:
                raise Unusual
            end += len(row_close)
        if begin < previous_end or number in rows or (order and number <= order[-1]):
            raise Unusual
        rows[number] = (begin, end)
        order.append(number)
        previous_end = position = end
    return result


def _markup_after_lt(data: bytes, start: int, end: int, mark: bytes) -> bool:
    """Whether "<" followed by mark ("<!", "<?") stands in data[start:end]. Searched
    as the mark alone, which text seldom holds: a search for "<!" would stop at
    every tag."""
    position = data.find(mark, start, end)
    while position >= 0:
        if position > start and data[position - 1] == 60:            # "<"
            return True
        position = data.find(mark, position + 1, end)
    return False


def attribute(tag: bytes, name: bytes) -> bytes | None:
    """An attribute of a start tag in the form every spreadsheet program writes:
    name="value" after a blank. Anything else is Unusual."""
    # An odd number of quotes means the tag did not end at the first ">" after all.
    if tag.find(b"'") >= 0 or tag.count(b'"') % 2:
        raise Unusual
    key = b" " + name + b'="'
    where = tag.find(key)
    if where < 0:
        if tag.find(b"\t") >= 0 or tag.find(b"\n") >= 0 or tag.find(b"\r") >= 0:
            raise Unusual                      # attributes may stand on new lines
        return None
    where += len(key)
    return tag[where:tag.index(b'"', where)]


def _row_number(tag: bytes) -> int:
    value = attribute(tag, b"r")
    if value is None or not value.isdigit():
        raise Unusual
    return int(value)


def tail_cells(data: bytes, content: tuple, prefix: bytes, lowest: int,
               plain: bool = False):
    """The cells of a row from column ``lowest`` on, found from the row's end
    backwards (written columns are usually the last ones): (insert_at, cells) with
    cells as (column, start, end, tag_end) in document order and insert_at the offset
    just after the last cell left of ``lowest`` (where new cells go). ``content`` is
    the span between the row's start tag and its end tag; plain: SheetScan.plain.
    The fast way only."""
    first, limit = content
    if not plain:
        _plain_cells(data, first, limit)
    cell_open, cell_close = b"<" + prefix + b"c", b"</" + prefix + b"c>"
    cells, insert_at = [], first
    while True:
        cell = _last_cell(data, first, limit, cell_open, cell_close)
        if cell is None:
            break
        column, start, end, _ = cell
        if cells and column >= cells[-1][0]:
            raise Unusual
        if column < lowest:
            insert_at = end
            break
        cells.append(cell)
        limit = start
    cells.reverse()
    return insert_at, cells


def column_ending_at(data: bytes, first: int, end: int, prefix: bytes,
                     plain: bool = False) -> int:
    """The column of the cell that ends exactly at ``end`` in a row whose cells begin
    at ``first``; 0 if no cell stands before ``end``. Unusual if anything else ends
    there."""
    cell = cell_ending_at(data, first, end, prefix, plain)
    return 0 if cell is None else cell[0]


def cell_ending_at(data: bytes, first: int, end: int, prefix: bytes,
                   plain: bool = False):
    """(column, start, end, tag_end) of the cell that ends exactly at ``end``, None if
    no cell stands before it; Unusual if anything else ends there."""
    if not plain:
        _plain_cells(data, first, end)
    cell = _last_cell(data, first, end, b"<" + prefix + b"c", b"</" + prefix + b"c>")
    if cell is None:
        if data[first:end].strip():
            raise Unusual
        return None
    if cell[2] != end:
        raise Unusual
    return cell


def _plain_cells(data: bytes, first: int, limit: int) -> None:
    # Extensions may hold elements of any name; comments, CDATA and processing
    # instructions may hold "<c" that is no tag (the row may come from careful_scan).
    if (data.find(b"extLst", first, limit) >= 0 or data.find(b"<!", first, limit) >= 0
            or data.find(b"<?", first, limit) >= 0):
        raise Unusual


def _last_cell(data: bytes, first: int, limit: int, cell_open: bytes, cell_close: bytes):
    """(column, start, end, tag_end) of the last cell that starts in first..limit,
    or None."""
    start = data.rfind(cell_open, first, limit)
    if start < 0:
        return None
    return cell_at(data, start, limit, cell_open, cell_close)


def cell_at(data: bytes, start: int, limit: int, cell_open: bytes, cell_close: bytes):
    """(column, start, end, tag_end) of the cell whose tag begins at start."""
    tag_end = data.find(b">", start, limit) + 1
    tag = data[start:tag_end]
    if (not tag_end or tag[len(cell_open)] not in _TAG_FOLLOWERS or b"'" in tag
            or tag.count(b'"') % 2):
        raise Unusual
    where = tag.find(b' r="') + 4
    if where < 4:
        raise Unusual
    ref = tag[where:tag.index(b'"', where)]
    letters = ref.rstrip(b"0123456789")
    column = _COLUMNS.get(letters) or _column_of(letters, ref)
    if tag[-2] == 47:                                    # <c .../>
        return column, start, tag_end, tag_end
    end = data.find(cell_close, tag_end, limit)
    if end < 0:
        raise Unusual
    return column, start, end + len(cell_close), tag_end


def columns_from(data: bytes, start: int, row_end: int, prefix: bytes,
                 plain: bool = False) -> list[int]:
    """The columns of the cells from ``start`` to the end tag of a row that ends at
    ``row_end``, cell after cell with nothing between; Unusual if anything else stands
    there."""
    if not plain:
        _plain_cells(data, start, row_end)
    cell_open, cell_close = b"<" + prefix + b"c", b"</" + prefix + b"c>"
    row_close = b"</" + prefix + b"row>"
    columns = []
    while not data.startswith(row_close, start):
        if not data.startswith(cell_open, start):
            raise Unusual
        column, _, start, _ = cell_at(data, start, row_end, cell_open, cell_close)
        columns.append(column)
    if start + len(row_close) != row_end:
        raise Unusual
    return columns


_COLUMNS: dict = {}           # b"M" -> 13


def _column_of(letters: bytes, ref: bytes) -> int:
    if not letters or letters == ref or not letters.isalpha() or len(letters) > 3:
        raise Unusual
    try:
        column = split_cell(ref.decode("ascii"))[1]
    except (UnicodeDecodeError, ValueError) as exc:
        raise Unusual from exc
    _COLUMNS[letters] = column
    return column


def row_content(data: bytes, span: tuple, prefix: bytes):
    """(start, end) between a row's start and end tag; None for <row .../>."""
    begin, end = span
    tag_end = data.index(b">", begin) + 1
    if data[tag_end - 2] == 47:                              # <row .../>
        return None
    return tag_end, end - len(b"</" + prefix + b"row>")


def row_without(data: bytes, span: tuple, prefix: bytes, columns,
                plain: bool = False) -> tuple:
    """A row's start tag (without spans, which the patcher may widen) and its content
    without the cells of ``columns``: what must be the same before and after those
    cells are written. The fast way only (Unusual otherwise)."""
    content = row_content(data, span, prefix)
    tag = data[span[0]:content[0] - 1 if content else span[1] - 2].rstrip()
    attribute(tag, b"r")                 # Unusual unless in the usual double quotes
    where = tag.find(b' spans="')
    if where >= 0:
        tag = tag[:where] + tag[tag.index(b'"', where + 8) + 1:]
    if content is None:
        return tag, b""
    insert_at, tail = tail_cells(data, content, prefix, min(columns), plain)
    pieces, position = [data[content[0]:insert_at]], insert_at
    for column, start, cell_end, _ in tail:
        pieces.append(data[position:start])
        if column not in columns:
            pieces.append(data[start:cell_end])
        position = cell_end
    pieces.append(data[position:content[1]])
    return tag, b"".join(pieces)


def cell_attribute(data: bytes, start: int, tag_end: int, name: bytes) -> str | None:
    value = attribute(data[start:tag_end], name)
    return None if value is None else value.decode()


def has_child(data: bytes, span: tuple, prefix: bytes, name: bytes) -> bool:
    """Whether an element <name> starts inside span (e.g. a formula <f> in a cell)."""
    tag = b"<" + prefix + name
    position, end = span
    while True:
        found = data.find(tag, position, end)
        if found < 0:
            return False
        if data[found + len(tag)] in _TAG_FOLLOWERS:
            return True
        position = found + 1


def well_formed(data: bytes) -> str | None:
    """None, or why the part is not well-formed XML (one expat pass, no callbacks)."""
    try:
        xml.parsers.expat.ParserCreate().Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        return str(exc)
    return None
