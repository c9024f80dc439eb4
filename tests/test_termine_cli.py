"""`kundenbuch termine` and the appointment checks, end to end on workbook files."""
from __future__ import annotations

import json
from datetime import date, time

import icalendar

from kundenbuch.book.reader import read_book

from conftest import libreoffice_csv, sha256

STICHTAG = "2026-10-31"


def test_overview_onboarding_tax_dates_and_ics(cli, demo_path, tmp_path):
    ics = tmp_path / "kalender.ics"
    result = cli("termine", demo_path, "--stichtag", STICHTAG, "--ics", ics,
                 "--steuertermine", "2027")
    assert result.exit_code == 0, result.output
    book = read_book(demo_path)
    tax = [t for t in book.termine if t["art"] == "Steuertermin"]
    assert len(tax) == 8
    assert any(t["datum"] == date(2027, 1, 11) and "Q4/2026" in t["betreff"] for t in tax)
    plan = [t for t in book.termine if t["notiz"] == "Begrüßungsplan"]
    new_clients = [c["kundennr"] for c in book.kunden if not c["begruesst_am"]]
    assert sorted({t["kundennr"] for t in plan}) == sorted(new_clients)
    assert book.package.table("Termine").ref.endswith(str(book.termine[-1].row))
    # a second run adds nothing
    count = len(book.termine)
    cli("termine", demo_path, "--stichtag", STICHTAG, "--steuertermine", "2027")
    assert len(read_book(demo_path).termine) == count
    # the calendar file parses back, one event per row, stable UIDs
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) >= count
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    timed = [e for e in events if "Beratung" in str(e["SUMMARY"])
             and hasattr(e["DTSTART"].dt, "hour")]
    assert timed and str(timed[0]["DTSTART"].dt.tzinfo) == "Europe/Berlin"
    all_day = [e for e in events if "Steuertermin" in str(e["SUMMARY"])]
    assert all_day and not hasattr(all_day[0]["DTSTART"].dt, "hour")
    again = tmp_path / "again.ics"
    cli("termine", demo_path, "--stichtag", STICHTAG, "--ics", again)
    uids = {str(e["UID"]) for e in events}
    assert uids == {str(e["UID"]) for e in icalendar.Calendar.from_ical(
        again.read_bytes()).walk("VEVENT")}


def test_terminuebersicht_sheet_opens_in_libreoffice(cli, demo_path, tmp_path):
    cli("termine", demo_path, "--stichtag", STICHTAG)
    text = libreoffice_csv(demo_path, tmp_path / "csv")["Terminübersicht"]
    assert "Die nächsten 14 Tage" in text and "Fahrtenbuch je Monat" in text


def test_probelauf_writes_nothing(cli, demo_path):
    before = sha256(demo_path)
    assert cli("termine", demo_path, "--stichtag", STICHTAG, "--probelauf",
                "--steuertermine", "2027").exit_code == 0
    assert sha256(demo_path) == before


def test_appointment_checks_in_pruefen(cli, make_book):
    termine = [
        {"datum": date(2026, 5, 5), "beginn": time(9), "ende": time(10), "art": "Beratung"},
        {"datum": date(2026, 5, 5), "beginn": time(9, 30), "ende": time(11),
         "art": "Beratung"},                                        # overlaps row 2
        {"datum": date(2026, 5, 6), "beginn": time(12), "ende": time(11), "art": "Beratung"},
        {"datum": date(2026, 5, 10), "art": "Beratung"},            # a Sunday
        {"datum": date(2026, 5, 14), "art": "Beratung"},            # Christi Himmelfahrt
        {"datum": date(2026, 5, 7), "art": "Fahrt"},                # no km
        {"datum": date(2026, 5, 8), "art": "Lieferfrist", "erledigt": "nein"},
    ]
    path = make_book(termine=termine)
    result = cli("pruefen", path, "--stichtag", "2026-06-20", "--json")
    found = {(f["regel"], f["adresse"], f["schwere"]) for f in json.loads(result.stdout)}
    assert ("overlapping_appointments", "Termine!B3", "Warnung") in found
    assert ("end_before_start", "Termine!C4", "Fehler") in found
    assert ("appointment_on_free_day", "Termine!A5", "Warnung") in found
    assert ("appointment_on_free_day", "Termine!A6", "Warnung") in found
    assert ("trip_without_km", "Termine!H7", "Warnung") in found
    assert ("missed_delivery_deadline", "Termine!A8", "Fehler") in found
    assert result.exit_code == 1


def test_tax_dates_with_payroll_extension_and_a_local_holiday_in_a_bavarian_book(cli,
                                                                                make_book):
    path = make_book(settings={"bundesland": "Bayern", "feiertage_zusaetzlich": "15.08.",
                               "lohnsteuer_anmeldung": "monatlich",
                               "voranmeldung": "monatlich", "dauerfristverlaengerung": "ja",
                               "gewst_vorauszahlung": "ja"})
    result = cli("termine", path, "--stichtag", "2025-01-02", "--steuertermine", "2025")
    assert result.exit_code == 0, result.output
    tax = {t["betreff"]: t["datum"] for t in read_book(path).termine
           if t["art"] == "Steuertermin"}
    assert len([t for t in tax if t.startswith("Lohnsteuer-Anmeldung")]) == 12
    assert tax["Lohnsteuer-Anmeldung 07/2025"] == date(2025, 8, 11)    # 10.8. a Sunday
    assert tax["USt-Sondervorauszahlung 2025 (Dauerfristverlängerung, § 48 UStDV)"] == (
        date(2025, 2, 10))
    assert tax["GewSt-Vorauszahlung Q3/2025"] == date(2025, 8, 18)     # 15.8. local holiday


def test_a_bavarian_book_without_local_holidays_gets_a_hint(cli, make_book):
    path = make_book(settings={"bundesland": "BY"})
    found = json.loads(cli("pruefen", path, "--stichtag", "2026-01-10", "--json").output)
    hint = [f for f in found if f["regel"] == "local_holiday_setting"]
    assert [f["schwere"] for f in hint] == ["Hinweis"]
    assert "Feiertage zusätzlich" in hint[0]["meldung"] and "15.08." in hint[0]["meldung"]
    listed = make_book("mit.xlsx", settings={"bundesland": "BY",
                                              "feiertage_zusaetzlich": "15.08."})
    found = json.loads(cli("pruefen", listed, "--stichtag", "2026-01-10", "--json").output)
    assert not [f for f in found if f["regel"] == "local_holiday_setting"]
    broken = make_book("kaputt.xlsx", settings={"feiertage_zusaetzlich": "15.08.; Kirmes"})
    found = json.loads(cli("pruefen", broken, "--stichtag", "2026-01-10", "--json").output)
    assert [(f["schwere"], "Kirmes" in f["meldung"]) for f in found
            if f["regel"] == "local_holiday_setting"] == [("Fehler", True)]


def test_a_book_with_the_older_setting_name_ust_voranmeldung_still_counts(cli, make_book):
    import openpyxl
    path = make_book(settings={"voranmeldung": "monatlich"})
    book = openpyxl.load_workbook(path)
    row = next(r for r in book["Einstellungen"].iter_rows() if r[0].value == "Voranmeldung")
    row[0].value = "USt-Voranmeldung"
    book.save(path)
    assert read_book(path).settings["voranmeldung"] == "monatlich"
