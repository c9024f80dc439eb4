"""The structure of an .xlsx package: which sheets, tables and parts it has.

Read with lxml from the small workbook-level parts only; cell data is left to the
fast reader (calamine) and to the patcher. Files we cannot handle raise
UnreadableWorkbook with a German message (exit code 2 at the command line).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_TABLE = NS_REL + "/table"
REL_OFFICE_DOC = NS_REL + "/officeDocument"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

M = "{%s}" % NS_MAIN
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class UnreadableWorkbook(Exception):
    """The file cannot be read as a kundenbuch workbook at all (exit code 2)."""


@dataclass
class TableInfo:
    name: str
    display_name: str
    sheet: str
    part: str
    ref: str
    columns: list[str]
    header_rows: int = 1
    totals_rows: int = 0


@dataclass
class SheetInfo:
    name: str
    sheet_id: int
    rel_id: str
    part: str                 # e.g. xl/worksheets/sheet1.xml
    rels_part: str            # e.g. xl/worksheets/_rels/sheet1.xml.rels
    tables: list[TableInfo] = field(default_factory=list)
    state: str = "visible"


@dataclass
class Package:
    path: Path
    parts: list[str]
    workbook_part: str
    sheets: list[SheetInfo]
    tables: dict[str, TableInfo]          # by casefolded display name
    has_macros: bool

    def sheet(self, name: str) -> SheetInfo | None:
        for sheet in self.sheets:
            if sheet.name.casefold() == name.casefold():
                return sheet
        return None

    def table(self, name: str) -> TableInfo | None:
        return self.tables.get(name.casefold())


def parse_xml(data: bytes):
    return etree.fromstring(data, PARSER)


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve_target(source_part: str, target: str) -> str:
    """Relationship targets are relative to the source part's folder, or absolute."""
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def read_rels(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str, str, str]]:
    """(Id, Type, resolved target, TargetMode) of a part's relationships."""
    name = rels_path(part)
    if name not in zf.namelist():
        return []
    root = parse_xml(zf.read(name))
    result = []
    for rel in root:
        mode = rel.get("TargetMode", "Internal")
        target = rel.get("Target", "")
        resolved = target if mode == "External" else resolve_target(part, target)
        result.append((rel.get("Id"), rel.get("Type"), resolved, mode))
    return result


def sniff_not_zip(path: Path) -> str:
    """A German explanation for a file that is no zip package."""
    head = path.read_bytes()[:8] if path.stat().st_size else b""
    if not head:
        return f"Die Datei {path.name} ist leer (0 Byte)."
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data:
            return (f"Die Datei {path.name} ist mit einem Kennwort verschlüsselt. Bitte in "
                    "Excel öffnen, den Kennwortschutz unter Datei › Informationen › "
                    "Arbeitsmappe schützen entfernen und erneut speichern.")
        return (f"Die Datei {path.name} ist im alten .xls-Format (Excel 97–2003). Bitte in "
                "Excel öffnen und als „Excel-Arbeitsmappe (*.xlsx)“ speichern.")
    return (f"Die Datei {path.name} ist keine Excel-Arbeitsmappe (.xlsx). Bitte die "
            "richtige Datei angeben.")


# What reading a damaged package raises. RuntimeError: zipfile's answer to an entry
# flagged as encrypted (a single flipped bit does that).
DAMAGED = (zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError, KeyError, ValueError,
           OSError, EOFError, NotImplementedError, RuntimeError)


def open_package(path: Path) -> Package:
    """Inspect the package; raise UnreadableWorkbook for files we must not touch."""
    path = Path(path)
    if not path.exists():
        raise UnreadableWorkbook(f"Die Datei {path} gibt es nicht.")
    if path.is_dir():
        raise UnreadableWorkbook(f"{path} ist ein Ordner, keine Excel-Datei.")
    if not zipfile.is_zipfile(path):
        raise UnreadableWorkbook(sniff_not_zip(path))
    try:
        with zipfile.ZipFile(path) as zf:
            return _inspect(path, zf)
    except UnreadableWorkbook:
        raise
    except DAMAGED as exc:
        raise UnreadableWorkbook(
            f"Die Datei {path.name} ist beschädigt und kann nicht gelesen werden "
            f"({type(exc).__name__}).") from exc


def _inspect(path: Path, zf: zipfile.ZipFile) -> Package:
    names = zf.namelist()
    _check_entries(path, zf, names)
    root_rels = read_rels(zf, "")
    workbook_part = next((t for _, typ, t, _ in root_rels if typ and
                          typ.endswith("/officeDocument")), None)
    if workbook_part is None or workbook_part not in names:
        raise UnreadableWorkbook(
            f"Die Datei {path.name} ist eine Zip-Datei, aber keine Excel-Arbeitsmappe.")
    workbook = parse_part(path, zf, workbook_part)
    if workbook.tag == "{%s}workbook" % NS_STRICT:
        raise UnreadableWorkbook(
            f"Die Datei {path.name} ist im Format „Strict Open XML“ gespeichert. Bitte in "
            "Excel mit „Speichern unter“ als „Excel-Arbeitsmappe (*.xlsx)“ speichern.")
    if workbook.tag != M + "workbook":
        raise UnreadableWorkbook(f"Die Datei {path.name} ist keine Excel-Arbeitsmappe.")
    props = workbook.find(M + "workbookPr")
    if props is not None and props.get("date1904", "0").lower() in ("1", "true"):
        raise UnreadableWorkbook(
            f"Die Datei {path.name} nutzt das 1904-Datumssystem (alte Mac-Einstellung); "
            "alle Daten wären um vier Jahre verschoben. Bitte in Excel unter Optionen › "
            "Erweitert das „1904-Datumssystem“ ausschalten und die Daten prüfen.")
    wb_rels = {rid: (typ, target) for rid, typ, target, _ in read_rels(zf, workbook_part)}
    sheets, tables = [], {}
    for node in workbook.iterfind(f"{M}sheets/{M}sheet"):
        rid = node.get("{%s}id" % NS_REL)
        typ, target = wb_rels.get(rid, ("", ""))
        if typ != REL_WORKSHEET:
            continue            # chart sheets and dialog sheets hold no tables
        _missing_exactly(path, names, target)
        sheet = SheetInfo(node.get("name"), int(node.get("sheetId", "0")), rid, target,
                          rels_path(target), state=node.get("state", "visible"))
        for _, rtyp, table_part, _ in read_rels(zf, target):
            if rtyp == REL_TABLE and table_part in names:
                info = _read_table(zf.read(table_part), sheet.name, table_part)
                sheet.tables.append(info)
                tables[info.display_name.casefold()] = info
        sheets.append(sheet)
    macros = any(n.lower().endswith("vbaproject.bin") for n in names)
    return Package(path, names, workbook_part, sheets, tables, macros)


