"""Letters of care: a greeting in the month before a birthday or a client anniversary
(only with consent), the question how it went after a delivery or a paid project
(its answer awaited in Kontakte), the thanks to whoever referred a new client; each
once, none after a withdrawal."""
from __future__ import annotations

from datetime import date, timedelta

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenbuch.book import demo, new_workbook
from kundenbuch.book.reader import read_book
from kundenbuch.checks import run_checks
from kundenbuch.rules.care_letters import occasions

STICHTAG = date(2026, 10, 31)
DAY = "2026-10-31"


def client(number, **values):
    return {"kundennr": f"K-{number}", "anrede": "Frau", "vorname": "Ida",
            "nachname": f"Beispiel{number}", "strasse": "Hafenstraße 3", "plz": "20457",
            "ort": "Hamburg", "kundenart": "Privat", "kunde_seit": date(2024, 2, 1),
            "begruesst_am": date(2024, 2, 3), **values}


def book(tmp_path, kunden, termine=(), rechnungen=(), angebote=(), name="kundenbuch.xlsx"):
    path = tmp_path / name
    new_workbook.create_workbook(path, {
        "Kunden": list(kunden), "Rechnungen": list(rechnungen), "Termine": list(termine),
        "Angebote": list(angebote), "Kontakte": [],
        "Einstellungen": demo.demo_settings()})
    return path


def letters(cli, path, *kinds, day=DAY):
    args = ["briefe", path, "--stichtag", STICHTAG, "--briefdatum", day]
    for kind in kinds:
        args += ["--art", kind]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return sorted(p.name for p in (path.parent / "briefe").rglob("*.docx")) if (
        path.parent / "briefe").exists() else []


def text_of(path) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


CONSENT = {"einwilligung_gruesse": date(2025, 3, 1), "einwilligung_kanal": "Formular"}


def test_a_birthday_next_month_is_greeted_once_and_only_with_consent(cli, tmp_path):
    path = book(tmp_path, [client(1, geburtstag=date(1980, 11, 12), **CONSENT),
                           client(2, geburtstag=date(1980, 11, 14)),          # no consent
                           client(3, geburtstag=date(1980, 12, 20), **CONSENT)])  # too early
    made = letters(cli, path, "gruss")
    assert [n for n in made if "Gruss" in n] == ["2026-10-31_Gruss_K-1_Ida-Beispiel1.docx"]
    body = text_of(next((tmp_path / "briefe").rglob("*Gruss*.docx")))
    assert "Geburtstag am 12. November 2026" in body
    assert "Frau Beispiel1" in body and "Stufe" not in body
    again = cli("briefe", path, "--stichtag", STICHTAG, "--briefdatum", "2026-11-02",
                "--art", "gruss")
    assert "Keine Briefe fällig" in again.output


def test_a_late_run_does_not_congratulate_after_the_day(cli, tmp_path):
    path = book(tmp_path, [client(1, geburtstag=date(1980, 11, 3), **CONSENT)])
    assert letters(cli, path, "gruss", day="2026-11-05") == []


def test_the_anniversaries_are_the_first_fifth_and_tenth_year():
    def years(since):
        row = client(1, kunde_seit=since)
        found = occasions(_Record(row), date(2026, 11, 1), date(2026, 11, 30))
        return [key for _, _, key, _ in found]
    assert years(date(2025, 11, 10)) == ["Kunde seit 1 Jahren 2026-11-10"]
    assert years(date(2021, 11, 10)) == ["Kunde seit 5 Jahren 2026-11-10"]
    assert years(date(2016, 11, 10)) == ["Kunde seit 10 Jahren 2026-11-10"]
    assert years(date(2011, 11, 10)) == ["Kunde seit 15 Jahren 2026-11-10"]
    assert years(date(2023, 11, 10)) == [] and years(date(2014, 11, 10)) == []


class _Record(dict):
    def __missing__(self, key):
        return None


