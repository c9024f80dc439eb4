"""Save a workbook the way Excel's writer lays out a package (for the benchmark's row
"wie von Excel gespeichert" and the edit-cycle tests; never used on a user's book).

No Excel runs here or in CI, so this rewrites a book as Excel 16 (Microsoft 365) does
when it saves, as far as that matters to a program that patches the package afterwards.
Written by hand: no library imitates another program's save. What
Excel does, read off the Excel-saved samples in ../shared/testdata/xlsx/
(calamine_temperature-table.xlsx, calamine_picture.xlsx) and ECMA-376 Part 1 (§ 18.2,
workbook; § 18.3, worksheet; § 18.4, shared strings; Part 2, the package):

- Part names are numbered anew in tab order: xl/worksheets/sheet1.xml …, tables
  table1.xml … in the order the sheets use them, drawings and charts likewise. So a
  tab dragged elsewhere renames the parts of most sheets (first_tab imitates that).
- Relationship ids are numbered anew: in xl/_rels/workbook.xml.rels the sheets first
  (rId1 … in tab order), then theme, styles and shared strings; in a sheet's rels in
  the order of its elements. Every r:id in the parts follows.
- Every text cell is a shared string (t="s", xl/sharedStrings.xml with count and
  uniqueCount); Excel writes no inline strings.
- Worksheets and tables carry Excel's extension namespaces, declared as ignorable
  (mc:Ignorable="x14ac xr xr2 xr3"), revision ids (xr:uid) on the worksheet, the table,
  its autoFilter and each tableColumn, and rows carry spans and x14ac:dyDescent.
- [Content_Types].xml: Defaults for rels and xml (and the media types present), an
  Override for every other part; entries in the zip start with [Content_Types].xml.

Not imitated: calcChain (kundenbuch writes no formulas), Excel's own styles.xml
rewrite (indexes stay as they are, which is what Excel does for styles in use).
"""
from __future__ import annotations

import posixpath
import re
import uuid
import zipfile
from pathlib import Path

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
XR2 = "http://schemas.microsoft.com/office/spreadsheetml/2015/revision2"
XR3 = "http://schemas.microsoft.com/office/spreadsheetml/2016/revision3"
M = "{%s}" % MAIN
REL_ORDER = ("worksheet", "theme", "styles", "sharedStrings")
CT_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
REL_SST = REL + "/sharedStrings"
MEDIA = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "vml":
         "application/vnd.openxmlformats-officedocument.vmlDrawing",
         "bin": "application/vnd.ms-office.vbaProject"}


def _uid(*parts) -> str:
    return "{%s}" % str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(map(str, parts)))).upper()


def _rels_of(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _source_of(rels: str) -> str:
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name[:-len(".rels")])


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def save_like_excel(path: Path, first_tab: str | None = None) -> None:
    """first_tab: the sheet a user dragged to the front before saving (Excel then
    numbers every part after the new tab order)."""
    path = Path(path)
    with zipfile.ZipFile(path) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    types = etree.fromstring(parts["[Content_Types].xml"])
    overrides = {node.get("PartName").lstrip("/"): node.get("ContentType")
                 for node in types.iterfind("{%s}Override" % CT)}
    workbook_part = next(_resolve("", node.get("Target"))
                         for node in etree.fromstring(parts["_rels/.rels"])
                         if node.get("Type").endswith("/officeDocument"))
    if first_tab:
        _move_tab_first(parts, workbook_part, first_tab)
    names = _new_names(parts, workbook_part)
    _shared_strings(parts, names, workbook_part, overrides)
    rel_ids = {}
    for rels in [name for name in parts if name.endswith(".rels")]:
        rel_ids[rels] = _renumber_rels(parts, rels, names)
    new_parts = {}
    for name, data in parts.items():
        if name.endswith(".rels") or name == "[Content_Types].xml":
            continue
        new_parts[names.get(name, name)] = _excel_part(name, data, rel_ids.get(
            _rels_of(name), {}), overrides.get(name, ""))
    for rels, data in parts.items():
        if rels.endswith(".rels"):
            source = _source_of(rels)
            new_parts[_rels_of(names.get(source, source)) if source else rels] = data
    _write(path, new_parts, {names.get(n, n): t for n, t in overrides.items()})


