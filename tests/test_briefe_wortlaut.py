"""What the client reads (#20): address and salutation forms, no internal tier in any
letter, a friendly reminder without zero columns, and dunning letters that explain
their interest and the flat fee in one plain sentence each."""
from __future__ import annotations

import re
from datetime import date

import pytest
from docx import Document

from kundenbuch.book.records import Record
from kundenbuch.rules.letters import recipient


def client(**values):
    base = {"kundennr": "K-1", "anrede": None, "vorname": None, "nachname": None,
            "firma": None, "strasse": "Weg 1", "plz": "50667", "ort": "Köln", "land": "DE"}
    return Record("Kunden", 2, {**base, **values}, {})


@pytest.mark.parametrize("values, lines, salutation", [
    ({"anrede": "Herr", "vorname": "Jonas", "nachname": "Kettler"},
     ["Herrn Jonas Kettler"], "Sehr geehrter Herr Kettler"),
    ({"anrede": "Frau", "vorname": "Ida", "nachname": "Ahlers"},
     ["Frau Ida Ahlers"], "Sehr geehrte Frau Ahlers"),
    ({"anrede": "Divers", "vorname": "Alex", "nachname": "Beispiel"},
     ["Alex Beispiel"], "Guten Tag Alex Beispiel"),
    ({"anrede": "Herr", "vorname": "Jonas", "nachname": "Kettler", "firma": "Hof GmbH"},
     ["Hof GmbH", "Herrn Jonas Kettler"], "Sehr geehrter Herr Kettler"),
    ({"anrede": "Frau", "nachname": "Ahlers", "firma": "Hof GmbH"},
     ["Hof GmbH", "Frau Ahlers"], "Sehr geehrte Frau Ahlers"),
    ({"anrede": "Firma", "firma": "Hof GmbH"}, ["Hof GmbH"], "Sehr geehrte Damen und Herren"),
    ({"anrede": "Firma", "vorname": "Jonas", "nachname": "Kettler", "firma": "Hof GmbH"},
     ["Hof GmbH", "Jonas Kettler"], "Sehr geehrte Damen und Herren"),
    ({"vorname": "Kim", "nachname": "Ohneform"}, ["Kim Ohneform"], "Guten Tag Kim Ohneform"),
])
def test_address_and_salutation_forms(values, lines, salutation):
    found = recipient(client(**values))
    assert found["zeilen"] == [*lines, "Weg 1", "50667 Köln"]
    assert found["anrede"] == salutation


def _text(path) -> str:
    document = Document(str(path))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def test_no_letter_of_a_month_end_names_a_tier_or_reads_awkwardly(cli, demo_path):
    result = cli("monatsabschluss", demo_path)
    assert result.exit_code in (0, 1), result.output
    letters = list((demo_path.parent / "briefe").rglob("*.docx"))
    assert len(letters) > 10
    for letter in letters:
        text = _text(letter)
        assert not re.search(r"Stufe\s+[ABC]\b|Kunde der Stufe", text), letter.name
        assert "z. Hd." not in text and "Waren Sie es" not in text, letter.name
        assert not re.search(r"\bHerr [A-ZÄÖÜ][a-zäöüß]+ [A-ZÄÖÜ]", text.split(",")[0])


def test_reminder_shows_no_charge_columns_and_mahnung_explains_interest_and_fee(cli,
                                                                               make_book):
    kunden = [{"kundennr": number, "anrede": "Herr", "vorname": "Jonas",
               "nachname": "Kettler", "firma": f"Hof {number} GmbH", "kundenart": "Gewerbe",
               "strasse": "Weg 2", "plz": "50667", "ort": "Köln",
               "kunde_seit": date(2024, 1, 1)} for number in ("K-2", "K-3")]
    common = {"rechnungsdatum": date(2025, 5, 1), "leistungsdatum": date(2025, 5, 1),
              "leistung": "Beratung", "netto": 1000, "ust_satz": 19,
              "faellig_am": date(2025, 5, 15)}
    path = make_book(kunden=kunden, rechnungen=[
        {"rechnungsnr": "2025-0001", "kundennr": "K-3", **common},
        {"rechnungsnr": "2025-0002", "kundennr": "K-2", "mahnstufe": 1,
         "gemahnt_am": date(2025, 6, 1), **common}])
    assert cli("briefe", path, "--stichtag", "2025-07-20", "--art", "Mahnung").exit_code == 0
    folder = path.parent / "briefe" / "2025-07"
    reminder = Document(str(next(folder.glob("*Zahlungserinnerung*.docx"))))
    assert [c.text for c in reminder.tables[1].rows[0].cells] == [
        "Rechnung", "vom", "fällig seit", "offen"]
    mahnung = _text(next(folder.glob("*1.Mahnung*.docx")))
    # Default since 5.6.2025 (reminder of 1.6. received 4.6.): 2.27 % + 9 points until
    # 30.6., 1.27 % + 9 from 1.7. (§ 247 BGB), on the gross 1,190.00 €.
    assert ("9 Prozentpunkte über dem Basiszinssatz (§ 288 Abs. 2 BGB), das sind ab "
            "05.06.2025 11,27\u00a0%, ab 01.07.2025 10,27\u00a0% im Jahr, auf 1.190,00 € "
            "vom 05.06.2025 bis 20.07.2025") in mahnung
    assert "Die Pauschale von 40 € je Rechnung steht uns zu" in mahnung
    assert "§ 288 Abs. 5 BGB" in mahnung
    header = Document(str(next(folder.glob("*1.Mahnung*.docx")))).tables[1].rows[0].cells
    assert [c.text for c in header] == ["Rechnung", "vom", "fällig seit", "offen", "Zinsen",
                                        "Pauschale"]


def test_an_old_template_naming_the_tier_is_reported(cli, tmp_path):
    from docx import Document as New
    folder = tmp_path / "vorlagen"
    assert cli("vorlagen", "neu", "--ordner", folder).exit_code == 0
    old = New(str(folder / "jahrescheck.docx"))
    old.add_paragraph("Als Kunde der Stufe {{ stufe }} steht Ihnen das zu.")
    old.save(str(folder / "jahrescheck.docx"))
    result = cli("vorlagen", "pruefen", "--ordner", folder)
    assert result.exit_code == 1
    assert "„stufe“ nennt dem Kunden seine interne Stufe" in " ".join(result.output.split())


def test_the_readme_shows_every_standard_letter_as_a_picture():
    from pathlib import Path

    from kundenbuch.documents.templates import TEMPLATES
    repo = Path(__file__).resolve().parents[1]
    readme = (repo / "README.md").read_text(encoding="utf-8")
    for name in TEMPLATES:
        picture = f"vorlagen/beispiele/{name}.png"
        assert f"]({picture})" in readme, name
        assert (repo / picture).stat().st_size > 10_000, name
