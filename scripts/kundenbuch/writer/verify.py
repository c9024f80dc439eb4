"""Prove that nothing the user had was lost, in two steps.

verify_parts, while the new file is being compressed: independent of how the patch
was made, every changed part is judged against the original by what it is allowed
to become:
- a sheet the program owns: anything (it is rewritten whole);
- a data sheet: only the cells the plan wrote; every other cell and every other
  element (validations, conditional formats, …) unchanged;
- a table: only its range;
- the lists of sheets, relationships, content types and cell formats: only additions;
- any other part: unchanged, and no part may go missing.
verify_file, on the written file: it holds exactly these parts, every part not in
the patch with the original's compressed bytes, every patched part with the length
and CRC-32 of what was judged; and the new package opens and its sheets written
whole parse.
"""
from __future__ import annotations

import zipfile

from lxml import etree

from ..book.ooxml import NS_REL, M, UnreadableWorkbook, open_package, parse_xml
from ..book.records import column_letter
from ..book.zipentries import raw_bytes, read_entry
from .cells import ROW_BATCH, namespace_declarations
from .cutout import cut_proof
from .rowscan import ScanError, Unusual, row_without, scan, sheet_head, well_formed


class VerificationFailed(Exception):
    pass


def verify_parts(original, patch, workbook_part: str, sheet_parts: set,
                 table_parts: set) -> None:
    """Data sheets that build judged already with sheet_problems (patch.judged) are
    not judged again, unless they changed since; what was found then counts here."""
    problems = list(patch.problems)
    with zipfile.ZipFile(original) as old:
        old_names = set(old.namelist())
        for name in sorted(patch.removed - old_names):
            problems.append(f"Teil {name} soll entfernt werden, gibt es aber nicht")
        for name in sorted(old_names & set(patch.parts)):
            if patch.judged_as_built(name):
                continue
            before, after = read_entry(old, name), patch.parts[name]
            if before == after or name in patch.owned_parts:
                continue
            if name in sheet_parts:
                problems += sheet_problems(name, before, after, patch.cells.get(name, {}))
            elif name in table_parts:
                if _table_core(before) != _table_core(after, len(_columns(before))):
                    problems.append(f"Tabelle {name} hat sich außer im Bereich verändert")
            elif name == workbook_part:
                problems += _workbook_problems(before, after)
            elif name.endswith(".rels") or name == "[Content_Types].xml" or name.endswith(
                    "styles.xml"):
                problems += _only_additions(name, before, after, patch.removed)
            else:
                problems.append(f"Teil {name} wurde unerwartet verändert")
    problems += _owned_sheet_problems(patch)
    if problems:
        raise VerificationFailed("; ".join(problems[:10]))


def verify_file(original, written, patch) -> None:
    problems = []
    with zipfile.ZipFile(original) as old, zipfile.ZipFile(written) as new:
        old_names, new_names = set(old.namelist()), set(new.namelist())
        expected = (old_names - patch.removed) | set(patch.parts)
        for name in sorted(expected - new_names):
            problems.append(f"Teil {name} fehlt")
        for name in sorted(new_names - expected):
            problems.append(f"Teil {name} ist unerwartet hinzugekommen")
        for name in sorted(expected & new_names):
            if name in patch.parts:
                # zlib compressed exactly these bytes if length and checksum agree
                info, data = new.getinfo(name), patch.parts[name]
                if info.file_size != len(data) or info.CRC != patch.crc(name):
                    problems.append(f"Teil {name} wurde falsch gespeichert")
            elif raw_bytes(old, old.getinfo(name)) != raw_bytes(new, new.getinfo(name)):
                problems.append(f"Teil {name} wurde unerwartet verändert")
            if len(problems) > 10:
                break
    if not problems:
        problems += _reopen_problems(written)
    if problems:
        raise VerificationFailed("; ".join(problems[:10]))


