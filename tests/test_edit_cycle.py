"""The real monthly cycle: month-end, the user types and saves in a spreadsheet program,
month-end again, turn after turn; nothing typed is lost.

LibreOffice Calc types and saves through its UNO API (tests/calc_edit.py), with its own
xlsx writer, which rewrites every part of the package as LibreOffice lays it out.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from kundenbuch.book.reader import read_book
from kundenbuch.book.records import column_letter
from kundenbuch.rules.amounts import gross

from conftest import sha256, soffice
from kundenbuch.runs.excel_layout import save_like_excel

CALC_EDIT = Path(__file__).with_name("calc_edit.py")
SYSTEM_PYTHON = "/usr/bin/python3"       # the Python that python3-uno serves
TURNS = (date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31))


def needs_calc():
    """LibreOffice and its Python bridge: in CI both must be there (.ci/run installs
    them); elsewhere the test is skipped."""
    has_uno = Path(SYSTEM_PYTHON).exists() and subprocess.run(
        [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0
    if soffice() and has_uno:
        return
    if os.environ.get("CI"):
        pytest.fail("LibreOffice oder python3-uno fehlt in CI; .ci/run muss sie installieren")
    pytest.skip("LibreOffice mit python3-uno ist nicht installiert")


def calc_edit(book: Path, edits: list, work: Path) -> None:
    work.mkdir(parents=True, exist_ok=True)
    (work / "edits.json").write_text(json.dumps(edits), encoding="utf-8")
    done = subprocess.run([SYSTEM_PYTHON, str(CALC_EDIT), str(book), str(work / "edits.json"),
                           str(work / "profile")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def edits_for_turn(book_path: Path, turn: int, day: date) -> list:
    """What a user types in a month: a payment below the Zahlungen table, a new client
    below the Kunden table, an invoice for that client below the Rechnungen table, a
    name made bold."""
    book = read_book(book_path)
    open_invoice = next(i for i in book.rechnungen
                        if i["status"] in ("offen", "überfällig") and i["bezahlt_am"] is None
                        and i["ust_satz"] is not None)
    paid = gross(open_invoice["netto"], open_invoice["ust_satz"])
    clients = book.locations["Kunden"]
    invoices = book.locations["Rechnungen"]
    payments = book.locations["Zahlungen"]
    client_row, invoice_row = clients.last_row + 1, invoices.last_row + 1
    payment_row = payments.last_row + 1
    number = f"K-9{turn:03d}"
    highest = max((int(str(i["rechnungsnr"]).split("-")[1]) for i in book.rechnungen
                   if str(i["rechnungsnr"]).startswith(f"{day.year}-")), default=0)

    def at(location, row, field):
        return f"{column_letter(location.columns[field])}{row}"

    return [
        {"sheet": "Zahlungen", "cell": at(payments, payment_row, "datum"),
         "date": (day - timedelta(days=3)).isoformat()},
        {"sheet": "Zahlungen", "cell": at(payments, payment_row, "betrag"),
         "number": float(paid)},
        {"sheet": "Zahlungen", "cell": at(payments, payment_row, "rechnungsnr"),
         "text": str(open_invoice["rechnungsnr"])},
        {"sheet": "Zahlungen", "cell": at(payments, payment_row, "verwendungszweck"),
         "text": f"Rechnung {open_invoice['rechnungsnr']} danke"},
        {"sheet": "Kunden", "cell": at(clients, client_row, "kundennr"), "text": number},
        {"sheet": "Kunden", "cell": at(clients, client_row, "anrede"), "text": "Frau"},
        {"sheet": "Kunden", "cell": at(clients, client_row, "vorname"), "text": "Greta"},
        {"sheet": "Kunden", "cell": at(clients, client_row, "nachname"),
         "text": f"Neumann {turn}"},
        {"sheet": "Kunden", "cell": at(clients, client_row, "strasse"), "text": "Weg 1"},
        {"sheet": "Kunden", "cell": at(clients, client_row, "plz"), "text": "50667"},
        {"sheet": "Kunden", "cell": at(clients, client_row, "ort"), "text": "Köln"},
        {"sheet": "Kunden", "cell": at(clients, client_row, "kundenart"), "text": "Privat"},
        {"sheet": "Kunden", "cell": at(clients, client_row, "kunde_seit"),
         "date": (day - timedelta(days=20)).isoformat()},
        {"sheet": "Rechnungen", "cell": at(invoices, invoice_row, "rechnungsnr"),
         "text": f"{day.year}-{highest + 1:04d}"},
        {"sheet": "Rechnungen", "cell": at(invoices, invoice_row, "kundennr"),
         "text": number},
        {"sheet": "Rechnungen", "cell": at(invoices, invoice_row, "rechnungsdatum"),
         "date": (day - timedelta(days=10)).isoformat()},
        {"sheet": "Rechnungen", "cell": at(invoices, invoice_row, "leistungsdatum"),
         "date": (day - timedelta(days=12)).isoformat()},
        {"sheet": "Rechnungen", "cell": at(invoices, invoice_row, "leistung"),
         "text": "Beratung vor Ort"},
        {"sheet": "Rechnungen", "cell": at(invoices, invoice_row, "netto"), "number": 480},
        {"sheet": "Rechnungen", "cell": at(invoices, invoice_row, "ust_satz"), "number": 19},
        {"sheet": "Kunden", "cell": book.kunden[turn].cell("nachname"), "bold": True},
    ]


def typed_values(book_path: Path, edits: list) -> dict:
    """(sheet, cell) -> value as a spreadsheet reader sees it after the save."""
    workbook = openpyxl.load_workbook(book_path)
    return {(e["sheet"], e["cell"]): workbook[e["sheet"]][e["cell"]].value for e in edits}


@pytest.mark.parametrize("excel_layout", [False, True], ids=["libreoffice", "excel"])
def test_three_turns_of_month_end_and_edits_keep_every_typed_value(cli, demo_path, tmp_path,
                                                                   excel_layout):
    """Typed in Calc and saved by it; in the "excel" variant the saved book is then laid
    out anew as Excel's writer does (tests/excel_style.py): new part names and
    relationship ids, shared strings only, Excel's extension namespaces."""
    needs_calc()
    typed = {}
    for turn, day in enumerate(TURNS, start=1):
        result = cli("monatsabschluss", demo_path, "--stichtag", day.isoformat())
        # exit 1: the demo's own findings as the months go by (a missed delivery date)
        assert result.exit_code in (0, 1) and "Geschrieben" in result.output, result.output
        # Every value typed before this run is still in the book it wrote.
        assert typed_values(demo_path, [{"sheet": s, "cell": c} for s, c in typed]) == typed
        edits = edits_for_turn(demo_path, turn, day + timedelta(days=25))
        calc_edit(demo_path, edits, tmp_path / f"calc{turn}")
        if excel_layout:        # in the second month the user drags a tab to the front
            save_like_excel(demo_path, first_tab="Terminübersicht" if turn == 2 else None)
        typed.update({key: value for key, value in typed_values(demo_path, edits).items()
                      if value is not None})
    result = cli("monatsabschluss", demo_path, "--stichtag", "2027-01-31")
    assert result.exit_code in (0, 1) and "Geschrieben" in result.output, result.output
    assert "Rechnungen Zeile" not in result.output        # no typed row with a Fehler
    assert typed_values(demo_path, [{"sheet": s, "cell": c} for s, c in typed]) == typed
    book = read_book(demo_path)
    new_clients = [c for c in book.kunden if str(c["kundennr"]).startswith("K-9")]
    assert [c["kundennr"] for c in new_clients] == ["K-9001", "K-9002", "K-9003"]
    # the rows typed below the tables became table rows: computed like every other
    new_invoices = [i for i in book.rechnungen if i["kundennr"] in ("K-9001", "K-9002",
                                                                    "K-9003")]
    assert len(new_invoices) == 3
    assert all(i["brutto"] == Decimal("571.20") for i in new_invoices)
    assert all(c["offener_betrag"] is not None for c in new_clients)
    # each payment typed below Zahlungen became a row of it and paid its invoice
    typed_payments = [p for p in book.zahlungen if "danke" in str(p["verwendungszweck"])]
    assert len(typed_payments) == 3 and all(p["zugeordnet"] for p in typed_payments)
    by_number = {i["rechnungsnr"]: i for i in book.rechnungen}
    for payment in typed_payments:
        invoice = by_number[payment["rechnungsnr"]]
        assert invoice["bezahlt_am"] == payment["datum"]
        assert invoice["bezahlt_betrag"] == payment["betrag"]
    assert book.locations["Kunden"].last_row == max(c.row for c in book.kunden)
    bold = openpyxl.load_workbook(demo_path)["Kunden"][book.kunden[1].cell("nachname")]
    assert bold.font.b


