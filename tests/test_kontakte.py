"""The contact history (Kontakte) and the Wiedervorlage: every letter kundenbuch makes
is a row of it; follow-up dates, and quotes about to lapse without answer, are listed
in Terminübersicht, the month-end and the calendar file; an overdue one is a Warnung
naming the client."""
from __future__ import annotations

from datetime import date

from kundenbuch.book import demo, new_workbook
from kundenbuch.book.reader import read_book
from kundenbuch.checks import run_checks

CLIENT = {"kundennr": "K-1", "anrede": "Frau", "vorname": "Ida", "nachname": "Beispiel",
          "strasse": "Hafenstraße 3", "plz": "20457", "ort": "Hamburg",
          "kundenart": "Privat", "kunde_seit": date(2026, 10, 20)}
CONTACTS = [
    {"datum": date(2026, 10, 2), "kundennr": "K-1", "kanal": "Telefon",
     "anlass": "Rückfrage", "notiz": "Unterlagen schicken",
     "wiedervorlage": date(2026, 10, 20)},
    {"datum": date(2026, 10, 5), "kundennr": "K-1", "kanal": "Treffen",
     "anlass": "Erstgespräch", "wiedervorlage": date(2026, 11, 5)},
    {"datum": date(2026, 10, 6), "kundennr": "K-1", "kanal": "E-Mail",
     "anlass": "Termin bestätigt", "wiedervorlage": date(2026, 10, 10), "erledigt": "ja"},
]
QUOTE = {"angebotsnr": "AN-1", "kundennr": "K-1", "angebotsdatum": date(2026, 10, 1),
         "gueltig_bis": date(2026, 11, 8), "leistung": "Beratung", "netto": 500.0,
         "ust_satz": 19, "status": "offen"}


def _book(tmp_path, contacts=CONTACTS, quotes=(QUOTE,)):
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": [CLIENT], "Rechnungen": [], "Kontakte": list(contacts),
        "Angebote": list(quotes), "Einstellungen": demo.demo_settings()})
    return path


def test_an_overdue_follow_up_is_a_warning_naming_the_client(tmp_path):
    findings = run_checks(read_book(_book(tmp_path)), date(2026, 10, 31))
    late = [f for f in findings if "Wiedervorlage" in f.message]
    assert len(late) == 1                    # the done one and the future one are fine
    assert late[0].severity == "Warnung" and late[0].sheet == "Kontakte"
    assert "K-1" in late[0].message and "Rückfrage: Unterlagen schicken" in late[0].message


def test_follow_ups_are_listed_in_the_overview_the_run_and_the_calendar(cli, tmp_path):
    path = _book(tmp_path)
    result = cli("termine", path, "--stichtag", "2026-10-31", "--ics", tmp_path / "k.ics")
    assert result.exit_code in (0, 1), result.output
    assert "Wiedervorlagen: 3 (davon 1 überfällig" in result.output
    assert "20.10.2026 K-1: Rückfrage: Unterlagen schicken" in result.output
    from kundenbuch.book.reader import read_sheet_rows
    rows = read_sheet_rows(path, "Terminübersicht", ("fällig", "Kunde", "Wiedervorlage",
                                                     "Stand"))
    listed = [(r["Wiedervorlage"], r["Stand"]) for r in rows if r.get("Wiedervorlage")]
    assert ("Rückfrage: Unterlagen schicken", "überfällig") in listed
    assert ("Angebot AN-1 läuft ab, noch keine Antwort", None) in [
        (w, s or None) for w, s in listed]
    ics = (tmp_path / "k.ics").read_text(encoding="utf-8")
    assert ics.count("SUMMARY:Wiedervorlage") == 3


def test_every_letter_made_is_a_contact(cli, tmp_path):
    path = _book(tmp_path, contacts=[], quotes=())
    result = cli("briefe", path, "--stichtag", "2026-10-31", "--briefdatum", "2026-10-31",
                 "--art", "begruessung")
    assert result.exit_code == 0, result.output
    contacts = read_book(path).kontakte
    assert [(c["datum"], c["kundennr"], c["kanal"], c["anlass"]) for c in contacts] == [
        (date(2026, 10, 31), "K-1", "Brief", "Begrüßung")]
    assert contacts[0]["notiz"].startswith("briefe/2026-10/")


def test_a_requested_callback_is_due_as_the_tier_promises(tmp_path):
    """Stufe B promises a callback within 1 day (the default Stufen table); a contact
    "Rückruf erbeten" on 28.10. without a date of its own is due on 29.10."""
    client = {**CLIENT, "stufe_fest": "B"}
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": [client], "Rechnungen": [], "Angebote": [],
        "Kontakte": [{"datum": date(2026, 10, 28), "kundennr": "K-1", "kanal": "Telefon",
                      "anlass": "Rückruf erbeten", "notiz": "Frage zur Rechnung"}],
        "Einstellungen": demo.demo_settings()})
    from kundenbuch.rules.follow_ups import follow_ups
    book = read_book(path)
    items = follow_ups(book.kontakte, book.angebote, date(2026, 10, 28), 14, book.kunden,
                       book.stufen)
    assert [(f.day, f.what) for f in items] == [
        (date(2026, 10, 29), "Rückruf erbeten: Frage zur Rechnung")]
    late = [f.message for f in run_checks(book, date(2026, 10, 31))
            if "Rückruf" in f.message]
    assert late and late[0].startswith("Versprochener Rückruf vom 29.10.2026 für Kunde K-1")


def test_a_missed_delivery_deadline_is_in_the_one_follow_up_list(cli, tmp_path):
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": [CLIENT], "Rechnungen": [], "Kontakte": [], "Angebote": [],
        "Termine": [{"datum": date(2026, 10, 20), "kundennr": "K-1", "art": "Lieferfrist",
                     "betreff": "Konzept abgeben", "erledigt": "nein"},
                    {"datum": date(2026, 10, 21), "kundennr": "K-1", "art": "Lieferfrist",
                     "betreff": "Logo abgeben", "erledigt": "ja"}],
        "Einstellungen": demo.demo_settings()})
    result = cli("termine", path, "--stichtag", "2026-10-31", "--ics", tmp_path / "k.ics")
    assert "Wiedervorlagen: 1 (davon 1 überfällig" in result.output
    assert "20.10.2026 K-1: Lieferfrist verpasst: Konzept abgeben" in result.output
    from kundenbuch.book.reader import read_sheet_rows
    rows = read_sheet_rows(path, "Terminübersicht", ("fällig", "Kunde", "Wiedervorlage",
                                                     "Stand"))
    assert [r["Wiedervorlage"] for r in rows if r.get("Wiedervorlage")] == [
        "Lieferfrist verpasst: Konzept abgeben"]
    ics = (tmp_path / "k.ics").read_text(encoding="utf-8")
    assert "Wiedervorlage – Lieferfrist verpasst: Konzept abgeben" in ics.replace("\r\n ", "")
