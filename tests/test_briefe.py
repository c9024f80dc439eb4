"""`kundenbuch briefe`, the templates and the archive, end to end."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from kundenbuch import api
from kundenbuch.documents.letters import sha256 as file_sha256
from kundenbuch.documents import pdf
from kundenbuch.rules.amounts import euro, open_amount
from kundenbuch.book.reader import read_book

from conftest import REPO, needs_libreoffice

STICHTAG = "2026-10-31"


def on_day(day: str) -> tuple:
    """A run at this Stichtag with letters dated that day, as on the day itself."""
    return ("--stichtag", day, "--briefdatum", day)


ON_STICHTAG = on_day(STICHTAG)


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture
def run_letters(cli, demo_path):
    result = cli("briefe", demo_path, *ON_STICHTAG, "--pdf")
    assert result.exit_code == 0, result.output
    return demo_path.parent / "briefe" / "2026-10"


def test_every_kind_of_letter_is_made(run_letters, demo_path):
    names = [p.name for p in run_letters.glob("*.docx")]
    for kind in ("Begruessung", "Dank", "Zahlungserinnerung", "1.Mahnung", "Jahrescheck",
                 "Rechnung_"):
        assert any(kind in n for n in names), f"kein Brief {kind}"
    assert len(list(run_letters.glob("*.pdf"))) == len(names)


def test_dunning_letter_names_amounts_dates_and_invoices(run_letters, demo_path):
    needs_libreoffice()
    book = read_book(demo_path)
    dunned = [i for i in book.rechnungen if i["mahnstufe"] == 2 and i["gemahnt_am"] ==
              date(2026, 10, 31)]
    assert dunned
    invoice = dunned[0]
    letter = next(run_letters.glob(f"*1.Mahnung_{invoice['kundennr']}_*.pdf"))
    text = " ".join(pdf_text(letter).split())
    assert "1. Mahnung" in text and invoice["rechnungsnr"] in text
    assert "31. Oktober 2026" in text                     # letter date, German
    assert "10. November 2026" in text                    # new deadline, a working day
    assert euro(open_amount(invoice)) in text
    assert "Mahngebühren: 2,50 €" in text


def test_girocode_decodes_to_the_epc_payload(run_letters, demo_path, tmp_path):
    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg (zbar-tools) fehlt")
    letter = next(run_letters.glob("*1.Mahnung_*.docx"))
    with zipfile.ZipFile(letter) as zf:
        image = next(n for n in zf.namelist() if n.startswith("word/media/"))
        (tmp_path / "code.png").write_bytes(zf.read(image))
    payload = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "code.png")],
                             capture_output=True, text=True).stdout.splitlines()
    book = read_book(demo_path)
    settings = book.settings
    assert payload[:4] == ["BCD", "002", "2", "SCT"]
    assert payload[4] == settings["bic"] and payload[5] == settings["firma"]
    assert payload[6] == settings["iban"]
    assert payload[7].startswith("EUR") and Decimal(payload[7][3:]) > 0
    # The structured reference names the letter's invoices (ISO 11649, #21).
    from kundenbuch.rules.references import invoices_in
    numbers = [str(i["rechnungsnr"]) for i in book.rechnungen]
    named = invoices_in(payload[9], numbers)
    assert named
    dunned = {str(i["rechnungsnr"]) for i in book.rechnungen
              if i["kundennr"] == letter.name.split("_")[2] and i["mahnstufe"]}
    assert set(named) <= dunned


def test_write_back_protocol_and_no_second_letter(cli, run_letters, demo_path):
    book = read_book(demo_path)
    welcomed = [c for c in book.kunden if c["begruesst_am"] == date(2026, 10, 31)]
    assert len(welcomed) == 3
    rows = [r for r in book.records["Protokoll"] if r["datei"]]
    assert len(rows) == len(list(run_letters.iterdir()))
    for row in rows:
        assert file_sha256(demo_path.parent / row["datei"]) == row["sha256"]
    count = len(list(run_letters.iterdir()))
    again = cli("briefe", demo_path, *ON_STICHTAG)
    assert "Keine Briefe fällig" in again.output
    assert len(list(run_letters.iterdir())) == count


def test_names_print_as_typed(cli, make_book):
    """Müller & Söhne <GmbH> is escaped in the XML and printed as typed."""
    needs_libreoffice()
    path = make_book(kunden=[{"kundennr": "K-0001", "anrede": "Firma",
                              "firma": "Müller & Söhne <GmbH>", "strasse": "Weg 1",
                              "plz": "50667", "ort": "Köln", "kundenart": "Gewerbe",
                              "kunde_seit": date(2026, 10, 20)}])
    result = cli("briefe", path, *ON_STICHTAG, "--art", "begruessung", "--pdf")
    assert result.exit_code == 0, result.output
    letter = next((path.parent / "briefe" / "2026-10").glob("*Begruessung*.docx"))
    with zipfile.ZipFile(letter) as zf:
        xml = zf.read("word/document.xml").decode()
    assert "Müller &amp; Söhne &lt;GmbH&gt;" in xml
    text = pdf_text(letter.with_suffix(".pdf"))
    assert "Müller & Söhne <GmbH>" in text
    assert "Sehr geehrte Damen und Herren" in text
    assert "Kickoff-Telefonat" in text                  # the onboarding plan


def test_invoice_has_the_mandatory_content(run_letters, demo_path):
    needs_libreoffice()
    book = read_book(demo_path)
    letter = next(run_letters.glob("Rechnung_*.pdf"))
    number = letter.name.split("_")[1]
    invoice = next(i for i in book.rechnungen if i["rechnungsnr"] == number)
    client = next(c for c in book.kunden if c["kundennr"] == invoice["kundennr"])
    text = " ".join(pdf_text(letter).split())
    assert f"Rechnung {number}" in text and invoice["leistung"] in text
    assert "Steuernummer" in text or "USt-IdNr" in text
    # one line per VAT rate (§ 14 Abs. 4 Nr. 8 UStG), the demo has an invoice at two
    for rate, _ in invoice["saetze"] or ((invoice["ust_satz"], None),):
        assert f"Umsatzsteuer {rate} %" in text
    assert ("§ 286 Abs. 3 BGB" in text) == (client["kundenart"] == "Privat")


def test_without_libreoffice_docx_is_still_made(demo_path, monkeypatch):
    monkeypatch.setattr(pdf, "soffice", lambda: None)
    result = api.briefe(demo_path, date(2026, 10, 31), __import__("datetime").datetime(
        2026, 11, 23, 9), kinds=["begruessung"], pdf=True)
    assert "LibreOffice ist nicht installiert" in result.run.pdf_problem
    assert all(path.suffix == ".docx" and path.exists() for _, path in result.run.files)


def test_repository_templates_are_complete_and_valid(cli):
    folder = REPO / "vorlagen"
    assert sorted(p.stem for p in folder.glob("*.docx")) == sorted([
        "begruessung", "dank", "zahlungserinnerung", "mahnung_1", "mahnung_2",
        "mahnung_letzte", "jahrescheck", "rechnung", "angebot", "angebot_nachfassen",
        "gruss", "zufriedenheit", "empfehlungsdank"])
    result = cli("vorlagen", "pruefen", "--ordner", folder)
    assert result.exit_code == 0, result.output


def test_template_check_names_template_and_placeholder(cli, tmp_path):
    from docx import Document
    folder = tmp_path / "vorlagen"
    cli("vorlagen", "neu", "--ordner", folder)
    document = Document(str(folder / "dank.docx"))
    document.add_paragraph("{{ absender.firma|default(„unbekannt“) }}")
    document.add_paragraph("{{ kunde.name }}")
    document.save(str(folder / "dank.docx"))
    broken = Document(str(folder / "jahrescheck.docx"))
    broken.add_paragraph("{% if stufe %} ohne Ende")
    broken.save(str(folder / "jahrescheck.docx"))
    result = cli("vorlagen", "pruefen", "--ordner", folder)
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "✗ dank.docx" in output and "typografische Anführungszeichen" in output
    assert "„unbekannt“" in output
    assert "✗ jahrescheck.docx" in output and "Fehler in einem Platzhalter" in output
    assert "✓ rechnung.docx" in output


def test_unknown_placeholder_is_reported(cli, tmp_path):
    from docx import Document
    folder = tmp_path / "vorlagen"
    cli("vorlagen", "neu", "--ordner", folder)
    document = Document(str(folder / "begruessung.docx"))
    document.add_paragraph("{{ kunde.name }}")
    document.save(str(folder / "begruessung.docx"))
    output = " ".join(cli("vorlagen", "pruefen", "--ordner", folder).output.split())
    assert "Unbekannter Platzhalter „kunde“" in output


def test_archive_check_finds_missing_and_changed_files(cli, run_letters, demo_path):
    assert cli("archiv", "pruefen", demo_path).exit_code == 0
    files = sorted(run_letters.glob("*.pdf"))
    files[0].unlink()
    files[1].write_bytes(files[1].read_bytes() + b"x")
    result = cli("archiv", "pruefen", demo_path)
    assert result.exit_code == 1
    assert "fehlt" in result.output and "verändert" in result.output


def test_no_girocode_for_an_invalid_own_iban(make_book):
    from kundenbuch.rules.letters import _girocode
    from kundenbuch.book.records import Settings
    good = Settings({"iban": "DE89 3704 0044 0532 0130 00", "firma": "X"}, {})
    bad = Settings({"iban": "DE89 3704 0044 0532 0130 01", "firma": "X"}, {})
    assert _girocode(good, Decimal("10.00"), "Rechnung 1")[1] == "DE89370400440532013000"
    assert _girocode(bad, Decimal("10.00"), "Rechnung 1") is None


def test_one_letter_per_client_in_the_tone_of_the_highest_level(cli, make_book):
    """A client owes one invoice due for the 1. Mahnung and one due for a first reminder:
    one 1. Mahnung lists both; each invoice advances to its own level, and the one
    reminded for the first time carries no interest (the reminder costs nothing)."""
    import openpyxl
    from docx import Document
    kunden = [{"kundennr": "K-1", "anrede": "Firma", "firma": "Hof GmbH",
               "kundenart": "Gewerbe", "strasse": "Weg 1", "plz": "50667", "ort": "Köln",
               "kunde_seit": date(2024, 1, 1)}]
    common = {"kundennr": "K-1", "leistung": "Beratung", "netto": 1000, "ust_satz": 19}
    path = make_book(kunden=kunden, rechnungen=[
        {"rechnungsnr": "2025-0001", "rechnungsdatum": date(2025, 5, 1),
         "leistungsdatum": date(2025, 5, 1), "faellig_am": date(2025, 5, 15),
         "mahnstufe": 1, "gemahnt_am": date(2025, 6, 1), **common},
        {"rechnungsnr": "2025-0009", "rechnungsdatum": date(2025, 6, 20),
         "leistungsdatum": date(2025, 6, 20), "faellig_am": date(2025, 7, 4), **common}])
    result = cli("briefe", path, *on_day("2025-07-20"), "--art", "Mahnung")
    assert result.exit_code == 0, result.output
    made = list((path.parent / "briefe" / "2025-07").glob("*.docx"))
    assert [p.name.split("_")[1] for p in made] == ["1.Mahnung"]
    rows = Document(str(made[0])).tables[1].rows
    cells = {r.cells[0].text: [c.text for c in r.cells] for r in rows[1:-1]}
    assert set(cells) == {"2025-0001", "2025-0009"}
    assert cells["2025-0009"][4] == "0,00\u00a0€" and cells["2025-0001"][4] != "0,00\u00a0€"
    sheet = openpyxl.load_workbook(path)["Rechnungen"]
    header = {c.value: c.column for c in sheet[1]}
    levels = {sheet.cell(r, header["Rechnungsnr"]).value: sheet.cell(r, header["Mahnstufe"]).value
              for r in (2, 3)}
    assert levels == {"2025-0001": 2, "2025-0009": 1}


def _invoice_book(make_book):
    kunden = [{"kundennr": "K-1", "anrede": "Frau", "vorname": "Ida", "nachname": "Ahlers",
               "kundenart": "Privat", "strasse": "Weg 1", "plz": "50667", "ort": "Köln",
               "kunde_seit": date(2024, 1, 1), "begruesst_am": date(2024, 1, 2)}]
    common = {"kundennr": "K-1", "leistung": "Beratung", "netto": 100, "ust_satz": 19}
    return make_book(kunden=kunden, rechnungen=[
        {"rechnungsnr": "2026-0101", "rechnungsdatum": date(2026, 10, 1),      # overdue
         "leistungsdatum": date(2026, 10, 1), "faellig_am": date(2026, 10, 15), **common},
        {"rechnungsnr": "2026-0102", "rechnungsdatum": date(2026, 10, 5),      # paid
         "leistungsdatum": date(2026, 10, 5), "faellig_am": date(2026, 10, 19),
         "bezahlt_am": date(2026, 10, 10), "bezahlt_betrag": 119, **common},
        {"rechnungsnr": "2026-0103", "rechnungsdatum": date(2026, 10, 20),     # to send
         "leistungsdatum": date(2026, 10, 20), "faellig_am": date(2026, 11, 3), **common}])


def test_invoice_documents_only_while_payable_and_never_beside_a_reminder(cli, make_book):
    path = _invoice_book(make_book)
    result = cli("monatsabschluss", path, *ON_STICHTAG)
    assert result.exit_code in (0, 1), result.output
    made = sorted(p.name for p in (path.parent / "briefe").rglob("*.docx"))
    invoices = [name for name in made if name.startswith("Rechnung_")]
    assert invoices == ["Rechnung_2026-0103_K-1.docx"]
    assert any("Zahlungserinnerung" in name for name in made)      # 2026-0101 is reminded


def test_a_requested_copy_is_marked_and_a_paid_invoice_asks_for_nothing(cli, make_book):
    from docx import Document
    path = _invoice_book(make_book)
    assert cli("briefe", path, *ON_STICHTAG, "--art", "Rechnung").exit_code == 0
    again = cli("briefe", path, *ON_STICHTAG, "--rechnung", "2026-0103")
    assert again.exit_code == 0, again.output
    folder = path.parent / "briefe" / "2026-10"
    copy = folder / "Rechnung_2026-0103_K-1_Kopie.docx"
    assert copy.exists()
    assert "Rechnung 2026-0103 (Kopie)" in [p.text for p in Document(str(copy)).paragraphs]
    from kundenbuch.book.reader import read_book
    kinds = [r["art"] for r in read_book(path).records["Protokoll"] if r["datei"]]
    assert kinds.count("Rechnung") == 1 and kinds.count("Rechnungskopie") == 1
    paid = cli("briefe", path, *ON_STICHTAG, "--rechnung", "2026-0102")
    assert paid.exit_code == 0, paid.output
    document = Document(str(folder / "Rechnung_2026-0102_K-1.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "am 10. Oktober 2026 bezahlt worden" in text
    assert "Bitte zahlen Sie" not in text and "GiroCode" not in text
    assert not document.inline_shapes                      # no QR code to pay again


def test_an_unknown_invoice_number_is_an_error_naming_it(cli, make_book):
    path = _invoice_book(make_book)
    result = cli("briefe", path, *ON_STICHTAG, "--rechnung", "2026-0104")
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert "Die Rechnung 2026-0104 gibt es im Blatt Rechnungen nicht" in message
    assert "2026-0103" in message                           # the close numbers offered
    assert not (path.parent / "briefe").exists() or not list(
        (path.parent / "briefe").rglob("*.docx"))
