"""Kleinunternehmer (§ 19 UStG since 2025, § 34a UStDV): what the invoice must contain,
where the exemption ends, and that an invoice contradicting itself is never produced.
Worked example: a coach without VAT earned 24,000 € net in 2025 and invoices 2026 for
60,000 €, 45,000 € (the year now stands at 105,000 €: this invoice crosses the limit)
and 5,000 €; from the 45,000 € invoice on, VAT must be shown."""
from __future__ import annotations

import json
from datetime import date

import pytest

from kundenbuch.book.records import Record
from kundenbuch.rules.small_business import exemption

KUNDEN = [{"kundennr": "K-1", "firma": "Kundin GmbH", "kundenart": "Gewerbe",
           "strasse": "Weg 1", "plz": "50667", "ort": "Köln", "kunde_seit": date(2024, 1, 1)}]


def row(number, issued, net, rate=0, **values):
    return {"rechnungsnr": number, "kundennr": "K-1", "rechnungsdatum": issued,
            "leistungsdatum": issued, "leistung": "Coaching", "netto": net,
            "ust_satz": rate, "faellig_am": issued, "bezahlt_am": issued,
            "bezahlt_betrag": net * (100 + rate) / 100, **values}


def findings(cli, path, stichtag="2026-12-31") -> list[dict]:
    result = cli("pruefen", path, "--stichtag", stichtag, "--json")
    return json.loads(result.output)


def of_rule(found, rule):
    return [(f["adresse"], f["schwere"], f["meldung"]) for f in found if f["regel"] == rule]


SMALL = {"kleinunternehmer": "ja"}


def test_section_34a_a_kleinunternehmer_invoice_needs_no_service_date(cli, make_book):
    invoice = row("2026-0001", date(2026, 3, 2), 1200, leistungsdatum=None)
    exempt = make_book("klein.xlsx", kunden=KUNDEN, rechnungen=[invoice], settings=SMALL)
    assert of_rule(findings(cli, exempt), "invoice_mandatory_content") == []
    taxed = make_book("regel.xlsx", kunden=KUNDEN, rechnungen=[{**invoice, "ust_satz": 19}])
    assert [(a, s) for a, s, _ in of_rule(findings(cli, taxed), "invoice_mandatory_content")
            ] == [("Rechnungen!D2", "Fehler")]


def test_section_19_previous_year_over_25000_ends_the_exemption_for_the_whole_year(
        cli, make_book):
    rechnungen = [row("2025-0001", date(2025, 5, 5), 20000),
                  row("2025-0002", date(2025, 9, 1), 5000.01),    # 25,000.01 € in 2025
                  row("2026-0001", date(2026, 2, 2), 1000, rate=19),
                  row("2026-0002", date(2026, 3, 2), 1000, rate=0)]
    path = make_book(kunden=KUNDEN, rechnungen=rechnungen, settings=SMALL)
    found = findings(cli, path)
    threshold = of_rule(found, "small_business_thresholds")
    assert len(threshold) == 1 and threshold[0][1] == "Warnung"
    assert "25.000,01 €" in threshold[0][2] and "gilt 2026 nicht mehr" in threshold[0][2]
    vat = of_rule(found, "small_business_with_vat")
    assert ("Rechnungen!G4", "Fehler") not in [(a, s) for a, s, _ in vat]   # 19 % accepted
    assert [(a, s) for a, s, _ in vat] == [("Rechnungen!G5", "Warnung")]
    assert "Umsatz 2025 lag über 25.000 €" in vat[0][2]


def test_section_19_previous_year_of_exactly_25000_keeps_the_exemption(cli, make_book):
    rechnungen = [row("2025-0001", date(2025, 5, 5), 25000),
                  row("2026-0001", date(2026, 3, 2), 1000)]
    path = make_book(kunden=KUNDEN, rechnungen=rechnungen, settings=SMALL)
    found = findings(cli, path)
    assert of_rule(found, "small_business_thresholds") == []
    assert of_rule(found, "small_business_with_vat") == []


