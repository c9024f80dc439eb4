"""Read the workbook into typed records that remember their cell.

Values come from python-calamine (fast); table locations and error cells from the
package XML, which calamine does not expose.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import math
import os
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import python_calamine
from lxml import etree

from ..checks.findings import FEHLER, HINWEIS, WARNUNG, Finding
from . import schema
from .convert import choice_lookup, convert, converter, is_empty, money_parts, serial_date
from .extent import too_large
from .grid_fallback import read_grid
from .invoice_lines import complete_invoices
from .lock_register import read_register
from .ooxml import DAMAGED, M, Package, TableInfo, UnreadableWorkbook, open_package
from .records import NO_RAW_VALUES, BaseRate, Record, Settings, column_letter, split_cell
from .zipentries import read_entry


@dataclass(frozen=True)
class Fingerprint:
    """What the file looked like when it was read, to notice later changes."""
    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> "Fingerprint":
        stat = path.stat()
        return cls(stat.st_size, stat.st_mtime_ns,
                   hashlib.sha256(path.read_bytes()).hexdigest())


@dataclass(frozen=True)
class TableLocation:
    sheet: str
    header_row: int
    last_row: int                 # last data row (the header row when there is none)
    columns: dict                 # field -> 1-based column index
    extra_columns: dict = field(default_factory=dict)  # user header -> column index
    # The table's last row as the file has it: less than last_row where rows typed
    # directly below the table were taken in (the write extends the table to them).
    table_last_row: int | None = None
    # The first row below the table holding something (rows appended stop there).
    occupied_below: int | None = None

    @property
    def grown(self) -> bool:
        return self.table_last_row is not None and self.last_row > self.table_last_row


@dataclass
class Book:
    path: Path
    package: Package
    fingerprint: Fingerprint
    records: dict                 # table name -> list[Record]
    locations: dict               # table name -> TableLocation
    settings: Settings
    base_rates: list
    read_findings: list           # structure and type problems found while reading
    error_cells: list             # (sheet, cell, error text)
    # the Festschreibung register's copy beside the backups (book/lock_register.py)
    lock_register: dict | None = None

    @property
    def kunden(self) -> list[Record]:
        return self.records.get(schema.KUNDEN.table, [])

    @property
    def rechnungen(self) -> list[Record]:
        return self.records.get(schema.RECHNUNGEN.table, [])

    @property
    def termine(self) -> list[Record]:
        return self.records.get(schema.TERMINE.table, [])

    @property
    def stufen(self) -> list[Record]:
        return self.records.get(schema.STUFEN_TABELLE.table, [])

    @property
    def positionen(self) -> list[Record]:
        return self.records.get(schema.POSITIONEN.table, [])

    @property
    def abos(self) -> list[Record]:
        return self.records.get(schema.ABOS.table, [])

    @property
    def angebote(self) -> list[Record]:
        return self.records.get(schema.ANGEBOTE.table, [])

    @property
    def kontakte(self) -> list[Record]:
        return self.records.get(schema.KONTAKTE.table, [])

    @property
    def zahlungen(self) -> list[Record] | None:
        """The payments, or None in a book without the Zahlungen table (its Rechnungen
        keep Bezahlt am and Bezahlt Betrag as typed)."""
        return self.records.get(schema.ZAHLUNGEN.table)


READING_STEP = "Mappe lesen"


def read_book(path, allow_empty: bool = False, refuse_settings: bool = True,
              progress=None) -> Book:
    """Read the workbook; an empty one is refused unless allow_empty (for writer tests
    on foreign files). A setting every date depends on that cannot be used (a day count
    out of its range, an unknown Bundesland) is refused too, unless refuse_settings is
    false: `pruefen` lists it as a Fehler among all the others. progress(label, done,
    total) hears of each table read."""
    path = Path(path)
    package = open_package(path)
    fingerprint = Fingerprint.of(path)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except BaseException as exc:  # calamine's own types, plain ones, Rust panics
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise UnreadableWorkbook(
            f"Die Datei {path.name} kann nicht gelesen werden: {exc}") from exc
    with _SheetGrids(workbook, path, package) as grids:
        grids.prefetch([spec.sheet for spec in schema.ALL_TABLES])
        # Error cells need the sheet XML itself: the sheets read for their tables are
        # searched when they are read (their XML is at hand then), the others here,
        # while records are made.
        errors = grids.submit(_error_cells, path, package, set(grids.pending))
        book = build_book(path, package, fingerprint, grids, allow_empty, refuse_settings,
                          progress)
        try:
            book.error_cells = _in_sheet_order(package, errors.result(),
                                               grids.error_cells())
        except DAMAGED as exc:
            raise UnreadableWorkbook(f"Die Datei {path.name} ist beschädigt und kann "
                                     f"nicht gelesen werden ({type(exc).__name__}).") from exc
    return book


def _in_sheet_order(package, *found: list) -> list:
    order = {sheet.name: index for index, sheet in enumerate(package.sheets)}
    return sorted((cell for cells in found for cell in cells), key=lambda c: order[c[0]])


def build_book(path, package, fingerprint, grids, allow_empty=False,
               refuse_settings=True, progress=None) -> Book:
    """Records from sheet grids: shared by the file reader and the live Excel reader."""
    found_in = {spec.table: [] for spec in schema.ALL_TABLES}
    read = {}
    for done, spec in enumerate(grids.conversion_order(schema.ALL_TABLES), start=1):
        read[spec.table] = _read_table(spec, package, grids, found_in[spec.table])
        if progress:
            progress(READING_STEP, done, len(schema.ALL_TABLES))
    # Results in the schema's order, whatever order the sheets were converted in.
    findings: list[Finding] = [f for spec in schema.ALL_TABLES for f in found_in[spec.table]]
    records, locations = {}, {}
    for spec in schema.ALL_TABLES:
        if read[spec.table] is not None:
            locations[spec.table], records[spec.table] = read[spec.table]
    if not locations and not allow_empty and grids.all_empty(package):
        raise UnreadableWorkbook(f"Die Arbeitsmappe {Path(path).name} ist leer. "
                                 "Eine neue legt „kundenbuch neu“ an.")
    unusable: list[Finding] = []
    settings = _settings(records.pop(schema.EINSTELLUNGEN.table, []), findings, unusable)
    if unusable and refuse_settings:
        # Computing with a default in its place would write wrong due dates for good.
        raise UnreadableWorkbook(" ".join(f.message.replace(":", f" ({f.address}):", 1)
                                          for f in unusable)
                                 + " Bitte korrigieren; die Mappe bleibt unverändert.")
    if schema.POSITIONEN.table in records:
        complete_invoices(records.get(schema.RECHNUNGEN.table, []),
                          records[schema.POSITIONEN.table])
        complete_invoices(records.get(schema.ANGEBOTE.table, []),
                          records[schema.POSITIONEN.table], "angebotsnr")
    base_rates = sorted((BaseRate(r["gueltig_ab"], Decimal(str(r["prozent"])))
                         for r in records.pop(schema.BASISZINS.table, [])
                         if r["gueltig_ab"] and r["prozent"] is not None),
                        key=lambda rate: rate.valid_from)
    return Book(Path(path), package, fingerprint, records, locations, settings, base_rates,
                findings, [], read_register(path))


class GivenGrids:
    """Sheet grids that are already there (read from the open workbook by xlwings)."""

    def __init__(self, grids: dict):
        self.grids, self.raw_numbers = grids, set()

    def get(self, sheet: str):
        return self.grids.get(sheet, ([], []))

    def conversion_order(self, specs):
        return specs

    def all_empty(self, package) -> bool:
        return not any(v not in (None, "") for grid, _ in self.grids.values()
                       for row in grid for v in row)


@contextlib.contextmanager
def _rust_panics_silenced():
    """A calamine panic prints a Rust backtrace on stderr although we recover from it
    (see _SheetGrids._fallback); users should not see that."""
    try:
        saved = os.dup(2)
    except OSError:            # no real stderr (e.g. inside Excel): nothing to silence
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


class _SheetGrids:
    """Each sheet read once, as a grid anchored at A1. python-calamine releases the GIL
    while it parses, so sheets are read in two threads (each with its own workbook
    handle) while the main thread converts the sheets already there."""

    def __init__(self, workbook, path, package):
        self.workbook, self.path, self.package = workbook, path, package
        self.cache, self.raw_numbers, self.pending = {}, set(), {}
        self.pool = None
        self.size_order = []

    def __enter__(self):
        self.silenced = _rust_panics_silenced()
        self.silenced.__enter__()
        return self

    def __exit__(self, *exc_info):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        self.silenced.__exit__(*exc_info)

    def submit(self, function, *args):
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=2)
        return self.pool.submit(function, *args)

    def prefetch(self, names) -> None:
        """The largest sheet goes to one thread at once; the other thread reads the
        rest, smallest first, so that the main thread can convert them meanwhile."""
        present = [self.package.sheet(n) for n in dict.fromkeys(names)]
        present = [s for s in present if s is not None]
        if len(present) > 1:
            with zipfile.ZipFile(self.path) as zf:
                sizes = {i.filename: i.file_size for i in zf.infolist()}
            by_size = sorted(present, key=lambda s: sizes.get(s.part, 0))
            self.size_order = [s.name for s in by_size]
            for sheet in [by_size[-1]] + by_size[:-1]:
                self.pending[sheet.name] = self.submit(_read_sheet, self.path, sheet.name,
                                                       sheet.part)

    def conversion_order(self, specs):
        """Tables whose sheets are read first (the smaller ones) are converted first."""
        rank = {name.casefold(): index for index, name in enumerate(self.size_order)}
        return sorted(specs, key=lambda spec: rank.get(spec.sheet.casefold(), -1))

    def error_cells(self) -> list:
        """The error cells of the sheets read for their tables (all of them by now)."""
        found = []
        for name in list(self.pending):
            self.get(name)
        for outcome in self.cache.values():
            found += outcome[2] if len(outcome) > 2 else []
        return found

    def get(self, sheet: str):
        if sheet not in self.cache:
            future = self.pending.pop(sheet, None)
            outcome = future.result() if future else _read_sheet(
                self.path, sheet, self.package.sheet(sheet).part, self.workbook)
            if isinstance(outcome, BaseException):
                if isinstance(outcome, (KeyboardInterrupt, SystemExit)):
                    raise outcome
                if isinstance(outcome, SheetTooLarge):
                    raise UnreadableWorkbook(
                        f"Das Blatt „{sheet}“ in {self.path.name} reicht bis zur Zelle "
                        f"{outcome.corner}: so viele Zellen kann kundenbuch nicht lesen. "
                        "Bitte in Excel oder LibreOffice auf diesem Blatt die Zeilen und "
                        "Spalten hinter den eigenen Daten löschen (Strg+Ende springt zur "
                        "letzten Zelle), speichern und noch einmal starten.")
                outcome = self._fallback(sheet, outcome)
            self.cache[sheet] = outcome
        return self.cache[sheet][:2]

    def _fallback(self, sheet, calamine_error):
        try:
            grid = read_grid(self.path, self.package.sheet(sheet).part)
        except DAMAGED as exc:
            raise UnreadableWorkbook(f"Das Blatt „{sheet}“ in {self.path.name} kann nicht "
                                     f"gelesen werden ({calamine_error}).") from exc
        self.raw_numbers.add(sheet)
        return grid

    def all_empty(self, package: Package) -> bool:
        return all(not any(not is_empty(v) for row in self.get(s.name)[0] for v in row)
                   for s in package.sheets)


class SheetTooLarge(Exception):
    def __init__(self, corner: str):
        super().__init__(corner)
        self.corner = corner


def _read_sheet(path, sheet, part, workbook=None):
    """(grid, merged ranges, error cells) of one sheet, or the exception calamine raised
    (a Rust panic is a BaseException), or SheetTooLarge before calamine would abort.
    The sheet's XML is decompressed once, for its extent and its error cells."""
    try:
        with zipfile.ZipFile(path) as zf:
            xml = read_entry(zf, part)
        corner = too_large(xml)
        if corner:
            return SheetTooLarge(corner)
        errors = _error_cells_in(sheet, xml)
        del xml
        workbook = workbook or python_calamine.CalamineWorkbook.from_path(str(path))
        data = workbook.get_sheet_by_name(sheet)
        return data.to_python(skip_empty_area=False), data.merged_cell_ranges or [], errors
    except BaseException as exc:
        return exc


