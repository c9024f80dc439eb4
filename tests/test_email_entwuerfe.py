"""E-mail drafts: with --email every letter to a client with an address is also an .eml
file (to the client, the letter's subject and text, its PDF attached) that a mail
program opens to review and send; clients without an address get paper and are named;
the contact history says which way each letter went."""
from __future__ import annotations

import email
from datetime import date
from email import policy

from conftest import needs_libreoffice
from kundenbuch.book import demo, new_workbook
from kundenbuch.book.reader import read_book


def _client(number, address):
    return {"kundennr": number, "anrede": "Frau", "vorname": "Ida",
            "nachname": f"Beispiel{number[-1]}", "strasse": "Hafenstraße 3",
            "plz": "20457", "ort": "Hamburg", "kundenart": "Privat", "email": address,
            "kunde_seit": date(2026, 10, 20)}


def test_letters_become_drafts_where_there_is_an_address(cli, tmp_path):
    needs_libreoffice()
    path = tmp_path / "kundenbuch.xlsx"
    new_workbook.create_workbook(path, {
        "Kunden": [_client("K-1", "ida.beispiel@example.org"), _client("K-2", None)],
        "Rechnungen": [], "Kontakte": [], "Einstellungen": demo.demo_settings()})
    result = cli("briefe", path, "--stichtag", "2026-10-31", "--briefdatum", "2026-10-31",
                 "--art", "begruessung", "--email")
    assert result.exit_code == 0, result.output
    assert "E-Mail-Entwürfe: 1" in result.output
    assert "Ohne E-Mail-Adresse, nur Papierbrief: K-2" in result.output
    drafts = list((path.parent / "briefe").rglob("*.eml"))
    assert [d.name for d in drafts] == [
        "2026-10-31_Begruessung_K-1_Ida-Beispiel1.eml"]
    message = email.message_from_bytes(drafts[0].read_bytes(), policy=policy.default)
    assert message["To"] == "Ida Beispiel1 <ida.beispiel@example.org>"
    assert message["From"] == "Sommer Beratung <kontakt@sommer-beratung.example>"
    assert message["Subject"] == "Willkommen – Ihre ersten Termine mit uns"
    assert message["X-Unsent"] == "1"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Sehr geehrte Frau Beispiel1,\n\nherzlich willkommen!")
    assert "Kickoff-Telefonat" in body and "Mit freundlichen Grüßen" in body
    assert "Hafenstraße" not in body                       # the address block stays out
    attachments = [part.get_filename() for part in message.iter_attachments()]
    assert attachments == ["2026-10-31_Begruessung_K-1_Ida-Beispiel1.pdf"]
    pdf = next(message.iter_attachments()).get_content()
    assert pdf.startswith(b"%PDF-")
    contacts = {c["kundennr"]: c["kanal"] for c in read_book(path).kontakte}
    assert contacts == {"K-1": "E-Mail", "K-2": "Brief"}
    listed = [r["datei"] for r in read_book(path).records["Protokoll"] if r["datei"]]
    assert any(name.endswith(".eml") for name in listed)       # archived like the rest
