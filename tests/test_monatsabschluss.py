"""`kundenbuch monatsabschluss`: everything in one run, one write, idempotent."""
from __future__ import annotations

import subprocess
import sys
from datetime import date

import openpyxl

from kundenbuch.api import default_stichtag
from kundenbuch.book.reader import read_book
from kundenbuch.book.records import NO_RAW_VALUES

from conftest import sha256, zip_parts

STICHTAG = "2026-10-31"


def test_one_run_does_the_months_work(cli, demo_path):
    result = cli("monatsabschluss", demo_path, "--stichtag", STICHTAG)
    assert result.exit_code == 0, result.output
    assert "Stichtag 31.10.2026 (angegeben)" in result.output
    book = read_book(demo_path)
    sheets = {s.name for s in book.package.sheets}
    assert {"Prüfbericht", "Offene Posten", "Stufenanalyse", "Terminübersicht"} <= sheets
    runs = [r for r in book.records["Protokoll"] if r["art"] == "Monatsabschluss"]
    assert len(runs) == 1 and "Briefe" in runs[0]["details"]
    letters = list((demo_path.parent / "briefe" / "2026-10").glob("*.docx"))
    kinds = {p.name.split("_")[1] for p in letters}
    assert {"Begruessung", "Zahlungserinnerung", "Jahrescheck"} <= kinds
    assert all(c["stufe"] is None for c in book.kunden)        # tiers are proposals only
    assert len(list((demo_path.parent / "sicherung").glob("*.xlsx"))) == 1   # one write
    # records share one empty dict of raw values; a run that wrote into it would
    # have given every record the same bad cell
    assert NO_RAW_VALUES == {} and book.kunden[0].raw is NO_RAW_VALUES


def test_second_run_changes_no_data_and_makes_no_letter(cli, demo_path):
    cli("monatsabschluss", demo_path, "--stichtag", STICHTAG)
    book = read_book(demo_path)
    data = [book.package.sheet(n).part for n in ("Kunden", "Rechnungen", "Termine")]
    before = zip_parts(demo_path)
    letters = sorted((demo_path.parent / "briefe").rglob("*"))
    result = cli("monatsabschluss", demo_path, "--stichtag", STICHTAG)
    assert result.exit_code == 0 and "Briefe: keine" in result.output
    after = zip_parts(demo_path)
    assert all(before[p] == after[p] for p in data)
    assert sorted((demo_path.parent / "briefe").rglob("*")) == letters
    runs = [r for r in read_book(demo_path).records["Protokoll"] if r["art"] ==
            "Monatsabschluss"]
    assert len(runs) == 2


def test_rows_with_errors_get_no_letter_and_are_named(cli, demo_path):
    wb = openpyxl.load_workbook(demo_path)
    clients = wb["Kunden"]
    row = next(r for r in range(2, 27) if clients.cell(r, 1).value == "K-0014")
    clients.cell(row, 7).value = "5066"                        # PLZ with four digits
    wb.save(demo_path)
    result = cli("monatsabschluss", demo_path, "--stichtag", STICHTAG)
    assert result.exit_code == 1                                 # Fehler in the workbook
    assert f"Kunden Zeile {row}" in " ".join(result.output.split())
    assert not list((demo_path.parent / "briefe" / "2026-10").glob("*K-0014*"))


def test_probelauf_writes_nothing(cli, demo_path):
    before = sha256(demo_path)
    result = cli("monatsabschluss", demo_path, "--stichtag", STICHTAG, "--probelauf")
    assert result.exit_code == 0 and "Probelauf" in result.output
    assert sha256(demo_path) == before
    assert not (demo_path.parent / "briefe").exists()


def test_default_stichtag():
    assert default_stichtag(date(2026, 12, 3)) == date(2026, 11, 30)
    assert default_stichtag(date(2026, 12, 15)) == date(2026, 12, 15)


def test_without_letters(cli, demo_path):
    result = cli("monatsabschluss", demo_path, "--stichtag", STICHTAG, "--ohne-briefe")
    assert result.exit_code == 0 and "Briefe: keine" in result.output
    assert not (demo_path.parent / "briefe").exists()
    assert "Offene Posten" in {s.name for s in read_book(demo_path).package.sheets}


def test_from_the_command_line_the_output_is_complete_and_the_code_kept(demo_path):
    """The installed command ends its process at once after a month-end run: all
    output still arrives, the exit code is the command's, the file is written."""
    run = subprocess.run([sys.executable, "-m", "kundenbuch", "monatsabschluss",
                          str(demo_path), "--stichtag", STICHTAG, "--ohne-briefe"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip().splitlines()[-1].startswith("Geschrieben:")
    assert "Prüfbericht" in {s.name for s in read_book(demo_path).package.sheets}
    demo_path.with_name("~$" + demo_path.name).write_text("")     # Excel holds it
    run = subprocess.run([sys.executable, "-m", "kundenbuch", "monatsabschluss",
                          str(demo_path), "--stichtag", STICHTAG, "--ohne-briefe"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "in Excel geöffnet" in run.stderr


def test_reports_show_the_letters_the_same_run_made(cli, demo_path):
    """Right after a month-end, Offene Posten names the reminder it made as the last
    letter (not as still due), Stufenanalyse shows the thank-you letters and invitations
    with their date, and 'Geschrieben' names only what changed."""
    import openpyxl
    result = cli("monatsabschluss", demo_path, "--stichtag", "2026-10-31",
                 "--briefdatum", "2026-10-31")
    assert result.exit_code == 0, result.output
    assert "Mahnbriefe dieses Laufs" in result.output
    book = openpyxl.load_workbook(demo_path, data_only=True)
    rows = list(book["Offene Posten"].iter_rows(values_only=True))
    top = next(i for i, row in enumerate(rows) if row and "Letzter Brief" in row)
    header = rows[top]
    items = [dict(zip(header, row)) for row in rows[top + 1:] if row and row[3]]
    reminded = [item for item in items if item["Letzter Brief"] == "Zahlungserinnerung"]
    assert reminded and all(not item["Fällig jetzt"] for item in reminded)
    assert not [item for item in items if item["Fällig jetzt"] == "Zahlungserinnerung"]
    analysis = list(book["Stufenanalyse"].iter_rows(values_only=True))
    assert any(row and any(str(v).startswith("erstellt am 31.10.2026") for v in row if v)
               for row in analysis)
    written = next(line for line in result.output.splitlines()
                   if line.startswith("Geschrieben:"))
    assert "Rechnungen" in written and "Protokoll +" in written and "Zeile" in written
    again = cli("monatsabschluss", demo_path, "--stichtag", "2026-10-31",
                "--briefdatum", "2026-10-31")
    written_again = next(line for line in again.output.splitlines()
                         if line.startswith("Geschrieben:"))
    assert "Rechnungen" not in written_again            # nothing of the data changed