CONTENT_TYPES = "[Content_Types].xml"
_XML_PARTS = (".xml", ".rels", ".vml")
_PROLOG_END = re.compile(rb"<[A-Za-z_]")


def _check_entries(path: Path, zf: zipfile.ZipFile, names: list[str]) -> None:
    """Refuse a package whose entries Excel would not write and kundenbuch would pass
    on unreadable: names another program spells differently (other case, backslashes),
    a missing content-type list, and XML with a DTD (entities can fetch files or blow
    up to gigabytes; Office never writes one). Only the prolog of each XML part is
    read, which is where a DTD must stand."""
    refuse = f"Bitte {path.name} in Excel oder LibreOffice öffnen und neu speichern."
    folded: dict[str, str] = {}
    for name in names:
        if "\\" in name:
            raise UnreadableWorkbook(
                f"In {path.name} heißt ein Teil „{name}“, mit Backslash statt Schrägstrich; "
                f"so schreibt ihn kein Tabellenprogramm, andere lesen ihn nicht. {refuse}")
        twin = folded.setdefault(name.casefold(), name)
        if twin != name:
            raise UnreadableWorkbook(
                f"In {path.name} stehen die Teile „{twin}“ und „{name}“, die sich nur in "
                f"der Groß- und Kleinschreibung unterscheiden. {refuse}")
    looks_like_a_workbook = "_rels/.rels" in folded or any(
        name.startswith("xl/") for name in folded)
    if CONTENT_TYPES not in names and looks_like_a_workbook:
        raise UnreadableWorkbook(
            f"In {path.name} fehlt das Inhaltsverzeichnis {CONTENT_TYPES}"
            + (f" (es heißt „{folded[CONTENT_TYPES.casefold()]}“)"
               if CONTENT_TYPES.casefold() in folded else "")
            + f"; ohne es öffnet kein Programm die Datei zuverlässig. {refuse}")
    if CONTENT_TYPES in names:
        parse_part(path, zf, CONTENT_TYPES)     # every write edits it: it must parse
    for name in names:
        if name.lower().endswith(_XML_PARTS) and _has_dtd(zf, name):
            raise UnreadableWorkbook(
                f"Der Teil {name} in {path.name} enthält eine DTD (<!DOCTYPE …>), wie sie "
                "Excel nie schreibt; darüber können Daten von außen nachgeladen werden. "
                f"kundenbuch liest und kopiert so etwas nicht. {refuse}")


def parse_part(path: Path, zf: zipfile.ZipFile, name: str):
    """A part's XML, or UnreadableWorkbook naming the part and where its XML breaks."""
    try:
        return parse_xml(zf.read(name))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        raise UnreadableWorkbook(
            f"Der Teil {name} in {path.name} ist beschädigt: kein gültiges XML (Zeile "
            f"{line}, Spalte {column}). Bitte die letzte Sicherung aus dem Ordner "
            "sicherung/ nehmen oder die Datei in Excel öffnen (es bietet die Reparatur "
            "an) und neu speichern.") from exc


def _has_dtd(zf: zipfile.ZipFile, name: str) -> bool:
    with zf.open(name) as stream:
        head = stream.read(4096)
        while not _PROLOG_END.search(head) and len(head) < (1 << 20):
            more = stream.read(65536)       # a long prolog (comments): read on
            if not more:
                break
            head += more
    found = _PROLOG_END.search(head)
    prolog = head[:found.start()] if found else head
    return b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper()


def _missing_exactly(path: Path, names: list[str], part: str) -> None:
    """A part a relationship names is there only under another spelling: refuse
    (writing a new part under the name asked for would hide the user's one)."""
    if part in names:
        return
    spelled = next((n for n in names if n.casefold() == part.casefold()), None)
    if spelled is not None:
        raise UnreadableWorkbook(
            f"In {path.name} verweist die Arbeitsmappe auf den Teil „{part}“, er heißt "
            f"aber „{spelled}“ (andere Groß- und Kleinschreibung). Bitte {path.name} in "
            "Excel oder LibreOffice öffnen und neu speichern.")


def _read_table(data: bytes, sheet: str, part: str) -> TableInfo:
    root = parse_xml(data)
    columns = [c.get("name", "") for c in root.iterfind(f"{M}tableColumns/{M}tableColumn")]
    return TableInfo(root.get("name", ""), root.get("displayName", root.get("name", "")),
                     sheet, part, root.get("ref", ""), columns,
                     int(root.get("headerRowCount", "1")),
                     int(root.get("totalsRowCount", "0")))
