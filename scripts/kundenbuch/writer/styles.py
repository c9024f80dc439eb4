"""Cell formats for what the writer adds, found in or appended to styles.xml.

Existing entries are never changed or reordered, so every style index the workbook
already uses keeps its meaning. A format added once is found again on the next run,
which leaves styles.xml byte-identical from then on.
"""
from __future__ import annotations

import re

from lxml import etree

from ..book.ooxml import NS_MAIN, M, parse_xml
from .cellxml import style_kind

DATE_CODE = "DD.MM.YYYY"
MONEY_CODE = '#,##0.00 "€"'
PERCENT_ID = 9            # built-in 0%
INT_ID = 1                # built-in 0
NUMBER_ID = 4             # built-in #,##0.00
FIRST_CUSTOM_ID = 164

FONT_BOLD = f'<font xmlns="{NS_MAIN}"><b/><sz val="11"/></font>'
FONT_TITLE = f'<font xmlns="{NS_MAIN}"><b/><sz val="14"/></font>'
FONT_LINK = (f'<font xmlns="{NS_MAIN}"><u/><sz val="11"/><color rgb="FF0563C1"/>'
             '</font>')
FILL_HEADER = (f'<fill xmlns="{NS_MAIN}"><patternFill patternType="solid">'
               '<fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill>')


class StyleError(Exception):
    pass


def _shape(element) -> tuple:
    """Tag, attributes and children, ignoring namespace declarations and prefixes."""
    return (element.tag, tuple(sorted(element.attrib.items())),
            tuple(_shape(child) for child in element))


class StyleBook:
    def __init__(self, data: bytes | None):
        self.original = data
        self.root = parse_xml(data) if data else None
        self.changed = False
        self._cache = {}
        xfs = self.root.find(M + "cellXfs") if self.root is not None else None
        # How many cell formats the book had: a cell with a higher index is damaged,
        # and would take the meaning of a format appended here.
        self.xf_count = len(xfs) if xfs is not None else 0
        self.xfs_appended = False

    def _section(self, tag, child_tag):
        if self.root is None:
            raise StyleError("styles.xml fehlt")
        section = self.root.find(M + tag)
        if section is None:
            raise StyleError(f"styles.xml ohne <{tag}>")
        return section, section.findall(M + child_tag)

    def _find_or_add(self, tag, child_tag, xml: str) -> int:
        section, children = self._section(tag, child_tag)
        wanted = _shape(parse_xml(xml.encode()))
        for index, child in enumerate(children):
            if _shape(child) == wanted:
                return index
        section.append(parse_xml(xml.encode()))
        section.set("count", str(len(children) + 1))
        self.changed = True
        return len(children)

    def _number_format(self, code: str) -> int:
        numfmts = self.root.find(M + "numFmts")
        if numfmts is None:
            numfmts = etree.Element(M + "numFmts")
            self.root.insert(0, numfmts)
        used = [int(n.get("numFmtId")) for n in numfmts.findall(M + "numFmt")]
        for node in numfmts.findall(M + "numFmt"):
            if node.get("formatCode") == code:
                return int(node.get("numFmtId"))
        new_id = max(used + [FIRST_CUSTOM_ID - 1]) + 1
        etree.SubElement(numfmts, M + "numFmt", numFmtId=str(new_id), formatCode=code)
        numfmts.set("count", str(len(used) + 1))
        self.changed = True
        return new_id

    def xf(self, kind: str, top: bool = False) -> int:
        """Index into cellXfs for a kind: date, money, int, number, percent, header,
        bold, title, link, text, wrap (text that wraps). top: aligned to the top of the
        cell, for report rows where a wrapped neighbour makes the row taller."""
        key = (kind, top)
        if key in self._cache:
            return self._cache[key]
        font = fill = 0
        num = 0
        if kind == "date":
            num = self._number_format(DATE_CODE)
        elif kind == "money":
            num = self._number_format(MONEY_CODE)
        elif kind == "percent":
            num = PERCENT_ID
        elif kind == "int":
            num = INT_ID
        elif kind == "number":
            num = NUMBER_ID
        elif kind == "header":
            font = self._find_or_add("fonts", "font", FONT_BOLD)
            fill = self._find_or_add("fills", "fill", FILL_HEADER)
        elif kind == "bold":
            font = self._find_or_add("fonts", "font", FONT_BOLD)
        elif kind == "title":
            font = self._find_or_add("fonts", "font", FONT_TITLE)
        elif kind == "link":
            font = self._find_or_add("fonts", "font", FONT_LINK)
        elif kind == "text" and not top:
            self._cache[key] = 0
            return 0
        # Long column titles and long texts wrap instead of being cut.
        wrap = kind in ("header", "wrap")
        if wrap:
            alignment = '<alignment vertical="top" wrapText="1"/>'
        else:
            alignment = '<alignment vertical="top"/>' if top else ""
        xml = (f'<xf xmlns="{NS_MAIN}" numFmtId="{num}" fontId="{font}" fillId="{fill}" '
               f'borderId="0" xfId="0"' + (' applyNumberFormat="1"' if num else "")
               + (' applyFont="1"' if font else "") + (' applyFill="1"' if fill else "")
               + (f' applyAlignment="1">{alignment}</xf>' if alignment else "/>"))
        index = self._find_or_add("cellXfs", "xf", xml)
        self.xfs_appended |= index >= self.xf_count
        self._cache[key] = index
        return index

    def for_new_cell(self, reference: str | None, value) -> str | None:
        """The style of a cell the writer makes: that of the same column in the row
        above (reference), else the date or money format where the value needs one."""
        if reference is not None or type(value) is str:      # the common cases first
            return reference
        kind = style_kind(value)
        return str(self.xf(kind)) if kind in ("date", "money") else None

    def to_bytes(self) -> bytes:
        if not self.changed:
            return self.original
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8",
                              standalone=True)


def uses_style_beyond(sheet: bytes, count: int) -> bool:
    """Whether cells of the sheet refer to cell formats at index count or higher.
    A list of formats cut short (the damage this is about) leaves such cells all over
    a sheet, so its first and last rows tell; searching all of a 100 MB sheet would
    cost a third of a second on every run."""
    pattern = _beyond(count)
    return any(pattern.search(window) for window in (sheet[:_WINDOW], sheet[-_WINDOW:]))


_WINDOW = 1 << 18


def _beyond(count: int):
    """A pattern for s="N" with N >= count, built digit by digit (regular expressions
    cannot compare numbers)."""
    digits = str(count)
    longer = rf"[1-9]\d{{{len(digits)},}}"
    same_length = [digits]
    for at, digit in enumerate(digits):
        if digit != "9":
            rest = len(digits) - at - 1
            same_length.append(digits[:at] + f"[{int(digit) + 1}-9]" + r"\d" * rest)
    # A literal start (" s=") lets the search skip ahead quickly.
    return re.compile(rb' s=["\'](?:' + "|".join([longer] + same_length).encode()
                      + rb')["\']')
