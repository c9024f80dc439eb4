"""SEPA direct debit (#20, item 5): the invoice of a client with a mandate announces the
collection (date, amount, mandate reference, creditor identifier) instead of asking for
a transfer, carries no QR code, and nobody is reminded while the collection is pending;
when the money does not come, the usual ladder runs from the collection day.
Worked example: invoice of Thursday 26.03.2026, due 09.04.2026; with 14 days' notice
the collection may be on 09.04. (a Thursday; Good Friday 03.04. and Easter Monday
06.04.2026 are TARGET holidays but lie before it)."""
from __future__ import annotations

import json
from datetime import date

import openpyxl
from docx import Document

from kundenbuch.rules.direct_debit import collection_date, target_business_day

MANDATE = {"zahlungsart": "Lastschrift", "iban": "DE02120300000000202051",
           "mandatsreferenz": "M-0007", "mandat_vom": date(2025, 1, 10)}


def test_collection_waits_for_the_notice_and_a_target_business_day():
    assert collection_date(date(2026, 3, 26), date(2026, 4, 9)) == date(2026, 4, 9)
    # due at once: not before 14 days of notice, 09.04.2026
    assert collection_date(date(2026, 3, 26), date(2026, 3, 26)) == date(2026, 4, 9)
    # notice ends on Good Friday 03.04.2026: Easter Monday is no bank day either
    assert collection_date(date(2026, 3, 20), date(2026, 3, 20)) == date(2026, 4, 7)
    assert target_business_day(date(2026, 12, 25)) == date(2026, 12, 28)
    assert collection_date(date(2026, 3, 26), date(2026, 3, 26), 5) == date(2026, 3, 31)


def _book(make_book, **client_values):
    kunden = [{"kundennr": "K-7", "anrede": "Frau", "vorname": "Ida", "nachname": "Ahlers",
               "kundenart": "Privat", "strasse": "Weg 7", "plz": "50667", "ort": "Köln",
               "kunde_seit": date(2025, 1, 1), "begruesst_am": date(2025, 1, 2),
               **MANDATE, **client_values}]
    rechnungen = [{"rechnungsnr": "2026-0031", "kundennr": "K-7",
                   "rechnungsdatum": date(2026, 3, 26), "leistungsdatum": date(2026, 3, 26),
                   "leistung": "Beratung", "netto": 200, "ust_satz": 19,
                   "faellig_am": date(2026, 3, 26)}]
    return make_book(kunden=kunden, rechnungen=rechnungen)


def test_the_invoice_announces_the_collection_instead_of_asking_for_a_transfer(cli,
                                                                                make_book):
    path = _book(make_book)
    result = cli("briefe", path, "--stichtag", "2026-03-31", "--briefdatum", "2026-03-26",
                 "--rechnung", "2026-0031")
    assert result.exit_code == 0, result.output
    document = Document(str(next((path.parent / "briefe").rglob("Rechnung_*.docx"))))
    text = " ".join(p.text for p in document.paragraphs)
    assert ("Den Betrag von 238,00\u00a0€ ziehen wir am 9. April 2026 per "
            "SEPA-Lastschrift von Ihrem Konto (IBAN endet auf 2051) ein") in text
    assert "Mandatsreferenz: M-0007" in text and "Gläubiger-ID: DE98ZZZ09999999999" in text
    assert "Bitte zahlen Sie" not in text and "GiroCode" not in text
    assert not document.inline_shapes


def _state(cli, path, stichtag):
    assert cli("forderungen", path, "--stichtag", stichtag).exit_code == 0
    sheet = openpyxl.load_workbook(path)["Rechnungen"]
    header = {c.value: c.column for c in sheet[1]}
    return {name: sheet.cell(2, header[name]).value for name in ("Status",
                                                                 "Tage überfällig")}


def test_no_reminder_while_the_collection_is_pending_then_the_usual_ladder(cli,
                                                                           make_book):
    path = _book(make_book)
    # Typed as due at once, but collected on 09.04.: not overdue before that day.
    assert _state(cli, path, "2026-04-08") == {"Status": "offen", "Tage überfällig": 0}
    pending = cli("briefe", path, "--stichtag", "2026-04-12", "--briefdatum",
                  "2026-04-12", "--art", "Mahnung")
    assert "Keine Briefe fällig" in pending.output
    # The money did not come: from the collection day the ladder runs (reminder 7 days
    # after it for tier C).
    assert _state(cli, path, "2026-04-20")["Tage überfällig"] == 11
    late = cli("briefe", path, "--stichtag", "2026-04-20", "--briefdatum", "2026-04-20",
               "--art", "Mahnung")
    assert "Zahlungserinnerung" in late.output


def test_a_client_paying_by_transfer_is_reminded_as_before(cli, make_book):
    path = _book(make_book, zahlungsart="Überweisung")
    assert _state(cli, path, "2026-04-08")["Tage überfällig"] == 13


def test_a_mandate_needs_the_creditor_identifier(cli, make_book):
    path = _book(make_book)
    book = openpyxl.load_workbook(path)
    row = next(r for r in book["Einstellungen"].iter_rows() if r[0].value == "Gläubiger-ID")
    row[1].value = "DE97ZZZ09999999999"                 # a wrong check digit
    book.save(path)
    found = json.loads(cli("pruefen", path, "--stichtag", "2026-03-31", "--json").output)
    assert [(f["schwere"], f["zelle"]) for f in found if f["regel"] == "creditor_identifier"
            ] == [("Fehler", f"B{row[1].row}")]
    row[1].value = None
    book.save(path)
    found = json.loads(cli("pruefen", path, "--stichtag", "2026-03-31", "--json").output)
    assert any("Gläubiger-ID fehlt" in f["meldung"] for f in found)
