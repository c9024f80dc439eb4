"""The client file: `kundenbuch akte KUNDENNR` shows a client's whole story and writes it
as PDF; it reads only (the workbook stays as it was)."""
from __future__ import annotations

import subprocess

from conftest import needs_libreoffice, sha256
from kundenbuch.book.reader import read_book


def test_the_file_tells_the_whole_story_and_changes_nothing(cli, demo_path):
    needs_libreoffice()
    assert cli("briefe", demo_path, "--rechnung", "2026-0059", "--briefdatum",
               "2026-10-31").exit_code == 0
    book = read_book(demo_path)
    client = "K-0015"
    own = [i["rechnungsnr"] for i in book.rechnungen if i["kundennr"] == client]
    before = sha256(demo_path)
    result = cli("akte", client, demo_path)
    assert result.exit_code == 0, result.output
    assert sha256(demo_path) == before
    assert "Kundenakte K-0015 Schreinerei Astloch" in result.output
    assert "Verlauf" in result.output and "2026-0059" in result.output
    pdf = demo_path.parent / "akten" / "Akte_K-0015_2026-10-31.pdf"
    text = " ".join(subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    for number in own:                                 # every invoice in the story
        assert number in text
    assert "Rechnung: Rechnung_2026-0059_K-0015 (docx, xml)" in text   # and its e-invoice
    assert "Serviceversprechen" in text and "Stufe:" in text
    assert "Offene Posten" in text


def test_an_unknown_client_is_named(cli, demo_path):
    result = cli("akte", "K-9999", demo_path)
    assert result.exit_code == 1 and "K-9999 steht nicht im Blatt Kunden" in result.output