def _reopen_problems(written) -> list[str]:
    """The new package opens and lists every sheet part."""
    try:
        package = open_package(written)
        missing = [s.name for s in package.sheets if s.part not in package.parts]
    except (UnreadableWorkbook, KeyError, ValueError) as exc:
        return [f"die neue Datei lässt sich nicht lesen ({exc})"]
    return [f"Blatt {name} hat keinen Inhalt" for name in missing]


def _owned_sheet_problems(patch) -> list[str]:
    """The sheets written whole are well-formed worksheets (that their rows rise,
    report.build_report_sheet makes sure as it writes them)."""
    problems = []
    for part in sorted(patch.owned_parts & set(patch.parts)):
        if part.startswith("xl/worksheets/") and part.endswith(".xml"):
            data = patch.parts[part]
            not_xml = well_formed(data)
            try:
                if not_xml:
                    raise ScanError(not_xml)
                sheet_head(data)
            except ScanError as exc:
                problems.append(f"{part} ist kein gültiges Tabellenblatt ({exc})")
    return problems


def _c14n(element) -> bytes:
    return etree.tostring(element, method="c14n")


def sheet_problems(part, old_data, new_data, written: dict, old=None) -> list[str]:
    """Rows without writes are byte-identical; in written rows every other cell is the
    same; everything outside the rows is the same except the <dimension> range.
    written: row -> its written columns; ``old`` is the patcher's scan of the
    (unchanged) original, where it has one.
    The quick proof (cutout) settles most cases, and with it whether the new part is
    well-formed; the full comparison below, row by row, decides the others and names
    what changed."""
    try:
        old = old or scan(old_data)
    except ScanError as exc:
        return [f"{part} ist kein gültiges Tabellenblatt mehr ({exc})"]
    proof = cut_proof(old_data, new_data, written, old)
    if proof is not None and proof.pieces_problem is None:
        # The proof shows the new part well-formed where the original was; whether the
        # original was, only a parse tells (the reader skips what it does not need,
        # a stray tag between two cells among it). One expat pass: 0.2 s for 50,000
        # invoices.
        broken = well_formed(old_data)
        return [] if broken is None else [f"{part} war schon vorher kein gültiges XML "
                                          f"({broken})"]
    not_xml = well_formed(new_data)
    if not_xml:
        return [f"{part} ist kein gültiges XML mehr ({not_xml})"]
    if proof is not None:
        return []
    try:
        new = scan(new_data)
    except ScanError as exc:
        return [f"{part} ist kein gültiges Tabellenblatt mehr ({exc})"]
    written_rows = set(written)
    problems = []
    if _outside_rows(old_data, old) != _outside_rows(new_data, new):
        problems.append(f"in {part} haben sich Gültigkeitsregeln, Formatierungen oder "
                        "andere Einstellungen verändert")
    unexpected = set(new.rows) - set(old.rows) - written_rows
    if unexpected:
        problems.append(f"in {part} sind unerwartete Zeilen {sorted(unexpected)[:5]} "
                        "hinzugekommen")
    compare = []
    for number, (start, end) in old.rows.items():
        if number not in new.rows:
            problems.append(f"Zeile {number} in {part} fehlt")
        elif number not in written_rows:
            # bytes slices: they compare at memory speed, memoryviews byte by byte
            if old_data[start:end] != new_data[slice(*new.rows[number])]:
                problems.append(f"Zeile {number} in {part} hat sich verändert")
        else:
            compare.append(number)
        if len(problems) > 10:
            return problems
    prefix = old.prefix.encode()
    for first in range(0, len(compare), ROW_BATCH):       # batches keep memory small
        batch = compare[first:first + ROW_BATCH]
        try:
            old_rows = {n: hash(row_without(old_data, old.rows[n], prefix, set(written[n]),
                                            old.plain)) for n in batch}
            new_rows = {n: hash(row_without(new_data, new.rows[n], prefix, set(written[n]),
                                            new.plain)) for n in batch}
        except Unusual:
            written_refs = {f"{column_letter(c)}{r}" for r in written for c in written[r]}
            old_rows = _rows_without(old_data, old, batch, written_refs)
            new_rows = _rows_without(new_data, new, batch, written_refs)
        problems += [f"Zeile {number} in {part}: eine nicht geschriebene Zelle hat sich "
                     "verändert" for number in batch if old_rows[number] != new_rows[number]]
        if problems:
            break
    return problems[:10]


