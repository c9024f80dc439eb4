"""`kundenbuch loeschen KUNDENNR` (Art. 17 DSGVO): personal data without a retention
duty goes, what must be kept stays with the day it may go, through the safe write with
a backup; the Protokoll records that it happened but not the data; no later command
writes to the erased client again."""
from __future__ import annotations

from datetime import date

from kundenbuch.book import demo, new_workbook
from kundenbuch.book.reader import read_book

from conftest import sha256

STICHTAG = date(2026, 10, 31)


def client(number, **values):
    return {"kundennr": f"K-{number}", "anrede": "Frau", "vorname": "Ida",
            "nachname": f"Sonnenschein{number}", "strasse": "Hafenstraße 3",
            "plz": "20457", "ort": "Hamburg", "kundenart": "Privat",
            "email": f"ida{number}@example.org", "telefon": "040 123456",
            "kunde_seit": date(2024, 2, 1), "begruesst_am": date(2024, 2, 3),
            "geburtstag": date(1980, 11, 12), "einwilligung_gruesse": date(2025, 3, 1),
            "einwilligung_kanal": "Formular", "notizen": "mag Tee", **values}


def the_book(tmp_path, owing=False):
    paid = {} if owing else {"bezahlt_am": date(2026, 2, 1), "bezahlt_betrag": 119.0}
    rechnungen = [{"rechnungsnr": "2026-0001", "kundennr": "K-1",
                   "rechnungsdatum": date(2026, 1, 10), "leistung": "Beratung",
                   "netto": 100.0, "ust_satz": 19, "faellig_am": date(2026, 1, 24), **paid},
                  {"rechnungsnr": "2026-0002", "kundennr": "K-2",
                   "rechnungsdatum": date(2026, 1, 12), "leistung": "Beratung",
                   "netto": 100.0, "ust_satz": 19, "faellig_am": date(2026, 1, 26),
                   "bezahlt_am": date(2026, 2, 1), "bezahlt_betrag": 119.0}]
    termine = [{"datum": date(2026, 9, 1), "kundennr": "K-1", "art": "Beratung",
                "betreff": "Gespräch über die Familie", "erledigt": "ja"},
               {"datum": date(2026, 9, 2), "kundennr": "K-1", "art": "Fahrt", "km": 12,
                "ort": "Hamburg", "betreff": "Fahrt zu K-1", "erledigt": "ja"},
               {"datum": date(2026, 9, 3), "kundennr": "K-2", "art": "Beratung",
                "betreff": "Termin K-2", "erledigt": "ja"}]
    kontakte = [{"datum": date(2026, 9, 5), "kundennr": "K-1", "kanal": "Telefon",
                 "anlass": "Rückfrage", "notiz": "Tochter krank, später melden"}]
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": [client(1), client(2)], "Rechnungen": rechnungen, "Termine": termine,
        "Kontakte": kontakte, "Angebote": [], "Einstellungen": demo.demo_settings()})
    return path


def with_letters(cli, path):
    """The invoice document (kept) and a greeting (not kept), and an Auskunft."""
    for args in (("--rechnung", "2026-0001"), ("--art", "gruss")):
        result = cli("briefe", path, "--stichtag", STICHTAG, "--briefdatum", "2026-10-31",
                     *args)
        assert result.exit_code == 0, result.output
    assert cli("auskunft", "K-1", path).exit_code == 0
    return sorted(p.relative_to(path.parent).as_posix()
                  for p in path.parent.rglob("*") if p.is_file() and "K-1" in p.name)