def test_the_excel_style_helper_lays_out_a_book_as_excel_does(demo_path, tmp_path):
    """The helper itself: what it claims to imitate is in the file, and LibreOffice
    reads the same cells as before."""
    from conftest import libreoffice_csv
    before = libreoffice_csv(demo_path, tmp_path / "vorher")
    save_like_excel(demo_path)
    with zipfile.ZipFile(demo_path) as package:
        names = package.namelist()
        types = package.read("[Content_Types].xml").decode()
        sheet = package.read("xl/worksheets/sheet2.xml").decode()
        rels = package.read("xl/_rels/workbook.xml.rels").decode()
    assert names[0] == "[Content_Types].xml" and "xl/sharedStrings.xml" in names
    assert '<Default Extension="xml"' in types and "/_rels/" not in types
    assert 'mc:Ignorable="x14ac xr xr2 xr3"' in sheet and 'x14ac:dyDescent="0.25"' in sheet
    assert 't="inlineStr"' not in sheet and 't="s"' in sheet
    assert rels.index('Target="worksheets/sheet1.xml" Id="rId1"') < rels.index("styles")
    assert libreoffice_csv(demo_path, tmp_path / "nachher") == before


def test_rows_typed_below_a_table_join_it_and_the_write_extends_the_table(cli, demo_path):
    """LibreOffice (unlike Excel) does not grow a table when a row is typed below it:
    such rows are read as table rows, named in a Hinweis, and the write extends the
    table to them. A row after an empty row is not taken in and stays a Warnung."""
    book = read_book(demo_path)
    location = book.locations["Rechnungen"]
    first, second, after_gap = (location.last_row + 1, location.last_row + 2,
                                location.last_row + 4)
    workbook = openpyxl.load_workbook(demo_path)
    sheet = workbook["Rechnungen"]
    for row, number in ((first, "2026-0901"), (second, "2026-0902"), (after_gap, "X")):
        values = {"rechnungsnr": number, "kundennr": "K-0001",
                  "rechnungsdatum": date(2026, 10, 2), "leistungsdatum": date(2026, 10, 1),
                  "leistung": "Wartung", "netto": 100, "ust_satz": 19}
        for field, value in values.items():
            sheet.cell(row, location.columns[field], value)
    workbook.save(demo_path)

    checked = cli("pruefen", demo_path, "--stichtag", "2026-10-31", "--json")
    findings = {(f["zelle"], f["schwere"]): f["meldung"] for f in json.loads(checked.stdout)
                if f["blatt"] == "Rechnungen" and f["regel"] == "struktur"}
    assert f"Die Zeilen {first} bis {second} unter der Tabelle „Rechnungen“" in findings[
        (f"A{first}", "Hinweis")]
    assert (f"A{after_gap}", "Warnung") in findings

    result = cli("forderungen", demo_path, "--stichtag", "2026-10-31")
    assert result.exit_code in (0, 1), result.output
    written = read_book(demo_path)
    assert written.locations["Rechnungen"].last_row == second
    assert not written.locations["Rechnungen"].grown      # the table itself reaches there
    taken = [i for i in written.rechnungen if i.row in (first, second)]
    assert [i["brutto"] for i in taken] == [Decimal("119.00"), Decimal("119.00")]
    table = openpyxl.load_workbook(demo_path)["Rechnungen"].tables["Rechnungen"]
    assert table.ref.endswith(str(second))


