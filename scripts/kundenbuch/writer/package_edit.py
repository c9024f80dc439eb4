"""Edits of the workbook-level parts: sheet list, relationships, content types, tables."""
from __future__ import annotations

import posixpath

from lxml import etree

from ..ooxml import (CT_WORKSHEET, M, NS_CT, NS_PKG_REL, NS_REL, REL_WORKSHEET,
                     parse_xml, rels_path)
from ..records import column_letter, split_cell


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def new_sheet_part(existing_parts) -> str:
    taken = set(existing_parts)
    number = 1
    while f"xl/worksheets/sheet{number}.xml" in taken:
        number += 1
    return f"xl/worksheets/sheet{number}.xml"


def add_sheet(parts: dict, read, workbook_part: str, name: str, part: str) -> None:
    """Register a new worksheet part; ``parts`` collects changed parts, ``read`` reads
    a part's current bytes (changed or original)."""
    wb_rels_part = rels_path(workbook_part)
    rels = parse_xml(read(wb_rels_part))
    used = {r.get("Id") for r in rels}
    number = len(used) + 1
    while f"rId{number}" in used:
        number += 1
    rel_id = f"rId{number}"
    target = posixpath.relpath(part, posixpath.dirname(workbook_part))
    etree.SubElement(rels, "{%s}Relationship" % NS_PKG_REL, Id=rel_id,
                     Type=REL_WORKSHEET, Target=target)
    parts[wb_rels_part] = _bytes(rels)

    workbook = parse_xml(read(workbook_part))
    sheets = workbook.find(M + "sheets")
    sheet_id = max([int(s.get("sheetId", "0")) for s in sheets] + [0]) + 1
    node = etree.SubElement(sheets, M + "sheet", name=name, sheetId=str(sheet_id))
    node.set("{%s}id" % NS_REL, rel_id)
    parts[workbook_part] = _bytes(workbook)

    types = parse_xml(read("[Content_Types].xml"))
    names = {o.get("PartName") for o in types.iterfind("{%s}Override" % NS_CT)}
    if "/" + part not in names:
        etree.SubElement(types, "{%s}Override" % NS_CT, PartName="/" + part,
                         ContentType=CT_WORKSHEET)
        parts["[Content_Types].xml"] = _bytes(types)


def extend_table(data: bytes, last_row: int) -> bytes:
    """Let a table (and its auto filter) reach down to last_row."""
    root = parse_xml(data)
    root.set("ref", _with_last_row(root.get("ref"), last_row))
    auto_filter = root.find(M + "autoFilter")
    if auto_filter is not None and auto_filter.get("ref"):
        auto_filter.set("ref", _with_last_row(auto_filter.get("ref"), last_row))
    return _bytes(root)


def _with_last_row(ref: str, last_row: int) -> str:
    first, _, last = ref.partition(":")
    bottom, right = split_cell(last or first)
    return f"{first}:{column_letter(right)}{max(bottom, last_row)}"