def read_sheet_rows(path, sheet: str, headers) -> list[dict]:
    """The rows under the first row holding all `headers` of a sheet kundenbuch owns
    but where the user types in one column (Zahlungsabgleich): header -> value, with
    "_row" the sheet row; [] when the sheet is not there. Up to the first empty row."""
    package = open_package(Path(path))
    if package.sheet(sheet) is None:
        return []
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    grid = workbook.get_sheet_by_name(package.sheet(sheet).name).to_python(
        skip_empty_area=False)
    wanted = [schema.header_key(h) for h in headers]
    for top, line in enumerate(grid):
        keys = [schema.header_key(v) if not is_empty(v) else "" for v in line]
        if all(w in keys for w in wanted):
            columns = {h: keys.index(w) for h, w in zip(headers, wanted)}
            rows = []
            for number, values in enumerate(grid[top + 1:], start=top + 2):
                if all(is_empty(v) for v in values):
                    break
                rows.append({"_row": number, **{h: values[i] if i < len(values) else ""
                                                 for h, i in columns.items()}})
            return rows
    return []


def _cell(grid, row: int, col: int):
    """Value at 1-based row/col, '' outside the grid."""
    if row - 1 < len(grid) and col - 1 < len(grid[row - 1]):
        return grid[row - 1][col - 1]
    return ""