def _rows_without(data, layout, numbers, written_refs) -> dict:
    """Row number -> the row's cells without the written ones, serialised. The rows are
    parsed together; old and new sit in identical wrappers, so equal cells serialise
    equally."""
    view = memoryview(data)
    declarations = namespace_declarations(layout)
    body = b"".join(bytes(view[slice(*layout.rows[n])]) for n in numbers)
    root = parse_xml(b"<w " + declarations + b">" + body + b"</w>")
    result = {}
    for row in root:
        for cell in [c for c in row if c.get("r") in written_refs]:
            row.remove(cell)
        row.attrib.pop("spans", None)           # the patcher may widen it
        result[int(row.get("r"))] = etree.tostring(row)
    return result


def _outside_rows(data, layout) -> list[bytes]:
    """The sheet without its rows and without the <dimension> range."""
    view = memoryview(data)
    if layout.data_empty_tag:
        head, tail = view[:layout.data_close], view[layout.data_open_end:]
    else:
        head = view[:layout.data_open_end]
        tail = view[data.index(b">", layout.data_close) + 1:]
    head = bytes(head)
    if layout.dimension:
        start, end = layout.dimension
        head = head[:start] + head[end:]
    tag = b"<" + layout.prefix.encode() + b"sheetData>"
    return [head.replace(tag, b"").replace(tag[:-1] + b"/>", b""), bytes(tail)]


def _workbook_problems(old_data, new_data):
    old_root, new_root = parse_xml(old_data), parse_xml(new_data)
    problems = []

    def sheets(root):
        return [(s.get("name"), s.get("sheetId"), s.get("{%s}id" % NS_REL))
                for s in root.iterfind(f"{M}sheets/{M}sheet")]

    old_sheets, new_sheets = sheets(old_root), sheets(new_root)
    if new_sheets[:len(old_sheets)] != old_sheets:
        problems.append("die Liste der Blätter hat sich verändert")

    def rest(root):
        return [_c14n(child) for child in root if child.tag != M + "sheets"]

    if rest(old_root) != rest(new_root):
        problems.append("definierte Namen oder Mappeneinstellungen haben sich verändert")
    return problems


def _only_additions(part, old_data, new_data, removed=frozenset()):
    """Every element of the old part is still there, in the same place (entries for
    parts the patch removed may go)."""
    old_root, new_root = parse_xml(old_data), parse_xml(new_data)
    if old_root.attrib != new_root.attrib and not part.endswith("styles.xml"):
        return [f"{part} hat sich verändert"]
    new_children = {child.tag: child for child in new_root}
    for child in old_root:
        if (child.get("PartName") or "").lstrip("/") in removed:
            continue
        if len(child) and child.tag in new_children:       # a section such as cellXfs
            new_section = list(new_children[child.tag])
            if [_c14n(c) for c in child] != [_c14n(c) for c in new_section[:len(child)]]:
                return [f"in {part} wurden vorhandene Einträge verändert"]
        elif _c14n(child) not in {_c14n(c) for c in new_root}:
            return [f"in {part} fehlt ein vorhandener Eintrag"]
    return []


def _columns(data) -> list:
    columns = parse_xml(data).find(M + "tableColumns")
    return list(columns) if columns is not None else []


def _table_core(data, keep_columns: int | None = None):
    """A table part without its range and without columns appended after the first
    keep_columns (a column a later version of the contract adds, writer/new_table.py)."""
    root = parse_xml(data)
    root.attrib.pop("ref", None)
    for node in root.iter(M + "autoFilter"):
        node.attrib.pop("ref", None)
    columns = root.find(M + "tableColumns")
    if columns is not None:
        columns.attrib.pop("count", None)
        if keep_columns is not None:
            for extra in list(columns)[keep_columns:]:
                columns.remove(extra)
    return _c14n(root)