def _move_tab_first(parts: dict, workbook_part: str, name: str) -> None:
    """As dragging a tab: the sheet list, and the sheet indexes that definedNames
    (localSheetId) and the window (activeTab) hold, follow."""
    workbook = etree.fromstring(parts[workbook_part])
    sheets = workbook.find(f"{M}sheets")
    order = list(sheets)
    moved = next(i for i, sheet in enumerate(order) if sheet.get("name") == name)
    new_order = [order[moved]] + order[:moved] + order[moved + 1:]
    new_index = {order.index(sheet): i for i, sheet in enumerate(new_order)}
    sheets[:] = new_order
    for defined in workbook.iter(f"{M}definedName"):
        if defined.get("localSheetId") is not None:
            defined.set("localSheetId", str(new_index[int(defined.get("localSheetId"))]))
    for view in workbook.iter(f"{M}workbookView"):
        for attribute in ("activeTab", "firstSheet"):
            if view.get(attribute) is not None:
                view.set(attribute, str(new_index[int(view.get(attribute))]))
    parts[workbook_part] = etree.tostring(workbook, xml_declaration=True, encoding="UTF-8",
                                          standalone=True)


def _new_names(parts: dict, workbook_part: str) -> dict:
    """Old part name -> Excel's name: sheets in tab order, then what they use."""
    workbook = etree.fromstring(parts[workbook_part])
    targets = {node.get("Id"): _resolve(workbook_part, node.get("Target"))
               for node in etree.fromstring(parts[_rels_of(workbook_part)])}
    names, counters = {}, {}
    for sheet in workbook.iterfind(f"{M}sheets/{M}sheet"):
        part = targets[sheet.get("{%s}id" % REL)]
        stack = [part]
        while stack:
            current = stack.pop(0)
            kind = posixpath.basename(posixpath.dirname(current))
            stem = {"worksheets": "sheet", "tables": "table", "drawings": "drawing",
                    "charts": "chart"}.get(kind)
            if stem and current.endswith(".xml") and current not in names:
                counters[stem] = counters.get(stem, 0) + 1
                names[current] = posixpath.join(posixpath.dirname(current),
                                                f"{stem}{counters[stem]}.xml")
            rels = _rels_of(current)
            if rels in parts:
                stack += [_resolve(current, node.get("Target"))
                          for node in etree.fromstring(parts[rels])
                          if node.get("TargetMode") != "External"]
    return names


def _shared_strings(parts: dict, names: dict, workbook_part: str, overrides: dict):
    """Every inline string into xl/sharedStrings.xml (made if missing)."""
    wb_rels = _rels_of(workbook_part)
    rels = etree.fromstring(parts[wb_rels])
    sst_part = next((_resolve(workbook_part, n.get("Target")) for n in rels
                     if n.get("Type") == REL_SST), None)
    if sst_part is None:
        sst_part = posixpath.join(posixpath.dirname(workbook_part), "sharedStrings.xml")
        etree.SubElement(rels, "{%s}Relationship" % PKG_REL, Id="rIdNeu", Type=REL_SST,
                         Target="sharedStrings.xml")
        parts[wb_rels] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8",
                                        standalone=True)
        parts[sst_part] = b'<sst xmlns="%s"/>' % MAIN.encode()
        overrides[sst_part] = CT_SST
    sst = etree.fromstring(parts[sst_part])
    index = {etree.tostring(si): i for i, si in enumerate(sst)}
    count = 0
    for part in [p for p in names if "/worksheets/" in p]:
        sheet = etree.fromstring(parts[part])
        for cell in sheet.iter(f"{M}c"):
            if cell.get("t") == "s":
                count += 1
            if cell.get("t") != "inlineStr":
                continue
            inline = cell.find(f"{M}is")
            if inline is None:                  # an empty text: Excel keeps no value
                del cell.attrib["t"]
                continue
            si = etree.Element(f"{M}si")
            si.extend(list(inline))
            key = etree.tostring(si)
            if key not in index:
                index[key] = len(index)       # (len of an lxml element counts anew)
                sst.append(si)
            cell.remove(inline)
            cell.set("t", "s")
            etree.SubElement(cell, f"{M}v").text = str(index[key])
            count += 1
        parts[part] = etree.tostring(sheet, xml_declaration=True, encoding="UTF-8",
                                     standalone=True)
    sst.set("count", str(count))
    sst.set("uniqueCount", str(len(index)))
    parts[sst_part] = etree.tostring(sst, xml_declaration=True, encoding="UTF-8",
                                     standalone=True)


