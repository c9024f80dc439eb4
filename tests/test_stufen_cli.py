"""`kundenbuch stufen` end to end on workbook files."""
from __future__ import annotations

import openpyxl

from kundenbuch.book.reader import read_book

from conftest import libreoffice_csv, sha256, zip_parts

STICHTAG = "2026-10-31"


def test_analysis_sheet_and_pareto_chart_without_touching_kunden(cli, demo_path):
    book = read_book(demo_path)
    kunden_part = book.package.sheet("Kunden").part
    before = zip_parts(demo_path)[kunden_part]
    result = cli("stufen", demo_path, "--stichtag", STICHTAG)
    assert result.exit_code == 0, result.output
    assert "Kundenstufen zum Stichtag 31.10.2026" in result.output
    parts = zip_parts(demo_path)
    assert parts[kunden_part] == before                  # nothing in Kunden changed
    charts = [data for name, data in parts.items() if name.startswith("xl/charts/")]
    assert any(b"barChart" in c and b"lineChart" in c for c in charts)   # Pareto
    sheet = openpyxl.load_workbook(demo_path)["Stufenanalyse"]
    assert sheet["A1"].value == "Stufenanalyse – Stichtag 31.10.2026"
    headers = [c.value for c in sheet[5]]
    assert headers[:5] == ["Kundennr", "Kunde", "Umsatz 12 Monate", "Anteil", "kumuliert"]
    revenues = [sheet.cell(row=r, column=3).value for r in range(6, 31)]
    assert revenues == sorted(revenues, reverse=True)
    assert abs(sheet.cell(row=30, column=5).value - 1.0) < 1e-9   # cumulative ends at 100 %


def test_uebernehmen_writes_tiers_and_keeps_fixed_ones(cli, demo_path):
    result = cli("stufen", demo_path, "--stichtag", STICHTAG, "--uebernehmen")
    assert result.exit_code == 0, result.output
    clients = read_book(demo_path).kunden
    assert all(c["stufe"] in ("A", "B", "C") for c in clients)
    assert all(c["umsatz_12_monate"] is not None for c in clients)
    fixed = [c for c in clients if c["stufe_fest"]]
    assert fixed and all(c["stufe"] == c["stufe_fest"] for c in fixed)
    again = cli("stufen", demo_path, "--stichtag", STICHTAG, "--uebernehmen")
    assert "Vorgeschlagene Änderungen" not in again.output


def test_probelauf_writes_nothing(cli, demo_path):
    before = sha256(demo_path)
    assert cli("stufen", demo_path, "--stichtag", STICHTAG, "--probelauf").exit_code == 0
    assert sha256(demo_path) == before


def test_stufenanalyse_opens_in_libreoffice(cli, demo_path, tmp_path):
    cli("stufen", demo_path, "--stichtag", STICHTAG)
    text = libreoffice_csv(demo_path, tmp_path / "csv")["Stufenanalyse"]
    assert "ABC-Analyse" in text and "Woher die Kunden kommen" in text
