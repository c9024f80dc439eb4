"""The pandas API (from kundenbuch import analyse): DataFrames with the book's German
headers and the computed columns, equal to what the month-end writes on the demo."""
from __future__ import annotations

from datetime import date

import pytest

pd = pytest.importorskip("pandas", reason="pandas fehlt (pip install -e \".[analyse]\")")

from kundenbuch import analyse  # noqa: E402
from kundenbuch.book.reader import read_book, read_sheet_rows  # noqa: E402
from kundenbuch.rules.receivables import BUCKETS  # noqa: E402

STICHTAG = date(2026, 10, 31)


@pytest.fixture
def closed_demo(cli, demo_path):
    """The demo after its month-end (no letters): the book's out columns and sheets
    hold the month-end's own figures."""
    result = cli("monatsabschluss", demo_path, "--stichtag", STICHTAG, "--ohne-briefe")
    assert result.exit_code in (0, 1), result.output
    return demo_path


def test_invoices_carry_the_month_ends_status_and_open_amount(closed_demo):
    frame = analyse.rechnungen(closed_demo, STICHTAG).set_index("Rechnungsnr")
    written = {i["rechnungsnr"]: i for i in read_book(closed_demo).rechnungen}
    assert set(frame.index) == set(written)
    for number, invoice in written.items():
        assert frame.loc[number, "Status"] == invoice["status"], number
        assert frame.loc[number, "Offen"] == pytest.approx(float(invoice["offen"] or 0))
    assert pd.api.types.is_datetime64_any_dtype(frame["Rechnungsdatum"])
    assert {"Altersklasse", "Stufe", "Verzugszinsen", "Tage überfällig"} <= set(frame.columns)


def test_aging_by_tier_is_the_offene_posten_table(closed_demo):
    table = analyse.altersstruktur(closed_demo, STICHTAG)
    rows = read_sheet_rows(closed_demo, "Offene Posten", ("Stufe", *BUCKETS, "Summe"))
    sheet = {r["Stufe"]: r for r in rows if r.get("Stufe") in set(table.index)}
    assert sheet and set(sheet) == set(table.index)
    for tier, row in sheet.items():
        for bucket in BUCKETS:
            assert table.loc[tier, bucket] == pytest.approx(float(row[bucket] or 0))


def test_clients_carry_open_amount_revenue_and_the_proposals(closed_demo):
    frame = analyse.kunden(closed_demo, STICHTAG).set_index("Kundennr")
    for client in read_book(closed_demo).kunden:
        assert frame.loc[client["kundennr"], "Offener Betrag"] == pytest.approx(
            float(client["offener_betrag"] or 0))
    abc = read_sheet_rows(closed_demo, "Stufenanalyse", ("Kundennr", "Kunde",
                                                         "Umsatz 12 Monate", "Vorschlag"))
    for row in abc:
        if row.get("Kundennr") in frame.index:
            assert frame.loc[row["Kundennr"], "Umsatz 12 Monate"] == pytest.approx(
                float(row["Umsatz 12 Monate"]))
    assert frame["Phase (Vorschlag)"].notna().all()


def test_revenue_by_client_month_and_tier_add_up(closed_demo):
    by_client = analyse.umsatz(closed_demo, STICHTAG, nach="Kunde")
    clients = analyse.kunden(closed_demo, STICHTAG).set_index("Kundennr")
    for number, revenue in by_client.items():
        assert revenue == pytest.approx(clients.loc[number, "Umsatz 12 Monate"])
    for other in ("Monat", "Stufe", "Quelle"):
        assert analyse.umsatz(closed_demo, STICHTAG, nach=other).sum() == pytest.approx(
            by_client.sum())
    with pytest.raises(ValueError):
        analyse.umsatz(closed_demo, STICHTAG, nach="Farbe")


def test_days_to_pay_are_counted_from_the_rows(closed_demo):
    frame = analyse.zahlungsdauer(closed_demo, STICHTAG)
    days = {}
    for invoice in read_book(closed_demo).rechnungen:
        if invoice["status"] in ("bezahlt", "Verzugsschaden") and invoice["bezahlt_am"]:
            days.setdefault(invoice["kundennr"], []).append(
                (invoice["bezahlt_am"] - invoice["rechnungsdatum"]).days)
    for number, values in days.items():
        assert frame.loc[number, "Rechnungen"] == len(values)
        assert frame.loc[number, "Durchschnitt"] == pytest.approx(
            round(sum(values) / len(values), 1))


def test_referrals_payments_and_appointments(closed_demo):
    referrals = analyse.empfehlungen(closed_demo, STICHTAG)
    book = read_book(closed_demo)
    referred = {}
    for client in book.kunden:
        if client["empfohlen_von"]:
            referred.setdefault(client["empfohlen_von"], []).append(client["kundennr"])
    assert dict(zip(referrals["Kundennr"], referrals["Kunden"])) == {
        k: len(v) for k, v in referred.items()}
    payments = analyse.zahlungen(closed_demo)
    assert len(payments) == len(book.zahlungen)
    assert payments["Betrag"].sum() == pytest.approx(sum(float(p["betrag"])
                                                         for p in book.zahlungen))
    assert payments["Zugeordnet"].notna().all()
    assert len(analyse.termine(closed_demo)) == len(book.termine)


def test_the_commands_never_import_pandas():
    import subprocess
    import sys
    code = ("import sys, kundenbuch.cli, kundenbuch.api; from kundenbuch.runs import "
            "month_end, export_vat, export_datev, export_income; "
            "print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
