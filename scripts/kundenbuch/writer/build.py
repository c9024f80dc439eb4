"""Turn a plan into the set of changed package parts (nothing is written here)."""
from __future__ import annotations

import posixpath
import zipfile
import zlib
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial

from ..book import schema
from ..book.ooxml import NS_REL, read_rels, rels_path
from ..book.zipentries import deflated, read_entry
from ..runs.plan import CellWrite, Plan
from .cells import PatchRefused, patch_scanned, scan_sheet
from .charts import CT_CHART, CT_DRAWING, chart_parts
from .package_edit import (add_sheet, extend_table, new_part_name, owned_dependents,
                           set_content_types, sheet_drawing_rels)
from . import new_table
from .report import build_report_sheet
from .styles import StyleBook, StyleError, uses_style_beyond

REL_STYLES = NS_REL + "/styles"


@dataclass
class Patch:
    parts: dict = field(default_factory=dict)        # part -> new bytes
    removed: set = field(default_factory=set)
    cells: dict = field(default_factory=dict)        # sheet part -> row -> col -> value
    owned_parts: set = field(default_factory=set)    # report sheets, whole
    # data sheet part -> the bytes judged as soon as it was patched (its original let
    # go then), and what was found wrong with them
    judged: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    # data sheets with cells whose format index lies beyond the book's list of formats
    styles_beyond: list = field(default_factory=list)
    # part -> (its bytes, future of zipentries.Deflated): sheet parts compressed in a
    # second thread as soon as they are built; see writer._write_temporary.
    compressing: dict = field(default_factory=dict)
    compress: object = field(kw_only=True)           # bytes -> future

    def built(self, part: str) -> None:
        """A sheet part is final: its compression may begin."""
        data = self.parts[part]
        self.compressing[part] = data, self.compress(data)

    def deflated(self, part: str, data: bytes):
        """The compressed form of data if it was compressed beforehand, else None."""
        ready = self.compressing.get(part)
        return ready[1].result() if ready is not None and ready[0] is data else None

    def crc(self, part: str) -> int:
        """CRC-32 of the part's bytes, taken from its compression if that was of these
        very bytes."""
        data = self.parts[part]
        packed = self.deflated(part, data)
        return packed.crc if packed is not None else zlib.crc32(data)

    def judged_as_built(self, part: str) -> bool:
        """Whether the part is a data sheet judged when it was patched, and unchanged
        since."""
        return part in self.judged and self.judged[part] is self.parts[part]

    def drop(self, part: str) -> None:
        """A part that came out as it was is not written."""
        del self.parts[part]
        self.compressing.pop(part, None)

    def drop_unchanged(self, zf: zipfile.ZipFile) -> None:
        """Parts that came out as they were are not written. The stored size is
        compared first: a part of another size is not read back. (A data sheet that
        came out unchanged was dropped when it was judged.)"""
        sizes = {info.filename: info.file_size for info in zf.infolist()}
        for part in list(self.parts):
            data = self.parts[part]
            if (not self.judged_as_built(part) and sizes.get(part) == len(data)
                    and read_entry(zf, part) == data):
                self.drop(part)


def build_patch(book, plan: Plan, judge, background) -> Patch:
    """judge(part, old, new, written, scan) -> problems: called for each data sheet as
    soon as it is patched, so that its original need not be kept until all parts are
    built (a large sheet's original, new version and scan together take hundreds of
    MB). background: function, *args -> future, a second thread that compresses each
    sheet part while the next ones are built (zlib lets go of the GIL)."""
    package = book.package
    patch = Patch(compress=partial(background, deflated))
    with zipfile.ZipFile(book.path) as zf:
        names = set(zf.namelist())
        # The largest data sheet to patch is decompressed there meanwhile.
        originals = _largest_data_sheet_read(book, plan, zf, background)

        def original(part):
            return read_entry(zf, part) if part in names else None

        def current(part):
            return patch.parts.get(part) or original(part)

        styles_part = next((t for _, typ, t, _ in read_rels(zf, package.workbook_part)
                            if typ == REL_STYLES), None)
        try:
            styles = _style_book(original(styles_part) if styles_part else None,
                                 styles_part)
            appended = _append_writes(book, plan, patch, current)
            appended += _new_column_writes(book, plan, patch, current)
            by_sheet = _by_sheet(book, plan.cells, appended)
            for sheet_name, by_row in by_sheet.items():
                sheet = package.sheet(sheet_name)
                headers = frozenset(loc.header_row for loc in book.locations.values()
                                    if loc.sheet == sheet.name)
                _patch_and_judge(patch, originals.pop(sheet.part, zf), sheet, by_row,
                                 styles, headers, judge)
            for report in plan.sheets:
                _report(book, report, styles, patch, current, original)
            for table in plan.new_tables:
                _new_table(book, table, styles, patch, current)
            # Only now is it known which removed parts are written anew under the same
            # name (a rels part another program listed in the content types, say).
            patch.removed -= set(patch.parts)
            if patch.removed:
                set_content_types(patch.parts, current, {}, patch.removed)
            if styles.xfs_appended:
                _refuse_styles_beyond(book, patch, styles, original)
            if styles.changed:
                patch.parts[styles_part] = styles.to_bytes()
        except StyleError as exc:
            raise PatchRefused(f"Die Formatvorlagen der Datei sind unvollständig ({exc}); "
                               "kundenbuch ändert die Datei nicht.") from exc
        patch.drop_unchanged(zf)
    return patch