def _renumber_rels(parts: dict, rels: str, names: dict) -> dict:
    """Ids rId1 … (Excel's order), targets to the new names; returns old id -> new."""
    root = etree.fromstring(parts[rels])
    source = _source_of(rels)
    nodes = sorted(root, key=lambda n: next((i for i, kind in enumerate(REL_ORDER)
                                             if n.get("Type").endswith("/" + kind)),
                                            len(REL_ORDER)))
    if source and source.endswith("workbook.xml"):
        workbook = etree.fromstring(parts[source])
        tab = [s.get("{%s}id" % REL) for s in workbook.iterfind(f"{M}sheets/{M}sheet")]
        nodes.sort(key=lambda n: (tab.index(n.get("Id")) if n.get("Id") in tab else
                                  len(tab)))
    mapping = {}
    new_source = names.get(source, source)
    for number, node in enumerate(nodes, start=1):
        mapping[node.get("Id")] = f"rId{number}"
        node.set("Id", f"rId{number}")
        if node.get("TargetMode") != "External":
            target = _resolve(source, node.get("Target"))
            target = names.get(target, target)
            node.set("Target", posixpath.relpath(target, posixpath.dirname(new_source))
                     if source else target)
    root[:] = nodes
    parts[rels] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 standalone=True)
    return mapping


def _excel_part(name: str, data: bytes, ids: dict, content_type: str) -> bytes:
    if not name.endswith(".xml"):
        return data
    tag = re.search(rb"<(?:\w+:)?(worksheet|table)[\s>]", data[:400])
    if tag:
        data = _declared(data, EXTENSIONS[tag.group(1).decode()])
    root = etree.fromstring(data)
    for element in root.iter():
        for attribute, value in element.attrib.items():
            if attribute.startswith("{%s}" % REL) and value in ids:
                element.set(attribute, ids[value])
    if root.tag == f"{M}worksheet":
        _ignorable(root, "x14ac xr xr2 xr3")
        root.set("{%s}uid" % XR, _uid(name))
        for row in root.iter(f"{M}row"):
            cells = row.findall(f"{M}c")
            if cells and row.get("spans") is None:
                columns = [_column(c.get("r")) for c in cells if c.get("r")]
                if columns:
                    row.set("spans", f"{min(columns)}:{max(columns)}")
            row.set("{%s}dyDescent" % X14AC, "0.25")
    elif root.tag == f"{M}table":
        _ignorable(root, "xr xr3")
        root.set("{%s}uid" % XR, _uid(name))
        for index, node in enumerate(root.iter(f"{M}autoFilter", f"{M}tableColumn")):
            attribute = "{%s}uid" % (XR if node.tag == f"{M}autoFilter" else XR3)
            node.set(attribute, _uid(name, index))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _column(reference: str) -> int:
    number = 0
    for char in reference:
        if not char.isalpha():
            break
        number = number * 26 + ord(char.upper()) - 64
    return number


EXTENSIONS = {"worksheet": {"mc": MC, "x14ac": X14AC, "xr": XR, "xr2": XR2, "xr3": XR3},
              "table": {"mc": MC, "xr": XR, "xr3": XR3}}


def _declared(data: bytes, extra: dict) -> bytes:
    """The root start tag with Excel's extension namespaces declared (in the text:
    lxml cannot add a declaration to an element that exists, and moving every child to
    a new root is slow on large sheets)."""
    start = re.search(rb"<(?!\?)[^>]*", data)
    head = start.group(0)
    declarations = b"".join(b' xmlns:%s="%s"' % (prefix.encode(), uri.encode())
                            for prefix, uri in extra.items()
                            if b'xmlns:%s="' % prefix.encode() not in head)
    return data[:start.end()] + declarations + data[start.end():]


def _ignorable(root, prefixes: str) -> None:
    root.set("{%s}Ignorable" % MC, " ".join(dict.fromkeys(
        (root.get("{%s}Ignorable" % MC, "") + " " + prefixes).split())))


def _write(path: Path, parts: dict, overrides: dict) -> None:
    types = etree.Element("{%s}Types" % CT, nsmap={None: CT})
    etree.SubElement(types, "{%s}Default" % CT, Extension="rels",
                     ContentType="application/vnd.openxmlformats-package.relationships+xml")
    etree.SubElement(types, "{%s}Default" % CT, Extension="xml",
                     ContentType="application/xml")
    extensions = {name.rsplit(".", 1)[-1] for name in parts} & set(MEDIA)
    for extension in sorted(extensions):
        etree.SubElement(types, "{%s}Default" % CT, Extension=extension,
                         ContentType=MEDIA[extension])
    for name in parts:
        if name.endswith(".xml") and name in overrides:
            etree.SubElement(types, "{%s}Override" % CT, PartName="/" + name,
                             ContentType=overrides[name])
    order = ["_rels/.rels"] + sorted(parts, key=lambda n: (not n.startswith("xl/workbook"),
                                                           n.startswith("docProps"), n))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", etree.tostring(
            types, xml_declaration=True, encoding="UTF-8", standalone=True))
        for name in dict.fromkeys(order):
            if name in parts:
                package.writestr(name, parts[name])
