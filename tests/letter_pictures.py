"""Make the README's pictures of the letters: one of each kind, from an invented book,
through the standard templates and LibreOffice, as PNG in vorlagen/beispiele/.

    python tests/letter_pictures.py

Needs LibreOffice and pdftoppm (poppler-utils). Run it again after changing a template.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PICTURES = REPO / "vorlagen" / "beispiele"
DAY = "2026-10-30"
# kind in the file name -> picture name
KINDS = {"Begruessung": "begruessung", "Dank": "dank",
         "Zahlungserinnerung": "zahlungserinnerung", "1.Mahnung": "mahnung_1",
         "2.Mahnung": "mahnung_2", "letzteMahnung": "mahnung_letzte",
         "Jahrescheck": "jahrescheck", "Rechnung": "rechnung",
         "Stornorechnung": "stornorechnung", "Angebot": "angebot",
         "Angebot-nachgefasst": "angebot_nachfassen", "Gruss": "gruss",
         "Zufriedenheit": "zufriedenheit", "Empfehlungsdank": "empfehlungsdank"}


def invented_book(path: Path) -> None:
    from kundenbuch.book import demo, new_workbook

    def client(number, **values):
        return {"kundennr": f"K-{number:04d}", "anrede": "Frau", "vorname": "Ida",
                "nachname": f"Beispiel{number}", "strasse": f"Lindenallee {number}",
                "plz": "50667", "ort": "Köln", "kundenart": "Gewerbe",
                "firma": f"Musterfirma {number} GmbH", "kunde_seit": date(2024, 3, 1),
                "begruesst_am": date(2024, 3, 3), **values}

    def invoice(number, kundennr, issued, **values):
        return {"rechnungsnr": f"2026-{number:04d}", "kundennr": kundennr,
                "rechnungsdatum": issued, "leistungsdatum": issued,
                "leistung": "Workshop Digitalisierung", "netto": 1200, "ust_satz": 19,
                **values}

    # K-0001 is new, referred by K-0002 (thanks); K-0004 has a birthday in the coming
    # month and consented to greetings
    kunden = [client(1, kunde_seit=date(2026, 10, 20), begruesst_am=None,
                     anrede="Herr", vorname="Jonas", nachname="Kettler", firma=None,
                     kundenart="Privat", quelle="Empfehlung", empfohlen_von="K-0002"),
              client(2), client(3),
              client(4, geburtstag=date(1980, 11, 12), einwilligung_gruesse=date(2025, 1, 10),
                     einwilligung_kanal="Formular"),
              client(5), client(6),
              client(7, stufe_fest="A", kunde_seit=date(2025, 9, 1)), client(8)]
    # a delivery done: how did it go?
    termine = [{"datum": date(2026, 10, 16), "kundennr": "K-0008", "art": "Lieferfrist",
                "betreff": "Konzept Kundenportal", "erledigt": "ja"}]
    rechnungen = [
        invoice(1, "K-0002", date(2026, 9, 20), bezahlt_am=date(2026, 10, 2),
                bezahlt_betrag=1428),
        invoice(2, "K-0003", date(2026, 9, 1), faellig_am=date(2026, 9, 15)),
        invoice(3, "K-0004", date(2026, 8, 1), faellig_am=date(2026, 8, 15), mahnstufe=1,
                gemahnt_am=date(2026, 9, 1)),
        invoice(4, "K-0005", date(2026, 7, 1), faellig_am=date(2026, 7, 15), mahnstufe=2,
                gemahnt_am=date(2026, 9, 1)),
        invoice(5, "K-0006", date(2026, 6, 1), faellig_am=date(2026, 6, 15), mahnstufe=3,
                gemahnt_am=date(2026, 9, 1)),
        # two VAT rates from its lines (Netto empty: filled from them)
        invoice(6, "K-0008", date(2026, 10, 28), netto=None, ust_satz=None,
                leistung="Workshop Buchhaltung mit Unterlagen"),
        invoice(7, "K-0007", date(2026, 10, 5), faellig_am=date(2026, 11, 5)),
        # cancels invoice 7 in full
        invoice(8, "K-0007", date(2026, 10, 29), netto=-1200, storno_zu="2026-0007",
                leistung="Storno Workshop Digitalisierung")]
    positionen = [
        {"belegnr": "2026-0006", "pos": 1, "menge": 6, "einheit": "Std",
         "beschreibung": "Workshop Buchhaltung", "einzelpreis": 95, "ust_satz": 19},
        {"belegnr": "2026-0006", "pos": 2, "menge": 1, "einheit": "pauschal",
         "beschreibung": "Vorbereitung", "einzelpreis": 120, "ust_satz": 19, "rabatt": 50},
        {"belegnr": "2026-0006", "pos": 3, "menge": 3, "einheit": "Stk",
         "beschreibung": "Handbuch „Buchhaltung kompakt“ (gedruckt)", "einzelpreis": 24.9,
         "ust_satz": 7},
        {"belegnr": "AN-2026-007", "pos": 1, "menge": 8, "einheit": "Std",
         "beschreibung": "Einrichtung und Schulung", "einzelpreis": 95, "ust_satz": 19}]
    angebote = [{"angebotsnr": "AN-2026-007", "kundennr": "K-0007",
                 "angebotsdatum": date(2026, 10, 15), "gueltig_bis": date(2026, 11, 14),
                 "leistung": "Einführung Buchhaltungssoftware", "status": "offen"}]
    new_workbook.create_workbook(path, {"Kunden": kunden, "Rechnungen": rechnungen,
                                        "Positionen": positionen, "Angebote": angebote,
                                        "Termine": termine,
                                        "Einstellungen": demo.demo_settings()})


def main() -> int:
    from click.testing import CliRunner

    from kundenbuch.cli import main as cli
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder) / "kundenbuch.xlsx"
        invented_book(book)
        result = CliRunner().invoke(cli, ["monatsabschluss", str(book), "--stichtag", DAY,
                                          "--briefdatum", DAY, "--pdf"])
        print(result.output)
        result = CliRunner().invoke(cli, ["briefe", str(book), "--stichtag", DAY,
                                          "--angebot", "AN-2026-007", "--pdf"])
        print(result.output)
        PICTURES.mkdir(exist_ok=True)
        pdfs = sorted((Path(folder) / "briefe").rglob("*.pdf"))
        for marker, name in KINDS.items():
            found = [p for p in pdfs if f"_{marker}_" in p.name or p.name.startswith(marker)]
            if not found:
                print(f"kein Brief {marker}", file=sys.stderr)
                return 1
            subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", str(found[0]),
                            str(PICTURES / name)], check=True)
    print(f"{len(KINDS)} Bilder in {PICTURES}")
    return 0


if __name__ == "__main__":
    shutil.which("soffice") or sys.exit("LibreOffice fehlt")
    sys.exit(main())
