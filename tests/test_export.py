"""Numbers for the tax advisor: the VAT of a return period (Soll and Ist, Kennzahlen,
sheet Umsatzsteuer), the DATEV booking batch with its documents, and the year's income
for the EÜR; each checked against sums computed here from the rows themselves."""
from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest

from kundenbuch.book import demo, new_workbook
from kundenbuch.book.reader import read_book, read_sheet_rows

from conftest import sha256

D = Decimal


def client(number, **values):
    return {"kundennr": f"K-{number:04d}", "anrede": "Frau", "vorname": "Ida",
            "nachname": f"Beispiel{number}", "strasse": "Hafenstraße 3", "plz": "20457",
            "ort": "Hamburg", "kundenart": "Gewerbe", "firma": f"Firma {number} GmbH",
            "kunde_seit": date(2025, 1, 1), "begruesst_am": date(2025, 1, 3), **values}


def invoice(number, kundennr, issued, netto, rate=19, **values):
    return {"rechnungsnr": f"2026-{number:04d}", "kundennr": kundennr,
            "rechnungsdatum": issued, "leistungsdatum": issued, "leistung": "Beratung",
            "netto": netto, "ust_satz": rate, "faellig_am": date(2026, 12, 31), **values}


CLIENTS = [client(1), client(2, firma="Łódź Consulting Sp. z o.o.", land="PL",
                              ustid="PL1234567890"),
           client(3, land="CH", firma="Bergli AG"), client(4), client(5)]
INVOICES = [
    invoice(1, "K-0001", date(2026, 10, 5), 1000.0),
    # service in October, invoice dated in November: Soll counts it in October
    invoice(2, "K-0004", date(2026, 11, 2), 200.0, leistungsdatum=date(2026, 10, 28)),
    invoice(3, "K-0001", date(2026, 9, 30), 500.0),                  # September
    invoice(4, "K-0002", date(2026, 10, 10), 800.0, rate=0),         # EU business: Kz 21
    invoice(5, "K-0003", date(2026, 10, 12), 300.0, rate=0),         # Switzerland: Kz 45
    invoice(6, "K-0004", date(2026, 10, 20), None, rate=None),       # lines at 19 and 7
    # cancels invoice 3 in October (issued then): Soll counts it in October, negative
    invoice(7, "K-0001", date(2026, 10, 25), -500.0, storno_zu="2026-0003"),
]
LINES = [{"belegnr": "2026-0006", "pos": 1, "menge": 2, "einheit": "Std",
          "beschreibung": "Workshop", "einzelpreis": 100, "ust_satz": 19},
         {"belegnr": "2026-0006", "pos": 2, "menge": 3, "einheit": "Stk",
          "beschreibung": "Handbuch", "einzelpreis": 20, "ust_satz": 7}]
PAYMENTS = [
    {"datum": date(2026, 10, 15), "betrag": 595.0, "kundennr": "K-0001",
     "rechnungsnr": "2026-0001", "art": "Überweisung", "buchungs_id": "B1"},
    {"datum": date(2026, 9, 5), "betrag": 100.0, "kundennr": "K-0005",
     "art": "Überweisung", "buchungs_id": "B2"},                # a credit, no invoice
    {"datum": date(2026, 11, 3), "betrag": 302.2, "kundennr": "K-0004",
     "rechnungsnr": "2026-0006", "art": "Überweisung", "buchungs_id": "B3"},
]


def the_book(tmp_path, settings=None, payments=PAYMENTS, name="kundenbuch.xlsx"):
    path = tmp_path / name
    new_workbook.create_workbook(path, {
        "Kunden": CLIENTS, "Rechnungen": INVOICES, "Positionen": LINES,
        "Zahlungen": list(payments), "Termine": [],
        "Einstellungen": {**demo.demo_settings(), **(settings or {})}})
    return path