def _month_end_process(book: Path, *extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kundenbuch", "monatsabschluss",
                             str(book), "--stichtag", "2026-10-31", "--ohne-briefe", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_libreoffice_holding_the_book_stops_every_write(cli, demo_path):
    lock = demo_path.with_name(f".~lock.{demo_path.name}#")
    lock.write_text("Ada,host,ada,02.12.2026 10:00,file:///home/ada/.config/libreoffice;")
    before = sha256(demo_path)
    result = cli("monatsabschluss", demo_path, "--stichtag", "2026-10-31", "--ohne-briefe")
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"in LibreOffice geöffnet (Sperrdatei .~lock.{demo_path.name}#)" in message
    assert sha256(demo_path) == before


def test_two_runs_at_once_on_one_book_never_lose_a_result(demo_path):
    """Started at the same moment, the second waits for the first and then runs on the
    book the first wrote: both month-ends are in the Protokoll."""
    runs = [_month_end_process(demo_path) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    protocol = read_book(demo_path).records["Protokoll"]
    assert sum(row["art"] == "Monatsabschluss" for row in protocol) == 2


def test_a_run_that_finds_another_one_busy_refuses_after_a_few_seconds(demo_path):
    from kundenbuch.runs.apply import LOCK_WAIT_SECONDS, run_lock_file
    lock_path = run_lock_file(demo_path)
    lock_path.parent.mkdir(exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, filelock; lock = filelock.FileLock(sys.argv[1]); "
         "lock.acquire(); print('bereit', flush=True); sys.stdin.read()", str(lock_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "bereit"
        before = sha256(demo_path)
        started = time.monotonic()
        out, err = _month_end_process(demo_path).communicate(timeout=120)
        assert time.monotonic() - started >= LOCK_WAIT_SECONDS
        assert "Ein anderer kundenbuch-Lauf arbeitet gerade" in " ".join(err.split())
        assert sha256(demo_path) == before
    finally:
        holder.kill()
        holder.wait()
    # a holder that is gone (killed) blocks nothing
    out, err = _month_end_process(demo_path).communicate(timeout=120)
    assert "Geschrieben" in out, err


def test_what_a_killed_run_left_is_removed_by_the_next_run(cli, demo_path):
    temporary = demo_path.with_name(f".{demo_path.name}-k1ll3d.tmp")
    temporary.write_bytes(b"half a zip")
    staging = demo_path.parent / "briefe" / ".in-arbeit-k1ll3d"
    staging.mkdir(parents=True)
    (staging / "Rechnung_2026-0057_K-0011.docx").write_bytes(b"half a letter")
    backups = demo_path.parent / "sicherung"
    backups.mkdir()
    half_backup = backups / ".kundenbuch_2026-10-31_120000.xlsx-k1ll3d.tmp"
    half_backup.write_bytes(b"half a backup")
    other_books = backups / ".kundenbuch_2025_2026-10-31_120000.xlsx-k1ll3d.tmp"
    other_books.write_bytes(b"another book's run is copying this")
    result = cli("monatsabschluss", demo_path, "--stichtag", "2026-10-31")
    assert result.exit_code == 0, result.output
    assert not temporary.exists() and not staging.exists()
    assert not list(demo_path.parent.glob(".*.tmp"))
    assert not half_backup.exists() and other_books.exists()


def test_a_failed_write_leaves_no_letter(cli, demo_path, monkeypatch):
    """Letters are made aside and move into briefe/ only once the workbook that lists
    them is written."""
    from kundenbuch import writer
    from kundenbuch.writer.cells import PatchRefused

    def refused(*args, **kwargs):
        raise PatchRefused("zum Test verweigert")
    monkeypatch.setattr(writer, "build_patch", refused)
    result = cli("monatsabschluss", demo_path, "--stichtag", "2026-10-31")
    assert result.exit_code == 2 and "zum Test verweigert" in result.output
    letters = demo_path.parent / "briefe"
    assert [p for p in letters.rglob("*") if p.is_file()] == []
    assert not list(letters.glob(".in-arbeit-*"))


def test_a_letter_made_again_never_overwrites_the_archived_one(cli, demo_path):
    for _ in range(3):
        result = cli("briefe", demo_path, "--stichtag", "2026-10-31", "--rechnung",
                     "2026-0057")
        assert result.exit_code == 0, result.output
    folder = demo_path.parent / "briefe" / "2026-10"
    assert sorted(p.name for p in folder.iterdir()) == [
        "Rechnung_2026-0057_K-0011.docx", "Rechnung_2026-0057_K-0011_Kopie.docx",
        "Rechnung_2026-0057_K-0011_Kopie_2.docx"]
    archive = cli("archiv", "pruefen", demo_path)
    assert archive.exit_code == 0 and "3 Dokumente geprüft, 0 Probleme" in archive.output


def _pixels_of_colour(ppm: bytes, colour: tuple, tolerance: int = 24) -> int:
    """How many pixels of a binary PPM (P6, as pdftoppm writes it) are near colour."""
    header, _, rest = ppm.partition(b"\n255\n")
    width, height = map(int, header.split()[1:3])
    data = rest[:width * height * 3]
    return sum(1 for i in range(0, len(data), 3)
               if all(abs(data[i + k] - colour[k]) <= tolerance for k in range(3)))


def test_charts_show_their_data_after_a_libreoffice_save(cli, demo_path, tmp_path):
    """A book LibreOffice saved has no theme part; a chart whose series take their
    colour from the theme then shows no bars. Rendered by LibreOffice, the Offene
    Posten chart written into such a book has its blue bars."""
    needs_calc()
    if not shutil.which("pdftoppm"):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils fehlt in CI; .ci/run muss es installieren")
        pytest.skip("pdftoppm (poppler-utils) ist nicht installiert")
    assert cli("monatsabschluss", demo_path, "--stichtag", "2026-10-31",
               "--ohne-briefe").exit_code == 0
    calc_edit(demo_path, [], tmp_path / "calc")                  # open and save only
    with zipfile.ZipFile(demo_path) as package:
        assert not [n for n in package.namelist() if n.startswith("xl/theme/")]
    assert cli("monatsabschluss", demo_path, "--stichtag", "2026-10-31",
               "--ohne-briefe").exit_code == 0
    out = tmp_path / "pdf"
    subprocess.run([soffice(), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(out),
                    str(demo_path)], check=True, capture_output=True, timeout=300)
    pdf = out / f"{demo_path.stem}.pdf"
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True).stdout.splitlines()
        if line.startswith("Pages:")))
    page = next(n for n in range(1, pages + 1) if "Offene Beträge nach Alter" in subprocess.run(
        ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"],
        capture_output=True, text=True).stdout)
    picture = subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "50",
                              str(pdf)], capture_output=True).stdout
    assert _pixels_of_colour(picture, (0x44, 0x72, 0xC4)) > 50


