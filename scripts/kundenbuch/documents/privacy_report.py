"""The readable part of an Art. 15 DSGVO answer: what is stored, why, from where, for
how long, and the client's rights; the data themselves follow as tables. Built with
python-docx (the page states facts, nobody designs it) and turned into PDF by
LibreOffice."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document
from docx.shared import Mm, Pt

from ..book import schema
from ..book.records import display_name
from ..reports.sheet import format_value
from ..rules.client_data import RETENTION

INTERNAL = ("stufe", "stufe_fest")
PURPOSES = ("Betreuung als Kundin oder Kunde (Termine, Briefe, Angebote)",
            "Rechnungen und Zahlungen, Buchführung und Steuer (Art. 6 Abs. 1 lit. b und c "
            "DSGVO)")
RIGHTS = ("Berichtigung unrichtiger Daten (Art. 16)", "Löschung, soweit keine "
          "Aufbewahrungspflicht besteht (Art. 17)", "Einschränkung der Verarbeitung "
          "(Art. 18)", "Datenübertragbarkeit (Art. 20): die Tabellen liegen als CSV bei",
          "Widerspruch, etwa gegen Newsletter und Grußkarten (Art. 21)",
          "Beschwerde bei einer Datenschutz-Aufsichtsbehörde (Art. 77)")


def build(client, rows: dict, documents: list[str], settings, day: date,
          target: Path) -> Path:
    document = Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Mm(20)
    document.styles["Normal"].font.name = "Liberation Sans"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading("Auskunft nach Art. 15 DSGVO", level=1)
    document.add_paragraph(f"für {display_name(client)} (Kundennummer {client['kundennr']}), "
                           f"erteilt am {day:%d.%m.%Y} von {settings.get('firma') or ''}, "
                           f"{settings.get('strasse') or ''}, {settings.get('plz') or ''} "
                           f"{settings.get('ort') or ''}.")
    document.add_heading("Welche Daten wir gespeichert haben", level=2)
    for spec_name, records in rows.items():
        if records:
            document.add_paragraph(f"{spec_name}: {len(records)} Zeile(n)", style="List Bullet")
    document.add_paragraph(f"Dokumente (Briefe, Rechnungen): {len(documents)}",
                           style="List Bullet")
    document.add_heading("Stammdaten", level=2)
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for column in schema.KUNDEN.columns:
        value = client[column.field]
        # the internal tier is in the CSV copy (Art. 15 Abs. 3); letters never name it
        if value is not None and column.field not in INTERNAL:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = column.header, format_value(value)
    document.add_heading("Wozu", level=2)
    for purpose in PURPOSES:
        document.add_paragraph(purpose, style="List Bullet")
    document.add_heading("Herkunft", level=2)
    document.add_paragraph("Die Daten stammen von Ihnen selbst"
                           + (f" (erster Kontakt: {client['quelle']})" if client["quelle"]
                              else "") + ", Zahlungsdaten aus unseren Kontoauszügen.")
    document.add_heading("Empfänger", level=2)
    document.add_paragraph("Niemand außer uns, soweit nicht gesetzlich vorgeschrieben "
                           "(Finanzamt, Steuerberatung für die Buchführung).")
    document.add_heading("Wie lange", level=2)
    for what, years in RETENTION:
        document.add_paragraph(f"{what}: {years} Jahre ab Ende des Jahres, in dem sie "
                               "entstanden", style="List Bullet")
    document.add_paragraph("Alles andere löschen wir, wenn Sie es wünschen oder die "
                           "Geschäftsbeziehung endet.")
    document.add_heading("Ihre Rechte", level=2)
    for right in RIGHTS:
        document.add_paragraph(right, style="List Bullet")
    document.add_paragraph("Die vollständigen Zeilen jeder Tabelle liegen dieser Auskunft "
                           "als CSV-Dateien bei, die Dokumente im Ordner Dokumente.")
    document.save(target)
    return target