def kennzahlen(path) -> dict:
    rows = read_sheet_rows(path, "Umsatzsteuer", ("Kz", "Bezeichnung",
                                                   "Bemessungsgrundlage", "volle Euro",
                                                   "Steuer"))
    return {r["Kz"]: r for r in rows if r["Kz"]}


def test_soll_counts_the_service_month_and_the_cancellation_when_issued(cli, tmp_path):
    path = the_book(tmp_path)
    result = cli("export", "ust", path, "--zeitraum", "2026-10")
    assert result.exit_code == 0, result.output
    found = kennzahlen(path)
    # 19 %: invoice 1 (1000), invoice 2 by its service date (200), the 19 % line of
    # invoice 6 (200), the cancellation of invoice 3 (-500)
    net19 = D(1000) + D(200) + D(200) - D(500)
    tax19 = sum(D(n) * D("0.19") for n in (1000, 200, 200)) - D(95)
    assert D(str(found["81"]["Bemessungsgrundlage"])) == net19
    assert found["81"]["volle Euro"] == 900
    assert D(str(found["81"]["Steuer"])).quantize(D("0.01")) == tax19
    assert D(str(found["86"]["Bemessungsgrundlage"])) == D(60)
    assert D(str(found["86"]["Steuer"])).quantize(D("0.01")) == D("4.20")
    assert D(str(found["21"]["Bemessungsgrundlage"])) == D(800)
    assert D(str(found["45"]["Bemessungsgrundlage"])) == D(300)
    assert "USt 1 A 2026" in result.output and "Kz" in result.output
    assert "Umsatzsteuer: 175,20 €" in result.output.replace("\u00a0", " ")  # 171 + 4.20
    protocol = [r for r in read_book(path).records["Protokoll"] if r["art"] == "Umsatzsteuer"]
    assert len(protocol) == 1 and "2026-10" in protocol[0]["details"]


def test_ist_counts_what_came_in_principal_split_over_the_rates(cli, tmp_path):
    path = the_book(tmp_path, settings={"versteuerung": "Ist"})
    assert cli("export", "ust", path, "--zeitraum", "2026-10").exit_code == 0
    found = kennzahlen(path)
    assert set(found) == {"81"}                  # only the half payment of invoice 1
    assert D(str(found["81"]["Bemessungsgrundlage"])) == D(500)
    assert D(str(found["81"]["Steuer"])).quantize(D("0.01")) == D(95)
    assert cli("export", "ust", path, "--zeitraum", "2026-11").exit_code == 0
    november = kennzahlen(path)                  # invoice 6 paid in full: 238 + 64.20
    assert D(str(november["81"]["Bemessungsgrundlage"])) == D(200)
    assert D(str(november["86"]["Bemessungsgrundlage"])) == D(60)


def test_a_quarter_and_the_chart_of_the_periods_before(cli, tmp_path):
    path = the_book(tmp_path)
    assert cli("export", "ust", path, "--zeitraum", "2026-Q4").exit_code == 0
    history = read_sheet_rows(path, "Umsatzsteuer", ("Zeitraum", "Umsätze netto",
                                                     "Umsatzsteuer"))
    periods = [r["Zeitraum"] for r in history if r.get("Zeitraum")]
    assert periods[-1] == "2026-Q4" and periods[-2] == "2026-Q3" and len(periods) == 8
    import zipfile
    with zipfile.ZipFile(path) as zf:
        assert any(n.startswith("xl/charts/chart") for n in zf.namelist())


def test_a_kleinunternehmer_sees_the_turnover_against_the_limits(cli, tmp_path):
    path = tmp_path / "klein.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": [client(1)],
        "Rechnungen": [invoice(1, "K-0001", date(2026, 10, 5), 1200.0, rate=0)],
        "Termine": [], "Einstellungen": {**demo.demo_settings(), "kleinunternehmer": "ja"}})
    result = cli("export", "ust", path, "--zeitraum", "2026-10")
    assert result.exit_code == 0, result.output
    text = result.output.replace("\u00a0", " ")
    assert "Kleinunternehmer (§ 19 UStG)" in text and "1.200,00 €" in text
    assert "25.000,00 €" in text and "100.000,00 €" in text
    assert kennzahlen(path) == {}


