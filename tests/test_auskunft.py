"""Art. 15 DSGVO: `kundenbuch auskunft KUNDENNR` puts everything the book and briefe/
hold about one client into one archive: a readable summary, every row as CSV, every
document; nothing about other clients; the Protokoll records it without the data."""
from __future__ import annotations

import csv
import io
import zipfile

from conftest import needs_libreoffice
from kundenbuch.book.reader import read_book


def test_the_archive_holds_all_of_one_client_and_nothing_of_others(cli, demo_path):
    needs_libreoffice()
    made = cli("briefe", demo_path, "--rechnung", "2026-0059", "--briefdatum", "2026-10-31")
    assert made.exit_code == 0, made.output
    book = read_book(demo_path)
    client = "K-0015"
    own = {i["rechnungsnr"] for i in book.rechnungen if i["kundennr"] == client}
    result = cli("auskunft", client, demo_path)
    assert result.exit_code == 0, result.output
    archive = next((demo_path.parent / "auskunft").glob(f"Auskunft_{client}_*.zip"))
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert "Auskunft.pdf" in names
        invoices = list(csv.DictReader(io.StringIO(
            zf.read("Daten/Rechnungen.csv").decode("utf-8-sig")), delimiter=";"))
        assert {row["Rechnungsnr"] for row in invoices} == own
        assert all(row["Kundennr"] == client for row in invoices)
        payments = list(csv.DictReader(io.StringIO(
            zf.read("Daten/Zahlungen.csv").decode("utf-8-sig")), delimiter=";"))
        assert payments and all(row["Kundennr"] == client for row in payments)
        assert "Dokumente/briefe/2026-10/Rechnung_2026-0059_K-0015.docx" in names
        assert not any("K-0001" in name for name in names)
        summary = zf.read("Auskunft.pdf")
    assert summary.startswith(b"%PDF")
    row = next(r for r in read_book(demo_path).records["Protokoll"]
               if r["art"] == "Auskunft DSGVO")
    assert row["kundennr"] == client and row["sha256"] and row["datei"].startswith("auskunft/")
    assert "Schreinerei" not in str(row["details"])           # no personal data logged
    assert cli("archiv", "pruefen", demo_path).exit_code == 0


def test_an_unknown_client_is_named(cli, demo_path):
    result = cli("auskunft", "K-9999", demo_path)
    assert result.exit_code == 1 and "Kunde K-9999 steht nicht im Blatt Kunden" in result.output
    assert not (demo_path.parent / "auskunft").exists() or not list(
        (demo_path.parent / "auskunft").iterdir())