def test_the_anniversary_letter_thanks_for_the_years(cli, tmp_path):
    path = book(tmp_path, [client(1, kunde_seit=date(2021, 11, 20), **CONSENT)])
    letters(cli, path, "gruss")
    body = text_of(next((tmp_path / "briefe").rglob("*Gruss*.docx")))
    assert "seit 5 Jahren zusammen" in body and "Danke für 5 Jahre Zusammenarbeit" in body


def test_a_withdrawal_stops_greetings_thanks_and_invitations(cli, tmp_path):
    withdrawn = {**CONSENT, "widerruf_am": date(2026, 6, 1)}
    path = book(tmp_path, [client(1, geburtstag=date(1980, 11, 12), **withdrawn),
                           client(2, geburtstag=date(1980, 11, 12), **CONSENT,
                                  widerruf_am=date(2024, 6, 1))])   # consented again since
    made = letters(cli, path)
    assert [n for n in made if "K-1" in n] == []
    assert any("Gruss_K-2" in n for n in made)


def test_after_a_delivery_the_client_is_asked_once_and_the_answer_awaited(cli, tmp_path):
    termine = [{"datum": date(2026, 10, 20), "kundennr": "K-1", "art": "Lieferfrist",
                "betreff": "Konzept Website", "erledigt": "ja"},
               {"datum": date(2026, 10, 22), "kundennr": "K-2", "art": "Lieferfrist",
                "betreff": "Logo", "erledigt": "nein"},
               {"datum": date(2026, 7, 1), "kundennr": "K-3", "art": "Lieferfrist",
                "betreff": "Alt", "erledigt": "ja"}]
    path = book(tmp_path, [client(1), client(2), client(3)], termine=termine)
    made = letters(cli, path, "zufriedenheit")
    assert made == ["2026-10-31_Zufriedenheit_K-1_Ida-Beispiel1.docx"]
    assert "„Konzept Website“" in text_of(next((tmp_path / "briefe").rglob("*.docx")))
    contact = [c for c in read_book(path).kontakte if c["kundennr"] == "K-1"]
    assert contact[0]["wiedervorlage"] == STICHTAG + timedelta(days=14)
    assert "Antwort als Kontakt eintragen" in contact[0]["anlass"]
    later = cli("briefe", path, "--stichtag", "2026-11-10", "--briefdatum", "2026-11-10",
                "--art", "zufriedenheit")
    assert "Keine Briefe fällig" in later.output


def test_a_paid_project_from_an_accepted_quote_is_asked_about(cli, tmp_path):
    rechnungen = [{"rechnungsnr": "2026-0001", "kundennr": "K-1",
                   "rechnungsdatum": date(2026, 9, 20), "leistung": "Workshop",
                   "netto": 800.0, "ust_satz": 19, "faellig_am": date(2026, 10, 4),
                   "bezahlt_am": date(2026, 10, 2), "bezahlt_betrag": 952.0}]
    angebote = [{"angebotsnr": "AN-1", "kundennr": "K-1", "angebotsdatum": date(2026, 9, 1),
                 "leistung": "Workshop Digitalisierung", "netto": 800.0, "ust_satz": 19,
                 "status": "angenommen", "rechnungsnr": "2026-0001"}]
    path = book(tmp_path, [client(1)], rechnungen=rechnungen, angebote=angebote)
    made = letters(cli, path, "zufriedenheit")
    assert made == ["2026-10-31_Zufriedenheit_K-1_Ida-Beispiel1.docx"]
    assert "„Workshop Digitalisierung“" in text_of(
        next((tmp_path / "briefe").rglob("*.docx")))