def _locate(spec, package, grid, findings):
    """Where the table's header row and data rows are, or None."""
    info: TableInfo | None = package.table(spec.table)
    if info is not None and info.sheet.casefold() == spec.sheet.casefold() and info.ref:
        first, _, last = info.ref.partition(":")
        top, left = split_cell(first)
        bottom, right = split_cell(last or first)
        return top, bottom - info.totals_rows, left, right, True
    if spec.owned:
        return None
    findings.append(Finding(WARNUNG, spec.sheet, "", f"Die Tabelle „{spec.table}“ fehlt "
                            "auf diesem Blatt; gelesen wird ab Zeile 1. Bitte die Daten als "
                            "Tabelle formatieren (Einfügen › Tabelle) und "
                            f"„{spec.table}“ nennen.", "struktur"))
    left = spec.first_column
    right = left
    while not is_empty(_cell(grid, 1, right + 1)):
        right += 1
    if is_empty(_cell(grid, 1, left)):
        return None
    bottom = len(grid)
    return 1, bottom, left, right, False


def _has_required_headers(spec, grid, top, left, right) -> bool:
    found = {schema.header_key(_cell(grid, top, col)) for col in range(left, right + 1)}
    return all(schema.header_key(c.header) in found for c in spec.columns if c.required)


def _read_table(spec, package, grids, findings):
    sheet_info = package.sheet(spec.sheet)
    if sheet_info is None:
        if not (spec.owned or spec.optional):
            findings.append(Finding(FEHLER, spec.sheet, "", f"Das Blatt „{spec.sheet}“ "
                                    "fehlt in der Arbeitsmappe.", "struktur"))
        return None
    grid, merged = grids.get(sheet_info.name)
    located = _locate(spec, package, grid, findings)
    if located is None:
        if not spec.owned:
            findings.append(Finding(FEHLER, sheet_info.name, "", f"Die Tabelle "
                                    f"„{spec.table}“ fehlt.", "struktur"))
        return None
    top, bottom, left, right, is_table = located
    if spec.optional and not is_table and not _has_required_headers(spec, grid, top, left,
                                                                     right):
        # the user's own sheet of that name, not kundenbuch's table: the book works as
        # one without the table (zahlungen einrichten asks to rename the sheet)
        findings[:] = [f for f in findings if f.sheet != sheet_info.name]
        findings.append(Finding(HINWEIS, sheet_info.name, "", f"Das Blatt „{sheet_info.name}“ "
                                f"enthält nicht die Tabelle „{spec.table}“ und bleibt "
                                "unberührt.", "struktur"))
        return None
    table_bottom = bottom
    if is_table and not spec.owned:
        bottom = _rows_typed_below(grid, bottom, left, right)
        if bottom > table_bottom:
            rows = (f"Zeile {bottom} unter der Tabelle „{spec.table}“ gehört"
                    if bottom == table_bottom + 1 else
                    f"Die Zeilen {table_bottom + 1} bis {bottom} unter der Tabelle "
                    f"„{spec.table}“ gehören")
            findings.append(Finding(HINWEIS, sheet_info.name, f"A{table_bottom + 1}",
                                    f"{rows} jetzt zur Tabelle; der nächste Lauf, der "
                                    "schreibt, erweitert sie.", "struktur"))
    _refuse_merged(merged, top, bottom, left, right, sheet_info.name, spec.table)
    headers = {}
    for col in range(left, right + 1):
        text = _cell(grid, top, col)
        if not is_empty(text):
            headers.setdefault(schema.header_key(text), col)
    columns, extra = {}, {}
    for column in spec.columns:
        index = headers.pop(schema.header_key(column.header), None)
        if index is None and column.optional:
            continue                # read as empty: the rules know what empty means
        if index is None:
            findings.append(Finding(FEHLER, sheet_info.name, f"{column_letter(left)}{top}",
                                    f"Die Spalte „{column.header}“ fehlt in der Tabelle "
                                    f"„{spec.table}“.", "struktur"))
        else:
            columns[column.field] = index
    for key, index in headers.items():
        extra[str(_cell(grid, top, index)).strip()] = index
    below = _warn_rows_below(grid, bottom, columns, sheet_info.name, spec, findings)
    location = TableLocation(sheet_info.name, top, bottom, columns, extra,
                             table_bottom if is_table else None, below)
    rows = _records(grid, top, bottom, spec, columns, sheet_info.name,
                    sheet_info.name in grids.raw_numbers, findings)
    return location, rows


