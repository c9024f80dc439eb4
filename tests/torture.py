"""A generator of broken and odd workbooks: the torture suite's input (test_torture.py).

Each case takes a good book's bytes and returns the bytes of a damaged or unusual one,
of the kinds a hostile user, a careless program or a broken disk produce: odd cell
types, absurd settings, missing or renamed parts and headers, merged cells, 1904 dates,
Strict, encryption, truncation, flipped bits, entities, XML that is not well-formed,
huge dimensions, unusual but valid XML, broken styles, odd zip entries. The cases are fixed by a seed, so a failure
names a case that can be made again
(`python tests/torture.py NAME BASE.xlsx OUT.xlsx`).

Written by hand, with lxml and zipfile only: no library makes broken workbooks, and
the generator must not share code with what it tests.
"""
from __future__ import annotations

import io
import posixpath
import random
import re
import sys
import zipfile
from dataclasses import dataclass
from typing import Callable

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
M = "{%s}" % MAIN
SEED = 20261202


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    make: Callable[[bytes], bytes]


# --- the package as a dict of parts -----------------------------------------------------

def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


def zip_of(parts: dict[str, bytes], names: dict[str, str] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr((names or {}).get(name, name), data)
    return out.getvalue()


def sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name -> part name, through the workbook's relationships."""
    workbook = etree.fromstring(parts["xl/workbook.xml"])
    rels = etree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    result = {}
    for sheet in workbook.iter(M + "sheet"):
        target = targets[sheet.get("{%s}id" % REL)]
        result[sheet.get("name")] = (target.lstrip("/") if target.startswith("/")
                                     else posixpath.normpath("xl/" + target))
    return result


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def set_cell(xml: bytes, ref: str, attributes: dict, inner: str) -> bytes:
    """The sheet with cell `ref` replaced by <c r=ref …attributes>inner</c>."""
    root = etree.fromstring(xml)
    data = root.find(M + "sheetData")
    row_number = int(re.sub(r"[A-Z]+", "", ref))
    row = next((r for r in data if r.get("r") == str(row_number)), None)
    if row is None:
        row = etree.Element(M + "row", r=str(row_number))
        later = [r for r in data if int(r.get("r", 0)) > row_number]
        if later:
            later[0].addprevious(row)
        else:
            data.append(row)
    old = next((c for c in row if c.get("r") == ref), None)
    cell = etree.fromstring(f'<c xmlns="{MAIN}" r="{ref}" '
                            + " ".join(f'{k}="{v}"' for k, v in attributes.items())
                            + f">{inner}</c>")
    if old is not None:
        old.addprevious(cell)
        row.remove(old)
    else:
        later = [c for c in row if _column_index(c.get("r", "A1")) > _column_index(ref)]
        (later[0].addprevious(cell) if later else row.append(cell))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _column_index(ref: str) -> int:
    index = 0
    for char in re.match(r"[A-Z]+", ref).group():
        index = index * 26 + ord(char) - 64
    return index


# --- the kinds --------------------------------------------------------------------------

TABLE_SHEETS = {"Kunden": (26, 30), "Rechnungen": (151, 18), "Termine": (61, 10),
                "Stufen": (4, 9)}
INLINE = "inlineStr"
HOSTILE_CELLS = [
    ({"t": INLINE}, "<is><t>gestern</t></is>"),
    ({"t": INLINE}, "<is><t>31.10.2026</t></is>"),
    ({"t": INLINE}, "<is><t>DE89370400440532013000</t></is>"),
    ({"t": INLINE}, "<is><t>JA</t></is>"),
    ({"t": INLINE}, "<is><t>=1+1</t></is>"),
    ({"t": INLINE}, "<is><t>@SUM(A1)</t></is>"),
    ({"t": INLINE}, "<is><t> </t></is>"),
    ({"t": INLINE}, "<is><t>\u200b</t></is>"),
    ({"t": INLINE}, "<is><t>_x0001_ Steuerzeichen</t></is>"),
    ({"t": INLINE}, "<is><t>" + "x" * 32767 + "</t></is>"),
    ({"t": INLINE}, "<is><t>Ünïcødé 🎉 עברית</t></is>"),
    ({"t": INLINE}, "<is><r><t>zwei</t></r><r><t> Läufe</t></r></is>"),
    ({"t": INLINE}, ""),
    ({}, "<v>1e308</v>"), ({}, "<v>-1e308</v>"), ({}, "<v>NaN</v>"), ({}, "<v>INF</v>"),
    ({}, "<v>-INF</v>"), ({}, "<v>1e400</v>"), ({}, "<v>0.5</v>"), ({}, "<v>-1</v>"),
    ({}, "<v>2958466</v>"), ({}, "<v>99999999999</v>"), ({}, "<v></v>"),
    ({}, "<v> 12 </v>"), ({}, "<v>1,5</v>"), ({}, "<v>0x10</v>"), ({}, "<v>abc</v>"),
    ({}, "<v>-0</v>"), ({}, "<v>4.9e-324</v>"),
    ({"t": "n", "s": "9999"}, "<v>45000</v>"),
    ({"t": "b"}, "<v>1</v>"), ({"t": "b"}, "<v>2</v>"),
    ({"t": "e"}, "<v>#REF!</v>"), ({"t": "e"}, "<v>#N/A</v>"), ({"t": "e"}, "<v>kaputt</v>"),
    ({}, "<f>1/0</f><v>0</v>"), ({}, "<f>NOW()</f>"), ({"t": "str"}, "<f>\"x\"</f><v>x</v>"),
    ({"t": "d"}, "<v>2026-10-31T00:00:00</v>"), ({"t": "d"}, "<v>2026-13-45</v>"),
    ({"t": "d"}, "<v>+275760-09-13</v>"), ({"t": "d"}, "<v>9999-12-31</v>"),
    ({"t": "s"}, "<v>99999</v>"), ({"t": "s"}, "<v>-1</v>"), ({"t": "s"}, "<v>x</v>"),
    ({"t": "wunder"}, "<v>1</v>"),
]


def _cell_cases(rng: random.Random, count: int) -> list[Case]:
    cases = []
    for number in range(count):
        sheet = rng.choice(sorted(TABLE_SHEETS))
        rows, columns = TABLE_SHEETS[sheet]
        row = rng.choice([2, rng.randint(2, rows), rows, rows + 1, rows + 2])
        column = rng.randint(1, columns + 1)
        attributes, inner = rng.choice(HOSTILE_CELLS)
        ref = f"{column_letter(column)}{row}"

        def make(data, sheet=sheet, ref=ref, attributes=attributes, inner=inner):
            parts = parts_of(data)
            part = sheet_parts(parts)[sheet]
            parts[part] = set_cell(parts[part], ref, attributes, inner)
            return zip_of(parts)
        cases.append(Case(f"zelle-{number:03d}-{sheet}-{ref}", "Zellen", make))
    return cases


ABSURD_SETTINGS = ["10000000", "-5", "1e308", "-1e308", "0", "NaN", "2958466", "0.5",
                   "-0.000001", "1e-300"]
ABSURD_TEXT = ["abc", "", "ja und nein", "=HYPERLINK(\"x\")", "ZZ", "Fälligkeit;DROP"]


def _setting_cases(rng: random.Random, count: int) -> list[Case]:
    cases = []
    for number in range(count):
        row = rng.randint(2, 37)
        column = rng.choice(["B", "B", "B", "E", "F"])
        if rng.random() < 0.6:
            attributes, inner = {}, f"<v>{rng.choice(ABSURD_SETTINGS)}</v>"
        else:
            attributes, inner = {"t": INLINE}, f"<is><t>{rng.choice(ABSURD_TEXT)}</t></is>"
        ref = f"{column}{row}"

        def make(data, ref=ref, attributes=attributes, inner=inner):
            parts = parts_of(data)
            part = sheet_parts(parts)["Einstellungen"]
            parts[part] = set_cell(parts[part], ref, attributes, inner)
            return zip_of(parts)
        cases.append(Case(f"einstellung-{number:03d}-{ref}", "Einstellungen", make))
    return cases


def _part_cases(names: list[str]) -> list[Case]:
    cases = []
    for name in names:
        def missing(data, name=name):
            parts = parts_of(data)
            parts.pop(name, None)
            return zip_of(parts)

        def upper(data, name=name):
            return zip_of(parts_of(data), {name: name.upper()})

        def backslash(data, name=name):
            return zip_of(parts_of(data), {name: name.replace("/", "\\")})
        cases += [Case(f"fehlt-{name}", "Teile", missing),
                  Case(f"gross-{name}", "Teile", upper),
                  Case(f"rueckstrich-{name}", "Teile", backslash)]
    return cases


def _header_cases(rng: random.Random) -> list[Case]:
    cases = []
    for sheet, (_, columns) in sorted(TABLE_SHEETS.items()):
        for column in range(1, columns + 1):
            ref = f"{column_letter(column)}1"
            change = rng.choice(["leer", "anders", "doppelt", "zahl"])
            attributes, inner = {
                "leer": ({"t": INLINE}, "<is><t></t></is>"),
                "anders": ({"t": INLINE}, "<is><t>Spalte X</t></is>"),
                "doppelt": ({"t": INLINE}, "<is><t>Kundennr</t></is>"),
                "zahl": ({}, "<v>42</v>")}[change]

            def make(data, sheet=sheet, ref=ref, attributes=attributes, inner=inner):
                parts = parts_of(data)
                part = sheet_parts(parts)[sheet]
                parts[part] = set_cell(parts[part], ref, attributes, inner)
                return zip_of(parts)
            cases.append(Case(f"kopf-{sheet}-{ref}-{change}", "Kopfzeilen", make))
    return cases


def _merged_cases(rng: random.Random, count: int) -> list[Case]:
    cases = []
    for number in range(count):
        sheet = rng.choice(sorted(TABLE_SHEETS))
        rows, columns = TABLE_SHEETS[sheet]
        top, left = rng.randint(1, rows + 2), rng.randint(1, columns)
        ref = (f"{column_letter(left)}{top}:"
               f"{column_letter(left + rng.randint(0, 2))}{top + rng.randint(0, 3)}")

        def make(data, sheet=sheet, ref=ref):
            parts = parts_of(data)
            part = sheet_parts(parts)[sheet]
            xml = parts[part]
            merge = f'<mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode()
            # mergeCells follows sheetData (ECMA-376 § 18.3.1.99).
            parts[part] = xml.replace(b"</sheetData>", b"</sheetData>" + merge, 1)
            return zip_of(parts)
        cases.append(Case(f"verbunden-{number:02d}-{sheet}-{ref}", "Verbundene Zellen", make))
    return cases


def _format_cases(rng: random.Random) -> list[Case]:
    def date1904(data):
        parts = parts_of(data)
        parts["xl/workbook.xml"] = re.sub(rb"<workbookPr[^>]*?/?>", b'<workbookPr date1904="1"/>',
                                          parts["xl/workbook.xml"], count=1)
        return zip_of(parts)

    def strict(data):
        parts = parts_of(data)
        for name, xml in parts.items():
            parts[name] = xml.replace(
                MAIN.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main")
        return zip_of(parts)

    def encrypted(data):
        # An OLE compound file, as Excel writes an encrypted book (EncryptionInfo in it).
        return (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
                + "EncryptionInfo".encode("utf-16-le") + bytes(3000))

    def flagged(data):
        # Zip entries whose encryption bit is set (general purpose flag bit 0).
        out = bytearray(data)
        for match in re.finditer(rb"PK\x03\x04|PK\x01\x02", bytes(out)):
            at = match.start() + (6 if match.group() == b"PK\x03\x04" else 8)
            out[at] |= 1
        return bytes(out)

    cases = [Case("1904", "Formate", date1904), Case("strict", "Formate", strict),
             Case("verschluesselt", "Formate", encrypted),
             Case("zip-verschluesselt", "Formate", flagged),
             Case("leer", "Formate", lambda data: b""),
             Case("text", "Formate", lambda data: b"Kundennr;Name\nK-1;A\n"),
             Case("xls", "Formate", lambda data: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))]
    for number in range(30):
        fraction = rng.random()
        cases.append(Case(f"abgeschnitten-{number:02d}", "Abgeschnitten",
                          lambda data, f=fraction: data[:int(len(data) * f)]))
    for number in range(40):
        seed = rng.randrange(1 << 30)
        flips = rng.choice([1, 1, 2, 8, 64])

        def flip(data, seed=seed, flips=flips):
            local = random.Random(seed)
            out = bytearray(data)
            for _ in range(flips):
                out[local.randrange(len(out))] ^= 1 << local.randrange(8)
            return bytes(out)
        cases.append(Case(f"bitfehler-{number:02d}-{flips}", "Bitfehler", flip))
    return cases


ENTITIES = {
    "extern": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "lachen": (b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
               b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'),
    "doctype": b"<!DOCTYPE worksheet>",
}


def _entity_cases(names: list[str]) -> list[Case]:
    cases = []
    for name in names:
        for label, doctype in ENTITIES.items():
            def make(data, name=name, doctype=doctype, label=label):
                parts = parts_of(data)
                xml = re.sub(rb"^<\?xml[^>]*\?>", b"", parts[name]).lstrip()
                if label != "doctype":
                    # the entity used in the document, as an attack would
                    xml = re.sub(rb"(<[A-Za-z][^>]*?)(/?>)", rb'\1 title="&e;"\2'
                                 if label == "extern" else rb'\1 title="&c;"\2', xml, count=1)
                parts[name] = b'<?xml version="1.0" encoding="UTF-8"?>' + doctype + xml
                return zip_of(parts)
            cases.append(Case(f"entitaet-{label}-{name}", "Entitäten", make))
    return cases


def _malformed_cases(names: list[str]) -> list[Case]:
    """XML that is not well-formed under a fitting CRC (a program's bug, not a disk's)."""
    cases = []
    for name in names:
        def unclosed(data, name=name):
            parts = parts_of(data)
            parts[name] = parts[name].rstrip()[:-3]          # the last end tag cut
            return zip_of(parts)

        def stray(data, name=name):
            parts = parts_of(data)
            xml = parts[name]
            middle = xml.find(b">", len(xml) // 2) + 1
            parts[name] = xml[:middle] + b"<&kaputt" + xml[middle:]
            return zip_of(parts)
        cases += [Case(f"unvollstaendig-{name}", "Kaputtes XML", unclosed),
                  Case(f"fremdzeichen-{name}", "Kaputtes XML", stray)]
    return cases


def _dimension_cases() -> list[Case]:
    def dimension(ref):
        def make(data):
            parts = parts_of(data)
            part = sheet_parts(parts)["Rechnungen"]
            xml = re.sub(rb"<dimension [^>]*/>", b"", parts[part])
            parts[part] = xml.replace(b"<sheetViews>", f'<dimension ref="{ref}"/><sheetViews>'
                                      .encode(), 1)
            return zip_of(parts)
        return make

    def far_cell(sheet, ref, dimension_ref=None):
        def make(data):
            parts = parts_of(data)
            part = sheet_parts(parts)[sheet]
            xml = set_cell(parts[part], ref, {"t": INLINE}, "<is><t>weit weg</t></is>")
            if dimension_ref:
                xml = re.sub(rb"<dimension [^>]*/>", b"", xml)
                xml = xml.replace(b"<sheetViews>", f'<dimension ref="{dimension_ref}"/>'
                                  f"<sheetViews>".encode(), 1)
            parts[part] = xml
            return zip_of(parts)
        return make

    def many_rows(data):
        parts = parts_of(data)
        part = sheet_parts(parts)["Start"]
        rows = b"".join(b'<row r="%d"/>' % n for n in range(100, 200000))
        parts[part] = parts[part].replace(b"</sheetData>", rows + b"</sheetData>", 1)
        return zip_of(parts)

    def wide_cols(data):
        parts = parts_of(data)
        part = sheet_parts(parts)["Kunden"]
        parts[part] = re.sub(rb'max="(\d+)"', b'max="16384"', parts[part], count=1)
        return zip_of(parts)

    return [Case("dimension-XFD1048576", "Dimensionen", dimension("A1:XFD1048576")),
            Case("dimension-kaputt", "Dimensionen", dimension("A1:ZZZZ0")),
            Case("dimension-leer", "Dimensionen", dimension("")),
            Case("zelle-XFD1048576", "Dimensionen",
                 far_cell("Rechnungen", "XFD1048576", "A1:XFD1048576")),
            Case("zelle-XFD1-start", "Dimensionen", far_cell("Start", "XFD1")),
            Case("zelle-A1048576-start", "Dimensionen", far_cell("Start", "A1048576")),
            Case("zelle-A1048576-termine", "Dimensionen", far_cell("Termine", "A1048576")),
            Case("zelle-Z1048576-kunden", "Dimensionen", far_cell("Kunden", "Z1048576")),
            Case("leere-zeilen", "Dimensionen", many_rows),
            Case("breite-spalten", "Dimensionen", wide_cols)]


def _odd_xml_cases() -> list[Case]:
    def on_sheets(change):
        def make(data):
            parts = parts_of(data)
            for part in sheet_parts(parts).values():
                parts[part] = change(parts[part])
            return zip_of(parts)
        return make

    def prefixed(xml):
        root = etree.fromstring(xml)
        # the same document with the main namespace under a prefix (valid XML, as
        # some generators write it)
        text = etree.tostring(root).decode()
        text = re.sub(r'xmlns="%s"' % re.escape(MAIN), f'xmlns:x="{MAIN}"', text, count=1)
        text = re.sub(r"<(/?)(?![a-zA-Z]+:)([a-zA-Z]+)", r"<\1x:\2", text)
        return text.encode()

    def no_refs(xml):
        return re.sub(rb' r="[A-Z]+\d+"', b"", xml)

    def no_row_numbers(xml):
        return re.sub(rb'<row r="\d+"', b"<row", xml)

    def utf16(xml):
        text = re.sub(r"^<\?xml[^>]*\?>", "", xml.decode("utf-8"))
        return ('<?xml version="1.0" encoding="UTF-16"?>' + text).encode("utf-16")

    def bom(xml):
        return b"\xef\xbb\xbf" + xml

    def comments(xml):
        return xml.replace(b"<sheetData>", b"<!-- Kommentar --><?pi etwas?><sheetData>", 1) \
                  .replace(b"</row>", b"<!-- z --></row>")

    def whitespace(xml):
        return xml.replace(b"><", b">\n  <")

    def cdata(xml):
        return re.sub(rb"<t>([^<]{1,40})</t>", rb"<t><![CDATA[\1]]></t>", xml)

    def single_quotes(xml):
        return re.sub(rb'(\s[a-zA-Z:]+)="([^"<>\']*)"', rb"\1='\2'", xml)

    def entities(xml):
        return xml.replace(b"K-00", b"K&#45;00").replace(b"2026", b"&#x32;026")

    def preserve_space(xml):
        return xml.replace(b"<t>", b'<t xml:space="preserve">  ')

    return [Case(f"xml-{name}", "Ungewöhnliches XML", on_sheets(change)) for name, change in (
        ("praefix", prefixed), ("ohne-zellbezuege", no_refs),
        ("ohne-zeilennummern", no_row_numbers), ("utf16", utf16), ("bom", bom),
        ("kommentare", comments), ("leerraum", whitespace), ("cdata", cdata),
        ("einfache-anfuehrung", single_quotes), ("zeichenreferenzen", entities),
        ("leerzeichen-vorn", preserve_space))]


def _style_cases() -> list[Case]:
    def styles(change):
        def make(data):
            parts = parts_of(data)
            parts["xl/styles.xml"] = change(parts["xl/styles.xml"])
            return zip_of(parts)
        return make

    def short_xfs(xml):
        return re.sub(rb"<cellXfs[^>]*>.*?</cellXfs>",
                      b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
                      b'borderId="0" xfId="0"/></cellXfs>', xml, flags=re.S)

    def no_xfs(xml):
        return re.sub(rb"<cellXfs[^>]*>.*?</cellXfs>", b"", xml, flags=re.S)

    def no_fonts(xml):
        return re.sub(rb"<fonts[^>]*>.*?</fonts>", b"", xml, flags=re.S)

    def odd_numfmt(xml):
        return re.sub(rb'formatCode="[^"]*"', b'formatCode="[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy"',
                      xml)

    def wrong_counts(xml):
        return re.sub(rb'count="\d+"', b'count="999"', xml)

    def empty(xml):
        return f'<styleSheet xmlns="{MAIN}"/>'.encode()

    return [Case(f"stile-{name}", "Formatvorlagen", styles(change)) for name, change in (
        ("kurz", short_xfs), ("ohne-xfs", no_xfs), ("ohne-schriften", no_fonts),
        ("zahlformat", odd_numfmt), ("falsche-anzahl", wrong_counts), ("leer", empty))]


def _zip_cases() -> list[Case]:
    def duplicate(data):
        parts = parts_of(data)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name, part in parts.items():
                package.writestr(name, part)
            package.writestr("xl/workbook.xml", parts["xl/workbook.xml"])
        return out.getvalue()

    def stored(data):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
            for name, part in parts_of(data).items():
                package.writestr(name, part)
        return out.getvalue()

    def with_folders(data):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for folder in ("xl/", "xl/worksheets/", "_rels/"):
                package.writestr(folder, b"")
            for name, part in parts_of(data).items():
                package.writestr(name, part)
        return out.getvalue()

    def traversal(data):
        parts = parts_of(data)
        parts["../../ausbruch.txt"] = b"nicht auspacken"
        return zip_of(parts)

    def comment(data):
        out = io.BytesIO(data)
        with zipfile.ZipFile(out, "a") as package:
            package.comment = b"Kommentar " * 100
        return out.getvalue()

    def prefix(data):
        return b"Vorspann" * 100 + data

    def trailing(data):
        return data + b"\x00" * 5000

    def zip64(data):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as package:
            for name, part in parts_of(data).items():
                with package.open(name, "w", force_zip64=True) as entry:
                    entry.write(part)
        return out.getvalue()

    def extra_parts(data):
        parts = parts_of(data)
        parts["customXml/item1.xml"] = b"<root>x</root>"
        parts["xl/media/image1.png"] = b"\x89PNG\r\n\x1a\n" + bytes(100)
        return zip_of(parts)

    def bad_crc(data):
        # The CRC of a part kundenbuch copies unchanged (the theme) no longer fits.
        parts = parts_of(data)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
            for name, part in parts.items():
                package.writestr(name, part)
        raw = bytearray(out.getvalue())
        with zipfile.ZipFile(io.BytesIO(bytes(raw))) as package:
            info = package.getinfo("xl/theme/theme1.xml")
        crc = info.CRC.to_bytes(4, "little")
        wrong = (info.CRC ^ 0xFFFF).to_bytes(4, "little")
        return bytes(raw).replace(crc, wrong)

    return [Case(f"zip-{name}", "Zip", make) for name, make in (
        ("doppelt", duplicate), ("unkomprimiert", stored), ("ordner", with_folders),
        ("ausbruch", traversal), ("kommentar", comment), ("vorspann", prefix),
        ("nullen-hinten", trailing), ("zip64", zip64), ("fremde-teile", extra_parts),
        ("crc", bad_crc))]


def cases(part_names: list[str], xml_part_names: list[str]) -> list[Case]:
    """Every case, in a fixed order; part_names are the base book's zip entries."""
    rng = random.Random(SEED)
    everything = (_cell_cases(rng, 190) + _setting_cases(rng, 45) + _part_cases(part_names)
                  + _header_cases(rng) + _merged_cases(rng, 20) + _format_cases(rng)
                  + _entity_cases(xml_part_names) + _malformed_cases(xml_part_names)
                  + _dimension_cases() + _odd_xml_cases()
                  + _style_cases() + _zip_cases())
    names = [case.name for case in everything]
    assert len(names) == len(set(names)), "two cases share a name"
    return everything


if __name__ == "__main__":      # make one case again: torture.py NAME BASE.xlsx OUT.xlsx
    name, base, target = sys.argv[1:4]
    data = open(base, "rb").read()
    parts = sorted(parts_of(data))
    case = next(c for c in cases(parts, [p for p in parts if p.endswith((".xml", ".rels"))])
                if c.name == name)
    open(target, "wb").write(case.make(data))