def test_erasing_keeps_what_must_be_kept_and_says_until_when(cli, tmp_path):
    path = the_book(tmp_path)
    files = with_letters(cli, path)
    invoice_doc = next(f for f in files if "Rechnung_2026-0001" in f)
    greeting = next(f for f in files if "Gruss" in f)
    archive = next(f for f in files if f.startswith("auskunft/"))
    other_before = {t: [dict(r) for r in rows if r.get("kundennr") == "K-2"]
                    for t, rows in read_book(path).records.items() if t != "Protokoll"}
    result = cli("loeschen", "K-1", path)
    assert result.exit_code == 0, result.output
    assert "31.12.2034" in result.output           # the invoice of 2026: 8 years
    assert "31.12.2036" in result.output           # the trip of 2026: 10 years (books)
    book = read_book(path)
    erased = next(c for c in book.kunden if c["kundennr"] == "K-1")
    for field in ("email", "telefon", "geburtstag", "einwilligung_gruesse",
                  "einwilligung_kanal", "kunde_seit"):
        assert erased[field] is None, field
    assert erased["nachname"] == "Sonnenschein1" and erased["ort"] == "Hamburg"  # kept
    assert erased["phase"] == "Inaktiv" and erased["widerruf_am"] is not None
    assert "mag Tee" not in erased["notizen"] and "31.12.2036" in erased["notizen"]
    assert [c for c in book.kontakte if c["kundennr"] == "K-1"
            and c["anlass"] == "Rückfrage"] == []
    assert [t["art"] for t in book.termine if t["kundennr"] == "K-1"] == ["Fahrt"]
    assert [r for r in book.rechnungen if r["kundennr"] == "K-1"]
    assert (tmp_path / invoice_doc).exists()
    assert not (tmp_path / greeting).exists() and not (tmp_path / archive).exists()
    row = [r for r in book.records["Protokoll"] if r["art"] == "Löschung"]
    assert len(row) == 1 and row[0]["kundennr"] == "K-1"
    assert not any(secret in str(row[0]["details"]) for secret in
                   ("Sonnenschein", "ida1@", "Tee", "Hamburg", "1980"))
    assert list((tmp_path / "sicherung").glob("kundenbuch_*.xlsx"))
    assert {t: [dict(r) for r in rows if r.get("kundennr") == "K-2"]
            for t, rows in book.records.items() if t != "Protokoll"} == other_before
    archive_check = cli("archiv", "pruefen", path)
    assert "0 Probleme" in archive_check.output, archive_check.output


def test_no_command_writes_to_an_erased_client_again(cli, tmp_path):
    path = the_book(tmp_path)
    with_letters(cli, path)
    assert cli("loeschen", "K-1", path).exit_code == 0
    made_before = {p.name for p in (tmp_path / "briefe").rglob("*")}
    result = cli("monatsabschluss", path, "--stichtag", "2026-11-30", "--briefdatum",
                 "2026-11-30")
    assert result.exit_code in (0, 1), result.output
    new = {p.name for p in (tmp_path / "briefe").rglob("*")} - made_before
    assert not [name for name in new if "K-1" in name]
    assert cli("stufen", path, "--stichtag", "2026-11-30", "--uebernehmen").exit_code == 0
    erased = next(c for c in read_book(path).kunden if c["kundennr"] == "K-1")
    assert erased["phase"] == "Inaktiv"


def test_a_client_who_still_owes_is_not_erased_and_the_file_stays(cli, tmp_path):
    path = the_book(tmp_path, owing=True)
    before = sha256(path)
    result = cli("loeschen", "K-1", path)
    assert result.exit_code == 1
    assert "offene Posten" in result.output and "unverändert" in result.output
    assert sha256(path) == before


def test_a_client_with_nothing_to_keep_loses_the_name_too(cli, tmp_path):
    path = the_book(tmp_path)
    result = cli("loeschen", "K-1", path, "--probelauf")
    assert "Probelauf" in result.output and read_book(path).kunden[0]["email"]
    new_workbook.create_workbook(path, {"Kunden": [client(7)], "Rechnungen": [],
                                        "Termine": [], "Kontakte": [],
                                        "Einstellungen": demo.demo_settings()})
    result = cli("loeschen", "K-7", path)
    assert result.exit_code == 0, result.output
    assert "Nichts ist aufzubewahren" in result.output
    erased = read_book(path).kunden[0]
    assert erased["nachname"] == "gelöscht"
    assert erased["vorname"] is None and erased["strasse"] is None
    assert erased["kundennr"] == "K-7" and erased["kundenart"] == "Privat"


def test_an_unknown_client_is_named(cli, tmp_path):
    path = the_book(tmp_path)
    result = cli("loeschen", "K-99", path)
    assert result.exit_code == 1 and "K-99" in result.output


def test_erasing_a_book_saved_by_calc(cli, tmp_path):
    """The real life cycle: the book was last saved by LibreOffice Calc, with a note the
    user typed for another client; it survives the erasure."""
    from test_edit_cycle import calc_edit, needs_calc
    from kundenbuch.book.records import column_letter
    needs_calc()
    path = the_book(tmp_path)
    other = read_book(path).kunden[1]
    cell = f"{column_letter(other.columns['notizen'])}{other.row}"
    calc_edit(path, [{"sheet": "Kunden", "cell": cell, "text": "Rückruf am Montag"}],
              tmp_path / "calc")
    result = cli("loeschen", "K-1", path)
    assert result.exit_code == 0, result.output
    book = read_book(path)
    assert book.kunden[1]["notizen"] == "Rückruf am Montag"
    assert book.kunden[0]["email"] is None
