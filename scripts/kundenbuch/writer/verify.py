"""Re-open the written file and prove that nothing the user had was lost.

Independent of how the patch was made: every part that was not meant to change is
byte-identical; in changed sheets every cell we did not write and every other
element (validations, conditional formats, …) is unchanged; the workbook still lists
every sheet and defined name; tables changed only their range.
"""
from __future__ import annotations

import zipfile

import python_calamine
from lxml import etree

from ..ooxml import M, NS_REL, parse_xml
from ..records import split_cell


class VerificationFailed(Exception):
    pass


def verify(original, written, patch, workbook_part: str) -> None:
    problems = []
    with zipfile.ZipFile(original) as old, zipfile.ZipFile(written) as new:
        old_names, new_names = set(old.namelist()), set(new.namelist())
        for name in sorted(old_names - new_names - patch.removed):
            problems.append(f"Teil {name} fehlt")
        for name in sorted(old_names & new_names):
            if name in patch.parts:
                continue
            if old.read(name) != new.read(name):
                problems.append(f"Teil {name} wurde unerwartet verändert")
        for part, written_cells in patch.cells.items():
            if part not in patch.owned_parts:
                problems += _sheet_problems(part, old.read(part), new.read(part),
                                            written_cells)
        if workbook_part in patch.parts:
            problems += _workbook_problems(old.read(workbook_part), new.read(workbook_part))
        for part in patch.table_parts:
            if _without_ref(old.read(part)) != _without_ref(new.read(part)):
                problems.append(f"Tabelle {part} hat sich außer im Bereich verändert")
    if not problems:
        try:
            workbook = python_calamine.CalamineWorkbook.from_path(str(written))
            for name in workbook.sheet_names:
                workbook.get_sheet_by_name(name).to_python()
        except Exception as exc:
            problems.append(f"die neue Datei lässt sich nicht lesen ({exc})")
    if problems:
        raise VerificationFailed("; ".join(problems[:10]))


def _cells(root):
    return {c.get("r"): etree.tostring(c, method="c14n")
            for c in root.iterfind(f"{M}sheetData/{M}row/{M}c")}


def _others(root):
    return [etree.tostring(child, method="c14n") for child in root
            if child.tag not in (M + "sheetData", M + "dimension")]


def _sheet_problems(part, old_data, new_data, written_cells):
    old_root, new_root = parse_xml(old_data), parse_xml(new_data)
    problems = []
    new_cells = _cells(new_root)
    for ref, xml in _cells(old_root).items():
        if split_cell(ref) in written_cells:
            continue
        if new_cells.get(ref) != xml:
            problems.append(f"Zelle {ref} in {part} hat sich verändert")
    if _others(old_root) != _others(new_root):
        problems.append(f"in {part} haben sich Gültigkeitsregeln, Formatierungen oder "
                        "andere Einstellungen verändert")
    return problems


def _workbook_problems(old_data, new_data):
    old_root, new_root = parse_xml(old_data), parse_xml(new_data)
    problems = []

    def sheets(root):
        return [(s.get("name"), s.get("sheetId"), s.get("{%s}id" % NS_REL))
                for s in root.iterfind(f"{M}sheets/{M}sheet")]

    new_sheets = sheets(new_root)
    for sheet in sheets(old_root):
        if sheet not in new_sheets:
            problems.append(f"Blatt {sheet[0]} fehlt")

    def names(root):
        node = root.find(M + "definedNames")
        return b"" if node is None else etree.tostring(node, method="c14n")

    if names(old_root) != names(new_root):
        problems.append("definierte Namen haben sich verändert")
    return problems


def _without_ref(data):
    root = parse_xml(data)
    root.attrib.pop("ref", None)
    for node in root.iter(M + "autoFilter"):
        node.attrib.pop("ref", None)
    return etree.tostring(root, method="c14n")
