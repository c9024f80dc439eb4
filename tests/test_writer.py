"""The safe writer: only the parts it must change, nothing the user had is lost."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
import zlib
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import python_calamine

from kundenbuch import writer
from kundenbuch.checks.findings import Finding
from kundenbuch.book.ooxml import UnreadableWorkbook
from kundenbuch.runs.plan import CellWrite, Plan, RowAppend, protocol_row
from kundenbuch.reports.check_report import report_sheet
from kundenbuch.book.reader import read_book
from kundenbuch.writer import WriteRefused, apply_plan

from conftest import (each_sample, libreoffice_csv, needs_libreoffice, needs_samples, sample_files,
                      sha256, soffice, zip_parts)

NOW = datetime(2026, 11, 23, 9, 0)
# Parts that list sheets and formats; everything else must stay byte-identical.
LISTING_PARTS = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                 "xl/styles.xml"}
TRICKY = "=HYPERLINK(\"http://example.org\") & Müller & Söhne <GmbH>"


def readable_samples():
    result = []
    for path in sample_files():
        try:
            read_book(path, allow_empty=True)
        except UnreadableWorkbook:
            continue
        result.append(path)
    return result


def calamine_values(path):
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in workbook.sheet_names}


def report_plan():
    findings = [Finding("Fehler", "Kunden", "C14", TRICKY, "test"),
                Finding("Hinweis", "", "", "ganze Mappe", "test")]
    return Plan(sheets=[report_sheet(findings, date(2026, 11, 23))])


def test_samples_are_there():
    needs_samples()
    assert len(readable_samples()) >= 6


@pytest.mark.parametrize("sample", each_sample(readable_samples()))
def test_owned_sheet_into_sample_changes_nothing_else(sample, tmp_path):
    path = tmp_path / sample.name
    shutil.copyfile(sample, path)     # a user's copy: writable, whatever the original
    before_parts, before_values = zip_parts(path), calamine_values(path)
    result = apply_plan(read_book(path, allow_empty=True), report_plan(), NOW)
    assert result.changed
    after_parts = zip_parts(path)
    for name, data in before_parts.items():
        if name not in LISTING_PARTS:
            assert after_parts[name] == data, f"{name} wurde verändert"
    added = set(after_parts) - set(before_parts)
    assert len(added) == 1 and added.pop().startswith("xl/worksheets/")
    # every sheet the user had reads the same, formula results included
    after_values = calamine_values(path)
    for name, grid in before_values.items():
        assert after_values[name] == grid
    assert after_values["Prüfbericht"][4][2] == TRICKY
    # openpyxl sees the report text as text, never as a formula
    book = openpyxl.load_workbook(path)
    cell = book["Prüfbericht"]["C5"]
    assert cell.value == TRICKY and cell.data_type == "s"
    assert book["Prüfbericht"]["B5"].hyperlink.location == "'Kunden'!C14"
    if sample.suffix == ".xlsm":
        assert after_parts["xl/vbaProject.bin"] == before_parts["xl/vbaProject.bin"]


@pytest.mark.parametrize("sample", each_sample(readable_samples()))
def test_sample_after_write_opens_in_libreoffice(sample, tmp_path):
    needs_libreoffice()
    path = tmp_path / sample.name
    shutil.copyfile(sample, path)     # a user's copy: writable, whatever the original
    before = libreoffice_csv(path, tmp_path / "vorher")
    apply_plan(read_book(path, allow_empty=True), report_plan(), NOW)
    after = libreoffice_csv(path, tmp_path / "nachher")
    for sheet, text in before.items():
        assert after[sheet] == text
    assert "Müller & Söhne <GmbH>" in after["Prüfbericht"]


def test_second_run_with_same_plan_changes_nothing(demo_path):
    apply_plan(read_book(demo_path), report_plan(), NOW)
    before = sha256(demo_path)
    result = apply_plan(read_book(demo_path), report_plan(), NOW)
    assert not result.changed and sha256(demo_path) == before


def test_out_cells_and_appended_rows(demo_path):
    book = read_book(demo_path)
    invoice = book.rechnungen[0]
    column = book.locations["Rechnungen"].columns["brutto"]
    plan = Plan(cells=[CellWrite("Rechnungen", invoice.row, column, Decimal("2856.00"))],
                appends=[RowAppend("Protokoll", [
                    protocol_row(NOW, "Test", stichtag=date(2026, 11, 23), details="eins"),
                    protocol_row(NOW, "Test", details="=zwei")])])
    before = zip_parts(demo_path)
    apply_plan(book, plan, NOW)
    after_book = read_book(demo_path)
    assert after_book.rechnungen[0]["brutto"] == Decimal("2856.00")
    assert [r["details"] for r in after_book.records["Protokoll"]] == ["eins", "=zwei"]
    assert after_book.package.table("Protokoll").ref == "A1:H3"
    wb = openpyxl.load_workbook(demo_path)
    assert wb["Protokoll"]["C2"].number_format == "DD.MM.YYYY"     # the template's style
    assert wb["Rechnungen"].cell(invoice.row, column).number_format == '#,##0.00 "€"'
    # Kunden, Termine and the others: byte-identical
    after = zip_parts(demo_path)
    changed = {n for n in before if before[n] != after.get(n)}
    package = book.package
    assert changed == {package.sheet("Rechnungen").part, package.sheet("Protokoll").part,
                       package.table("Protokoll").part}
    # all input cells of Rechnungen read the same
    for old, new in zip(book.rechnungen, after_book.rechnungen):
        assert {k: v for k, v in old.items() if k != "brutto"} == {
            k: v for k, v in new.items() if k != "brutto"}


def test_demo_saved_by_libreoffice_stays_lossless(demo_path, tmp_path):
    needs_libreoffice()
    outdir = tmp_path / "lo"
    subprocess.run([soffice(), f"-env:UserInstallation=file://{outdir}/profile",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(outdir),
                    str(demo_path)], check=True, capture_output=True, timeout=180)
    path = outdir / demo_path.name
    book = read_book(path)
    assert len(book.rechnungen) == 150
    before_parts, before_values = zip_parts(path), calamine_values(path)
    invoice = book.rechnungen[2]
    column = book.locations["Rechnungen"].columns["status"]
    plan = report_plan().extend(Plan(cells=[CellWrite("Rechnungen", invoice.row, column,
                                                      "bezahlt")]))
    apply_plan(book, plan, NOW)
    after_parts = zip_parts(path)
    rechnungen_part = book.package.sheet("Rechnungen").part
    for name, data in before_parts.items():
        if name not in LISTING_PARTS | {rechnungen_part}:
            assert after_parts[name] == data, name
    after_values = calamine_values(path)
    row, col = invoice.row - 1, column - 1
    assert after_values["Rechnungen"][row][col] == "bezahlt"
    after_values["Rechnungen"][row][col] = before_values["Rechnungen"][row][col]
    for name, grid in before_values.items():
        assert after_values[name] == grid
    assert "bezahlt" in libreoffice_csv(path, tmp_path / "csv")["Rechnungen"]


def test_refuses_while_excel_holds_the_file(demo_path):
    (demo_path.parent / f"~${demo_path.name}").write_bytes(b"lock")
    before = sha256(demo_path)
    with pytest.raises(WriteRefused, match="in Excel geöffnet"):
        apply_plan(read_book(demo_path), report_plan(), NOW)
    assert sha256(demo_path) == before


def test_refuses_when_file_changed_since_reading(demo_path):
    book = read_book(demo_path)
    wb = openpyxl.load_workbook(demo_path)
    wb["Kunden"]["Z2"] = "neue Notiz"
    wb.save(demo_path)
    before = sha256(demo_path)
    with pytest.raises(WriteRefused, match="geändert"):
        apply_plan(book, report_plan(), NOW)
    assert sha256(demo_path) == before


def test_refuses_to_overwrite_a_formula_in_an_out_column(demo_path):
    wb = openpyxl.load_workbook(demo_path)
    wb["Rechnungen"]["M2"] = "=F2*1.19"
    wb.save(demo_path)
    book = read_book(demo_path)
    before = sha256(demo_path)
    plan = Plan(cells=[CellWrite("Rechnungen", 2, 13, Decimal("1.00"))])
    with pytest.raises(WriteRefused, match="Formel"):
        apply_plan(book, plan, NOW)
    assert sha256(demo_path) == before


def test_never_writes_an_input_cell(demo_path):
    book = read_book(demo_path)
    service = book.locations["Rechnungen"].columns["leistung"]
    with pytest.raises(WriteRefused, match="Eingabezelle"):
        apply_plan(book, Plan(cells=[CellWrite("Rechnungen", 2, service, 1)]), NOW)


def _change_theme(book, parts, zf):
    parts["xl/theme/theme1.xml"] = zf.read("xl/theme/theme1.xml").replace(
        b"Calibri", b"Arial", 1)


def _drop_validations(book, parts, zf):
    from lxml import etree
    part = book.package.sheet("Kunden").part
    root = etree.fromstring(zf.read(part))
    for node in root.findall("{*}dataValidations"):
        root.remove(node)
    parts[part] = etree.tostring(root)


def _change_input_cell_of_written_sheet(book, parts, zf):
    part = book.package.sheet("Rechnungen").part
    parts[part] = parts[part].replace(b"<v>2400</v>", b"<v>2500</v>", 1)


@pytest.mark.parametrize("sabotage", [_change_theme, _drop_validations,
                                      _change_input_cell_of_written_sheet],
                         ids=lambda f: f.__name__.strip("_"))
def test_failed_verification_leaves_original_and_no_temporary(demo_path, monkeypatch,
                                                               sabotage):
    """If the new file lost anything, the original stays and nothing is left behind."""
    real_build = writer.build_patch

    def sabotaged(book, plan, **options):
        patch = real_build(book, plan, **options)
        with zipfile.ZipFile(book.path) as zf:
            sabotage(book, patch.parts, zf)
        return patch

    monkeypatch.setattr(writer, "build_patch", sabotaged)
    book = read_book(demo_path)
    brutto = book.locations["Rechnungen"].columns["brutto"]
    plan = report_plan().extend(Plan(cells=[CellWrite("Rechnungen", 3, brutto,
                                                      Decimal("1.00"))]))
    before = sha256(demo_path)
    with pytest.raises(WriteRefused, match="Prüfung der neuen Datei"):
        apply_plan(book, plan, NOW)
    assert sha256(demo_path) == before
    assert sorted(p.name for p in demo_path.parent.iterdir()) == ["kundenbuch.xlsx"]


def test_backups_keep_the_newest(demo_path):
    for minute in range(5):
        book = read_book(demo_path)
        plan = Plan(appends=[RowAppend("Protokoll", [protocol_row(NOW, f"Lauf {minute}")])])
        apply_plan(book, plan, datetime(2026, 11, 23, 9, minute), keep_backups=3)
    backups = sorted(p.name for p in (demo_path.parent / "sicherung").iterdir())
    assert backups == [f"kundenbuch_2026-11-23_09{m:02d}00.xlsx" for m in (2, 3, 4)]
    # the newest backup is the state before the last run: four protocol rows
    newest = read_book(demo_path.parent / "sicherung" / backups[-1])
    assert len(newest.records["Protokoll"]) == 4


def test_unchanged_parts_keep_their_compressed_bytes(demo_path):
    """Copied, not recompressed: the compressed bytes and CRCs stay the same."""
    def raw_entries(path):
        with zipfile.ZipFile(path) as zf:
            return {i.filename: (i.CRC, i.compress_size) for i in zf.infolist()}
    before = raw_entries(demo_path)
    apply_plan(read_book(demo_path), report_plan(), NOW)
    after = raw_entries(demo_path)
    kunden = read_book(demo_path).package.sheet("Kunden").part
    assert after[kunden] == before[kunden]
    with zipfile.ZipFile(demo_path) as zf:
        assert zf.testzip() is None


def test_parts_read_in_one_step_equal_what_zipfile_reads(tmp_path):
    """read_entry (one decompression into a buffer of the stored size) gives every
    entry of every sample exactly as zipfile does, and a damaged entry is noticed."""
    from kundenbuch.book.zipentries import read_entry
    needs_samples()
    checked = 0
    for path in sample_files():
        try:
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    assert read_entry(zf, name) == zf.read(name), f"{path.name}:{name}"
                    checked += 1
        except zipfile.BadZipFile:
            continue
    assert checked > 100
    damaged = tmp_path / "beschaedigt.xlsx"
    with zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", "".join(f"<c>{n}</c>" for n in range(5000)))
    with zipfile.ZipFile(damaged) as zf:
        info = zf.infolist()[0]
    data = bytearray(damaged.read_bytes())
    data[info.header_offset + 30 + len(info.filename) + info.compress_size // 2] ^= 0x55
    damaged.write_bytes(bytes(data))
    with zipfile.ZipFile(damaged) as zf, pytest.raises((zipfile.BadZipFile, zlib.error)):
        read_entry(zf, info.filename)


def test_a_part_compressed_beforehand_is_not_compressed_again(tmp_path):
    """A new part (a report sheet on the first run) and a replaced one are written
    with the bytes compressed beforehand, not compressed a second time on the way
    into the file (which cost half a second on groß), and read back unchanged."""
    from kundenbuch.book.zipentries import deflated, write_deflated
    content = "".join(f"<c>{n}</c>" for n in range(20000)).encode()
    packed = deflated(content)
    source = tmp_path / "alt.xlsx"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"<alt/>")
    target = tmp_path / "neu.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as zf:
        write_deflated(zf, old.getinfo("xl/worksheets/sheet1.xml"), content, packed)
        write_deflated(zf, zipfile.ZipInfo("xl/worksheets/sheet2.xml"), content, packed)
    with zipfile.ZipFile(target) as zf:
        assert zf.testzip() is None
        for info in zf.infolist():
            assert info.compress_size == len(packed.raw), info.filename
            assert zf.read(info) == content


def test_two_appends_to_one_table_stack_up(demo_path):
    plan = Plan(appends=[RowAppend("Protokoll", [protocol_row(NOW, "eins")]),
                         RowAppend("Protokoll", [protocol_row(NOW, "zwei"),
                                                 protocol_row(NOW, "drei")])])
    apply_plan(read_book(demo_path), plan, NOW)
    rows = read_book(demo_path).records["Protokoll"]
    assert [r["art"] for r in rows] == ["eins", "zwei", "drei"]
