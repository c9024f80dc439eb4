"""`kundenbuch forderungen` end to end on workbook files."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl

from kundenbuch import api
from kundenbuch.book.reader import read_book

from conftest import libreoffice_csv, sha256, zip_parts

STICHTAG = "2026-10-31"


def test_demo_written_back(cli, demo_path):
    before = read_book(demo_path)
    result = cli("forderungen", demo_path, "--stichtag", STICHTAG)
    assert result.exit_code == 0, result.output
    assert "Forderungen zum Stichtag 31.10.2026" in result.output
    book = read_book(demo_path)
    for old, new in zip(before.rechnungen, book.rechnungen):
        # tax per rate, each rounded (an invoice with lines may have two rates)
        rates = old["saetze"] or ((old["ust_satz"], old["netto"]),)
        expected = sum(((net * (100 + rate) / 100).quantize(Decimal("0.01"))
                        for rate, net in rates), Decimal(0))
        assert new["brutto"] == expected
        assert new["status"] in ("offen", "teilbezahlt", "bezahlt", "überfällig", "storniert",
                                 "Verzugsschaden")
        if old["faellig_am"]:
            assert new["faellig_am"] == old["faellig_am"]       # typed dates stay
        else:
            assert new["faellig_am"] is not None                 # empty ones get filled
        if new["status"] == "storniert":
            assert new["verzugszinsen"] is None
    open_total = sum((c["offener_betrag"] for c in book.kunden), Decimal(0))
    assert open_total > 0
    assert "Offene Posten" in book.package.sheets[-1].name
    parts = zip_parts(demo_path)
    assert any(p.startswith("xl/charts/chart") for p in parts)
    sheet = openpyxl.load_workbook(demo_path)["Offene Posten"]
    assert sheet["A1"].value == "Offene Posten – Stichtag 31.10.2026"
    assert sheet["A4"].value == "Altersstruktur gesamt" and sheet["B5"].value == "Offen"
    buckets = [sheet.cell(row=r, column=2).value for r in range(6, 11)]
    assert Decimal(str(round(sum(buckets), 2))) == open_total


def test_second_run_leaves_data_sheets_identical(cli, demo_path):
    cli("forderungen", demo_path, "--stichtag", STICHTAG)
    book = read_book(demo_path)
    data_parts = [book.package.sheet(n).part for n in ("Kunden", "Rechnungen", "Termine")]
    first = zip_parts(demo_path)
    result = cli("forderungen", demo_path, "--stichtag", STICHTAG)
    assert result.exit_code == 0
    second = zip_parts(demo_path)
    assert all(first[p] == second[p] for p in data_parts)


def test_same_stichtag_and_time_writes_nothing_at_all(demo_path):
    now = datetime(2026, 11, 23, 8, 0)
    assert api.forderungen(demo_path, date(2026, 10, 31), now).write.changed
    before = sha256(demo_path)
    assert not api.forderungen(demo_path, date(2026, 10, 31), now).write.changed
    assert sha256(demo_path) == before


def test_probelauf_writes_nothing(cli, demo_path):
    before = sha256(demo_path)
    result = cli("forderungen", demo_path, "--stichtag", STICHTAG, "--probelauf")
    assert result.exit_code == 0
    assert "Probelauf" in result.output and "Rechnungen!M2" in result.output
    assert sha256(demo_path) == before
    assert not (demo_path.parent / "sicherung").exists()


def _worked_example_book(make_book, **settings):
    return make_book(
        kunden=[{"kundennr": "K-0001", "nachname": "Hobelspan", "firma": "Tischlerei",
                 "kundenart": "Gewerbe", "strasse": "Weg 1", "plz": "50667", "ort": "Köln"}],
        rechnungen=[{"rechnungsnr": "2025-0001", "kundennr": "K-0001",
                     "rechnungsdatum": date(2025, 5, 16), "leistungsdatum": date(2025, 5, 16),
                     "leistung": "Regal", "netto": 1000.0, "ust_satz": 0,
                     "faellig_am": date(2025, 5, 30)},
                    {"rechnungsnr": "2025-0002", "kundennr": "K-0001",
                     "rechnungsdatum": date(2025, 7, 1), "leistungsdatum": date(2025, 7, 1),
                     "leistung": "Tür", "netto": 100.0, "ust_satz": 19,
                     "bezahlt_am": date(2025, 8, 5), "bezahlt_betrag": 119.0}],
        settings=settings)


def test_interest_and_status_cells(cli, make_book):
    # An agreed due date: default the day after it (§ 286 Abs. 2 Nr. 1 BGB).
    path = _worked_example_book(make_book, zahlungsziel_vereinbart="ja")
    assert cli("forderungen", path, "--stichtag", "2025-07-31").exit_code == 0
    first, second = read_book(path).rechnungen
    # default 31.5.–31.7.2025: 1 day + 30 days at 11.27 %, 31 days at 10.27 %
    expected = (Decimal(1000) * (Decimal("11.27") * 31 + Decimal("10.27") * 31)
                / 100 / 365).quantize(Decimal("0.01"))
    assert first["verzugszinsen"] == expected
    assert first["status"] == "überfällig" and first["tage_ueberfaellig"] == 62
    assert second["status"] == "überfällig"          # paid only on 5.8.
    assert second["faellig_am"] == date(2025, 7, 15)  # filled: 1.7. + 14 days
    assert cli("forderungen", path, "--stichtag", "2025-08-05").exit_code == 0
    # Paid on 5.8., in default since 16.7.: the interest until 4.8. and the flat fee
    # stay owed (§ 288 BGB).
    assert read_book(path).rechnungen[1]["status"] == "Verzugsschaden"


def test_due_date_once_filled_is_never_moved(cli, make_book):
    path = _worked_example_book(make_book)
    cli("forderungen", path, "--stichtag", "2025-07-31")
    wb = openpyxl.load_workbook(path)
    settings = wb["Einstellungen"]
    row = next(r for r in range(2, 30) if settings.cell(r, 1).value == "Zahlungsziel Tage")
    settings.cell(row, 2).value = 30
    wb.save(path)
    cli("forderungen", path, "--stichtag", "2025-08-31")
    assert read_book(path).rechnungen[1]["faellig_am"] == date(2025, 7, 15)


def test_pay_day_setting_decides_new_due_dates(cli, make_book):
    path = _worked_example_book(make_book, zahltag=15, zahlungsziel_tage=10)
    cli("forderungen", path, "--stichtag", "2025-07-31")
    assert read_book(path).rechnungen[1]["faellig_am"] == date(2025, 7, 15)


def test_offene_posten_opens_in_libreoffice(cli, demo_path, tmp_path):
    cli("forderungen", demo_path, "--stichtag", STICHTAG)
    sheets = libreoffice_csv(demo_path, tmp_path / "csv")
    assert "Offene Posten – Stichtag 31.10.2026" in sheets["Offene Posten"]
    assert "Altersstruktur gesamt" in sheets["Offene Posten"]
    assert "überfällig" in sheets["Rechnungen"]


def test_unreadable_file_exit_2(cli, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("nein")
    result = cli("forderungen", path)
    assert result.exit_code == 2 and "keine Excel-Arbeitsmappe" in result.output
