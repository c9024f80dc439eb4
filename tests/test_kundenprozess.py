"""The customer process proposed from facts: first contact → quote sent → quote accepted
→ first invoice → paid → regular, each proposal explained; Kunden changes only with
`stufen --uebernehmen`; clients not heard from for their phase's days are listed with
the next step (none that advertises after a withdrawal)."""
from __future__ import annotations

from datetime import date, timedelta

import python_calamine

from kundenbuch.book import demo, new_workbook
from kundenbuch.book.reader import read_book, read_sheet_rows

STICHTAG = date(2026, 10, 31)


def client(number, **values):
    return {"kundennr": f"K-{number}", "anrede": "Frau", "vorname": "Ida",
            "nachname": f"Beispiel{number}", "kundenart": "Privat",
            "kunde_seit": date(2026, 9, 1), **values}


def invoice(number, kundennr, issued, paid=None, netto=100.0):
    row = {"rechnungsnr": f"2026-{number:04d}", "kundennr": kundennr,
           "rechnungsdatum": issued, "leistung": "Beratung", "netto": netto, "ust_satz": 19,
           "faellig_am": issued + timedelta(days=14)}
    if paid:
        row.update(bezahlt_am=paid, bezahlt_betrag=round(netto * 1.19, 2))
    return row


def quote(number, kundennr, day, status="offen"):
    return {"angebotsnr": f"AN-{number}", "kundennr": kundennr, "angebotsdatum": day,
            "gueltig_bis": day + timedelta(days=30), "leistung": "Workshop", "netto": 800.0,
            "ust_satz": 19, "status": status}


def process_book(tmp_path):
    """One client at each step of the process, two typed by hand, one gone quiet."""
    kunden = [client(1),                                         # nothing yet
              client(2, phase="Erstkontakt"),                    # a quote sent
              client(3),                                         # quote accepted
              client(4, phase="Vertrag"),                        # first invoice, open
              client(5),                                         # first invoice paid
              client(6, phase="Umsetzung"),                      # two paid: regular
              client(7, phase="Bedarfsanalyse"),                 # typed, ahead of facts
              client(8, phase="Betreuung", kunde_seit=date(2023, 1, 10)),  # quiet
              client(9, phase="Inaktiv", kunde_seit=date(2022, 1, 1))]    # set by hand
    rechnungen = [invoice(1, "K-4", date(2026, 10, 20)),
                  invoice(2, "K-5", date(2026, 9, 20), paid=date(2026, 10, 1)),
                  invoice(3, "K-6", date(2026, 8, 1), paid=date(2026, 8, 10)),
                  invoice(4, "K-6", date(2026, 9, 1), paid=date(2026, 9, 12)),
                  invoice(5, "K-8", date(2024, 6, 1), paid=date(2024, 6, 10))]
    angebote = [quote(1, "K-2", date(2026, 10, 10)),
                quote(2, "K-3", date(2026, 10, 1), status="angenommen")]
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": kunden, "Rechnungen": rechnungen, "Angebote": angebote, "Termine": [],
        "Kontakte": [], "Einstellungen": demo.demo_settings()})
    return path


def phases_in(path) -> dict:
    return {c["kundennr"]: c["phase"] for c in read_book(path).kunden}


EXPECTED = {"K-1": "Erstkontakt", "K-2": "Empfehlung", "K-3": "Vertrag", "K-4": "Umsetzung",
            "K-5": "Betreuung", "K-6": "Betreuung", "K-7": "Bedarfsanalyse",
            "K-8": "Inaktiv", "K-9": "Inaktiv"}


def test_each_client_gets_the_phase_its_facts_show_with_the_reason(cli, tmp_path):
    path = process_book(tmp_path)
    before = phases_in(path)
    result = cli("stufen", path, "--stichtag", STICHTAG)
    assert result.exit_code == 0, result.output
    assert phases_in(path) == before                 # proposals only
    rows = read_sheet_rows(path, "Stufenanalyse", ("Kundennr", "Phase", "Vorschlag", "Grund"))
    proposals = {r["Kundennr"]: (r["Vorschlag"], r["Grund"]) for r in rows}
    changed = {n: p for n, p in EXPECTED.items() if before[n] != p}
    assert {n: v[0] for n, v in proposals.items()} == changed
    assert "Angebot AN-1 vom 10.10.2026 verschickt" in proposals["K-2"][1]
    assert "Angebot AN-2 angenommen" in proposals["K-3"][1]
    assert "erste Rechnung 2026-0001" in proposals["K-4"][1]
    assert "erste Rechnung 2026-0002 bezahlt" in proposals["K-5"][1]
    assert "Stammkunde: 2 bezahlte Rechnungen" in proposals["K-6"][1]
    assert "Tagen kein Angebot, keine Rechnung" in proposals["K-8"][1]
    assert "K-7" not in proposals and "K-9" not in proposals   # typed ahead, kept
    assert "Phasenvorschläge" in result.output