def test_the_referrer_of_a_new_client_is_thanked_once_without_naming_the_new_client(
        cli, tmp_path):
    path = book(tmp_path, [client(1), client(2, kunde_seit=date(2026, 10, 15),
                                              begruesst_am=date(2026, 10, 16),
                                              empfohlen_von="K-1", nachname="Neumann"),
                           client(3, kunde_seit=date(2025, 1, 15), empfohlen_von="K-1")])
    made = letters(cli, path, "empfehlungsdank")
    assert made == ["2026-10-31_Empfehlungsdank_K-1_Ida-Beispiel1.docx"]
    body = text_of(next((tmp_path / "briefe").rglob("*.docx")))
    assert "weiterempfohlen" in body and "Neumann" not in body and "K-2" not in body
    again = cli("briefe", path, "--stichtag", STICHTAG, "--briefdatum", "2026-11-03",
                "--art", "empfehlungsdank")
    assert "Keine Briefe fällig" in again.output


def test_the_new_letters_can_be_e_mail_drafts(cli, tmp_path):
    from conftest import needs_libreoffice
    needs_libreoffice()                  # the draft carries the letter as PDF
    path = book(tmp_path, [client(1, geburtstag=date(1980, 11, 12), email="ida@example.org",
                                  **CONSENT)])
    result = cli("briefe", path, "--stichtag", STICHTAG, "--briefdatum", DAY, "--art",
                 "gruss", "--email")
    assert result.exit_code == 0, result.output
    drafts = list((tmp_path / "briefe").rglob("*.eml"))
    assert len(drafts) == 1
    import email
    message = email.message_from_bytes(drafts[0].read_bytes())
    assert message["To"] == "Ida Beispiel1 <ida@example.org>"
    assert "Geburtstag" in str(email.header.make_header(email.header.decode_header(
        message["Subject"])))


def test_a_consent_without_its_channel_is_a_hint(tmp_path):
    path = book(tmp_path, [client(1, einwilligung_gruesse=date(2025, 3, 1))])
    found = [f for f in run_checks(read_book(path), STICHTAG) if "Kanal" in f.message]
    assert len(found) == 1 and found[0].severity == "Hinweis"
    assert "Art. 7 Abs. 1 DSGVO" in found[0].message


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.one_of(
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=12),
    st.integers(-5, 99999), st.floats(allow_nan=False, allow_infinity=False)))
def test_anything_typed_into_birthday_or_withdrawal_is_named_not_a_crash(tmp_path, typed):
    from kundenbuch.book.records import column_letter
    from kundenbuch.runs.letters import due_letters
    path = book(tmp_path, [client(1, geburtstag=typed, widerruf_am=typed, **CONSENT)],
                name="zufall.xlsx")
    book_read = read_book(path)
    findings = run_checks(book_read, STICHTAG)
    due_letters(book_read, STICHTAG, ("gruss", "dank"), letter_date=STICHTAG)
    row = book_read.kunden[0]
    if isinstance(typed, str) and typed.strip() and row["geburtstag"] is None:
        cell = f"{column_letter(row.columns['geburtstag'])}{row.row}"
        assert any(f.sheet == "Kunden" and f.cell == cell for f in findings), findings


def test_a_withdrawal_typed_in_calc_is_honoured_by_the_next_run(cli, tmp_path):
    """The real edit cycle: the client withdraws by phone, the user types the date into
    Widerruf am in LibreOffice Calc and saves; the month-end greets nobody."""
    from test_edit_cycle import calc_edit, needs_calc
    from kundenbuch.book.records import column_letter
    needs_calc()
    path = book(tmp_path, [client(1, geburtstag=date(1980, 11, 12), **CONSENT)])
    row = read_book(path).kunden[0]
    cell = f"{column_letter(row.columns['widerruf_am'])}{row.row}"
    calc_edit(path, [{"sheet": "Kunden", "cell": cell, "date": "2026-10-20"}],
              tmp_path / "calc")
    assert read_book(path).kunden[0]["widerruf_am"] == date(2026, 10, 20)
    result = cli("monatsabschluss", path, "--stichtag", STICHTAG, "--briefdatum", DAY)
    assert result.exit_code == 0, result.output
    assert not list((tmp_path / "briefe").rglob("*Gruss*"))