def test_section_19_the_invoice_crossing_100000_and_every_later_one_carry_vat(
        cli, make_book):
    rechnungen = [row("2025-0001", date(2025, 5, 5), 24000),
                  row("2026-0001", date(2026, 2, 2), 60000),
                  row("2026-0002", date(2026, 6, 1), 45000, rate=19),     # crosses: taxed
                  row("2026-0003", date(2026, 8, 3), 5000, rate=0),       # must be taxed
                  row("2026-0004", date(2026, 1, 15), 500, rate=19)]      # before: exempt
    path = make_book(kunden=KUNDEN, rechnungen=rechnungen, settings=SMALL)
    found = findings(cli, path)
    threshold = of_rule(found, "small_business_thresholds")
    assert len(threshold) == 1 and "Rechnung 2026-0002" in threshold[0][2]
    vat = {a: (s, m) for a, s, m in of_rule(found, "small_business_with_vat")}
    assert "Rechnungen!G3" not in vat and "Rechnungen!G2" not in vat
    assert vat["Rechnungen!G5"][0] == "Warnung" and "2026-0002" in vat["Rechnungen!G5"][1]
    assert vat["Rechnungen!G6"][0] == "Fehler"       # 19 % before the limit: § 14c UStG
    assert set(vat) == {"Rechnungen!G5", "Rechnungen!G6"}


def test_the_exemption_counts_the_service_year_without_cancelled_invoices():
    def record(number, day, net, **values):
        return Record("Rechnungen", number + 1, {
            "rechnungsnr": str(number), "rechnungsdatum": day, "leistungsdatum": None,
            "netto": net, "ust_satz": 0, "storniert": None, **values}, {})
    from decimal import Decimal
    invoices = [record(1, date(2025, 12, 30), Decimal("20000"),
                       leistungsdatum=date(2025, 12, 1)),
                record(2, date(2026, 1, 5), Decimal("9000"),
                       leistungsdatum=date(2025, 12, 15)),          # a 2025 service
                record(3, date(2025, 6, 1), Decimal("8000"), storniert="ja")]
    result = exemption(invoices, {"kleinunternehmer": "ja"})
    assert result.turnover[2025] == Decimal("29000")
    assert 2026 in result.lost_years
    assert exemption(invoices, {"kleinunternehmer": "nein"}).applies is False


def test_an_invoice_contradicting_itself_is_never_produced(cli, make_book):
    rechnungen = [row("2026-0001", date(2026, 10, 5), 400, rate=19, bezahlt_am=None,
                      bezahlt_betrag=None, faellig_am=None)]
    path = make_book(kunden=KUNDEN, rechnungen=rechnungen, settings=SMALL)
    vat = of_rule(findings(cli, path, "2026-10-31"), "small_business_with_vat")
    assert vat[0][:2] == ("Rechnungen!G2", "Fehler")
    assert "USt-Satz 0 eintragen" in vat[0][2] and "nicht erstellt" in vat[0][2]
    asked = cli("briefe", path, "--stichtag", "2026-10-31", "--rechnung", "2026-0001")
    assert asked.exit_code == 2
    message = " ".join(asked.output.split())
    assert "Rechnung 2026-0001 wird nicht erstellt" in message and "Rechnungen!G2" in message
    month_end = cli("monatsabschluss", path, "--stichtag", "2026-10-31")
    assert month_end.exit_code == 1, month_end.output
    assert not list((path.parent / "briefe").rglob("*Rechnung*"))


@pytest.mark.parametrize("rate, shows_vat", [(0, False), (19, True)])
def test_a_kleinunternehmer_invoice_document_carries_the_section_19_note(
        cli, make_book, rate, shows_vat):
    """Before the limit: the § 19 note and no VAT; after the exemption ended (2025 over
    25,000 €): VAT like any invoice."""
    from docx import Document
    before = [] if not shows_vat else [row("2025-0001", date(2025, 5, 5), 30000)]
    rechnungen = [*before, row("2026-0009", date(2026, 10, 5), 400, rate=rate,
                              bezahlt_am=None, bezahlt_betrag=None, faellig_am=None,
                              leistungsdatum=date(2026, 9, 30) if shows_vat else None)]
    path = make_book(kunden=KUNDEN, rechnungen=rechnungen, settings=SMALL)
    result = cli("briefe", path, "--stichtag", "2026-10-31", "--rechnung", "2026-0009")
    assert result.exit_code in (0, 1), result.output
    made = next((path.parent / "briefe").rglob("*2026-0009*.docx"))
    text = "\n".join(p.text for p in Document(made).paragraphs)
    text += "\n".join(c.text for t in Document(made).tables for r in t.rows for c in r.cells)
    assert ("§ 19 UStG" in text) is not shows_vat
    assert ("19 %" in text or "19%" in text) is shows_vat
    assert ("Nettobetrag" in text) is shows_vat        # § 34a UStDV: one sum only
    assert ("Leistungsdatum" in text) is shows_vat     # none typed, none required