def _records(grid, top, bottom, spec, columns, sheet, raw_numbers, findings):
    """The table's rows as Records. The hot loop of reading, so it goes column by
    column: the common cells (text, dates and amounts as calamine delivers them) are
    converted in one list comprehension per column; only the rest (empty, unusual or
    bad cells) takes the slow way through the converters."""
    lines = grid[top:min(bottom, len(grid))]
    present = [c for c in spec.columns if c.field in columns]
    missing = {c.field: None for c in spec.columns if c.field not in columns}
    names = [c.field for c in present]
    raw_columns, converted, problems = [], [], []
    # calamine's grids are rectangular: then zip transposes them in one go.
    rectangular = lines and len(lines[0]) == len(lines[-1]) == min(map(len, lines))
    transposed = list(zip(*lines)) if rectangular else None
    for position, column in enumerate(present):
        index = columns[column.field] - 1
        if transposed is not None:
            raw = transposed[index] if index < len(transposed) else ("",) * len(lines)
        else:
            raw = [line[index] if index < len(line) else "" for line in lines]
        values = _fast_column(column, raw, raw_numbers)
        for offset in [i for i, v in enumerate(values) if v is _SLOW]:
            value = raw[offset]
            if is_empty(value):
                values[offset] = None
                continue
            if raw_numbers:
                value = serial_date(column.kind, value)
            values[offset], problem = converter(column.kind)(value, column.choices)
            if problem:
                problems.append((offset, position, problem))
        raw_columns.append(raw)
        converted.append(values)
    keep_raw = spec is schema.EINSTELLUNGEN
    failed = {(offset, position) for offset, position, _ in problems}
    problem_rows = {offset for offset, _ in failed}
    records = []
    width = len(names)
    for offset, row_values in enumerate(zip(*converted)):
        if (row_values[0] is None and row_values.count(None) == width
                and offset not in problem_rows):
            continue                                    # an empty row inside the table
        values = dict(zip(names, row_values))
        if missing:
            values.update(missing)
        # Raw values are kept for the settings (typed per setting later), elsewhere only
        # where conversion failed, so that checks can tell a bad cell from an empty one.
        if keep_raw:
            raw = {name: raw_columns[p][offset] for p, name in enumerate(names)}
        elif offset in problem_rows:
            raw = {name: raw_columns[p][offset] for p, name in enumerate(names)
                   if row_values[p] is None and (offset, p) in failed}
        else:
            raw = NO_RAW_VALUES
        records.append(Record(sheet, top + 1 + offset, values, columns, raw))
    for offset, position, problem in sorted(problems, key=lambda p: p[:2]):
        column = present[position]
        severity = WARNUNG if converted[position][offset] is not None else FEHLER
        findings.append(Finding(severity, sheet, f"{column_letter(columns[column.field])}"
                                f"{top + 1 + offset}", f"{column.header}: {problem}.", "typ"))
    return records