def _style_book(data: bytes | None, part: str | None) -> StyleBook:
    """The workbook's styles; a part that is not well-formed XML stops the write with a
    German message (the torture suite found it as a traceback)."""
    from lxml import etree
    try:
        return StyleBook(data)
    except etree.XMLSyntaxError as exc:
        detail = str(exc.msg).split(", line ")[0]
        raise PatchRefused(f"Die Formatvorlagen der Datei ({part}) sind beschädigt "
                           f"(XML-Fehler in Zeile {exc.lineno}, Spalte {exc.position[1]}: "
                           f"{detail}). "
                           "Bitte die Mappe in Excel oder LibreOffice öffnen und neu "
                           "speichern; kundenbuch ändert die Datei nicht.") from exc


def _largest_data_sheet_read(book, plan, zf, background) -> dict:
    """part -> future of its bytes, for the largest sheet the plan writes to."""
    sheets = [book.package.sheet(name) for name in {write.sheet for write in plan.cells}]
    parts = [sheet.part for sheet in sheets if sheet is not None]
    sizes = {info.filename: info.file_size for info in zf.infolist()}
    largest = max((part for part in parts if part in sizes), key=sizes.get, default=None)
    return {} if largest is None else {largest: background(read_entry, zf, largest)}


def _patch_and_judge(patch: Patch, source, sheet, by_row, styles, headers,
                     judge) -> None:
    """One data sheet patched, then judged while it is compressed. source: the
    package, or the future of the sheet's bytes read beforehand. (A function of its
    own: the original and its scan are let go when it returns.)"""
    old = (source.result() if isinstance(source, Future) else
           read_entry(source, sheet.part))
    if uses_style_beyond(old, styles.xf_count):
        patch.styles_beyond.append(sheet.name)
    layout = scan_sheet(old, sheet.name)
    new = patch.parts[sheet.part] = patch_scanned(old, layout, by_row, styles,
                                                  sheet.name, headers)
    patch.cells[sheet.part] = by_row
    if new == old:
        patch.drop(sheet.part)                # nothing to write
        return
    patch.built(sheet.part)
    patch.problems += judge(sheet.part, old, new, by_row, layout)
    patch.judged[sheet.part] = new


def _refuse_styles_beyond(book, patch, styles, original) -> None:
    """Formats appended to a style list that is shorter than the cells using it would
    give those cells the new formats (a number shown, and read again, as a time)."""
    beyond = list(patch.styles_beyond)
    for sheet in book.package.sheets:
        if (sheet.part not in patch.cells and sheet.name not in schema.OWNED_SHEETS
                and sheet.part in book.package.parts
                and uses_style_beyond(original(sheet.part), styles.xf_count)):
            beyond.append(sheet.name)
    if beyond:
        raise PatchRefused(
            f"Das Blatt „{beyond[0]}“ verwendet Zellformate, die in der Formatliste der "
            f"Datei (xl/styles.xml, {styles.xf_count} Formate) fehlen; die Datei ist "
            "beschädigt. Neue Formate bekämen dort eine falsche Bedeutung. Bitte die Datei "
            "in Excel oder LibreOffice öffnen und neu speichern (das repariert die Liste).")