def test_a_period_kundenbuch_cannot_read_is_named_and_nothing_changes(cli, tmp_path):
    path = the_book(tmp_path)
    before = sha256(path)
    result = cli("export", "ust", path, "--zeitraum", "Oktober")
    assert result.exit_code == 1 and "2026-Q3" in result.output
    assert sha256(path) == before


def test_the_demo_quarter_matches_its_invoices(cli, demo_path):
    assert cli("export", "ust", demo_path, "--zeitraum", "2026-Q3").exit_code == 0
    book = read_book(demo_path)
    net = tax = D(0)
    for row in book.rechnungen:
        day = row["leistungsdatum"] or row["rechnungsdatum"]
        if (row["storniert"] != "ja" and day and date(2026, 7, 1) <= day <= date(2026, 9, 30)
                and not row["storno_zu"]):
            for rate, amount in (row["saetze"] or ((row["ust_satz"], row["netto"]),)):
                if rate == 19:
                    net += amount
                    tax += (amount * 19 / 100).quantize(D("0.01"))
    found = kennzahlen(demo_path)
    assert D(str(found["81"]["Bemessungsgrundlage"])) == net
    assert D(str(found["81"]["Steuer"])).quantize(D("0.01")) == tax


# --- DATEV -------------------------------------------------------------------------