_SLOW = object()          # a cell the column's fast way does not take


def _fast_money(value: float):
    money, more_decimals = money_parts(value)
    return _SLOW if more_decimals else money


def _fast_column(column, raw: list, raw_numbers: bool) -> list:
    """Converted values, with _SLOW where the converter must decide."""
    kind, slow = column.kind, _SLOW
    if kind == schema.TEXT:
        return [(v.strip() or None) if type(v) is str else slow for v in raw]
    if kind == schema.DATE and not raw_numbers:
        return [v if type(v) is date else None if v == "" else slow for v in raw]
    if kind == schema.MONEY:
        # Beyond 10^15 € a Decimal cannot be rounded to cents; the converter reports it.
        # Amounts with more than two decimals go the slow way too, for their Warnung.
        return [_fast_money(v) if type(v) is float and -1e15 < v < 1e15 else None if v == ""
                else slow for v in raw]
    if kind == schema.CHOICE:
        numeric, lookup = choice_lookup(tuple(column.choices))
        if numeric:
            numbers = {float(c): c for c in lookup.values()}     # e.g. USt 19.0 -> 19
            return [numbers.get(v, slow) if type(v) is float else None if v == "" else slow
                    for v in raw]
        return [lookup.get(v.casefold(), slow) if type(v) is str and v else
                None if v == "" else slow for v in raw]
    return [None if v == "" else slow for v in raw]