def _report(book, report, styles, patch, current, original):
    if report.name not in schema.OWNED_SHEETS:
        raise PatchRefused(f"„{report.name}“ ist kein Blatt, das kundenbuch gehört.")
    sheet = book.package.sheet(report.name)
    if sheet is not None and sheet.name != report.name:
        # Excel's sheet names ignore case: this is the user's own sheet, not ours.
        raise PatchRefused(f"Das Blatt „{sheet.name}“ heißt fast wie das Blatt "
                           f"„{report.name}“, das kundenbuch bei jedem Lauf neu schreibt. "
                           "Bitte Ihr Blatt umbenennen; kundenbuch überschreibt es nicht.")
    if sheet is None:
        part = new_part_name(_taken(book, patch), "xl/worksheets/sheet{}.xml")
        add_sheet(patch.parts, current, book.package.workbook_part, report.name, part)
    else:
        part = sheet.part
        # The old sheet's drawing and charts go with it; new ones are written below.
        patch.removed |= owned_dependents(part, original, book.package.parts)
    drawing_rel = None
    sheet_rels = rels_path(part)
    if report.charts:
        drawing_rel = "rId1"
        taken = _taken(book, patch)
        drawing = new_part_name(taken, "xl/drawings/drawing{}.xml")
        chart_names = []
        for _ in report.charts:
            chart_names.append(new_part_name(taken | set(chart_names),
                                             "xl/charts/chart{}.xml"))
        numbers = [int(name.rsplit("chart", 1)[1].split(".")[0]) for name in chart_names]
        drawing_xml, drawing_rels, charts = chart_parts(report, numbers)
        patch.parts[drawing] = drawing_xml
        patch.parts[rels_path(drawing)] = drawing_rels
        for chart_part, chart_xml in charts:
            patch.parts[chart_part] = chart_xml
        patch.parts[sheet_rels] = sheet_drawing_rels(part, drawing)
        set_content_types(patch.parts, current, {drawing: CT_DRAWING,
                                                 **{c: CT_CHART for c, _ in charts}},
                          set())
        patch.owned_parts |= {drawing, rels_path(drawing), *(c for c, _ in charts)}
    patch.parts[part] = build_report_sheet(report, styles, drawing_rel)
    patch.built(part)
    patch.owned_parts.add(part)
    if report.charts:
        patch.owned_parts.add(sheet_rels)


def _new_table(book, table, styles, patch, current) -> None:
    """A data sheet with its table at the end of the workbook (writer/new_table.py)."""
    spec = table.spec
    if book.package.sheet(spec.sheet) is not None:
        raise PatchRefused(f"Die Mappe hat schon ein Blatt „{spec.sheet}“; kundenbuch legt "
                           "es nicht noch einmal an.")
    if book.package.table(spec.table) is not None:
        raise PatchRefused(f"Die Mappe hat schon eine Tabelle „{spec.table}“.")
    taken = _taken(book, patch)
    part = new_part_name(taken, "xl/worksheets/sheet{}.xml")
    table_part_name = new_part_name(taken, "xl/tables/table{}.xml")
    add_sheet(patch.parts, current, book.package.workbook_part, spec.sheet, part)
    # ids of the book's tables and of those this write adds already (several at once)
    parts = {t.part for t in book.package.tables.values()} | {
        p for p in patch.parts if p.startswith("xl/tables/")}
    number = 1 + max([new_table.table_id(current(p)) for p in parts] + [0])
    patch.parts[table_part_name] = new_table.table_part(spec, number, len(table.rows))
    patch.parts[rels_path(part)] = new_table.sheet_table_rels(
        posixpath.relpath(table_part_name, posixpath.dirname(part)))
    set_content_types(patch.parts, current, {table_part_name: new_table.CT_TABLE}, set())
    patch.parts[part] = new_table.data_sheet(spec, table.rows, styles)
    patch.built(part)
    patch.owned_parts.add(part)


def _new_column_writes(book, plan, patch, current) -> list[CellWrite]:
    """A column added right of a table: the table part one column wider, the header
    cell and the values as writes (the run checked that the column was empty)."""
    writes = []
    for column in plan.new_columns:
        info = book.package.table(column.table)
        location = book.locations.get(column.table)
        if info is None or location is None:
            raise PatchRefused(f"Die Tabelle „{column.table}“ fehlt.")
        data = current(info.part)
        edge = new_table.right_edge(data) + 1
        patch.parts[info.part] = new_table.with_column(data, column.header)
        writes.append(CellWrite(location.sheet, location.header_row, edge, column.header))
        writes += [CellWrite(location.sheet, row, edge, value)
                   for row, value in column.values.items()]
    return writes


