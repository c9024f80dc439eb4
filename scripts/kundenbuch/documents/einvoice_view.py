"""A received e-invoice as a document a person can read: who sends, who receives, the
lines, the VAT per rate, the totals, how to pay, and what the check found.

Built with python-docx (no template: the user does not design this page, it shows what
arrived) and turned into PDF by LibreOffice like every letter.
"""
from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.shared import Mm, Pt, RGBColor

from ..einvoice.model import CATEGORY_NAMES, PAYMENT_MEANS, EInvoice, Party
from .docx_table import grid
from .render import _datum_kurz, _euro, _iban, _zahl

# UN/ECE Recommendation 20 unit codes as a reader knows them
UNITS = {"H87": "Stk", "C62": "Stk", "XPP": "Stk", "EA": "Stk", "HUR": "Std", "MIN": "Min",
         "DAY": "Tag(e)", "WEE": "Woche(n)", "MON": "Monat(e)", "ANN": "Jahr(e)",
         "LS": "pauschal", "KGM": "kg", "MTR": "m", "MTK": "m²", "LTR": "l", "KMT": "km"}
# a note may begin with its UNTDID 4451 subject code, e.g. "#ADU#"
SUBJECT_CODE = re.compile(r"^#[A-Z]{3}#")
RED, GREEN = RGBColor(0xB0, 0x00, 0x20), RGBColor(0x1B, 0x6E, 0x20)


def _money(value, currency: str) -> str:
    return _euro(value) if currency == "EUR" else f"{_zahl(value)} {currency}"


def _party_lines(party: Party) -> list[str]:
    lines = [party.name, party.street, " ".join(p for p in (party.postcode, party.city) if p),
             party.country]
    if party.vat_id:
        lines.append(f"USt-IdNr. {party.vat_id}")
    if party.tax_number:
        lines.append(f"Steuernummer {party.tax_number}")
    contact = ", ".join(p for p in (party.contact, party.phone, party.email) if p)
    if contact:
        lines.append(contact)
    return [line for line in lines if line]


def build(invoice: EInvoice, findings, source_name: str, target: Path) -> Path:
    """The .docx of the view; findings: the check's findings (empty = passed)."""
    document = Document()
    section = document.sections[0]
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin = section.bottom_margin = Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Liberation Sans", Pt(10)
    cur = invoice.currency
    document.add_heading(f"{invoice.type_name} {invoice.number}", level=1)
    facts = [f"vom {_datum_kurz(invoice.issue_date)}",
             f"Format: {'XRechnung' if invoice.is_xrechnung else 'EN 16931'} "
             f"({invoice.syntax}), Datei {source_name}"]
    if invoice.preceding:
        number, day = invoice.preceding
        facts.append(f"bezieht sich auf Rechnung {number}"
                     + (f" vom {_datum_kurz(day)}" if day else ""))
    if invoice.buyer_reference:
        facts.append(f"Käuferreferenz (Leitweg-ID): {invoice.buyer_reference}")
    if invoice.service_date:
        facts.append(f"Leistungsdatum: {_datum_kurz(invoice.service_date)}")
    if invoice.period:
        facts.append(f"Leistungszeitraum: {_datum_kurz(invoice.period[0])} bis "
                     f"{_datum_kurz(invoice.period[1])}")
    for fact in facts:
        document.add_paragraph(fact)

    _verdict(document, findings)

    parties = grid(document, [("Von (Verkäufer)", "An (Käufer)")], (87, 87))
    seller, buyer = _party_lines(invoice.seller), _party_lines(invoice.buyer)
    for left, right_text in zip(seller + [""] * len(buyer), buyer + [""] * len(seller)):
        if not (left or right_text):
            break
        cells = parties.add_row().cells
        cells[0].text, cells[1].text = left, right_text

    document.add_heading("Positionen", level=2)
    rows = [("Pos", "Bezeichnung", "Menge", "Einzelpreis", "USt", "Betrag netto")]
    for line in invoice.lines:
        name = line.name + (f"\n{line.description}" if line.description else "")
        unit = UNITS.get(line.unit, line.unit)
        rows.append((line.number, name, f"{_zahl(line.quantity)} {unit}".strip(),
                     _money(line.net_price, cur),
                     f"{_zahl(line.rate)} % {line.category}".strip(),
                     _money(line.net_amount, cur)))
    grid(document, rows, (20, 64, 20, 24, 18, 28), right=(2, 3, 4, 5))

    document.add_heading("Umsatzsteuer und Summen", level=2)
    rows = [("Steuer", "Bemessungsgrundlage", "Steuerbetrag")]
    for tax in invoice.taxes:
        label = f"{_zahl(tax.rate)} % ({CATEGORY_NAMES.get(tax.category, tax.category)})"
        if tax.exemption_reason:
            label += f": {tax.exemption_reason}"
        rows.append((label, _money(tax.basis, cur), _money(tax.tax, cur)))
    grid(document, rows, (84, 50, 40), right=(1, 2))
    document.add_paragraph()
    totals = [("Summe Positionen", invoice.line_total), ("Netto", invoice.tax_exclusive),
              ("Umsatzsteuer", invoice.tax_total), ("Brutto", invoice.tax_inclusive)]
    if invoice.prepaid:
        totals.append(("Bereits gezahlt", invoice.prepaid))
    totals.append(("Zu zahlen", invoice.payable))
    grid(document, [(label, _money(value, cur)) for label, value in totals], (134, 40),
           header=False, right=(1,))

    document.add_heading("Zahlung", level=2)
    payment = [f"Zahlungsart: {PAYMENT_MEANS.get(invoice.payment_means, invoice.payment_means or 'nicht angegeben')}"]
    if invoice.due_date:
        payment.append(f"Fällig am: {_datum_kurz(invoice.due_date)}")
    if invoice.iban:
        payment.append(f"IBAN: {_iban(invoice.iban)}" + (f", BIC {invoice.bic}"
                                                          if invoice.bic else ""))
    if invoice.mandate:
        payment.append(f"Lastschrift, Mandatsreferenz {invoice.mandate}"
                       + (f", Gläubiger-ID {invoice.creditor_id}" if invoice.creditor_id
                          else ""))
    if invoice.remittance:
        payment.append(f"Verwendungszweck: {invoice.remittance}")
    if invoice.payment_terms:
        payment.append(f"Bedingungen: {invoice.payment_terms}")
    for text in payment:
        document.add_paragraph(text)
    if invoice.notes:
        document.add_heading("Hinweise des Absenders", level=2)
        for note in invoice.notes:
            document.add_paragraph(SUBJECT_CODE.sub("", note))
    document.save(target)
    return target


def _verdict(document, findings) -> None:
    errors = [f for f in findings if f.level == "Fehler"]
    paragraph = document.add_paragraph()
    run = paragraph.add_run(
        "Prüfung: bestanden (Schema und Geschäftsregeln EN 16931)." if not errors else
        f"Prüfung: {len(errors)} Fehler. Diese Rechnung entspricht nicht EN 16931; "
        "Sie dürfen sie zurückweisen und eine korrekte E-Rechnung verlangen.")
    run.bold = True
    run.font.color.rgb = GREEN if not errors else RED
    for finding in findings:
        document.add_paragraph(f"{finding.level} {finding.rule}: {finding.text}",
                               style="List Bullet")