def _refuse_merged(merged, top, bottom, left, right, sheet, table):
    for (r0, c0), (r1, c1) in merged:
        if r0 + 1 <= bottom and r1 + 1 >= top and c0 + 1 <= right and c1 + 1 >= left:
            cell = f"{column_letter(c0 + 1)}{r0 + 1}:{column_letter(c1 + 1)}{r1 + 1}"
            raise UnreadableWorkbook(
                f"Im Blatt „{sheet}“ sind die Zellen {cell} verbunden; in der Tabelle "
                f"„{table}“ ist das nicht erlaubt. Bitte in Excel die Verbindung aufheben "
                "(Start › Verbinden und zentrieren).")


def _rows_typed_below(grid, bottom: int, left: int, right: int) -> int:
    """The last of the rows directly below a table that hold something in its columns
    (LibreOffice, unlike Excel, does not grow a table when a row is typed below it);
    up to the first empty row."""
    row = bottom
    while row < len(grid) and _holds_something(grid, row + 1, range(left, right + 1)):
        row += 1
    return row


def _holds_something(grid, row: int, columns) -> bool:
    return any(not is_empty(_cell(grid, row, column)) for column in columns)


def _warn_rows_below(grid, bottom, columns, sheet, spec, findings) -> int | None:
    """The first row below the table that holds something in its columns (None:
    nothing there), named in a Warnung."""
    for row in range(bottom + 1, len(grid) + 1):
        if _holds_something(grid, row, columns.values()):
            findings.append(Finding(WARNUNG, sheet, f"A{row}", f"Zeile {row} steht unterhalb "
                                    f"der Tabelle „{spec.table}“ und wird nicht gelesen. "
                                    "Bitte die Tabelle erweitern.", "struktur"))
            return row
    return None