@pytest.mark.parametrize("typed", ["gestern", "DE89 3704 0044 0532 0130 00", "JA"])
def test_a_due_date_cell_holding_something_else_is_never_overwritten(cli, demo_path, typed):
    """Fällig am is filled only where the cell is truly empty; what the user typed
    there stays as typed and is a Fehler naming the cell (#18)."""
    book = read_book(demo_path)
    invoice = next(i for i in book.rechnungen if i["faellig_am"] is None)
    cell = invoice.cell("faellig_am")
    workbook = openpyxl.load_workbook(demo_path)
    workbook["Rechnungen"][cell] = typed
    workbook.save(demo_path)
    result = cli("monatsabschluss", demo_path, "--stichtag", "2026-10-31")
    assert "Geschrieben" in result.output, result.output
    assert openpyxl.load_workbook(demo_path)["Rechnungen"][cell].value == typed
    checked = cli("pruefen", demo_path, "--stichtag", "2026-10-31", "--json")
    assert any(f["adresse"] == f"Rechnungen!{cell}" and f["schwere"] == "Fehler"
               for f in json.loads(checked.stdout))


def test_a_users_sheet_named_like_an_owned_one_in_another_case_is_never_overwritten(
        cli, demo_path):
    workbook = openpyxl.load_workbook(demo_path)
    workbook.create_sheet("offene posten")["A1"] = "meine Notizen"
    workbook.save(demo_path)
    before = sha256(demo_path)
    result = cli("forderungen", demo_path, "--stichtag", "2026-10-31")
    assert result.exit_code == 2
    assert "Das Blatt „offene posten“ heißt fast wie das Blatt „Offene Posten“" in " ".join(
        result.output.split())
    assert sha256(demo_path) == before