def datev_rows(folder, label):
    with open(folder / f"EXTF_Buchungsstapel_{label}.csv", encoding="cp1252",
              newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def test_the_datev_batch_holds_every_invoice_cancellation_and_payment(cli, tmp_path):
    path = the_book(tmp_path)
    result = cli("export", "datev", path, "--zeitraum", "2026-10")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "export" / "2026-10"
    rows = datev_rows(folder, "2026-10")
    head = rows[0]
    assert head[:5] == ["EXTF", "700", "21", "Buchungsstapel", "13"]
    assert head[10:16] == ["29098", "55003", "20260101", "4", "20261001", "20261031"]
    assert head[26] == "03" and len(head) == 31
    assert all(len(r) == 125 for r in rows[1:])
    lines = rows[2:]
    amount = lambda r: D(r[0].replace(",", "."))
    # invoices dated in October: 1, 4, 5, 6 (gross), and the cancellation of 3 on H
    invoices = [r for r in lines if r[13].startswith("Rechnung")]
    expected = D("1190.00") + D("800.00") + D("300.00") + D("238.00") + D("64.20")
    assert sum(amount(r) for r in invoices) == expected
    assert all(r[1] == "S" and r[6].startswith("1000") for r in invoices)
    storno = [r for r in lines if r[13].startswith("Storno")]
    assert len(storno) == 1 and storno[0][1] == "H" and amount(storno[0]) == D("595.00")
    assert storno[0][10] == "2026-0003" and storno[0][11] == "2026-0007"
    accounts = {r[10]: r[7] for r in invoices}
    assert accounts["2026-0001"] == "8400" and accounts["2026-0004"] == "8336"
    assert accounts["2026-0005"] == "8338"
    payments = [r for r in lines if r[13].startswith("Zahlung")]
    assert [amount(r) for r in payments] == [D("595.00")]      # the October payment
    assert payments[0][6] == "1200" and payments[0][7] == "10001"
    assert any("Lódz Consulting" in r[13] for r in lines)      # cp1252 has no Ł, ź
    journal = list(csv.reader(open(folder / "Journal_2026-10.csv", encoding="utf-8-sig"),
                              delimiter=";"))
    assert len(journal) - 1 == len(lines)
    listing = list(csv.reader(open(folder / "Belegliste_2026-10.csv", encoding="utf-8-sig"),
                              delimiter=";"))
    assert sorted(r[0] for r in listing[1:]) == ["2026-0001", "2026-0004", "2026-0005",
                                                 "2026-0006", "2026-0007"]
    assert [r for r in read_book(path).records["Protokoll"] if r["art"] == "DATEV-Export"]


def test_skr04_and_the_credit_without_invoice(cli, tmp_path):
    path = the_book(tmp_path, settings={"kontenrahmen": "SKR04"})
    assert cli("export", "datev", path, "--zeitraum", "2026-09").exit_code == 0
    rows = datev_rows(tmp_path / "export" / "2026-09", "2026-09")
    assert rows[0][26] == "04"
    lines = rows[2:]
    assert {r[7] for r in lines if r[13].startswith("Rechnung")} == {"4400"}
    credit = [r for r in lines if r[13].startswith("Guthaben")]
    assert len(credit) == 1 and credit[0][6] == "1800" and credit[0][7] == "10005"


def test_invoice_documents_go_into_the_folder(cli, tmp_path):
    from conftest import needs_libreoffice
    needs_libreoffice()
    path = the_book(tmp_path)
    made = cli("briefe", path, "--rechnung", "2026-0001", "--pdf", "--briefdatum",
               "2026-10-05")
    assert made.exit_code == 0, made.output
    result = cli("export", "datev", path, "--zeitraum", "2026-10")
    assert result.exit_code == 0, result.output
    documents = sorted(p.name for p in (tmp_path / "export" / "2026-10" / "Belege").iterdir())
    assert documents and all("2026-0001" in name for name in documents)
    assert any(name.endswith(".pdf") for name in documents)
    listing = (tmp_path / "export" / "2026-10" / "Belegliste_2026-10.csv").read_text(
        encoding="utf-8-sig")
    assert "Belege/" in listing and "fehlt" in listing       # the others have none yet


def test_without_the_advisor_numbers_nothing_is_written(cli, tmp_path):
    path = the_book(tmp_path, settings={"beraternummer": None, "mandantennummer": None})
    before = sha256(path)
    result = cli("export", "datev", path, "--zeitraum", "2026-10")
    assert result.exit_code == 1
    assert "Beraternummer und Mandantennummer" in result.output
    assert sha256(path) == before and not (tmp_path / "export").exists()


# --- EÜR ---------------------------------------------------------------------------

def test_the_year_income_is_what_came_in(cli, tmp_path):
    path = the_book(tmp_path)
    before = sha256(path)
    result = cli("export", "euer", path, "--jahr", "2026")
    assert result.exit_code == 0, result.output
    assert sha256(path) == before                       # reads only
    assert "Ausgaben stehen nicht in diesem Buch" in result.output
    months = list(csv.reader(open(tmp_path / "export" / "EUER_2026_Monate.csv",
                                  encoding="utf-8-sig"), delimiter=";"))
    total = {r[0]: r for r in months}["Summe"]
    received = sum(D(str(p["betrag"])) for p in PAYMENTS)
    assert D(total[4].replace(",", ".")) == received
    october = {r[0]: r for r in months}["Oktober"]
    assert october[1:3] == ["500,00", "95,00"]
    clients = list(csv.reader(open(tmp_path / "export" / "EUER_2026_Kunden.csv",
                                   encoding="utf-8-sig"), delimiter=";"))
    assert {r[0] for r in clients[1:]} == {"K-0001", "K-0004", "K-0005"}


def test_the_demo_year_income_equals_its_payments(cli, demo_path):
    assert cli("export", "euer", demo_path, "--jahr", "2026").exit_code == 0
    months = list(csv.reader(open(demo_path.parent / "export" / "EUER_2026_Monate.csv",
                                  encoding="utf-8-sig"), delimiter=";"))
    total = D({r[0]: r for r in months}["Summe"][4].replace(",", "."))
    book = read_book(demo_path)
    assert total == sum((p["betrag"] for p in book.zahlungen if p["datum"].year == 2026),
                        D(0))


def test_a_netto_changed_in_calc_is_what_the_next_export_counts(cli, tmp_path):
    """The real edit cycle: the user corrects an invoice amount in LibreOffice Calc and
    saves; the VAT export counts the new amount."""
    from test_edit_cycle import calc_edit, needs_calc
    from kundenbuch.book.records import column_letter
    needs_calc()
    path = the_book(tmp_path)
    row = next(i for i in read_book(path).rechnungen if i["rechnungsnr"] == "2026-0001")
    cell = f"{column_letter(row.columns['netto'])}{row.row}"
    calc_edit(path, [{"sheet": "Rechnungen", "cell": cell, "number": 1500}],
              tmp_path / "calc")
    assert cli("export", "ust", path, "--zeitraum", "2026-10").exit_code == 0
    assert D(str(kennzahlen(path)["81"]["Bemessungsgrundlage"])) == D(1400)


@pytest.mark.parametrize("text,label", [("2026-10", "2026-10"), ("10/2026", "2026-10"),
                                        ("2026-Q3", "2026-Q3"), ("q3/2026", "2026-Q3"),
                                        ("2026", "2026")])
def test_periods_are_read_as_typed(text, label):
    from kundenbuch.rules.vat import parse_period
    assert parse_period(text).label == label


def test_the_tier_sheet_shows_revenue_by_month_with_its_chart(cli, demo_path):
    assert cli("stufen", demo_path).exit_code == 0
    rows = read_sheet_rows(demo_path, "Stufenanalyse", ("Monat", "Umsatz netto",
                                                        "Rechnungen"))
    shown = {r["Monat"]: D(str(r["Umsatz netto"])) for r in rows if r.get("Monat")}
    assert len(shown) == 12 and list(shown)[-1] == "2026-10"
    book = read_book(demo_path)
    august = sum((i["netto"] for i in book.rechnungen if i["storniert"] != "ja"
                  and i["rechnungsdatum"].strftime("%Y-%m") == "2026-08"), D(0))
    assert shown["2026-08"] == august
    import zipfile
    with zipfile.ZipFile(demo_path) as zf:
        charts = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/")]
    assert any("Umsatz je Monat" in c for c in charts)


def test_the_month_end_names_the_vat_of_its_period(cli, tmp_path):
    path = the_book(tmp_path, settings={"voranmeldung": "monatlich"})
    result = cli("monatsabschluss", path, "--stichtag", "2026-10-31", "--ohne-briefe",
                 "--probelauf")
    text = result.output.replace("\u00a0", " ")
    assert "Umsatzsteuer 10/2026 (Soll): 175,20 € vor Vorsteuer" in text
    assert "export ust --zeitraum 2026-10" in text


def test_the_demo_datev_month_matches_its_invoices_and_payments(cli, demo_path):
    assert cli("export", "datev", demo_path, "--zeitraum", "2026-10").exit_code == 0
    lines = datev_rows(demo_path.parent / "export" / "2026-10", "2026-10")[2:]
    amount = lambda r: D(r[0].replace(",", "."))
    book = read_book(demo_path)
    from kundenbuch.rules.amounts import invoice_gross
    october = [i for i in book.rechnungen if i["rechnungsdatum"].strftime("%Y-%m") == "2026-10"]
    signed = sum((amount(r) if r[1] == "S" else -amount(r)) for r in lines
                 if r[13].split()[0] in ("Rechnung", "Storno", "Gutschrift"))
    assert signed == sum((invoice_gross(i) for i in october), D(0))
    paid = sum((amount(r) if r[1] == "S" else -amount(r)) for r in lines
               if r[6] == "1200")
    assert paid == sum((p["betrag"] for p in book.zahlungen
                        if p["datum"].strftime("%Y-%m") == "2026-10"), D(0))


from hypothesis import given, strategies as st  # noqa: E402


@given(st.text(max_size=12))
def test_any_typed_period_is_read_or_named_in_german(text):
    from kundenbuch.rules.vat import PeriodError, parse_period
    try:
        period = parse_period(text)
    except PeriodError as exc:
        assert "kein Zeitraum" in str(exc)
    else:
        assert period.start <= period.end and period.holds(period.start)