def _settings(rows: list[Record], findings, unusable) -> Settings:
    """The settings with their defaults. Settings every date depends on that cannot be
    used go to `unusable` (and `findings`) as Fehler; their default stands in."""
    values = {s.field: s.default for s in schema.SETTINGS}
    cells = {}
    for record in rows:
        key = schema.header_key(record["einstellung"] or "")
        setting = schema.SETTINGS_BY_NAME.get(key)
        if setting is None:
            values[key] = record.raw.get("wert")     # the user's own settings stay
            cells[key] = record.cell("einstellung")
            continue
        cells[setting.field] = record.cell("wert") if record.has_column("wert") else ""
        raw = record.raw.get("wert")
        whole = (raw if isinstance(raw, (int, float)) and not isinstance(raw, bool)
                 and math.isfinite(raw) and float(raw).is_integer() else None)
        if setting.kind == schema.INT and whole is not None and not (
                setting.limits[0] <= whole <= setting.limits[1]):
            _unusable(findings, unusable, record, cells[setting.field],
                      f"Einstellung {setting.name}: {whole:.15g} geht nicht; erlaubt sind "
                      f"{setting.limits[0]} bis {setting.limits[1]}.")
            continue
        if setting.field == "bundesland":
            raw = schema.bundesland_code(raw)
        value, problem = convert(setting.kind, raw, setting.choices)
        if problem and setting.field == "bundesland":
            # Every due date and tax date depends on the Land's holidays.
            _unusable(findings, unusable, record, cells[setting.field],
                      f"Einstellung Bundesland: {problem} (oder der volle Name, z. B. "
                      "Bayern).")
            continue
        if problem:
            severity = WARNUNG if value is not None else FEHLER
            findings.append(Finding(severity, record.sheet, cells[setting.field],
                                    f"Einstellung {setting.name}: {problem}.", "typ"))
        if value is not None:
            values[setting.field] = value
        elif not problem:
            values[setting.field] = None if setting.kind != schema.YESNO else setting.default
    return Settings(values, cells)


def _unusable(findings, unusable, record, cell, message) -> None:
    finding = Finding(FEHLER, record.sheet, cell, message, "einstellung")
    findings.append(finding)
    unusable.append(finding)


def _error_cells(path: Path, package: Package, searched: set) -> list[tuple[str, str, str]]:
    """Cells holding Excel error values (#DIV/0!, #REF! …), which calamine reads as '',
    in the sheets not searched while read; the sheets the program writes itself hold
    none."""
    found = []
    owned = set(schema.OWNED_SHEETS)
    with zipfile.ZipFile(path) as zf:
        for sheet in package.sheets:
            if (sheet.part not in package.parts or sheet.name in owned
                    or sheet.name in searched):
                continue
            found += _error_cells_in(sheet.name, read_entry(zf, sheet.part))
    return found


def _error_cells_in(sheet: str, data: bytes) -> list[tuple[str, str, str]]:
    if b't="e"' not in data and b"t='e'" not in data:
        return []              # cheap pre-filter; the parse below decides
    found = []
    for _, cell in etree.iterparse(io.BytesIO(data), tag=M + "c"):
        if cell.get("t") == "e":
            found.append((sheet, cell.get("r", ""), cell.findtext(M + "v") or "#FEHLER"))
        cell.clear()
    return found
