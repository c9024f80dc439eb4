"""The client file as a document (python-docx; kundenbuch akte)."""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Mm, Pt

from ..book import schema
from ..book.records import display_name
from ..reports.sheet import format_value
from ..rules.amounts import euro
from .docx_table import grid


def build(file, target: Path) -> Path:
    client = file.client
    document = Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Mm(18)
    document.styles["Normal"].font.name = "Liberation Sans"
    document.styles["Normal"].font.size = Pt(9.5)
    document.add_heading(f"Kundenakte {client['kundennr']} {display_name(client)}", level=1)
    document.add_paragraph(f"Stand {file.stichtag:%d.%m.%Y} · intern (nennt die Stufe)")
    document.add_heading("Stammdaten", level=2)
    grid(document, [("Feld", "Wert")]
         + [(c.header, format_value(client[c.field])) for c in schema.KUNDEN.columns
            if client[c.field] is not None], (50, 124))
    document.add_heading("Phase und Stufe", level=2)
    document.add_paragraph(f"Phase: {file.phase_text}")
    if file.tier is not None:
        document.add_paragraph(
            f"Stufe: {file.tier.in_force or '–'} (Vorschlag {file.tier.proposed}; Umsatz "
            f"12 Monate {euro(file.tier.revenue)})"
            + (f"; Gründe: {'; '.join(file.tier.reasons)}" if file.tier.reasons else ""))
    document.add_heading("Offene Posten", level=2)
    if file.open_items:
        grid(document, [("Rechnung", "fällig", "offen", "Status", "Mahnstufe")]
             + [(s.number, format_value(s.effective_due), euro(s.open), s.status,
                 s.level_sent) for s in file.open_items], (35, 30, 35, 40, 34),
             right=(2,))
    else:
        document.add_paragraph("keine")
    document.add_heading("Serviceversprechen", level=2)
    if file.promises:
        grid(document, [("Versprechen", "Stand", "fällig", "Einzelheiten")]
             + [(p.what, p.state, format_value(p.due), p.detail) for p in file.promises],
             (30, 25, 25, 94))
    else:
        document.add_paragraph("alle gehalten")
    document.add_heading("Verlauf", level=2)
    grid(document, [("Datum", "Art", "Was")]
         + [(f"{e.day:%d.%m.%Y}", e.kind, e.text) for e in file.events], (25, 22, 127))
    document.save(target)
    return target
