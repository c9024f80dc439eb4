"""Fallback reader for one sheet when calamine gives up on a valid file.

calamine panics on some legal cell values (e.g. a huge number in a time-formatted
cell overflows its date conversion). Then this reads the sheet part directly:
numbers stay numbers (the reader converts them by column kind), text and booleans as
typed. Slower than calamine, so only used when calamine fails.
"""
from __future__ import annotations

import zipfile

from lxml import etree

from .ooxml import M, parse_xml
from .records import split_cell


def shared_strings(zf: zipfile.ZipFile, names) -> list[str]:
    part = next((n for n in names if n.lower() == "xl/sharedstrings.xml"), None)
    if part is None:
        return []
    root = parse_xml(zf.read(part))
    return ["".join(t.text or "" for t in si.iter(M + "t")) for si in root.iter(M + "si")]


def read_grid(path, sheet_part: str) -> tuple[list[list], list]:
    """The sheet as a grid anchored at A1 with raw (unconverted) numbers, and its merged
    ranges as calamine gives them: ((row0, col0), (row1, col1)), 0-based."""
    cells, merged = {}, []
    with zipfile.ZipFile(path) as zf:
        strings = shared_strings(zf, zf.namelist())
        with zf.open(sheet_part) as stream:
            for _, node in etree.iterparse(stream, tag=(M + "c", M + "mergeCell"),
                                           huge_tree=True, resolve_entities=False,
                                           no_network=True):
                ref = node.get("r") or node.get("ref")
                if ref and node.tag == M + "c":
                    cells[split_cell(ref)] = _value(node, strings)
                elif ref:
                    first, _, last = ref.partition(":")
                    (r0, c0), (r1, c1) = split_cell(first), split_cell(last or first)
                    merged.append(((r0 - 1, c0 - 1), (r1 - 1, c1 - 1)))
                node.clear()
    if not cells:
        return [], merged
    height = max(r for r, _ in cells)
    width = max(c for _, c in cells)
    grid = [[""] * width for _ in range(height)]
    for (row, column), value in cells.items():
        grid[row - 1][column - 1] = value
    return grid, merged


def _value(cell, strings):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(M + "t"))
    text = cell.findtext(M + "v")
    if text is None:
        return ""
    if kind == "s":
        index = int(text)
        return strings[index] if 0 <= index < len(strings) else ""
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind in ("str", "e"):
        return text if kind == "str" else ""
    try:
        return float(text)
    except ValueError:
        return text
