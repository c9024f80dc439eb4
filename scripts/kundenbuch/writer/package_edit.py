"""Edits of the workbook-level parts: sheet list, relationships, content types, tables."""
from __future__ import annotations

import posixpath

from lxml import etree

from ..book.ooxml import (CT_WORKSHEET, NS_CT, NS_PKG_REL, NS_REL, REL_WORKSHEET, M,
                          parse_xml, rels_path, resolve_target)
from ..book.records import column_letter, split_cell


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


REL_DRAWING = NS_REL + "/drawing"


def new_part_name(taken, pattern: str) -> str:
    """The lowest free name for a pattern such as xl/drawings/drawing{}.xml."""
    number = 1
    while pattern.format(number) in taken:
        number += 1
    return pattern.format(number)


def owned_dependents(sheet_part: str, read_original, names) -> set:
    """The sheet's own rels, and the drawings and charts (with their rels) it uses."""
    found = set()
    stack = [sheet_part]
    while stack:
        part = stack.pop()
        rels = rels_path(part)
        if rels not in names:
            continue
        found.add(rels)
        for node in parse_xml(read_original(rels)):
            if node.get("TargetMode") == "External":
                continue
            target = resolve_target(part, node.get("Target", ""))
            if target in names and target not in found and (
                    "/drawings/" in target or "/charts/" in target):
                found.add(target)
                stack.append(target)
    return found


def sheet_drawing_rels(sheet_part: str, drawing_part: str) -> bytes:
    rels = etree.Element("{%s}Relationships" % NS_PKG_REL, nsmap={None: NS_PKG_REL})
    etree.SubElement(rels, "{%s}Relationship" % NS_PKG_REL, Id="rId1", Type=REL_DRAWING,
                     Target=posixpath.relpath(drawing_part, posixpath.dirname(sheet_part)))
    return _bytes(rels)


def set_content_types(parts: dict, read, added: dict, removed: set) -> None:
    """Override entries: add those for new parts, drop those of removed parts."""
    types = parse_xml(read("[Content_Types].xml"))
    changed = False
    present = {}
    for node in list(types.iterfind("{%s}Override" % NS_CT)):
        name = node.get("PartName", "").lstrip("/")
        if name in removed and name not in added:
            types.remove(node)
            changed = True
        else:
            present[name] = node
    for name, content_type in added.items():
        node = present.get(name)
        if node is None:
            etree.SubElement(types, "{%s}Override" % NS_CT, PartName="/" + name,
                             ContentType=content_type)
            changed = True
        elif node.get("ContentType") != content_type:
            node.set("ContentType", content_type)
            changed = True
    if changed:
        parts["[Content_Types].xml"] = _bytes(types)


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

    set_content_types(parts, read, {part: CT_WORKSHEET}, set())


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