def test_uebernehmen_writes_the_proposals_and_a_second_run_changes_nothing(cli, tmp_path):
    path = process_book(tmp_path)
    result = cli("stufen", path, "--stichtag", STICHTAG, "--uebernehmen")
    assert result.exit_code == 0, result.output
    assert phases_in(path) == EXPECTED
    again = cli("stufen", path, "--stichtag", STICHTAG, "--uebernehmen", "--probelauf")
    assert "Phasenvorschläge" not in again.output


def test_a_phase_typed_in_calc_ahead_of_the_facts_stays(cli, tmp_path):
    """The real edit cycle: the user sets a phase in LibreOffice Calc and saves; the
    next run keeps it, since a conversation is nothing the book can see."""
    from test_edit_cycle import calc_edit, needs_calc
    from kundenbuch.book.records import column_letter
    needs_calc()
    path = process_book(tmp_path)
    book = read_book(path)
    row = next(c for c in book.kunden if c["kundennr"] == "K-1")
    cell = f"{column_letter(row.columns['phase'])}{row.row}"
    calc_edit(path, [{"sheet": "Kunden", "cell": cell, "text": "Vertrauen"}],
              tmp_path / "calc")
    result = cli("stufen", path, "--stichtag", STICHTAG, "--uebernehmen")
    assert result.exit_code == 0, result.output
    assert phases_in(path)["K-1"] == "Vertrauen"
    assert phases_in(path)["K-5"] == "Betreuung"


def test_a_quiet_client_is_listed_with_the_next_step_and_no_advertising_after_a_withdrawal(
        cli, tmp_path):
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": [client(1, phase="Empfehlung"),
                   client(2, phase="Empfehlung", widerruf_am=date(2026, 10, 1))],
        "Rechnungen": [],
        "Angebote": [quote(1, "K-1", date(2026, 8, 1)), quote(2, "K-2", date(2026, 8, 1))],
        "Termine": [], "Kontakte": [], "Einstellungen": demo.demo_settings()})
    result = cli("stufen", path, "--stichtag", STICHTAG)
    assert result.exit_code == 0, result.output
    rows = read_sheet_rows(path, "Stufenanalyse", ("Kundennr", "Phase", "letzte Aktivität",
                                                   "Tage", "nächster Schritt"))
    steps = {r["Kundennr"]: r["nächster Schritt"] for r in rows}
    assert steps["K-1"] == "zum Angebot nachfassen: Fragen klären, Angebot anpassen"
    assert steps["K-2"].startswith("Widerspruch gegen Werbung")
    assert "Ruhende Kontakte (2)" in result.output


def test_a_contact_counts_as_activity(cli, tmp_path):
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": [client(1, phase="Empfehlung")], "Rechnungen": [],
        "Angebote": [quote(1, "K-1", date(2026, 8, 1))], "Termine": [],
        "Kontakte": [{"datum": date(2026, 10, 20), "kundennr": "K-1", "kanal": "Telefon",
                      "anlass": "Rückfrage"}],
        "Einstellungen": demo.demo_settings()})
    result = cli("stufen", path, "--stichtag", STICHTAG)
    assert "Ruhende Kontakte" not in result.output


def test_the_referral_view_shows_who_brought_whom_and_their_revenue(cli, tmp_path):
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": [client(1), client(2, empfohlen_von="K-1"), client(3, empfohlen_von="K-1"),
                   client(4)],
        "Rechnungen": [invoice(1, "K-2", date(2026, 9, 1), netto=300.0),
                       invoice(2, "K-3", date(2024, 9, 1), netto=500.0),
                       invoice(3, "K-4", date(2026, 9, 1), netto=999.0)],
        "Termine": [], "Einstellungen": demo.demo_settings()})
    assert cli("stufen", path, "--stichtag", STICHTAG).exit_code == 0
    rows = read_sheet_rows(path, "Stufenanalyse", ("Kundennr", "Empfohlen von", "Kunden",
                                                   "Empfohlene Kunden", "Umsatz 12 Monate",
                                                   "Umsatz gesamt"))
    assert len(rows) == 1
    assert rows[0]["Kundennr"] == "K-1" and rows[0]["Kunden"] == 2
    assert rows[0]["Umsatz 12 Monate"] == 300 and rows[0]["Umsatz gesamt"] == 800
    assert "K-2" in rows[0]["Empfohlene Kunden"] and "K-3" in rows[0]["Empfohlene Kunden"]


def test_the_demo_sheet_has_the_phase_and_referral_blocks(cli, demo_path):
    assert cli("stufen", demo_path).exit_code == 0
    sheet = python_calamine.CalamineWorkbook.from_path(str(demo_path)).get_sheet_by_name(
        "Stufenanalyse").to_python()
    texts = {str(v) for line in sheet for v in line}
    assert any(t.startswith("Phasenvorschläge") for t in texts)
    assert "Empfehlungen: wer wen gebracht hat" in texts