def _taken(book, patch) -> set:
    """Part names in use after this patch (removed ones are free again). A sheet's part
    counts even where the file lacks it: a new part under that name would take the
    sheet's place."""
    return ((set(book.package.parts) - patch.removed) | set(patch.parts)
            | {sheet.part for sheet in book.package.sheets})


def appended_cells(book, plan) -> tuple[list[CellWrite], dict]:
    """Where appended rows go: the cells to write and each table's new last row.
    Several appends to one table stack up. Shared by the file and the live writer."""
    writes = []
    # Rows the user typed directly below a table were read as its rows: it grows to them.
    last_rows = {name: location.last_row for name, location in book.locations.items()
                 if location.grown}
    rows_by_table = {}
    for append in plan.appends:
        rows_by_table.setdefault(append.table, []).extend(append.rows)
    for table_name, rows in rows_by_table.items():
        if not rows:
            continue
        spec = next(s for s in schema.ALL_TABLES if s.table == table_name)
        location = book.locations.get(spec.table)
        table = book.package.table(spec.table)
        if location is None or table is None:
            raise PatchRefused(f"Die Tabelle „{spec.table}“ fehlt im Blatt „{spec.sheet}“; "
                               "dorthin kann kundenbuch keine Zeilen anhängen.")
        if table.totals_rows:
            raise PatchRefused(f"Die Tabelle „{spec.table}“ hat eine Ergebniszeile; bitte "
                               "ausschalten (Tabellenentwurf › Ergebniszeile).")
        records = book.records.get(spec.table, [])
        next_row = max([r.row for r in records] + [location.header_row]) + 1
        blocked = location.occupied_below
        if blocked is not None and blocked <= next_row + len(rows) - 1:
            raise PatchRefused(f"Unter der Tabelle „{spec.table}“ steht in Zeile {blocked} "
                               f"des Blatts „{spec.sheet}“ etwas; dorthin hängt kundenbuch "
                               f"{len(rows)} Zeile(n) an und überschreibt nichts. Bitte "
                               "diese Zeile weiter nach unten verschieben.")
        for offset, values in enumerate(rows):
            for field_name, value in values.items():
                column = location.columns.get(field_name)
                if column is not None:
                    writes.append(CellWrite(location.sheet, next_row + offset, column, value))
        last = next_row + len(rows) - 1
        if last > location.last_row:
            last_rows[spec.table] = last
    return writes, last_rows


def _append_writes(book, plan, patch, current) -> list[CellWrite]:
    writes, last_rows = appended_cells(book, plan)
    for table_name, last in last_rows.items():
        part = book.package.table(table_name).part
        patch.parts[part] = extend_table(current(part), last)
    return writes


def _by_sheet(book, cells, appended) -> dict:
    """sheet -> row -> column -> value of all cells to write, in one pass that also
    makes sure the plan writes no input cell: only "out" columns inside their table
    (rows appended below a table are placed by _append_writes); an input cell only
    where the user asked a command to change it (CellWrite.requested), and still
    inside a data table."""
    areas = {}                # (sheet, out column) -> [(header row, last row)]
    requested = {}            # (sheet, any data column) -> [(header row, last row)]
    for spec in schema.DATA_TABLES + (schema.EINSTELLUNGEN,):
        location = book.locations.get(spec.table)
        if location is not None:
            out = {location.columns.get(c.field) for c in spec.columns
                   if c.out or c.fills_empty
                   or (c.out_with and c.out_with in book.locations)} - {None}
            for column in out:
                areas.setdefault((location.sheet, column), []).append(
                    (location.header_row, location.last_row))
            for column in location.columns.values():
                requested.setdefault((location.sheet, column), []).append(
                    (location.header_row, location.last_row))
    by_sheet = {}
    for write in cells:
        row = write.row
        allowed = requested if write.requested else areas
        for header, last in allowed.get((write.sheet, write.column), ()):
            if header < row <= last:
                break
        else:
            raise PatchRefused(f"Interner Fehler: {write.address} ist eine Eingabezelle; "
                               "kundenbuch schreibt nur in seine eigenen Spalten.")
        _put(by_sheet, write)
    for write in appended:
        _put(by_sheet, write)
    return by_sheet


def _put(by_sheet: dict, write: CellWrite) -> None:
    rows = by_sheet.get(write.sheet)
    if rows is None:
        rows = by_sheet[write.sheet] = {}
    row = rows.get(write.row)
    if row is None:
        row = rows[write.row] = {}
    row[write.column] = write.value
